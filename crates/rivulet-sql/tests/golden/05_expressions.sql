-- Expressions: precedence (shown by the canonical parentheses), predicates, literals, CASE, CAST,
-- constructors, subscripts, dereferences, lambdas, function calls.

-- case: multiplication binds tighter than addition
SELECT a + b * c FROM s;
-- expect: SELECT A + B * C FROM S;

-- case: left associativity of minus and divide
SELECT a - b - c, a / b / c, a % b * c FROM s;
-- expect: SELECT A - B - C, A / B / C, A % B * C FROM S;

-- case: parentheses override precedence
SELECT (a + b) * c FROM s;
-- expect: SELECT (A + B) * C FROM S;

-- case: concatenation binds looser than addition
SELECT a || b + c, a + b || c FROM s;
-- expect: SELECT A || B + C, A + B || C FROM S;

-- case: comparison binds looser than arithmetic and concat
SELECT * FROM s WHERE a + 1 > b * 2 AND x || y = 'ab';
-- expect: SELECT * FROM S WHERE A + 1 > B * 2 AND X || Y = 'ab';

-- case: and binds tighter than or
SELECT * FROM s WHERE a = 1 OR b = 2 AND c = 3;
-- expect: SELECT * FROM S WHERE A = 1 OR B = 2 AND C = 3;

-- case: not binds tighter than and
SELECT * FROM s WHERE NOT a = 1 AND b = 2;
-- expect: SELECT * FROM S WHERE NOT A = 1 AND B = 2;

-- case: not not
SELECT * FROM s WHERE NOT NOT flag;
-- expect: SELECT * FROM S WHERE NOT NOT FLAG;

-- case: or chains are left associative
SELECT * FROM s WHERE a OR b OR c;
-- expect: SELECT * FROM S WHERE A OR B OR C;

-- case: all comparison operators
SELECT * FROM s WHERE a = 1 AND b <> 2 AND c != 3 AND d < 4 AND e <= 5 AND f > 6 AND g >= 7;
-- expect: SELECT * FROM S WHERE A = 1 AND B <> 2 AND C <> 3 AND D < 4 AND E <= 5 AND F > 6 AND G >= 7;

-- case: between and not between
SELECT * FROM s WHERE a BETWEEN 1 AND 10 AND b NOT BETWEEN x - 1 AND x + 1;
-- expect: SELECT * FROM S WHERE A BETWEEN 1 AND 10 AND B NOT BETWEEN X - 1 AND X + 1;

-- case: between binds its and
SELECT * FROM s WHERE a BETWEEN 1 AND 2 AND c;
-- expect: SELECT * FROM S WHERE A BETWEEN 1 AND 2 AND C;

-- case: in and not in
SELECT * FROM s WHERE a IN (1, 2, 3) OR b NOT IN ('x', 'y');
-- expect: SELECT * FROM S WHERE A IN (1, 2, 3) OR B NOT IN ('x', 'y');

-- case: in list of expressions
SELECT * FROM s WHERE a IN (b + 1, c = d, NULL);
-- expect: SELECT * FROM S WHERE A IN (B + 1, C = D, NULL);

-- case: like not like and escape
SELECT * FROM s WHERE a LIKE 'x%' AND b NOT LIKE '%\_%' ESCAPE '\';
-- expect: SELECT * FROM S WHERE A LIKE 'x%' AND B NOT LIKE '%\_%' ESCAPE '\';

-- case: is null and is not null
SELECT * FROM s WHERE a IS NULL OR b IS NOT NULL;
-- expect: SELECT * FROM S WHERE A IS NULL OR B IS NOT NULL;

-- case: is distinct from
SELECT * FROM s WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d;
-- expect: SELECT * FROM S WHERE A IS DISTINCT FROM B AND C IS NOT DISTINCT FROM D;

-- case: unary minus on column and expression
SELECT -a, -(a + b), - - a, +a FROM s;
-- expect: SELECT -A, -(A + B), - -A, +A FROM S;

-- case: minus before number is part of the literal
SELECT -1, - 2, -1.5, -1e3, a - -1, a-1 FROM s;
-- expect: SELECT -1, -2, -1.5, -1E3, A - -1, A - 1 FROM S;

-- case: unary minus binds tighter than multiplication
SELECT -a * b FROM s;
-- expect: SELECT -A * B FROM S;

