//! The Kafka log against a real Kafka-protocol broker: the one named by `RIVULET_TEST_KAFKA`
//! (`host:port`; `scripts/test-all.sh` starts tansu with memory storage and sets it). Without it
//! each test prints why it is skipped and passes.
//!
//! Each test uses topics of its own (names carry the test and the time), since the broker
//! outlives a test run.

use std::{
    collections::HashSet,
    io::Write,
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use rivulet_log::{CommittedOffset, Header, Log, LogError, ReadLimits, Record, TopicSpec};
use rivulet_log_kafka::{KafkaConfig, KafkaLog};

/// The broker to test against, or `None` (and a message saying so) when none is set.
fn broker(test: &str) -> Option<String> {
    match std::env::var("RIVULET_TEST_KAFKA") {
        Ok(b) if !b.trim().is_empty() => Some(b),
        _ => {
            // Straight to stderr: the test harness captures `eprintln!` of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: RIVULET_TEST_KAFKA is not set (scripts/test-all.sh starts tansu \
                 and sets it to its host:port)"
            );
            None
        }
    }
}

async fn connect(broker: &str) -> KafkaLog {
    KafkaLog::connect(KafkaConfig::new(broker))
        .await
        .expect("connect to the test broker")
}

/// A topic name no other test or run uses.
fn unique(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("rivulet-test-{name}-{nanos}")
}

fn spec(name: &str, partitions: u32) -> TopicSpec {
    TopicSpec {
        retention_ms: Some(3_600_000),
        ..TopicSpec::new(name, partitions)
    }
}

fn record(
    key: &str,
    value: Option<&str>,
    timestamp: i64,
    headers: &[(&str, Option<&str>)],
) -> Record {
    Record {
        key: Some(Bytes::copy_from_slice(key.as_bytes())),
        value: value.map(|v| Bytes::copy_from_slice(v.as_bytes())),
        timestamp,
        headers: headers
            .iter()
            .map(|(k, v)| Header {
                key: k.to_string(),
                value: v.map(|v| Bytes::copy_from_slice(v.as_bytes())),
            })
            .collect(),
    }
}

