-- CREATE STREAM / TABLE (with columns or AS SELECT), connectors, types, WITH properties.

-- case: create stream with multiple key columns
CREATE STREAM s (k1 STRING KEY, k2 INT KEY, v DOUBLE) WITH (KAFKA_TOPIC='t', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');
-- expect: CREATE STREAM S (K1 STRING KEY, K2 INTEGER KEY, V DOUBLE) WITH (KAFKA_TOPIC='t', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');

-- case: create table with primary key not first
CREATE TABLE t (v DOUBLE, id STRING PRIMARY KEY) WITH (KAFKA_TOPIC='t', FORMAT='JSON');
-- expect: CREATE TABLE T (V DOUBLE, `ID` STRING PRIMARY KEY) WITH (KAFKA_TOPIC='t', FORMAT='JSON');

-- case: create or replace stream
CREATE OR REPLACE STREAM s (a INT) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE OR REPLACE STREAM S (A INTEGER) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: create stream if not exists
CREATE STREAM IF NOT EXISTS s (a INT) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM IF NOT EXISTS S (A INTEGER) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: create source table
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='json');
-- expect: CREATE SOURCE TABLE USERS (`ID` STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='json');

-- case: create or replace source stream if not exists
create or replace source stream if not exists s (a int) with (kafka_topic='t', value_format='json');
-- expect: CREATE OR REPLACE SOURCE STREAM IF NOT EXISTS S (A INTEGER) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: create stream without columns schema from registry
CREATE STREAM pageviews WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='AVRO');
-- expect: CREATE STREAM PAGEVIEWS WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='AVRO');

-- case: create stream without with clause
CREATE STREAM s (a INT);
-- expect: CREATE STREAM S (A INTEGER);

-- case: create stream with headers columns
CREATE STREAM s (id BIGINT KEY, h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, trace BYTES HEADER('trace-id'), v STRING) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM S (`ID` BIGINT KEY, H ARRAY<STRUCT<`KEY` STRING, VALUE BYTES>> HEADERS, TRACE BYTES HEADER('trace-id'), V STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: create stream with every primitive type
CREATE STREAM all_types (b BOOLEAN, i INT, i2 INTEGER, l BIGINT, d DOUBLE, dec DECIMAL(10, 0), s STRING, v VARCHAR, y BYTES, ts TIMESTAMP, dt DATE, tm TIME) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM ALL_TYPES (B BOOLEAN, I INTEGER, I2 INTEGER, L BIGINT, D DOUBLE, DEC DECIMAL(10, 0), S STRING, V STRING, Y BYTES, TS TIMESTAMP, DT DATE, TM TIME) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: create stream with nested complex types
CREATE STREAM c (a ARRAY<INT>, m MAP<STRING, ARRAY<DOUBLE>>, s STRUCT<street VARCHAR, zip INT, geo STRUCT<lat DOUBLE, lon DOUBLE>>, e STRUCT<>) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM C (A ARRAY<INTEGER>, M MAP<STRING, ARRAY<DOUBLE>>, S STRUCT<STREET STRING, ZIP INTEGER, GEO STRUCT<LAT DOUBLE, LON DOUBLE>>, E STRUCT<>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: create stream with quoted and reserved column names
CREATE STREAM `s1` (`foo` VARCHAR KEY, `BAR` INT, `Baz` VARCHAR, "select" INT, qux INT) WITH (kafka_topic='s1', partitions=1, value_format='avro');
-- expect: CREATE STREAM `s1` (`foo` STRING KEY, BAR INTEGER, `Baz` STRING, `select` INTEGER, QUX INTEGER) WITH (KAFKA_TOPIC='s1', PARTITIONS=1, VALUE_FORMAT='avro');

-- case: create stream with custom type column
CREATE STREAM people (name STRING, address ADDRESS) WITH (kafka_topic='people', value_format='json');
-- expect: CREATE STREAM PEOPLE (NAME STRING, ADDRESS ADDRESS) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='json');

-- case: create stream with windowed topic properties
CREATE TABLE windowed (id STRING PRIMARY KEY, c BIGINT) WITH (kafka_topic='w', value_format='json', window_type='Tumbling', window_size='10 SECONDS');
-- expect: CREATE TABLE WINDOWED (`ID` STRING PRIMARY KEY, C BIGINT) WITH (KAFKA_TOPIC='w', VALUE_FORMAT='json', WINDOW_TYPE='Tumbling', WINDOW_SIZE='10 SECONDS');

-- case: property values of every literal kind
CREATE STREAM s (a INT) WITH (kafka_topic='t', partitions=3, replicas=-1, wrap_single_value=false, retention_ms=604800000000, x=1.5, y=2e3, z=NULL);
-- expect: CREATE STREAM S (A INTEGER) WITH (KAFKA_TOPIC='t', PARTITIONS=3, REPLICAS=-1, WRAP_SINGLE_VALUE=FALSE, RETENTION_MS=604800000000, X=1.5, Y=2E3, Z=NULL);

-- case: property keys as strings keep their case
CREATE STREAM s (a INT) WITH ('kafka_topic'='t', "Value_Format"='json');
-- expect: CREATE STREAM S (A INTEGER) WITH ('kafka_topic'='t', `Value_Format`='json');

-- case: property key that is a non reserved keyword
CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='TAB', TIMESTAMP='a', KEY='x');
-- expect: CREATE STREAM S (A INTEGER) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='TAB', TIMESTAMP='a', KEY='x');

