//! Model-based test of the embedded log: random sequences of appends, reads, time lookups,
//! reopens and torn tails (raw, unacknowledged frames cut short or damaged before a reopen),
//! with tiny segments so rolling happens, checked against a plain `Vec` of records per
//! partition. The index cache is tiny too, so sealed segments' indexes are evicted, reloaded
//! and sometimes too large to cache at all; it must never hold more than its cap.
//!
//! `PROPTEST_CASES` raises the case count (default 24, which runs in a few seconds in debug).

mod support;

use std::{fs, sync::Arc};

use bytes::Bytes;
use proptest::prelude::*;
use rivulet_log::{
    embedded::{batch, EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Header, Log, LogError, ReadLimits, Record, TopicSpec,
};
use support::{append_raw, config, last_segment};

const TOPIC: &str = "model";
const PARTITIONS: u32 = 2;
/// Room for the indexes of one or two of these tests' segments; larger ones are not cached.
const INDEX_CACHE_BYTES: usize = 600;

#[derive(Debug, Clone)]
enum Damage {
    /// Random bytes that are no frame.
    Garbage(Vec<u8>),
    /// A valid frame for the next offset, with `cut` bytes missing at the end (0 = complete).
    Torn { records: Vec<Record>, cut: usize },
    /// A valid frame for the next offset with one byte flipped.
    Flipped { records: Vec<Record>, at: usize },
}

#[derive(Debug, Clone)]
enum Op {
    Append {
        partition: u32,
        records: Vec<Record>,
    },
    Read {
        partition: u32,
        offset: i64,
        max_records: usize,
        max_bytes: usize,
    },
    ByTime {
        partition: u32,
        timestamp: i64,
    },
    Reopen,
    Tear {
        partition: u32,
        damage: Damage,
    },
}

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn record() -> impl Strategy<Value = Record> {
    let header =
        ("[a-z]{0,4}", prop::option::of(bytes(6))).prop_map(|(key, value)| Header { key, value });
    (
        prop::option::of(bytes(12)),
        prop::option::weighted(0.9, bytes(120)),
        // A narrow range so timestamps repeat and go backwards.
        1_000i64..1_040,
        prop::collection::vec(header, 0..3),
    )
        .prop_map(|(key, value, timestamp, headers)| Record {
            key,
            value,
            timestamp,
            headers,
        })
}

fn records() -> impl Strategy<Value = Vec<Record>> {
    prop::collection::vec(record(), 1..6)
}

fn op() -> impl Strategy<Value = Op> {
    let partition = 0..PARTITIONS;
    prop_oneof![
        8 => (partition.clone(), records()).prop_map(|(partition, records)| Op::Append { partition, records }),
        4 => (partition.clone(), -2i64..60, 1usize..12, 0usize..600).prop_map(|(partition, offset, max_records, max_bytes)| {
            Op::Read { partition, offset, max_records, max_bytes }
        }),
        2 => (partition.clone(), 995i64..1_045).prop_map(|(partition, timestamp)| Op::ByTime { partition, timestamp }),
        1 => Just(Op::Reopen),
        2 => (partition, damage()).prop_map(|(partition, damage)| Op::Tear { partition, damage }),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..40).prop_map(Damage::Garbage),
        (records(), 0usize..200).prop_map(|(records, cut)| Damage::Torn { records, cut }),
        (records(), any::<prop::sample::Index>()).prop_map(|(records, at)| Damage::Flipped {
            records,
            at: at.index(usize::MAX)
        }),
    ]
}

struct Harness {
    dir: tempfile::TempDir,
    config: EmbeddedConfig,
    log: Option<Arc<EmbeddedLog>>,
    model: Vec<Vec<Record>>,
}

impl Harness {
    fn log(&self) -> &EmbeddedLog {
        self.log.as_deref().expect("log is open")
    }

    fn reopen(&mut self) {
        self.log = None;
        self.log = Some(EmbeddedLog::open(self.config.clone()).expect("reopen"));
    }

    /// Checks every partition against the model in full.
    async fn check_all(&self) -> Result<(), TestCaseError> {
        for (p, expected) in self.model.iter().enumerate() {
            let offsets = self.log().offsets(TOPIC, p as u32).await.expect("offsets");
            prop_assert_eq!((offsets.start, offsets.end), (0, expected.len() as i64));
            let got = support::read_all(self.log(), TOPIC, p as u32, 0).await;
            prop_assert_eq!(got.len(), expected.len());
            for (i, (g, e)) in got.iter().zip(expected).enumerate() {
                prop_assert_eq!(g.offset, i as i64);
                prop_assert_eq!(&g.record, e);
            }
        }
        Ok(())
    }

