-- Aggregations: GROUP BY, TUMBLING and HOPPING windows, grace and late records, EMIT CHANGES
-- and EMIT FINAL, HAVING, each aggregate function, and the seed pipelines' statements.

-- case: tumbling count and sum, every update emitted
CREATE STREAM temps (sensor STRING KEY, value INT) WITH (kafka_topic='temps', partitions=1, value_format='JSON');
CREATE TABLE counts AS SELECT sensor, COUNT(*) AS n, SUM(value) AS total FROM temps WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor EMIT CHANGES;
-- input temps@1000: "a" {"value":1}
-- input temps@2000: "b" {"value":2}
-- input temps@9999: "a" {"value":3}
-- input temps@10000: "a" {"value":4}
-- output COUNTS@1000: "a" window(0,10000) {"N":1,"TOTAL":1}
-- output COUNTS@2000: "b" window(0,10000) {"N":1,"TOTAL":2}
-- output COUNTS@9999: "a" window(0,10000) {"N":2,"TOTAL":4}
-- output COUNTS@10000: "a" window(10000,20000) {"N":1,"TOTAL":4}

-- case: late records past grace are dropped, others update
CREATE STREAM temps (sensor STRING KEY, value INT) WITH (kafka_topic='temps', partitions=1, value_format='JSON');
CREATE TABLE counts AS SELECT sensor, COUNT(*) AS n FROM temps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY sensor EMIT CHANGES;
-- input temps@1000: "a" {"value":1}
-- input temps@10999: "b" {"value":1}
-- input temps@5000: "a" {"value":1}
-- input temps@11000: "b" {"value":1}
-- input temps@6000: "a" {"value":1}
-- input temps@10500: "a" {"value":1}
-- output COUNTS@1000: "a" window(0,10000) {"N":1}
-- output COUNTS@10999: "b" window(10000,20000) {"N":1}
-- output COUNTS@5000: "a" window(0,10000) {"N":2}
-- output COUNTS@11000: "b" window(10000,20000) {"N":2}
-- output COUNTS@10500: "a" window(10000,20000) {"N":1}

-- case: without grace period old windows keep updating (default grace 24 h - size)
CREATE STREAM temps (sensor STRING KEY, value INT) WITH (kafka_topic='temps', partitions=1, value_format='JSON');
CREATE TABLE counts AS SELECT sensor, COUNT(*) AS n FROM temps WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor EMIT CHANGES;
-- input temps@100000: "a" {"value":1}
-- input temps@1000: "a" {"value":1}
-- input temps@86500000: "a" {"value":1}
-- input temps@2000: "a" {"value":1}
-- output COUNTS: "a" window(100000,110000) {"N":1}
-- output COUNTS: "a" window(0,10000) {"N":1}
-- output COUNTS: "a" window(86500000,86510000) {"N":1}

-- case: temperature seed, tumbling 10 s grace 1 s EMIT FINAL
CREATE STREAM raw_temperature (sensor STRING KEY, value INT) WITH (kafka_topic='raw-temperature', partitions=1, value_format='JSON');
CREATE TABLE agg_temperature AS SELECT sensor, COUNT(*) AS n, MIN(value) AS lo, MAX(value) AS hi, AVG(value) AS mean FROM raw_temperature WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY sensor EMIT FINAL;
-- input raw-temperature@1000: "Sensor1" {"value":10}
-- input raw-temperature@3000: "Sensor2" {"value":20}
-- input raw-temperature@8000: "Sensor1" {"value":30}
-- input raw-temperature@10500: "Sensor1" {"value":5}
-- input raw-temperature@11000: "Sensor2" {"value":7}
-- input raw-temperature@4000: "Sensor1" {"value":99}
-- input raw-temperature@25000: "Sensor3" {"value":1}
-- output AGG_TEMPERATURE@8000: "Sensor1" window(0,10000) {"N":2,"LO":10,"HI":30,"MEAN":20.0}
-- output AGG_TEMPERATURE@3000: "Sensor2" window(0,10000) {"N":1,"LO":20,"HI":20,"MEAN":20.0}
-- output AGG_TEMPERATURE@10500: "Sensor1" window(10000,20000) {"N":1,"LO":5,"HI":5,"MEAN":5.0}
-- output AGG_TEMPERATURE@11000: "Sensor2" window(10000,20000) {"N":1,"LO":7,"HI":7,"MEAN":7.0}

