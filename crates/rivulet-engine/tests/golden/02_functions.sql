-- Scalar functions inside persistent queries.

-- case: GEO_DISTANCE in km from the fleet seed
CREATE STREAM s (lat DOUBLE, lon DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ROUND(GEO_DISTANCE(lat, lon, 9.0, 107.0), 3) AS km FROM s;
-- input s: null {"lat":9.0,"lon":107.0}
-- input s: null {"lat":10.0,"lon":107.0}
-- output O: null {"KM":0.0}
-- output O: null {"KM":111.195}

-- case: CONCAT and CAST as in the fleet windowed id
CREATE STREAM s (device_id STRING, ws BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CONCAT(CAST(device_id AS STRING), '_', CAST(ws AS STRING)) AS id FROM s;
-- input s: null {"device_id":"dev-1","ws":1000}
-- output O: null {"ID":"dev-1_1000"}

-- case: string functions
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT UCASE(n) AS u, LCASE(n) AS l, LEN(n) AS n_len, SUBSTRING(n, 2, 3) AS sub, REPLACE(n, 'a', 'o') AS r, TRIM('  x ') AS t FROM s;
-- input s: null {"n":"Banana"}
-- output O: null {"U":"BANANA","L":"banana","N_LEN":6,"SUB":"ana","R":"Bonono","T":"x"}

-- case: math functions
CREATE STREAM s (x DOUBLE, i INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ABS(x) AS a, CEIL(x) AS c, FLOOR(x) AS f, SQRT(16.0) AS q, i % 3 AS m, i / 2 AS d FROM s;
-- input s: null {"x":-2.5,"i":7}
-- output O: null {"A":2.5,"C":-2.0,"F":-3.0,"Q":4.0,"M":1,"D":3}

-- case: magnitude of an accelerometer reading
CREATE STREAM s (x DOUBLE, y DOUBLE, z DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT SQRT(x * x + y * y + z * z) AS magnitude FROM s;
-- input s: null {"x":3,"y":4,"z":0}
-- output O: null {"MAGNITUDE":5.0}

-- case: COALESCE and IFNULL
CREATE STREAM s (a STRING, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT COALESCE(a, b, 'none') AS c, IFNULL(a, 'x') AS i FROM s;
-- input s: null {"b":"bee"}
-- input s: null {}
-- output O: null {"C":"bee","I":"x"}
-- output O: null {"C":"none","I":"x"}

-- case: integer division by zero yields null for the column and the query goes on
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT a, a / b AS q FROM s;
-- input s: null {"a":4,"b":0}
-- input s: null {"a":4,"b":2}
-- output O: null {"A":4,"Q":null}
-- output O: null {"A":4,"Q":2}

-- case: timestamp formatting
CREATE STREAM s (ts BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT TIMESTAMPTOSTRING(ts, 'yyyy-MM-dd HH:mm:ss.SSS', 'UTC') AS txt FROM s;
-- input s: null {"ts":1717000002133}
-- output O: null {"TXT":"2024-05-29 16:26:42.133"}

-- case: arrays and subscripts
CREATE STREAM s (arr ARRAY<INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT arr[1] AS first, ARRAY_LENGTH(arr) AS n, ARRAY_MAX(arr) AS mx FROM s;
-- input s: null {"arr":[3,9,4]}
-- output O: null {"FIRST":3,"N":3,"MX":9}

-- case: struct dereference
CREATE STREAM s (loc STRUCT<lat DOUBLE, lon DOUBLE>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT loc->lat AS lat FROM s;
-- input s: null {"loc":{"lat":9.5,"lon":107.1}}
-- output O: null {"LAT":9.5}

-- case: lambdas with TRANSFORM and FILTER
CREATE STREAM s (arr ARRAY<INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT TRANSFORM(arr, x => x * 10) AS t, FILTER(arr, x => x > 1) AS f FROM s;
-- input s: null {"arr":[1,2,3]}
-- output O: null {"T":[10,20,30],"F":[2,3]}

-- case: EXTRACTJSONFIELD from a string column
CREATE STREAM s (payload STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT EXTRACTJSONFIELD(payload, '$.a.b') AS b FROM s;
-- input s: null {"payload":"{\"a\":{\"b\":\"deep\"}}"}
-- output O: null {"B":"deep"}

-- case: decimal arithmetic is exact
CREATE STREAM s (p DECIMAL(6, 2)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT p + 0.10 AS q FROM s;
-- input s: null {"p":"1.20"}
-- output O: null {"Q":1.30}
