//! Fuzzes the Sensor Logger push decoder: it must never panic, the single-pass fast path must
//! agree exactly with the careful reference decoder, and every answer must be well formed.
//!
//! Seed the corpus with `crates/rivulet-connect/tests/fixtures/` (good and malformed bodies):
//! `cargo +nightly fuzz run sensor_logger_decode corpus/sensor_logger_decode ../crates/rivulet-connect/tests/fixtures`

#![no_main]

use libfuzzer_sys::fuzz_target;
use rivulet_connect::sensor_logger::{
    decode_batch, decode_batch_careful_only, decode_batch_fast_only, response_body, DecodeError,
};

fuzz_target!(|data: &[u8]| {
    let careful = decode_batch_careful_only(data);
    if let Some(fast) = decode_batch_fast_only(data) {
        match &careful {
            Ok(c) => assert_eq!(&fast, c, "fast and careful paths differ"),
            Err(e) => panic!("fast path accepted a body the careful path rejects: {e}"),
        }
    }
    match (decode_batch(data), &careful) {
        (Ok(a), Ok(b)) => assert_eq!(&a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("decode_batch {a:?} but careful path {b:?}"),
    }
    match careful {
        Err(DecodeError::Syntax {
            byte, line, column, ..
        }) => assert!(byte <= data.len() && line >= 1 && column >= 1),
        Err(DecodeError::Invalid(errors)) => assert!(!errors.is_empty()),
        Ok(batch) => {
            for record in &batch.records {
                let value = record.value.as_ref().expect("every record has a value");
                assert!(value.is_ascii(), "record values are ensure_ascii JSON");
                assert_eq!(value.first(), Some(&b'{'));
                assert_eq!(value.last(), Some(&b'}'));
                assert_eq!(record.key.as_deref(), Some(batch.device_id.as_bytes()));
            }
            let answer = response_body(&batch, std::time::SystemTime::UNIX_EPOCH);
            assert!(answer.starts_with("{\"messageId\":\""));
        }
    }
});
