-- Every other statement kind: SHOW/LIST, DESCRIBE, EXPLAIN, PRINT, SET/UNSET, DEFINE/UNDEFINE,
-- TERMINATE, PAUSE/RESUME, DROP, INSERT VALUES, connectors, types, ALTER, ASSERT, RUN SCRIPT.

-- case: show streams and tables extended
SHOW STREAMS EXTENDED; SHOW TABLES EXTENDED;
-- expect: SHOW STREAMS EXTENDED;
-- expect: SHOW TABLES EXTENDED;

-- case: show queries extended
LIST QUERIES EXTENDED;
-- expect: SHOW QUERIES EXTENDED;

-- case: show all topics extended
SHOW ALL TOPICS EXTENDED; SHOW ALL TOPICS; SHOW TOPICS EXTENDED;
-- expect: SHOW ALL TOPICS EXTENDED;
-- expect: SHOW ALL TOPICS;
-- expect: SHOW TOPICS EXTENDED;

-- case: show properties functions types variables
SHOW PROPERTIES; LIST FUNCTIONS; SHOW TYPES; SHOW VARIABLES;
-- expect: SHOW PROPERTIES;
-- expect: SHOW FUNCTIONS;
-- expect: SHOW TYPES;
-- expect: SHOW VARIABLES;

-- case: show connectors by kind
SHOW CONNECTORS; SHOW SOURCE CONNECTORS; LIST SINK CONNECTORS; SHOW CONNECTOR PLUGINS;
-- expect: SHOW CONNECTORS;
-- expect: SHOW SOURCE CONNECTORS;
-- expect: SHOW SINK CONNECTORS;
-- expect: SHOW CONNECTOR PLUGINS;

-- case: describe streams and tables
DESCRIBE STREAMS; DESCRIBE STREAMS EXTENDED; DESCRIBE TABLES; DESCRIBE TABLES EXTENDED;
-- expect: DESCRIBE STREAMS;
-- expect: DESCRIBE STREAMS EXTENDED;
-- expect: DESCRIBE TABLES;
-- expect: DESCRIBE TABLES EXTENDED;

-- case: describe a source named like a keyword needs quotes
DESCRIBE `TABLES`; DESCRIBE "STREAMS" EXTENDED; DESCRIBE session;
-- expect: DESCRIBE `TABLES`;
-- expect: DESCRIBE `STREAMS` EXTENDED;
-- expect: DESCRIBE `SESSION`;

-- case: describe function
DESCRIBE FUNCTION geo_distance; DESCRIBE FUNCTION REPLACE;
-- expect: DESCRIBE FUNCTION GEO_DISTANCE;
-- expect: DESCRIBE FUNCTION REPLACE;

-- case: describe a source named function
DESCRIBE FUNCTION;
-- expect: DESCRIBE `FUNCTION`;

-- case: describe connector
DESCRIBE CONNECTOR enriched_writer;
-- expect: DESCRIBE CONNECTOR ENRICHED_WRITER;

-- case: explain statement
EXPLAIN SELECT * FROM s EMIT CHANGES;
-- expect: EXPLAIN SELECT * FROM S EMIT CHANGES;

-- case: explain csas
EXPLAIN CREATE STREAM x AS SELECT * FROM s;
-- expect: EXPLAIN CREATE STREAM X AS SELECT * FROM S;

-- case: explain query id lower case
EXPLAIN ctas_currentlocation_3;
-- expect: EXPLAIN CTAS_CURRENTLOCATION_3;

-- case: print identifier keeps its case
PRINT my_topic;
PRINT "Mixed-Topic" FROM BEGINNING;
-- expect: PRINT 'my_topic';
-- expect: PRINT 'Mixed-Topic' FROM BEGINNING;

-- case: print with interval and limit
PRINT 'smartphone-sensor-data' FROM BEGINNING INTERVAL 2 LIMIT 10;
-- expect: PRINT 'smartphone-sensor-data' FROM BEGINNING INTERVAL 2 LIMIT 10;

-- case: print with sample
PRINT 't' SAMPLE 5;
-- expect: PRINT 't' INTERVAL 5;

-- case: set and unset properties
SET 'ksql.streams.auto.offset.reset'='earliest';
UNSET 'ksql.streams.auto.offset.reset';
-- expect: SET 'ksql.streams.auto.offset.reset' = 'earliest';
-- expect: UNSET 'ksql.streams.auto.offset.reset';

-- case: set value with quote
SET 'x' = 'it''s';
-- expect: SET 'x' = 'it''s';

-- case: alter system
ALTER SYSTEM 'ksql.logging.processing.rows.include' = 'true';
-- expect: ALTER SYSTEM 'ksql.logging.processing.rows.include' = 'true';

