//! The lexer: SQL text to tokens, following the lexical rules of ksqlDB's `SqlBase.g4`.
//!
//! Owns [`tokenize`]: case-insensitive keywords, upper-cased unquoted identifiers, `"..."` and
//! `` `...` `` identifiers with doubled-quote escapes, `'...'` strings with `''`, INTEGER /
//! DECIMAL / DOUBLE numbers, digit identifiers, `${var}` tokens, `--` and `/* */` comments, and
//! 1-based line/column positions. It must not know the grammar: which token may follow which is
//! the parser's business.

use crate::error::SqlError;
use crate::token::{Keyword, Span, Token, TokenKind};

/// Splits `sql` into tokens, ending with one [`TokenKind::Eof`] token. Comments and whitespace
/// are dropped. Fails on an unterminated string, quoted identifier or block comment, and on a
/// character no token can start with.
pub fn tokenize(sql: &str) -> Result<Vec<Token>, SqlError> {
    let mut lexer = Lexer {
        src: sql,
        pos: 0,
        line: 1,
        column: 1,
    };
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token()?;
        let eof = token.kind == TokenKind::Eof;
        tokens.push(token);
        if eof {
            return Ok(tokens);
        }
    }
}

/// Whether `c` may continue an unquoted identifier (`LETTER | DIGIT | '_' | '@'`).
pub(crate) fn is_identifier_part(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '@'
}

/// Whether `c` may start an unquoted identifier (`LETTER | '_'`).
pub(crate) fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

struct Mark {
    pos: usize,
    line: u32,
    column: u32,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.rest().chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            column: self.column,
        }
    }

    fn token(&self, kind: TokenKind, value: String, start: &Mark) -> Token {
        Token {
            kind,
            value,
            span: Span {
                start: start.pos,
                end: self.pos,
                line: start.line,
                column: start.column,
            },
        }
    }

    fn error(&self, at: &Mark, reason: impl Into<String>) -> SqlError {
        SqlError::new(at.line, at.column, reason)
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), SqlError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('-'), Some('-')) => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    let start = self.mark();
                    self.bump();
                    self.bump();
                    loop {
                        match (self.peek(), self.peek_at(1)) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => {
                                return Err(
                                    self.error(&start, "Syntax error: unterminated block comment")
                                );
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn next_token(&mut self) -> Result<Token, SqlError> {
        self.skip_trivia()?;
        let start = self.mark();
        let Some(c) = self.peek() else {
            return Ok(self.token(TokenKind::Eof, String::new(), &start));
        };
        if is_identifier_start(c) {
            return Ok(self.word(&start));
        }
        if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) {
            return Ok(self.number_or_digit_identifier(&start));
        }
        match c {
            '\'' => return self.string(&start),
            '"' | '`' => return self.quoted_identifier(&start, c),
            '$' => {
                if let Some(token) = self.variable(&start) {
                    return Ok(token);
                }
            }
            _ => {}
        }
        let next = self.peek_at(1);
        let (kind, len) = match (c, next) {
            ('(', _) => (TokenKind::LeftParen, 1),
            (')', _) => (TokenKind::RightParen, 1),
            ('[', _) => (TokenKind::LeftBracket, 1),
            (']', _) => (TokenKind::RightBracket, 1),
            (',', _) => (TokenKind::Comma, 1),
            (';', _) => (TokenKind::Semicolon, 1),
            ('.', _) => (TokenKind::Dot, 1),
            ('*', _) => (TokenKind::Asterisk, 1),
            ('+', _) => (TokenKind::Plus, 1),
            ('-', Some('>')) => (TokenKind::Arrow, 2),
            ('-', _) => (TokenKind::Minus, 1),
            ('/', _) => (TokenKind::Slash, 1),
            ('%', _) => (TokenKind::Percent, 1),
            ('|', Some('|')) => (TokenKind::Concat, 2),
            ('=', Some('>')) => (TokenKind::Lambda, 2),
            ('=', _) => (TokenKind::Eq, 1),
            ('<', Some('>')) => (TokenKind::Neq, 2),
            ('<', Some('=')) => (TokenKind::Lte, 2),
            ('<', _) => (TokenKind::Lt, 1),
            ('>', Some('=')) => (TokenKind::Gte, 2),
            ('>', _) => (TokenKind::Gt, 1),
            ('!', Some('=')) => (TokenKind::Neq, 2),
            (':', Some('=')) => (TokenKind::Assign, 2),
            _ => {
                return Err(self.error(
                    &start,
                    format!("token recognition error at: '{}'", escape_char(c)),
                ))
            }
        };
        for _ in 0..len {
            self.bump();
        }
        Ok(self.token(kind, String::new(), &start))
    }

    fn word(&mut self, start: &Mark) -> Token {
        while self.peek().is_some_and(is_identifier_part) {
            self.bump();
        }
        let upper = self.src[start.pos..self.pos].to_ascii_uppercase();
        let kind = TokenKind::Word(Keyword::lookup(&upper));
        self.token(kind, upper, start)
    }

    /// Numbers and digit identifiers compete by longest match, numbers winning ties (as in
    /// ANTLR, where INTEGER_VALUE, DECIMAL_VALUE and FLOATING_POINT_VALUE come first).
    fn number_or_digit_identifier(&mut self, start: &Mark) -> Token {
        let rest = self.rest().as_bytes();
        let digits = |from: usize| {
            rest[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };

        let int_len = digits(0);
        let mut len = int_len;
        let mut kind = TokenKind::Integer;
        if rest.get(len) == Some(&b'.') {
            let frac = digits(len + 1);
            if int_len > 0 || frac > 0 {
                len += 1 + frac;
                kind = TokenKind::Decimal;
            }
        }
        if matches!(rest.get(len), Some(b'e' | b'E')) {
            let mut exp = len + 1;
            if matches!(rest.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            let exp_digits = digits(exp);
            if exp_digits > 0 {
                len = exp + exp_digits;
                kind = TokenKind::Double;
            }
        }

        let ident_len = if int_len > 0 {
            rest.iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'@')
                .count()
        } else {
            0
        };
        if ident_len >= 2 && ident_len > len {
            for _ in 0..ident_len {
                self.bump();
            }
            let upper = self.src[start.pos..self.pos].to_ascii_uppercase();
            return self.token(TokenKind::DigitIdentifier, upper, start);
        }
        for _ in 0..len {
            self.bump();
        }
        let text = self.src[start.pos..self.pos].to_string();
        self.token(kind, text, start)
    }

    fn string(&mut self, start: &Mark) -> Result<Token, SqlError> {
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                Some('\'') => {
                    if self.peek() == Some('\'') {
                        self.bump();
                        value.push('\'');
                    } else {
                        return Ok(self.token(TokenKind::String, value, start));
                    }
                }
                Some(c) => value.push(c),
                None => return Err(self.error(start, "Syntax error: unterminated string literal")),
            }
        }
    }

    fn quoted_identifier(&mut self, start: &Mark, quote: char) -> Result<Token, SqlError> {
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                Some(c) if c == quote => {
                    if self.peek() == Some(quote) {
                        self.bump();
                        value.push(quote);
                    } else {
                        return Ok(self.token(TokenKind::QuotedIdentifier, value, start));
                    }
                }
                Some(c) => value.push(c),
                None => {
                    return Err(self.error(start, "Syntax error: unterminated quoted identifier"))
                }
            }
        }
    }

    /// `${name}` where name is an identifier; `None` (nothing consumed) otherwise.
    fn variable(&mut self, start: &Mark) -> Option<Token> {
        let rest = self.rest();
        let inner = rest.strip_prefix("${")?;
        let name_len = inner
            .char_indices()
            .take_while(|(i, c)| {
                if *i == 0 {
                    is_identifier_start(*c)
                } else {
                    is_identifier_part(*c)
                }
            })
            .count();
        if name_len == 0 || !inner[name_len..].starts_with('}') {
            return None;
        }
        let name = inner[..name_len].to_string();
        for _ in 0..name_len + 3 {
            self.bump();
        }
        Some(self.token(TokenKind::Variable, name, start))
    }
}