-- case: EMIT FINAL without grace period emits at window end
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, SUM(v) AS total FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY k EMIT FINAL;
-- input s@100: "a" {"v":1}
-- input s@900: "a" {"v":2}
-- input s@1000: "a" {"v":4}
-- input s@2000: "a" {"v":8}
-- output T@900: "a" window(0,1000) {"TOTAL":3}
-- output T@1000: "a" window(1000,2000) {"TOTAL":4}

-- case: crash detector seed, hopping 2 s advancing 250 ms, final sums
CREATE STREAM accel (device STRING KEY, magnitude DOUBLE) WITH (kafka_topic='accel', partitions=1, value_format='JSON');
CREATE TABLE crash AS SELECT device, SUM(magnitude) AS total, WINDOWSTART AS ws, WINDOWEND AS we FROM accel WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 250 MILLISECONDS, GRACE PERIOD 0 SECONDS) GROUP BY device EMIT FINAL;
-- input accel@0: "d" {"magnitude":1.0}
-- input accel@300: "d" {"magnitude":2.0}
-- input accel@2100: "d" {"magnitude":4.0}
-- input accel@5000: "d" {"magnitude":0.5}
-- output CRASH@300: "d" window(0,2000) {"TOTAL":3.0,"WS":0,"WE":2000}
-- output CRASH@2100: "d" window(250,2250) {"TOTAL":6.0,"WS":250,"WE":2250}
-- output CRASH@2100: "d" window(500,2500) {"TOTAL":4.0,"WS":500,"WE":2500}
-- output CRASH@2100: "d" window(750,2750) {"TOTAL":4.0,"WS":750,"WE":2750}
-- output CRASH@2100: "d" window(1000,3000) {"TOTAL":4.0,"WS":1000,"WE":3000}
-- output CRASH@2100: "d" window(1250,3250) {"TOTAL":4.0,"WS":1250,"WE":3250}
-- output CRASH@2100: "d" window(1500,3500) {"TOTAL":4.0,"WS":1500,"WE":3500}
-- output CRASH@2100: "d" window(1750,3750) {"TOTAL":4.0,"WS":1750,"WE":3750}
-- output CRASH@2100: "d" window(2000,4000) {"TOTAL":4.0,"WS":2000,"WE":4000}

-- case: hopping EMIT CHANGES updates every window holding the record
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY k EMIT CHANGES;
-- input s@7000: "a" {"v":1}
-- input s@12000: "a" {"v":1}
-- output T@7000: "a" window(0,10000) {"N":1}
-- output T@7000: "a" window(5000,15000) {"N":1}
-- output T@12000: "a" window(5000,15000) {"N":2}
-- output T@12000: "a" window(10000,20000) {"N":1}

-- case: fleet seed, latest value per device (unwindowed, TIMESTAMP column)
CREATE STREAM join_events (id STRING, device_id STRING, latitude DOUBLE, event_ts BIGINT, temperature DOUBLE) WITH (kafka_topic='join_events', partitions=1, value_format='JSON', timestamp='event_ts');
CREATE TABLE device_winagg_status_perdevice WITH (KEY_FORMAT='JSON', VALUE_FORMAT='JSON') AS SELECT DEVICE_ID, LATEST_BY_OFFSET(LATITUDE) AS LATITUDE, LATEST_BY_OFFSET(EVENT_TS) AS EVENT_TS, LATEST_BY_OFFSET(TEMPERATURE) AS TEMPERATURE FROM JOIN_EVENTS GROUP BY DEVICE_ID EMIT CHANGES;
-- input join_events: null {"id":"1","device_id":"dev-1","latitude":9.1,"event_ts":1000,"temperature":25.0}
-- input join_events: null {"id":"2","device_id":"dev-2","latitude":8.5,"event_ts":1500,"temperature":null}
-- input join_events: null {"id":"3","device_id":"dev-1","latitude":9.2,"event_ts":2000,"temperature":null}
-- input join_events: null {"id":"4","device_id":null,"latitude":9.3,"event_ts":2500,"temperature":1.0}
-- output DEVICE_WINAGG_STATUS_PERDEVICE@1000: "\"dev-1\"" {"LATITUDE":9.1,"EVENT_TS":1000,"TEMPERATURE":25.0}
-- output DEVICE_WINAGG_STATUS_PERDEVICE@1500: "\"dev-2\"" {"LATITUDE":8.5,"EVENT_TS":1500,"TEMPERATURE":null}
-- output DEVICE_WINAGG_STATUS_PERDEVICE@2000: "\"dev-1\"" {"LATITUDE":9.2,"EVENT_TS":2000,"TEMPERATURE":25.0}

