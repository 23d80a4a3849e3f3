-- Lexical rules and scripts: case, quoting, comments, statement splitting, variables.

-- case: keywords in mixed case
SeLeCt * FrOm S eMiT cHaNgEs;
-- expect: SELECT * FROM S EMIT CHANGES;

-- case: unquoted identifiers are upper cased quoted ones kept
SELECT riderLocations, `riderLocations`, "riderLocations", RIDERLOCATIONS FROM s;
-- expect: SELECT RIDERLOCATIONS, `riderLocations`, `riderLocations`, RIDERLOCATIONS FROM S;

-- case: quoted identifier escapes
SELECT "a""b", `c``d` FROM s;
-- expect: SELECT `a"b`, `c``d` FROM S;

-- case: quoted upper case identifier prints unquoted
SELECT `NAME` FROM `S`;
-- expect: SELECT NAME FROM S;

-- case: line and block comments everywhere
-- leading comment
SELECT /* inline */ a -- trailing
, b /* multi
line */ FROM s; -- after
-- expect: SELECT A, B FROM S;

-- case: directive comment is ignored
--@test: ignored directive
SHOW STREAMS;
-- expect: SHOW STREAMS;

-- case: comment markers inside strings are text
SELECT '-- not a comment', '/* nor this */' FROM s;
-- expect: SELECT '-- not a comment', '/* nor this */' FROM S;

-- case: semicolons inside strings and identifiers do not split
SELECT 'a;b', `c;d` FROM s; SHOW TABLES;
-- expect: SELECT 'a;b', `c;d` FROM S;
-- expect: SHOW TABLES;

-- case: empty statements are skipped
;; SHOW STREAMS;; ;
-- expect: SHOW STREAMS;

-- case: several statements on several lines
CREATE STREAM a (x INT) WITH (kafka_topic='a', value_format='json');
CREATE STREAM b AS SELECT * FROM a;
SELECT * FROM b EMIT CHANGES;
-- expect: CREATE STREAM A (X INTEGER) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='json');
-- expect: CREATE STREAM B AS SELECT * FROM A;
-- expect: SELECT * FROM B EMIT CHANGES;

-- case: tabs and carriage returns are whitespace
SELECT	a,	b
FROM	s;
-- expect: SELECT A, B FROM S;

-- case: variables substituted in strings and code
DEFINE format = 'AVRO';
DEFINE replicas = '3';
CREATE STREAM stream1 (id INT) WITH (kafka_topic = 'stream1', value_format = '${format}', replicas = ${replicas});
-- expect: DEFINE format = 'AVRO';
-- expect: DEFINE replicas = '3';
-- expect: CREATE STREAM STREAM1 (`ID` INTEGER) WITH (KAFKA_TOPIC='stream1', VALUE_FORMAT='AVRO', REPLICAS=3);

-- case: variables are case insensitive
DEFINE streamName = 's1';
SELECT * FROM ${STREAMNAME} EMIT CHANGES;
-- expect: DEFINE streamName = 's1';
-- expect: SELECT * FROM S1 EMIT CHANGES;

-- case: variable holding a quoted string
DEFINE topicName = '''my_topic''';
PRINT ${topicName};
-- expect: DEFINE topicName = '''my_topic''';
-- expect: PRINT 'my_topic';

-- case: escaped variable reference stays literal
DEFINE x = 'y';
SELECT '$${x}', '${x}' FROM s;
-- expect: DEFINE x = 'y';
-- expect: SELECT '${x}', 'y' FROM S;

-- case: undefined variable after undefine
DEFINE x = 'y';
UNDEFINE x;
SELECT ${x} FROM s;
-- error: line 3:8: Unresolved variable reference '${x}': define it (DEFINE x = '...') before it is used

-- case: undefined variable in a string stays as text
SELECT '${nope}' FROM s;
-- expect: SELECT '${nope}' FROM S;

-- case: variable value that is not a literal or identifier
DEFINE bad = '1; DROP STREAM s';
SELECT * FROM s WHERE x = ${bad};
-- error: line 2:27: Illegal argument: variable 'bad' is used outside quotes, so its value must be a literal or an identifier. Got: '1; DROP STREAM s'

-- case: identifier that looks like a number
SELECT 1a, 1e5x, 12_3 FROM s;
-- expect: SELECT `1A`, `1E5X`, `12_3` FROM S;

-- case: a digit after a dot lexes as a decimal as in antlr
SELECT s.a, 1.5, t.2b FROM s JOIN t ON s.a = t.a;
-- error: line 1:19: mismatched input '.2' expecting 'FROM'

-- case: non breaking space counts as whitespace
SELECT a FROM s;
-- expect: SELECT A FROM S;
