-- Tutorial statements that must run unchanged (ksqldb-compat.md section 5), numbered as there.

-- case: tutorial 01 create stream riderLocations
CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE) WITH (kafka_topic='locations', value_format='json', partitions=1);
-- expect: CREATE STREAM RIDERLOCATIONS (PROFILEID STRING, LATITUDE DOUBLE, LONGITUDE DOUBLE) WITH (KAFKA_TOPIC='locations', VALUE_FORMAT='json', PARTITIONS=1);

-- case: tutorial 02 ctas latest by offset
CREATE TABLE currentLocation AS SELECT profileId, LATEST_BY_OFFSET(latitude) AS la, LATEST_BY_OFFSET(longitude) AS lo FROM riderlocations GROUP BY profileId EMIT CHANGES;
-- expect: CREATE TABLE CURRENTLOCATION AS SELECT PROFILEID, LATEST_BY_OFFSET(LATITUDE) AS LA, LATEST_BY_OFFSET(LONGITUDE) AS LO FROM RIDERLOCATIONS GROUP BY PROFILEID EMIT CHANGES;

-- case: tutorial 03 ctas with expression group by and count alias
CREATE TABLE ridersNearMountainView AS SELECT ROUND(GEO_DISTANCE(la, lo, 37.4133, -122.1162), -1) AS distanceInMiles, COLLECT_LIST(profileId) AS riders, COUNT(*) AS count FROM currentLocation GROUP BY ROUND(GEO_DISTANCE(la, lo, 37.4133, -122.1162), -1);
-- expect: CREATE TABLE RIDERSNEARMOUNTAINVIEW AS SELECT ROUND(GEO_DISTANCE(LA, LO, 37.4133, -122.1162), -1) AS DISTANCEINMILES, COLLECT_LIST(PROFILEID) AS RIDERS, COUNT(*) AS COUNT FROM CURRENTLOCATION GROUP BY ROUND(GEO_DISTANCE(LA, LO, 37.4133, -122.1162), -1);

-- case: tutorial 04 push query with function in where
SELECT * FROM riderLocations WHERE GEO_DISTANCE(latitude, longitude, 37.4133, -122.1162) <= 5 EMIT CHANGES;
-- expect: SELECT * FROM RIDERLOCATIONS WHERE GEO_DISTANCE(LATITUDE, LONGITUDE, 37.4133, -122.1162) <= 5 EMIT CHANGES;

-- case: tutorial 05 insert values with column list
INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('c2309eec', 37.7877, -122.4205);
-- expect: INSERT INTO RIDERLOCATIONS (PROFILEID, LATITUDE, LONGITUDE) VALUES ('c2309eec', 37.7877, -122.4205);

-- case: tutorial 06 pull query lower case from
SELECT * from ridersNearMountainView WHERE distanceInMiles <= 10;
-- expect: SELECT * FROM RIDERSNEARMOUNTAINVIEW WHERE DISTANCEINMILES <= 10;

-- case: tutorial 07 pull key lookup
SELECT * FROM currentLocation WHERE profileId = '4ab5cbad';
-- expect: SELECT * FROM CURRENTLOCATION WHERE PROFILEID = '4ab5cbad';

-- case: tutorial 08 set auto offset reset
SET 'auto.offset.reset' = 'earliest';
-- expect: SET 'auto.offset.reset' = 'earliest';

-- case: tutorial 09 show and list streams
SHOW STREAMS;
LIST STREAMS;
-- expect: SHOW STREAMS;
-- expect: SHOW STREAMS;

-- case: tutorial 10 show tables
SHOW TABLES;
-- expect: SHOW TABLES;

-- case: tutorial 11 show queries
SHOW QUERIES;
-- expect: SHOW QUERIES;

-- case: tutorial 12 show topics
SHOW TOPICS;
-- expect: SHOW TOPICS;

-- case: tutorial 13 show properties
SHOW PROPERTIES;
-- expect: SHOW PROPERTIES;

