//! `rivulet sql`: an interactive SQL client like ksqlDB's CLI — line editing with history,
//! multi-line statements ended by `;`, results as tables — and `-e "…"` / `-f file.sql` for
//! scripts. It talks to a running server's ksqlDB REST API.

mod render;

use std::path::PathBuf;

use anyhow::Context;
use rustyline::{error::ReadlineError, history::DefaultHistory, Editor};
use serde_json::{json, Value};

use crate::http_client::HttpClient;

/// Runs statements from `-e`, `-f`, or the terminal.
pub async fn run(
    url: String,
    execute: Option<String>,
    file: Option<PathBuf>,
) -> anyhow::Result<()> {
    let client = HttpClient::new(&url);
    if let Some(sql) = execute {
        return run_script(&client, &sql).await;
    }
    if let Some(path) = file {
        let sql = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return run_script(&client, &sql).await;
    }
    interactive(&client, &url).await
}

/// Runs a whole script; the first error stops it and is the command's error.
async fn run_script(client: &HttpClient, sql: &str) -> anyhow::Result<()> {
    let (ok, out) = submit(client, sql).await?;
    print!("{out}");
    if ok {
        Ok(())
    } else {
        anyhow::bail!("the script stopped at an error")
    }
}

/// Sends statements to `/ksql`; answers whether they all ran, and what to print.
async fn submit(client: &HttpClient, sql: &str) -> anyhow::Result<(bool, String)> {
    let answer = client
        .post_json("/ksql", &json!({"ksql": sql, "streamsProperties": {}}))
        .await?;
    let body: Value = serde_json::from_slice(&answer.body).with_context(|| {
        format!(
            "the server answered {} with a body that is not JSON",
            answer.status
        )
    })?;
    if answer.status < 400 {
        let mut out = String::new();
        for entity in body.as_array().into_iter().flatten() {
            out.push_str(&render::entity(entity));
        }
        Ok((true, out))
    } else {
        let mut out = String::new();
        for entity in body["entities"].as_array().into_iter().flatten() {
            out.push_str(&render::entity(entity));
        }
        out.push_str(&render::error(&body));
        Ok((false, out))
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

async fn interactive(client: &HttpClient, url: &str) -> anyhow::Result<()> {
    let info = client.get("/info").await?.json()?;
    println!(
        "Rivulet SQL — server {url} (ksqlDB API {})",
        info["KsqlServerInfo"]["version"].as_str().unwrap_or("?")
    );
    println!("Statements end with ';'. Ctrl-D or 'exit' quits.\n");
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
                    match submit(client, &buffer).await {
                        Ok((_, out)) => print!("{out}"),
                        Err(e) => println!("{e:#}"),
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
