-- Aggregations over TABLEs (undo of a key's previous row) and tables projected from tables
-- (reference 3.4, 4.1 "Tables"). Expected outputs follow ksqlDB's functional tests: count.json
-- "count table" / "should count back to zero" / "should support removing zero counts from
-- table", group-by.json "(table->table)" cases, average-udaf.json "average udaf with table",
-- collect-list.json "collect_list … table", table.json and query-upgrades/filters.sql.

-- case: a row moving between groups undoes its old group first; COUNT and SUM go back to 0
CREATE TABLE users (id STRING PRIMARY KEY, region STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(x) AS total FROM users GROUP BY region;
-- input users@1: "a" {"REGION":"east","X":5}
-- input users@2: "b" {"REGION":"east","X":7}
-- input users@3: "a" {"REGION":"west","X":1}
-- input users@4: "b" null
-- output BY_REGION@1: "east" {"N":1,"TOTAL":5}
-- output BY_REGION@2: "east" {"N":2,"TOTAL":12}
-- output BY_REGION@3: "east" {"N":1,"TOTAL":7}
-- output BY_REGION@3: "west" {"N":1,"TOTAL":1}
-- output BY_REGION@4: "east" {"N":0,"TOTAL":0}
-- pull: SELECT * FROM by_region;
-- row: ["east", 0, 0]
-- row: ["west", 1, 1]
-- pull: SELECT region, total FROM by_region WHERE region = 'west';
-- row: ["west", 1]

-- case: an update within one group emits that group once
CREATE TABLE users (id STRING PRIMARY KEY, region STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE by_region AS SELECT region, SUM(x) AS total, COUNT(x) AS n FROM users GROUP BY region;
-- input users: "a" {"REGION":"east","X":5}
-- input users: "a" {"REGION":"east","X":20}
-- input users: "a" {"REGION":"east","X":null}
-- output BY_REGION: "east" {"TOTAL":5,"N":1}
-- output BY_REGION: "east" {"TOTAL":20,"N":1}
-- output BY_REGION: "east" {"TOTAL":0,"N":0}

-- case: count table (ksqlDB count.json)
CREATE TABLE input (k STRING PRIMARY KEY, name STRING) WITH (kafka_topic='input_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT name, COUNT(1) AS c FROM input GROUP BY name;
-- input input_topic: "0" {"NAME":"bob"}
-- input input_topic: "0" {"NAME":"john"}
-- input input_topic: "100" {"NAME":"john"}
-- input input_topic: "100" null
-- output OUTPUT: "bob" {"C":1}
-- output OUTPUT: "bob" {"C":0}
-- output OUTPUT: "john" {"C":1}
-- output OUTPUT: "john" {"C":2}
-- output OUTPUT: "john" {"C":1}
-- pull: SELECT * FROM output;
-- row: ["bob", 0]
-- row: ["john", 1]

-- case: HAVING removes a group whose count went back to zero
CREATE TABLE input (k STRING PRIMARY KEY, id STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, COUNT() AS c FROM input GROUP BY id HAVING COUNT() > 0;
-- input test_topic: "1" {"ID":"3"}
-- input test_topic: "2" {"ID":"3"}
-- input test_topic: "1" null
-- input test_topic: "2" null
-- output OUTPUT: "3" {"C":1}
-- output OUTPUT: "3" {"C":2}
-- output OUTPUT: "3" {"C":1}
-- output OUTPUT: "3" null
-- pull: SELECT * FROM output;

-- case: output timestamps are the group's latest, HAVING tombstones on undo (group-by.json)
CREATE TABLE test (k STRING PRIMARY KEY, f0 INT, f1 STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT f1, SUM(f0) AS s FROM test GROUP BY f1 HAVING COUNT(f1) > 0;
-- input test_topic@1: "1" {"F0":1,"F1":"zero"}
-- input test_topic@2: "2" {"F0":2,"F1":"one"}
-- input test_topic@3: "1" null
-- input test_topic@4: "3" {"F0":3,"F1":"zero"}
-- input test_topic@5: "2" {"F0":2,"F1":"zero"}
-- output OUTPUT@1: "zero" {"S":1}
-- output OUTPUT@2: "one" {"S":2}
-- output OUTPUT@3: "zero" null
-- output OUTPUT@4: "zero" {"S":3}
-- output OUTPUT@5: "one" null
-- output OUTPUT@5: "zero" {"S":5}

-- case: AVG undo ignores NULLs (average udaf with table)
CREATE TABLE input (id STRING PRIMARY KEY, k STRING, value INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT k, AVG(value) AS avg FROM input GROUP BY k;
-- input test_topic: "alice" {"K":"a","VALUE":1}
-- input test_topic: "bob" {"K":"a","VALUE":2}
-- input test_topic: "alice" {"K":"a","VALUE":null}
-- input test_topic: "alice" {"K":"a","VALUE":4}
-- output OUTPUT: "a" {"AVG":1.0}
-- output OUTPUT: "a" {"AVG":1.5}
-- output OUTPUT: "a" {"AVG":2.0}
-- output OUTPUT: "a" {"AVG":3.0}

-- case: COLLECT_LIST undo removes the key's previous value
CREATE TABLE test (id STRING PRIMARY KEY, g STRING, value STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT g, COLLECT_LIST(value) AS collected FROM test GROUP BY g;
-- input test_topic: "0" {"G":"x","VALUE":"foo"}
-- input test_topic: "100" {"G":"x","VALUE":"baz"}
-- input test_topic: "0" {"G":"x","VALUE":"bar"}
-- input test_topic: "100" {"G":"x","VALUE":"baz"}
-- input test_topic: "100" null
-- output S2: "x" {"COLLECTED":["foo"]}
-- output S2: "x" {"COLLECTED":["foo","baz"]}
-- output S2: "x" {"COLLECTED":["baz","bar"]}
-- output S2: "x" {"COLLECTED":["bar","baz"]}
-- output S2: "x" {"COLLECTED":["bar"]}
-- pull: SELECT * FROM s2;
-- row: ["x", "[bar]"]

-- case: a NULL grouping value only undoes; tombstones of unknown keys and null keys change nothing
CREATE TABLE input (id STRING PRIMARY KEY, value STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT value, COUNT(1) AS c FROM input GROUP BY value;
-- input test_topic: "10" {"VALUE":"v0"}
-- input test_topic: "98" {"VALUE":"v0"}
-- input test_topic: "98" {"VALUE":null}
-- input test_topic: "2" null
-- input test_topic: null {"VALUE":"v0"}
-- input test_topic: "98" {"VALUE":"v1"}
-- output OUTPUT: "v0" {"C":1}
-- output OUTPUT: "v0" {"C":2}
-- output OUTPUT: "v0" {"C":1}
-- output OUTPUT: "v1" {"C":1}

-- case: a row that stops matching WHERE leaves its group
CREATE TABLE users (id STRING PRIMARY KEY, region STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE big AS SELECT region, COUNT(*) AS n FROM users WHERE x > 10 GROUP BY region;
-- input users: "a" {"REGION":"east","X":50}
-- input users: "b" {"REGION":"east","X":5}
-- input users: "a" {"REGION":"east","X":1}
-- input users: "b" {"REGION":"east","X":11}
-- output BIG: "east" {"N":1}
-- output BIG: "east" {"N":0}
-- output BIG: "east" {"N":1}

-- case: aggregating a CREATE SOURCE TABLE and a table built by a query
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, region STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE adults AS SELECT id, region, x FROM users WHERE x >= 18;
CREATE TABLE per_region AS SELECT region, COUNT(*) AS n, SUM(x) AS total_age FROM adults GROUP BY region;
-- input users: "a" {"REGION":"east","X":30}
-- input users: "b" {"REGION":"east","X":20}
-- input users: "b" {"REGION":"east","X":10}
-- output ADULTS: "a" {"REGION":"east","X":30}
-- output ADULTS: "b" {"REGION":"east","X":20}
-- output ADULTS: "b" null
-- output PER_REGION: "east" {"N":1,"TOTAL_AGE":30}
-- output PER_REGION: "east" {"N":2,"TOTAL_AGE":50}
-- output PER_REGION: "east" {"N":1,"TOTAL_AGE":30}
-- pull: SELECT * FROM per_region;
-- row: ["east", 1, 30]

-- case: aggregates that cannot undo are refused over a table
CREATE TABLE input (id STRING PRIMARY KEY, f0 INT, f1 BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, LATEST_BY_OFFSET(f0), MIN(f1), MAX(f1) FROM input GROUP BY id;
-- error: The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source.

-- case: one aggregate that cannot undo, in HAVING
CREATE TABLE input (id STRING PRIMARY KEY, g STRING, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT g, COUNT(*) AS n FROM input GROUP BY g HAVING COUNT_DISTINCT(f0) > 1;
-- error: The aggregation function COUNT_DISTINCT cannot be applied to a table source, only to a stream source.

-- case: WINDOW over a table is refused
CREATE TABLE input (id STRING PRIMARY KEY, g STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT g, COUNT(*) AS n FROM input WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY g;
-- error: Windowing not supported for table aggregations.

-- case: a table projected from a table forwards tombstones and drops null keys (table.json)
CREATE TABLE input (k STRING PRIMARY KEY, id BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT * FROM input;
-- input test_topic@10: "1" {"ID":1}
-- input test_topic@20: "1" null
-- input test_topic@30: null {"ID":2}
-- input test_topic@40: "1" {"ID":3}
-- output OUTPUT@10: "1" {"ID":1}
-- output OUTPUT@20: "1" null
-- output OUTPUT@40: "1" {"ID":3}
-- pull: SELECT * FROM output;
-- row: ["1", 3]

-- case: a table filtered by WHERE emits a tombstone when a row stops matching, none for rows never in it
CREATE TABLE users (id STRING PRIMARY KEY, name STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE doubled AS SELECT id, name, x * 2 AS y FROM users WHERE x > 0;
-- input users: "a" {"NAME":"ann","X":1}
-- input users: "b" {"NAME":"bob","X":-1}
-- input users: "a" {"NAME":"ann","X":0}
-- input users: "a" {"NAME":"ann","X":3}
-- input users: "b" null
-- input users: "c" {"NAME":"cy","X":2}
-- input users: "c" null
-- output DOUBLED: "a" {"NAME":"ann","Y":2}
-- output DOUBLED: "a" null
-- output DOUBLED: "a" {"NAME":"ann","Y":6}
-- output DOUBLED: "c" {"NAME":"cy","Y":4}
-- output DOUBLED: "c" null
-- pull: SELECT * FROM doubled;
-- row: ["a", "ann", 6]
-- pull: SELECT id, y FROM doubled WHERE id = 'c';

-- case: pull queries on a projected table (pull-queries-against-ctas-materialized.json)
CREATE TABLE input (id STRING PRIMARY KEY, grade STRING, rank INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE new_input AS SELECT id, CONCAT(grade, '+'), rank * 2 AS double_rank FROM input WHERE grade = 'A' OR rank > 2;
-- input test_topic: "11" {"GRADE":"A","RANK":1}
-- input test_topic: "10" {"GRADE":"B","RANK":2}
-- input test_topic: "12" {"GRADE":"C","RANK":3}
-- output NEW_INPUT: "11" {"KSQL_COL_0":"A+","DOUBLE_RANK":2}
-- output NEW_INPUT: "12" {"KSQL_COL_0":"C+","DOUBLE_RANK":6}
-- pull: SELECT * FROM new_input;
-- row: ["11", "A+", 2]
-- row: ["12", "C+", 6]
-- pull: SELECT id, double_rank FROM new_input WHERE id IN ('11', '10');
-- row: ["11", 2]

-- case: a table projected from a table must keep the key column
CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE names AS SELECT name FROM users;
-- error: The query used to build `NAMES` must include the key column ID in its projection (eg, SELECT ID...).

-- case: the key column may be aliased
CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE names AS SELECT id AS user_id, UCASE(name) AS name FROM users;
-- input users: "u1" {"NAME":"ann"}
-- output NAMES: "u1" {"NAME":"ANN"}
-- pull: SELECT * FROM names WHERE user_id = 'u1';
-- row: ["u1", "ANN"]

-- case: a stream cannot be created from a table
CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE STREAM names AS SELECT id, name FROM users;
-- error: Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.

-- case: INSERT INTO a stream cannot select from a table
CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE STREAM names (id STRING KEY, name STRING) WITH (kafka_topic='names', partitions=1, value_format='JSON');
INSERT INTO names SELECT id, name FROM users;
-- error: Incompatible data sink and query result. Data sink (NAMES) type is KSTREAM but select query result is KTABLE.

-- case: a table projected from a windowed table is refused rather than losing its windows
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE w AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY k;
CREATE TABLE w2 AS SELECT * FROM w;
-- error: A table projected from a windowed table is not supported by Rivulet yet