-- case: tutorial 14 describe and describe extended
DESCRIBE riderLocations;
DESCRIBE currentLocation EXTENDED;
-- expect: DESCRIBE RIDERLOCATIONS;
-- expect: DESCRIBE CURRENTLOCATION EXTENDED;

-- case: tutorial 15 explain query id
EXPLAIN CTAS_CURRENTLOCATION_3;
-- expect: EXPLAIN CTAS_CURRENTLOCATION_3;

-- case: tutorial 16 print from beginning limit
PRINT 'locations' FROM BEGINNING LIMIT 3;
-- expect: PRINT 'locations' FROM BEGINNING LIMIT 3;

-- case: tutorial 17 create table with primary key
CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);
-- expect: CREATE TABLE USERS (`ID` BIGINT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);

-- case: tutorial 18 csas without emit
CREATE STREAM pageviews_home AS SELECT * FROM pageviews WHERE user_id = 'home';
-- expect: CREATE STREAM PAGEVIEWS_HOME AS SELECT * FROM PAGEVIEWS WHERE USER_ID = 'home';

-- case: tutorial 19 ctas with unnamed aggregate
CREATE TABLE pageviews_home_count AS SELECT user_id, COUNT(*) FROM pageviews_home GROUP BY user_id EMIT CHANGES;
-- expect: CREATE TABLE PAGEVIEWS_HOME_COUNT AS SELECT USER_ID, COUNT(*) FROM PAGEVIEWS_HOME GROUP BY USER_ID EMIT CHANGES;

-- case: tutorial 20 tumbling window bounds
SELECT windowstart, windowend, item_id, SUM(quantity) FROM orders WINDOW TUMBLING (SIZE 20 SECONDS) GROUP BY item_id EMIT CHANGES;
-- expect: SELECT WINDOWSTART, WINDOWEND, ITEM_ID, SUM(QUANTITY) FROM ORDERS WINDOW TUMBLING (SIZE 20 SECONDS) GROUP BY ITEM_ID EMIT CHANGES;

-- case: tutorial 21 hopping window
SELECT windowstart, windowend, item_id, SUM(quantity) FROM orders WINDOW HOPPING (SIZE 20 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY item_id EMIT CHANGES;
-- expect: SELECT WINDOWSTART, WINDOWEND, ITEM_ID, SUM(QUANTITY) FROM ORDERS WINDOW HOPPING (SIZE 20 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY ITEM_ID EMIT CHANGES;

-- case: tutorial 22 session window
SELECT windowstart, windowend, item_id, SUM(quantity) FROM orders WINDOW SESSION (20 SECONDS) GROUP BY item_id EMIT CHANGES;
-- expect: SELECT WINDOWSTART, WINDOWEND, ITEM_ID, SUM(QUANTITY) FROM ORDERS WINDOW SESSION (20 SECONDS) GROUP BY ITEM_ID EMIT CHANGES;

-- case: tutorial 23 tumbling with grace period and topk
SELECT order_zipcode, TOPK(order_total, 5) FROM orders WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) GROUP BY order_zipcode EMIT CHANGES;
-- expect: SELECT ORDER_ZIPCODE, TOPK(ORDER_TOTAL, 5) FROM ORDERS WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 2 HOURS) GROUP BY ORDER_ZIPCODE EMIT CHANGES;

-- case: tutorial 24 hopping with retention grace where like
CREATE TABLE pageviews_per_region AS SELECT regionid, COUNT(*) FROM pageviews WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, RETENTION 7 DAYS, GRACE PERIOD 30 MINUTES) WHERE UCASE(gender)='FEMALE' AND LCASE(regionid) LIKE '%_6' GROUP BY regionid EMIT CHANGES;
-- expect: CREATE TABLE PAGEVIEWS_PER_REGION AS SELECT REGIONID, COUNT(*) FROM PAGEVIEWS WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, RETENTION 7 DAYS, GRACE PERIOD 30 MINUTES) WHERE UCASE(GENDER) = 'FEMALE' AND LCASE(REGIONID) LIKE '%_6' GROUP BY REGIONID EMIT CHANGES;

