-- Formats in and out, and statements that must fail with ksqlDB's messages.

-- case: DELIMITED in, JSON out
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED');
CREATE STREAM o WITH (VALUE_FORMAT='JSON') AS SELECT a, b FROM s;
-- input s: null 1,hello
-- output O: null {"A":1,"B":"hello"}

-- case: JSON in, DELIMITED out
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (VALUE_FORMAT='DELIMITED') AS SELECT a, b FROM s;
-- input s: null {"a":7,"b":"x"}
-- output O: null "7,x"

-- case: unwrapped single value
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (WRAP_SINGLE_VALUE=false) AS SELECT a FROM s;
-- input s: null {"a":42}
-- output O: null 42

-- case: error: unknown column names the column
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT nope FROM s;
-- error: Column 'NOPE' cannot be resolved.

-- case: error: unknown source
CREATE STREAM o AS SELECT * FROM missing;
-- error: MISSING does not exist.

-- case: error: missing topic without PARTITIONS
CREATE STREAM s (a INT) WITH (kafka_topic='absent', value_format='JSON');
-- error: Topic 'absent' does not exist

-- case: error: missing VALUE_FORMAT
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1);
-- error: VALUE_FORMAT

-- case: error: syntax error with position
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
SELECT * FORM s EMIT CHANGES;
-- error: line 2:10: mismatched input 'FORM' expecting 'FROM'

-- case: error: WHERE must be boolean
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a + 1;
-- error: Should evaluate to boolean

-- case: error: type mismatch in arithmetic
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a * b FROM s;
-- error: STRING

-- case: error: duplicate stream
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
-- error: A stream with the same name already exists

-- case: error: table without primary key
CREATE TABLE t (a INT) WITH (kafka_topic='t', partitions=1, value_format='JSON');
-- error: PRIMARY KEY

-- case: error: KAFKA key format with two key columns
CREATE STREAM s (a INT KEY, b INT KEY, c INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
-- error: The 'KAFKA' format only supports a single field

-- case: error: unsupported format
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='AVRO');
-- error: AVRO

-- case: error: unknown WITH property
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', colour='red');
-- error: Invalid config variable(s) in the WITH clause: COLOUR

-- case: error: a push query sent as a statement
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
SELECT * FROM s EMIT CHANGES;
-- error: should be issued to the websocket endpoint '/query'

-- case: error: DROP of an unknown stream
DROP STREAM nothing;
-- error: NOTHING does not exist

-- case: error: TIMESTAMP column must exist
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', timestamp='ts');
-- error: does not exist in the schema
