//! The command line end to end: `server` prints where it is, `topic` administers and moves
//! records, `simulate phones` fills the phone topic, `simulate temperature` the tutorial's
//! temperature topic, `demo` runs everything with nothing set up, `bench ingest` drives load and
//! reports.

mod common;

use std::{process::Command, time::Duration};

use common::{bin, Http, Proc};
use serde_json::Value;

fn rivulet(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(bin())
        .args(args)
        .output()
        .expect("run rivulet");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn topic_commands_round_trip_through_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Proc::server(dir.path(), &[]);
    let url = server.url.as_str();

    let (ok, out, err) = rivulet(&[
        "topic",
        "create",
        "readings",
        "--partitions",
        "2",
        "--url",
        url,
    ]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = rivulet(&[
        "topic",
        "produce",
        "readings",
        "--key",
        "s1",
        "--value",
        "{\"t\":21.5}",
        "--url",
        url,
    ]);
    assert!(ok, "{out}{err}");
    let answer: Value = serde_json::from_str(out.trim()).unwrap();
    let partition = answer["offsets"][0]["partition"]
        .as_u64()
        .unwrap()
        .to_string();
    let (ok, out, err) = rivulet(&["topic", "list", "--url", url]);
    assert!(ok, "{err}");
    assert!(out.contains("readings"), "{out}");
    let (ok, out, _) = rivulet(&["topic", "describe", "readings", "--url", url]);
    assert!(ok);
    assert_eq!(out.lines().count(), 4, "{out}");
    let (ok, out, err) = rivulet(&[
        "topic",
        "consume",
        "readings",
        "--partition",
        &partition,
        "--url",
        url,
    ]);
    assert!(ok, "{err}");
    let rec: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(rec["key"], "s1");
    assert_eq!(rec["value"]["t"], 21.5);
    let (ok, _, err) = rivulet(&["topic", "describe", "nope", "--url", url]);
    assert!(!ok);
    assert!(err.contains("nope"), "{err}");
    let (ok, _, err) = rivulet(&["topic", "delete", "readings", "--url", url]);
    assert!(ok, "{err}");
    let status = server.terminate();
    assert!(status.success(), "server exit: {status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulator_fills_the_phone_topic_with_flattened_readings() {
    let dir = tempfile::tempdir().unwrap();
    let server = Proc::server(dir.path(), &[]);
    let url = server.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        rivulet(&[
            "simulate",
            "phones",
            "--devices",
            "2",
            "--rate",
            "20",
            "--seed",
            "1",
            "--duration-secs",
            "2",
            "--url",
            &url,
        ])
    })
    .await
    .unwrap();
    assert!(out.0, "{}{}", out.1, out.2);
    let http = Http::new(&server.url);
    let records = http.read_all("smartphone-sensor-data", 0).await;
    assert!(records.len() > 50, "only {} records", records.len());
    let devices: std::collections::HashSet<_> = records
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(devices.len(), 2);
    let first = &records[0]["value"];
    for field in ["name", "time", "messageId", "sessionId", "deviceId"] {
        assert!(first.get(field).is_some(), "{field} missing in {first}");
    }
    assert!(records
        .iter()
        .any(|r| r["value"]["name"] == "accelerometeruncalibrated"
            && r["value"]["values_x"].is_number()));
}

