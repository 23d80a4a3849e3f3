//! Properties of `decode_batch` on arbitrary input: it never panics, and the single-pass fast path
//! never disagrees with the careful reference decoder (whatever it accepts, the careful path
//! decodes to the very same batch).

use proptest::prelude::*;
use rivulet_connect::sensor_logger::{
    decode_batch, decode_batch_careful_only, decode_batch_fast_only, DecodeError,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Bodies worth mutating: every fixture, pretty and compact, plus a few odd but valid shapes.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for name in [
        "triaxial-batch.json",
        "triaxial-batch-string-time.json",
        "location-batch.json",
        "mixed-batch-30.json",
        "test-push.json",
        "malformed/wrong-types.json",
        "malformed/non-numeric-time.json",
        "malformed/reading-without-name.json",
        "malformed/truncated.json",
    ] {
        let body = fixture(name);
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
            out.push(serde_json::to_vec(&v).unwrap());
        }
        out.push(body);
    }
    out.push(
        br#"{"payload":[{"time":"5","values":{"a":{"b":[1,{"c":"\u00e9"}]},"x":null},"name":"gravity","accuracy":2.5e0,"ok":true}],"deviceId":"d\u00e9","messageId":"7","sessionId":"s"}"#
            .to_vec(),
    );
    out
}

/// Bytes that matter to JSON, to make mutations hit structure more often than not.
const INTERESTING: &[u8] = b"{}[],:\"\\-+0123456789.eEtfnul \n\t_xyz\x00\x7f\xc3\xa9\xff";

