//! How `rivulet sql` prints what the server answers, in the manner of ksqlDB's CLI: `/ksql`
//! entities as tables, errors as messages, and query rows ([`RowTable`]) one line at a time as
//! they stream in.

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
        "queries" => {
            let mut out = table(
                &[
                    "Query ID",
                    "Query Type",
                    "Status",
                    "Sink Name",
                    "Sink Kafka Topic",
                    "Query String",
                ],
                e["queries"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|q| {
                        let status: Vec<String> = q["statusCount"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(|(state, n)| format!("{state}:{n}"))
                            .collect();
                        let list = |v: &Value| {
                            v.as_array()
                                .into_iter()
                                .flatten()
                                .map(text)
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        vec![
                            text(&q["id"]),
                            text(&q["queryType"]),
                            status.join(" "),
                            list(&q["sinks"]),
                            list(&q["sinkKafkaTopics"]),
                            text(&q["queryString"]),
                        ]
                    })
                    .collect(),
            );
            out.push_str("For detailed information on a Query run: EXPLAIN <Query ID>;\n");
            out
        }
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

/// The width query rows are laid out for: the terminal's when stdout is one, else 80 columns.
pub fn terminal_width() -> usize {
    Table::new()
        .width()
        .map(usize::from)
        .filter(|w| *w > 0)
        .unwrap_or(80)
}

/// No column is narrower than this, however many there are (lines then exceed the terminal).
const MIN_COLUMN_WIDTH: usize = 8;

/// Query results as ksqlDB's CLI shows them while a query runs: every column gets the same
/// width, the terminal's width shared out; column names between `+---+` borders, then one
/// `|v1 |v2 |` line per row, left-aligned and padded. A value longer than its column (or with
/// line breaks) wraps onto continuation lines of the same row, so nothing is lost; `null` is
/// written `null`, strings without quotes, other values as compact JSON.
pub struct RowTable {
    width: usize,
    columns: usize,
}

impl RowTable {
    /// A layout for `columns` columns within `terminal_width` characters.
    pub fn new(columns: usize, terminal_width: usize) -> RowTable {
        let columns = columns.max(1);
        let width = (terminal_width.saturating_sub(1) / columns)
            .saturating_sub(1)
            .max(MIN_COLUMN_WIDTH);
        RowTable { width, columns }
    }

    /// `+----+----+` and a line break.
    pub fn border(&self) -> String {
        let mut out = String::from("+");
        for _ in 0..self.columns {
            out.push_str(&"-".repeat(self.width));
            out.push('+');
        }
        out.push('\n');
        out
    }

    /// The column names between two borders.
    pub fn header(&self, names: &[String]) -> String {
        let cells: Vec<String> = names.to_vec();
        format!("{}{}{}", self.border(), self.line(&cells), self.border())
    }

    /// One row: a line, or several when a value wraps.
    pub fn row(&self, values: &[Value]) -> String {
        self.line(&values.iter().map(cell).collect::<Vec<_>>())
    }

    fn line(&self, cells: &[String]) -> String {
        let count = self.columns.max(cells.len());
        let wrapped: Vec<Vec<String>> = (0..count)
            .map(|i| wrap(cells.get(i).map(String::as_str).unwrap_or(""), self.width))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut out = String::new();
        for k in 0..height {
            out.push('|');
            for piece in &wrapped {
                let text = piece.get(k).map(String::as_str).unwrap_or("");
                out.push_str(text);
                out.push_str(&" ".repeat(self.width - text.chars().count()));
                out.push('|');
            }
            out.push('\n');
        }
        out
    }
}

/// A query value as a cell shows it.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// `text` cut into pieces of at most `width` characters, breaking at line breaks too; at least
/// one piece.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
        if chars.is_empty() {
            out.push(String::new());
        }
        for piece in chars.chunks(width.max(1)) {
            out.push(piece.iter().collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_share_the_terminal_width_and_wrap_long_values() {
        let t = RowTable::new(2, 25);
        assert_eq!(t.border(), "+-----------+-----------+\n");
        assert_eq!(
            t.header(&["ID".into(), "T".into()]),
            "+-----------+-----------+\n|ID         |T          |\n+-----------+-----------+\n"
        );
        assert_eq!(
            t.row(&[json!("abcdefghijklmn"), json!(null)]),
            "|abcdefghijk|null       |\n|lmn        |           |\n"
        );
        assert_eq!(
            t.row(&[json!(1.5), json!({"a": [1]})]),
            "|1.5        |{\"a\":[1]}  |\n"
        );
    }

    #[test]
    fn many_columns_keep_a_minimum_width() {
        let t = RowTable::new(20, 80);
        assert_eq!(t.border().len(), 20 * (MIN_COLUMN_WIDTH + 1) + 2);
    }
}
