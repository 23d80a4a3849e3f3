-- SELECT: items, aliases, FROM and joins, WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING, EMIT, LIMIT.

-- case: select star push
SELECT * FROM s EMIT CHANGES;
-- expect: SELECT * FROM S EMIT CHANGES;

-- case: select star pull
SELECT * FROM s;
-- expect: SELECT * FROM S;

-- case: select source star
SELECT s.*, t.* FROM s JOIN t ON s.id = t.id EMIT CHANGES;
-- expect: SELECT S.*, T.* FROM S INNER JOIN T ON S.`ID` = T.`ID` EMIT CHANGES;

-- case: select struct star
SELECT address->* FROM people EMIT CHANGES;
-- expect: SELECT ADDRESS->* FROM PEOPLE EMIT CHANGES;

-- case: select struct star of nested dereference and subscript
SELECT a->b->*, c[1]->* FROM s EMIT CHANGES;
-- expect: SELECT A->B->*, C[1]->* FROM S EMIT CHANGES;

-- case: aliases with and without as
SELECT a AS x, b y, c "Mixed Case", d `back``tick` FROM s EMIT CHANGES;
-- expect: SELECT A AS X, B AS Y, C AS `Mixed Case`, D AS `back``tick` FROM S EMIT CHANGES;

-- case: alias that is a non reserved keyword
SELECT a AS time, b timestamp, c AS key FROM s EMIT CHANGES;
-- expect: SELECT A AS `TIME`, B AS `TIMESTAMP`, C AS `KEY` FROM S EMIT CHANGES;

-- case: count as alias
SELECT COUNT(*) count FROM s GROUP BY k EMIT CHANGES;
-- expect: SELECT COUNT(*) AS COUNT FROM S GROUP BY K EMIT CHANGES;

-- case: source alias without as
SELECT x.a FROM s x EMIT CHANGES;
-- expect: SELECT X.A FROM S X EMIT CHANGES;

-- case: source alias named emit is not a clause
SELECT * FROM s emit;
-- expect: SELECT * FROM S `EMIT`;

-- case: partition by right after source
SELECT * FROM s PARTITION BY a EMIT CHANGES;
-- expect: SELECT * FROM S PARTITION BY A EMIT CHANGES;

-- case: limit on pull query
SELECT * FROM t LIMIT 5;
-- expect: SELECT * FROM T LIMIT 5;

-- case: emit final on windowed aggregate
SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY k EMIT FINAL;
-- expect: SELECT K, COUNT(*) FROM S WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY K EMIT FINAL;

-- case: tumbling with retention and grace
SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES) GROUP BY k EMIT CHANGES;
-- expect: SELECT K, COUNT(*) FROM S WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES) GROUP BY K EMIT CHANGES;

-- case: tumbling with retention only
SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS) GROUP BY k EMIT CHANGES;
-- expect: SELECT K, COUNT(*) FROM S WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS) GROUP BY K EMIT CHANGES;

-- case: hopping with every option and milliseconds
SELECT k, COUNT(*) FROM s WINDOW HOPPING (SIZE 2000 MILLISECONDS, ADVANCE BY 250 MILLISECONDS, RETENTION 1 DAY, GRACE PERIOD 500 MILLISECOND) GROUP BY k EMIT FINAL;
-- expect: SELECT K, COUNT(*) FROM S WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 250 MILLISECONDS, RETENTION 1 DAY, GRACE PERIOD 500 MILLISECONDS) GROUP BY K EMIT FINAL;

-- case: session with retention and grace
SELECT k, COUNT(*) FROM s WINDOW SESSION (5 MINUTES, RETENTION 7 DAYS, GRACE PERIOD 1 HOUR) GROUP BY k EMIT CHANGES;
-- expect: SELECT K, COUNT(*) FROM S WINDOW SESSION (5 MINUTES, RETENTION 7 DAYS, GRACE PERIOD 1 HOUR) GROUP BY K EMIT CHANGES;

-- case: window units singular and plural normalised
SELECT k, COUNT(*) FROM s WINDOW HOPPING (SIZE 120 SECONDS, ADVANCE BY 60000 MILLISECONDS, RETENTION 48 HOURS, GRACE PERIOD 90 SECONDS) GROUP BY k EMIT CHANGES;
-- expect: SELECT K, COUNT(*) FROM S WINDOW HOPPING (SIZE 2 MINUTES, ADVANCE BY 1 MINUTE, RETENTION 2 DAYS, GRACE PERIOD 90 SECONDS) GROUP BY K EMIT CHANGES;

-- case: named window
SELECT k, COUNT(*) FROM s WINDOW w TUMBLING (SIZE 1 MINUTE) GROUP BY k EMIT CHANGES;
-- expect: SELECT K, COUNT(*) FROM S WINDOW W TUMBLING (SIZE 1 MINUTE) GROUP BY K EMIT CHANGES;

-- case: window with lower case keywords and no space before paren
select k, count(*) from s window tumbling(size 30 seconds) group by k emit changes;
-- expect: SELECT K, COUNT(*) FROM S WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY K EMIT CHANGES;

