-- More scalar functions in persistent queries: strings, math, date/time, null handling, JSON,
-- collections with lambdas, constructors and GEO_DISTANCE.

-- case: SUBSTRING with negative, zero and out-of-range positions
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT SUBSTRING(n, -2) AS tail, SUBSTRING(n, 0, 2) AS head, SUBSTRING(n, 5, 10) AS clipped, SUBSTRING(n, 10) AS past, SUBSTRING(n, -3, 2) AS mid FROM s;
-- Positions are 1-based, negative counts from the end, 0 acts as 1, and nothing is an error.
-- input s: null {"n":"stream"}
-- output O: null {"TAIL":"am","HEAD":"st","CLIPPED":"am","PAST":"","MID":"ea"}

-- case: CONCAT skips NULLs and CONCAT_WS skips NULL elements
CREATE STREAM s (a STRING, b STRING, sep STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CONCAT(a, NULL, b) AS c, CONCAT_WS(sep, a, b, 'z') AS ws FROM s;
-- A NULL separator makes CONCAT_WS NULL.
-- input s: null {"a":"x","b":"y","sep":"-"}
-- input s: null {"a":"x","sep":", "}
-- input s: null {"a":"x","b":"y"}
-- output O: null {"C":"xy","WS":"x-y-z"}
-- output O: null {"C":"x","WS":"x, z"}
-- output O: null {"C":"xy","WS":null}

-- case: LPAD and RPAD pad and truncate
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT LPAD(n, 5, '0') AS l, RPAD(n, 7, 'Bar') AS r, LPAD(n, 2, '0') AS cut, LPAD(n, 5, '') AS empty_pad FROM s;
-- A longer input keeps its left part; an empty padding gives NULL.
-- input s: null {"n":"123"}
-- output O: null {"L":"00123","R":"123BarB","CUT":"12","EMPTY_PAD":null}

-- case: INSTR with position and occurrence
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT INSTR(n, 'or') AS first, INSTR(n, 'or', 4) AS from4, INSTR(n, 'or', 4, 2) AS second, INSTR(n, 'xyz') AS missing FROM s;
-- input s: null {"n":"corporate floor"}
-- output O: null {"FIRST":2,"FROM4":5,"SECOND":14,"MISSING":0}

-- case: SPLIT keeps empty parts
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT SPLIT(n, '.') AS parts FROM s;
-- input s: null {"n":"a.b.c"}
-- input s: null {"n":".abc."}
-- input s: null {"n":"abc"}
-- input s: null {"n":""}
-- output O: null {"PARTS":["a","b","c"]}
-- output O: null {"PARTS":["","abc",""]}
-- output O: null {"PARTS":["abc"]}
-- output O: null {"PARTS":[""]}

-- case: SPLIT_TO_MAP
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT SPLIT_TO_MAP(n, ';', '=') AS m FROM s;
-- input s: null {"n":"apple=1;banana=2"}
-- output O: null {"M":{"apple":"1","banana":"2"}}

-- case: INITCAP, LTRIM, RTRIM and LEN
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
-- INITCAP lower-cases, capitalises each word and, like ksqlDB, drops leading whitespace.
CREATE STREAM o AS SELECT INITCAP(n) AS i, LTRIM(n) AS l, RTRIM(n) AS r, LEN(n) AS n_len FROM s;
-- input s: null {"n":" the quICK fox "}
-- input s: null {}
-- output O: null {"I":"The Quick Fox ","L":"the quICK fox ","R":" the quICK fox","N_LEN":15}
-- output O: null {"I":null,"L":null,"R":null,"N_LEN":null}

-- case: regular expression functions
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT REGEXP_EXTRACT('(\d+)-+(\d+)', n, 2) AS g2, REGEXP_EXTRACT_ALL('\d+', n) AS nums, REGEXP_REPLACE(n, '\d', '#') AS masked, REGEXP_SPLIT_TO_ARRAY(n, '-+') AS parts FROM s;
-- input s: null {"n":"ab12--34"}
-- output O: null {"G2":"34","NUMS":["12","34"],"MASKED":"ab##--##","PARTS":["ab12","34"]}

-- case: MASK functions
CREATE STREAM s (n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT MASK(n) AS m, MASK_KEEP_LEFT(n, 2) AS kl, MASK_RIGHT(n, 3) AS mr FROM s;
-- Upper-case letters become X, lower-case x, digits n, anything else -.
-- input s: null {"n":"AbC-12 z"}
-- output O: null {"M":"XxX-nn-x","KL":"AbX-nn-x","MR":"AbC-1n-x"}

-- case: CHR, ELT and FIELD
CREATE STREAM s (i INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CHR(i) AS c, ELT(2, 'a', 'b', 'c') AS e, ELT(5, 'a', 'b') AS e_out, FIELD('b', 'a', 'b') AS f, FIELD('z', 'a', 'b') AS f_none FROM s;
-- input s: null {"i":75}
-- output O: null {"C":"K","E":"b","E_OUT":null,"F":2,"F_NONE":0}

-- case: ROUND of DOUBLE rounds half up toward positive infinity
CREATE STREAM s (v DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ROUND(v) AS r0, ROUND(v, 1) AS r1, ROUND(v, -2) AS rm2 FROM s;
-- ROUND(DOUBLE) is a BIGINT (Java Math.round: -1.5 -> -1); with a scale it stays DOUBLE.
-- input s: null {"v":1.5}
-- input s: null {"v":-1.5}
-- input s: null {"v":12345.678}
-- output O: null {"R0":2,"R1":1.5,"RM2":0.0}
-- output O: null {"R0":-1,"R1":-1.5,"RM2":0.0}
-- output O: null {"R0":12346,"R1":12345.7,"RM2":12300.0}

-- case: CEIL, FLOOR and ROUND keep the DECIMAL type
CREATE STREAM s (d DECIMAL(5, 2)) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CEIL(d) AS c, FLOOR(d) AS f, ROUND(d, 1) AS r FROM s;
-- The scale stays 2; a negative tie rounds toward zero (ksqlDB uses HALF_DOWN below zero).
-- input s: null {"d":1.25}
-- input s: null {"d":-1.25}
-- output O: null {"C":2.00,"F":1.00,"R":1.30}
-- output O: null {"C":-1.00,"F":-2.00,"R":-1.20}

-- case: ABS and SIGN keep integer types
CREATE STREAM s (i INT, l BIGINT, x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ABS(i) AS ai, ABS(l) AS al, SIGN(x) AS sx, SIGN(i) AS si FROM s;
-- input s: null {"i":-3,"l":-5000000000,"x":-0.5}
-- input s: null {"i":0,"l":7,"x":2.5}
-- output O: null {"AI":3,"AL":5000000000,"SX":-1,"SI":-1}
-- output O: null {"AI":0,"AL":7,"SX":1,"SI":0}

-- case: POWER, EXP, LN, LOG and CBRT
CREATE STREAM s (x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
-- LOG with one argument is the natural logarithm in ksqlDB's code (its docs say base 10).
CREATE STREAM o AS SELECT POWER(x, 10) AS p, EXP(0) AS e, LN(1) AS ln1, LOG(100) AS ln100, LOG(x, 8) AS l2, CBRT(27) AS cb FROM s;
-- input s: null {"x":2}
-- output O: null {"P":1024.0,"E":1.0,"LN1":0.0,"LN100":4.605170185988092,"L2":3.0,"CB":3.0}

-- case: GREATEST and LEAST skip NULLs
CREATE STREAM s (a INT, b INT, c INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT GREATEST(a, b, c) AS g, LEAST(a, b, c) AS l FROM s;
-- input s: null {"a":3,"b":9,"c":1}
-- input s: null {"a":3}
-- input s: null {}
-- output O: null {"G":9,"L":1}
-- output O: null {"G":3,"L":3}
-- output O: null {"G":null,"L":null}

-- case: TRUNC toward zero
CREATE STREAM s (x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT TRUNC(x) AS t, TRUNC(x, 1) AS t1 FROM s;
-- input s: null {"x":-2.78}
-- output O: null {"T":-2,"T1":-2.7}

-- case: GEO_DISTANCE in miles and with a bad unit
CREATE STREAM s (lat DOUBLE, lon DOUBLE, unit STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ROUND(GEO_DISTANCE(37.4133, -122.1162, lat, lon, unit), 2) AS d FROM s;
-- Haversine with a 3959-mile earth radius; an unknown unit is a function error, so NULL.
-- input s: null {"lat":37.7877,"lon":-122.4205,"unit":"MI"}
-- input s: null {"lat":37.7877,"lon":-122.4205,"unit":"km"}
-- input s: null {"lat":37.7877,"lon":-122.4205,"unit":"parsec"}
-- output O: null {"D":30.77}
-- output O: null {"D":49.52}
-- output O: null {"D":null}

-- case: FROM_UNIXTIME and FORMAT_TIMESTAMP
CREATE STREAM s (ms BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT FROM_UNIXTIME(ms) AS ts, FORMAT_TIMESTAMP(FROM_UNIXTIME(ms), 'yyyy-MM-dd''T''HH:mm:ss.SSS') AS utc, FORMAT_TIMESTAMP(FROM_UNIXTIME(ms), 'HH:mm', 'Asia/Ho_Chi_Minh') AS hcm FROM s;
-- A TIMESTAMP is written to a JSON topic as epoch milliseconds.
-- input s: null {"ms":1717000002133}
-- output O: null {"TS":1717000002133,"UTC":"2024-05-29T16:26:42.133","HCM":"23:26"}

-- case: PARSE_TIMESTAMP and UNIX_TIMESTAMP
CREATE STREAM s (t STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT PARSE_TIMESTAMP(t, 'yyyy-MM-dd HH:mm:ss') AS ts, UNIX_TIMESTAMP(PARSE_TIMESTAMP(t, 'yyyy-MM-dd HH:mm:ss', 'Europe/Berlin')) AS berlin FROM s;
-- Berlin is UTC+2 in May, so the same wall-clock time is two hours earlier in UTC.
-- input s: null {"t":"2024-05-29 16:26:42"}
-- output O: null {"TS":1717000002000,"BERLIN":1716992802000}

-- case: TIMESTAMPADD and TIMESTAMPSUB
CREATE STREAM s (ms BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT TIMESTAMPADD(SECONDS, 10, FROM_UNIXTIME(ms)) AS plus10s, TIMESTAMPSUB(DAYS, 1, FROM_UNIXTIME(ms)) AS minus1d FROM s;
-- input s: null {"ms":1717000002133}
-- output O: null {"PLUS10S":1717000012133,"MINUS1D":1716913602133}

-- case: DATE functions
CREATE STREAM s (t STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT PARSE_DATE(t, 'yyyy-MM-dd') AS d, FORMAT_DATE(DATEADD(DAYS, 3, PARSE_DATE(t, 'yyyy-MM-dd')), 'dd/MM/yyyy') AS later, UNIX_DATE(PARSE_DATE(t, 'yyyy-MM-dd')) AS n_days, FORMAT_DATE(FROM_DAYS(0), 'yyyy-MM-dd') AS epoch FROM s;
-- A DATE is written to a JSON topic as days since the epoch.
-- input s: null {"t":"2024-05-29"}
-- output O: null {"D":19872,"LATER":"01/06/2024","N_DAYS":19872,"EPOCH":"1970-01-01"}

-- case: TIME functions
CREATE STREAM s (t STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT PARSE_TIME(t, 'HH:mm:ss') AS tm, FORMAT_TIME(TIMEADD(MINUTES, 90, PARSE_TIME(t, 'HH:mm:ss')), 'HH:mm') AS later FROM s;
-- A TIME is written as milliseconds since midnight; TIMEADD wraps around midnight.
-- input s: null {"t":"23:00:05"}
-- output O: null {"TM":82805000,"LATER":"00:30"}

-- case: CONVERT_TZ
CREATE STREAM s (ms BIGINT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT CONVERT_TZ(FROM_UNIXTIME(ms), 'UTC', 'America/New_York') AS ny FROM s;
-- New York is UTC-4 in May.
-- input s: null {"ms":1717000002133}
-- output O: null {"NY":1716985602133}

-- case: STRINGTOTIMESTAMP and TIMESTAMPTOSTRING with zones
CREATE STREAM s (t STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT STRINGTOTIMESTAMP(t, 'yyyy-MM-dd HH:mm') AS utc_ms, TIMESTAMPTOSTRING(STRINGTOTIMESTAMP(t, 'yyyy-MM-dd HH:mm'), 'yyyy-MM-dd HH:mm', 'Asia/Tokyo') AS tokyo FROM s;
-- input s: null {"t":"2024-01-01 00:00"}
-- output O: null {"UTC_MS":1704067200000,"TOKYO":"2024-01-01 09:00"}

-- case: NULLIF and COALESCE of numbers
CREATE STREAM s (a INT, b INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT NULLIF(a, b) AS n, COALESCE(a, b, 0) AS c FROM s;
-- input s: null {"a":1,"b":1}
-- input s: null {"a":1,"b":2}
-- input s: null {"b":2}
-- output O: null {"N":null,"C":1}
-- output O: null {"N":1,"C":1}
-- output O: null {"N":null,"C":2}

-- case: EXTRACTJSONFIELD returns text for every JSON value
CREATE STREAM s (j STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT EXTRACTJSONFIELD(j, '$.n') AS n, EXTRACTJSONFIELD(j, '$.arr[1]') AS second, EXTRACTJSONFIELD(j, '$.obj') AS obj, EXTRACTJSONFIELD(j, '$.missing') AS missing FROM s;
-- Numbers come back as their text and objects as JSON text; a missing path or bad JSON is NULL.
-- input s: null {"j":"{\"n\":5,\"arr\":[\"x\",\"y\"],\"obj\":{\"k\":1}}"}
-- input s: null {"j":"not json"}
-- output O: null {"N":"5","SECOND":"y","OBJ":"{\"k\":1}","MISSING":null}
-- output O: null {"N":null,"SECOND":null,"OBJ":null,"MISSING":null}

-- case: JSON helper functions
CREATE STREAM s (j STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT IS_JSON_STRING(j) AS ok, JSON_ARRAY_LENGTH(j) AS len, JSON_KEYS(j) AS keys FROM s;
-- input s: null {"j":"[1,2,3]"}
-- input s: null {"j":"{\"a\":1,\"b\":2}"}
-- input s: null {"j":"{oops"}
-- output O: null {"OK":true,"LEN":3,"KEYS":null}
-- output O: null {"OK":true,"LEN":null,"KEYS":["a","b"]}
-- output O: null {"OK":false,"LEN":null,"KEYS":null}

-- case: TO_JSON_STRING of a struct, an array and NULL
CREATE STREAM s (st STRUCT<a INT, b STRING>, arr ARRAY<INT>, n STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT TO_JSON_STRING(st) AS js, TO_JSON_STRING(arr) AS ja, TO_JSON_STRING(n) AS jn FROM s;
-- Struct fields are upper-cased names; NULL becomes the text null.
-- input s: null {"st":{"a":1,"b":"x"},"arr":[1,2]}
-- output O: null {"JS":"{\"A\":1,\"B\":\"x\"}","JA":"[1,2]","JN":"null"}

-- case: array set functions
CREATE STREAM s (a ARRAY<INT>, b ARRAY<INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ARRAY_DISTINCT(a) AS d, ARRAY_EXCEPT(a, b) AS e, ARRAY_INTERSECT(a, b) AS i, ARRAY_UNION(a, b) AS u, ARRAY_CONCAT(a, b) AS c FROM s;
-- Results keep first-seen order and drop duplicates (except ARRAY_CONCAT).
-- input s: null {"a":[3,1,3,2],"b":[2,4]}
-- output O: null {"D":[3,1,2],"E":[3,1],"I":[2],"U":[3,1,2,4],"C":[3,1,3,2,2,4]}

-- case: ARRAY_CONTAINS, ARRAY_REMOVE, ARRAY_JOIN and ARRAY_MIN
CREATE STREAM s (a ARRAY<INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ARRAY_CONTAINS(a, 2) AS has2, ARRAY_REMOVE(a, 2) AS no2, ARRAY_JOIN(a) AS j, ARRAY_JOIN(a, '|') AS jp, ARRAY_MIN(a) AS mn FROM s;
-- input s: null {"a":[2,5,2,1]}
-- output O: null {"HAS2":true,"NO2":[5,1],"J":"2,5,2,1","JP":"2|5|2|1","MN":1}

-- case: ARRAY_SORT, SLICE and GENERATE_SERIES
CREATE STREAM s (a ARRAY<STRING>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ARRAY_SORT(a) AS asc_, ARRAY_SORT(a, 'DESC') AS desc_, SLICE(a, 2, 3) AS mid, GENERATE_SERIES(1, 7, 3) AS series FROM s;
-- input s: null {"a":["b","c","a"]}
-- output O: null {"ASC_":["a","b","c"],"DESC_":["c","b","a"],"MID":["c","a"],"SERIES":[1,4,7]}

-- case: map functions
CREATE STREAM s (m MAP<STRING, INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ARRAY_SORT(MAP_KEYS(m)) AS k, ARRAY_SORT(MAP_VALUES(m)) AS v, MAP_UNION(m, MAP('z' := 26)) AS u, ENTRIES(m, true) AS e FROM s;
-- ENTRIES with sorted=true orders the entries by key; its structs have fields K and V.
-- input s: null {"m":{"b":2,"a":1}}
-- output O: null {"K":["a","b"],"V":[1,2],"U":{"b":2,"a":1,"z":26},"E":[{"K":"a","V":1},{"K":"b","V":2}]}

-- case: AS_MAP builds a map from two arrays
CREATE STREAM s (ks ARRAY<STRING>, vs ARRAY<INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT AS_MAP(ks, vs) AS m FROM s;
-- input s: null {"ks":["a","b"],"vs":[1,2]}
-- output O: null {"M":{"a":1,"b":2}}

-- case: REDUCE over an array and TRANSFORM and FILTER over a map
CREATE STREAM s (a ARRAY<INT>, m MAP<STRING, INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT REDUCE(a, 0, (acc, x) => acc + x) AS total, TRANSFORM(m, (k, v) => UCASE(k), (k, v) => v * 10) AS t, FILTER(m, (k, v) => v > 1) AS f FROM s;
-- input s: null {"a":[1,2,3],"m":{"a":1,"b":2}}
-- output O: null {"TOTAL":6,"T":{"A":10,"B":20},"F":{"b":2}}

-- case: nested lambdas
CREATE STREAM s (a ARRAY<ARRAY<INT>>) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT TRANSFORM(a, xs => FILTER(xs, x => x % 2 = 0)) AS evens FROM s;
-- input s: null {"a":[[1,2,3,4],[5],[6]]}
-- output O: null {"EVENS":[[2,4],[],[6]]}

-- case: ARRAY, MAP and STRUCT constructors
CREATE STREAM s (a INT, b STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT ARRAY[a, a + 1, NULL] AS arr, MAP('k' := b) AS m, STRUCT(x := a, y := b) AS st FROM s;
-- Struct fields named without quotes are upper-cased.
-- input s: null {"a":1,"b":"v"}
-- output O: null {"ARR":[1,2,null],"M":{"k":"v"},"ST":{"X":1,"Y":"v"}}

-- case: a function of a NULL argument is NULL
CREATE STREAM s (n STRING, x DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM o AS SELECT UCASE(n) AS u, ABS(x) AS a, SUBSTRING(n, 2) AS sub, REPLACE(n, 'a', 'b') AS r FROM s;
-- input s: null {}
-- output O: null {"U":null,"A":null,"SUB":null,"R":null}
