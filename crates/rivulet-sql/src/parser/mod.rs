//! The recursive-descent parser: tokens to AST, following ksqlDB's `SqlBase.g4`.
//!
//! Owns the parser state, the shared helpers (expect, lookahead, identifiers, numbers) and the
//! ANTLR-style error messages (`mismatched input 'X' expecting Y`, `extraneous input ...`,
//! `no viable alternative at input ...`). The grammar itself lives in the sibling modules, one
//! per part of the language. It must not lex (that is `lexer.rs`) nor print (that is `ast/`).

mod data_type;
mod expression;
mod query;
mod statement;
mod window;

use crate::ast::{DataType, DecimalLiteral, Expression, Identifier, Literal, Statement};
use crate::error::SqlError;
use crate::lexer::tokenize;
use crate::token::{Keyword, Token, TokenKind};

/// How deep constructs may nest (parentheses, NOT/sign chains, nested types, EXPLAIN EXPLAIN).
/// Bounds the parser's recursion so no input can overflow the stack.
const MAX_NESTING: usize = 64;
/// How deep the resulting tree may be, counting each operator of a chain (`a + b + c ...`).
/// Bounds the recursion of printing, comparing and dropping the tree.
const MAX_DEPTH: usize = 500;

/// Parses exactly one statement; the trailing `;` is optional. Use [`crate::parse_statements`]
/// for scripts.
pub fn parse_statement(sql: &str) -> Result<Statement, SqlError> {
    let mut p = Parser::new(sql, tokenize(sql)?);
    if p.at(TokenKind::Eof) {
        return Err(p.unexpected(&[Expected::Statement]));
    }
    let statement = p.parse_statement()?;
    if p.eat(TokenKind::Semicolon) {
        while p.eat(TokenKind::Semicolon) {}
        if !p.at(TokenKind::Eof) {
            return Err(p.unexpected(&[Expected::Eof]));
        }
    } else if !p.at(TokenKind::Eof) {
        // A text that ends with `;` was meant to end there: only `;` was expected.
        let terminated = p.tokens.iter().rev().nth(1).map(|t| t.kind) == Some(TokenKind::Semicolon);
        return Err(if terminated {
            p.unexpected(&[Expected::Token(TokenKind::Semicolon)])
        } else {
            p.unexpected(&[Expected::Token(TokenKind::Semicolon), Expected::Eof])
        });
    }
    Ok(statement)
}

/// Parses a standalone expression (ksqlDB's `singleExpression`).
pub fn parse_expression(sql: &str) -> Result<Expression, SqlError> {
    let mut p = Parser::new(sql, tokenize(sql)?);
    let expression = p.parse_expression()?;
    p.expect_eof()?;
    Ok(expression)
}

/// Parses a standalone type such as `STRUCT<a INT, b ARRAY<STRING>>`.
pub fn parse_data_type(sql: &str) -> Result<DataType, SqlError> {
    let mut p = Parser::new(sql, tokenize(sql)?);
    let data_type = p.parse_data_type()?;
    p.expect_eof()?;
    Ok(data_type)
}

/// What the parser wanted where it failed; rendered into "expecting ..." lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    Token(TokenKind),
    Identifier,
    Expression,
    String,
    Integer,
    Literal,
    DataType,
    TimeUnit,
    Statement,
    Eof,
}

impl Expected {
    fn keyword(k: Keyword) -> Expected {
        Expected::Token(TokenKind::Word(Some(k)))
    }

    fn describe(self) -> &'static str {
        match self {
            Expected::Token(kind) => kind.describe(),
            Expected::Identifier => "an identifier",
            Expected::Expression => "an expression",
            Expected::String => "a string",
            Expected::Integer => "an integer",
            Expected::Literal => "a literal",
            Expected::DataType => "a type",
            Expected::TimeUnit => "a time unit",
            Expected::Statement => "a statement",
            Expected::Eof => "<EOF>",
        }
    }
}

fn describe_expected(expected: &[Expected]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for e in expected {
        let name = e.describe();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [one] => (*one).to_string(),
        many => format!("{{{}}}", many.join(", ")),
    }
}

/// A position to come back to when trying an alternative.
#[derive(Clone, Copy)]
pub(crate) struct Checkpoint {
    pos: usize,
    nesting: usize,
    depth: usize,
    lambda_params: usize,
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    nesting: usize,
    depth: usize,
    /// Lambda parameters in scope (innermost last): column references to them become
    /// [`Expression::LambdaVariable`].
    lambda_params: Vec<Identifier>,
    /// Memo of "is `MAP(` at this token a constructor?" so nested MAPs are not re-parsed
    /// exponentially often.
    pub(crate) map_lookahead: std::collections::HashMap<usize, bool>,
}

