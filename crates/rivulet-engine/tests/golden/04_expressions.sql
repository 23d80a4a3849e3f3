-- Operators and expressions in stateless persistent queries: arithmetic and its result types,
-- comparisons, boolean logic with NULLs, BETWEEN, IN, LIKE, IS [NOT] NULL, IS [NOT] DISTINCT FROM
-- and CASE. ksqlDB compiles these to Java: a comparison with a NULL operand is FALSE (not NULL),
-- and NOT, BETWEEN, IN and IS NOT DISTINCT FROM are built on top of those comparisons.

-- case: INT arithmetic stays INT and division truncates toward zero
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + b AS add, a - b AS sub, a * b AS mul, a / b AS div, a % b AS rem FROM s;
-- Java semantics: -7 / 2 = -3 and -7 % 2 = -1 (the remainder takes the dividend's sign).
-- input s: null {"a":-7,"b":2}
-- input s: null {"a":7,"b":3}
-- output O: null {"ADD":-5,"SUB":-9,"MUL":-14,"DIV":-3,"REM":-1}
-- output O: null {"ADD":10,"SUB":4,"MUL":21,"DIV":2,"REM":1}

-- case: INT overflow wraps like Java int
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + 1 AS next FROM s;
-- INT + INT is INT in ksqlDB, computed with Java int arithmetic.
-- input s: null {"a":2147483647}
-- output O: null {"NEXT":-2147483648}

-- case: INT with BIGINT widens to BIGINT
CREATE STREAM s (a INT, b BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + b AS total, a * 3000000000 AS big FROM s;
-- 3000000000 does not fit 32 bits, so the literal is a BIGINT.
-- input s: null {"a":2147483647,"b":1}
-- output O: null {"TOTAL":2147483648,"BIG":6442450941000000000}

-- case: INT with DOUBLE gives DOUBLE
CREATE STREAM s (a INT, x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + x AS total, a * x AS product, x / 4 AS quarter FROM s;
-- input s: null {"a":4,"x":0.5}
-- output O: null {"TOTAL":4.5,"PRODUCT":2.0,"QUARTER":0.125}

-- case: a literal with a decimal point is DECIMAL, with an exponent DOUBLE
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a * 1.5 AS dec_mul, a / 2.0 AS dec_div, a * 1e1 AS dbl FROM s;
-- 7 / 2.0 is DECIMAL division (exact 3.5), not integer division; 1e1 is the DOUBLE 10.0.
-- input s: null {"a":7}
-- output O: null {"DEC_MUL":10.5,"DEC_DIV":3.5,"DBL":70.0}

-- case: integer modulo by zero gives NULL and the query goes on
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a, a % b AS r FROM s;
-- Java throws ArithmeticException; ksqlDB logs it and the column is NULL.
-- input s: null {"a":5,"b":0}
-- input s: null {"a":5,"b":3}
-- output O: null {"A":5,"R":null}
-- output O: null {"A":5,"R":2}

-- case: DECIMAL division is exact and division by zero gives NULL
CREATE STREAM s (a DECIMAL(4, 2), b DECIMAL(4, 2)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a / b AS q FROM s;
-- input s: null {"a":10.10,"b":2.00}
-- input s: null {"a":10.10,"b":-2.00}
-- input s: null {"a":10.10,"b":0.00}
-- output O: null {"Q":5.05}
-- output O: null {"Q":-5.05}
-- output O: null {"Q":null}

-- case: DECIMAL operands of different scales
CREATE STREAM s (a DECIMAL(4, 2), b DECIMAL(5, 3)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + b AS total, a - b AS diff, a * b AS product FROM s;
-- input s: null {"a":1.25,"b":0.125}
-- output O: null {"TOTAL":1.375,"DIFF":1.125,"PRODUCT":0.15625}

-- case: DECIMAL with DOUBLE gives DOUBLE, with INT gives DECIMAL
CREATE STREAM s (d DECIMAL(4, 2), x DOUBLE, i INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT d + x AS dbl, d + i AS dec FROM s;
-- input s: null {"d":10.01,"x":5.1,"i":5}
-- output O: null {"DBL":15.11,"DEC":15.01}

-- case: unary minus on INT, DOUBLE and DECIMAL
CREATE STREAM s (i INT, x DOUBLE, d DECIMAL(7, 5)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT -i AS ni, -x AS nx, -d AS nd FROM s;
-- input s: null {"i":3,"x":-1.5,"d":10.12345}
-- output O: null {"NI":-3,"NX":1.5,"ND":-10.12345}

-- case: arithmetic with a NULL operand is NULL
CREATE STREAM s (a INT, x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a + 1 AS a1, x * 2 AS x2, -a AS na FROM s;
-- input s: null {"x":1.5}
-- input s: null {"a":1}
-- output O: null {"A1":null,"X2":3.0,"NA":null}
-- output O: null {"A1":2,"X2":null,"NA":-1}

-- case: operator precedence and parentheses
CREATE STREAM s (ignored INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT 2 + 3 * 4 AS a, (2 + 3) * 4 AS b, 10 - 2 - 3 AS c, 16 % 6 - 4 AS d, 6 / 3 * 2 AS e FROM s;
-- input s: null {}
-- output O: null {"A":14,"B":20,"C":5,"D":0,"E":4}

-- case: comparisons with a NULL operand are false, not NULL
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a = 1 AS eq, a <> 1 AS ne, a < 1 AS lt, a >= 1 AS ge, b = 'x' AS beq FROM s;
-- ksqlDB's generated code answers false when either side is null (functional test 'null equals').
-- input s: null {}
-- input s: null {"a":1,"b":"x"}
-- output O: null {"EQ":false,"NE":false,"LT":false,"GE":false,"BEQ":false}
-- output O: null {"EQ":true,"NE":false,"LT":false,"GE":true,"BEQ":true}

-- case: NOT of a comparison with NULL selects the row
CREATE STREAM s (id STRING, a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE NOT (a = 1);
-- a = 1 is false for a NULL a, so NOT (a = 1) is true.
-- input s: null {"id":"one","a":1}
-- input s: null {"id":"missing"}
-- input s: null {"id":"two","a":2}
-- output O: null {"ID":"missing"}
-- output O: null {"ID":"two"}

-- case: != is the same as <>
CREATE STREAM s (a INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a FROM s WHERE a != 2;
-- input s: null {"a":1}
-- input s: null {"a":2}
-- input s: null {"a":3}
-- output O: null {"A":1}
-- output O: null {"A":3}

-- case: strings compare by code point
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n, n < 'b' AS before_b, n >= 'b' AS from_b FROM s;
-- Java String.compareTo: upper-case letters sort before lower-case ones.
-- input s: null {"n":"apple"}
-- input s: null {"n":"b"}
-- input s: null {"n":"Zebra"}
-- output O: null {"N":"apple","BEFORE_B":true,"FROM_B":false}
-- output O: null {"N":"b","BEFORE_B":false,"FROM_B":true}
-- output O: null {"N":"Zebra","BEFORE_B":true,"FROM_B":false}

-- case: numeric comparisons across INT, BIGINT, DOUBLE and DECIMAL
CREATE STREAM s (i INT, l BIGINT, x DOUBLE, d DECIMAL(3, 1)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT i = x AS i_eq_x, l > i AS l_gt_i, d = x AS d_eq_x, x < 0.75 AS x_lt_dec FROM s;
-- input s: null {"i":1,"l":2,"x":1.0,"d":1.0}
-- input s: null {"i":3,"l":2,"x":0.5,"d":0.4}
-- output O: null {"I_EQ_X":true,"L_GT_I":true,"D_EQ_X":true,"X_LT_DEC":false}
-- output O: null {"I_EQ_X":false,"L_GT_I":false,"D_EQ_X":false,"X_LT_DEC":true}

-- case: BOOLEAN columns compare with TRUE and FALSE
CREATE STREAM s (id INT, ok BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE ok = true OR ok <> false;
-- input s: null {"id":1,"ok":true}
-- input s: null {"id":2,"ok":false}
-- input s: null {"id":3}
-- output O: null {"ID":1}

-- case: AND and OR with a NULL BOOLEAN decided by the left operand
CREATE STREAM s (v INT, flag BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT v, v > 0 OR flag AS o, v > 0 AND flag AS a, NOT flag AS n FROM s;
-- TRUE OR NULL = TRUE, FALSE AND NULL = FALSE; TRUE AND NULL, FALSE OR NULL and NOT NULL are NULL.
-- input s: null {"v":1}
-- input s: null {"v":-1}
-- input s: null {"v":1,"flag":true}
-- input s: null {"v":-1,"flag":false}
-- output O: null {"V":1,"O":true,"A":null,"N":null}
-- output O: null {"V":-1,"O":null,"A":false,"N":null}
-- output O: null {"V":1,"O":true,"A":true,"N":false}
-- output O: null {"V":-1,"O":false,"A":false,"N":true}

-- case: a WHERE that is NULL drops the row
CREATE STREAM s (id INT, flag BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE flag;
-- input s: null {"id":1,"flag":true}
-- input s: null {"id":2}
-- input s: null {"id":3,"flag":false}
-- output O: null {"ID":1}

-- case: NOT binds looser than comparisons and AND looser than NOT
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a, b FROM s WHERE NOT a = 1 AND b = 2 OR a = 9;
-- Parsed as ((NOT (a = 1)) AND (b = 2)) OR (a = 9).
-- input s: null {"a":1,"b":2}
-- input s: null {"a":2,"b":2}
-- input s: null {"a":2,"b":3}
-- input s: null {"a":9,"b":3}
-- output O: null {"A":2,"B":2}
-- output O: null {"A":9,"B":3}

-- case: BETWEEN with column bounds and a NULL bound
CREATE STREAM s (v INT, lo INT, hi INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT v FROM s WHERE v BETWEEN lo AND hi;
-- input s: null {"v":1,"lo":0,"hi":2}
-- input s: null {"v":2,"hi":2}
-- input s: null {"v":3,"lo":0}
-- input s: null {"v":2,"lo":2,"hi":2}
-- output O: null {"V":1}
-- output O: null {"V":2}

-- case: NOT BETWEEN keeps values outside the range and NULL values
CREATE STREAM s (id STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE v NOT BETWEEN 1 AND 3;
-- NOT BETWEEN is NOT (v >= 1 AND v <= 3); both comparisons are false for NULL, so the NOT is true.
-- input s: null {"id":"zero","v":0}
-- input s: null {"id":"one","v":1}
-- input s: null {"id":"three","v":3}
-- input s: null {"id":"four","v":4}
-- input s: null {"id":"none"}
-- output O: null {"ID":"zero"}
-- output O: null {"ID":"four"}
-- output O: null {"ID":"none"}

-- case: BETWEEN on strings
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n FROM s WHERE n BETWEEN 'b' AND 'c';
-- input s: null {"n":"a"}
-- input s: null {"n":"b"}
-- input s: null {"n":"ba"}
-- input s: null {"n":"c"}
-- input s: null {"n":"ca"}
-- output O: null {"N":"b"}
-- output O: null {"N":"ba"}
-- output O: null {"N":"c"}

-- case: IN with a NULL in the list and a column in the list
CREATE STREAM s (id INT, val INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id, val FROM s WHERE id IN (11, NULL, val);
-- NULL list entries never match; a NULL value matches nothing.
-- input s: null {"val":10}
-- input s: null {"id":11,"val":10}
-- input s: null {"id":12,"val":12}
-- input s: null {"id":19,"val":10}
-- output O: null {"ID":11,"VAL":10}
-- output O: null {"ID":12,"VAL":12}

-- case: NOT IN keeps a NULL value
CREATE STREAM s (id STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE v NOT IN (1, 2);
-- IN with a NULL value is false, so NOT IN is true.
-- input s: null {"id":"one","v":1}
-- input s: null {"id":"three","v":3}
-- input s: null {"id":"none"}
-- output O: null {"ID":"three"}
-- output O: null {"ID":"none"}

-- case: IN as a projected boolean on BIGINT and STRING
CREATE STREAM s (l BIGINT, n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT l IN (1, 5000000000) AS l_in, n IN ('a', 'b') AS n_in FROM s;
-- input s: null {"l":5000000000,"n":"c"}
-- input s: null {"l":2,"n":"b"}
-- output O: null {"L_IN":true,"N_IN":false}
-- output O: null {"L_IN":false,"N_IN":true}

-- case: LIKE with % and _
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n, n LIKE 'd_v-%' AS dev, n LIKE '%1' AS ends1, n LIKE 'DEV%' AS upper FROM s;
-- _ matches exactly one character; matching is case-sensitive.
-- input s: null {"n":"dev-1"}
-- input s: null {"n":"dv-1"}
-- input s: null {"n":"dav-22"}
-- output O: null {"N":"dev-1","DEV":true,"ENDS1":true,"UPPER":false}
-- output O: null {"N":"dv-1","DEV":false,"ENDS1":true,"UPPER":false}
-- output O: null {"N":"dav-22","DEV":true,"ENDS1":false,"UPPER":false}

-- case: LIKE with a pattern column and ESCAPE
CREATE STREAM s (id INT, val STRING, pattern STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE val LIKE pattern ESCAPE '!';
-- !% is a literal percent sign.
-- input s: null {"id":1,"val":"50%","pattern":"50!%"}
-- input s: null {"id":2,"val":"500","pattern":"50!%"}
-- input s: null {"id":3,"val":"foobar","pattern":"%oba%"}
-- output O: null {"ID":1}
-- output O: null {"ID":3}

-- case: LIKE and NOT LIKE on a NULL string drop the row
CREATE STREAM s (id INT, n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id FROM s WHERE n NOT LIKE 'a%' OR id = 9;
-- ksqlDB's LIKE on NULL fails and the row's predicate is not true; a later OR term still counts.
-- input s: null {"id":1,"n":"abc"}
-- input s: null {"id":2,"n":"xyz"}
-- input s: null {"id":3}
-- input s: null {"id":9,"n":"abc"}
-- output O: null {"ID":2}
-- output O: null {"ID":9}

-- case: IS NULL and IS NOT NULL as values
CREATE STREAM s (id STRING KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT id, id IS NULL AS id_null, name IS NOT NULL AS has_name FROM s;
-- input s: "k1" {"name":"x"}
-- input s: null {"name":null}
-- input s: "k2" {}
-- output O: "k1" {"ID_NULL":false,"HAS_NAME":true}
-- output O: null {"ID_NULL":true,"HAS_NAME":false}
-- output O: "k2" {"ID_NULL":false,"HAS_NAME":false}

-- case: IS DISTINCT FROM and IS NOT DISTINCT FROM treat NULLs as values
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a IS DISTINCT FROM b AS d, a IS NOT DISTINCT FROM b AS nd FROM s;
-- input s: null {"a":1,"b":1}
-- input s: null {"a":1,"b":2}
-- input s: null {"b":1}
-- input s: null {}
-- output O: null {"D":false,"ND":true}
-- output O: null {"D":true,"ND":false}
-- output O: null {"D":true,"ND":false}
-- output O: null {"D":false,"ND":true}

-- case: searched CASE without ELSE gives NULL
CREATE STREAM s (v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CASE WHEN v > 10 THEN 'big' WHEN v > 5 THEN 'medium' END AS bucket FROM s;
-- The first true branch wins (11 is also > 5).
-- input s: null {"v":11}
-- input s: null {"v":6}
-- input s: null {"v":1}
-- input s: null {}
-- output O: null {"BUCKET":"big"}
-- output O: null {"BUCKET":"medium"}
-- output O: null {"BUCKET":null}
-- output O: null {"BUCKET":null}

-- case: simple CASE compares the operand with each WHEN value
CREATE STREAM s (code INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CASE code WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END AS name FROM s;
-- A NULL operand equals no WHEN value, so it takes the ELSE branch.
-- input s: null {"code":2}
-- input s: null {"code":1}
-- input s: null {"code":7}
-- input s: null {}
-- output O: null {"NAME":"two"}
-- output O: null {"NAME":"one"}
-- output O: null {"NAME":"other"}
-- output O: null {"NAME":"other"}

-- case: CASE in WHERE
CREATE STREAM s (kind STRING, v DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT kind, v FROM s WHERE CASE WHEN kind = 'temp' THEN v > 30 ELSE v > 100 END;
-- input s: null {"kind":"temp","v":31}
-- input s: null {"kind":"temp","v":29}
-- input s: null {"kind":"rpm","v":50}
-- input s: null {"kind":"rpm","v":150}
-- output O: null {"KIND":"temp","V":31.0}
-- output O: null {"KIND":"rpm","V":150.0}