-- case: fleet seed, 2 s tumbling per device with WINDOWSTART/WINDOWEND in the value
CREATE STREAM join_events (id STRING, device_id STRING, latitude DOUBLE, event_ts BIGINT, temperature DOUBLE) WITH (kafka_topic='join_events', partitions=1, value_format='JSON', timestamp='event_ts');
CREATE TABLE device_winagg_status_per2s AS SELECT CONCAT( CAST(DEVICE_ID AS STRING), '_', CAST(WINDOWSTART AS STRING), '_', CAST(WINDOWEND AS STRING)) AS ID, DEVICE_ID, AS_VALUE(DEVICE_ID) as "dev_id", AVG(LATITUDE) LATITUDE, MAX(EVENT_TS) EVENT_TS, COUNT(*) AS event_count, AVG(TEMPERATURE) as avg_temp FROM JOIN_EVENTS WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY DEVICE_ID EMIT CHANGES;
-- input join_events: null {"id":"1","device_id":"dev-1","latitude":9.0,"event_ts":1000,"temperature":20.0}
-- input join_events: null {"id":"2","device_id":"dev-1","latitude":9.2,"event_ts":1500,"temperature":null}
-- input join_events: null {"id":"3","device_id":"dev-1","latitude":9.4,"event_ts":2500,"temperature":30.0}
-- output DEVICE_WINAGG_STATUS_PER2S@1000: "dev-1" window(0,2000) {"ID":"dev-1_0_2000","dev_id":"dev-1","LATITUDE":9.0,"EVENT_TS":1000,"EVENT_COUNT":1,"AVG_TEMP":20.0}
-- output DEVICE_WINAGG_STATUS_PER2S@1500: "dev-1" window(0,2000) {"ID":"dev-1_0_2000","dev_id":"dev-1","LATITUDE":9.1,"EVENT_TS":1500,"EVENT_COUNT":2,"AVG_TEMP":20.0}
-- output DEVICE_WINAGG_STATUS_PER2S@2500: "dev-1" window(2000,4000) {"ID":"dev-1_2000_4000","dev_id":"dev-1","LATITUDE":9.4,"EVENT_TS":2500,"EVENT_COUNT":1,"AVG_TEMP":30.0}

-- case: HAVING false emits a tombstone
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s GROUP BY k HAVING COUNT(*) > 1;
-- input s: "a" {"v":1}
-- input s: "a" {"v":1}
-- input s: "b" {"v":1}
-- output T: "a" null
-- output T: "a" {"N":2}
-- output T: "b" null

-- case: every aggregate's NULL behaviour
CREATE STREAM s (k STRING KEY, v INT, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(v) AS c, COUNT_DISTINCT(name) AS d, COLLECT_LIST(v) AS l, COLLECT_SET(name) AS st, EARLIEST_BY_OFFSET(name) AS e, SUM(v) AS su, AVG(v) AS av, MIN(name) AS mn, MAX(v) AS mx FROM s GROUP BY k;
-- input s: "k" {"v":null,"name":"x"}
-- input s: "k" {"v":2,"name":"y"}
-- input s: "k" {"v":4,"name":"x"}
-- output T: "k" {"C":0,"D":1,"L":[null],"ST":["x"],"E":"x","SU":0,"AV":0.0,"MN":"x","MX":null}
-- output T: "k" {"C":1,"D":2,"L":[null,2],"ST":["x","y"],"E":"x","SU":2,"AV":2.0,"MN":"x","MX":2}
-- output T: "k" {"C":2,"D":2,"L":[null,2,4],"ST":["x","y"],"E":"x","SU":6,"AV":3.0,"MN":"x","MX":4}

-- case: grouping by an expression, WHERE, NULL grouping values dropped
CREATE STREAM s (k STRING KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT UCASE(name) AS up, COUNT(*) AS n FROM s WHERE name <> 'skip' GROUP BY UCASE(name);
-- input s: "1" {"name":"x"}
-- input s: "2" {"name":null}
-- input s: "3" {"name":"skip"}
-- input s: "4" {"name":"X"}
-- output T: "X" {"N":1}
-- output T: "X" {"N":2}

-- case: key missing from projection
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT COUNT(*) AS n FROM s GROUP BY k;
-- error: Key missing from projection (ie, SELECT).

-- case: a column neither grouped nor aggregated
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, v, COUNT(*) AS n FROM s GROUP BY k;
-- error: Non-aggregate SELECT expression(s) not part of GROUP BY: V

-- case: an aggregation makes a table
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM t AS SELECT k, COUNT(*) AS n FROM s GROUP BY k;
-- error: Your SELECT query produces a TABLE

-- case: EMIT FINAL needs a window
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s GROUP BY k EMIT FINAL;
-- error: EMIT FINAL is only supported for windowed aggregations.
