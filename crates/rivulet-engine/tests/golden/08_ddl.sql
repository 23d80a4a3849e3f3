-- DDL around stateless persistent queries: names, quoting, sink properties, IF NOT EXISTS,
-- chains of queries, INSERT INTO, DROP and pass-through of NULL values.

-- case: quoted stream and column names keep their case
CREATE STREAM "Sensors" ("Temp" DOUBLE, unit STRING) WITH (kafka_topic='sensors', partitions=1, value_format='JSON');
CREATE STREAM "Hot" WITH (KAFKA_TOPIC='hot') AS SELECT "Temp", unit FROM "Sensors" WHERE "Temp" > 30;
-- input sensors: null {"Temp":31.5,"unit":"C"}
-- input sensors: null {"Temp":20,"unit":"C"}
-- output hot: null {"Temp":31.5,"UNIT":"C"}

-- case: back-quoted reserved word as a column name
CREATE STREAM s (`SIZE` INT, `from` STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT `SIZE` * 2 AS doubled, `from` FROM s;
-- input s: null {"SIZE":3,"from":"x"}
-- output O: null {"DOUBLED":6,"from":"x"}

-- case: non-reserved keywords as bare column names
CREATE STREAM s (timestamp VARCHAR, key_ STRING, type INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT timestamp, type AS count FROM s;
-- TIMESTAMP, TYPE and COUNT are not reserved in ksqlDB.
-- input s: null {"timestamp":"t1","type":2}
-- output O: null {"TIMESTAMP":"t1","COUNT":2}

-- case: CREATE STREAM IF NOT EXISTS keeps the first definition
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM IF NOT EXISTS s (b STRING) WITH (kafka_topic='other', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s;
-- input s: null {"a":1,"b":"x"}
-- output O: null {"A":1}

-- case: a chain of persistent queries
CREATE STREAM raw (id STRING KEY, v DOUBLE) WITH (kafka_topic='raw', partitions=1, value_format='JSON');
CREATE STREAM scaled AS SELECT id, v * 10 AS v10 FROM raw;
CREATE STREAM big AS SELECT id, v10 FROM scaled WHERE v10 > 50;
-- input raw: "a" {"v":2}
-- input raw: "b" {"v":7}
-- output BIG: "b" {"V10":70.0}

-- case: INSERT INTO with a filter and a different source topic
-- unordered
CREATE STREAM a (id STRING KEY, v INT) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE STREAM b (id STRING KEY, v INT) WITH (kafka_topic='b', partitions=1, value_format='DELIMITED');
CREATE STREAM merged AS SELECT id, v FROM a;
INSERT INTO merged SELECT id, v FROM b WHERE v > 0;
-- The sink keeps its own JSON format whatever the source format.
-- input a: "k1" {"v":1}
-- input b: "k2" 5
-- input b: "k3" -5
-- output MERGED: "k1" {"V":1}
-- output MERGED: "k2" {"V":5}

-- case: sink VALUE_FORMAT and KAFKA_TOPIC together
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (KAFKA_TOPIC='o-delimited', VALUE_FORMAT='DELIMITED', PARTITIONS=1) AS SELECT b, a FROM s;
-- input s: null {"a":1,"b":"x"}
-- output o-delimited: null "x,1"

-- case: FORMAT sets the value format of a sink
CREATE STREAM s (id STRING KEY, a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (FORMAT='DELIMITED') AS SELECT id, a FROM s;
-- FORMAT sets both key and value formats; a single STRING key is plain text in DELIMITED too.
-- input s: "k" {"a":4}
-- output O: "k" 4

-- case: a NULL value does not pass a filter
CREATE STREAM s (id STRING KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT * FROM s WHERE name IS NULL;
-- input s: "k1" null
-- input s: "k2" {"name":null}
-- output O: "k2" {"NAME":null}

-- case: DROP of the sink after DROP of its reader
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s;
CREATE STREAM o2 AS SELECT a FROM o;
TERMINATE ALL;
DROP STREAM o2;
DROP STREAM o;
CREATE STREAM o AS SELECT a * 3 AS a3 FROM s;
-- After the drops the name is free again and a new query writes the topic.
-- input s: null {"a":2}
-- output O: null {"A3":6}

-- case: ROWTIME and a TIMESTAMP column as a value
CREATE STREAM s (v INT, ts BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts');
CREATE STREAM o AS SELECT ROWTIME AS rt, v FROM s;
-- With TIMESTAMP='ts' ROWTIME is the column's value, not the Kafka timestamp.
-- input s: null {"v":1,"ts":1717000002133}
-- output O: null {"RT":1717000002133,"V":1}
