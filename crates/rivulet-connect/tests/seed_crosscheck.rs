//! Cross-check against the seed producer's real Python semantics. `tests/seed/crosscheck_cases.py`
//! generates random bodies (duplicate and colliding keys, escapes, non-ASCII, coerced top-level
//! scalars) and what the seed (pydantic v1 coercion, `flatten_dict`, `{**flat, **info}`,
//! `json.dumps`) writes for them:
//!
//! ```text
//! python3 tests/seed/crosscheck_cases.py 1 3000 /tmp/cases.json
//! RIVULET_SEED_CASES=/tmp/cases.json cargo test -p rivulet-connect --test seed_crosscheck -- --ignored
//! ```
//! Skipped in normal runs (it needs Python to produce its input).

use rivulet_connect::sensor_logger::{
    decode_batch, decode_batch_careful_only, decode_batch_fast_only,
};
use serde_json::Value;

#[test]
#[ignore = "needs RIVULET_SEED_CASES from tests/seed/crosscheck_cases.py"]
fn decoder_writes_what_the_seed_wrote() {
    let Ok(path) = std::env::var("RIVULET_SEED_CASES") else {
        eprintln!("RIVULET_SEED_CASES not set; nothing to check");
        return;
    };
    let cases: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut fast = 0;
    for (n, case) in cases.as_array().unwrap().iter().enumerate() {
        let body = case["body"].as_str().unwrap();
        let batch =
            decode_batch(body.as_bytes()).unwrap_or_else(|e| panic!("case {n}: {e}\n{body}"));
        let expected = case["records"].as_array().unwrap();
        assert_eq!(batch.records.len(), expected.len(), "case {n}");
        for (i, (r, e)) in batch.records.iter().zip(expected).enumerate() {
            let value = std::str::from_utf8(r.value.as_ref().unwrap()).unwrap();
            assert_eq!(
                value,
                e["value"].as_str().unwrap(),
                "case {n} record {i}\n{body}"
            );
            assert_eq!(
                r.timestamp,
                e["ts"].as_i64().unwrap(),
                "case {n} record {i}"
            );
            assert_eq!(
                r.key.as_deref(),
                Some(case["device"].as_str().unwrap().as_bytes())
            );
        }
        let careful = decode_batch_careful_only(body.as_bytes()).unwrap();
        assert_eq!(careful, batch, "case {n}");
        if let Some(f) = decode_batch_fast_only(body.as_bytes()) {
            assert_eq!(f, careful, "case {n}");
            fast += 1;
        }
    }
    eprintln!(
        "{} cases, {fast} on the fast path",
        cases.as_array().unwrap().len()
    );
}
