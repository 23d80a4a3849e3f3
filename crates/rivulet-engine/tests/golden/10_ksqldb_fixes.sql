-- Places where Rivulet differed from ksqlDB: the default sink topic of a quoted name, formats
-- checked against the schema when a source is created, unknown formats, and null-value
-- records through persistent queries.

-- case: a quoted CSAS name is its topic as written
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM "Hot" AS SELECT * FROM s WHERE v > 1;
-- input s: "k1" {"v":1}
-- input s: "k2" {"v":2}
-- output Hot: "k2" {"V":2}

-- case: an unquoted CSAS name is upper-cased for its topic
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM hot AS SELECT * FROM s;
-- input s: "k1" {"v":1}
-- output HOT: "k1" {"V":1}

-- case: error: KAFKA value format with two value columns
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='KAFKA');
-- error: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` STRING]

-- case: error: KAFKA value format with two value columns on a table
CREATE TABLE t (id STRING PRIMARY KEY, a INT, b STRING) WITH (kafka_topic='t', partitions=1, value_format='KAFKA');
-- error: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` STRING]

-- case: error: KAFKA value format with two value columns on a CSAS sink
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (value_format='KAFKA') AS SELECT * FROM s;
-- error: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` STRING]

-- case: error: KAFKA key format with two key columns names them
CREATE STREAM s (a INT KEY, b INT KEY, c INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
-- error: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER KEY, `B` INTEGER KEY]

-- case: error: DELIMITED with WRAP_SINGLE_VALUE=true
CREATE STREAM s (k STRING KEY, foo INT) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED', wrap_single_value=true);
-- error: Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.

-- case: error: KAFKA with WRAP_SINGLE_VALUE=true
CREATE STREAM s (foo INT) WITH (kafka_topic='s', partitions=1, value_format='KAFKA', wrap_single_value=true);
-- error: Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.

-- case: error: WRAP_SINGLE_VALUE on a multi-field value
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', wrap_single_value=false);
-- error: 'WRAP_SINGLE_VALUE' is only valid for single-field value schemas

-- case: error: WRAP_SINGLE_VALUE on a multi-field CSAS sink
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (wrap_single_value=true) AS SELECT * FROM s;
-- error: 'WRAP_SINGLE_VALUE' is only valid for single-field value schemas

-- case: error: DELIMITED with a multi-character delimiter
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED', value_delimiter='<~>');
-- error: Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE

-- case: error: a delimiter with JSON
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', value_delimiter='|');
-- error: JSON does not support the following configs: [delimiter]

-- case: error: unknown value format
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='XML');
-- error: Unknown format: XML

-- case: error: unknown key format, in any case
CREATE STREAM s (k STRING KEY, a INT) WITH (kafka_topic='s', partitions=1, key_format='xml', value_format='JSON');
-- error: Unknown format: XML

-- case: a null value goes through a projection as a null value with its key
-- ksqlDB's null.json "stream clone row with null value".
CREATE STREAM s (id STRING KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT * FROM s;
-- input s: "k1" null
-- input s: "k2" {"name":null}
-- output O: "k1" null
-- output O: "k2" {"NAME":null}

-- case: a null value through a projection of expressions stays a null value
-- Like ksqlDB's null.json "coalesce": the expressions are not evaluated on a null row.
CREATE STREAM s (id STRING KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (value_format='DELIMITED') AS SELECT id, COALESCE(name, 'x') AS n FROM s;
-- input s: "k1" null
-- input s: "k2" {}
-- output O: "k1" null
-- output O: "k2" "x"

-- case: a filter drops a null value, even one its predicate would pass
-- ksqlDB's null.json "stream filter with null value".
CREATE STREAM s (id STRING KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT * FROM s WHERE name IS NULL;
-- input s: "k1" null
-- input s: "k2" {"name":null}
-- output O: "k2" {"NAME":null}