/// Checks one record read back from `raw-temp-data`: the Quix tutorial's shape.
fn assert_temperature_record(r: &Value) {
    let key = r["key"].as_str().unwrap_or_default();
    assert!(
        ["Sensor1", "Sensor2", "Sensor3", "Sensor4", "Sensor5"].contains(&key),
        "{r}"
    );
    let uuid = r["headers"]["uuid"].as_str().unwrap_or_default();
    assert_eq!(uuid.len(), 36, "{r}");
    let value = r["value"].as_object().expect("value is a JSON object");
    let mut fields: Vec<&str> = value.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["ts", "value"], "{r}");
    assert!(
        r["value"]["value"].as_u64().is_some_and(|v| v <= 100),
        "{r}"
    );
    // `YYYY-MM-DDTHH:MM:SS.ffffff`, naive UTC, the record's timestamp to the millisecond.
    let ts = r["value"]["ts"].as_str().unwrap_or_default();
    let b = ts.as_bytes();
    assert_eq!(b.len(), 26, "{ts}");
    for (i, c) in b.iter().enumerate() {
        match i {
            4 | 7 => assert_eq!(*c, b'-', "{ts}"),
            10 => assert_eq!(*c, b'T', "{ts}"),
            13 | 16 => assert_eq!(*c, b':', "{ts}"),
            19 => assert_eq!(*c, b'.', "{ts}"),
            _ => assert!(c.is_ascii_digit(), "{ts}"),
        }
    }
    let ms = r["timestamp"].as_i64().expect("timestamp");
    let secs = ms.div_euclid(1000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let clock = format!(
        "{:02}:{:02}:{:02}.{:03}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60,
        ms.rem_euclid(1000)
    );
    assert_eq!(&ts[11..23], clock, "ts {ts} vs timestamp {ms}");
    // Within a day of now, so the date is today's or yesterday's (UTC).
    let now_days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64 / 86_400);
    assert!((now_days - days).abs() <= 1, "{ts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_temperature_fills_the_tutorial_topic() {
    let dir = tempfile::tempdir().unwrap();
    let server = Proc::server(dir.path(), &[]);
    let url = server.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        rivulet(&[
            "simulate",
            "temperature",
            "--duration-secs",
            "2",
            "--max-pause-ms",
            "50",
            "--seed",
            "2",
            "--url",
            &url,
        ])
    })
    .await
    .unwrap();
    assert!(out.0, "{}{}", out.1, out.2);
    assert!(out.1.contains("raw-temp-data"), "{}", out.1);
    assert!(out.1.contains("seed 2"), "{}", out.1);
    let http = Http::new(&server.url);
    let records = http.read_all("raw-temp-data", 0).await;
    // 2 s at 0..=50 ms apart: about 80 readings.
    assert!(
        (30..=400).contains(&records.len()),
        "{} records",
        records.len()
    );
    for r in &records {
        assert_temperature_record(r);
    }
    let sensors: std::collections::HashSet<_> =
        records.iter().filter_map(|r| r["key"].as_str()).collect();
    assert_eq!(sensors.len(), 5, "{sensors:?}");
    // Readings are in time order, never more than 50 ms apart (plus the ms rounding).
    for pair in records.windows(2) {
        let gap = pair[1]["timestamp"].as_i64().unwrap() - pair[0]["timestamp"].as_i64().unwrap();
        assert!((0..=51).contains(&gap), "gap {gap} ms");
    }
    // The final tally counts what the server stored.
    let last = out.1.lines().last().unwrap_or_default();
    assert!(
        last.contains(&format!(" {} readings", records.len())),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_with_nothing_set_up_and_fills_the_phone_topic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = Proc::start(&[
        "demo",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        data.to_str().unwrap(),
        "--seed",
        "3",
    ]);
    let http = Http::new(&demo.url);
    let mut found = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, page) = http
            .get("/topics/smartphone-sensor-data/records?offset=0&limit=100")
            .await;
        if status == 200 {
            found = page["records"].as_array().map_or(0, |r| r.len());
            if found > 10 {
                break;
            }
        }
    }
    assert!(found > 10, "the demo's phones wrote {found} records in 5 s");

    // The temperature tutorial's producer runs beside the phones, into a one-partition topic.
    let (status, topic) = http.get("/topics/raw-temp-data").await;
    assert_eq!(status, 200, "{topic}");
    assert_eq!(
        topic["partitions"].as_array().map(Vec::len),
        Some(1),
        "{topic}"
    );
    let mut readings = Vec::new();
    for _ in 0..100 {
        // The demo declares RAW_TEMPERATURE over the topic: read the records as stored.
        readings = http.read_all_raw("raw-temp-data", 0).await;
        if readings.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        readings.len() >= 2,
        "the demo's temperature sensors wrote {} records",
        readings.len()
    );
    for r in &readings {
        assert_temperature_record(r);
    }

    // The seed dashboard's chart feed runs over the declared phone stream.
    let (_, streams) = http
        .post("/ksql", &serde_json::json!({"ksql": "SHOW STREAMS;"}))
        .await
        .unwrap();
    let names: Vec<&str> = streams[0]["streams"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "JOIN_EVENTS",
            "KSQL_PROCESSING_LOG",
            "RAW_TEMPERATURE",
            "SMARTPHONE_SENSOR_STREAM"
        ]
    );

    // The seed pipelines run: four persistent aggregations, and the fleet's per-device table
    // (EMIT CHANGES) fills as the fleet simulator's events arrive.
    let (_, queries) = http
        .post("/ksql", &serde_json::json!({"ksql": "SHOW QUERIES;"}))
        .await
        .unwrap();
    let mut ids: Vec<&str> = queries[0]["queries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|q| q["queryType"] == "PERSISTENT" && q["state"] == "RUNNING")
        .filter_map(|q| q["id"].as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids.len(), 4, "{queries}");
    assert!(ids[0].starts_with("CTAS_AGG_TEMPERATURE_"), "{ids:?}");
    let mut latest = Vec::new();
    for _ in 0..100 {
        latest = http.read_all("DEVICE_WINAGG_STATUS_PERDEVICE", 0).await;
        if !latest.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !latest.is_empty(),
        "the fleet's per-device table stayed empty"
    );
    assert!(
        latest[0]["value"]["LATITUDE"].is_number(),
        "{:?}",
        latest[0]
    );
    let authority = demo.url.trim_start_matches("http://").to_string();
    let feed = tokio::time::timeout(Duration::from_secs(20), async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(&authority).await.unwrap();
        s.write_all(format!("GET /chart-data/1 HTTP/1.1\r\nHost: {authority}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains("event: new_message") {
            let n = s.read(&mut buf).await.unwrap();
            assert!(n > 0, "the feed ended");
            seen.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&seen).into_owned()
    })
    .await
    .expect("a chart event within 20 s");
    assert!(feed.contains("text/event-stream"), "{feed}");
    assert!(feed.contains("data: [\""), "{feed}");
    let status = demo.terminate();
    assert!(status.success(), "demo exit: {status:?}");
}