impl<'a> Parser<'a> {
    /// A parser over `tokens` (which must end with [`TokenKind::Eof`], as `tokenize` makes them).
    pub(crate) fn new(src: &'a str, mut tokens: Vec<Token>) -> Self {
        if tokens.last().map(|t| t.kind) != Some(TokenKind::Eof) {
            let end = src.len();
            tokens.push(Token {
                kind: TokenKind::Eof,
                value: String::new(),
                span: crate::token::Span {
                    start: end,
                    end,
                    line: 1,
                    column: 1,
                },
            });
        }
        Parser {
            src,
            tokens,
            pos: 0,
            nesting: 0,
            depth: 0,
            lambda_params: Vec::new(),
            map_lookahead: std::collections::HashMap::new(),
        }
    }

    // ---- cursor ------------------------------------------------------------------------------

    pub(crate) fn peek(&self) -> &Token {
        self.nth(0)
    }

    pub(crate) fn nth(&self, n: usize) -> &Token {
        let last = self.tokens.len().saturating_sub(1);
        &self.tokens[self.pos.saturating_add(n).min(last)]
    }

    pub(crate) fn kind(&self) -> TokenKind {
        self.peek().kind
    }

    pub(crate) fn nth_kind(&self, n: usize) -> TokenKind {
        self.nth(n).kind
    }

    /// The index of the current token.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Consumes the current token (never moves past EOF) and returns it.
    pub(crate) fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    pub(crate) fn at(&self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    pub(crate) fn at_keyword(&self, k: Keyword) -> bool {
        self.kind() == TokenKind::Word(Some(k))
    }

    pub(crate) fn nth_is_keyword(&self, n: usize, k: Keyword) -> bool {
        self.nth_kind(n) == TokenKind::Word(Some(k))
    }

    pub(crate) fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.advance();
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_keyword(&mut self, k: Keyword) -> bool {
        self.eat(TokenKind::Word(Some(k)))
    }

    pub(crate) fn expect(&mut self, kind: TokenKind) -> Result<Token, SqlError> {
        if self.at(kind) {
            Ok(self.advance())
        } else {
            Err(self.unexpected(&[Expected::Token(kind)]))
        }
    }

    pub(crate) fn expect_keyword(&mut self, k: Keyword) -> Result<Token, SqlError> {
        self.expect(TokenKind::Word(Some(k)))
    }

    pub(crate) fn expect_eof(&self) -> Result<(), SqlError> {
        if self.at(TokenKind::Eof) {
            Ok(())
        } else {
            Err(self.unexpected(&[Expected::Eof]))
        }
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pos: self.pos,
            nesting: self.nesting,
            depth: self.depth,
            lambda_params: self.lambda_params.len(),
        }
    }

    pub(crate) fn restore(&mut self, c: Checkpoint) {
        self.pos = c.pos;
        self.nesting = c.nesting;
        self.depth = c.depth;
        self.lambda_params.truncate(c.lambda_params);
    }

    // ---- recursion guards ----------------------------------------------------------------------

