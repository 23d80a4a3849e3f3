-- Session windows: WINDOW SESSION (gap [, RETENTION …] [, GRACE PERIOD …]) as ksqlDB runs them on
-- Kafka Streams (reference 3.1, 3.2, 3.10): sessions are [start, end] inclusive, merge when a
-- record falls within the gap, a merge retracts the old sessions (tombstones, (end, start) order)
-- before the merged row, every output carries the time of the record that caused it, sessions
-- close gap + grace after their end. Keys are <inner key><8-byte end><8-byte start>.

-- case: tutorial row 22 as a table, sessions of 20 s per item
CREATE STREAM orders (order_id STRING KEY, item_id STRING, quantity INT) WITH (kafka_topic='orders', partitions=1, value_format='JSON');
CREATE TABLE item_sessions AS SELECT item_id, WINDOWSTART AS ws, WINDOWEND AS we, SUM(quantity) AS total FROM orders WINDOW SESSION (20 SECONDS) GROUP BY item_id EMIT CHANGES;
-- input orders@1000: "o1" {"item_id":"apple","quantity":2}
-- input orders@15000: "o2" {"item_id":"apple","quantity":3}
-- input orders@40000: "o3" {"item_id":"apple","quantity":1}
-- input orders@36000: "o4" {"item_id":"apple","quantity":4}
-- output ITEM_SESSIONS@1000: "apple" window(1000,1000) {"WS":1000,"WE":1000,"TOTAL":2}
-- output ITEM_SESSIONS@15000: "apple" window(1000,1000) null
-- output ITEM_SESSIONS@15000: "apple" window(1000,15000) {"WS":1000,"WE":15000,"TOTAL":5}
-- output ITEM_SESSIONS@40000: "apple" window(40000,40000) {"WS":40000,"WE":40000,"TOTAL":1}
-- output ITEM_SESSIONS@36000: "apple" window(40000,40000) null
-- output ITEM_SESSIONS@36000: "apple" window(36000,40000) {"WS":36000,"WE":40000,"TOTAL":5}

-- case: three sessions merge into one through two bridging records
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s WINDOW SESSION (10 SECONDS) GROUP BY k;
-- input s@0: "a" {"v":1}
-- input s@20000: "a" {"v":2}
-- input s@40000: "a" {"v":3}
-- input s@10000: "a" {"v":4}
-- input s@30000: "a" {"v":5}
-- output T@0: "a" window(0,0) {"N":1,"TOTAL":1}
-- output T@20000: "a" window(20000,20000) {"N":1,"TOTAL":2}
-- output T@40000: "a" window(40000,40000) {"N":1,"TOTAL":3}
-- output T@10000: "a" window(0,0) null
-- output T@10000: "a" window(20000,20000) null
-- output T@10000: "a" window(0,20000) {"N":3,"TOTAL":7}
-- output T@30000: "a" window(0,20000) null
-- output T@30000: "a" window(40000,40000) null
-- output T@30000: "a" window(0,40000) {"N":5,"TOTAL":15}

-- case: an out-of-order record inside a session re-emits the same window with its own timestamp
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n, MAX(v) AS hi FROM s WINDOW SESSION (10 SECONDS) GROUP BY k;
-- input s@0: "a" {"v":1}
-- input s@10000: "a" {"v":2}
-- input s@5000: "a" {"v":9}
-- output T@0: "a" window(0,0) {"N":1,"HI":1}
-- output T@10000: "a" window(0,0) null
-- output T@10000: "a" window(0,10000) {"N":2,"HI":2}
-- output T@5000: "a" window(0,10000) null
-- output T@5000: "a" window(0,10000) {"N":3,"HI":9}

-- case: the gap is inclusive; a second record at the same time updates without a tombstone
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 SECONDS) GROUP BY k;
-- input s@0: "a" {"v":1}
-- input s@0: "b" {"v":1}
-- input s@10000: "a" {"v":1}
-- input s@10001: "b" {"v":1}
-- input s@5000: "c" {"v":1}
-- input s@5000: "c" {"v":1}
-- output T: "a" window(0,0) {"N":1}
-- output T: "b" window(0,0) {"N":1}
-- output T: "a" window(0,0) null
-- output T: "a" window(0,10000) {"N":2}
-- output T: "b" window(10001,10001) {"N":1}
-- output T: "c" window(5000,5000) {"N":1}
-- output T: "c" window(5000,5000) {"N":2}

