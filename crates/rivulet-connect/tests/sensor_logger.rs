//! The Sensor Logger decoder against the shared fixtures (copied into `tests/fixtures/`) and the
//! seed producer's semantics.

use rivulet_connect::sensor_logger::{
    decode_batch, decode_batch_careful_only, decode_batch_fast_only, response_body, DecodeError,
    FieldError, PhoneBatch, PHONE_TOPIC,
};
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode_ok(body: &[u8]) -> PhoneBatch {
    match decode_batch(body) {
        Ok(b) => b,
        Err(e) => panic!("decode failed: {e}"),
    }
}

fn invalid(body: &[u8]) -> Vec<FieldError> {
    match decode_batch(body) {
        Err(DecodeError::Invalid(errors)) => errors,
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn values(batch: &PhoneBatch) -> Vec<String> {
    batch
        .records
        .iter()
        .map(|r| String::from_utf8(r.value.clone().unwrap().to_vec()).unwrap())
        .collect()
}

/// Equal as JSON values *and* with the same key order at every level.
fn assert_same_json(actual: &Value, expected: &Value, at: &str) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            let ak: Vec<&String> = a.keys().collect();
            let ek: Vec<&String> = e.keys().collect();
            assert_eq!(ak, ek, "key order at {at}");
            for (k, v) in a {
                assert_same_json(v, &e[k], &format!("{at}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "array length at {at}");
            for (i, (x, y)) in a.iter().zip(e).enumerate() {
                assert_same_json(x, y, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(actual, expected, "value at {at}"),
    }
}

const DEVICE: &str = "5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10";
const SESSION: &str = "a7e3c9b2-1f44-4d8e-b0c6-7e2d9f1a3b55";

const GOOD: [(&str, usize); 5] = [
    ("triaxial-batch.json", 18),
    ("triaxial-batch-string-time.json", 12),
    ("location-batch.json", 5),
    ("mixed-batch-30.json", 30),
    ("test-push.json", 1),
];

const MALFORMED: [&str; 7] = [
    "missing-payload.json",
    "payload-not-array.json",
    "wrong-types.json",
    "non-numeric-time.json",
    "missing-device-id.json",
    "reading-without-name.json",
    "truncated.json",
];

#[test]
fn topic_name_is_the_seeds() {
    assert_eq!(PHONE_TOPIC, "smartphone-sensor-data");
}

#[test]
fn good_fixtures_decode_on_the_fast_path() {
    for (name, count) in GOOD {
        let body = fixture(name);
        let batch = decode_ok(&body);
        assert_eq!(batch.records.len(), count, "{name}");
        assert_eq!(batch.session_id, SESSION);
        assert_eq!(batch.device_id, DEVICE);
        let source: Value = serde_json::from_slice(&body).unwrap();
        let payload = source["payload"].as_array().unwrap();
        for (record, reading) in batch.records.iter().zip(payload) {
            assert_eq!(record.key.as_deref(), Some(DEVICE.as_bytes()));
            assert!(record.headers.is_empty());
            let ns: i64 = match &reading["time"] {
                Value::String(s) => s.parse().unwrap(),
                v => v.as_i64().unwrap(),
            };
            assert_eq!(record.timestamp, ns.div_euclid(1_000_000), "{name}");
            let value: Value = serde_json::from_slice(record.value.as_ref().unwrap()).unwrap();
            assert_eq!(value["name"], reading["name"]);
            assert_eq!(value["time"], Value::String(ns.to_string()));
            assert_eq!(value["messageId"], source["messageId"]);
        }
        // The hot path handles every good fixture, and agrees with the reference decoder.
        let fast = decode_batch_fast_only(&body).unwrap_or_else(|| panic!("{name} fell back"));
        assert_eq!(Some(fast), decode_batch_careful_only(&body).ok(), "{name}");
    }
}

#[test]
fn string_time_batch_matches_the_seed_kafka_values() {
    let batch = decode_ok(&fixture("triaxial-batch-string-time.json"));
    let expected: Value = serde_json::from_slice(&fixture(
        "triaxial-batch-string-time.expected-kafka-values.json",
    ))
    .unwrap();
    let expected = expected.as_array().unwrap();
    let actual = values(&batch);
    assert_eq!(actual.len(), expected.len());
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let parsed: Value = serde_json::from_str(a).unwrap();
        assert_same_json(&parsed, e, &format!("record {i}"));
    }
    // Compact separators, numbers as sent: byte-equal to the file with its whitespace removed
    // (its strings hold no whitespace).
    let text = fixture("triaxial-batch-string-time.expected-kafka-values.json");
    let compact: String = String::from_utf8(text)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert_eq!(format!("[{}]", actual.join(",")), compact);
}

#[test]
fn string_time_batch_feeds_the_seed_push_query_rows() {
    // The seed's push query: accelerometeruncalibrated rows as [deviceId, time, x, y, z].
    let batch = decode_ok(&fixture("triaxial-batch-string-time.json"));
    let rows: Vec<Value> = values(&batch)
        .iter()
        .map(|v| serde_json::from_str::<Value>(v).unwrap())
        .filter(|v| v["name"] == "accelerometeruncalibrated")
        .map(|v| {
            let time: i64 = v["time"].as_str().unwrap().parse().unwrap();
            serde_json::json!([
                v["deviceId"],
                time,
                v["values_x"],
                v["values_y"],
                v["values_z"]
            ])
        })
        .collect();
    let expected: Value = serde_json::from_slice(&fixture(
        "triaxial-batch-string-time.expected-push-rows.json",
    ))
    .unwrap();
    assert_eq!(Value::Array(rows), expected);
}

#[test]
fn accuracy_becomes_a_string_after_the_values() {
    let batch = decode_ok(&fixture("triaxial-batch.json"));
    let first = &values(&batch)[0];
    assert_eq!(
        first,
        &format!(
            "{{\"name\":\"accelerometer\",\"time\":\"1717000000133456700\",\
             \"values_z\":-0.030087548092366356,\"values_y\":0.09742430760218457,\
             \"values_x\":-0.15343351675204134,\"accuracy\":\"3\",\"messageId\":12,\
             \"sessionId\":\"{SESSION}\",\"deviceId\":\"{DEVICE}\"}}"
        )
    );
}

#[test]
fn test_push_is_written_like_any_reading() {
    let batch = decode_ok(&fixture("test-push.json"));
    assert_eq!(
        values(&batch),
        [format!(
            "{{\"name\":\"test\",\"time\":\"1717000000123456700\",\"messageId\":0,\
             \"sessionId\":\"{SESSION}\",\"deviceId\":\"{DEVICE}\"}}"
        )]
    );
    assert_eq!(batch.records[0].timestamp, 1_717_000_000_123);
}

#[test]
fn string_and_integer_time_give_the_same_records() {
    let text = String::from_utf8(fixture("triaxial-batch-string-time.json")).unwrap();
    let as_integers = regex_free_unquote_times(&text);
    assert_ne!(text, as_integers);
    assert_eq!(
        decode_ok(text.as_bytes()),
        decode_ok(as_integers.as_bytes())
    );
}

/// `"time": "123"` → `"time": 123`.
fn regex_free_unquote_times(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(p) = rest.find("\"time\": \"") {
        out.push_str(&rest[..p + 8]);
        rest = &rest[p + 9..];
        let end = rest.find('"').unwrap();
        out.push_str(&rest[..end]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn body_with(readings: &str) -> String {
    format!("{{\"messageId\":7,\"sessionId\":\"s\",\"deviceId\":\"d\",\"payload\":[{readings}]}}")
}

#[test]
fn time_is_parsed_exactly_as_i64_nanoseconds() {
    let cases = [
        ("1717000002133456600", 1_717_000_002_133),
        ("\"1717000002133456600\"", 1_717_000_002_133),
        ("9223372036854775807", 9_223_372_036_854),
        ("-1", -1),
        ("-1000000", -1),
        ("-1000001", -2),
        ("0", 0),
        ("\"0000000000001000000\"", 1),
    ];
    for (time, ms) in cases {
        let body = body_with(&format!(
            "{{\"name\":\"gravity\",\"time\":{time},\"values\":{{}}}}"
        ));
        let batch = decode_ok(body.as_bytes());
        assert_eq!(batch.records[0].timestamp, ms, "{time}");
    }
    // Integer text kept, Python's str(int) for the one odd spelling.
    let body = body_with("{\"name\":\"gravity\",\"time\":-0,\"values\":{}}");
    assert!(values(&decode_ok(body.as_bytes()))[0].contains("\"time\":\"0\""));
    let body = body_with("{\"name\":\"gravity\",\"time\":\"0017\",\"values\":{}}");
    assert!(values(&decode_ok(body.as_bytes()))[0].contains("\"time\":\"0017\""));
}

#[test]
fn bad_times_name_their_reading() {
    let expected = "expected an integer or a string of digits (epoch nanoseconds)";
    let range = "out of range: epoch nanoseconds must fit a signed 64-bit integer";
    for (time, message) in [
        ("1.5e18", expected),
        ("1717000000000000000.0", expected),
        ("\"-5\"", expected),
        ("\"\"", expected),
        ("\" 5\"", expected),
        ("true", expected),
        ("null", expected),
        ("{}", expected),
        ("9223372036854775808", range),
        ("\"99999999999999999999\"", range),
    ] {
        let body = body_with(&format!(
            "{{\"name\":\"a\",\"time\":1,\"values\":{{}}}},{{\"name\":\"b\",\"time\":{time},\"values\":{{}}}}"
        ));
        assert_eq!(
            invalid(body.as_bytes()),
            [FieldError {
                path: "payload[1].time".into(),
                message: message.into()
            }],
            "{time}"
        );
    }
}

#[test]
fn malformed_fixtures_name_what_and_where() {
    let expect = |name: &str, paths: &[&str]| {
        let errors = invalid(&fixture(&format!("malformed/{name}")));
        let got: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(got, paths, "{name}: {errors:?}");
        errors
    };
    let e = expect("missing-payload.json", &["payload"]);
    assert_eq!(e[0].message, "is required");
    let e = expect("payload-not-array.json", &["payload"]);
    assert_eq!(e[0].message, "must be an array of readings");
    let e = expect("wrong-types.json", &["messageId", "payload[1].values.x"]);
    assert_eq!(e[0].message, "expected an integer or a string of digits");
    assert_eq!(e[1].message, "expected a number or null");
    let e = expect("non-numeric-time.json", &["payload[1].time"]);
    assert_eq!(
        e[0].to_string(),
        "payload[1].time: expected an integer or a string of digits (epoch nanoseconds)"
    );
    let e = expect("missing-device-id.json", &["deviceId"]);
    assert_eq!(e[0].to_string(), "deviceId: is required");
    let e = expect("reading-without-name.json", &["payload[1].name"]);
    assert_eq!(e[0].to_string(), "payload[1].name: is required");

    let body = fixture("malformed/truncated.json");
    match decode_batch(&body) {
        Err(DecodeError::Syntax {
            line,
            column,
            byte,
            message,
        }) => {
            assert_eq!((line, column, byte), (1, body.len() + 1, body.len()));
            assert_eq!(message, "unexpected end of input");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // Every malformed fixture falls back from the fast path and fails there too.
    for name in MALFORMED {
        let body = fixture(&format!("malformed/{name}"));
        assert!(decode_batch_fast_only(&body).is_none(), "{name}");
        assert!(decode_batch(&body).is_err(), "{name}");
    }
}

#[test]
fn error_messages_read_well() {
    let e = decode_batch(&fixture("malformed/wrong-types.json")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "messageId: expected an integer or a string of digits; \
         payload[1].values.x: expected a number or null"
    );
    let e = decode_batch(b"{\n  \"messageId\": 1,\n  x}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed JSON at line 3, column 3 (byte 22): expected a string key"
    );
}

#[test]
fn every_problem_is_listed_in_document_order() {
    let body = r#"{"messageId": 1.5, "sessionId": 3, "payload": [
        {"name": 1, "time": "x", "values": []},
        5,
        {"values": {"x": "a", "y": [1], "z": {"q": 1}}, "name": "gyroscope"},
        {"name": "gyroscope", "time": 1, "values": {"x": 1, "y": null, "z": 2.5e3}}
    ]}"#;
    let paths: Vec<String> = invalid(body.as_bytes())
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert_eq!(
        paths,
        [
            "messageId",
            "sessionId",
            "payload[0].name",
            "payload[0].time",
            "payload[0].values",
            "payload[1]",
            "payload[2].values.x",
            "payload[2].values.y",
            "payload[2].values.z",
            "payload[2].time",
            "deviceId",
        ]
    );
}

#[test]
fn the_body_must_be_an_object() {
    for body in ["[]", "5", "\"x\"", "null"] {
        let errors = invalid(body.as_bytes());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "body");
    }
    for body in [
        "",
        "   ",
        "{",
        "{\"a\":1,}",
        "{} {}",
        "\u{feff}\u{feff}{}",
        "{\"a\":01}",
    ] {
        assert!(
            matches!(
                decode_batch(body.as_bytes()),
                Err(DecodeError::Syntax { .. })
            ),
            "{body:?}"
        );
    }
}

#[test]
fn a_utf8_byte_order_mark_is_tolerated() {
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend_from_slice(&fixture("test-push.json"));
    assert_eq!(decode_ok(&body), decode_ok(&fixture("test-push.json")));
    assert!(decode_batch_fast_only(&body).is_some());
}

#[test]
fn message_id_accepts_pydantic_int_coercion() {
    for (mid, v) in [("5", 5), ("\"5\"", 5), ("\"007\"", 7), ("-3", -3)] {
        let body = format!(
            "{{\"messageId\":{mid},\"sessionId\":\"s\",\"deviceId\":\"d\",\"payload\":[{{\"name\":\"a\",\"time\":1,\"values\":{{}}}}]}}"
        );
        let batch = decode_ok(body.as_bytes());
        assert_eq!(batch.message_id, v);
        assert!(values(&batch)[0].contains(&format!("\"messageId\":{v},")));
        assert!(response_body(&batch, std::time::UNIX_EPOCH)
            .starts_with(&format!("{{\"messageId\":\"{v}\",")));
    }
    for mid in [
        "\"five\"",
        "5.0",
        "true",
        "null",
        "\"-3\"",
        "9223372036854775808",
    ] {
        let body = format!(
            "{{\"messageId\":{mid},\"sessionId\":\"s\",\"deviceId\":\"d\",\"payload\":[]}}"
        );
        let errors = invalid(body.as_bytes());
        assert_eq!(errors[0].path, "messageId", "{mid}");
    }
}

#[test]
fn extra_top_level_fields_and_any_key_order_are_fine() {
    let body = r#"{"payload":[{"time":"1000000","values":{"x":1},"name":"accelerometer"}],
        "userId":{"nested":[1,"two",null]},"deviceId":"d","messageId":"3","sessionId":"s"}"#;
    let batch = decode_ok(body.as_bytes());
    assert!(decode_batch_fast_only(body.as_bytes()).is_some());
    assert_eq!(
        values(&batch),
        ["{\"time\":\"1000000\",\"values_x\":1,\"name\":\"accelerometer\",\"messageId\":3,\"sessionId\":\"s\",\"deviceId\":\"d\"}"]
    );
    assert_eq!(batch.records[0].timestamp, 1);
}

#[test]
fn non_ascii_is_escaped_in_values_and_kept_in_the_key() {
    let body = "{\"messageId\":1,\"sessionId\":\"séssion\",\"deviceId\":\"téléphone 📱\",\
        \"payload\":[{\"name\":\"magnétomètre\",\"time\":1,\"values\":{\"unité\":\"µT\",\"tab\":\"a\\tb\\u0001\\/\"}}]}";
    let batch = decode_ok(body.as_bytes());
    assert_eq!(batch.device_id, "téléphone 📱");
    assert_eq!(
        batch.records[0].key.as_deref(),
        Some("téléphone 📱".as_bytes())
    );
    assert_eq!(
        values(&batch)[0],
        "{\"name\":\"magn\\u00e9tom\\u00e8tre\",\"time\":\"1\",\"values_unit\\u00e9\":\"\\u00b5T\",\
         \"values_tab\":\"a\\tb\\u0001/\",\"messageId\":1,\"sessionId\":\"s\\u00e9ssion\",\
         \"deviceId\":\"t\\u00e9l\\u00e9phone \\ud83d\\udcf1\"}"
    );
    // Escaped ids decode to the same text (careful path) as raw UTF-8 ones.
    let escaped = body.replace("téléphone 📱", "t\\u00e9l\\u00e9phone \\ud83d\\udcf1");
    assert_eq!(decode_ok(escaped.as_bytes()), batch);
}

#[test]
fn nested_objects_flatten_at_any_depth() {
    let body = body_with(
        r#"{"name":"watch","time":1,"values":{"a":{"b":{"c":1.50,"d":[1,{"k":true}]}},"e":{}},"meta":{"v":2,"w":"x"},"accuracy":2.5}"#,
    );
    assert_eq!(
        values(&decode_ok(body.as_bytes()))[0],
        "{\"name\":\"watch\",\"time\":\"1\",\"values_a_b_c\":1.50,\"values_a_b_d\":[1,{\"k\":true}],\
         \"meta_v\":2,\"meta_w\":\"x\",\"accuracy\":\"2.5\",\"messageId\":7,\"sessionId\":\"s\",\"deviceId\":\"d\"}"
    );
}

#[test]
fn top_level_scalars_are_coerced_like_pydantic() {
    let body = body_with(
        r#"{"name":"light","time":1,"values":{"lux":3,"on":true,"off":null},"accuracy":3,"flag":true,"off":false,"gone":null,"big":1e20,"list":[1,true]}"#,
    );
    assert_eq!(
        values(&decode_ok(body.as_bytes()))[0],
        "{\"name\":\"light\",\"time\":\"1\",\"values_lux\":3,\"values_on\":true,\"values_off\":null,\
         \"accuracy\":\"3\",\"flag\":\"True\",\"off\":\"False\",\"gone\":null,\"big\":\"1e+20\",\
         \"list\":[1,true],\"messageId\":7,\"sessionId\":\"s\",\"deviceId\":\"d\"}"
    );
}

#[test]
fn unknown_sensors_accept_any_values_but_triaxial_axes_must_be_numbers() {
    let body = body_with(
        r#"{"name":"bluetooth-aa:bb","time":1,"values":{"x":"high","rssi":-40,"manufacturerData":"0x4c00"}},
           {"name":"gravity","time":2,"values":{"x":null,"y":1e-3,"z":-9.81,"w":"extra"}}"#,
    );
    let batch = decode_ok(body.as_bytes());
    assert_eq!(batch.records.len(), 2);
    assert!(values(&batch)[0].contains("\"values_x\":\"high\""));
    let body = body_with(r#"{"name":"accelerometer","time":1,"values":{"x":true}}"#);
    assert_eq!(invalid(body.as_bytes())[0].path, "payload[0].values.x");
    // An object is not a number either (found by the property tests).
    let body = body_with(r#"{"name":"gyroscope","time":1,"values":{"y":{}}}"#);
    assert_eq!(invalid(body.as_bytes())[0].path, "payload[0].values.y");
    let body = body_with(r#"{"name":"orientation","time":1,"values":{"y":{"a":1}}}"#);
    assert!(values(&decode_ok(body.as_bytes()))[0].contains("\"values_y_a\":1"));
}

#[test]
fn python_dict_merge_rules_apply() {
    // A reading's own deviceId keeps its place but takes the batch's value; duplicate keys keep
    // the first place and the last value; flattened collisions likewise.
    let body = body_with(
        r#"{"deviceId":"mine","name":"a","time":1,"values":{"x":1,"x":2,"y":{"p":1},"y":{"q":2}},"values_x":3,"name":"b"}"#,
    );
    assert!(decode_batch_fast_only(body.as_bytes()).is_none());
    assert_eq!(
        values(&decode_ok(body.as_bytes()))[0],
        "{\"deviceId\":\"d\",\"name\":\"b\",\"time\":\"1\",\"values_x\":\"3\",\"values_y_q\":2,\
         \"messageId\":7,\"sessionId\":\"s\"}"
    );
    // Duplicate batch-level keys: the last one wins, as with json.loads.
    let body = r#"{"messageId":1,"messageId":2,"sessionId":"s","deviceId":"a","deviceId":"b","payload":[5],"payload":[]}"#;
    let batch = decode_ok(body.as_bytes());
    assert_eq!((batch.message_id, batch.device_id.as_str()), (2, "b"));
    assert!(batch.records.is_empty());
    // An empty key makes Python's flatten drop the separator.
    let body = body_with(r#"{"name":"a","time":1,"values":{},"":{"k":1,"":{"j":2}}}"#);
    assert!(values(&decode_ok(body.as_bytes()))[0].contains("\"k\":1,\"j\":2,"));
}

#[test]
fn empty_payload_is_a_valid_empty_batch() {
    let batch = decode_ok(body_with("").as_bytes());
    assert!(batch.records.is_empty());
    assert_eq!(batch.message_id, 7);
}

#[test]
fn records_share_one_buffer() {
    let batch = decode_ok(&fixture("mixed-batch-30.json"));
    let first = batch.records[0].value.as_ref().unwrap().as_ptr() as usize;
    let last = batch.records[29].value.as_ref().unwrap();
    let total: usize = batch
        .records
        .iter()
        .map(|r| r.value.as_ref().unwrap().len())
        .sum();
    assert_eq!(last.as_ptr() as usize + last.len() - first, total);
}

#[test]
fn response_echoes_the_ids() {
    let batch = decode_ok(&fixture("triaxial-batch.json"));
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_micros(1_717_000_000_000_001);
    assert_eq!(
        response_body(&batch, now),
        format!(
            "{{\"messageId\":\"12\",\"sessionId\":\"{SESSION}\",\"deviceId\":\"{DEVICE}\",\
             \"timestamp\":\"2024-05-29 16:26:40.000001\"}}"
        )
    );
}
