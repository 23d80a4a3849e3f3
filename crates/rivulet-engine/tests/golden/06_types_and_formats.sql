-- Types through the JSON, DELIMITED and KAFKA formats: DECIMAL, TIMESTAMP, DATE, TIME, BYTES,
-- ARRAY, MAP, STRUCT, subscripts and dereferences, CAST, WRAP_SINGLE_VALUE, and records that
-- fail to decode.

-- case: DECIMAL reads numbers and numeric strings and writes numbers
CREATE STREAM s (d DECIMAL(5, 3)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT d FROM s;
-- input s: null {"d":12.345}
-- input s: null {"d":"1.5"}
-- input s: null {"d":2}
-- output O: null {"D":12.345}
-- output O: null {"D":1.500}
-- output O: null {"D":2.000}

-- case: TIMESTAMP, DATE and TIME columns are numbers in JSON
CREATE STREAM s (ts TIMESTAMP, d DATE, t TIME) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ts, d, t, CAST(ts AS STRING) AS ts_text, CAST(d AS STRING) AS d_text, CAST(t AS STRING) AS t_text FROM s;
-- Epoch ms, days since the epoch and ms of the day; as text ISO-8601 in UTC (TIME to the second).
-- input s: null {"ts":1717000002133,"d":19872,"t":59202133}
-- output O: null {"TS":1717000002133,"D":19872,"T":59202133,"TS_TEXT":"2024-05-29T16:26:42.133","D_TEXT":"2024-05-29","T_TEXT":"16:26:42"}

-- case: CAST from strings to TIMESTAMP, DATE and TIME
CREATE STREAM s (a STRING, b STRING, c STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CAST(a AS TIMESTAMP) AS ts, CAST(b AS DATE) AS d, CAST(c AS TIME) AS t FROM s;
-- input s: null {"a":"2024-05-29T16:26:42.133","b":"2024-05-29","c":"16:26:42"}
-- output O: null {"TS":1717000002133,"D":19872,"T":59202000}

-- case: CAST of a TIMESTAMP to DATE and TIME takes the UTC parts
CREATE STREAM s (ts TIMESTAMP) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CAST(ts AS DATE) AS d, CAST(ts AS TIME) AS t, CAST(CAST(ts AS DATE) AS TIMESTAMP) AS midnight FROM s;
-- input s: null {"ts":1717000002133}
-- output O: null {"D":19872,"T":59202133,"MIDNIGHT":1716940800000}

-- case: CAST between numeric types and STRING
CREATE STREAM s (x DOUBLE, i INT, n STRING, d DECIMAL(4, 2)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CAST(x AS INT) AS xi, CAST(x AS STRING) AS xs, CAST(i AS DECIMAL(5, 2)) AS idec, CAST(n AS BIGINT) AS nl, CAST(n AS DOUBLE) AS nd, CAST(d AS STRING) AS ds, CAST(d AS INT) AS di FROM s;
-- DOUBLE to INT truncates toward zero; strings are trimmed before parsing; DECIMAL text keeps its scale.
-- input s: null {"x":-2.7,"i":3,"n":" 42 ","d":1.50}
-- output O: null {"XI":-2,"XS":"-2.7","IDEC":3.00,"NL":42,"ND":42.0,"DS":"1.50","DI":1}

-- case: CAST of a bad string is NULL and the query goes on
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n, CAST(n AS INT) AS i FROM s;
-- input s: null {"n":"x1"}
-- input s: null {"n":"7"}
-- output O: null {"N":"x1","I":null}
-- output O: null {"N":"7","I":7}

-- case: CAST from STRING to BOOLEAN
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT n, CAST(n AS BOOLEAN) AS b, CAST(CAST(n AS BOOLEAN) AS STRING) AS bs FROM s;
-- TRUE for any case-insensitive prefix of 'true' or 'yes'; everything else is FALSE.
-- input s: null {"n":"TRUE"}
-- input s: null {"n":"Ye"}
-- input s: null {"n":"no"}
-- input s: null {"n":"maybe"}
-- output O: null {"N":"TRUE","B":true,"BS":"true"}
-- output O: null {"N":"Ye","B":true,"BS":"true"}
-- output O: null {"N":"no","B":false,"BS":"false"}
-- output O: null {"N":"maybe","B":false,"BS":"false"}

-- case: CAST of arrays and maps element by element
CREATE STREAM s (a ARRAY<STRING>, m MAP<STRING, INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CAST(a AS ARRAY<INT>) AS ai, CAST(m AS MAP<STRING, DOUBLE>) AS md FROM s;
-- input s: null {"a":["1","2"],"m":{"k":3}}
-- output O: null {"AI":[1,2],"MD":{"k":3.0}}

-- case: BYTES are base64 in JSON
CREATE STREAM s (b BYTES) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT b, LEN(b) AS n, FROM_BYTES(b, 'utf8') AS txt, TO_BYTES('hi', 'utf8') AS hi FROM s;
-- input s: null {"b":"aGVsbG8="}
-- output O: null {"B":"aGVsbG8=","N":5,"TXT":"hello","HI":"aGk="}

-- case: array subscripts are 1-based, negative from the end, out of range NULL
CREATE STREAM s (arr ARRAY<STRING>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT arr[1] AS first, arr[-1] AS last, arr[0] AS zero, arr[5] AS past, arr[-5] AS before FROM s;
-- input s: null {"arr":["a","b","c"]}
-- input s: null {"arr":[]}
-- input s: null {}
-- output O: null {"FIRST":"a","LAST":"c","ZERO":null,"PAST":null,"BEFORE":null}
-- output O: null {"FIRST":null,"LAST":null,"ZERO":null,"PAST":null,"BEFORE":null}
-- output O: null {"FIRST":null,"LAST":null,"ZERO":null,"PAST":null,"BEFORE":null}

-- case: array subscript with a column index
CREATE STREAM s (arr ARRAY<INT>, i INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT arr[i] AS pick FROM s;
-- input s: null {"arr":[10,20,30],"i":2}
-- input s: null {"arr":[10,20,30],"i":-3}
-- input s: null {"arr":[10,20,30]}
-- output O: null {"PICK":20}
-- output O: null {"PICK":10}
-- output O: null {"PICK":null}

-- case: map subscripts
CREATE STREAM s (m MAP<STRING, ARRAY<INT>>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT m['a'] AS a, m['a'][2] AS a2, m['zz'] AS missing FROM s;
-- input s: null {"m":{"a":[1,2],"b":[3]}}
-- output O: null {"A":[1,2],"A2":2,"MISSING":null}

-- case: nested struct dereference and generated names
CREATE STREAM s (dev STRUCT<id STRING, loc STRUCT<lat DOUBLE, lon DOUBLE>>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT dev->id, dev->loc->lat, dev->loc AS loc FROM s;
-- An unaliased dereference is named after its last field; a NULL struct gives NULL fields.
-- input s: null {"dev":{"id":"d1","loc":{"lat":9.5,"lon":107.1}}}
-- input s: null {"dev":{"id":"d2"}}
-- input s: null {}
-- output O: null {"ID":"d1","LAT":9.5,"LOC":{"LAT":9.5,"LON":107.1}}
-- output O: null {"ID":"d2","LAT":null,"LOC":null}
-- output O: null {"ID":null,"LAT":null,"LOC":null}

-- case: array of structs
CREATE STREAM s (readings ARRAY<STRUCT<name STRING, v DOUBLE>>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT readings[1]->name AS first_name, TRANSFORM(readings, r => r->v * 2) AS doubled FROM s;
-- input s: null {"readings":[{"name":"x","v":1.5},{"name":"y","v":2}]}
-- output O: null {"FIRST_NAME":"x","DOUBLED":[3.0,4.0]}

-- case: JSON field names match case-insensitively, quoted columns keep their case
CREATE STREAM s (deviceId STRING, "camelCase" INT, `Tick` BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT deviceId, "camelCase", `Tick` FROM s;
-- ksqlDB tries the exact name, then the upper-cased JSON names: so "tick" cannot fill `Tick`.
-- input s: null {"DEVICEID":"d1","camelCase":1,"Tick":2}
-- input s: null {"deviceid":"d2","camelCase":3,"tick":4}
-- output O: null {"DEVICEID":"d1","camelCase":1,"Tick":2}
-- output O: null {"DEVICEID":"d2","camelCase":3,"Tick":null}

-- case: DELIMITED with a pipe delimiter keeps it for the sink
CREATE STREAM s (id BIGINT, name STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED', value_delimiter='|');
CREATE STREAM o AS SELECT id, name, v FROM s;
-- input s: null 0|zero|0
-- input s: null 100|x|500
-- output O: null "0|zero|0"
-- output O: null "100|x|500"

-- case: DELIMITED with TAB
-- (the input line below holds a real tab character)
CREATE STREAM s (id BIGINT, name STRING) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED', value_delimiter='TAB');
CREATE STREAM o WITH (VALUE_FORMAT='JSON') AS SELECT id, name FROM s;
-- input s: null 1	one
-- output O: null {"ID":1,"NAME":"one"}

-- case: DELIMITED with the wrong number of fields is skipped
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED');
CREATE STREAM o WITH (VALUE_FORMAT='JSON') AS SELECT a, b FROM s;
-- input s: null 1,x,extra
-- input s: null 2
-- input s: null 3,y
-- output O: null {"A":3,"B":"y"}

-- case: DELIMITED DECIMAL, DOUBLE and BOOLEAN
CREATE STREAM s (d DECIMAL(4, 2), x DOUBLE, ok BOOLEAN) WITH (kafka_topic='s', partitions=1, value_format='DELIMITED');
CREATE STREAM o AS SELECT d, x, ok FROM s;
-- DECIMAL is written with its scale.
-- input s: null 1.5,2.25,true
-- output O: null "1.50,2.25,true"

-- case: KAFKA format STRING value in, JSON out
CREATE STREAM s (line STRING) WITH (kafka_topic='s', partitions=1, value_format='KAFKA');
CREATE STREAM o WITH (VALUE_FORMAT='JSON') AS SELECT line, LEN(line) AS n FROM s;
-- The KAFKA format is the raw UTF-8 string.
-- input s: null hello world
-- output O: null {"LINE":"hello world","N":11}

-- case: JSON in, KAFKA STRING value out
CREATE STREAM s (name STRING, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o WITH (VALUE_FORMAT='KAFKA') AS SELECT UCASE(name) AS up FROM s;
-- input s: null {"name":"abc","v":1}
-- output O: null "ABC"

-- case: WRAP_SINGLE_VALUE=false on a source reads a bare value
CREATE STREAM s (v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', wrap_single_value=false);
CREATE STREAM o AS SELECT v, v * 2 AS twice FROM s;
-- input s: null 21
-- output O: null {"V":21,"TWICE":42}

-- case: a JSON record of the wrong shape is skipped
CREATE STREAM s (a INT, st STRUCT<x INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a, st->x AS x FROM s;
-- An array is not a row, and a string is not a STRUCT.
-- input s: null [1,2]
-- input s: null {"a":1,"st":"nope"}
-- input s: null {"a":2,"st":{"x":3}}
-- output O: null {"A":2,"X":3}

-- case: a STRING key column is the record key
CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT *, UCASE(id) AS up FROM s WHERE id LIKE 'dev%';
-- SELECT * puts the key column back into the key; only AS_VALUE copies it into the value.
-- input s: "dev-1" {"v":1}
-- input s: "pump-2" {"v":2}
-- input s: null {"v":3}
-- output O: "dev-1" {"V":1,"UP":"DEV-1"}
