-- Event time: TIMESTAMP='col' sets ROWTIME from a BIGINT column, or from a STRING column read
-- with TIMESTAMP_FORMAT (a Java DateTimeFormatter pattern, UTC unless the text has a zone).

-- case: a BIGINT timestamp column becomes ROWTIME
CREATE STREAM s (id STRING KEY, ts BIGINT, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts');
CREATE STREAM o AS SELECT id, ROWTIME AS rt, v FROM s;
-- input s: "a" {"ts":1700000000123,"v":1}
-- output O: "a" {"RT":1700000000123,"V":1}

-- case: an ISO-8601 string timestamp read with TIMESTAMP_FORMAT
CREATE STREAM temps (sensor STRING KEY, ts STRING, temperature INT) WITH (kafka_topic='temps', partitions=1, value_format='JSON', timestamp='ts', timestamp_format='yyyy-MM-dd''T''HH:mm:ss.SSS');
CREATE STREAM o AS SELECT sensor, ROWTIME AS rt, temperature FROM temps;
-- input temps: "Sensor1" {"ts":"2024-05-01T12:00:00.250","temperature":21}
-- output O: "Sensor1" {"RT":1714564800250,"TEMPERATURE":21}

-- case: an offset in the text wins over UTC
CREATE STREAM s (ts STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts', timestamp_format='yyyy-MM-dd HH:mm:ssXXX');
CREATE STREAM o AS SELECT ROWTIME AS rt, v FROM s;
-- input s: null {"ts":"2024-05-01 14:00:00+02:00","v":7}
-- output O: null {"RT":1714564800000,"V":7}

-- case: a timestamp that does not parse sends the record to the processing log; the query goes on
CREATE STREAM s (ts STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts', timestamp_format='yyyy-MM-dd');
CREATE STREAM o AS SELECT ROWTIME AS rt, v FROM s;
-- input s: null {"ts":"yesterday","v":1}
-- input s: null {"ts":"2024-05-02","v":2}
-- output O: null {"RT":1714608000000,"V":2}

-- case: a STRING timestamp column needs TIMESTAMP_FORMAT
CREATE STREAM s (ts STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts');
-- error: should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified

-- case: an invalid TIMESTAMP_FORMAT is refused at CREATE
CREATE STREAM s (ts STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts', timestamp_format='yyyy-bb');
-- error: Invalid TIMESTAMP_FORMAT 'yyyy-bb'
