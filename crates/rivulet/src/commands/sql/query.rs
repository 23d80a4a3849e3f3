//! How `rivulet sql` runs SELECT and PRINT: one statement on `POST /query-stream` in the
//! delimited format, printed as it streams in (rows as a [`RowTable`], other text lines as they
//! are), ended by the server (LIMIT, end of a pull query) or by Ctrl-C, which closes the query
//! with `POST /close-query`.
//!
//! Owns [`run_query`], [`QueryOutcome`] and [`Interrupt`]. It must not decide which statements
//! are queries (the caller does) nor keep the session's properties (they are passed in).

use anyhow::Context;
use futures::FutureExt;
use http_body_util::BodyExt;
use serde_json::{json, Map, Value};

use super::render::{self, RowTable};
use crate::http_client::HttpClient;

/// The delimited format of `/query-stream`: a header object line, then one JSON array per row.
const DELIMITED: &str = "application/vnd.ksqlapi.delimited.v1";

/// How a query ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryOutcome {
    /// The server ended it (LIMIT, a finite result, or the server going away).
    Ended,
    /// The server refused it or reported an error; the error was printed.
    Failed,
    /// Ctrl-C stopped it.
    Interrupted,
}

/// Ctrl-C while a query runs. The handler is installed when the first query starts, so until
/// then Ctrl-C keeps its default effect (ending the CLI); once installed, a Ctrl-C outside a
/// query is ignored (at the interactive prompt the line editor reads Ctrl-C as a key anyway).
#[derive(Default)]
pub struct Interrupt {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    /// Installs the handler if needed and forgets any Ctrl-C pressed before now.
    fn arm(&mut self) -> anyhow::Result<()> {
        #[cfg(unix)]
        {
            let signal = match &mut self.signal {
                Some(s) => s,
                None => self.signal.insert(
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                        .context("installing the Ctrl-C handler")?,
                ),
            };
            while let Some(Some(())) = signal.recv().now_or_never() {}
        }
        Ok(())
    }

    /// Resolves at the next Ctrl-C.
    async fn pressed(&mut self) {
        #[cfg(unix)]
        {
            match &mut self.signal {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// What the statement itself says about its result, when it parses here.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Expected {
    limit: Option<u32>,
    /// A SELECT without EMIT: a finite result, closed by a bottom border.
    pull: bool,
    print: bool,
}

impl Expected {
    fn of(sql: &str, variables: &Map<String, Value>) -> Expected {
        let vars: rivulet_sql::Variables = variables
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map(str::to_string).unwrap_or_default(),
                )
            })
            .collect();
        let statement = rivulet_sql::substitute(sql, &vars)
            .and_then(|text| rivulet_sql::parse_statement(&text));
        match statement {
            Ok(rivulet_sql::Statement::Query(q)) => Expected {
                limit: q.limit,
                pull: q.is_pull(),
                print: false,
            },
            Ok(rivulet_sql::Statement::Print(p)) => Expected {
                limit: p.limit,
                pull: false,
                print: true,
            },
            // The server words the error.
            _ => Expected::default(),
        }
    }
}

/// Prints a query's response line by line.
struct Printer {
    expected: Expected,
    state: State,
    rows: u64,
    width: usize,
}

enum State {
    /// Nothing received yet.
    Start,
    /// A header arrived: rows are laid out in a table.
    Table { table: RowTable, query_id: String },
    /// The first line was not a header (PRINT's text): lines are printed as they come.
    Text,
}

impl Printer {
    fn new(expected: Expected, width: usize) -> Printer {
        Printer {
            expected,
            state: State::Start,
            rows: 0,
            width,
        }
    }

