-- Tables, more (issue 5): pull queries on EMIT FINAL tables answer the emitted final windows
-- only (open windows are not in the table), and a plain CREATE TABLE is not queryable.

-- case: pull on an EMIT FINAL tumbling table answers only the closed windows
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k EMIT FINAL;
-- input s@1000: "a" {"v":1}
-- input s@2000: "a" {"v":2}
-- input s@3000: "b" {"v":4}
-- input s@12000: "a" {"v":8}
-- input s@21000: "c" {"v":16}
-- output T@2000: "a" window(0,10000) {"N":2,"TOTAL":3}
-- output T@3000: "b" window(0,10000) {"N":1,"TOTAL":4}
-- output T@12000: "a" window(10000,20000) {"N":1,"TOTAL":8}
-- pull: SELECT * FROM t;
-- row: ["a", 0, 10000, 2, 3]
-- row: ["a", 10000, 20000, 1, 8]
-- row: ["b", 0, 10000, 1, 4]
-- pull: SELECT k, total FROM t WHERE k = 'c';
-- pull: SELECT k, WINDOWEND, n FROM t WHERE k = 'a' AND WINDOWSTART >= 10000;
-- row: ["a", 20000, 1]

-- case: pull on an EMIT FINAL hopping table answers each closed window once
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, SUM(v) AS total FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k EMIT FINAL;
-- input s@6000: "a" {"v":1}
-- input s@21000: "a" {"v":2}
-- output T@6000: "a" window(0,10000) {"TOTAL":1}
-- output T@6000: "a" window(5000,15000) {"TOTAL":1}
-- pull: SELECT * FROM t;
-- row: ["a", 0, 10000, 1]
-- row: ["a", 5000, 15000, 1]

-- case: pull on an EMIT FINAL session table answers the final sessions, not the open one
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k EMIT FINAL;
-- input s@1000: "a" {"v":1}
-- input s@2000: "a" {"v":1}
-- input s@3000: "b" {"v":1}
-- input s@20000: "a" {"v":1}
-- output T@2000: "a" window(1000,2000) {"N":2}
-- output T@3000: "b" window(3000,3000) {"N":1}
-- pull: SELECT * FROM t WHERE k = 'a';
-- row: ["a", 1000, 2000, 2]
-- pull: SELECT k, n FROM t WHERE k = 'b';
-- row: ["b", 1]

-- case: pull on a plain CREATE TABLE is refused with ksqlDB's message
CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
-- input users: "u1" {"NAME":"ann"}
-- pull: SELECT * FROM users WHERE id = 'u1';
-- row: "error: The `USERS` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_USERS AS SELECT * FROM USERS'. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."

-- case: the table ksqlDB's message suggests is queryable, and a source tombstone deletes its row
CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE queryable_users AS SELECT * FROM users;
-- input users: "u1" {"NAME":"ann"}
-- input users: "u2" {"NAME":"bob"}
-- input users: "u1" null
-- output QUERYABLE_USERS: "u1" {"NAME":"ann"}
-- output QUERYABLE_USERS: "u2" {"NAME":"bob"}
-- output QUERYABLE_USERS: "u1" null
-- pull: SELECT * FROM queryable_users;
-- row: ["u2", "bob"]
