//! Multi-statement scripts: splitting a request's SQL into statements and keeping each one's
//! source text (ksqlDB's `statementText`).
//!
//! Owns [`parse_statements`], [`split_statements`], [`ParsedStatement`] and [`StatementSource`].
//! It must not substitute variables nor execute DEFINE (callers do, statement by statement; see
//! [`crate::variables`]).

use crate::ast::Statement;
use crate::error::SqlError;
use crate::lexer::tokenize;
use crate::parser::Parser;
use crate::token::TokenKind;

/// A parsed statement with the exact text it came from, trimmed, ending with its `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedStatement {
    /// The statement as written, from its first token to its `;` inclusive (comments before it
    /// excluded, comments inside kept).
    pub text: String,
    /// 1-based line and column of the statement's first token in the script.
    pub line: u32,
    pub column: u32,
    pub statement: Statement,
}

/// One statement's text located in a script, not yet parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementSource {
    /// From the first token to the `;` inclusive.
    pub text: String,
    /// 1-based line and column of the first token in the script.
    pub line: u32,
    pub column: u32,
    /// Byte offset of the first token in the script.
    pub offset: usize,
}

/// Parses a script of `;`-terminated statements (ksqlDB's `statements` rule). Empty statements
/// (`;;`) are skipped; a last statement without `;` is an error, as in ksqlDB
/// (`mismatched input '<EOF>' expecting ';'`). Positions in errors are script positions.
///
/// `${var}` references must be substituted first: a script that DEFINEs variables and uses them
/// is processed statement by statement with [`split_statements`], [`crate::substitute`] and
/// [`crate::parse_statement`].
pub fn parse_statements(sql: &str) -> Result<Vec<ParsedStatement>, SqlError> {
    let mut parser = Parser::new(sql, tokenize(sql)?);
    let mut out = Vec::new();
    loop {
        while parser.eat(TokenKind::Semicolon) {}
        if parser.at(TokenKind::Eof) {
            return Ok(out);
        }
        let first = parser.peek().span;
        let statement = parser.parse_statement()?;
        let semicolon = parser.expect(TokenKind::Semicolon)?;
        out.push(ParsedStatement {
            text: sql[first.start..semicolon.span.end].to_string(),
            line: first.line,
            column: first.column,
            statement,
        });
    }
}

/// Splits a script into statement texts at top-level `;` (not inside strings, quoted identifiers
/// or comments) without parsing them. Fails only on lexical errors and on a last statement
/// without `;`.
pub fn split_statements(sql: &str) -> Result<Vec<StatementSource>, SqlError> {
    let tokens = tokenize(sql)?;
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::Semicolon => {
                if let Some(first) = start.take() {
                    let first = &tokens[first];
                    out.push(StatementSource {
                        text: sql[first.span.start..token.span.end].to_string(),
                        line: first.span.line,
                        column: first.span.column,
                        offset: first.span.start,
                    });
                }
            }
            TokenKind::Eof => {
                if start.is_some() {
                    return Err(SqlError::new(
                        token.span.line,
                        token.span.column,
                        "mismatched input '<EOF>' expecting ';'",
                    ));
                }
            }
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_text_is_trimmed_and_keeps_the_semicolon() {
        let sql = "-- first\n  SHOW STREAMS ;\n\n/* c */ LIST TABLES; ;";
        let parsed = parse_statements(sql).unwrap();
        let texts: Vec<_> = parsed.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["SHOW STREAMS ;", "LIST TABLES;"]);
        assert_eq!((parsed[1].line, parsed[1].column), (4, 9));
        let split = split_statements(sql).unwrap();
        assert_eq!(split.len(), 2);
        assert_eq!(split[0].text, parsed[0].text);
        assert_eq!(split[1].offset, sql.find("LIST").unwrap());
    }

    #[test]
    fn missing_final_semicolon_is_an_error() {
        let e = parse_statements("SHOW STREAMS").unwrap_err();
        assert_eq!(
            e.message,
            "line 1:13: mismatched input '<EOF>' expecting ';'"
        );
        let e = split_statements("SHOW STREAMS").unwrap_err();
        assert_eq!(
            e.message,
            "line 1:13: mismatched input '<EOF>' expecting ';'"
        );
    }
}