    /// Adds to `out` what one line of the response shows; false when the line was an error
    /// (its message is in `out` too).
    fn line(&mut self, line: &str, out: &mut String) -> bool {
        if line.trim().is_empty() {
            // Keep-alive.
            return true;
        }
        let json: Option<Value> = serde_json::from_str(line).ok();
        if let Some(e) = json.as_ref().filter(|v| is_error(v)) {
            out.push_str(&render::error(e));
            return false;
        }
        match &mut self.state {
            State::Start => match json.as_ref().filter(|v| v.get("columnNames").is_some()) {
                Some(header) => {
                    let names: Vec<String> = header["columnNames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|n| {
                            n.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| n.to_string())
                        })
                        .collect();
                    let table = RowTable::new(names.len(), self.width);
                    out.push_str(&table.header(&names));
                    self.state = State::Table {
                        table,
                        query_id: header["queryId"].as_str().unwrap_or_default().to_string(),
                    };
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                    self.state = State::Text;
                }
            },
            State::Table { table, .. } => match json {
                Some(Value::Array(values)) => {
                    out.push_str(&table.row(&values));
                    self.rows += 1;
                }
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            },
            State::Text => {
                out.push_str(line);
                out.push('\n');
            }
        }
        true
    }

    fn query_id(&self) -> Option<&str> {
        match &self.state {
            State::Table { query_id, .. } if !query_id.is_empty() => Some(query_id),
            _ => None,
        }
    }

    /// The closing lines once the query is over: a bottom border for a pull query's finite
    /// result, `Limit Reached` when the LIMIT's rows all came, then `Query terminated` (PRINT:
    /// `Topic printing ceased`), as ksqlDB's CLI writes them.
    fn finish(&self, interrupted: bool) -> String {
        let mut out = String::new();
        match &self.state {
            State::Table { table, .. } => {
                if self.expected.pull && !interrupted {
                    out.push_str(&table.border());
                }
                let limit_reached = self
                    .expected
                    .limit
                    .is_some_and(|n| self.rows >= u64::from(n));
                if limit_reached && !interrupted {
                    out.push_str("Limit Reached\n");
                }
                out.push_str("Query terminated\n");
            }
            State::Text | State::Start if self.expected.print => {
                out.push_str("Topic printing ceased\n")
            }
            State::Text | State::Start => out.push_str("Query terminated\n"),
        }
        out
    }
}

/// Writes and flushes `text` to stdout, so rows show as they arrive.
fn show(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// An error object as the query endpoints write them.
fn is_error(v: &Value) -> bool {
    v.is_object() && v.get("error_code").is_some() && v.get("message").is_some()
}

/// Splits a byte stream into lines.
#[derive(Default)]
struct Lines {
    pending: Vec<u8>,
}

impl Lines {
    /// The complete lines in what has arrived so far.
    fn push(&mut self, data: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(data);
        let mut out = Vec::new();
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            out.push(String::from_utf8_lossy(&line[..end]).into_owned());
        }
        out
    }

    /// A last line without a line break.
    fn rest(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.pending);
        (!rest.is_empty()).then(|| String::from_utf8_lossy(&rest).into_owned())
    }
}

/// Runs one SELECT or PRINT with the session's `properties` and `variables`, printing as it
/// goes.
pub async fn run_query(
    client: &HttpClient,
    sql: &str,
    properties: &Map<String, Value>,
    variables: &Map<String, Value>,
    interrupt: &mut Interrupt,
) -> anyhow::Result<QueryOutcome> {
    let mut printer = Printer::new(Expected::of(sql, variables), render::terminal_width());
    interrupt.arm()?;
    let request = json!({"sql": sql, "properties": properties, "sessionVariables": variables});
    let response = tokio::select! {
        r = client.post_streaming("/query-stream", DELIMITED, &request) => r?,
        _ = interrupt.pressed() => {
            show(&printer.finish(true));
            return Ok(QueryOutcome::Interrupted);
        }
    };
    if response.status >= 400 {
        let body = response.body.collect().await?.to_bytes();
        match serde_json::from_slice::<Value>(&body) {
            Ok(e) if e.get("message").is_some() => show(&render::error(&e)),
            _ => show(&format!(
                "The server answered {}: {}\n",
                response.status,
                String::from_utf8_lossy(&body).trim()
            )),
        }
        return Ok(QueryOutcome::Failed);
    }
    let mut body = response.body;
    let mut lines = Lines::default();
    loop {
        tokio::select! {
            frame = body.frame() => match frame {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        let mut out = String::new();
                        let ok = lines.push(data).iter().all(|line| printer.line(line, &mut out));
                        show(&out);
                        if !ok {
                            return Ok(QueryOutcome::Failed);
                        }
                    }
                }
                Some(Err(e)) => {
                    return Err(anyhow::Error::new(e).context("the query's stream broke off"))
                }
                None => break,
            },
            _ = interrupt.pressed() => {
                drop(body);
                if let Some(id) = printer.query_id() {
                    close(client, id).await;
                }
                show(&printer.finish(true));
                return Ok(QueryOutcome::Interrupted);
            }
        }
    }
    if let Some(line) = lines.rest() {
        let mut out = String::new();
        let ok = printer.line(&line, &mut out);
        show(&out);
        if !ok {
            return Ok(QueryOutcome::Failed);
        }
    }
    show(&printer.finish(false));
    Ok(QueryOutcome::Ended)
}

