//! How `rivulet sql` prints `/ksql` entities and errors: tables and messages in the manner of
//! ksqlDB's CLI.

use comfy_table::{presets::ASCII_MARKDOWN, Table};
use serde_json::Value;

fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(ASCII_MARKDOWN);
    t.set_header(header.iter().copied());
    for r in rows {
        t.add_row(r);
    }
    format!("{t}\n")
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn schema_type(schema: &Value) -> String {
    let base = text(&schema["type"]);
    match base.as_str() {
        "ARRAY" => format!("ARRAY<{}>", schema_type(&schema["memberSchema"])),
        "MAP" => format!("MAP<STRING, {}>", schema_type(&schema["memberSchema"])),
        "DECIMAL" => format!(
            "DECIMAL({}, {})",
            schema["parameters"]["precision"], schema["parameters"]["scale"]
        ),
        "STRUCT" => {
            let fields: Vec<String> = schema["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| format!("{} {}", text(&f["name"]), schema_type(&f["schema"])))
                .collect();
            format!("STRUCT<{}>", fields.join(", "))
        }
        _ => base,
    }
}

/// One entity as the CLI shows it.
pub fn entity(e: &Value) -> String {
    let mut out = match text(&e["@type"]).as_str() {
        "currentStatus" => table(
            &["Message"],
            vec![vec![text(&e["commandStatus"]["message"])]],
        ),
        kind @ ("streams" | "tables") => {
            let label = if kind == "streams" {
                "Stream Name"
            } else {
                "Table Name"
            };
            table(
                &[
                    label,
                    "Kafka Topic",
                    "Key Format",
                    "Value Format",
                    "Windowed",
                ],
                e[kind]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        vec![
                            text(&s["name"]),
                            text(&s["topic"]),
                            text(&s["keyFormat"]),
                            text(&s["valueFormat"]),
                            text(&s["isWindowed"]),
                        ]
                    })
                    .collect(),
            )
        }
        "sourceDescription" => {
            let d = &e["sourceDescription"];
            let mut out = format!(
                "Name                 : {}\nType                 : {}\nTimestamp field      : {}\nKey format           : {}\nValue format         : {}\nKafka topic          : {} (partitions: {}, replication: {})\n\n",
                text(&d["name"]),
                text(&d["type"]),
                if text(&d["timestamp"]).is_empty() { "Not set - using <ROWTIME>".into() } else { text(&d["timestamp"]) },
                text(&d["keyFormat"]),
                text(&d["valueFormat"]),
                text(&d["topic"]),
                d["partitions"],
                d["replication"]
            );
            out.push_str(&table(
                &["Field", "Type"],
                d["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        let mut t = schema_type(&f["schema"]);
                        match text(&f["type"]).as_str() {
                            "KEY" => t.push_str(" (key)"),
                            "HEADER" => t.push_str(" (header)"),
                            _ => {}
                        }
                        vec![text(&f["name"]), t]
                    })
                    .collect(),
            ));
            out
        }
        "kafka_topics" | "kafka_topics_extended" => table(
            &["Kafka Topic", "Partitions", "Partition Replicas"],
            e["topics"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    let replicas = t["replicaInfo"].as_array().cloned().unwrap_or_default();
                    vec![
                        text(&t["name"]),
                        replicas.len().to_string(),
                        replicas.first().map(text).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "properties" => table(
            &["Property", "Scope", "Level", "Value"],
            e["properties"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    vec![
                        text(&p["name"]),
                        text(&p["scope"]),
                        text(&p["level"]),
                        text(&p["value"]),
                    ]
                })
                .collect(),
        ),
        "variables" => table(
            &["Variable Name", "Value"],
            e["variables"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| vec![text(&v["name"]), text(&v["value"])])
                .collect(),
        ),
        "warning_entity" => format!("{}\n", text(&e["message"])),
        _ => format!("{}\n", serde_json::to_string_pretty(e).unwrap_or_default()),
    };
    for w in e["warnings"].as_array().into_iter().flatten() {
        out.push_str(&format!("WARNING: {}\n", text(&w["message"])));
    }
    out
}

/// An error body as the CLI shows it.
pub fn error(body: &Value) -> String {
    let message = text(&body["message"]);
    let statement = text(&body["statementText"]);
    if statement.is_empty() {
        format!("{message}\n")
    } else {
        format!("{message}\nStatement: {statement}\n")
    }
}