#[test]
fn bench_ingest_reports_throughput_and_latency() {
    let dir = tempfile::tempdir().unwrap();
    let server = Proc::server(dir.path(), &[]);
    let (ok, out, err) = rivulet(&[
        "bench",
        "ingest",
        "--url",
        &server.url,
        "--connections",
        "2",
        "--batch",
        "30",
        "--duration-secs",
        "1",
        "--warmup-secs",
        "0",
        "--json",
    ]);
    assert!(ok, "{out}{err}");
    let report: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["errors"], 0, "{report}");
    let requests = report["requests"].as_u64().unwrap();
    assert!(requests > 0, "{report}");
    assert!(report["p99_ms"].as_f64().unwrap() >= report["p50_ms"].as_f64().unwrap());
    // Every acknowledged reading is in the topic (warm-up and tail requests add more).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stored = rt
        .block_on(Http::new(&server.url).read_all("smartphone-sensor-data", 0))
        .len() as u64;
    assert!(
        stored >= requests * 30,
        "{stored} stored < {} acknowledged",
        requests * 30
    );
}

#[test]
fn sql_client_runs_scripts_and_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = Proc::server(dir.path(), &[]);
    let url = server.url.as_str();
    let (ok, out, err) = rivulet(&[
        "sql", "--url", url, "-e",
        "CREATE STREAM s (id VARCHAR KEY, t DOUBLE) WITH (kafka_topic='s', partitions=2, value_format='JSON'); SHOW STREAMS; DESCRIBE s;",
    ]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Stream created"), "{out}");
    assert!(
        out.lines().any(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            cells == ["", "S", "s", "KAFKA", "JSON", "false", ""]
        }),
        "{out}"
    );
    assert!(out.contains("STRING (key)"), "{out}");
    let script = dir.path().join("bad.sql");
    std::fs::write(&script, "SHOW STREAMS;\nDESCRIBE nope;\n").unwrap();
    let (ok, out, err) = rivulet(&["sql", "--url", url, "-f", script.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        out.contains("Could not find STREAM/TABLE 'NOPE' in the Metastore"),
        "{out}"
    );
    assert!(err.starts_with("error: "), "{err}");
}

#[test]
fn bench_latency_matches_every_reading_on_the_chart_feed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Proc::server(dir.path(), &[]);
    let (ok, out, err) = rivulet(&[
        "bench",
        "latency",
        "--url",
        &server.url,
        "--rate",
        "200",
        "--batch",
        "5",
        "--duration-secs",
        "1",
        "--json",
    ]);
    assert!(ok, "{out}{err}");
    let report: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(report["readings"].as_u64().unwrap() >= 100, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["matched"], report["readings"]);
    assert!(report["p99_ms"].as_f64().unwrap() > 0.0);
}