fn agree(body: &[u8]) {
    let careful = decode_batch_careful_only(body);
    if let Some(fast) = decode_batch_fast_only(body) {
        match &careful {
            Ok(c) => assert_eq!(&fast, c, "fast and careful paths differ"),
            Err(e) => panic!("fast path accepted what the careful path rejects: {e}"),
        }
    }
    match (decode_batch(body), &careful) {
        (Ok(a), Ok(b)) => assert_eq!(&a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("decode_batch {a:?} vs careful {b:?}"),
    }
    match careful {
        Err(DecodeError::Syntax {
            byte, line, column, ..
        }) => {
            assert!(byte <= body.len());
            assert!(line >= 1 && column >= 1);
        }
        Err(DecodeError::Invalid(errors)) => assert!(!errors.is_empty()),
        Ok(batch) => {
            for r in &batch.records {
                let v = r.value.as_ref().expect("every record has a value");
                assert!(v.is_ascii(), "ensure_ascii output");
                // Valid JSON text (RawValue checks the grammar only: `1e400` is valid JSON).
                assert!(serde_json::from_slice::<&serde_json::value::RawValue>(v).is_ok());
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![
        3 => proptest::sample::select(INTERESTING.to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(p, b)| Edit::Replace(p, b)),
        (any::<usize>(), byte).prop_map(|(p, b)| Edit::Insert(p, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(body: &mut Vec<u8>, e: &Edit) {
    let n = body.len();
    match *e {
        Edit::Replace(p, b) if n > 0 => body[p % n] = b,
        Edit::Insert(p, b) => body.insert(p % (n + 1), b),
        Edit::Delete(p) if n > 0 => {
            body.remove(p % n);
        }
        Edit::Truncate(p) => body.truncate(p % (n + 1)),
        _ => {}
    }
}

/// A JSON text for a value inside `values`, with a few spellings of each kind.
fn value_text(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        any::<i64>().prop_map(|i| i.to_string()),
        Just("-0".to_string()),
        Just("1e400".to_string()),
        Just("1.50E-3".to_string()),
        "[a-z_\\u{e9}\\u{1F4F1}\"\\\\/\\n]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("\"\\u00e9\\/\\ud83d\\udcf1\"".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        4 => leaf,
        1 => proptest::collection::vec(value_text(depth - 1), 0..3)
            .prop_map(|items| format!("[{}]", items.join(","))),
        1 => object_text(depth - 1),
    ]
    .boxed()
}

fn key_text() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => proptest::sample::select(vec!["x", "y", "z", "a", "b", "a_b", "unit\u{e9}"])
            .prop_map(|k| serde_json::to_string(k).unwrap()),
        1 => proptest::sample::select(vec!["", "_", "values_x", "deviceId", "messageId", "name", "time"])
            .prop_map(|k| serde_json::to_string(k).unwrap()),
        1 => Just("\"\\u0078\"".to_string()),
    ]
}

fn object_text(depth: u32) -> BoxedStrategy<String> {
    proptest::collection::vec((key_text(), value_text(depth)), 0..5)
        .prop_map(|members| {
            let parts: Vec<String> = members.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("{{{}}}", parts.join(","))
        })
        .boxed()
}

fn reading_text() -> impl Strategy<Value = String> {
    let name = proptest::sample::select(vec![
        "accelerometer",
        "gyroscope",
        "gravity",
        "orientation",
        "test",
        "bluetooth-aa",
    ]);
    let time = prop_oneof![
        any::<i64>().prop_map(|t| t.to_string()),
        (0i64..i64::MAX).prop_map(|t| format!("\"{t}\"")),
    ];
    let extra = proptest::option::of((
        proptest::sample::select(vec!["accuracy", "meta", "values_x", "deviceId"]),
        value_text(1),
    ));
    (name, time, object_text(2), extra, any::<bool>()).prop_map(
        |(name, time, values, extra, values_first)| {
            let mut parts = vec![format!("\"name\":\"{name}\""), format!("\"time\":{time}")];
            let values = format!("\"values\":{values}");
            if values_first {
                parts.insert(0, values);
            } else {
                parts.push(values);
            }
            if let Some((k, v)) = extra {
                parts.push(format!("\"{k}\":{v}"));
            }
            format!("{{{}}}", parts.join(","))
        },
    )
}

fn batch_text() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(reading_text(), 0..6),
        any::<i64>(),
        proptest::sample::select(vec!["\"d\"", "\"t\\u00e9l\u{e9}phone\"", "\"5d0c\""]),
        any::<bool>(),
    )
        .prop_map(|(readings, mid, device, ids_last)| {
            let payload = format!("\"payload\":[{}]", readings.join(",\n "));
            let ids = format!("\"messageId\":{mid},\"sessionId\":\"s\",\"deviceId\":{device}");
            if ids_last {
                format!("{{{payload},{ids}}}")
            } else {
                format!("{{{ids},{payload}}}")
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        agree(&body);
    }

    #[test]
    fn mutated_batches_never_panic(
        seed in 0usize..64,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let seeds = seeds();
        let mut body = seeds[seed % seeds.len()].clone();
        for e in &edits {
            apply(&mut body, e);
        }
        agree(&body);
    }

    #[test]
    fn generated_batches_decode_the_same_on_both_paths(body in batch_text()) {
        agree(body.as_bytes());
    }
}

#[test]
fn generated_batches_mostly_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut fast) = (0, 0);
    for _ in 0..400 {
        let body = batch_text().new_tree(&mut runner).unwrap().current();
        if decode_batch_careful_only(body.as_bytes()).is_ok() {
            ok += 1;
            fast += usize::from(decode_batch_fast_only(body.as_bytes()).is_some());
        }
    }
    assert!(ok > 100, "{ok} valid of 400");
    assert!(fast > 0, "none of {ok} valid batches took the fast path");
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
    let deep = format!(
        "{{\"messageId\":1,\"sessionId\":\"s\",\"deviceId\":\"d\",\"payload\":[{{\"name\":\"a\",\"time\":1,\"values\":{}1{}}}]}}",
        "{\"k\":".repeat(100_000),
        "}".repeat(100_000)
    );
    assert!(matches!(
        decode_batch(deep.as_bytes()),
        Err(DecodeError::Syntax { .. })
    ));
    let arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        decode_batch(arrays.as_bytes()),
        Err(DecodeError::Syntax { .. })
    ));
    // 60 levels is fine on both paths.
    let ok = format!(
        "{{\"messageId\":1,\"sessionId\":\"s\",\"deviceId\":\"d\",\"payload\":[{{\"name\":\"a\",\"time\":1,\"values\":{}1{}}}]}}",
        "{\"k\":".repeat(60),
        "}".repeat(60)
    );
    agree(ok.as_bytes());
    assert!(decode_batch(ok.as_bytes()).is_ok());
}

#[test]
fn many_keys_stay_linear() {
    // 20 000 distinct keys and 20 000 duplicates in one reading: hash-indexed, not quadratic.
    let mut values: Vec<String> = (0..20_000).map(|i| format!("\"k{i}\":{i}")).collect();
    values.extend((0..20_000).map(|i| format!("\"k{i}\":{}", i + 1)));
    let body = format!(
        "{{\"messageId\":1,\"sessionId\":\"s\",\"deviceId\":\"d\",\"payload\":[{{\"name\":\"a\",\"time\":1,\"values\":{{{}}}}}]}}",
        values.join(",")
    );
    let started = std::time::Instant::now();
    let batch = decode_batch(body.as_bytes()).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let v = std::str::from_utf8(batch.records[0].value.as_ref().unwrap()).unwrap();
    assert!(v.contains("\"values_k19999\":20000,"));
}