-- case: timestamp format with doubled quotes
CREATE STREAM s (ts VARCHAR) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', TIMESTAMP='ts', TIMESTAMP_FORMAT='yyyy-MM-dd''T''HH:mm:ssX');
-- expect: CREATE STREAM S (TS STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', TIMESTAMP='ts', TIMESTAMP_FORMAT='yyyy-MM-dd''T''HH:mm:ssX');

-- case: csas with properties and partition by
CREATE STREAM rekeyed WITH (KAFKA_TOPIC='rekeyed', PARTITIONS=3) AS SELECT * FROM s PARTITION BY id EMIT CHANGES;
-- expect: CREATE STREAM REKEYED WITH (KAFKA_TOPIC='rekeyed', PARTITIONS=3) AS SELECT * FROM S PARTITION BY `ID` EMIT CHANGES;

-- case: csas partition by null keyless
CREATE STREAM keyless AS SELECT * FROM s PARTITION BY NULL;
-- expect: CREATE STREAM KEYLESS AS SELECT * FROM S PARTITION BY NULL;

-- case: csas partition by several expressions
CREATE STREAM multi AS SELECT * FROM s PARTITION BY a, b->c, UCASE(d);
-- expect: CREATE STREAM MULTI AS SELECT * FROM S PARTITION BY A, B->C, UCASE(D);

-- case: ctas or replace if not exists with query id
CREATE OR REPLACE TABLE IF NOT EXISTS counts WITH (QUERY_ID='my_query') AS SELECT k, COUNT(*) AS n FROM s GROUP BY k;
-- expect: CREATE OR REPLACE TABLE IF NOT EXISTS COUNTS WITH (QUERY_ID='my_query') AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;

-- case: ctas with having
CREATE TABLE busy AS SELECT device_id, COUNT(*) AS n FROM readings GROUP BY device_id HAVING COUNT(*) > 10 EMIT CHANGES;
-- expect: CREATE TABLE BUSY AS SELECT DEVICE_ID, COUNT(*) AS N FROM READINGS GROUP BY DEVICE_ID HAVING COUNT(*) > 10 EMIT CHANGES;

-- case: ctas emit final
CREATE TABLE final_counts AS SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS) GROUP BY k EMIT FINAL;
-- expect: CREATE TABLE FINAL_COUNTS AS SELECT K, COUNT(*) FROM S WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 MILLISECONDS) GROUP BY K EMIT FINAL;

-- case: ctas multiple key columns group by
CREATE TABLE by_two AS SELECT a, b, COUNT(*) FROM s GROUP BY a, b;
-- expect: CREATE TABLE BY_TWO AS SELECT A, B, COUNT(*) FROM S GROUP BY A, B;

-- case: ctas group by parenthesized list
CREATE TABLE by_two AS SELECT a, b, COUNT(*) FROM s GROUP BY (a, b);
-- expect: CREATE TABLE BY_TWO AS SELECT A, B, COUNT(*) FROM S GROUP BY A, B;

-- case: create source connector
CREATE SOURCE CONNECTOR jdbc_source WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url'='jdbc:postgresql://localhost:5432/db', 'mode'='incrementing', 'tasks.max'=1);
-- expect: CREATE SOURCE CONNECTOR JDBC_SOURCE WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url'='jdbc:postgresql://localhost:5432/db', 'mode'='incrementing', 'tasks.max'=1);

-- case: connector keys as quoted identifiers
CREATE SINK CONNECTOR pg WITH ("connector.class"='io.confluent.connect.jdbc.JdbcSinkConnector', "topics"='T');
-- expect: CREATE SINK CONNECTOR PG WITH (`connector.class`='io.confluent.connect.jdbc.JdbcSinkConnector', `topics`='T');

-- case: reserved word topics as an unquoted property key
CREATE SINK CONNECTOR pg WITH ("connector.class"='io.confluent.connect.jdbc.JdbcSinkConnector', topics='T');
-- error: line 1:97: "topics" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as `topics`

-- case: create type struct
CREATE TYPE ADDRESS AS STRUCT<number INTEGER, street VARCHAR, city VARCHAR>;
-- expect: CREATE TYPE ADDRESS AS STRUCT<NUMBER INTEGER, STREET STRING, CITY STRING>;

-- case: create type if not exists alias of primitive
CREATE TYPE IF NOT EXISTS money AS DECIMAL(19, 4);
-- expect: CREATE TYPE IF NOT EXISTS MONEY AS DECIMAL(19, 4);

-- case: create type array of custom
create type tags as array<string>;
-- expect: CREATE TYPE TAGS AS ARRAY<STRING>;

-- case: stream named like a non reserved keyword
CREATE STREAM session (type STRING, source STRING) WITH (kafka_topic='session', value_format='json');
-- expect: CREATE STREAM `SESSION` (`TYPE` STRING, `SOURCE` STRING) WITH (KAFKA_TOPIC='session', VALUE_FORMAT='json');

-- case: stream named if without if not exists
CREATE STREAM IF (a INT) WITH (kafka_topic='if', value_format='json');
-- expect: CREATE STREAM `IF` (A INTEGER) WITH (KAFKA_TOPIC='if', VALUE_FORMAT='json');

-- case: legacy postfix array type
CREATE STREAM s (tags VARCHAR ARRAY, matrix INT ARRAY ARRAY) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM S (TAGS ARRAY<STRING>, MATRIX ARRAY<ARRAY<INTEGER>>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: digit identifiers as names
CREATE STREAM 1st_stream (2nd_col INT) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM `1ST_STREAM` (`2ND_COL` INTEGER) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');

-- case: identifier with at sign
CREATE STREAM s (user@domain STRING) WITH (kafka_topic='t', value_format='json');
-- expect: CREATE STREAM S (USER@DOMAIN STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json');
