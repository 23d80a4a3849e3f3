//! Golden tests: every case in `tests/golden/*.sql` parses to its expected canonical statements or
//! to its expected error, exactly.
//!
//! A case is `-- case: name`, the SQL (any number of lines and statements), then one
//! `-- expect: <canonical statement>;` per statement or a single `-- error: <message>` (line
//! breaks inside them written `\n`). Scripts
//! are run the way a server runs a request: split into statements, `${var}` substituted with the
//! variables DEFINEd so far, each statement parsed. Every parsed statement must also print and
//! parse back to the same tree, and scripts without variables must give the same result through
//! `parse_statements`. Run with `RIVULET_BLESS=1` to rewrite the expectations from the parser.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rivulet_sql::{
    parse_statement, parse_statements, split_statements, substitute, Statement, Variables,
};

struct Case {
    name: String,
    sql: String,
    expected: Vec<String>,
}

struct GoldenFile {
    header: String,
    cases: Vec<Case>,
}

fn parse_golden(text: &str) -> GoldenFile {
    let mut header = String::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut in_expectations = false;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- case:") {
            cases.push(Case {
                name: name.trim().to_string(),
                sql: String::new(),
                expected: Vec::new(),
            });
            in_expectations = false;
            continue;
        }
        let Some(case) = cases.last_mut() else {
            header.push_str(line);
            header.push('\n');
            continue;
        };
        if line.starts_with("-- expect:") || line.starts_with("-- error:") {
            case.expected.push(line.to_string());
            in_expectations = true;
        } else if !in_expectations {
            case.sql.push_str(line);
            case.sql.push('\n');
        }
    }
    for case in &mut cases {
        case.sql = case.sql.trim_matches('\n').trim_end().to_string();
    }
    GoldenFile { header, cases }
}

/// Runs a script like a server: split, substitute, parse, apply DEFINE/UNDEFINE.
fn run_script(sql: &str) -> Result<Vec<Statement>, String> {
    let sources = split_statements(sql).map_err(|e| e.message)?;
    let mut vars = Variables::new();
    let mut out = Vec::new();
    for source in &sources {
        let relocate = |e: rivulet_sql::SqlError| e.relocated(source.line, source.column).message;
        let text = substitute(&source.text, &vars).map_err(relocate)?;
        let statement = parse_statement(&text).map_err(relocate)?;
        match &statement {
            Statement::DefineVariable { name, value } => vars.define(name, value),
            Statement::UndefineVariable { name } => {
                vars.undefine(name);
            }
            _ => {}
        }
        out.push(statement);
    }
    Ok(out)
}

/// The expectation lines for a case, plus any consistency problems found on the way.
fn outcome(sql: &str) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let result = run_script(sql);
    // One line per expectation: line breaks inside (string literals) are shown as `\n`.
    let one_line = |s: String| s.replace('\r', "\\r").replace('\n', "\\n");
    let lines = match &result {
        Ok(statements) => statements
            .iter()
            .map(|s| one_line(format!("-- expect: {s};")))
            .collect(),
        Err(message) => vec![one_line(format!("-- error: {message}"))],
    };
    if let Ok(statements) = &result {
        for statement in statements {
            let printed = statement.to_string();
            match parse_statement(&printed) {
                Ok(again) if &again == statement => {}
                Ok(again) => problems.push(format!(
                    "round trip changed the tree:\n  printed:  {printed}\n  reprinted: {again}\n  \
                     before: {statement:?}\n  after:  {again:?}"
                )),
                Err(e) => problems.push(format!("canonical text does not parse: {printed}\n  {e}")),
            }
        }
    }
    if !sql.contains("${") {
        match (parse_statements(sql), &result) {
            (Ok(parsed), Ok(statements)) => {
                let direct: Vec<_> = parsed.iter().map(|p| &p.statement).collect();
                let scripted: Vec<_> = statements.iter().collect();
                if direct != scripted {
                    problems.push("parse_statements disagrees with the script run".to_string());
                }
                let texts: Vec<_> = parsed.iter().map(|p| p.text.clone()).collect();
                let split: Vec<_> = split_statements(sql)
                    .map(|s| s.into_iter().map(|s| s.text).collect())
                    .unwrap_or_default();
                if texts != split {
                    problems.push(format!("statement texts differ: {texts:?} vs {split:?}"));
                }
            }
            (Err(e), Err(message)) if &e.message == message => {}
            (direct, scripted) => problems.push(format!(
                "parse_statements gives {:?}, the script run {:?}",
                direct.map(|p| p.len()).map_err(|e| e.message),
                scripted.as_ref().map(|s| s.len())
            )),
        }
    }
    (lines, problems)
}

fn render(file: &GoldenFile, outcomes: &[Vec<String>]) -> String {
    let mut out = file.header.clone();
    for (case, lines) in file.cases.iter().zip(outcomes) {
        let _ = writeln!(out, "-- case: {}", case.name);
        let _ = writeln!(out, "{}", case.sql);
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn golden_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/golden exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

#[test]
fn golden_cases() {
    let bless = std::env::var("RIVULET_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut total = 0;
    for path in golden_files() {
        let text = fs::read_to_string(&path).expect("readable golden file");
        let file = parse_golden(&text);
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let file_name = file_name.unwrap_or_default();
        let mut outcomes = Vec::new();
        for case in &file.cases {
            total += 1;
            let (lines, problems) = outcome(&case.sql);
            for problem in problems {
                failures.push(format!("{file_name} / {}: {problem}", case.name));
            }
            if !bless && lines != case.expected {
                failures.push(format!(
                    "{file_name} / {}:\n  sql:      {}\n  expected: {}\n  actual:   {}",
                    case.name,
                    case.sql.replace('\n', "\n            "),
                    case.expected.join("\n            "),
                    lines.join("\n            ")
                ));
            }
            outcomes.push(lines);
        }
        if bless {
            let rendered = render(&file, &outcomes);
            if rendered != text {
                fs::write(&path, rendered).expect("writable golden file");
            }
        }
    }
    assert!(total >= 200, "only {total} golden cases");
    assert!(
        failures.is_empty(),
        "{} golden failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
