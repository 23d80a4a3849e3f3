-- Aggregates over sources with several partitions run in two stages through an internal
-- repartition topic (ksqlDB's `…-Aggregate-GroupBy-repartition`): every key is counted across
-- partitions and pull queries see every key. A shuffle partition whose keys went silent
-- follows the query's stream time after `rivulet.watermark.idle.timeout.ms` of event time
-- (default 30 s), so its last EMIT FINAL windows close. `s#1` writes to partition 1.
-- Keys: with 3 partitions "a" hashes to 1, "b" to 2; with 2 partitions "a" to 0, "d" to 1.

-- case: a count over a 3-partition source sees each key on every partition
CREATE STREAM s (id STRING KEY, k STRING, v INT) WITH (kafka_topic='s', partitions=3, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WHERE v > 0 GROUP BY k;
-- input s#0: "1" {"K":"a","V":1}
-- input s#1: "2" {"K":"a","V":2}
-- input s#2: "3" {"K":"b","V":3}
-- input s#0: "4" {"K":"b","V":0}
-- input s#1: "5" {"K":"b","V":5}
-- input s#2: "6" {"K":"a","V":6}
-- unordered
-- output T: "a" {"N":1}
-- output T: "a" {"N":2}
-- output T: "a" {"N":3}
-- output T: "b" {"N":1}
-- output T: "b" {"N":2}
-- pull: SELECT k, n FROM t WHERE k = 'a';
-- row: ["a", 3]
-- pull: SELECT k, n FROM t WHERE k = 'b';
-- row: ["b", 2]

-- case: windowed EMIT FINAL over 3 partitions: a key that went silent gets its final window after the idle timeout
-- (all input on one source partition: a watermark of one first-stage task may make another,
-- lagging task's records late, so input spread over tasks would make this case timing-bound)
SET 'rivulet.watermark.idle.timeout.ms'='5000';
CREATE STREAM s (id STRING KEY, k STRING) WITH (kafka_topic='s', partitions=3, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY k EMIT FINAL;
-- input s#1@1000: "1" {"K":"a"}
-- input s#1@1500: "2" {"K":"b"}
-- input s#1@10000: "3" {"K":"b"}
-- input s#1@20000: "4" {"K":"b"}
-- unordered
-- output T@1000: "a" window(0,2000) {"N":1}
-- output T@1500: "b" window(0,2000) {"N":1}
-- output T@10000: "b" window(10000,12000) {"N":1}

-- case: without the idle timeout a silent key's last window over 3 partitions stays open
SET 'rivulet.watermark.idle.timeout.ms'='-1';
CREATE STREAM s (id STRING KEY, k STRING) WITH (kafka_topic='s', partitions=3, value_format='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY k EMIT FINAL;
-- input s#0@1000: "1" {"K":"a"}
-- input s#1@1500: "2" {"K":"b"}
-- input s#1@10000: "3" {"K":"b"}
-- input s#1@20000: "4" {"K":"b"}
-- unordered
-- output T@1500: "b" window(0,2000) {"N":1}
-- output T@10000: "b" window(10000,12000) {"N":1}

-- case: one source partition, two sink partitions: a silent key's partition follows after the idle timeout
SET 'rivulet.watermark.idle.timeout.ms'='5000';
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t WITH (partitions=2) AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY k EMIT FINAL;
-- input s@1000: "a" {"V":1}
-- input s@1500: "d" {"V":1}
-- input s@10000: "d" {"V":1}
-- unordered
-- output T@1000: "a" window(0,2000) {"N":1}
-- output T@1500: "d" window(0,2000) {"N":1}

-- case: one source partition, default idle timeout (30 s of event time): the silent key's window stays open
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t WITH (partitions=2) AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY k EMIT FINAL;
-- input s@1000: "a" {"V":1}
-- input s@1500: "d" {"V":1}
-- input s@10000: "d" {"V":1}
-- unordered
-- output T@1500: "d" window(0,2000) {"N":1}

-- case: one source partition, default idle timeout: 30 s of silence closes the silent key's window
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE TABLE t WITH (partitions=2) AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY k EMIT FINAL;
-- input s@1000: "a" {"V":1}
-- input s@1500: "d" {"V":1}
-- input s@31000: "d" {"V":1}
-- unordered
-- output T@1000: "a" window(0,2000) {"N":1}
-- output T@1500: "d" window(0,2000) {"N":1}
