-- Pull queries (no EMIT) answered from the materialized rows of CTAS tables.

-- case: pull key lookup, IN, scan with a filter and LIMIT
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k;
-- input s: "a" {"v":1}
-- input s: "b" {"v":2}
-- input s: "a" {"v":3}
-- input s: "c" {"v":10}
-- output T: "a" {"N":1,"TOTAL":1}
-- output T: "b" {"N":1,"TOTAL":2}
-- output T: "a" {"N":2,"TOTAL":4}
-- output T: "c" {"N":1,"TOTAL":10}
-- pull: SELECT * FROM t WHERE k = 'a';
-- row: ["a", 2, 4]
-- pull: SELECT k, total FROM t WHERE k IN ('c', 'b');
-- row: ["b", 2]
-- row: ["c", 10]
-- pull: SELECT k FROM t WHERE k >= 'b';
-- row: ["b"]
-- row: ["c"]
-- pull: SELECT k, n FROM t WHERE total > 3;
-- row: ["a", 2]
-- row: ["c", 1]
-- pull: SELECT * FROM t LIMIT 1;
-- row: ["a", 2, 4]
-- pull: SELECT * FROM t WHERE k = 'zz';

-- case: HAVING turning false deletes the materialized row
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, SUM(v) AS total FROM s GROUP BY k HAVING SUM(v) > 0;
-- input s: "a" {"v":5}
-- input s: "b" {"v":5}
-- input s: "a" {"v":-10}
-- output T: "a" {"TOTAL":5}
-- output T: "b" {"TOTAL":5}
-- output T: "a" null
-- pull: SELECT * FROM t;
-- row: ["b", 5]

-- case: windowed pull with window bounds
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY k;
-- input s@1000: "a" {"v":1}
-- input s@12000: "a" {"v":1}
-- input s@15000: "a" {"v":1}
-- input s@25000: "a" {"v":1}
-- output T: "a" window(0,10000) {"N":1}
-- output T: "a" window(10000,20000) {"N":1}
-- output T: "a" window(10000,20000) {"N":2}
-- output T: "a" window(20000,30000) {"N":1}
-- pull: SELECT * FROM t WHERE k = 'a' AND WINDOWSTART >= 10000 AND WINDOWEND <= 20000;
-- row: ["a", 10000, 20000, 2]
-- pull: SELECT k, WINDOWEND, n FROM t WHERE WINDOWSTART > 5000;
-- row: ["a", 20000, 2]
-- row: ["a", 30000, 1]
