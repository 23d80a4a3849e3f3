//! Shared by the end-to-end tests: start the real `rivulet` binary on an ephemeral port, learn
//! its address from what it prints, talk HTTP to it, kill it.

#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use serde_json::Value;

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rivulet")
}

/// A running `rivulet` process.
pub struct Proc {
    pub child: Child,
    pub url: String,
    pub lines: mpsc::Receiver<String>,
}

impl Proc {
    /// Starts `rivulet <args…>` and waits for its `HTTP http://…` line.
    pub fn start(args: &[&str]) -> Proc {
        let mut child = Command::new(bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn rivulet");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    if let Some(url) = line.trim().strip_prefix("HTTP").map(str::trim) {
                        return Proc {
                            child,
                            url: url.to_string(),
                            lines: rx,
                        };
                    }
                    seen.push(line);
                }
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("rivulet did not print its address ({e}); printed: {seen:?}");
                }
            }
        }
    }

    /// Starts `rivulet server` on an ephemeral port over `data_dir`.
    pub fn server(data_dir: &Path, extra: &[&str]) -> Proc {
        let dir = data_dir.to_str().expect("utf-8 path");
        let mut args = vec!["server", "--listen", "127.0.0.1:0", "--data-dir", dir];
        args.extend_from_slice(extra);
        Proc::start(&args)
    }

    /// SIGKILL, no goodbye.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().expect("wait")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON-over-HTTP client for tests.
#[derive(Clone)]
pub struct Http {
    base: String,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new(base: &str) -> Http {
        Http {
            base: base.to_string(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        ctype: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Value), String> {
        let req = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path))
            .header("content-type", ctype)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let res = self.client.request(req).await.map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let bytes = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<(u16, Value), String> {
        self.send(
            "POST",
            path,
            "application/json",
            body.to_string().into_bytes(),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, "application/json", Vec::new())
            .await
            .expect("GET")
    }

    /// Every record of a partition, read page by page.
    pub async fn read_all(&self, topic: &str, partition: u32) -> Vec<Value> {
        self.read_pages(topic, partition, "").await
    }

    /// Every record of a partition as stored, even when a stream or table is declared over it.
    #[allow(dead_code)]
    pub async fn read_all_raw(&self, topic: &str, partition: u32) -> Vec<Value> {
        self.read_pages(topic, partition, "&raw=true").await
    }

    async fn read_pages(&self, topic: &str, partition: u32, extra: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let (status, page) = self
                .get(&format!(
                    "/topics/{topic}/records?partition={partition}&offset={offset}&limit=1000{extra}"
                ))
                .await;
            assert_eq!(status, 200, "{page}");
            let records = page["records"].as_array().cloned().unwrap_or_default();
            if records.is_empty() {
                return out;
            }
            offset = page["next_offset"].as_i64().expect("next_offset");
            out.extend(records);
        }
    }
}