-- case: grace: a record whose merged session ends before stream time - gap - grace is dropped
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY k;
-- input s@10000: "a" {"v":1}
-- input s@20000: "b" {"v":1}
-- input s@11000: "a" {"v":1}
-- input s@13000: "a" {"v":1}
-- input s@1000: "a" {"v":1}
-- input s@14000: "b" {"v":1}
-- output T@10000: "a" window(10000,10000) {"N":1}
-- output T@20000: "b" window(20000,20000) {"N":1}
-- output T@13000: "a" window(10000,10000) null
-- output T@13000: "a" window(10000,13000) {"N":2}
-- output T@14000: "b" window(14000,14000) {"N":1}

-- case: an old record that merges into a session still open is accepted
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k;
-- input s@10000: "a" {"v":1}
-- input s@14000: "a" {"v":1}
-- input s@18000: "a" {"v":1}
-- input s@22000: "a" {"v":1}
-- input s@6000: "a" {"v":1}
-- input s@500: "a" {"v":1}
-- output T@10000: "a" window(10000,10000) {"N":1}
-- output T@14000: "a" window(10000,10000) null
-- output T@14000: "a" window(10000,14000) {"N":2}
-- output T@18000: "a" window(10000,14000) null
-- output T@18000: "a" window(10000,18000) {"N":3}
-- output T@22000: "a" window(10000,18000) null
-- output T@22000: "a" window(10000,22000) {"N":4}
-- output T@6000: "a" window(10000,22000) null
-- output T@6000: "a" window(6000,22000) {"N":5}

-- case: without GRACE PERIOD sessions stay open 24 h (default grace 24 h - gap)
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 SECONDS) GROUP BY k;
-- input s@100000000: "a" {"v":1}
-- input s@13600000: "a" {"v":1}
-- input s@13589999: "a" {"v":1}
-- output T: "a" window(100000000,100000000) {"N":1}
-- output T: "a" window(13600000,13600000) {"N":1}

-- case: EMIT FINAL emits each final session once, gap + grace after its end, in end order
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s WINDOW SESSION (10 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY k EMIT FINAL;
-- input s@0: "a" {"v":1}
-- input s@5000: "a" {"v":2}
-- input s@8000: "b" {"v":5}
-- input s@12000: "a" {"v":3}
-- input s@30000: "c" {"v":1}
-- input s@41999: "d" {"v":1}
-- input s@42000: "d" {"v":1}
-- output T@8000: "b" window(8000,8000) {"N":1,"TOTAL":5}
-- output T@12000: "a" window(0,12000) {"N":3,"TOTAL":6}
-- output T@30000: "c" window(30000,30000) {"N":1,"TOTAL":1}

-- case: EMIT FINAL without GRACE PERIOD closes sessions at end + gap
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, SUM(v) AS total FROM s WINDOW SESSION (1 SECOND) GROUP BY k EMIT FINAL;
-- input s@100: "a" {"v":1}
-- input s@900: "a" {"v":1}
-- input s@1899: "b" {"v":1}
-- input s@1900: "b" {"v":1}
-- output T@900: "a" window(100,900) {"TOTAL":2}

-- case: EMIT FINAL with HAVING drops the sessions HAVING rejects
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k HAVING COUNT(*) > 1 EMIT FINAL;
-- input s@0: "a" {"v":1}
-- input s@1000: "b" {"v":1}
-- input s@2000: "b" {"v":1}
-- input s@50000: "z" {"v":1}
-- output T@2000: "b" window(1000,2000) {"N":2}

-- case: HAVING false emits a tombstone for the session; a merge that passes emits the row
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 SECONDS) GROUP BY k HAVING COUNT(*) > 1;
-- input s@0: "a" {"v":1}
-- input s@5000: "a" {"v":1}
-- output T: "a" window(0,0) null
-- output T: "a" window(0,0) null
-- output T: "a" window(0,5000) {"N":2}

-- case: several keys keep their own sessions
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 SECONDS) GROUP BY k;
-- input s@0: "a" {"v":1}
-- input s@1000: "b" {"v":1}
-- input s@3000: "a" {"v":1}
-- input s@20000: "b" {"v":1}
-- input s@4000: "a" {"v":1}
-- output T: "a" window(0,0) {"N":1}
-- output T: "b" window(1000,1000) {"N":1}
-- output T: "a" window(0,0) null
-- output T: "a" window(0,3000) {"N":2}
-- output T: "b" window(20000,20000) {"N":1}
-- output T: "a" window(0,3000) null
-- output T: "a" window(0,4000) {"N":3}