-- case: integer literal types
SELECT 0, 2147483647, 2147483648, -2147483648, -2147483649, 9223372036854775807 FROM s;
-- expect: SELECT 0, 2147483647, 2147483648, -2147483648, -2147483649, 9223372036854775807 FROM S;

-- case: decimal literal keeps digits
SELECT 1.5, 0.50, 1., .5, 007.250, -0.0 FROM s;
-- expect: SELECT 1.5, 0.50, 1., 0.5, 7.250, -0.0 FROM S;

-- case: double literals with exponent
SELECT 1e3, 1E3, 1.5E-2, .5e1, 1.e2, 6.02e23 FROM s;
-- expect: SELECT 1E3, 1E3, 1.5E-2, 5E0, 1E2, 6.02E23 FROM S;

-- case: boolean and null literals any case
SELECT true, FALSE, Null FROM s;
-- expect: SELECT TRUE, FALSE, NULL FROM S;

-- case: strings with doubled quotes and newlines
SELECT 'it''s', '', 'two
lines' FROM s;
-- expect: SELECT 'it''s', '', 'two\nlines' FROM S;

-- case: searched case
SELECT CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END AS sign FROM s;
-- expect: SELECT CASE WHEN A > 0 THEN 'pos' WHEN A < 0 THEN 'neg' ELSE 'zero' END AS SIGN FROM S;

-- case: simple case without else
SELECT CASE status WHEN 1 THEN 'on' WHEN 0 THEN 'off' END FROM s;
-- expect: SELECT CASE STATUS WHEN 1 THEN 'on' WHEN 0 THEN 'off' END FROM S;

-- case: nested case
SELECT CASE WHEN a THEN CASE WHEN b THEN 1 ELSE 2 END ELSE 3 END FROM s;
-- expect: SELECT CASE WHEN A THEN CASE WHEN B THEN 1 ELSE 2 END ELSE 3 END FROM S;

-- case: cast to every kind of type
SELECT CAST(a AS STRING), CAST(b AS DECIMAL(5, 2)), CAST(c AS ARRAY<INT>), CAST(d AS MAP<STRING, INT>), CAST(e AS STRUCT<x INT>), CAST(f AS TIMESTAMP) FROM s;
-- expect: SELECT CAST(A AS STRING), CAST(B AS DECIMAL(5, 2)), CAST(C AS ARRAY<INTEGER>), CAST(D AS MAP<STRING, INTEGER>), CAST(E AS STRUCT<X INTEGER>), CAST(F AS TIMESTAMP) FROM S;

-- case: cast of expression
SELECT CAST(a + 1 AS BIGINT) FROM s;
-- expect: SELECT CAST(A + 1 AS BIGINT) FROM S;

-- case: array constructor and subscripts
SELECT ARRAY[1, 2, 3], ARRAY[], arr[1], arr[-1], arr[i + 1] FROM s;
-- expect: SELECT ARRAY[1, 2, 3], ARRAY[], ARR[1], ARR[-1], ARR[I + 1] FROM S;

-- case: map constructor and map subscript
SELECT MAP('a' := 1, 'b' := 2), MAP(), m['key'] FROM s;
-- expect: SELECT MAP('a' := 1, 'b' := 2), MAP(), M['key'] FROM S;

-- case: struct constructor
SELECT STRUCT(name := 'x', age := 3), STRUCT() FROM s;
-- expect: SELECT STRUCT(NAME := 'x', AGE := 3), STRUCT() FROM S;

-- case: functions named map and struct are calls
SELECT MAP(x), STRUCT(x), ARRAY(x), array FROM s;
-- expect: SELECT `MAP`(X), `STRUCT`(X), `ARRAY`(X), `ARRAY` FROM S;

-- case: struct dereference chain
SELECT a->b->c, a->b[1]->c FROM s;
-- expect: SELECT A->B->C, A->B[1]->C FROM S;

-- case: dereference binds tighter than unary minus
SELECT -a->b FROM s;
-- expect: SELECT -A->B FROM S;

-- case: qualified column with dereference
SELECT s.a->b FROM s;
-- expect: SELECT S.A->B FROM S;

-- case: count star and count distinct function
SELECT COUNT(*), COUNT(x), COUNT_DISTINCT(x), COUNT() FROM s GROUP BY k;
-- expect: SELECT COUNT(*), COUNT(X), COUNT_DISTINCT(X), COUNT() FROM S GROUP BY K;

-- case: nested function calls
SELECT ROUND(GEO_DISTANCE(lat, lon, 37.4, -122.1, 'miles'), 2) FROM s;
-- expect: SELECT ROUND(GEO_DISTANCE(LAT, LON, 37.4, -122.1, 'miles'), 2) FROM S;