/// Asks the server to stop a push query; its stream is dropped already, so failing to reach
/// the server only delays the end of the query on its side.
async fn close(client: &HttpClient, query_id: &str) {
    let request = json!({ "queryId": query_id });
    let answer = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        client.post_json("/close-query", &request),
    )
    .await;
    if let Ok(Ok(a)) = answer {
        if a.status >= 400 {
            tracing::debug!(status = a.status, "close-query refused");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_across_chunks() {
        let mut l = Lines::default();
        assert_eq!(l.push(b"{\"a\":"), Vec::<String>::new());
        assert_eq!(l.push(b"1}\n[1]\n[2"), vec!["{\"a\":1}", "[1]"]);
        assert_eq!(l.push(b"]\n"), vec!["[2]"]);
        assert_eq!(l.rest(), None);
        l.push(b"tail");
        assert_eq!(l.rest().as_deref(), Some("tail"));
    }

    fn feed(printer: &mut Printer, lines: &[&str]) -> (String, bool) {
        let mut out = String::new();
        let ok = lines.iter().all(|l| printer.line(l, &mut out));
        (out, ok)
    }

    #[test]
    fn rows_follow_the_header_and_the_limit_is_reported() {
        let expected = Expected {
            limit: Some(2),
            ..Expected::default()
        };
        let mut p = Printer::new(expected, 25);
        let (out, ok) = feed(
            &mut p,
            &[
                r#"{"queryId":"transient_S_1","columnNames":["ID","T"],"columnTypes":["STRING","DOUBLE"]}"#,
                r#"["a",1.5]"#,
                "",
                r#"["b",null]"#,
            ],
        );
        assert!(ok);
        assert_eq!(
            out,
            "+-----------+-----------+\n|ID         |T          |\n+-----------+-----------+\n\
             |a          |1.5        |\n|b          |null       |\n"
        );
        assert_eq!(p.query_id(), Some("transient_S_1"));
        assert_eq!(p.finish(false), "Limit Reached\nQuery terminated\n");
        assert_eq!(p.finish(true), "Query terminated\n");
    }

    #[test]
    fn a_pull_result_is_closed_by_a_border() {
        let expected = Expected {
            pull: true,
            ..Expected::default()
        };
        let mut p = Printer::new(expected, 12);
        feed(
            &mut p,
            &[r#"{"queryId":"q","columnNames":["ID"],"columnTypes":["STRING"]}"#],
        );
        assert_eq!(p.finish(false), "+----------+\nQuery terminated\n");
    }

    #[test]
    fn text_lines_are_printed_as_they_come() {
        let expected = Expected {
            print: true,
            ..Expected::default()
        };
        let mut p = Printer::new(expected, 80);
        let lines = [
            "Key format: KAFKA_STRING",
            "Value format: JSON",
            r#"rowtime: 2022/12/02 17:22:02.556 Z, key: a, value: {"t":1}, partition: 0"#,
        ];
        let (out, ok) = feed(&mut p, &lines);
        assert!(ok);
        assert_eq!(out, format!("{}\n", lines.join("\n")));
        assert_eq!(p.query_id(), None);
        assert_eq!(p.finish(false), "Topic printing ceased\n");
    }

    #[test]
    fn an_error_line_stops_the_query_with_its_message() {
        let mut p = Printer::new(Expected::default(), 80);
        let (out, ok) = feed(
            &mut p,
            &[
                r#"{"queryId":"q","columnNames":["ID"],"columnTypes":["STRING"]}"#,
                r#"{"@type":"generic_error","error_code":50000,"message":"boom"}"#,
            ],
        );
        assert!(!ok);
        assert!(out.ends_with("boom\n"), "{out}");
        let mut p = Printer::new(Expected::default(), 80);
        let (out, ok) = feed(
            &mut p,
            &[
                r#"{"@type":"statement_error","error_code":40001,"message":"Topic does not exist: t","statementText":"PRINT t;","entities":[]}"#,
            ],
        );
        assert!(!ok);
        assert_eq!(out, "Topic does not exist: t\nStatement: PRINT t;\n");
    }

    #[test]
    fn the_statement_tells_limit_and_kind() {
        let none = Map::new();
        let e = Expected::of("SELECT * FROM s EMIT CHANGES LIMIT 3;", &none);
        assert_eq!((e.limit, e.pull, e.print), (Some(3), false, false));
        assert!(Expected::of("SELECT * FROM s;", &none).pull);
        assert!(Expected::of("PRINT 't' FROM BEGINNING;", &none).print);
        let mut vars = Map::new();
        vars.insert("n".into(), "2".into());
        let e = Expected::of("SELECT * FROM s EMIT CHANGES LIMIT ${n};", &vars);
        assert_eq!(e.limit, Some(2));
    }
}