-- case: group by expression and having
SELECT UCASE(k) AS uk, SUM(v) FROM s GROUP BY UCASE(k) HAVING SUM(v) > 100 EMIT CHANGES;
-- expect: SELECT UCASE(K) AS UK, SUM(V) FROM S GROUP BY UCASE(K) HAVING SUM(V) > 100 EMIT CHANGES;

-- case: group by parenthesized expression times two is a single expression
SELECT (a + b) * 2 AS x, COUNT(*) FROM s GROUP BY (a + b) * 2 EMIT CHANGES;
-- expect: SELECT (A + B) * 2 AS X, COUNT(*) FROM S GROUP BY (A + B) * 2 EMIT CHANGES;

-- case: group by single parenthesized column
SELECT a, COUNT(*) FROM s GROUP BY (a) EMIT CHANGES;
-- expect: SELECT A, COUNT(*) FROM S GROUP BY A EMIT CHANGES;

-- case: group by empty parentheses
SELECT COUNT(*) FROM s GROUP BY () EMIT CHANGES;
-- expect: SELECT COUNT(*) FROM S GROUP BY () EMIT CHANGES;

-- case: partition by parenthesized list
SELECT * FROM s PARTITION BY (a, b) EMIT CHANGES;
-- expect: SELECT * FROM S PARTITION BY A, B EMIT CHANGES;

-- case: all clauses in order
SELECT k, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 1 MINUTE) WHERE v > 0 GROUP BY k HAVING COUNT(*) > 1 EMIT CHANGES LIMIT 100;
-- expect: SELECT K, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 1 MINUTE) WHERE V > 0 GROUP BY K HAVING COUNT(*) > 1 EMIT CHANGES LIMIT 100;

-- case: bare join is inner
SELECT * FROM a JOIN b ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A INNER JOIN B ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: left outer join
SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A LEFT JOIN B ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: right join
SELECT * FROM a RIGHT JOIN b ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A RIGHT JOIN B ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: full outer join
SELECT * FROM a FULL OUTER JOIN b WITHIN 10 SECONDS ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A FULL OUTER JOIN B WITHIN 10 SECONDS ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: full join without outer
SELECT * FROM a FULL JOIN b ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A FULL OUTER JOIN B ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: join within before and after
SELECT * FROM a JOIN b WITHIN (1 SECOND, 5 MINUTES) ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A INNER JOIN B WITHIN (1 SECOND, 5 MINUTES) ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: join within before and after with grace
SELECT * FROM a LEFT JOIN b WITHIN (10 SECONDS, 20 SECONDS) GRACE PERIOD 5 SECONDS ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A LEFT JOIN B WITHIN (10 SECONDS, 20 SECONDS) GRACE PERIOD 5 SECONDS ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: join within with grace period
SELECT * FROM a LEFT JOIN b WITHIN 15 SECONDS GRACE PERIOD 5 SECONDS ON a.id = b.id EMIT CHANGES;
-- expect: SELECT * FROM A LEFT JOIN B WITHIN 15 SECONDS GRACE PERIOD 5 SECONDS ON A.`ID` = B.`ID` EMIT CHANGES;

-- case: join on compound condition
SELECT * FROM a JOIN b ON a.id = b.id AND a.k = b.k EMIT CHANGES;
-- expect: SELECT * FROM A INNER JOIN B ON A.`ID` = B.`ID` AND A.K = B.K EMIT CHANGES;

-- case: insert into select
INSERT INTO all_orders SELECT * FROM us_orders EMIT CHANGES;
-- expect: INSERT INTO ALL_ORDERS SELECT * FROM US_ORDERS EMIT CHANGES;

-- case: insert into with query id
INSERT INTO all_orders WITH (QUERY_ID='insert_eu') SELECT * FROM eu_orders;
-- expect: INSERT INTO ALL_ORDERS WITH (QUERY_ID='insert_eu') SELECT * FROM EU_ORDERS;

-- case: pull query on windowed table with iso bounds
SELECT * FROM t WHERE id = 'a' AND WINDOWSTART >= '2024-01-01T00:00:00' AND WINDOWEND < '2024-01-02';
-- expect: SELECT * FROM T WHERE `ID` = 'a' AND WINDOWSTART >= '2024-01-01T00:00:00' AND WINDOWEND < '2024-01-02';

-- case: pull query with in list on key
SELECT * FROM t WHERE id IN ('a', 'b', 'c');
-- expect: SELECT * FROM T WHERE `ID` IN ('a', 'b', 'c');

-- case: select literal expressions without from aliases
SELECT 1, 'x', TRUE, NULL, ROWTIME, ROWPARTITION, ROWOFFSET FROM s EMIT CHANGES;
-- expect: SELECT 1, 'x', TRUE, NULL, ROWTIME, ROWPARTITION, ROWOFFSET FROM S EMIT CHANGES;

-- case: select explode table function
SELECT id, EXPLODE(tags) AS tag FROM s EMIT CHANGES;
-- expect: SELECT `ID`, EXPLODE(TAGS) AS TAG FROM S EMIT CHANGES;

-- case: headers in projection
SELECT id, HEADERS, h['k'] FROM s EMIT CHANGES;
-- expect: SELECT `ID`, `HEADERS`, H['k'] FROM S EMIT CHANGES;
