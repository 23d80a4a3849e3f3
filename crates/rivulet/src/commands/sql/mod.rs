//! `rivulet sql`: an interactive SQL client like ksqlDB's CLI — line editing with history,
//! multi-line statements ended by `;`, results as tables — and `-e "…"` / `-f file.sql` for
//! scripts. It talks to a running server's ksqlDB REST API, one statement at a time: SELECT and
//! PRINT on `/query-stream` (see `query.rs`), everything else on `/ksql`.
//!
//! Owns the session (SET properties and DEFINE variables, kept here and sent with every
//! request, as ksqlDB's CLI does), the splitting of input into statements, and the prompt.

mod query;
mod render;

use std::path::PathBuf;

use anyhow::Context;
use rivulet_sql::{token::TokenKind, Statement};
use rustyline::{error::ReadlineError, history::DefaultHistory, Editor};
use serde_json::{json, Map, Value};

use crate::http_client::HttpClient;
use query::{Interrupt, QueryOutcome};

/// Runs statements from `-e`, `-f`, or the terminal.
pub async fn run(
    url: String,
    execute: Option<String>,
    file: Option<PathBuf>,
) -> anyhow::Result<()> {
    let mut session = SqlSession::new(HttpClient::new(&url));
    if let Some(sql) = execute {
        return run_script(&mut session, &sql).await;
    }
    if let Some(path) = file {
        let sql = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return run_script(&mut session, &sql).await;
    }
    interactive(&mut session, &url).await
}

/// Runs a whole script; the first error (or a Ctrl-C) stops it and is the command's error.
async fn run_script(session: &mut SqlSession, sql: &str) -> anyhow::Result<()> {
    match session.run(sql).await? {
        Outcome::Ran => Ok(()),
        Outcome::Failed => anyhow::bail!("the script stopped at an error"),
        Outcome::Interrupted => anyhow::bail!("the script was interrupted"),
    }
}

/// How a statement (or a run of them) went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ran,
    /// The server refused a statement; its error was printed.
    Failed,
    /// Ctrl-C stopped a query.
    Interrupted,
}

/// What the client does itself with a statement, before or instead of the server.
enum Kind {
    /// SELECT or PRINT: run on `/query-stream`.
    Query,
    Set {
        name: String,
        value: String,
    },
    Unset {
        name: String,
    },
    Define {
        name: String,
        value: String,
    },
    Undefine {
        name: String,
    },
    /// Anything else: run on `/ksql`.
    Other,
}

/// Which kind `text` (one statement) is. Only SET, UNSET, DEFINE and UNDEFINE are parsed here;
/// whatever does not parse goes to the server, which words the error.
fn classify(text: &str, variables: &Map<String, Value>) -> Kind {
    let first = rivulet_sql::tokenize(text)
        .ok()
        .and_then(|tokens| tokens.into_iter().next())
        .filter(|t| matches!(t.kind, TokenKind::Word(_)))
        .map(|t| t.value)
        .unwrap_or_default();
    match first.as_str() {
        "SELECT" | "PRINT" => return Kind::Query,
        "SET" | "UNSET" | "DEFINE" | "UNDEFINE" => {}
        _ => return Kind::Other,
    }
    let vars: rivulet_sql::Variables = variables
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let parsed =
        rivulet_sql::substitute(text, &vars).and_then(|t| rivulet_sql::parse_statement(&t));
    match parsed {
        Ok(Statement::SetProperty { name, value }) => Kind::Set { name, value },
        Ok(Statement::UnsetProperty { name }) => Kind::Unset { name },
        Ok(Statement::DefineVariable { name, value }) => Kind::Define { name, value },
        Ok(Statement::UndefineVariable { name }) => Kind::Undefine { name },
        _ => Kind::Other,
    }
}

/// The client's session: the server, and what SET and DEFINE have set. As in ksqlDB's CLI,
/// properties and variables live here and go with every request (`streamsProperties` and
/// `sessionVariables` to `/ksql`, `properties` and `sessionVariables` to `/query-stream`).
struct SqlSession {
    client: HttpClient,
    properties: Map<String, Value>,
    variables: Map<String, Value>,
    interrupt: Interrupt,
}

impl SqlSession {
    fn new(client: HttpClient) -> SqlSession {
        SqlSession {
            client,
            properties: Map::new(),
            variables: Map::new(),
            interrupt: Interrupt::default(),
        }
    }

    /// Runs the statements of `sql` one by one, printing as it goes; stops at the first that
    /// fails or is interrupted.
    async fn run(&mut self, sql: &str) -> anyhow::Result<Outcome> {
        let statements = match rivulet_sql::split_statements(sql) {
            Ok(statements) => statements.into_iter().map(|s| s.text).collect(),
            // An unterminated string or a missing `;`: the server words the error.
            Err(_) => vec![sql.to_string()],
        };
        for text in statements {
            let outcome = self.statement(&text).await?;
            if outcome != Outcome::Ran {
                return Ok(outcome);
            }
        }
        Ok(Outcome::Ran)
    }

