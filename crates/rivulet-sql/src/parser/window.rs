//! Time grammar: `number unit` durations, WINDOW TUMBLING/HOPPING/SESSION, join WITHIN.
//!
//! Owns normalising durations to milliseconds and the fixed order of window options (size or
//! advance, then RETENTION, then GRACE PERIOD). It must not check window semantics (e.g. that
//! ADVANCE <= SIZE); the planner does.

use super::{time_unit_of, Expected, Parser};
use crate::ast::{JoinWithin, TimeSpan, TimeUnit, WindowExpression, WindowKind};
use crate::error::SqlError;
use crate::token::{Keyword, TokenKind};

type PResult<T> = Result<T, SqlError>;

impl Parser<'_> {
    /// `INTEGER unit`, in milliseconds.
    pub(crate) fn parse_time_span(&mut self) -> PResult<TimeSpan> {
        if !self.at(TokenKind::Integer) {
            return Err(self.unexpected(&[Expected::Integer]));
        }
        let count_token = self.advance();
        let unit = self.parse_time_unit()?;
        count_token
            .value
            .parse::<u64>()
            .ok()
            .and_then(|count| TimeSpan::of(count, unit))
            .ok_or_else(|| {
                self.error_at(
                    &count_token,
                    format!(
                        "Invalid duration: {} {} does not fit in 64-bit milliseconds",
                        count_token.value,
                        unit.plural()
                    ),
                )
            })
    }

    fn parse_time_unit(&mut self) -> PResult<TimeUnit> {
        match self.peek().keyword().and_then(time_unit_of) {
            Some(unit) => {
                self.advance();
                Ok(unit)
            }
            None => Err(self.unexpected(&[Expected::TimeUnit])),
        }
    }

    /// After `WINDOW`: `[name] TUMBLING (...) | HOPPING (...) | SESSION (...)`.
    pub(crate) fn parse_window(&mut self) -> PResult<WindowExpression> {
        let name = if self.at(TokenKind::Word(None)) {
            Some(self.parse_identifier()?)
        } else {
            None
        };
        let kind = match self.peek().keyword() {
            Some(Keyword::Tumbling) => {
                self.advance();
                self.expect(TokenKind::LeftParen)?;
                self.expect_keyword(Keyword::Size)?;
                let size = self.parse_time_span()?;
                let (retention, grace) = self.parse_window_options()?;
                WindowKind::Tumbling {
                    size,
                    retention,
                    grace,
                }
            }
            Some(Keyword::Hopping) => {
                self.advance();
                self.expect(TokenKind::LeftParen)?;
                self.expect_keyword(Keyword::Size)?;
                let size = self.parse_time_span()?;
                self.expect(TokenKind::Comma)?;
                self.expect_keyword(Keyword::Advance)?;
                self.expect_keyword(Keyword::By)?;
                let advance = self.parse_time_span()?;
                let (retention, grace) = self.parse_window_options()?;
                WindowKind::Hopping {
                    size,
                    advance,
                    retention,
                    grace,
                }
            }
            Some(Keyword::Session) => {
                self.advance();
                self.expect(TokenKind::LeftParen)?;
                let gap = self.parse_time_span()?;
                let (retention, grace) = self.parse_window_options()?;
                WindowKind::Session {
                    gap,
                    retention,
                    grace,
                }
            }
            _ => {
                return Err(self.unexpected(&[
                    Expected::keyword(Keyword::Tumbling),
                    Expected::keyword(Keyword::Hopping),
                    Expected::keyword(Keyword::Session),
                ]))
            }
        };
        Ok(WindowExpression { name, kind })
    }

    /// `[, RETENTION span] [, GRACE PERIOD span] )`, in that order.
    fn parse_window_options(&mut self) -> PResult<(Option<TimeSpan>, Option<TimeSpan>)> {
        let mut retention = None;
        let mut grace = None;
        if self.eat(TokenKind::Comma) {
            if self.eat_keyword(Keyword::Retention) {
                retention = Some(self.parse_time_span()?);
                if self.eat(TokenKind::Comma) {
                    grace = Some(self.parse_grace_period()?);
                }
            } else if self.at_keyword(Keyword::Grace) {
                grace = Some(self.parse_grace_period()?);
            } else {
                return Err(self.unexpected(&[
                    Expected::keyword(Keyword::Retention),
                    Expected::keyword(Keyword::Grace),
                ]));
            }
        }
        if !self.eat(TokenKind::RightParen) {
            let expected: &[Expected] = if grace.is_some() {
                &[Expected::Token(TokenKind::RightParen)]
            } else {
                &[
                    Expected::Token(TokenKind::Comma),
                    Expected::Token(TokenKind::RightParen),
                ]
            };
            return Err(self.unexpected(expected));
        }
        Ok((retention, grace))
    }

    /// `GRACE PERIOD span`.
    fn parse_grace_period(&mut self) -> PResult<TimeSpan> {
        self.expect_keyword(Keyword::Grace)?;
        self.expect_keyword(Keyword::Period)?;
        self.parse_time_span()
    }

    /// After `WITHIN`: `span | (before, after)`, then `[GRACE PERIOD span]`.
    pub(crate) fn parse_within(&mut self) -> PResult<JoinWithin> {
        let within = if self.eat(TokenKind::LeftParen) {
            let before = self.parse_time_span()?;
            self.expect(TokenKind::Comma)?;
            let after = self.parse_time_span()?;
            self.expect(TokenKind::RightParen)?;
            let grace = self.parse_optional_grace()?;
            JoinWithin::BeforeAfter {
                before,
                after,
                grace,
            }
        } else {
            let span = self.parse_time_span()?;
            let grace = self.parse_optional_grace()?;
            JoinWithin::Symmetric { span, grace }
        };
        Ok(within)
    }

    fn parse_optional_grace(&mut self) -> PResult<Option<TimeSpan>> {
        if self.at_keyword(Keyword::Grace) {
            Ok(Some(self.parse_grace_period()?))
        } else {
            Ok(None)
        }
    }
}
