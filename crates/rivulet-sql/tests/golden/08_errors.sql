-- Errors: ksqlDB/ANTLR-style messages with the line and column of the offending token.

-- case: typo in from
SELECT * FORM s EMIT CHANGES;
-- error: line 1:10: mismatched input 'FORM' expecting 'FROM'

-- case: typo in from after a column reads as an alias as in antlr
SELECT a,
       b
  FORM s EMIT CHANGES;
-- error: line 3:8: mismatched input 's' expecting 'FROM'

-- case: typo in from on the third line
SELECT a,
       b AS x
  FORM s EMIT CHANGES;
-- error: line 3:3: mismatched input 'FORM' expecting 'FROM'

-- case: typo in select suggests a keyword
SELEC * FROM x;
-- error: line 1:1: no viable alternative at input 'SELEC' expecting a statement (did you mean 'SELECT'?)

-- case: unknown statement word
HELLO world;
-- error: line 1:1: no viable alternative at input 'HELLO' expecting a statement

-- case: statement cannot start with a parenthesis
(SELECT * FROM s);
-- error: line 1:1: no viable alternative at input '(' expecting a statement

-- case: missing final semicolon
SELECT * FROM s EMIT CHANGES
-- error: line 1:29: mismatched input '<EOF>' expecting ';'

-- case: missing semicolon between statements
SHOW STREAMS SHOW TABLES;
-- error: line 1:14: mismatched input 'SHOW' expecting ';'

-- case: extraneous token before from
SELECT * FORM FROM s;
-- error: line 1:10: extraneous input 'FORM' expecting 'FROM'

-- case: extraneous token at end of statement
SHOW STREAMS foo;
-- error: line 1:14: extraneous input 'foo' expecting ';'

-- case: unterminated string literal
SELECT 'abc FROM s;
-- error: line 1:8: Syntax error: unterminated string literal

-- case: unterminated string literal on line two
SELECT a,
    'oops FROM s;
-- error: line 2:5: Syntax error: unterminated string literal

