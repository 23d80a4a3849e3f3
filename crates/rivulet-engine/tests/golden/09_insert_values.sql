-- INSERT INTO … VALUES: rows written with the source's formats, seen by persistent queries.

-- case: column list, implicit columns, missing columns are null
CREATE STREAM s (id STRING KEY, a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO s (id, a, b) VALUES ('k1', 1, 'x');
INSERT INTO s VALUES ('k2', 2, 'y');
INSERT INTO s (b, id) VALUES ('z', 'k3');
-- output s: "k1" {"A":1,"B":"x"}
-- output s: "k2" {"A":2,"B":"y"}
-- output s: "k3" {"A":null,"B":"z"}

-- case: expressions are evaluated and widened to the column types
CREATE STREAM s (id STRING KEY, big BIGINT, d DOUBLE, arr ARRAY<BIGINT>, m MAP<STRING, INT>, st STRUCT<x INT, y STRING>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO s VALUES ('k', 1 + 2, 3, ARRAY[1, 2], MAP('a' := 1), STRUCT(x := 5));
INSERT INTO s (id, d) VALUES (CONCAT('k', '2'), CAST('2.5' AS DOUBLE));
-- output s: "k" {"BIG":3,"D":3.0,"ARR":[1,2],"M":{"a":1},"ST":{"X":5,"Y":null}}
-- output s: "k2" {"BIG":null,"D":2.5,"ARR":null,"M":null,"ST":null}

-- case: DELIMITED value
CREATE STREAM s (id STRING KEY, a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED');
INSERT INTO s VALUES ('k', 7, 'x');
-- output s: "k" "7,x"

-- case: a persistent query sees inserted rows
CREATE STREAM s (id STRING KEY, a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id, a * 10 AS t FROM s WHERE a > 1;
INSERT INTO s VALUES ('k1', 1);
INSERT INTO s VALUES ('k2', 2);
-- output O: "k2" {"T":20}

-- case: a value of the wrong type is refused with ksqlDB's message
CREATE STREAM s (id STRING KEY, a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO s (id, a) VALUES ('k', 'abc');
-- error: Failed to insert values into 'S'. Expected type INTEGER for field `A` but got STRING(abc)

-- case: narrowing is refused
CREATE STREAM s (id STRING KEY, a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO s (id, a) VALUES ('k', 1.5);
-- error: Expected type INTEGER for field `A` but got DECIMAL(1.5)

-- case: tables need their primary key
CREATE TABLE t (id STRING PRIMARY KEY, a INT) WITH (kafka_topic='t', partitions=1, value_format='JSON');
INSERT INTO t (a) VALUES (1);
-- error: Value for primary key column(s) ID is required for tables

-- case: pseudo-columns other than ROWTIME cannot be inserted
CREATE STREAM s (id STRING KEY, a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO s (id, ROWPARTITION) VALUES ('k', 1);
-- error: Inserting into column `ROWPARTITION` is not allowed.

-- case: unknown target
INSERT INTO nowhere VALUES (1);
-- error: Cannot insert values into an unknown stream/table: NOWHERE