fn escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        c => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, String)> {
        tokenize(sql)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.value))
            .collect()
    }

    #[test]
    fn words_are_upper_cased_and_keywords_recognised() {
        let toks = kinds("select riderLocations");
        assert_eq!(
            toks[0],
            (TokenKind::Word(Some(Keyword::Select)), "SELECT".into())
        );
        assert_eq!(toks[1], (TokenKind::Word(None), "RIDERLOCATIONS".into()));
        assert_eq!(toks[2].0, TokenKind::Eof);
    }

    #[test]
    fn quoted_identifiers_keep_case_and_unescape() {
        let toks = kinds(r#""dev""id" `a``b`"#);
        assert_eq!(toks[0], (TokenKind::QuotedIdentifier, "dev\"id".into()));
        assert_eq!(toks[1], (TokenKind::QuotedIdentifier, "a`b".into()));
    }

    #[test]
    fn numbers_follow_ksqldb_literal_types() {
        let toks = kinds("1 1.5 1. .5 1e3 1.5E-2 12abc 1e5x 1e");
        let expected = [
            (TokenKind::Integer, "1"),
            (TokenKind::Decimal, "1.5"),
            (TokenKind::Decimal, "1."),
            (TokenKind::Decimal, ".5"),
            (TokenKind::Double, "1e3"),
            (TokenKind::Double, "1.5E-2"),
            (TokenKind::DigitIdentifier, "12ABC"),
            (TokenKind::DigitIdentifier, "1E5X"),
            (TokenKind::DigitIdentifier, "1E"),
        ];
        for (tok, (kind, value)) in toks.iter().zip(expected) {
            assert_eq!(tok, &(kind, value.to_string()));
        }
    }

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let toks = tokenize("SELECT\n  a -- c\n /* x\n */ b").unwrap();
        let pos: Vec<_> = toks.iter().map(|t| (t.span.line, t.span.column)).collect();
        assert_eq!(pos, vec![(1, 1), (2, 3), (4, 5), (4, 6)]);
    }

    #[test]
    fn operators() {
        let toks = kinds("-> => := || <> != <= >= - = < >");
        let k: Vec<_> = toks.into_iter().map(|t| t.0).collect();
        assert_eq!(
            k,
            vec![
                TokenKind::Arrow,
                TokenKind::Lambda,
                TokenKind::Assign,
                TokenKind::Concat,
                TokenKind::Neq,
                TokenKind::Neq,
                TokenKind::Lte,
                TokenKind::Gte,
                TokenKind::Minus,
                TokenKind::Eq,
                TokenKind::Lt,
                TokenKind::Gt,
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn errors_point_at_the_offending_character() {
        let e = tokenize("SELECT\n  'abc").unwrap_err();
        assert_eq!(
            e.message,
            "line 2:3: Syntax error: unterminated string literal"
        );
        let e = tokenize("a ? b").unwrap_err();
        assert_eq!(e.message, "line 1:3: token recognition error at: '?'");
    }

    #[test]
    fn variables_are_tokens_only_when_well_formed() {
        let toks = kinds("${name}");
        assert_eq!(toks[0], (TokenKind::Variable, "name".into()));
        assert!(tokenize("${1}").is_err());
    }
}