    /// Runs `f` one nesting level deeper; fails cleanly past [`MAX_NESTING`].
    pub(crate) fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        let saved = (self.nesting, self.depth);
        self.nesting += 1;
        self.depth += 1;
        let result = if self.nesting > MAX_NESTING || self.depth > MAX_DEPTH {
            Err(self.too_large())
        } else {
            f(self)
        };
        (self.nesting, self.depth) = saved;
        result
    }

    /// Accounts for one more operator in a chain (the tree gets one level deeper).
    pub(crate) fn grow(&mut self) -> Result<(), SqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(self.too_large())
        } else {
            Ok(())
        }
    }

    fn too_large(&self) -> SqlError {
        self.error_here(
            "Error processing statement: Statement is too large to parse. This may be caused by \
             having too many nested expressions in the statement.",
        )
    }

    // ---- errors ------------------------------------------------------------------------------

    /// An error at the current token.
    pub(crate) fn error_here(&self, reason: impl Into<String>) -> SqlError {
        self.error_at(self.peek(), reason)
    }

    pub(crate) fn error_at(&self, token: &Token, reason: impl Into<String>) -> SqlError {
        SqlError::new(token.span.line, token.span.column, reason)
    }

    /// How ANTLR shows a token in a message: its text in single quotes, or `<EOF>`.
    pub(crate) fn token_display(&self, token: &Token) -> String {
        if token.kind == TokenKind::Eof {
            return "'<EOF>'".to_string();
        }
        let text = token
            .text(self.src)
            .replace('\n', "\\n")
            .replace('\r', "\\r")
            .replace('\t', "\\t");
        format!("'{text}'")
    }

    /// The error for the current token when one of `expected` was required.
    ///
    /// Like ANTLR: `extraneous input 'X' expecting ...` when dropping the token would fix the
    /// input (the next token is what was expected), else `mismatched input 'X' expecting ...`.
    /// A reserved keyword where only an identifier fits gets ksqlDB's reserved-word message.
    pub(crate) fn unexpected(&self, expected: &[Expected]) -> SqlError {
        let token = self.peek();
        if let TokenKind::Word(Some(k)) = token.kind {
            if k.is_reserved() && expected.contains(&Expected::Identifier) {
                return self.error_at(
                    token,
                    format!(
                        "\"{0}\" is a reserved keyword and it can't be used as an identifier. \
                         You can use it as an identifier by escaping it as `{0}`",
                        token.text(self.src)
                    ),
                );
            }
        }
        if token.kind == TokenKind::Variable
            && expected.iter().any(|e| {
                matches!(
                    e,
                    Expected::Identifier
                        | Expected::Expression
                        | Expected::String
                        | Expected::Literal
                        | Expected::Integer
                )
            })
        {
            return self.error_at(
                token,
                format!(
                    "Unresolved variable reference '${{{}}}': define it (DEFINE {} = '...') \
                     before it is used",
                    token.value, token.value
                ),
            );
        }
        let shown = self.token_display(token);
        let wanted = describe_expected(expected);
        let next = self.nth(1);
        let extraneous =
            token.kind != TokenKind::Eof && expected.iter().any(|e| self.satisfies(*e, next));
        let reason = if extraneous {
            format!("extraneous input {shown} expecting {wanted}")
        } else {
            format!("mismatched input {shown} expecting {wanted}")
        };
        self.error_at(token, reason)
    }

    /// Whether `token` is something `expected` accepts (used to detect extraneous input).
    fn satisfies(&self, expected: Expected, token: &Token) -> bool {
        match expected {
            Expected::Token(kind) => token.kind == kind,
            Expected::Identifier => is_identifier_token(token),
            Expected::Expression => can_start_expression(token),
            Expected::String => token.kind == TokenKind::String,
            Expected::Integer => token.kind == TokenKind::Integer,
            Expected::Literal => matches!(
                token.kind,
                TokenKind::String
                    | TokenKind::Integer
                    | TokenKind::Decimal
                    | TokenKind::Double
                    | TokenKind::Word(Some(Keyword::Null | Keyword::True | Keyword::False))
            ),
            Expected::DataType => {
                is_identifier_token(token) || token.kind == TokenKind::Word(Some(Keyword::Decimal))
            }
            Expected::TimeUnit => token.keyword().and_then(time_unit_of).is_some(),
            Expected::Statement => false,
            Expected::Eof => token.kind == TokenKind::Eof,
        }
    }

    // ---- shared pieces -----------------------------------------------------------------------

    pub(crate) fn at_identifier(&self) -> bool {
        is_identifier_token(self.peek())
    }

    /// An identifier: unquoted (upper-cased), non-reserved keyword, quoted (verbatim) or digit
    /// identifier.
    pub(crate) fn parse_identifier(&mut self) -> Result<Identifier, SqlError> {
        if self.at_identifier() {
            Ok(Identifier::new(self.advance().value))
        } else {
            Err(self.unexpected(&[Expected::Identifier]))
        }
    }

    /// A string literal's content.
    pub(crate) fn parse_string(&mut self) -> Result<String, SqlError> {
        if self.at(TokenKind::String) {
            Ok(self.advance().value)
        } else {
            Err(self.unexpected(&[Expected::String]))
        }
    }

    /// A non-negative integer that fits ksqlDB's `int` (LIMIT, INTERVAL).
    pub(crate) fn parse_u32(&mut self, what: &str) -> Result<u32, SqlError> {
        if !self.at(TokenKind::Integer) {
            return Err(self.unexpected(&[Expected::Integer]));
        }
        let token = self.advance();
        token
            .value
            .parse::<u32>()
            .ok()
            .filter(|v| i32::try_from(*v).is_ok())
            .ok_or_else(|| {
                self.error_at(
                    &token,
                    format!(
                        "Invalid {what} value: {} (expected an integer from 0 to {})",
                        token.value,
                        i32::MAX
                    ),
                )
            })
    }

    /// The number literal at the current token (which must be INTEGER, DECIMAL or DOUBLE),
    /// negated when a `-` preceded it.
    pub(crate) fn parse_number(&mut self, negative: bool) -> Result<Literal, SqlError> {
        let token = self.advance();
        let sign = if negative { "-" } else { "" };
        let invalid = |this: &Self, why: &str| {
            this.error_at(
                &token,
                format!("Invalid numeric literal: {sign}{} ({why})", token.value),
            )
        };
        match token.kind {
            TokenKind::Integer => {
                let value: i64 = format!("{sign}{}", token.value)
                    .parse()
                    .map_err(|_| invalid(self, "out of range for BIGINT"))?;
                Ok(match i32::try_from(value) {
                    Ok(v) => Literal::Integer(v),
                    Err(_) => Literal::BigInt(value),
                })
            }
            TokenKind::Decimal => {
                let decimal = DecimalLiteral::parse(&token.value)
                    .ok_or_else(|| invalid(self, "not a decimal"))?;
                Ok(Literal::Decimal(if negative {
                    decimal.negated()
                } else {
                    decimal
                }))
            }
            TokenKind::Double => {
                let value: f64 = token
                    .value
                    .parse()
                    .map_err(|_| invalid(self, "not a number"))?;
                if !value.is_finite() {
                    return Err(invalid(self, "out of range for DOUBLE"));
                }
                Ok(Literal::Double(if negative { -value } else { value }))
            }
            _ => Err(self.unexpected(&[Expected::Literal])),
        }
    }

    /// A literal (ksqlDB's `literal` rule): NULL, TRUE/FALSE, a string, or a number with an
    /// optional leading `-`.
    pub(crate) fn parse_literal(&mut self) -> Result<Literal, SqlError> {
        match self.kind() {
            TokenKind::String => Ok(Literal::String(self.advance().value)),
            TokenKind::Word(Some(Keyword::Null)) => {
                self.advance();
                Ok(Literal::Null)
            }
            TokenKind::Word(Some(Keyword::True)) => {
                self.advance();
                Ok(Literal::Boolean(true))
            }
            TokenKind::Word(Some(Keyword::False)) => {
                self.advance();
                Ok(Literal::Boolean(false))
            }
            TokenKind::Integer | TokenKind::Decimal | TokenKind::Double => self.parse_number(false),
            TokenKind::Minus if is_number(self.nth_kind(1)) => {
                self.advance();
                self.parse_number(true)
            }
            _ => Err(self.unexpected(&[Expected::Literal])),
        }
    }

    /// `IF NOT EXISTS` (only when `IF NOT` follows; `IF` alone may be a name).
    pub(crate) fn parse_if_not_exists(&mut self) -> Result<bool, SqlError> {
        if self.at_keyword(Keyword::If) && self.nth_is_keyword(1, Keyword::Not) {
            self.advance();
            self.advance();
            self.expect_keyword(Keyword::Exists)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// `IF EXISTS` (only when `IF EXISTS` follows).
    pub(crate) fn parse_if_exists(&mut self) -> bool {
        if self.at_keyword(Keyword::If) && self.nth_is_keyword(1, Keyword::Exists) {
            self.advance();
            self.advance();
            true
        } else {
            false
        }
    }
}

pub(crate) fn is_number(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Integer | TokenKind::Decimal | TokenKind::Double
    )
}