-- case: tutorial 25 singular units and max rowtime
SELECT order_zipcode, from_unixtime(WINDOWSTART) as Window_Start, from_unixtime(WINDOWEND) as Window_End, from_unixtime(max(ROWTIME)) as Window_Emit, count(orderId) as number_of_orders FROM orders WINDOW TUMBLING (SIZE 5 minute, GRACE PERIOD 1 minute) GROUP BY order_zipcode EMIT CHANGES;
-- expect: SELECT ORDER_ZIPCODE, FROM_UNIXTIME(WINDOWSTART) AS WINDOW_START, FROM_UNIXTIME(WINDOWEND) AS WINDOW_END, FROM_UNIXTIME(MAX(ROWTIME)) AS WINDOW_EMIT, COUNT(ORDERID) AS NUMBER_OF_ORDERS FROM ORDERS WINDOW TUMBLING (SIZE 5 MINUTES, GRACE PERIOD 1 MINUTE) GROUP BY ORDER_ZIPCODE EMIT CHANGES;

-- case: tutorial 26 stream table left join
CREATE STREAM pageviews_enriched AS SELECT users.userid AS userid, pageid, regionid, gender FROM pageviews LEFT JOIN users ON pageviews.userid = users.userid EMIT CHANGES;
-- expect: CREATE STREAM PAGEVIEWS_ENRICHED AS SELECT USERS.USERID AS USERID, PAGEID, REGIONID, GENDER FROM PAGEVIEWS LEFT JOIN USERS ON PAGEVIEWS.USERID = USERS.USERID EMIT CHANGES;

-- case: tutorial 27 three way join with grace
CREATE STREAM shipped_orders AS SELECT o.id as orderId, o.itemid as itemId, s.id as shipmentId, p.id as paymentId FROM orders o INNER JOIN payments p WITHIN 1 HOURS GRACE PERIOD 15 MINUTES ON p.id = o.id INNER JOIN shipments s WITHIN 2 HOURS GRACE PERIOD 15 MINUTES ON s.id = o.id;
-- expect: CREATE STREAM SHIPPED_ORDERS AS SELECT O.`ID` AS ORDERID, O.ITEMID AS ITEMID, S.`ID` AS SHIPMENTID, P.`ID` AS PAYMENTID FROM ORDERS O INNER JOIN PAYMENTS P WITHIN 1 HOUR GRACE PERIOD 15 MINUTES ON P.`ID` = O.`ID` INNER JOIN SHIPMENTS S WITHIN 2 HOURS GRACE PERIOD 15 MINUTES ON S.`ID` = O.`ID`;

-- case: tutorial 28 ctas lower case functions
CREATE TABLE customers_by_key AS SELECT id, latest_by_offset(name) AS name, latest_by_offset(age) AS age FROM customers GROUP BY id EMIT CHANGES;
-- expect: CREATE TABLE CUSTOMERS_BY_KEY AS SELECT `ID`, LATEST_BY_OFFSET(NAME) AS NAME, LATEST_BY_OFFSET(AGE) AS AGE FROM CUSTOMERS GROUP BY `ID` EMIT CHANGES;

-- case: tutorial 29 csas left join with as alias and bare alias
CREATE STREAM enriched_orders AS SELECT o.order_id, o.price, o.currency, c.id AS customer_id, c.name AS customer_name, c.age AS customer_age FROM orders AS o LEFT JOIN customers_by_key c ON o.customer_id = c.id EMIT CHANGES;
-- expect: CREATE STREAM ENRICHED_ORDERS AS SELECT O.ORDER_ID, O.PRICE, O.CURRENCY, C.`ID` AS CUSTOMER_ID, C.NAME AS CUSTOMER_NAME, C.AGE AS CUSTOMER_AGE FROM ORDERS O LEFT JOIN CUSTOMERS_BY_KEY C ON O.CUSTOMER_ID = C.`ID` EMIT CHANGES;