-- case: define and undefine
DEFINE format = 'AVRO';
DEFINE replicas = '3';
UNDEFINE replicas;
-- expect: DEFINE format = 'AVRO';
-- expect: DEFINE replicas = '3';
-- expect: UNDEFINE replicas;

-- case: define with triple quotes
DEFINE topicName = '''my_topic''';
-- expect: DEFINE topicName = '''my_topic''';

-- case: define keeps the name spelling
define streamName = 's1';
-- expect: DEFINE streamName = 's1';

-- case: terminate all and query ids
TERMINATE ALL;
TERMINATE CSAS_X_1;
TERMINATE transient_RIDERLOCATIONS_123;
-- expect: TERMINATE ALL;
-- expect: TERMINATE CSAS_X_1;
-- expect: TERMINATE TRANSIENT_RIDERLOCATIONS_123;

-- case: pause and resume
PAUSE CTAS_T_2; RESUME CTAS_T_2; PAUSE ALL; RESUME ALL;
-- expect: PAUSE CTAS_T_2;
-- expect: RESUME CTAS_T_2;
-- expect: PAUSE ALL;
-- expect: RESUME ALL;

-- case: drop stream and table variants
DROP STREAM s; DROP TABLE t; DROP STREAM IF EXISTS s; DROP TABLE IF EXISTS t DELETE TOPIC; DROP TABLE t DELETE TOPIC;
-- expect: DROP STREAM S;
-- expect: DROP TABLE T;
-- expect: DROP STREAM IF EXISTS S;
-- expect: DROP TABLE IF EXISTS T DELETE TOPIC;
-- expect: DROP TABLE T DELETE TOPIC;

-- case: drop connector and type
DROP CONNECTOR c; DROP CONNECTOR IF EXISTS c; DROP TYPE ADDRESS; DROP TYPE IF EXISTS ADDRESS;
-- expect: DROP CONNECTOR C;
-- expect: DROP CONNECTOR IF EXISTS C;
-- expect: DROP TYPE ADDRESS;
-- expect: DROP TYPE IF EXISTS ADDRESS;

-- case: insert values without column list
INSERT INTO s VALUES ('k', 1, 2.5, TRUE, NULL);
-- expect: INSERT INTO S VALUES ('k', 1, 2.5, TRUE, NULL);

-- case: insert values with rowtime and expressions
INSERT INTO s (ROWTIME, id, tags, m, st) VALUES (1700000000000, -1, ARRAY['a', 'b'], MAP('k' := 1), STRUCT(x := 1));
-- expect: INSERT INTO S (ROWTIME, `ID`, TAGS, M, ST) VALUES (1700000000000, -1, ARRAY['a', 'b'], MAP('k' := 1), STRUCT(X := 1));

-- case: insert values empty
INSERT INTO s VALUES ();
-- expect: INSERT INTO S VALUES ();

-- case: alter stream add columns
ALTER STREAM s ADD COLUMN c INT, ADD d STRING;
-- expect: ALTER STREAM S ADD COLUMN C INTEGER, ADD COLUMN D STRING;

-- case: alter table add column
ALTER TABLE t ADD COLUMN extra ARRAY<STRING>;
-- expect: ALTER TABLE T ADD COLUMN EXTRA ARRAY<STRING>;

-- case: assert topic
ASSERT TOPIC 'orders' WITH (partitions=3) TIMEOUT 10 SECONDS;
-- expect: ASSERT TOPIC 'orders' WITH (PARTITIONS=3) TIMEOUT 10 SECONDS;

-- case: assert not exists topic identifier
ASSERT NOT EXISTS TOPIC orders;
-- expect: ASSERT NOT EXISTS TOPIC 'orders';

-- case: assert schema
ASSERT SCHEMA SUBJECT 'orders-value' ID 42 TIMEOUT 1 MINUTE;
ASSERT NOT EXISTS SCHEMA ID 7;
-- expect: ASSERT SCHEMA SUBJECT 'orders-value' ID 42 TIMEOUT 1 MINUTE;
-- expect: ASSERT NOT EXISTS SCHEMA ID 7;

-- case: run script
RUN SCRIPT '/tmp/setup.sql';
-- expect: RUN SCRIPT '/tmp/setup.sql';

-- case: statements in lower case
show streams; list tables; describe s extended; drop stream if exists s delete topic; terminate all;
-- expect: SHOW STREAMS;
-- expect: SHOW TABLES;
-- expect: DESCRIBE S EXTENDED;
-- expect: DROP STREAM IF EXISTS S DELETE TOPIC;
-- expect: TERMINATE ALL;