    async fn statement(&mut self, text: &str) -> anyhow::Result<Outcome> {
        let kind = classify(text, &self.variables);
        if let Kind::Query = kind {
            let outcome = query::run_query(
                &self.client,
                text,
                &self.properties,
                &self.variables,
                &mut self.interrupt,
            )
            .await?;
            return Ok(match outcome {
                QueryOutcome::Ended => Outcome::Ran,
                QueryOutcome::Failed => Outcome::Failed,
                QueryOutcome::Interrupted => Outcome::Interrupted,
            });
        }
        // The server checks the statement (and SET's property name) even when the client
        // keeps its effect.
        let outcome = self.ksql(text).await?;
        if outcome != Outcome::Ran {
            return Ok(outcome);
        }
        match kind {
            Kind::Set { name, value } => {
                match self
                    .properties
                    .insert(name.clone(), Value::String(value.clone()))
                {
                    Some(Value::String(old)) => println!(
                        "Successfully changed local property '{name}' from '{old}' to '{value}'."
                    ),
                    _ => println!("Successfully changed local property '{name}' to '{value}'."),
                }
            }
            Kind::Unset { name } => match self.properties.remove(&name) {
                Some(Value::String(old)) => {
                    println!("Successfully unset local property '{name}' (value was '{old}').")
                }
                _ => println!("Local property '{name}' was not set."),
            },
            Kind::Define { name, value } => {
                // Variables match ignoring case: one entry per name.
                self.variables.retain(|k, _| !k.eq_ignore_ascii_case(&name));
                self.variables.insert(name, Value::String(value));
            }
            Kind::Undefine { name } => self.variables.retain(|k, _| !k.eq_ignore_ascii_case(&name)),
            Kind::Query | Kind::Other => {}
        }
        Ok(Outcome::Ran)
    }

    /// Runs statements on `/ksql` and prints the entities, or the error.
    async fn ksql(&self, sql: &str) -> anyhow::Result<Outcome> {
        let answer = self
            .client
            .post_json(
                "/ksql",
                &json!({"ksql": sql, "streamsProperties": self.properties,
                        "sessionVariables": self.variables}),
            )
            .await?;
        let body: Value = serde_json::from_slice(&answer.body).with_context(|| {
            format!(
                "the server answered {} with a body that is not JSON",
                answer.status
            )
        })?;
        if answer.status < 400 {
            for entity in body.as_array().into_iter().flatten() {
                print!("{}", render::entity(entity));
            }
            Ok(Outcome::Ran)
        } else {
            for entity in body["entities"].as_array().into_iter().flatten() {
                print!("{}", render::entity(entity));
            }
            print!("{}", render::error(&body));
            Ok(Outcome::Failed)
        }
    }
}

/// Whether `buffer` holds complete statements: it ends with `;` outside quotes and comments.
fn complete(buffer: &str) -> bool {
    match rivulet_sql::tokenize(buffer) {
        Ok(tokens) => tokens
            .iter()
            .rev()
            .find(|t| t.kind != rivulet_sql::token::TokenKind::Eof)
            .is_some_and(|t| t.kind == rivulet_sql::token::TokenKind::Semicolon),
        // An unterminated string or comment: keep reading.
        Err(_) => false,
    }
}

async fn interactive(session: &mut SqlSession, url: &str) -> anyhow::Result<()> {
    let info = session.client.get("/info").await?.json()?;
    println!(
        "Rivulet SQL — server {url} (ksqlDB API {})",
        info["KsqlServerInfo"]["version"].as_str().unwrap_or("?")
    );
    println!("Statements end with ';'. Ctrl-C stops a query; Ctrl-D or 'exit' quits.\n");
    let mut editor: Editor<(), DefaultHistory> = Editor::new()?;
    let history = std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|h| h.join(".rivulet_sql_history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            "rivulet> "
        } else {
            "       > "
        };
        match editor.readline(prompt) {
            Ok(line) => {
                let trimmed = line.trim();
                if buffer.is_empty()
                    && matches!(
                        trimmed.to_ascii_lowercase().as_str(),
                        "exit" | "quit" | "exit;" | "quit;"
                    )
                {
                    break;
                }
                if !buffer.is_empty() {
                    buffer.push('\n');
                }
                buffer.push_str(&line);
                if complete(&buffer) {
                    let _ = editor.add_history_entry(buffer.as_str());
                    // Errors were printed; an interrupted query returns to the prompt.
                    if let Err(e) = session.run(&buffer).await {
                        println!("{e:#}");
                    }
                    buffer.clear();
                }
            }
            Err(ReadlineError::Interrupted) => buffer.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::complete;

    #[test]
    fn statements_complete_at_a_semicolon_outside_quotes() {
        assert!(complete("show streams;"));
        assert!(complete("select a\nfrom s;"));
        assert!(!complete("select a"));
        assert!(!complete("select 'a;"));
        assert!(!complete("select a -- done;"));
    }
}
