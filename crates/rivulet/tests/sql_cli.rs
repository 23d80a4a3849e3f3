//! `rivulet sql` running queries end to end against a real server: push queries on
//! `/query-stream` drawn as tables with the session's SET properties applied, LIMIT, query
//! errors, and Ctrl-C stopping a query (back to the prompt in interactive mode).

mod common;

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use common::{bin, Http, Proc};
use serde_json::{json, Value};

/// No command or condition here takes more than this on a healthy build.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `rivulet sql --url <url> <args…>` to its end (killed after [`DEADLINE`]): success,
/// stdout, stderr.
fn sql(url: &str, args: &[&str]) -> (bool, String, String) {
    let mut child = Command::new(bin())
        .args(["sql", "--url", url])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rivulet sql");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            break;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "rivulet sql {args:?} did not end; printed: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A server with stream `S` (`ID` key, `T`, `NOTE`) holding four records, `a` to `d`.
async fn server_with_records(dir: &std::path::Path) -> Proc {
    let server = Proc::server(dir, &[]);
    let (ok, out, err) = sql(
        &server.url,
        &["-e", "CREATE STREAM s (id VARCHAR KEY, t DOUBLE, note VARCHAR) WITH (kafka_topic='s', partitions=1, value_format='JSON');"],
    );
    assert!(ok, "{out}{err}");
    let records: Vec<Value> = ["a", "b", "c", "d"]
        .iter()
        .enumerate()
        .map(
            |(i, k)| json!({"key": k, "value": {"t": i as f64 + 0.5, "note": format!("note {k}")}}),
        )
        .collect();
    let (status, answer) = Http::new(&server.url)
        .post("/topics/s/records", &json!({ "records": records }))
        .await
        .expect("produce");
    assert_eq!(status, 200, "{answer}");
    server
}

/// The ids of the push queries the server runs.
async fn push_queries(http: &Http) -> Vec<String> {
    let (status, body) = http
        .post("/ksql", &json!({"ksql": "SHOW QUERIES;"}))
        .await
        .expect("SHOW QUERIES");
    assert_eq!(status, 200, "{body}");
    body[0]["queries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|q| q["queryType"] == "PUSH")
        .map(|q| q["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Polls until `check` holds, or panics with `what` after [`DEADLINE`].
async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A `rivulet sql` process whose stdout is read line by line.
struct Client {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Client {
    /// Starts `rivulet sql --url <url> <args…>` with `home` as HOME (where history goes).
    fn start(url: &str, args: &[&str], stdin: Stdio, home: &std::path::Path) -> Client {
        let mut child = Command::new(bin())
            .args(["sql", "--url", url])
            .args(args)
            .env("HOME", home)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn rivulet sql");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one satisfies `check`; panics (with what was printed) at the deadline
    /// or if the client ends first.
    fn wait_line(&mut self, what: &str, check: impl Fn(&str) -> bool) {
        let started = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let hit = check(&line);
                    self.seen.push(line);
                    if hit {
                        return;
                    }
                }
                Err(e) => panic!("no line with {what} ({e}); printed: {:#?}", self.seen),
            }
        }
    }

    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
    }

    fn send(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").expect("write stdin");
        stdin.flush().expect("flush stdin");
    }

    /// Waits (up to the deadline) for the process to end: its success.
    fn wait(&mut self) -> bool {
        drop(self.child.stdin.take());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.success();
            }
            if started.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("rivulet sql did not end; printed: {:#?}", self.seen);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Client {
    /// Every line not read yet, once the process has ended.
    fn rest(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(DEADLINE) {
            out.push(line);
        }
        out
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_query_with_limit_prints_a_table_of_rows_from_the_earliest_offset() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_records(dir.path()).await;
    let (ok, out, err) = sql(
        &server.url,
        &[
            "-e",
            "SET 'auto.offset.reset'='earliest'; SELECT id, t, note FROM s EMIT CHANGES LIMIT 3;",
        ],
    );
    assert!(ok, "{out}{err}");
    // Not a terminal: 80 columns, three columns of 25.
    let border = format!("+{}", format!("{}+", "-".repeat(25)).repeat(3));
    let cell = |v: &str| format!("{v:<25}|");
    let line = |cells: [&str; 3]| format!("|{}", cells.map(cell).concat());
    let expected = [
        "Successfully changed local property 'auto.offset.reset' to 'earliest'.".to_string(),
        border.clone(),
        line(["ID", "T", "NOTE"]),
        border,
        line(["a", "0.5", "note a"]),
        line(["b", "1.5", "note b"]),
        line(["c", "2.5", "note c"]),
        "Limit Reached".into(),
        "Query terminated".into(),
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected, "{out}");
    // The query is over on the server too.
    let http = Http::new(&server.url);
    wait_for("the push query to end", || {
        let http = http.clone();
        async move { push_queries(&http).await.is_empty() }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_errors_print_the_position_and_stop_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_records(dir.path()).await;
    let (ok, out, err) = sql(
        &server.url,
        &["-e", "SELECT * FROM s EMIT CHANGES LIMT 3; SHOW STREAMS;"],
    );
    assert!(!ok, "{out}");
    assert!(
        out.starts_with("line 1:30: mismatched input 'LIMT'"),
        "{out}"
    );
    assert!(
        out.contains("Statement: SELECT * FROM s EMIT CHANGES LIMT 3;"),
        "{out}"
    );
    assert!(!out.contains("Stream Name"), "the script went on: {out}");
    assert!(err.starts_with("error: "), "{err}");
    let (ok, out, _) = sql(&server.url, &["-e", "SELECT * FROM nope EMIT CHANGES;"]);
    assert!(!ok);
    assert!(out.contains("NOPE"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_a_push_query_and_returns_to_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_records(dir.path()).await;
    let http = Http::new(&server.url);
    let mut client = Client::start(&server.url, &[], Stdio::piped(), dir.path());
    client.send("SET 'auto.offset.reset'='earliest';");
    client.send("SELECT id");
    client.send("  FROM s EMIT CHANGES;");
    client.wait_line("the last row", |l| l.starts_with("|d "));
    assert_eq!(push_queries(&http).await.len(), 1);
    client.interrupt();
    client.wait_line("the end of the query", |l| l == "Query terminated");
    wait_for("the push query to be closed", || {
        let http = http.clone();
        async move { push_queries(&http).await.is_empty() }
    })
    .await;
    // Still at the prompt, with the session's property kept.
    client.send("SELECT id FROM s EMIT CHANGES LIMIT 1;");
    client.wait_line("the first row", |l| l.starts_with("|a "));
    client.wait_line("the limit", |l| l == "Limit Reached");
    client.send("exit");
    assert!(client.wait(), "the client failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_ends_a_script_running_a_push_query() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_records(dir.path()).await;
    let http = Http::new(&server.url);
    let mut client = Client::start(
        &server.url,
        &[
            "-e",
            "SET 'auto.offset.reset'='earliest'; SELECT * FROM s EMIT CHANGES; SHOW STREAMS;",
        ],
        Stdio::null(),
        dir.path(),
    );
    client.wait_line("the last row", |l| l.starts_with("|d "));
    client.interrupt();
    client.wait_line("the end of the query", |l| l == "Query terminated");
    assert!(!client.wait(), "an interrupted script is a failure");
    let rest = client.rest();
    assert!(
        !rest.iter().any(|l| l.contains("Stream Name")),
        "the script went on: {rest:?}"
    );
    wait_for("the push query to be closed", || {
        let http = http.clone();
        async move { push_queries(&http).await.is_empty() }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_query_prints_a_closed_table_of_the_materialized_rows() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_records(dir.path()).await;
    let (ok, out, err) = sql(
        &server.url,
        &[
            "-e",
            "SET 'auto.offset.reset'='earliest'; CREATE TABLE cnt AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;",
        ],
    );
    assert!(ok, "{out}{err}");
    let started = Instant::now();
    let lines = loop {
        let (ok, out, err) = sql(&server.url, &["-e", "SELECT * FROM cnt WHERE id = 'b';"]);
        assert!(ok, "{out}{err}");
        let lines: Vec<String> = out.lines().map(str::to_string).collect();
        if lines.len() == 6 || started.elapsed() > DEADLINE {
            break lines;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // Header between borders, the one row, a closing border, no "Limit Reached".
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(
        lines[0].starts_with("+-") && lines[0] == lines[2] && lines[0] == lines[4],
        "{lines:#?}"
    );
    let cells = |l: &str| {
        l.split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(cells(&lines[1]), ["ID", "N"], "{lines:#?}");
    assert_eq!(cells(&lines[3]), ["b", "1"], "{lines:#?}");
    assert_eq!(lines[5], "Query terminated");
}