-- case: lambda with one parameter
SELECT TRANSFORM(arr, x => x + 1) FROM s;
-- expect: SELECT TRANSFORM(ARR, X => X + 1) FROM S;

-- case: lambda with two parameters over a map
SELECT TRANSFORM(m, (k, v) => UCASE(k), (k, v) => v * 2), FILTER(arr, x => x > 0) FROM s;
-- expect: SELECT TRANSFORM(M, (K, V) => UCASE(K), (K, V) => V * 2), FILTER(ARR, X => X > 0) FROM S;

-- case: reduce with three parameter lambda
SELECT REDUCE(arr, 0, (s, x) => s + x) FROM s;
-- expect: SELECT REDUCE(ARR, 0, (S, X) => S + X) FROM S;

-- case: lambda variable shadows nothing outside its body
SELECT TRANSFORM(arr, x => x + y), x FROM s;
-- expect: SELECT TRANSFORM(ARR, X => X + Y), X FROM S;

-- case: nested lambdas
SELECT TRANSFORM(arrs, a => TRANSFORM(a, b => a[1] + b)) FROM s;
-- expect: SELECT TRANSFORM(ARRS, A => TRANSFORM(A, B => A[1] + B)) FROM S;

-- case: interval unit arguments
SELECT TIMESTAMPADD(SECONDS, 10, ts), DATEADD(DAYS, 1, d), TIMEADD(MILLISECONDS, 5, t) FROM s;
-- expect: SELECT TIMESTAMPADD(SECONDS, 10, TS), DATEADD(DAYS, 1, D), TIMEADD(MILLISECONDS, 5, T) FROM S;

-- case: singular unit argument is a column name as in ksqldb
SELECT TIMESTAMPADD(SECOND, 10, ts) FROM s;
-- expect: SELECT TIMESTAMPADD(`SECOND`, 10, TS) FROM S;

-- case: at time zone
SELECT ts AT TIME ZONE 'UTC', -ts AT TIME ZONE 'Europe/Paris' FROM s;
-- expect: SELECT TS AT TIME ZONE 'UTC', -TS AT TIME ZONE 'Europe/Paris' FROM S;

-- case: type constructor literal
SELECT TIMESTAMP '2024-01-01T00:00:00' FROM s;
-- expect: SELECT TIMESTAMP '2024-01-01T00:00:00' FROM S;

-- case: function with non reserved keyword name
SELECT REPLACE(a, 'x', 'y'), IF(a, 1, 2) FROM s;
-- expect: SELECT REPLACE(A, 'x', 'y'), IF(A, 1, 2) FROM S;

-- case: deeply parenthesised expression collapses
SELECT ((((a)))) FROM s;
-- expect: SELECT A FROM S;

-- case: like with concatenated pattern
SELECT * FROM s WHERE name LIKE '%' || x || '%';
-- expect: SELECT * FROM S WHERE NAME LIKE '%' || X || '%';

-- case: comparison with boolean result compared again needs parentheses
SELECT * FROM s WHERE (a = b) = TRUE;
-- expect: SELECT * FROM S WHERE (A = B) = TRUE;

-- case: string concatenation of functions
SELECT CONCAT(a, '_', b) || '!' FROM s;
-- expect: SELECT CONCAT(A, '_', B) || '!' FROM S;

-- case: modulus and negative subscript literal
SELECT a % 2, -1[1] FROM s;
-- expect: SELECT A % 2, -1[1] FROM S;

-- case: redundant parentheses are dropped and needed ones kept
SELECT a - (b - c), (a - b) - c, a * (b + c), (a * b) + c, -(a * b), (-a) * b, (a || b) || c FROM s;
-- expect: SELECT A - (B - C), A - B - C, A * (B + C), A * B + C, -(A * B), -A * B, A || B || C FROM S;

-- case: not of a conjunction keeps its parentheses
SELECT * FROM s WHERE NOT (a AND b) OR (c OR d) AND (e);
-- expect: SELECT * FROM S WHERE NOT (A AND B) OR (C OR D) AND E;

-- case: predicate as group by key needs parentheses
SELECT a = b AS eq, COUNT(*) FROM s GROUP BY (a = b), c EMIT CHANGES;
-- expect: SELECT A = B AS EQ, COUNT(*) FROM S GROUP BY (A = B), C EMIT CHANGES;