/// Reads `topic`/`partition` from `from` until `count` records came (waiting for data between
/// reads), failing after 20 s.
async fn read_n(
    log: &KafkaLog,
    topic: &str,
    partition: u32,
    from: i64,
    count: usize,
) -> Vec<(i64, Record)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut out = Vec::new();
    let mut offset = from;
    while out.len() < count {
        assert!(
            Instant::now() < deadline,
            "read only {} of {count} records",
            out.len()
        );
        let batch = log
            .read(topic, partition, offset, ReadLimits::default())
            .await
            .expect("read");
        if batch.records.is_empty() {
            log.wait_for_data(topic, partition, batch.next_offset, Duration::from_secs(1))
                .await
                .expect("wait");
        }
        out.extend(batch.records.into_iter().map(|r| (r.offset, r.record)));
        offset = batch.next_offset;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_keeps_keys_values_timestamps_and_headers() {
    let Some(broker) = broker("round_trip_keeps_keys_values_timestamps_and_headers") else {
        return;
    };
    let log = connect(&broker).await;
    let topic = unique("roundtrip");
    let created = log.create_topic(spec(&topic, 2)).await.expect("create");
    assert_eq!(created.name, topic);
    assert_eq!(created.partitions.len(), 2);
    assert_eq!(created.partitions[1].partition, 1);
    assert_eq!(created.partitions[1].end_offset, 0);
    assert!(log.list_topics().await.unwrap().contains(&topic));

    let first = vec![
        record(
            "phone-1",
            Some(r#"{"x":1}"#),
            1_700_000_000_001,
            &[("source", Some("sensor-logger"))],
        ),
        record("phone-2", None, 1_700_000_000_002, &[]),
        record(
            "phone-1",
            Some(r#"{"x":3}"#),
            1_700_000_000_003,
            &[("a", Some("1")), ("empty", None), ("a", Some("2"))],
        ),
    ];
    let second = vec![
        Record::new(None, Some(Bytes::from_static(b"no key")), 1_700_000_000_004),
        record("phone-3", Some(""), 1_700_000_000_005, &[]),
    ];
    assert_eq!(
        log.append(&topic, 1, first.clone()).await.expect("append"),
        0
    );
    assert_eq!(
        log.append(&topic, 1, second.clone()).await.expect("append"),
        3
    );

    let expected: Vec<(i64, Record)> = first
        .into_iter()
        .chain(second)
        .enumerate()
        .map(|(i, r)| (i as i64, r))
        .collect();
    assert_eq!(read_n(&log, &topic, 1, 0, 5).await, expected);

    // From the middle of a batch (the reader has to seek back: tansu answers a fetch from the
    // middle of a batch with the next batch), and bounded by max_records.
    assert_eq!(read_n(&log, &topic, 1, 2, 3).await, expected[2..].to_vec());
    assert_eq!(read_n(&log, &topic, 1, 4, 1).await, expected[4..].to_vec());
    assert_eq!(read_n(&log, &topic, 1, 1, 4).await, expected[1..].to_vec());
    let limited = log
        .read(
            &topic,
            1,
            1,
            ReadLimits {
                max_records: 2,
                max_bytes: 1 << 20,
            },
        )
        .await
        .expect("read");
    let offsets: Vec<i64> = limited.records.iter().map(|r| r.offset).collect();
    assert!(
        offsets == vec![1, 2] || offsets == vec![1],
        "got {offsets:?}"
    );
    assert_eq!(limited.next_offset, offsets.last().unwrap() + 1);

    // The other partition is empty: a read returns at once with nothing.
    let started = Instant::now();
    let empty = log
        .read(&topic, 0, 0, ReadLimits::default())
        .await
        .expect("read");
    assert!(empty.records.is_empty());
    assert_eq!(empty.next_offset, 0);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let described = log.describe_topic(&topic).await.expect("describe");
    assert_eq!(described.retention_ms, Some(3_600_000));
    assert_eq!(described.partitions[0].end_offset, 0);
    // tansu can report a partition's end short by up to one producer batch.
    let end = described.partitions[1].end_offset;
    assert!((3..=5).contains(&end), "end offset {end}");

    log.delete_topic(&topic).await.expect("delete");
    assert!(!log.list_topics().await.unwrap().contains(&topic));
    assert!(matches!(
        log.describe_topic(&topic).await,
        Err(LogError::UnknownTopic(t)) if t == topic
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_and_partitions_are_checked_as_on_the_embedded_log() {
    let Some(broker) = broker("topics_and_partitions_are_checked_as_on_the_embedded_log") else {
        return;
    };
    let log = connect(&broker).await;
    let topic = unique("checks");
    log.create_topic(spec(&topic, 1)).await.expect("create");
    assert!(matches!(
        log.create_topic(spec(&topic, 1)).await,
        Err(LogError::TopicExists(t)) if t == topic
    ));
    assert!(matches!(
        log.append(&topic, 1, vec![Record::new(None, None, 1)])
            .await,
        Err(LogError::UnknownPartition {
            partition: 1,
            partitions: 1,
            ..
        })
    ));
    let missing = unique("missing");
    assert!(matches!(
        log.read(&missing, 0, 0, ReadLimits::default()).await,
        Err(LogError::UnknownTopic(t)) if t == missing
    ));
    assert!(matches!(
        log.create_topic(TopicSpec::new("bad/name", 1)).await,
        Err(LogError::InvalidTopicName(_))
    ));
    assert_eq!(
        log.append(&topic, 0, Vec::new())
            .await
            .expect("empty append"),
        0
    );
    log.delete_topic(&topic).await.expect("delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_data_wakes_on_a_new_append() {
    let Some(broker) = broker("wait_for_data_wakes_on_a_new_append") else {
        return;
    };
    let log = Arc::new(connect(&broker).await);
    let topic = unique("wait");
    log.create_topic(spec(&topic, 1)).await.expect("create");
    log.append(
        &topic,
        0,
        vec![Record::new(None, Some(Bytes::from_static(b"a")), 1)],
    )
    .await
    .expect("append");
    assert_eq!(read_n(&log, &topic, 0, 0, 1).await.len(), 1);

    // Nothing new: the wait times out.
    let started = Instant::now();
    let waited = log
        .wait_for_data(&topic, 0, 1, Duration::from_millis(300))
        .await
        .expect("wait");
    assert!(!waited);
    assert!(started.elapsed() >= Duration::from_millis(290));

    // An append while waiting wakes the waiter long before its timeout.
    let waiter = {
        let (log, topic) = (log.clone(), topic.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let woke = log
                .wait_for_data(&topic, 0, 1, Duration::from_secs(20))
                .await;
            (woke, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    log.append(
        &topic,
        0,
        vec![Record::new(None, Some(Bytes::from_static(b"b")), 2)],
    )
    .await
    .expect("append");
    let (woke, after) = waiter.await.expect("waiter");
    assert!(woke.expect("wait"), "the wait timed out");
    assert!(after < Duration::from_secs(5), "woke after {after:?}");
    let batch = log
        .read(&topic, 0, 1, ReadLimits::default())
        .await
        .expect("read");
    assert_eq!(batch.records.len(), 1);
    assert_eq!(batch.records[0].offset, 1);
    assert_eq!(batch.records[0].record.value.as_deref(), Some(&b"b"[..]));
    log.delete_topic(&topic).await.expect("delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_each_get_consecutive_offsets() {
    let Some(broker) = broker("concurrent_appends_each_get_consecutive_offsets") else {
        return;
    };
    let log = Arc::new(connect(&broker).await);
    let topic = unique("concurrent");
    log.create_topic(spec(&topic, 1)).await.expect("create");
    let mut tasks = Vec::new();
    for writer in 0..4 {
        let (log, topic) = (log.clone(), topic.clone());
        tasks.push(tokio::spawn(async move {
            let mut bases = Vec::new();
            for batch in 0..5 {
                let records: Vec<Record> = (0..20)
                    .map(|i| {
                        Record::new(None, Some(Bytes::from(format!("{writer}/{batch}/{i}"))), 1)
                    })
                    .collect();
                bases.push((
                    format!("{writer}/{batch}/"),
                    log.append(&topic, 0, records).await.expect("append"),
                ));
            }
            bases
        }));
    }
    let mut bases = Vec::new();
    for t in tasks {
        bases.extend(t.await.expect("writer"));
    }
    let all = read_n(&log, &topic, 0, 0, 400).await;
    let offsets: HashSet<i64> = all.iter().map(|(o, _)| *o).collect();
    assert_eq!(offsets.len(), 400);
    for (prefix, base) in bases {
        for i in 0..20 {
            let (offset, r) = &all[(base + i) as usize];
            assert_eq!(*offset, base + i);
            assert_eq!(
                r.value.as_deref(),
                Some(format!("{prefix}{i}").as_bytes()),
                "offset {offset}"
            );
        }
    }
    log.delete_topic(&topic).await.expect("delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_offsets_survive_a_new_client() {
    let Some(broker) = broker("committed_offsets_survive_a_new_client") else {
        return;
    };
    let topic = unique("commits");
    let group = unique("group");
    {
        let log = connect(&broker).await;
        log.create_topic(spec(&topic, 3)).await.expect("create");
        assert_eq!(
            log.committed_offsets(&group).await.expect("committed"),
            vec![]
        );
        let offsets = vec![
            CommittedOffset {
                topic: topic.clone(),
                partition: 0,
                offset: 7,
            },
            CommittedOffset {
                topic: topic.clone(),
                partition: 2,
                offset: 42,
            },
        ];
        log.commit_offsets(&group, &offsets).await.expect("commit");
        assert!(matches!(
            log.commit_offsets(
                &group,
                &[CommittedOffset {
                    topic: topic.clone(),
                    partition: 0,
                    offset: -1
                }]
            )
            .await,
            Err(LogError::InvalidArgument(_))
        ));
        assert!(matches!(
            log.commit_offsets(
                &group,
                &[CommittedOffset {
                    topic: topic.clone(),
                    partition: 3,
                    offset: 1
                }]
            )
            .await,
            Err(LogError::UnknownPartition { .. })
        ));
    }
    let log = connect(&broker).await;
    let committed: Vec<CommittedOffset> = log
        .committed_offsets(&group)
        .await
        .expect("committed")
        .into_iter()
        .filter(|o| o.topic == topic)
        .collect();
    assert_eq!(
        committed,
        vec![
            CommittedOffset {
                topic: topic.clone(),
                partition: 0,
                offset: 7
            },
            CommittedOffset {
                topic: topic.clone(),
                partition: 2,
                offset: 42
            },
        ]
    );
    // A later commit moves the offset.
    log.commit_offsets(
        &group,
        &[CommittedOffset {
            topic: topic.clone(),
            partition: 0,
            offset: 9,
        }],
    )
    .await
    .expect("commit");
    let committed = log.committed_offsets(&group).await.expect("committed");
    assert!(committed.contains(&CommittedOffset {
        topic: topic.clone(),
        partition: 0,
        offset: 9
    }));
    log.delete_topic(&topic).await.expect("delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offsets_for_timestamps_follow_record_times() {
    let Some(broker) = broker("offsets_for_timestamps_follow_record_times") else {
        return;
    };
    let log = connect(&broker).await;
    let topic = unique("times");
    log.create_topic(spec(&topic, 1)).await.expect("create");
    let records = (1..=3)
        .map(|i| {
            Record::new(
                None,
                Some(Bytes::from_static(b"v")),
                1_700_000_000_000 + i * 1000,
            )
        })
        .collect();
    log.append(&topic, 0, records).await.expect("append");
    assert_eq!(read_n(&log, &topic, 0, 0, 3).await.len(), 3);
    assert_eq!(
        log.offset_for_timestamp(&topic, 0, 0)
            .await
            .expect("lookup"),
        Some(0)
    );
    assert_eq!(
        log.offset_for_timestamp(&topic, 0, 1_700_000_001_500)
            .await
            .expect("lookup"),
        Some(1)
    );
    assert_eq!(
        log.offset_for_timestamp(&topic, 0, 1_700_000_003_000)
            .await
            .expect("lookup"),
        Some(2)
    );
    assert_eq!(
        log.offset_for_timestamp(&topic, 0, 1_700_000_009_000)
            .await
            .expect("lookup"),
        None
    );
    log.delete_topic(&topic).await.expect("delete");
}