    async fn apply(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Append { partition, records } => {
                let base = self
                    .log()
                    .append(TOPIC, partition, records.clone())
                    .await
                    .expect("append");
                let model = &mut self.model[partition as usize];
                prop_assert_eq!(base, model.len() as i64);
                model.extend(records);
            }
            Op::Read {
                partition,
                offset,
                max_records,
                max_bytes,
            } => {
                let model = &self.model[partition as usize];
                let end = model.len() as i64;
                let limits = ReadLimits {
                    max_records,
                    max_bytes,
                };
                let result = self.log().read(TOPIC, partition, offset, limits).await;
                if offset > end {
                    prop_assert!(
                        matches!(result, Err(LogError::InvalidArgument(_))),
                        "read past end: {:?}",
                        result
                    );
                    return Ok(());
                }
                let batch = result.expect("read");
                let start = offset.max(0);
                prop_assert_eq!(batch.high_watermark, end);
                prop_assert_eq!(batch.log_start_offset, 0);
                prop_assert!(batch.records.len() <= max_records);
                if start < end {
                    prop_assert!(
                        !batch.records.is_empty(),
                        "no record at {} of {}",
                        start,
                        end
                    );
                } else {
                    prop_assert!(batch.records.is_empty());
                }
                if max_bytes >= 1 << 20 {
                    prop_assert_eq!(
                        batch.records.len() as i64,
                        (end - start).min(max_records as i64)
                    );
                }
                for (i, r) in batch.records.iter().enumerate() {
                    let expected_offset = start + i as i64;
                    prop_assert_eq!(r.offset, expected_offset);
                    prop_assert_eq!(&r.record, &model[expected_offset as usize]);
                }
                prop_assert_eq!(batch.next_offset, start + batch.records.len() as i64);
            }
            Op::ByTime {
                partition,
                timestamp,
            } => {
                let expected = self.model[partition as usize]
                    .iter()
                    .position(|r| r.timestamp >= timestamp)
                    .map(|i| i as i64);
                let got = self
                    .log()
                    .offset_for_timestamp(TOPIC, partition, timestamp)
                    .await
                    .expect("by time");
                prop_assert_eq!(got, expected);
            }
            Op::Reopen => {
                self.reopen();
                self.check_all().await?;
            }
            Op::Tear { partition, damage } => {
                self.log = None;
                let segment = last_segment(self.dir.path(), TOPIC, partition);
                let next = self.model[partition as usize].len() as i64;
                match damage {
                    Damage::Garbage(bytes) => append_raw(&segment, &bytes),
                    Damage::Torn { records, cut } => {
                        let frame = batch::encode_frame(next, &records).expect("encode");
                        let cut = cut.min(frame.len());
                        append_raw(&segment, &frame[..frame.len() - cut]);
                        if cut == 0 {
                            // A complete frame is a valid, if unacknowledged, batch: it stays.
                            self.model[partition as usize].extend(records);
                        }
                    }
                    Damage::Flipped { records, at } => {
                        let mut frame = batch::encode_frame(next, &records).expect("encode");
                        let at = 4 + at % (frame.len() - 4);
                        frame[at] ^= 0x10;
                        append_raw(&segment, &frame);
                    }
                }
                let damaged_len = fs::metadata(&segment).expect("segment").len();
                self.reopen();
                prop_assert!(fs::metadata(&segment).expect("segment").len() <= damaged_len);
                self.check_all().await?;
            }
        }
        Ok(())
    }
}

fn run(
    ops: Vec<Op>,
    fsync: FsyncPolicy,
    segment_bytes: u64,
    index_interval: usize,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path(), fsync);
    config.segment_bytes = segment_bytes;
    config.index_interval_bytes = index_interval;
    config.index_cache_bytes = INDEX_CACHE_BYTES;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let log = EmbeddedLog::open(config.clone()).expect("open");
        log.create_topic(TopicSpec::new(TOPIC, PARTITIONS))
            .await
            .expect("create topic");
        let mut h = Harness {
            dir,
            config,
            log: Some(log),
            model: vec![Vec::new(); PARTITIONS as usize],
        };
        for op in ops {
            h.apply(op).await?;
            prop_assert!(h.log().index_cache_bytes() <= INDEX_CACHE_BYTES);
        }
        h.reopen();
        h.check_all().await
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn log_behaves_like_a_vec_of_records(
        ops in prop::collection::vec(op(), 1..60),
        always in any::<bool>(),
        segment_bytes in 200u64..1_500,
        index_interval in prop_oneof![Just(0usize), 32usize..512],
    ) {
        let fsync = if always { FsyncPolicy::Always } else { FsyncPolicy::Never };
        run(ops, fsync, segment_bytes, index_interval)?;
    }
}
