//! Query grammar: SELECT items, FROM and joins, and the clauses after them.
//!
//! Owns [`Parser::parse_query`], select-item aliases (with and without AS), source aliases
//! (a bare EMIT/PARTITION after a source starts a clause, not an alias) and the two GROUP BY /
//! PARTITION BY forms (`a, b` and `(a, b)`). It must not parse statements around the query.

use super::{Expected, Parser};
use crate::ast::{AliasedSource, Emit, Expression, Join, JoinType, Query, Relation, SelectItem};
use crate::error::SqlError;
use crate::token::{Keyword, TokenKind};

type PResult<T> = Result<T, SqlError>;

impl Parser<'_> {
    /// `SELECT ... FROM ... [WINDOW] [WHERE] [GROUP BY] [PARTITION BY] [HAVING] [EMIT] [LIMIT]`.
    pub(crate) fn parse_query(&mut self) -> PResult<Query> {
        self.expect_keyword(Keyword::Select)?;
        let mut select = vec![self.parse_select_item()?];
        while self.eat(TokenKind::Comma) {
            select.push(self.parse_select_item()?);
        }
        self.expect_keyword(Keyword::From)?;
        let from = self.parse_relation()?;
        let window = if self.eat_keyword(Keyword::Window) {
            Some(self.parse_window()?)
        } else {
            None
        };
        let where_clause = if self.eat_keyword(Keyword::Where) {
            Some(self.parse_expression()?)
        } else {
            None
        };
        let group_by = if self.eat_keyword(Keyword::Group) {
            self.expect_keyword(Keyword::By)?;
            Some(self.parse_grouping_list()?)
        } else {
            None
        };
        let partition_by = if self.eat_keyword(Keyword::Partition) {
            self.expect_keyword(Keyword::By)?;
            Some(self.parse_grouping_list()?)
        } else {
            None
        };
        let having = if self.eat_keyword(Keyword::Having) {
            Some(self.parse_expression()?)
        } else {
            None
        };
        let emit = if self.eat_keyword(Keyword::Emit) {
            if self.eat_keyword(Keyword::Changes) {
                Some(Emit::Changes)
            } else if self.eat_keyword(Keyword::Final) {
                Some(Emit::Final)
            } else {
                return Err(self.unexpected(&[
                    Expected::keyword(Keyword::Changes),
                    Expected::keyword(Keyword::Final),
                ]));
            }
        } else {
            None
        };
        let limit = if self.eat_keyword(Keyword::Limit) {
            Some(self.parse_u32("LIMIT")?)
        } else {
            None
        };
        Ok(Query {
            select,
            from,
            window,
            where_clause,
            group_by,
            partition_by,
            having,
            emit,
            limit,
        })
    }

    fn parse_select_item(&mut self) -> PResult<SelectItem> {
        if self.eat(TokenKind::Asterisk) {
            return Ok(SelectItem::AllColumns { source: None });
        }
        if self.at_identifier()
            && self.nth_kind(1) == TokenKind::Dot
            && self.nth_kind(2) == TokenKind::Asterisk
        {
            let source = self.parse_identifier()?;
            self.advance();
            self.advance();
            return Ok(SelectItem::AllColumns {
                source: Some(source),
            });
        }
        // `primaryExpression ->*`: try a primary with postfix operators first.
        let checkpoint = self.checkpoint();
        if let Ok(base) = self.parse_postfix_expression() {
            if self.at(TokenKind::Arrow) && self.nth_kind(1) == TokenKind::Asterisk {
                self.advance();
                self.advance();
                return Ok(SelectItem::StructAll(base));
            }
        }
        self.restore(checkpoint);

        let expr = self.parse_expression()?;
        // `AS alias`, or a bare identifier as the alias.
        let alias = if self.eat_keyword(Keyword::As) || self.at_identifier() {
            Some(self.parse_identifier()?)
        } else {
            None
        };
        Ok(SelectItem::Expression { expr, alias })
    }

    fn parse_relation(&mut self) -> PResult<Relation> {
        let source = self.parse_aliased_source()?;
        let mut joins = Vec::new();
        loop {
            let join_type = match self.peek().keyword() {
                Some(Keyword::Inner) => {
                    self.advance();
                    JoinType::Inner
                }
                Some(Keyword::Left) => {
                    self.advance();
                    self.eat_keyword(Keyword::Outer);
                    JoinType::Left
                }
                Some(Keyword::Right) => {
                    self.advance();
                    self.eat_keyword(Keyword::Outer);
                    JoinType::Right
                }
                Some(Keyword::Full) => {
                    self.advance();
                    self.eat_keyword(Keyword::Outer);
                    JoinType::Full
                }
                Some(Keyword::Join) => JoinType::Inner,
                _ => break,
            };
            self.expect_keyword(Keyword::Join)?;
            let source = self.parse_aliased_source()?;
            let within = if self.eat_keyword(Keyword::Within) {
                Some(self.parse_within()?)
            } else {
                None
            };
            if !self.at_keyword(Keyword::On) {
                let expected: &[Expected] = if within.is_some() {
                    &[Expected::keyword(Keyword::On)]
                } else {
                    &[
                        Expected::keyword(Keyword::Within),
                        Expected::keyword(Keyword::On),
                    ]
                };
                return Err(self.unexpected(expected));
            }
            self.advance();
            let on = self.parse_expression()?;
            joins.push(Join {
                join_type,
                source,
                within,
                on,
            });
        }
        Ok(Relation { source, joins })
    }

    fn parse_aliased_source(&mut self) -> PResult<AliasedSource> {
        let name = self.parse_identifier()?;
        let alias = if self.eat_keyword(Keyword::As) || self.at_implicit_source_alias() {
            Some(self.parse_identifier()?)
        } else {
            None
        };
        Ok(AliasedSource { name, alias })
    }

    /// An identifier after a source is its alias, except the non-reserved words that start the
    /// next clause: `EMIT CHANGES|FINAL`, `PARTITION BY`.
    fn at_implicit_source_alias(&self) -> bool {
        if !self.at_identifier() {
            return false;
        }
        match self.peek().keyword() {
            Some(Keyword::Emit) => !matches!(
                self.nth(1).keyword(),
                Some(Keyword::Changes | Keyword::Final)
            ),
            Some(Keyword::Partition) => !self.nth_is_keyword(1, Keyword::By),
            _ => true,
        }
    }

    /// `expr, ...` or `(expr, ...)` (possibly empty) after GROUP BY / PARTITION BY. A leading
    /// `(` is ambiguous (`(a + b) * 2` vs `(a, b)`): the plain list is tried first, as in ANTLR.
    fn parse_grouping_list(&mut self) -> PResult<Vec<Expression>> {
        if !self.at(TokenKind::LeftParen) {
            return self.parse_value_expression_list();
        }
        let checkpoint = self.checkpoint();
        let first_error = match self.parse_value_expression_list() {
            Ok(list) => return Ok(list),
            Err(e) => e,
        };
        self.restore(checkpoint);
        let parenthesized = (|| {
            self.expect(TokenKind::LeftParen)?;
            if self.eat(TokenKind::RightParen) {
                return Ok(Vec::new());
            }
            let list = self.parse_value_expression_list()?;
            self.expect_closing(TokenKind::RightParen)?;
            Ok(list)
        })();
        parenthesized.map_err(|second_error: SqlError| {
            if (second_error.line, second_error.column) >= (first_error.line, first_error.column) {
                second_error
            } else {
                first_error
            }
        })
    }
}
