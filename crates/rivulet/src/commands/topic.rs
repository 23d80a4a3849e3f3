//! `rivulet topic list|create|describe|delete|produce|consume`, through a running server's HTTP
//! API.

use std::io::BufRead;

use anyhow::Context;
use bytes::Bytes;
use hyper::Method;
use serde_json::{json, Value};

use crate::{cli::TopicCommand, http_client::HttpClient};

pub async fn run(command: TopicCommand) -> anyhow::Result<()> {
    match command {
        TopicCommand::List(url) => {
            let answer = HttpClient::new(&url.url).get("/topics").await?.json()?;
            println!(
                "{:<40} {:>10} {:>12} {:>12}",
                "TOPIC", "PARTITIONS", "RECORDS", "BYTES"
            );
            for t in answer["topics"].as_array().into_iter().flatten() {
                println!(
                    "{:<40} {:>10} {:>12} {:>12}",
                    t["name"].as_str().unwrap_or_default(),
                    t["partitions"],
                    t["records"],
                    t["size_bytes"]
                );
            }
        }
        TopicCommand::Create {
            name,
            partitions,
            retention_ms,
            retention_bytes,
            url,
        } => {
            let body = json!({"name": name, "partitions": partitions,
                "retention_ms": retention_ms, "retention_bytes": retention_bytes});
            HttpClient::new(&url.url)
                .post_json("/topics", &body)
                .await?
                .json()?;
            println!("Created topic {name} with {partitions} partition(s).");
        }
        TopicCommand::Describe { name, url } => {
            let d = HttpClient::new(&url.url)
                .get(&format!("/topics/{name}"))
                .await?
                .json()?;
            println!("Topic {name}");
            println!(
                "{:>9} {:>14} {:>14} {:>14} {:>9}",
                "PARTITION", "START", "END", "BYTES", "SEGMENTS"
            );
            for p in d["partitions"].as_array().into_iter().flatten() {
                println!(
                    "{:>9} {:>14} {:>14} {:>14} {:>9}",
                    p["partition"],
                    p["start_offset"],
                    p["end_offset"],
                    p["size_bytes"],
                    p["segments"]
                );
            }
        }
        TopicCommand::Delete { name, url } => {
            HttpClient::new(&url.url)
                .delete(&format!("/topics/{name}"))
                .await?
                .json()?;
            println!("Deleted topic {name}.");
        }
        TopicCommand::Produce {
            name,
            key,
            value,
            url,
        } => {
            let lines: Vec<String> = match value {
                Some(v) => vec![v],
                None => std::io::stdin()
                    .lock()
                    .lines()
                    .collect::<Result<_, _>>()
                    .context("reading stdin")?,
            };
            let mut records = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(line)
                    .with_context(|| format!("line {}: not JSON", i + 1))?;
                records.push(json!({"key": key, "value": v}));
            }
            let answer = HttpClient::new(&url.url)
                .post_json(
                    &format!("/topics/{name}/records"),
                    &json!({ "records": records }),
                )
                .await?
                .json()?;
            println!("{}", answer);
        }
        TopicCommand::Consume {
            name,
            partition,
            mut offset,
            limit,
            follow,
            url,
        } => {
            let client = HttpClient::new(&url.url);
            let mut printed = 0usize;
            loop {
                let wait = if follow { 10_000 } else { 0 };
                let path = format!(
                    "/topics/{name}/records?partition={partition}&offset={offset}&limit=1000&timeout_ms={wait}"
                );
                let answer = client
                    .request(Method::GET, &path, "application/json", Bytes::new())
                    .await?
                    .json()?;
                let records = answer["records"].as_array().cloned().unwrap_or_default();
                for r in &records {
                    println!("{r}");
                    printed += 1;
                    if limit.is_some_and(|l| printed >= l) {
                        return Ok(());
                    }
                }
                offset = answer["next_offset"].as_i64().unwrap_or(offset);
                if records.is_empty() && !follow {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}
