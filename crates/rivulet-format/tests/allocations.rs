//! The JSON hot path allocates only what the row holds: decoding the seed's phone record makes
//! exactly one allocation per STRING value, and encoding it none beyond the output buffer.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicUsize, Ordering},
};

use rivulet_core::{Column, ColumnKind, DataType};
use rivulet_format::{Format, Serde};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwards the caller's valid layout to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout (see `alloc`).
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RECORD: &[u8] = br#"{"name":"accelerometeruncalibrated","time":"1717000002133456600","values_z":1.06,"values_y":0.62,"values_x":-0.58,"messageId":20,"sessionId":"4c0a2b8e-3d4f-4b6a-9a51-2f7d8c1e0b93","deviceId":"86a5b0e3-6e06-40e2-b226-5a72bd39b326"}"#;

#[test]
fn phone_record_allocates_only_its_strings() {
    let columns = [
        ("NAME", DataType::String),
        ("TIME", DataType::Bigint),
        ("VALUES_X", DataType::Double),
        ("VALUES_Y", DataType::Double),
        ("VALUES_Z", DataType::Double),
        ("MESSAGEID", DataType::Bigint),
        ("SESSIONID", DataType::String),
        ("DEVICEID", DataType::String),
    ]
    .into_iter()
    .map(|(n, t)| Column::new(n, t, ColumnKind::Value))
    .collect();
    let serde = Serde::new(Format::Json, columns, true).unwrap();
    let mut row = Vec::with_capacity(8);
    let mut out = Vec::with_capacity(512);
    // Warm up (lazy statics, if any).
    serde.decode(Some(RECORD), &mut row).unwrap();

    row.clear();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    serde.decode(Some(RECORD), &mut row).unwrap();
    let decode = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(decode, 3, "one per STRING column");

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let _ = serde.encode(&row, &mut out).unwrap();
    let encode = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(encode, 0);
}
