-- Statements that must fail, with the part of ksqlDB's message that clients and users rely on.

-- case: error: unknown column in WHERE
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE b > 1;
-- error: Column 'B' cannot be resolved.

-- case: error: unknown struct field
CREATE STREAM s (st STRUCT<x INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT st->y AS y FROM s;
-- error: Could not find field 'Y' in 'ST'.

-- case: error: comparing INT with STRING in WHERE
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a = b;
-- ksqlDB logs 'Cannot compare INTEGER to STRING with EQUAL.' and shows the column names to the user.
-- error: Cannot compare

-- case: error: WHERE on a STRING column
CREATE STREAM s (a STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a;
-- error: Should evaluate to boolean

-- case: error: comparison with a NULL literal
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a = NULL;
-- error: Comparison with NULL not supported: INTEGER = NULL

-- case: error: unknown function
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT NOPE(a) AS x FROM s;
-- error: Can't find any functions with the name 'NOPE'

-- case: error: wrong number of arguments
CREATE STREAM s (a STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT UCASE(a, a) AS x FROM s;
-- error: Function 'UCASE' does not accept parameters (STRING, STRING).

-- case: error: wrong argument type
CREATE STREAM s (a BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT SQRT(a) AS x FROM s;
-- error: Function 'SQRT' does not accept parameters (BOOLEAN).

-- case: error: syntax error position on the second line
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a > ;
-- The unexpected ";" is column 46 of line 2 (columns count from 1, as in the existing FORM case).
-- error: line 2:46:

-- case: error: syntax error in a column list
CREATE STREAM s (a INT b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
-- error: line 1:24:

-- case: error: reserved word as an alias
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a AS size FROM s;
-- error: "size" is a reserved keyword and it can't be used as an identifier

-- case: error: missing KAFKA_TOPIC
CREATE STREAM s (a INT) WITH (partitions=1, value_format='JSON');
-- error: KAFKA_TOPIC

-- case: error: CREATE AS SELECT onto an existing stream name
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s;
CREATE STREAM o AS SELECT a FROM s;
-- error: Cannot add stream 'O': A stream with the same name already exists

-- case: error: CREATE TABLE with the name of a stream
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE s (k STRING PRIMARY KEY, a INT) WITH (kafka_topic='t', partitions=1, value_format='JSON');
-- error: Cannot add table 'S': A stream with the same name already exists

-- case: error: DROP of a stream that a query reads
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s;
DROP STREAM s;
-- ksqlDB checks both the queries and the sources reading S; both messages start this way.
-- error: Cannot drop S.

-- case: error: INSERT INTO with a different column type
CREATE STREAM a (k STRING KEY, data STRING) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE STREAM b (k STRING KEY, data BIGINT) WITH (kafka_topic='b', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT * FROM a;
INSERT INTO o SELECT * FROM b;
-- error: Incompatible schema between results and sink.

-- case: error: INSERT INTO with a missing column
CREATE STREAM a (k STRING KEY, data STRING) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT k, data AS d1, data AS d2 FROM a;
INSERT INTO o SELECT k, data AS d1 FROM a;
-- error: Sink schema is `K` STRING KEY, `D1` STRING, `D2` STRING

-- case: error: INSERT INTO an unknown stream
CREATE STREAM a (v INT) WITH (kafka_topic='a', partitions=1, value_format='JSON');
INSERT INTO nowhere SELECT v FROM a;
-- error: NOWHERE does not exist

-- case: error: quoted names are case-sensitive
CREATE STREAM "lower" (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM lower;
-- error: LOWER does not exist

-- case: error: LIKE ESCAPE of two characters
CREATE STREAM s (a STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a LIKE 'x%' ESCAPE 'ab';
-- error: Expected single character escape but got: ab
