//! Fuzzes the decoders of `POST /topics/{topic}/records` bodies (JSON records and NDJSON): they
//! must never panic, positions they report must lie inside the body, and an accepted NDJSON body
//! yields one record per non-blank line, each holding valid JSON.
//!
//! `cargo +nightly fuzz run produce_request_decode`

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use rivulet_connect::{
    decode_error::DecodeError,
    produce_request::{decode_json_records, decode_ndjson},
};

fuzz_target!(|data: &[u8]| {
    match decode_json_records(data, 0) {
        Err(DecodeError::Syntax { byte, line, .. }) => assert!(byte <= data.len() && line >= 1),
        Err(DecodeError::Invalid(errors)) => assert!(!errors.is_empty()),
        Ok(_) => {}
    }
    let body = Bytes::copy_from_slice(data);
    match decode_ndjson(&body, 0) {
        Err(DecodeError::Syntax { byte, line, .. }) => assert!(byte <= data.len() && line >= 1),
        Err(DecodeError::Invalid(_)) => panic!("NDJSON reports syntax errors only"),
        Ok(records) => {
            let lines = data
                .split(|b| *b == b'\n')
                .filter(|l| !l.trim_ascii().is_empty())
                .count();
            assert_eq!(records.len(), lines);
            for r in records {
                let v = r.record.value.expect("NDJSON records carry a value");
                assert!(serde_json::from_slice::<serde::de::IgnoredAny>(&v).is_ok());
            }
        }
    }
});