-- case: tutorial 30 key column decimal and timestamp column
CREATE STREAM transactions (tx_id VARCHAR KEY, email_address VARCHAR, card_number VARCHAR, timestamp VARCHAR, amount DECIMAL(12, 2)) WITH (kafka_topic = 'transactions', partitions = 8, value_format = 'avro', timestamp = 'timestamp', timestamp_format = 'yyyy-MM-dd''T''HH:mm:ss');
-- expect: CREATE STREAM TRANSACTIONS (TX_ID STRING KEY, EMAIL_ADDRESS STRING, CARD_NUMBER STRING, `TIMESTAMP` STRING, AMOUNT DECIMAL(12, 2)) WITH (KAFKA_TOPIC='transactions', PARTITIONS=8, VALUE_FORMAT='avro', TIMESTAMP='timestamp', TIMESTAMP_FORMAT='yyyy-MM-dd''T''HH:mm:ss');

-- case: tutorial 31 struct dereference in group by
CREATE TABLE support_view AS SELECT after->name AS name, count_distinct(after->reason) AS distinct_reasons, latest_by_offset(after->reason) AS last_reason FROM calls GROUP BY after->name EMIT CHANGES;
-- expect: CREATE TABLE SUPPORT_VIEW AS SELECT AFTER->NAME AS NAME, COUNT_DISTINCT(AFTER->REASON) AS DISTINCT_REASONS, LATEST_BY_OFFSET(AFTER->REASON) AS LAST_REASON FROM CALLS GROUP BY AFTER->NAME EMIT CHANGES;

-- case: tutorial 32 ctas from table then pull lookup
CREATE TABLE TOP_TEN_RANKS AS SELECT ID, RANK FROM GRADES WHERE RANK <= 10;
SELECT * FROM TOP_TEN_RANKS WHERE ID = 5;
-- expect: CREATE TABLE TOP_TEN_RANKS AS SELECT `ID`, RANK FROM GRADES WHERE RANK <= 10;
-- expect: SELECT * FROM TOP_TEN_RANKS WHERE `ID` = 5;

-- case: tutorial 33 windowed ctas then windowed pull query
CREATE TABLE NUMBER_OF_TESTS AS SELECT ID, COUNT(1) AS COUNT FROM STUDENTS WINDOW TUMBLING(SIZE 1 SECOND) GROUP BY ID;
SELECT * FROM NUMBER_OF_TESTS WHERE ID='10' AND 100 <= WindowStart AND WindowEnd <= 16000;
-- expect: CREATE TABLE NUMBER_OF_TESTS AS SELECT `ID`, COUNT(1) AS COUNT FROM STUDENTS WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY `ID`;
-- expect: SELECT * FROM NUMBER_OF_TESTS WHERE `ID` = '10' AND 100 <= WINDOWSTART AND WINDOWEND <= 16000;

-- case: tutorial 34 create sink connector
CREATE SINK CONNECTOR enriched_writer WITH ('connector.class' = 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', 'connection.url' = 'http://elastic:9200', 'type.name' = 'kafka-connect', 'topics' = 'shipped_orders');
-- expect: CREATE SINK CONNECTOR ENRICHED_WRITER WITH ('connector.class'='io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', 'connection.url'='http://elastic:9200', 'type.name'='kafka-connect', 'topics'='shipped_orders');

-- case: tutorial 35 drop delete topic and terminate
DROP STREAM IF EXISTS pageviews_home DELETE TOPIC;
TERMINATE CSAS_PAGEVIEWS_HOME_0;
-- expect: DROP STREAM IF EXISTS PAGEVIEWS_HOME DELETE TOPIC;
-- expect: TERMINATE CSAS_PAGEVIEWS_HOME_0;

-- case: tutorial 36 define then use variable as alias
DEFINE name = 'user';
SELECT profileId AS ${name} FROM riderLocations EMIT CHANGES;
-- expect: DEFINE name = 'user';
-- expect: SELECT PROFILEID AS USER FROM RIDERLOCATIONS EMIT CHANGES;