-- case: unterminated quoted identifier
SELECT `abc FROM s;
-- error: line 1:8: Syntax error: unterminated quoted identifier

-- case: unterminated block comment
SELECT a /* never closed FROM s;
-- error: line 1:10: Syntax error: unterminated block comment

-- case: unrecognised character
SELECT a ? b FROM s;
-- error: line 1:10: token recognition error at: '?'

-- case: dollar without a variable
SELECT $a FROM s;
-- error: line 1:8: token recognition error at: '$'

-- case: reserved keyword as stream name
CREATE STREAM select (a INT) WITH (kafka_topic='t', value_format='json');
-- error: line 1:15: "select" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as `select`

-- case: reserved keyword as column name
CREATE STREAM s (from INT) WITH (kafka_topic='t', value_format='json');
-- error: line 1:18: "from" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as `from`

-- case: missing expression in select
SELECT FROM s;
-- error: line 1:8: extraneous input 'FROM' expecting an expression

-- case: trailing comma in select list
SELECT a, FROM s;
-- error: line 1:11: extraneous input 'FROM' expecting an expression

-- case: missing from clause
SELECT a;
-- error: line 1:9: mismatched input ';' expecting 'FROM'

-- case: missing closing parenthesis in function call
SELECT COUNT(a FROM s;
-- error: line 1:16: mismatched input 'FROM' expecting {',', ')'}

-- case: missing closing parenthesis in column list
CREATE STREAM s (a INT WITH (kafka_topic='t');
-- error: line 1:24: mismatched input 'WITH' expecting {',', 'KEY', 'PRIMARY', 'HEADERS', 'HEADER', ')'}

-- case: bad create target
CREATE VIEW v AS SELECT * FROM s;
-- error: line 1:8: mismatched input 'VIEW' expecting {'STREAM', 'TABLE', 'SOURCE', 'SINK', 'TYPE', 'OR'}

-- case: create or replace connector is not allowed
CREATE OR REPLACE SINK CONNECTOR c WITH ('a'='b');
-- error: line 1:19: mismatched input 'SINK' expecting {'STREAM', 'TABLE', 'SOURCE'}

-- case: primary key on a stream
CREATE STREAM s (id INT PRIMARY KEY) WITH (kafka_topic='t', value_format='json');
-- error: line 1:25: Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams. Tables have PRIMARY KEYs, which are unique and NON NULL. Streams have KEYs, which have no uniqueness or NON NULL constraints.

-- case: key on a table
CREATE TABLE t (id INT KEY) WITH (kafka_topic='t', value_format='json');
-- error: line 1:24: Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables. Tables have PRIMARY KEYs, which are unique and NON NULL. Streams have KEYs, which have no uniqueness or NON NULL constraints.

-- case: columns with as select
CREATE STREAM s (a INT) AS SELECT * FROM t;
-- error: line 1:25: mismatched input 'AS' expecting ';'

-- case: duplicate property
CREATE STREAM s (a INT) WITH (kafka_topic='t', KAFKA_TOPIC='u');
-- error: line 1:48: Duplicate property 'KAFKA_TOPIC'

-- case: property value must be a literal
CREATE STREAM s (a INT) WITH (kafka_topic=t);
-- error: line 1:43: mismatched input 't' expecting a literal

-- case: bare emit after a source is an alias as in antlr
SELECT * FROM s EMIT;
-- expect: SELECT * FROM S `EMIT`;

-- case: emit without changes or final
SELECT * FROM s WHERE a = 1 EMIT;
-- error: line 1:33: mismatched input ';' expecting {'CHANGES', 'FINAL'}

-- case: window without type
SELECT COUNT(*) FROM s WINDOW (SIZE 1 SECOND) GROUP BY k;
-- error: line 1:31: mismatched input '(' expecting {'TUMBLING', 'HOPPING', 'SESSION'}

-- case: window unit missing
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 10) GROUP BY k;
-- error: line 1:48: mismatched input ')' expecting a time unit

-- case: window unit misspelled
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 10 SECS) GROUP BY k;
-- error: line 1:49: mismatched input 'SECS' expecting a time unit

-- case: window size must be an integer
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1.5 SECONDS) GROUP BY k;
-- error: line 1:46: mismatched input '1.5' expecting an integer

-- case: window options in the wrong order
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 SECOND, GRACE PERIOD 1 SECOND, RETENTION 1 DAY) GROUP BY k;
-- error: line 1:77: mismatched input ',' expecting ')'

-- case: hopping window without advance
SELECT COUNT(*) FROM s WINDOW HOPPING (SIZE 1 MINUTE) GROUP BY k;
-- error: line 1:53: mismatched input ')' expecting ','

-- case: grace without period
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 MINUTE, GRACE 1 SECOND) GROUP BY k;
-- error: line 1:62: mismatched input '1' expecting 'PERIOD'

-- case: duration overflow
SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 999999999999999999 DAYS) GROUP BY k;
-- error: line 1:46: Invalid duration: 999999999999999999 DAYS does not fit in 64-bit milliseconds

-- case: join without on
SELECT * FROM a JOIN b WHERE a.id = b.id;
-- error: line 1:24: mismatched input 'WHERE' expecting {'WITHIN', 'ON'}

-- case: join within without on
SELECT * FROM a JOIN b WITHIN 1 SECOND;
-- error: line 1:39: mismatched input ';' expecting 'ON'

-- case: group without by
SELECT COUNT(*) FROM s GROUP k;
-- error: line 1:30: mismatched input 'k' expecting 'BY'

-- case: negative limit
SELECT * FROM s LIMIT -1;
-- error: line 1:23: extraneous input '-' expecting an integer

-- case: limit too large
SELECT * FROM s LIMIT 3000000000;
-- error: line 1:23: Invalid LIMIT value: 3000000000 (expected an integer from 0 to 2147483647)

-- case: integer literal too large
SELECT 99999999999999999999 FROM s;
-- error: line 1:8: Invalid numeric literal: 99999999999999999999 (out of range for BIGINT)

-- case: double literal overflow
SELECT 1e400 FROM s;
-- error: line 1:8: Invalid numeric literal: 1e400 (out of range for DOUBLE)

-- case: decimal precision zero
CREATE STREAM s (d DECIMAL(0, 0)) WITH (kafka_topic='t', value_format='json');
-- error: line 1:28: DECIMAL precision must be >= 1: 0

-- case: decimal scale larger than precision
CREATE STREAM s (d DECIMAL(2, 3)) WITH (kafka_topic='t', value_format='json');
-- error: line 1:31: DECIMAL precision must be >= scale: precision=2, scale=3

-- case: decimal without precision
CREATE STREAM s (d DECIMAL) WITH (kafka_topic='t', value_format='json');
-- error: line 1:27: mismatched input ')' expecting '('

-- case: map type missing value type
CREATE STREAM s (m MAP<STRING>) WITH (kafka_topic='t', value_format='json');
-- error: line 1:30: mismatched input '>' expecting ','

-- case: varchar with length is not supported
CREATE STREAM s (v VARCHAR(10)) WITH (kafka_topic='t', value_format='json');
-- error: line 1:27: mismatched input '(' expecting {',', 'KEY', 'PRIMARY', 'HEADERS', 'HEADER', ')'}

-- case: escape must be one character
SELECT * FROM s WHERE a LIKE 'x' ESCAPE 'ab';
-- error: line 1:41: Expected single character escape but got: ab

-- case: is without null or distinct
SELECT * FROM s WHERE a IS 1;
-- error: line 1:28: mismatched input '1' expecting {'NOT', 'NULL', 'DISTINCT'}

-- case: case without when
SELECT CASE a ELSE 1 END FROM s;
-- error: line 1:15: mismatched input 'ELSE' expecting 'WHEN'

-- case: case without end
SELECT CASE WHEN a THEN 1 FROM s;
-- error: line 1:27: mismatched input 'FROM' expecting {'WHEN', 'ELSE', 'END'}

-- case: cast without as
SELECT CAST(a STRING) FROM s;
-- error: line 1:15: mismatched input 'STRING' expecting 'AS'

-- case: two comparisons in a row
SELECT * FROM s WHERE a = b = c;
-- error: line 1:29: mismatched input '=' expecting ';'

-- case: qualified star outside select list
SELECT COUNT(s.*) FROM s;
-- error: line 1:16: mismatched input '*' expecting an identifier

-- case: lambda outside a function call
SELECT x => x + 1 FROM s;
-- error: line 1:10: mismatched input '=>' expecting 'FROM'

-- case: unresolved variable
SELECT * FROM ${missing} EMIT CHANGES;
-- error: line 1:15: Unresolved variable reference '${missing}': define it (DEFINE missing = '...') before it is used

-- case: print without topic
PRINT FROM BEGINNING;
-- error: line 1:7: "FROM" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as `FROM`

-- case: show unknown thing
SHOW EVERYTHING;
-- error: line 1:6: mismatched input 'EVERYTHING' expecting {'STREAMS', 'TABLES', 'QUERIES', 'TOPICS', 'ALL', 'PROPERTIES', 'FUNCTIONS', 'TYPES', 'VARIABLES', 'CONNECTORS', 'SOURCE', 'SINK', 'CONNECTOR'}

-- case: drop unknown thing
DROP VIEW v;
-- error: line 1:6: mismatched input 'VIEW' expecting {'STREAM', 'TABLE', 'CONNECTOR', 'TYPE'}

-- case: set without equals
SET 'a' 'b';
-- error: line 1:9: mismatched input ''b'' expecting '='

-- case: insert without values or select
INSERT INTO s (a) SELECT * FROM t;
-- error: line 1:19: mismatched input 'SELECT' expecting 'VALUES'

-- case: error in second statement reports its line
SHOW STREAMS;
SELECT * FROM s WHERE;
-- error: line 2:22: mismatched input ';' expecting an expression

-- case: error after a comment line keeps the real column
-- a comment
   SELECT a b c FROM s;
-- error: line 2:15: extraneous input 'c' expecting 'FROM'

-- case: terminate without target
TERMINATE;
-- error: line 1:10: mismatched input ';' expecting {an identifier, 'ALL'}

-- case: empty in list
SELECT * FROM s WHERE a IN ();
-- error: line 1:29: mismatched input ')' expecting an expression

-- case: deeply nested parentheses are rejected not overflowed
SELECT (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) FROM s;
-- error: line 1:71: Error processing statement: Statement is too large to parse. This may be caused by having too many nested expressions in the statement.
