-- Errors: ksqlDB/ANTLR-style messages with the line and column of the offending token.

-- case: typo in from
SELECT * FORM s EMIT CHANGES;
-- error: ?

-- case: typo in from on the third line
SELECT a,
       b
  FORM s EMIT CHANGES;
-- error: ?

-- case: typo in select suggests a keyword
SELEC * FROM x;
-- error: ?

-- case: unknown statement word
HELLO world;
-- error: ?

-- case: statement cannot start with a parenthesis
(SELECT * FROM s);
-- error: ?

-- case: missing final semicolon
SELECT * FROM s EMIT CHANGES
-- error: ?

-- case: missing semicolon between statements
SHOW STREAMS SHOW TABLES;
-- error: ?

-- case: extraneous token before from
SELECT * FORM FROM s;
-- error: ?

-- case: extraneous token at end of statement
SHOW STREAMS foo;
-- error: ?

-- case: unterminated string literal
SELECT 'abc FROM s;
-- error: ?

-- case: unterminated string literal on line two
SELECT a,
    'oops FROM s;
-- error: ?

-- case: unterminated quoted identifier
SELECT `abc FROM s;
-- error: ?

-- case: unterminated block comment
SELECT a /* never closed FROM s;
-- error: ?

-- case: unrecognised character
SELECT a ? b FROM s;
-- error: ?

-- case: dollar without a variable
SELECT $a FROM s;
-- error: ?

-- case: reserved keyword as stream name
CREATE STREAM select (a INT) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: reserved keyword as column name
CREATE STREAM s (from INT) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: missing expression in select
SELECT FROM s;
-- error: ?

-- case: trailing comma in select list
SELECT a, FROM s;
-- error: ?

-- case: missing from clause
SELECT a;
-- error: ?

-- case: missing closing parenthesis in function call
SELECT COUNT(a FROM s;
-- error: ?

-- case: missing closing parenthesis in column list
CREATE STREAM s (a INT WITH (kafka_topic='t');
-- error: ?

-- case: bad create target
CREATE VIEW v AS SELECT * FROM s;
-- error: ?

-- case: create or replace connector is not allowed
CREATE OR REPLACE SINK CONNECTOR c WITH ('a'='b');
-- error: ?

-- case: primary key on a stream
CREATE STREAM s (id INT PRIMARY KEY) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: key on a table
CREATE TABLE t (id INT KEY) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: columns with as select
CREATE STREAM s (a INT) AS SELECT * FROM t;
-- error: ?

-- case: duplicate property
CREATE STREAM s (a INT) WITH (kafka_topic='t', KAFKA_TOPIC='u');
-- error: ?

-- case: property value must be a literal
CREATE STREAM s (a INT) WITH (kafka_topic=t);
-- error: ?

-- case: emit without changes or final
SELECT * FROM s EMIT;
-- error: ?

-- case: window without type
SELECT COUNT(*) FROM s WINDOW (SIZE 1 SECOND) GROUP BY k;
-- error: ?

-- case: window unit missing
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 10) GROUP BY k;
-- error: ?

-- case: window unit misspelled
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 10 SECS) GROUP BY k;
-- error: ?

-- case: window size must be an integer
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1.5 SECONDS) GROUP BY k;
-- error: ?

-- case: window options in the wrong order
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 1 SECOND, RETENTION 1 DAY) GROUP BY k;
-- error: ?

-- case: hopping window without advance
SELECT COUNT(*) FROM s WINDOW HOPPING (SIZE 1 MINUTE) GROUP BY k;
-- error: ?

-- case: grace without period
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 MINUTE, GRACE 1 SECOND) GROUP BY k;
-- error: ?

-- case: duration overflow
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 999999999999999999 DAYS) GROUP BY k;
-- error: ?

-- case: join without on
SELECT * FROM a JOIN b WHERE a.id = b.id;
-- error: ?

-- case: join within without on
SELECT * FROM a JOIN b WITHIN 1 SECOND;
-- error: ?

-- case: group without by
SELECT COUNT(*) FROM s GROUP k;
-- error: ?

-- case: negative limit
SELECT * FROM s LIMIT -1;
-- error: ?

-- case: limit too large
SELECT * FROM s LIMIT 3000000000;
-- error: ?

-- case: integer literal too large
SELECT 99999999999999999999 FROM s;
-- error: ?

-- case: double literal overflow
SELECT 1e400 FROM s;
-- error: ?

-- case: decimal precision zero
CREATE STREAM s (d DECIMAL(0, 0)) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: decimal scale larger than precision
CREATE STREAM s (d DECIMAL(2, 3)) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: decimal without precision
CREATE STREAM s (d DECIMAL) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: map type missing value type
CREATE STREAM s (m MAP<STRING>) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: varchar with length is not supported
CREATE STREAM s (v VARCHAR(10)) WITH (kafka_topic='t', value_format='json');
-- error: ?

-- case: escape must be one character
SELECT * FROM s WHERE a LIKE 'x' ESCAPE 'ab';
-- error: ?

-- case: is without null or distinct
SELECT * FROM s WHERE a IS 1;
-- error: ?

-- case: case without when
SELECT CASE a ELSE 1 END FROM s;
-- error: ?

-- case: case without end
SELECT CASE WHEN a THEN 1 FROM s;
-- error: ?

-- case: cast without as
SELECT CAST(a STRING) FROM s;
-- error: ?

-- case: two comparisons in a row
SELECT * FROM s WHERE a = b = c;
-- error: ?

-- case: qualified star outside select list
SELECT COUNT(s.*) FROM s;
-- error: ?

-- case: lambda outside a function call
SELECT x => x + 1 FROM s;
-- error: ?

-- case: unresolved variable
SELECT * FROM ${missing} EMIT CHANGES;
-- error: ?

-- case: print without topic
PRINT FROM BEGINNING;
-- error: ?

-- case: show unknown thing
SHOW EVERYTHING;
-- error: ?

-- case: drop unknown thing
DROP VIEW v;
-- error: ?

-- case: set without equals
SET 'a' 'b';
-- error: ?

-- case: insert without values or select
INSERT INTO s (a) SELECT * FROM t;
-- error: ?

-- case: error in second statement reports its line
SHOW STREAMS;
SELECT * FROM s WHERE;
-- error: ?

-- case: error after a comment line keeps the real column
-- a comment
   SELECT a b c FROM s;
-- error: ?

-- case: terminate without target
TERMINATE;
-- error: ?

-- case: empty in list
SELECT * FROM s WHERE a IN ();
-- error: ?

-- case: deeply nested parentheses are rejected not overflowed
SELECT (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) FROM s;
-- error: ?