/// Whether a token can be an identifier: unquoted non-keyword, non-reserved keyword, quoted,
/// digit identifier.
pub(crate) fn is_identifier_token(token: &Token) -> bool {
    match token.kind {
        TokenKind::Word(None) | TokenKind::QuotedIdentifier | TokenKind::DigitIdentifier => true,
        TokenKind::Word(Some(k)) => !k.is_reserved(),
        _ => false,
    }
}

fn can_start_expression(token: &Token) -> bool {
    is_identifier_token(token)
        || matches!(
            token.kind,
            TokenKind::String
                | TokenKind::Integer
                | TokenKind::Decimal
                | TokenKind::Double
                | TokenKind::LeftParen
                | TokenKind::Minus
                | TokenKind::Plus
                | TokenKind::Word(Some(
                    Keyword::Null
                        | Keyword::True
                        | Keyword::False
                        | Keyword::Not
                        | Keyword::Case
                        | Keyword::Cast
                ))
        )
}

/// The unit a keyword names, singular or plural.
pub(crate) fn time_unit_of(k: Keyword) -> Option<crate::ast::TimeUnit> {
    use crate::ast::TimeUnit;
    Some(match k {
        Keyword::Day | Keyword::Days => TimeUnit::Day,
        Keyword::Hour | Keyword::Hours => TimeUnit::Hour,
        Keyword::Minute | Keyword::Minutes => TimeUnit::Minute,
        Keyword::Second | Keyword::Seconds => TimeUnit::Second,
        Keyword::Millisecond | Keyword::Milliseconds => TimeUnit::Millisecond,
        _ => return None,
    })
}
