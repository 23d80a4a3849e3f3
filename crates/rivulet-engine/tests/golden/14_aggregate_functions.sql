-- Aggregate functions TOPK, TOPKDISTINCT, HISTOGRAM, STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION and
-- the n-value forms of LATEST_BY_OFFSET / EARLIEST_BY_OFFSET. Cases marked [ksqlDB: …] repeat
-- ksqlDB's query-validation tests of that name (JSON format) with their expected outputs.

-- case: TOPK of INT keeps duplicates, descending [ksqlDB: topk-group-by/topk integer]
CREATE STREAM test (id STRING KEY, name STRING, value INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":0}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- input test_topic: "0" {"NAME":"zero","VALUE":99}
-- input test_topic: "0" {"NAME":"zero","VALUE":7}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- output S2: "0" {"TOPK":[0]}
-- output S2: "0" {"TOPK":[100,0]}
-- output S2: "0" {"TOPK":[100,99,0]}
-- output S2: "0" {"TOPK":[100,99,7]}
-- output S2: "0" {"TOPK":[100,100,99]}

-- case: TOPK of BIGINT [ksqlDB: topk-group-by/topk long]
CREATE STREAM test (id STRING KEY, name STRING, value BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":2147483648}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- input test_topic: "0" {"NAME":"zero","VALUE":99}
-- input test_topic: "0" {"NAME":"zero","VALUE":7}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- output S2: "0" {"TOPK":[2147483648]}
-- output S2: "0" {"TOPK":[2147483648,100]}
-- output S2: "0" {"TOPK":[2147483648,100,99]}
-- output S2: "0" {"TOPK":[2147483648,100,99]}
-- output S2: "0" {"TOPK":[2147483648,100,100]}

-- case: TOPK of DOUBLE [ksqlDB: topk-group-by/topk double]
CREATE STREAM test (id STRING KEY, name STRING, value DOUBLE) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":2147483648.9}
-- input test_topic: "0" {"NAME":"zero","VALUE":100.5}
-- input test_topic: "0" {"NAME":"zero","VALUE":99.9}
-- input test_topic: "0" {"NAME":"zero","VALUE":7.3}
-- input test_topic: "0" {"NAME":"zero","VALUE":100.5}
-- output S2: "0" {"TOPK":[2.1474836489E9]}
-- output S2: "0" {"TOPK":[2.1474836489E9,100.5]}
-- output S2: "0" {"TOPK":[2.1474836489E9,100.5,99.9]}
-- output S2: "0" {"TOPK":[2.1474836489E9,100.5,99.9]}
-- output S2: "0" {"TOPK":[2.1474836489E9,100.5,100.5]}

-- case: TOPK of STRING [ksqlDB: topk-group-by/topk string]
CREATE STREAM test (id STRING KEY, name STRING, value STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":"a"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"b"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"c"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"b"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"d"}
-- output S2: "0" {"TOPK":["a"]}
-- output S2: "0" {"TOPK":["b","a"]}
-- output S2: "0" {"TOPK":["c","b","a"]}
-- output S2: "0" {"TOPK":["c","b","b"]}
-- output S2: "0" {"TOPK":["d","c","b"]}

-- case: TOPK with another column gives structs, ties in arrival order [ksqlDB: topk-group-by/topk integer struct]
CREATE STREAM test (id STRING KEY, name STRING, value INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, name, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":0}
-- input test_topic: "0" {"NAME":"one","VALUE":100}
-- input test_topic: "0" {"NAME":"two","VALUE":99}
-- input test_topic: "0" {"NAME":"three","VALUE":null}
-- input test_topic: "0" {"NAME":null,"VALUE":100}
-- output S2: "0" {"TOPK":[{"sort_col":0,"col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":100,"col0":"one"},{"sort_col":0,"col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":100,"col0":"one"},{"sort_col":99,"col0":"two"},{"sort_col":0,"col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":100,"col0":"one"},{"sort_col":99,"col0":"two"},{"sort_col":0,"col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":100,"col0":"one"},{"sort_col":100,"col0":null},{"sort_col":99,"col0":"two"}]}

-- case: TOPK struct form over BIGINT keeps the earlier of equal values first [ksqlDB: topk-group-by/topk long struct]
CREATE STREAM test (id STRING KEY, name STRING, value BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, name, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":2147483648}
-- input test_topic: "0" {"NAME":"one","VALUE":100}
-- input test_topic: "0" {"NAME":"two","VALUE":99}
-- input test_topic: "0" {"NAME":"three","VALUE":null}
-- input test_topic: "0" {"NAME":null,"VALUE":100}
-- output S2: "0" {"TOPK":[{"sort_col":2147483648,"col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":2147483648,"col0":"zero"},{"sort_col":100,"col0":"one"}]}
-- output S2: "0" {"TOPK":[{"sort_col":2147483648,"col0":"zero"},{"sort_col":100,"col0":"one"},{"sort_col":99,"col0":"two"}]}
-- output S2: "0" {"TOPK":[{"sort_col":2147483648,"col0":"zero"},{"sort_col":100,"col0":"one"},{"sort_col":99,"col0":"two"}]}
-- output S2: "0" {"TOPK":[{"sort_col":2147483648,"col0":"zero"},{"sort_col":100,"col0":"one"},{"sort_col":100,"col0":null}]}

-- case: TOPK struct form over STRING [ksqlDB: topk-group-by/topk string struct]
CREATE STREAM test (id STRING KEY, name STRING, value STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPK(value, name, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":"a"}
-- input test_topic: "0" {"NAME":"one","VALUE":null}
-- input test_topic: "0" {"NAME":"two","VALUE":"c"}
-- input test_topic: "0" {"NAME":"three","VALUE":"b"}
-- input test_topic: "0" {"NAME":null,"VALUE":"d"}
-- output S2: "0" {"TOPK":[{"sort_col":"a","col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":"a","col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":"c","col0":"two"},{"sort_col":"a","col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":"c","col0":"two"},{"sort_col":"b","col0":"three"},{"sort_col":"a","col0":"zero"}]}
-- output S2: "0" {"TOPK":[{"sort_col":"d","col0":null},{"sort_col":"c","col0":"two"},{"sort_col":"b","col0":"three"}]}

-- case: TOPK with two other columns names them col0 and col1
CREATE STREAM s (id STRING KEY, v DOUBLE, name STRING, ok BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, name, ok, 2) AS best FROM s GROUP BY id;
-- input s: "a" {"v":1.5,"name":"x","ok":true}
-- input s: "a" {"v":3.0,"name":"y","ok":null}
-- input s: "a" {"v":2.0,"name":"z","ok":false}
-- output T: "a" {"BEST":[{"sort_col":1.5,"col0":"x","col1":true}]}
-- output T: "a" {"BEST":[{"sort_col":3.0,"col0":"y","col1":null},{"sort_col":1.5,"col0":"x","col1":true}]}
-- output T: "a" {"BEST":[{"sort_col":3.0,"col0":"y","col1":null},{"sort_col":2.0,"col0":"z","col1":false}]}

-- case: TOPK with k larger than the input keeps everything, per key
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, 10) AS top FROM s GROUP BY id;
-- input s: "a" {"v":3}
-- input s: "b" {"v":8}
-- input s: "a" {"v":1}
-- input s: "a" {"v":2}
-- output T: "a" {"TOP":[3]}
-- output T: "b" {"TOP":[8]}
-- output T: "a" {"TOP":[3,1]}
-- output T: "a" {"TOP":[3,2,1]}

-- case: TOPK ignores NULL values; a group of only NULLs has an empty list
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, 2) AS top FROM s GROUP BY id;
-- input s: "a" {"v":null}
-- input s: "a" {"v":5}
-- input s: "a" {"v":null}
-- output T: "a" {"TOP":[]}
-- output T: "a" {"TOP":[5]}
-- output T: "a" {"TOP":[5]}

-- case: TOPK with k 1 keeps the first of equal values
CREATE STREAM s (id STRING KEY, v INT, who STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, who, 1) AS top FROM s GROUP BY id;
-- input s: "a" {"v":5,"who":"first"}
-- input s: "a" {"v":5,"who":"second"}
-- input s: "a" {"v":6,"who":"third"}
-- output T: "a" {"TOP":[{"sort_col":5,"col0":"first"}]}
-- output T: "a" {"TOP":[{"sort_col":5,"col0":"first"}]}
-- output T: "a" {"TOP":[{"sort_col":6,"col0":"third"}]}

-- case: TOPK with different k in one query are different aggregates
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, 1) AS one, TOPK(v, 2) AS two, TOPKDISTINCT(v, 2) AS d FROM s GROUP BY id;
-- input s: "a" {"v":4}
-- input s: "a" {"v":4}
-- input s: "a" {"v":9}
-- output T: "a" {"ONE":[4],"TWO":[4],"D":[4]}
-- output T: "a" {"ONE":[4],"TWO":[4,4],"D":[4]}
-- output T: "a" {"ONE":[9],"TWO":[9,4],"D":[9,4]}

-- case: TOPK per tumbling window (the tutorial's order totals)
CREATE STREAM orders (zip STRING KEY, order_total DOUBLE) WITH (kafka_topic='orders', partitions=1, value_format='JSON');
CREATE TABLE top_orders AS SELECT zip, TOPK(order_total, 2) AS top FROM orders WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) GROUP BY zip EMIT CHANGES;
-- input orders@1000: "94043" {"order_total":10.5}
-- input orders@2000: "94043" {"order_total":99.0}
-- input orders@3000: "94043" {"order_total":50.25}
-- input orders@3600000: "94043" {"order_total":1.0}
-- output TOP_ORDERS@1000: "94043" window(0,3600000) {"TOP":[10.5]}
-- output TOP_ORDERS@2000: "94043" window(0,3600000) {"TOP":[99.0,10.5]}
-- output TOP_ORDERS@3000: "94043" window(0,3600000) {"TOP":[99.0,50.25]}
-- output TOP_ORDERS@3600000: "94043" window(3600000,7200000) {"TOP":[1.0]}

-- case: TOPK of BOOLEAN is rejected
CREATE STREAM s (id STRING KEY, b BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(b, 2) AS top FROM s GROUP BY id;
-- error: Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER).

-- case: TOPK k must be a literal
CREATE STREAM s (id STRING KEY, v INT, k INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, k) AS top FROM s GROUP BY id;
-- error: Parameter 2 passed to function TOPK must be a literal constant, but was expression: 'K'

-- case: TOPK k must be an INT
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, 'three') AS top FROM s GROUP BY id;
-- error: Function 'TOPK' does not accept parameters (INTEGER, STRING).

-- case: TOPK k must be at least 1
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPK(v, 0) AS top FROM s GROUP BY id;
-- error: k must be 1 or greater

-- case: TOPKDISTINCT of INT [ksqlDB: topk-distinct/topk distinct integer]
CREATE STREAM test (id STRING KEY, name STRING, value INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPKDISTINCT(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":0}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- input test_topic: "0" {"NAME":"zero","VALUE":99}
-- input test_topic: "0" {"NAME":"zero","VALUE":7}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- output S2: "0" {"TOPK":[0]}
-- output S2: "0" {"TOPK":[100,0]}
-- output S2: "0" {"TOPK":[100,99,0]}
-- output S2: "0" {"TOPK":[100,99,7]}
-- output S2: "0" {"TOPK":[100,99,7]}

-- case: TOPKDISTINCT of BIGINT [ksqlDB: topk-distinct/topk distinct long]
CREATE STREAM test (id STRING KEY, name STRING, value BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPKDISTINCT(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":2147483648}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- input test_topic: "0" {"NAME":"zero","VALUE":99}
-- input test_topic: "0" {"NAME":"zero","VALUE":7}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- output S2: "0" {"TOPK":[2147483648]}
-- output S2: "0" {"TOPK":[2147483648,100]}
-- output S2: "0" {"TOPK":[2147483648,100,99]}
-- output S2: "0" {"TOPK":[2147483648,100,99]}
-- output S2: "0" {"TOPK":[2147483648,100,99]}

-- case: TOPKDISTINCT of STRING [ksqlDB: topk-distinct/topk distinct string]
CREATE STREAM test (id STRING KEY, name STRING, value STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPKDISTINCT(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":"a"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"b"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"c"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"b"}
-- input test_topic: "0" {"NAME":"zero","VALUE":"d"}
-- output S2: "0" {"TOPK":["a"]}
-- output S2: "0" {"TOPK":["b","a"]}
-- output S2: "0" {"TOPK":["c","b","a"]}
-- output S2: "0" {"TOPK":["c","b","a"]}
-- output S2: "0" {"TOPK":["d","c","b"]}

-- case: TOPKDISTINCT of TIME ignores NULL [ksqlDB: topk-distinct/topk distinct time]
CREATE STREAM test (id STRING KEY, name STRING, value TIME) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, TOPKDISTINCT(value, 3) AS topk FROM test GROUP BY id;
-- input test_topic: "0" {"NAME":"zero","VALUE":0}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- input test_topic: "0" {"NAME":"zero","VALUE":99}
-- input test_topic: "0" {"NAME":"zero","VALUE":null}
-- input test_topic: "0" {"NAME":"zero","VALUE":7}
-- input test_topic: "0" {"NAME":"zero","VALUE":100}
-- output S2: "0" {"TOPK":[0]}
-- output S2: "0" {"TOPK":[100,0]}
-- output S2: "0" {"TOPK":[100,99,0]}
-- output S2: "0" {"TOPK":[100,99,0]}
-- output S2: "0" {"TOPK":[100,99,7]}
-- output S2: "0" {"TOPK":[100,99,7]}

-- case: TOPKDISTINCT k must be a literal
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPKDISTINCT(v, v + 1) AS top FROM s GROUP BY id;
-- (ksqlDB prints the expression fully parenthesized, '(V + 1)'; Rivulet's formatter prints 'V + 1'.)
-- error: Parameter 2 passed to function TOPKDISTINCT must be a literal constant, but was expression: '

-- case: HISTOGRAM counts each string [ksqlDB: histogram/histogram string]
CREATE STREAM test (id STRING KEY, value STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, HISTOGRAM(value) AS counts FROM test GROUP BY id;
-- input test_topic: "0" {"VALUE":"foo"}
-- input test_topic: "100" {"VALUE":"baz"}
-- input test_topic: "0" {"VALUE":"bar"}
-- input test_topic: "100" {"VALUE":"baz"}
-- input test_topic: "100" {"VALUE":"foo"}
-- output S2: "0" {"COUNTS":{"foo":1}}
-- output S2: "100" {"COUNTS":{"baz":1}}
-- output S2: "0" {"COUNTS":{"foo":1,"bar":1}}
-- output S2: "100" {"COUNTS":{"baz":2}}
-- output S2: "100" {"COUNTS":{"baz":2,"foo":1}}

-- case: HISTOGRAM ignores NULL values
CREATE STREAM s (id STRING KEY, v STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, HISTOGRAM(v) AS h, COUNT(*) AS n FROM s GROUP BY id;
-- input s: "a" {"v":null}
-- input s: "a" {"v":"x"}
-- input s: "a" {"v":null}
-- output T: "a" {"H":{},"N":1}
-- output T: "a" {"H":{"x":1},"N":2}
-- output T: "a" {"H":{"x":1},"N":3}

-- case: HISTOGRAM per hopping window
CREATE STREAM s (id STRING KEY, v STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, HISTOGRAM(v) AS h FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY id;
-- input s@1000: "a" {"v":"x"}
-- input s@6000: "a" {"v":"y"}
-- output T@1000: "a" window(0,10000) {"H":{"x":1}}
-- output T@6000: "a" window(0,10000) {"H":{"x":1,"y":1}}
-- output T@6000: "a" window(5000,15000) {"H":{"y":1}}

-- case: HISTOGRAM of INT is rejected
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, HISTOGRAM(v) AS h FROM s GROUP BY id;
-- error: Function 'HISTOGRAM' does not accept parameters (INTEGER).

-- case: STDDEV_SAMP returns the sample variance (ksqlDB's documented behaviour)
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, STDDEV_SAMP(v) AS sd FROM s GROUP BY id;
-- input s: "a" {"v":1}
-- input s: "a" {"v":2}
-- input s: "a" {"v":3}
-- input s: "a" {"v":4}
-- output T: "a" {"SD":0.0}
-- output T: "a" {"SD":0.5}
-- output T: "a" {"SD":1.0}
-- output T: "a" {"SD":1.6666666666666667}

-- case: STDDEV_SAMPLE is the square root, NULL ignored
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, STDDEV_SAMPLE(v) AS sd FROM s GROUP BY id;
-- input s: "a" {"v":2}
-- input s: "a" {"v":4}
-- input s: "a" {"v":null}
-- input s: "a" {"v":4}
-- input s: "a" {"v":4}
-- input s: "a" {"v":5}
-- input s: "a" {"v":5}
-- input s: "a" {"v":7}
-- input s: "a" {"v":9}
-- output T: "a" {"SD":0.0}
-- output T: "a" {"SD":1.4142135623730951}
-- output T: "a" {"SD":1.4142135623730951}
-- output T: "a" {"SD":1.1547005383792515}
-- output T: "a" {"SD":1.0}
-- output T: "a" {"SD":1.0954451150103321}
-- output T: "a" {"SD":1.0954451150103321}
-- output T: "a" {"SD":1.511857892036909}
-- output T: "a" {"SD":2.138089935299395}

-- case: STDDEV_SAMP and STDDEV_SAMPLE of DOUBLE side by side
CREATE STREAM s (id STRING KEY, v DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, STDDEV_SAMP(v) AS var, STDDEV_SAMPLE(v) AS sd FROM s GROUP BY id;
-- input s: "a" {"v":2.5}
-- input s: "a" {"v":0.5}
-- input s: "a" {"v":null}
-- input s: "a" {"v":4.25}
-- output T: "a" {"VAR":0.0,"SD":0.0}
-- output T: "a" {"VAR":2.0,"SD":1.4142135623730951}
-- output T: "a" {"VAR":2.0,"SD":1.4142135623730951}
-- output T: "a" {"VAR":3.5208333333333335,"SD":1.8763883748662837}

-- case: STDDEV_SAMP of BIGINT beyond INT range, per tumbling window
CREATE STREAM s (id STRING KEY, v BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, STDDEV_SAMP(v) AS var FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY id;
-- input s@1000: "a" {"v":10000000000}
-- input s@2000: "a" {"v":10000000002}
-- input s@3000: "a" {"v":10000000004}
-- input s@11000: "a" {"v":7}
-- output T@1000: "a" window(0,10000) {"VAR":0.0}
-- output T@2000: "a" window(0,10000) {"VAR":2.0}
-- output T@3000: "a" window(0,10000) {"VAR":4.0}
-- output T@11000: "a" window(10000,20000) {"VAR":0.0}

-- case: STDDEV_SAMPLE of STRING is rejected
CREATE STREAM s (id STRING KEY, v STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, STDDEV_SAMPLE(v) AS sd FROM s GROUP BY id;
-- error: Function 'STDDEV_SAMPLE' does not accept parameters (STRING).

-- case: CORRELATION of DOUBLE, NaN until defined [ksqlDB: correlation-udaf/correlation double]
CREATE STREAM input (id STRING KEY, x DOUBLE, y DOUBLE) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, CORRELATION(x, y) AS correlation FROM input GROUP BY id;
-- input test_topic: "alice" {"x":1.5,"y":8.0}
-- input test_topic: "bob" {"x":-3.5,"y":-2.0}
-- input test_topic: "alice" {"x":-1.0,"y":-2.0}
-- input test_topic: "alice" {"x":-4.5,"y":-1.0}
-- input test_topic: "bob" {"x":13.1,"y":null}
-- input test_topic: "bob" {"x":3.0,"y":11.0}
-- input test_topic: "alice" {"x":null,"y":-6.0}
-- output OUTPUT: "alice" {"CORRELATION":"NaN"}
-- output OUTPUT: "bob" {"CORRELATION":"NaN"}
-- output OUTPUT: "alice" {"CORRELATION":1.0}
-- output OUTPUT: "alice" {"CORRELATION":0.7580764521133173}
-- output OUTPUT: "bob" {"CORRELATION":"NaN"}
-- output OUTPUT: "bob" {"CORRELATION":1.0}
-- output OUTPUT: "alice" {"CORRELATION":0.7580764521133173}

-- case: CORRELATION of INT [ksqlDB: correlation-udaf/correlation int]
CREATE STREAM input (id STRING KEY, x INT, y INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, CORRELATION(x, y) AS correlation FROM input GROUP BY id;
-- input test_topic: "alice" {"x":1,"y":8}
-- input test_topic: "bob" {"x":-3,"y":-2}
-- input test_topic: "alice" {"x":-1,"y":-2}
-- input test_topic: "alice" {"x":-4,"y":-1}
-- input test_topic: "bob" {"x":13,"y":null}
-- input test_topic: "bob" {"x":3,"y":11}
-- input test_topic: "alice" {"x":null,"y":-6}
-- output OUTPUT: "alice" {"CORRELATION":"NaN"}
-- output OUTPUT: "bob" {"CORRELATION":"NaN"}
-- output OUTPUT: "alice" {"CORRELATION":1.0}
-- output OUTPUT: "alice" {"CORRELATION":0.7455284088780169}
-- output OUTPUT: "bob" {"CORRELATION":"NaN"}
-- output OUTPUT: "bob" {"CORRELATION":1.0}
-- output OUTPUT: "alice" {"CORRELATION":0.7455284088780169}

-- case: CORRELATION of BIGINT [ksqlDB: correlation-udaf/correlation long]
CREATE STREAM input (id STRING KEY, x BIGINT, y BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, CORRELATION(x, y) AS correlation FROM input GROUP BY id;
-- input test_topic: "alice" {"x":1,"y":8}
-- input test_topic: "alice" {"x":-1,"y":-2}
-- input test_topic: "alice" {"x":-4,"y":-1}
-- output OUTPUT: "alice" {"CORRELATION":"NaN"}
-- output OUTPUT: "alice" {"CORRELATION":1.0}
-- output OUTPUT: "alice" {"CORRELATION":0.7455284088780169}

-- case: CORRELATION of a constant column is NaN, a perfect inverse is -1
CREATE STREAM s (id STRING KEY, x INT, y DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, CORRELATION(x, y) AS c FROM s GROUP BY id;
-- input s: "flat" {"x":1,"y":5.0}
-- input s: "flat" {"x":2,"y":5.0}
-- input s: "down" {"x":1,"y":3.0}
-- input s: "down" {"x":2,"y":1.0}
-- input s: "down" {"x":3,"y":-1.0}
-- output T: "flat" {"C":"NaN"}
-- output T: "flat" {"C":"NaN"}
-- output T: "down" {"C":"NaN"}
-- output T: "down" {"C":-1.0}
-- output T: "down" {"C":-1.0}

-- case: CORRELATION of STRING is rejected
CREATE STREAM s (id STRING KEY, x STRING, y DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, CORRELATION(x, y) AS c FROM s GROUP BY id;
-- error: Function 'CORRELATION' does not accept parameters (STRING, DOUBLE).

-- case: LATEST_BY_OFFSET n of each type, oldest first [ksqlDB: latest-offset-udaf/latest n by offset]
CREATE STREAM input (id STRING KEY, f0 INT, f1 BIGINT, f2 DOUBLE, f3 BOOLEAN, f4 STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, LATEST_BY_OFFSET(f0, 2) AS l0, LATEST_BY_OFFSET(f1, 2) AS l1, LATEST_BY_OFFSET(f2, 2) AS l2, LATEST_BY_OFFSET(f3, 2) AS l3, LATEST_BY_OFFSET(f4, 2) AS l4 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":12,"F1":1000,"F2":1.23,"F3":true,"F4":"foo"}
-- input test_topic: "1" {"F0":12,"F1":1000,"F2":1.23,"F3":true,"F4":"foo"}
-- input test_topic: "0" {"F0":21,"F1":2000,"F2":2.23,"F3":false,"F4":"bar"}
-- input test_topic: "1" {"F0":21,"F1":2000,"F2":2.23,"F3":false,"F4":"bar"}
-- input test_topic: "0" {"F0":31,"F1":3000,"F2":3.23,"F3":true,"F4":"baz"}
-- output OUTPUT: "0" {"L0":[12],"L1":[1000],"L2":[1.23],"L3":[true],"L4":["foo"]}
-- output OUTPUT: "1" {"L0":[12],"L1":[1000],"L2":[1.23],"L3":[true],"L4":["foo"]}
-- output OUTPUT: "0" {"L0":[12,21],"L1":[1000,2000],"L2":[1.23,2.23],"L3":[true,false],"L4":["foo","bar"]}
-- output OUTPUT: "1" {"L0":[12,21],"L1":[1000,2000],"L2":[1.23,2.23],"L3":[true,false],"L4":["foo","bar"]}
-- output OUTPUT: "0" {"L0":[21,31],"L1":[2000,3000],"L2":[2.23,3.23],"L3":[false,true],"L4":["bar","baz"]}

-- case: LATEST_BY_OFFSET n ignoring NULLs [ksqlDB: latest-offset-udaf/nulls ignored - multiple]
CREATE STREAM input (id STRING KEY, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, LATEST_BY_OFFSET(f0, 2, true) AS l0 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":12}
-- input test_topic: "0" {"F0":null}
-- input test_topic: "0" {"F0":13}
-- output OUTPUT: "0" {"L0":[12]}
-- output OUTPUT: "0" {"L0":[12]}
-- output OUTPUT: "0" {"L0":[12,13]}

-- case: LATEST_BY_OFFSET n keeping NULLs [ksqlDB: latest-offset-udaf/nulls not ignored - multiple]
CREATE STREAM input (id STRING KEY, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, LATEST_BY_OFFSET(f0, 2, false) AS l0 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":12}
-- input test_topic: "0" {"F0":null}
-- input test_topic: "0" {"F0":13}
-- output OUTPUT: "0" {"L0":[12]}
-- output OUTPUT: "0" {"L0":[12,null]}
-- output OUTPUT: "0" {"L0":[null,13]}

-- case: LATEST_BY_OFFSET n of only NULLs is empty [ksqlDB: latest-offset-udaf/latest n by offset with all nulls]
CREATE STREAM input (id STRING KEY, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, LATEST_BY_OFFSET(f0, 2) AS l0 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":null}
-- input test_topic: "0" {"F0":null}
-- output OUTPUT: "0" {"L0":[]}
-- output OUTPUT: "0" {"L0":[]}

-- case: EARLIEST_BY_OFFSET n keeps the first values [ksqlDB: earliest-offset-udaf/earliest n by offset]
CREATE STREAM input (id STRING KEY, f0 INT, f4 STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, EARLIEST_BY_OFFSET(f0, 2) AS l0, EARLIEST_BY_OFFSET(f4, 2) AS l4 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":12,"F4":"foo"}
-- input test_topic: "1" {"F0":12,"F4":"foo"}
-- input test_topic: "0" {"F0":21,"F4":"bar"}
-- input test_topic: "1" {"F0":21,"F4":"bar"}
-- input test_topic: "0" {"F0":31,"F4":"baz"}
-- output OUTPUT: "0" {"L0":[12],"L4":["foo"]}
-- output OUTPUT: "1" {"L0":[12],"L4":["foo"]}
-- output OUTPUT: "0" {"L0":[12,21],"L4":["foo","bar"]}
-- output OUTPUT: "1" {"L0":[12,21],"L4":["foo","bar"]}
-- output OUTPUT: "0" {"L0":[12,21],"L4":["foo","bar"]}

-- case: EARLIEST_BY_OFFSET n keeping a NULL first [ksqlDB: earliest-offset-udaf/null first - multiple - not ignoring nulls]
CREATE STREAM input (id STRING KEY, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, EARLIEST_BY_OFFSET(f0, 2, false) AS l0 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":null}
-- input test_topic: "0" {"F0":13}
-- output OUTPUT: "0" {"L0":[null]}
-- output OUTPUT: "0" {"L0":[null,13]}

-- case: EARLIEST_BY_OFFSET n ignoring a NULL first [ksqlDB: earliest-offset-udaf/null first - multiple - ignoring nulls]
CREATE STREAM input (id STRING KEY, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, EARLIEST_BY_OFFSET(f0, 2) AS l0 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":null}
-- input test_topic: "0" {"F0":13}
-- output OUTPUT: "0" {"L0":[]}
-- output OUTPUT: "0" {"L0":[13]}

-- case: EARLIEST_BY_OFFSET n with a NULL later, kept [ksqlDB: earliest-offset-udaf/null later - multiple - nulls not ignored]
CREATE STREAM input (id STRING KEY, f0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, EARLIEST_BY_OFFSET(f0, 2, false) AS l0 FROM input GROUP BY id;
-- input test_topic: "0" {"F0":12}
-- input test_topic: "0" {"F0":null}
-- input test_topic: "0" {"F0":13}
-- output OUTPUT: "0" {"L0":[12]}
-- output OUTPUT: "0" {"L0":[12,null]}
-- output OUTPUT: "0" {"L0":[12,null]}

-- case: LATEST and EARLIEST n per tumbling window
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, LATEST_BY_OFFSET(v, 2) AS last2, EARLIEST_BY_OFFSET(v, 2) AS first2 FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY id;
-- input s@1000: "a" {"v":1}
-- input s@2000: "a" {"v":2}
-- input s@3000: "a" {"v":3}
-- input s@12000: "a" {"v":4}
-- output T@1000: "a" window(0,10000) {"LAST2":[1],"FIRST2":[1]}
-- output T@2000: "a" window(0,10000) {"LAST2":[1,2],"FIRST2":[1,2]}
-- output T@3000: "a" window(0,10000) {"LAST2":[2,3],"FIRST2":[1,2]}
-- output T@12000: "a" window(10000,20000) {"LAST2":[4],"FIRST2":[4]}

-- case: LATEST_BY_OFFSET n must be at least 1
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, LATEST_BY_OFFSET(v, 0) AS l FROM s GROUP BY id;
-- error: latestN must be 1 or greater

-- case: EARLIEST_BY_OFFSET n must be at least 1
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, EARLIEST_BY_OFFSET(v, -2) AS l FROM s GROUP BY id;
-- error: earliestN must be 1 or greater

-- case: LATEST_BY_OFFSET n must be a literal
CREATE STREAM s (id STRING KEY, v INT, n INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, LATEST_BY_OFFSET(v, n) AS l FROM s GROUP BY id;
-- error: Parameter 2 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: 'N'

-- case: LATEST_BY_OFFSET ignoreNulls must be a literal
CREATE STREAM s (id STRING KEY, v INT, b BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, LATEST_BY_OFFSET(v, 2, b) AS l FROM s GROUP BY id;
-- error: Parameter 3 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: 'B'

-- case: EARLIEST_BY_OFFSET with a STRING second argument is rejected
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, EARLIEST_BY_OFFSET(v, 'x') AS l FROM s GROUP BY id;
-- error: Function 'EARLIEST_BY_OFFSET' does not accept parameters (INTEGER, STRING).

-- case: the new aggregates' results inside expressions
CREATE STREAM s (id STRING KEY, v INT, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, ARRAY_LENGTH(TOPK(v, 3)) AS n, HISTOGRAM(name)['x'] AS xs, ROUND(STDDEV_SAMPLE(v), 2) AS sd FROM s GROUP BY id;
-- input s: "a" {"v":1,"name":"x"}
-- input s: "a" {"v":2,"name":"y"}
-- input s: "a" {"v":4,"name":"x"}
-- output T: "a" {"N":1,"XS":1,"SD":0.0}
-- output T: "a" {"N":2,"XS":1,"SD":0.71}
-- output T: "a" {"N":3,"XS":2,"SD":1.53}

-- case: TOPKDISTINCT of DOUBLE with a NULL and repeats
CREATE STREAM s (id STRING KEY, v DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT id, TOPKDISTINCT(v, 2) AS top FROM s GROUP BY id;
-- input s: "a" {"v":0.5}
-- input s: "a" {"v":null}
-- input s: "a" {"v":0.5}
-- input s: "a" {"v":-1.5}
-- input s: "a" {"v":2.5}
-- output T: "a" {"TOP":[0.5]}
-- output T: "a" {"TOP":[0.5]}
-- output T: "a" {"TOP":[0.5]}
-- output T: "a" {"TOP":[0.5,-1.5]}
-- output T: "a" {"TOP":[2.5,0.5]}

-- case: HAVING on a new aggregate, and a pull query over the materialized results
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t AS SELECT k, TOPK(v, 2) AS top, STDDEV_SAMP(v) AS var FROM s GROUP BY k HAVING STDDEV_SAMP(v) < 10;
-- input s: "a" {"v":1}
-- input s: "a" {"v":3}
-- input s: "b" {"v":5}
-- input s: "a" {"v":20}
-- output T: "a" {"TOP":[1],"VAR":0.0}
-- output T: "a" {"TOP":[3,1],"VAR":2.0}
-- output T: "b" {"TOP":[5],"VAR":0.0}
-- output T: "a" null
-- pull: SELECT k, top[1] AS best, var FROM t;
-- row: ["b", 5, 0.0]
