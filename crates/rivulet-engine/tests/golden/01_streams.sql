-- Stateless persistent queries: filters, projections, names, keys, INSERT INTO.

-- case: seed push query as a persistent query
CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);
CREATE STREAM accel AS SELECT deviceId, time, values_x, values_y, values_z FROM smartphone_sensor_stream WHERE name = 'accelerometeruncalibrated';
-- input smartphone-sensor-data: "d1" {"name":"accelerometeruncalibrated","time":"1717000002133456600","values_z":1.06,"values_y":0.62,"values_x":-0.58,"messageId":20,"sessionId":"s","deviceId":"d1"}
-- input smartphone-sensor-data: "d1" {"name":"gyroscopeuncalibrated","time":"1717000002133457400","values_z":1,"values_y":2,"values_x":3,"messageId":20,"sessionId":"s","deviceId":"d1"}
-- input smartphone-sensor-data: "d1" {"status":"ready"}
-- output ACCEL: null {"DEVICEID":"d1","TIME":1717000002133456600,"VALUES_X":-0.58,"VALUES_Y":0.62,"VALUES_Z":1.06}

-- case: star keeps every column
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT * FROM s;
-- input s: null {"a":1,"b":"x"}
-- input s: null {"A":2}
-- output O: null {"A":1,"B":"x"}
-- output O: null {"A":2,"B":null}

-- case: aliases and generated names
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + b, a AS first, a * b FROM s;
-- input s: null {"a":2,"b":3}
-- output O: null {"KSQL_COL_0":5,"FIRST":2,"KSQL_COL_1":6}

-- case: key column carried through
CREATE STREAM s (id STRING KEY, v DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id, v * 2 AS d FROM s WHERE v > 1;
-- input s: "k1" {"V":0.5}
-- input s: "k2" {"V":1.5}
-- output O: "k2" {"D":3.0}

-- case: AS_VALUE copies the key into the value
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id, AS_VALUE(id) AS dev, v FROM s;
-- input s: "dev-1" {"v":7}
-- output O: "dev-1" {"DEV":"dev-1","V":7}

-- case: quoted alias keeps its case
CREATE STREAM s (device_id STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT device_id AS "dev_id" FROM s;
-- input s: null {"device_id":"dev-1"}
-- output O: null {"dev_id":"dev-1"}

-- case: where with AND OR NOT
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE (a > 1 AND b = 'x') OR NOT (a < 10);
-- input s: null {"a":1,"b":"x"}
-- input s: null {"a":2,"b":"x"}
-- input s: null {"a":2,"b":"y"}
-- input s: null {"a":20,"b":"y"}
-- output O: null {"A":2}
-- output O: null {"A":20}

-- case: BETWEEN is inclusive
CREATE STREAM s (lat DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT lat FROM s WHERE lat BETWEEN 8 AND 10;
-- input s: null {"lat":8}
-- input s: null {"lat":10.42}
-- input s: null {"lat":10}
-- output O: null {"LAT":8.0}
-- output O: null {"LAT":10.0}

-- case: IN list and IS NULL
CREATE STREAM s (n STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n FROM s WHERE n IN ('a', 'b') OR v IS NULL;
-- input s: null {"n":"a","v":1}
-- input s: null {"n":"c","v":1}
-- input s: null {"n":"d"}
-- output O: null {"N":"a"}
-- output O: null {"N":"d"}

-- case: LIKE with wildcards
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n FROM s WHERE n LIKE 'acc%' AND n NOT LIKE '%uncalibrated';
-- input s: null {"n":"accelerometer"}
-- input s: null {"n":"accelerometeruncalibrated"}
-- input s: null {"n":"gyroscope"}
-- output O: null {"N":"accelerometer"}

-- case: null comparisons select nothing
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a <> 1;
-- input s: null {"a":null}
-- input s: null {"a":2}
-- output O: null {"A":2}

-- case: numeric strings coerce to BIGINT and DOUBLE
CREATE STREAM s (t BIGINT, x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT t, x FROM s;
-- input s: null {"t":"1671406719721160400","x":"0.25"}
-- output O: null {"T":1671406719721160400,"X":0.25}

-- case: a record that cannot be decoded is skipped and the query goes on
CREATE STREAM s (t BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT t FROM s;
-- input s: null {"t":"not a number"}
-- input s: null not json
-- input s: null {"t":5}
-- output O: null {"T":5}

-- case: INSERT INTO merges a second query into a stream
-- unordered
CREATE STREAM a (v INT) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE STREAM b (v INT) WITH (kafka_topic='b', partitions=1, value_format='JSON');
CREATE STREAM both_ AS SELECT v FROM a;
INSERT INTO both_ SELECT v FROM b;
-- input a: null {"v":1}
-- input b: null {"v":2}
-- output BOTH_: null {"V":1}
-- output BOTH_: null {"V":2}

-- case: KAFKA_TOPIC of a CSAS names the sink topic
CREATE STREAM s (v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (KAFKA_TOPIC='custom-out') AS SELECT v FROM s;
-- input s: null {"v":3}
-- output custom-out: null {"V":3}

-- case: CASE expression
CREATE STREAM s (t DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CASE WHEN t > 30 THEN 'hot' WHEN t < 10 THEN 'cold' ELSE 'mild' END AS feel FROM s;
-- input s: null {"t":35}
-- input s: null {"t":5}
-- input s: null {"t":20}
-- output O: null {"FEEL":"hot"}
-- output O: null {"FEEL":"cold"}
-- output O: null {"FEEL":"mild"}

-- case: ROWTIME is the record timestamp
CREATE STREAM s (v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ROWTIME AS rt, v FROM s;
-- input s: null {"v":1}
-- output O: null {"RT":1700000000000,"V":1}
