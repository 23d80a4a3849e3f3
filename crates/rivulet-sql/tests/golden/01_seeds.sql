-- Seed statements (seeds-interfaces.md sections 3 and 7, seeds/*.txt): every one must parse.
-- Each case: the SQL, then one `-- expect:` canonical statement per statement, or `-- error:`.

-- case: seed phone stream create as ksql-python sends it
CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON');
-- expect: CREATE STREAM SMARTPHONE_SENSOR_STREAM (NAME STRING, `TIME` BIGINT, VALUES_X DOUBLE, VALUES_Y DOUBLE, VALUES_Z DOUBLE, MESSAGEID BIGINT, SESSIONID STRING, DEVICEID STRING) WITH (KAFKA_TOPIC='smartphone-sensor-data', VALUE_FORMAT='JSON');

-- case: seed phone stream create as in the article
CREATE STREAM smartphone_sensor_stream (
name VARCHAR,
time BIGINT,
values_x DOUBLE,
values_y DOUBLE,
values_z DOUBLE,
messageId BIGINT,
sessionId VARCHAR,
deviceId VARCHAR
) WITH (
KAFKA_TOPIC = 'smartphone-sensor-data',
VALUE_FORMAT = 'JSON'
);
-- expect: CREATE STREAM SMARTPHONE_SENSOR_STREAM (NAME STRING, `TIME` BIGINT, VALUES_X DOUBLE, VALUES_Y DOUBLE, VALUES_Z DOUBLE, MESSAGEID BIGINT, SESSIONID STRING, DEVICEID STRING) WITH (KAFKA_TOPIC='smartphone-sensor-data', VALUE_FORMAT='JSON');

-- case: seed push query as the backend sends it
select deviceId, time, values_x, values_y, values_z
from smartphone_sensor_stream where name = 'accelerometeruncalibrated' emit changes
;
-- expect: SELECT DEVICEID, `TIME`, VALUES_X, VALUES_Y, VALUES_Z FROM SMARTPHONE_SENSOR_STREAM WHERE NAME = 'accelerometeruncalibrated' EMIT CHANGES;

-- case: seed push query one column per line with leading newline
 
select deviceId,
time,
values_x,
values_y,
values_z
from smartphone_sensor_stream
where name = 'accelerometeruncalibrated'
emit changes
;
-- expect: SELECT DEVICEID, `TIME`, VALUES_X, VALUES_Y, VALUES_Z FROM SMARTPHONE_SENSOR_STREAM WHERE NAME = 'accelerometeruncalibrated' EMIT CHANGES;

-- case: seed show streams lower case
show streams;
-- expect: SHOW STREAMS;

-- case: seed gps stream_location
CREATE STREAM stream_location (latitude DOUBLE, longitude DOUBLE, event_ts BIGINT, ID VARCHAR, device_id VARCHAR)
  WITH (KAFKA_TOPIC = 'device_location', VALUE_FORMAT = 'JSON', TIMESTAMP = 'event_ts');
-- expect: CREATE STREAM STREAM_LOCATION (LATITUDE DOUBLE, LONGITUDE DOUBLE, EVENT_TS BIGINT, `ID` STRING, DEVICE_ID STRING) WITH (KAFKA_TOPIC='device_location', VALUE_FORMAT='JSON', TIMESTAMP='event_ts');

-- case: seed gps stream_status
CREATE STREAM stream_status (sound DOUBLE, temperature DOUBLE, altitude DOUBLE, event_ts BIGINT, ID VARCHAR, device_id VARCHAR)
  WITH (KAFKA_TOPIC = 'device_status', VALUE_FORMAT = 'JSON', TIMESTAMP = 'event_ts');
-- expect: CREATE STREAM STREAM_STATUS (SOUND DOUBLE, TEMPERATURE DOUBLE, ALTITUDE DOUBLE, EVENT_TS BIGINT, `ID` STRING, DEVICE_ID STRING) WITH (KAFKA_TOPIC='device_status', VALUE_FORMAT='JSON', TIMESTAMP='event_ts');

-- case: seed gps stream_location as in the article text
CREATE STREAM stream_location ( latitude DOUBLE, longitude DOUBLE, event_ts BIGINT, ID VARCHAR, device_id VARCHAR ) WITH ( KAFKA_TOPIC = 'device_location', VALUE_FORMAT = 'JSON', TIMESTAMP = 'event_ts' );
-- expect: CREATE STREAM STREAM_LOCATION (LATITUDE DOUBLE, LONGITUDE DOUBLE, EVENT_TS BIGINT, `ID` STRING, DEVICE_ID STRING) WITH (KAFKA_TOPIC='device_location', VALUE_FORMAT='JSON', TIMESTAMP='event_ts');

-- case: seed gps join within 2 seconds
CREATE STREAM JOIN_EVENTS AS SELECT SL.ID ID, SL.DEVICE_ID DEVICE_ID, SL.LATITUDE, SL.LONGITUDE,
    GEO_DISTANCE(SL.LATITUDE, SL.LONGITUDE, 9.0, 107.0) DISTANCE, SL.EVENT_TS EVENT_TS,
    SS.DEVICE_ID as DI_, SS.temperature, SS.sound, SS.altitude
  FROM STREAM_LOCATION AS SL LEFT JOIN STREAM_STATUS AS SS WITHIN 2 SECONDS ON SL.DEVICE_ID = SS.DEVICE_ID
  WHERE 1=1 and SL.LATITUDE BETWEEN 8 AND 10 and SL.LONGITUDE BETWEEN 106 AND 108 EMIT CHANGES;
-- expect: CREATE STREAM JOIN_EVENTS AS SELECT SL.`ID` AS `ID`, SL.DEVICE_ID AS DEVICE_ID, SL.LATITUDE, SL.LONGITUDE, GEO_DISTANCE(SL.LATITUDE, SL.LONGITUDE, 9.0, 107.0) AS DISTANCE, SL.EVENT_TS AS EVENT_TS, SS.DEVICE_ID AS DI_, SS.TEMPERATURE, SS.SOUND, SS.ALTITUDE FROM STREAM_LOCATION SL LEFT JOIN STREAM_STATUS SS WITHIN 2 SECONDS ON SL.DEVICE_ID = SS.DEVICE_ID WHERE 1 = 1 AND SL.LATITUDE BETWEEN 8 AND 10 AND SL.LONGITUDE BETWEEN 106 AND 108 EMIT CHANGES;

-- case: seed gps windowed ctas with quoted alias and window bounds
CREATE TABLE device_winagg_status_per2s WITH (KEY_FORMAT = 'AVRO', VALUE_FORMAT = 'AVRO') AS SELECT
    CONCAT( CAST(DEVICE_ID AS STRING), '_', CAST(WINDOWSTART AS STRING), '_', CAST(WINDOWEND AS STRING)) AS ID,
    DEVICE_ID, AS_VALUE(DEVICE_ID) as "dev_id", AVG(LATITUDE) LATITUDE, AVG(LONGITUDE) LONGITUDE, AVG(DISTANCE) DISTANCE,
    MAX(EVENT_TS) EVENT_TS, COUNT(*) AS event_count, AVG(TEMPERATURE) as avg_temp, AVG(SOUND) as avg_sound, AVG(ALTITUDE) as avg_alt
  FROM JOIN_EVENTS WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY DEVICE_ID EMIT CHANGES;
-- expect: CREATE TABLE DEVICE_WINAGG_STATUS_PER2S WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS SELECT CONCAT(CAST(DEVICE_ID AS STRING), '_', CAST(WINDOWSTART AS STRING), '_', CAST(WINDOWEND AS STRING)) AS `ID`, DEVICE_ID, AS_VALUE(DEVICE_ID) AS `dev_id`, AVG(LATITUDE) AS LATITUDE, AVG(LONGITUDE) AS LONGITUDE, AVG(DISTANCE) AS DISTANCE, MAX(EVENT_TS) AS EVENT_TS, COUNT(*) AS EVENT_COUNT, AVG(TEMPERATURE) AS AVG_TEMP, AVG(SOUND) AS AVG_SOUND, AVG(ALTITUDE) AS AVG_ALT FROM JOIN_EVENTS WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY DEVICE_ID EMIT CHANGES;

-- case: seed gps latest per device ctas
CREATE TABLE device_winagg_status_perdevice WITH (KEY_FORMAT = 'AVRO', VALUE_FORMAT = 'AVRO') AS SELECT DEVICE_ID,
    LATEST_BY_OFFSET(LATITUDE) AS LATITUDE, LATEST_BY_OFFSET(LONGITUDE) AS LONGITUDE, LATEST_BY_OFFSET(DISTANCE) AS DISTANCE,
    LATEST_BY_OFFSET(EVENT_TS) AS EVENT_TS, LATEST_BY_OFFSET(TEMPERATURE) AS TEMPERATURE, LATEST_BY_OFFSET(SOUND) AS SOUND,
    LATEST_BY_OFFSET(ALTITUDE) AS ALTITUDE
  FROM JOIN_EVENTS GROUP BY DEVICE_ID EMIT CHANGES;
-- expect: CREATE TABLE DEVICE_WINAGG_STATUS_PERDEVICE WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS SELECT DEVICE_ID, LATEST_BY_OFFSET(LATITUDE) AS LATITUDE, LATEST_BY_OFFSET(LONGITUDE) AS LONGITUDE, LATEST_BY_OFFSET(DISTANCE) AS DISTANCE, LATEST_BY_OFFSET(EVENT_TS) AS EVENT_TS, LATEST_BY_OFFSET(TEMPERATURE) AS TEMPERATURE, LATEST_BY_OFFSET(SOUND) AS SOUND, LATEST_BY_OFFSET(ALTITUDE) AS ALTITUDE FROM JOIN_EVENTS GROUP BY DEVICE_ID EMIT CHANGES;

-- case: seed gps table_location with primary key
CREATE TABLE table_location (latitude DOUBLE, longitude DOUBLE, event_ts BIGINT, ID VARCHAR, device_id VARCHAR PRIMARY KEY)
  WITH (KAFKA_TOPIC = 'device_location', VALUE_FORMAT = 'JSON', TIMESTAMP = 'event_ts');
-- expect: CREATE TABLE TABLE_LOCATION (LATITUDE DOUBLE, LONGITUDE DOUBLE, EVENT_TS BIGINT, `ID` STRING, DEVICE_ID STRING PRIMARY KEY) WITH (KAFKA_TOPIC='device_location', VALUE_FORMAT='JSON', TIMESTAMP='event_ts');

-- case: seed gps table_status with primary key
CREATE TABLE table_status (sound DOUBLE, temperature DOUBLE, altitude DOUBLE, event_ts BIGINT, ID VARCHAR, device_id VARCHAR PRIMARY KEY)
  WITH (KAFKA_TOPIC = 'device_status', VALUE_FORMAT = 'JSON', TIMESTAMP = 'event_ts');
-- expect: CREATE TABLE TABLE_STATUS (SOUND DOUBLE, TEMPERATURE DOUBLE, ALTITUDE DOUBLE, EVENT_TS BIGINT, `ID` STRING, DEVICE_ID STRING PRIMARY KEY) WITH (KAFKA_TOPIC='device_status', VALUE_FORMAT='JSON', TIMESTAMP='event_ts');

-- case: seed gps queryable table without emit
CREATE TABLE QUERYABLE_TABLE_LOCATION AS SELECT device_id, LATEST_BY_OFFSET(latitude) AS latitude,
  LATEST_BY_OFFSET(longitude) AS longitude, LATEST_BY_OFFSET(event_ts) AS event_ts, LATEST_BY_OFFSET(ID) AS ID
  FROM stream_location GROUP BY device_id;
-- expect: CREATE TABLE QUERYABLE_TABLE_LOCATION AS SELECT DEVICE_ID, LATEST_BY_OFFSET(LATITUDE) AS LATITUDE, LATEST_BY_OFFSET(LONGITUDE) AS LONGITUDE, LATEST_BY_OFFSET(EVENT_TS) AS EVENT_TS, LATEST_BY_OFFSET(`ID`) AS `ID` FROM STREAM_LOCATION GROUP BY DEVICE_ID;

-- case: seed gps queryable status table without emit
CREATE TABLE QUERYABLE_TABLE_STATUS AS SELECT device_id, LATEST_BY_OFFSET(sound) AS sound,
  LATEST_BY_OFFSET(temperature) AS temperature, LATEST_BY_OFFSET(altitude) AS altitude
  FROM stream_status GROUP BY device_id;
-- expect: CREATE TABLE QUERYABLE_TABLE_STATUS AS SELECT DEVICE_ID, LATEST_BY_OFFSET(SOUND) AS SOUND, LATEST_BY_OFFSET(TEMPERATURE) AS TEMPERATURE, LATEST_BY_OFFSET(ALTITUDE) AS ALTITUDE FROM STREAM_STATUS GROUP BY DEVICE_ID;

-- case: seed gps api push query with limit
SELECT * FROM DEVICE_WINAGG_STATUS_PER2S WHERE DEVICE_ID = 'dev-1' EMIT CHANGES LIMIT 10;
-- expect: SELECT * FROM DEVICE_WINAGG_STATUS_PER2S WHERE DEVICE_ID = 'dev-1' EMIT CHANGES LIMIT 10;

-- case: seed gps api pull query
SELECT * FROM DEVICE_WINAGG_STATUS_PERDEVICE;
-- expect: SELECT * FROM DEVICE_WINAGG_STATUS_PERDEVICE;

-- case: seed gps note.txt housekeeping script
SHOW STREAMS; SHOW TABLES;
DROP STREAM JOIN_EVENTS;
DROP TABLE DEVICE_WINAGG_STATUS_PER2S;
-- expect: SHOW STREAMS;
-- expect: SHOW TABLES;
-- expect: DROP STREAM JOIN_EVENTS;
-- expect: DROP TABLE DEVICE_WINAGG_STATUS_PER2S;

-- case: seed gps jdbc sink connector per2s
CREATE SINK CONNECTOR `ksqldb-postgres-device_winagg_status_per2s` WITH (
  'connector.class' = 'io.confluent.connect.jdbc.JdbcSinkConnector',
  'topics' = 'DEVICE_WINAGG_STATUS_PER2S',
  'table.name.format' = 'gis_data.device_winagg_status_per2s',
  'connection.url' = 'jdbc:postgresql://postgres:5432/kafka',
  'connection.user' = 'datagis', 'connection.password' = 'datagis',
  'insert.mode' = 'insert', 'pk.mode' = 'kafka',
  'auto.create' = 'true', 'auto.evolve' = 'true',
  'key.converter' = 'io.confluent.connect.avro.AvroConverter',
  'value.converter' = 'io.confluent.connect.avro.AvroConverter',
  'key.converter.schema.registry.url' = 'http://kafka-schema-registry:8081',
  'value.converter.schema.registry.url' = 'http://kafka-schema-registry:8081');
-- expect: CREATE SINK CONNECTOR `ksqldb-postgres-device_winagg_status_per2s` WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSinkConnector', 'topics'='DEVICE_WINAGG_STATUS_PER2S', 'table.name.format'='gis_data.device_winagg_status_per2s', 'connection.url'='jdbc:postgresql://postgres:5432/kafka', 'connection.user'='datagis', 'connection.password'='datagis', 'insert.mode'='insert', 'pk.mode'='kafka', 'auto.create'='true', 'auto.evolve'='true', 'key.converter'='io.confluent.connect.avro.AvroConverter', 'value.converter'='io.confluent.connect.avro.AvroConverter', 'key.converter.schema.registry.url'='http://kafka-schema-registry:8081', 'value.converter.schema.registry.url'='http://kafka-schema-registry:8081');

-- case: seed gps jdbc sink connector per device upsert
CREATE SINK CONNECTOR IF NOT EXISTS `ksqldb-postgres-device_winagg_status_perdevice` WITH (
  'connector.class' = 'io.confluent.connect.jdbc.JdbcSinkConnector', 'topics' = 'DEVICE_WINAGG_STATUS_PERDEVICE',
  'insert.mode' = 'upsert', 'pk.mode' = 'record_key', 'pk.fields' = 'DEVICE_ID');
-- expect: CREATE SINK CONNECTOR IF NOT EXISTS `ksqldb-postgres-device_winagg_status_perdevice` WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSinkConnector', 'topics'='DEVICE_WINAGG_STATUS_PERDEVICE', 'insert.mode'='upsert', 'pk.mode'='record_key', 'pk.fields'='DEVICE_ID');

-- case: seed quix temperature window in sql
CREATE TABLE agg_temperature AS SELECT ROWKEY AS sensor, COUNT(*) AS count, MIN(`value`) AS min, MAX(`value`) AS max, AVG(`value`) AS mean
  FROM raw_temp_data WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY ROWKEY EMIT FINAL;
-- expect: CREATE TABLE AGG_TEMPERATURE AS SELECT ROWKEY AS SENSOR, COUNT(*) AS COUNT, MIN(`value`) AS MIN, MAX(`value`) AS MAX, AVG(`value`) AS MEAN FROM RAW_TEMP_DATA WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY ROWKEY EMIT FINAL;

-- case: seed quix crash detector hopping window in sql
SELECT WINDOWSTART, WINDOWEND, SUM(SQRT(values_x * values_x + values_y * values_y + values_z * values_z)) AS magnitude
  FROM smartphone_sensor_stream WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 250 MILLISECONDS)
  WHERE name = 'accelerometer' GROUP BY deviceId EMIT FINAL;
-- expect: SELECT WINDOWSTART, WINDOWEND, SUM(SQRT(VALUES_X * VALUES_X + VALUES_Y * VALUES_Y + VALUES_Z * VALUES_Z)) AS MAGNITUDE FROM SMARTPHONE_SENSOR_STREAM WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 250 MILLISECONDS) WHERE NAME = 'accelerometer' GROUP BY DEVICEID EMIT FINAL;
