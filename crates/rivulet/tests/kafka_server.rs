//! `rivulet server --log kafka://…` end to end on a real Kafka-protocol broker (the one named by
//! `RIVULET_TEST_KAFKA`; `scripts/test-all.sh` starts tansu and sets it; without it the test
//! prints why it is skipped and passes): a stream and a CSAS declared through `/ksql`, phone
//! readings posted to `/phone-producer/`, the CSAS output read back through `/topics`.
//!
//! The broker outlives a run, so names carry the time and the posted readings a messageId of
//! this run only.

mod common;

use std::{
    io::Write,
    path::PathBuf,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use common::{Http, Proc};
use serde_json::{json, Value};

fn fixture() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../rivulet-connect/tests/fixtures/triaxial-batch-string-time.json");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).expect("fixture JSON")
}

async fn ksql(http: &Http, statement: &str) -> Value {
    let (status, body) = http
        .post(
            "/ksql",
            &json!({ "ksql": statement, "streamsProperties": {} }),
        )
        .await
        .expect("POST /ksql");
    assert_eq!(status, 200, "{statement}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_on_kafka_runs_a_csas_over_posted_phone_readings() {
    let Ok(broker) = std::env::var("RIVULET_TEST_KAFKA") else {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED server_on_kafka_runs_a_csas_over_posted_phone_readings: RIVULET_TEST_KAFKA \
             is not set (scripts/test-all.sh starts tansu and sets it to its host:port)"
        );
        return;
    };
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        % 1_000_000_000;
    let dir = tempfile::tempdir().unwrap();
    let log = format!("kafka://{broker}");
    let server = Proc::server(dir.path(), &["--log", &log]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let http = Http::new(&server.url);

    ksql(
        &http,
        &format!(
            "CREATE STREAM phones_{run} (name VARCHAR, time BIGINT, values_x DOUBLE, values_y DOUBLE, \
             values_z DOUBLE, messageId BIGINT, sessionId VARCHAR, deviceId VARCHAR) \
             WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);"
        ),
    )
    .await;
    let output = format!("gyro-{run}");
    let body = ksql(
        &http,
        &format!(
            "CREATE STREAM gyro_{run} WITH (KAFKA_TOPIC='{output}') AS SELECT deviceId, messageId, \
             values_x * 2 AS x2 FROM phones_{run} WHERE name = 'gyroscopeuncalibrated';"
        ),
    )
    .await;
    assert_eq!(body[0]["commandStatus"]["status"], "SUCCESS", "{body}");

    // The output topic is on the broker, created by the CSAS.
    // On a broker without producer tags, persistent queries are at-least-once, and /info says so.
    let (_, info) = http.get("/info").await;
    assert_eq!(
        info["rivulet"]["deliveryGuarantee"], "at-least-once",
        "{info}"
    );
    let (status, topics) = http.get("/topics").await;
    assert_eq!(status, 200, "{topics}");
    assert!(topics.to_string().contains(&output), "{topics}");

    let mut readings = fixture();
    readings["messageId"] = json!(run);
    let (status, answer) = http
        .post("/phone-producer/", &readings)
        .await
        .expect("POST /phone-producer/");
    assert_eq!(status, 200, "{answer}");

    let expected: Vec<Value> = readings["payload"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "gyroscopeuncalibrated")
        .map(|r| {
            json!({
                "DEVICEID": readings["deviceId"],
                "MESSAGEID": run,
                "X2": r["values"]["x"].as_f64().unwrap() * 2.0,
            })
        })
        .collect();
    assert_eq!(expected.len(), 4);

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got: Vec<Value> = http
            .read_all(&output, 0)
            .await
            .into_iter()
            .map(|r| r["value"].clone())
            .filter(|v| v["MESSAGEID"] == json!(run))
            .collect();
        if got.len() >= expected.len() {
            assert_eq!(got, expected);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the CSAS wrote {} of {} rows: {got:?}",
            got.len(),
            expected.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(server.terminate().code(), Some(0));
}