-- case: WINDOWSTART and WINDOWEND in value expressions, NULL grouping values and WHERE
CREATE STREAM s (id STRING KEY, city STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT city, WINDOWEND - WINDOWSTART AS span, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS) WHERE v > 0 GROUP BY city;
-- input s@1000: "1" {"city":"Oslo","v":1}
-- input s@2000: "2" {"city":null,"v":1}
-- input s@3000: "3" {"city":"Oslo","v":0}
-- input s@4500: "4" {"city":"Oslo","v":1}
-- output T@1000: "Oslo" window(1000,1000) {"SPAN":0,"N":1}
-- output T@4500: "Oslo" window(1000,1000) null
-- output T@4500: "Oslo" window(1000,4500) {"SPAN":3500,"N":2}

-- case: pull queries return every session of a key, with window bounds
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS, RETENTION 2 DAYS) GROUP BY k;
-- input s@1000: "a" {"v":1}
-- input s@3000: "a" {"v":1}
-- input s@2000: "b" {"v":1}
-- input s@30000: "a" {"v":1}
-- output T: "a" window(1000,1000) {"N":1}
-- output T: "a" window(1000,1000) null
-- output T: "a" window(1000,3000) {"N":2}
-- output T: "b" window(2000,2000) {"N":1}
-- output T: "a" window(30000,30000) {"N":1}
-- pull: SELECT * FROM t WHERE k = 'a';
-- row: ["a", 1000, 3000, 2]
-- row: ["a", 30000, 30000, 1]
-- pull: SELECT k, WINDOWSTART, WINDOWEND, n FROM t WHERE k = 'a' AND WINDOWSTART >= 2000;
-- row: ["a", 30000, 30000, 1]
-- pull: SELECT * FROM t WHERE WINDOWEND <= 3000;
-- row: ["a", 1000, 3000, 2]
-- row: ["b", 2000, 2000, 1]

-- case: a session window needs GROUP BY
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT k, v FROM s WINDOW SESSION (10 SECONDS);
-- error: WINDOW clause requires a GROUP BY clause.

-- case: a session gap of zero is refused
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (0 SECONDS) GROUP BY k;
-- error: Window size must be greater than zero.

-- case: WINDOWSTART cannot be grouped by
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 SECONDS) GROUP BY WINDOWSTART;
-- error: WINDOWSTART

-- case: merged sessions combine their aggregates in Kafka Streams' merge order (sessions by end, then the record); by-offset functions order by arrival
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COLLECT_LIST(v) AS vs, LATEST_BY_OFFSET(v) AS last, EARLIEST_BY_OFFSET(v) AS first, TOPK(v, 2) AS top FROM s WINDOW SESSION (10 SECONDS) GROUP BY k;
-- input s@20000: "a" {"v":2}
-- input s@0: "a" {"v":1}
-- input s@10000: "a" {"v":3}
-- input s@25000: "a" {"v":0}
-- output T@20000: "a" window(20000,20000) {"VS":[2],"LAST":2,"FIRST":2,"TOP":[2]}
-- output T@0: "a" window(0,0) {"VS":[1],"LAST":1,"FIRST":1,"TOP":[1]}
-- output T@10000: "a" window(0,0) null
-- output T@10000: "a" window(20000,20000) null
-- output T@10000: "a" window(0,20000) {"VS":[1,2,3],"LAST":3,"FIRST":2,"TOP":[3,2]}
-- output T@25000: "a" window(0,20000) null
-- output T@25000: "a" window(0,25000) {"VS":[1,2,3,0],"LAST":0,"FIRST":2,"TOP":[3,2]}

-- case: n-value LATEST/EARLIEST_BY_OFFSET and COLLECT_SET through a session merge
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, LATEST_BY_OFFSET(v, 2) AS last2, EARLIEST_BY_OFFSET(v, 2) AS first2, COLLECT_SET(v) AS vset FROM s WINDOW SESSION (15 SECONDS) GROUP BY k;
-- input s@30000: "a" {"v":5}
-- input s@0: "a" {"v":7}
-- input s@1000: "a" {"v":5}
-- input s@15000: "a" {"v":9}
-- output T@30000: "a" window(30000,30000) {"LAST2":[5],"FIRST2":[5],"VSET":[5]}
-- output T@0: "a" window(0,0) {"LAST2":[7],"FIRST2":[7],"VSET":[7]}
-- output T@1000: "a" window(0,0) null
-- output T@1000: "a" window(0,1000) {"LAST2":[7,5],"FIRST2":[7,5],"VSET":[7,5]}
-- output T@15000: "a" window(0,1000) null
-- output T@15000: "a" window(30000,30000) null
-- output T@15000: "a" window(0,30000) {"LAST2":[5,9],"FIRST2":[5,7],"VSET":[7,5,9]}
