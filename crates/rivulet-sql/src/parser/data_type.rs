//! Type grammar: base types, DECIMAL(p, s), ARRAY<...>, MAP<..., ...>, STRUCT<...>, custom names.
//!
//! Owns [`Parser::parse_data_type`] and DECIMAL's precision/scale checks. It must not resolve
//! custom type names (that needs the type registry).

use super::{Expected, Parser};
use crate::ast::{DataType, Identifier, StructField};
use crate::error::SqlError;
use crate::token::{Keyword, TokenKind};

impl Parser<'_> {
    /// A type. The legacy postfix form `INT ARRAY` is read as `ARRAY<INT>`.
    pub(crate) fn parse_data_type(&mut self) -> Result<DataType, SqlError> {
        self.nested(|p| {
            let mut data_type = p.parse_base_data_type()?;
            while p.at_keyword(Keyword::Array) && p.nth_kind(1) != TokenKind::Lt {
                p.advance();
                p.grow()?;
                data_type = DataType::Array(Box::new(data_type));
            }
            Ok(data_type)
        })
    }

    fn parse_base_data_type(&mut self) -> Result<DataType, SqlError> {
        let token = self.peek().clone();
        match token.kind {
            TokenKind::Word(Some(Keyword::Array)) if self.nth_kind(1) == TokenKind::Lt => {
                self.advance();
                self.advance();
                let element = self.parse_data_type()?;
                self.expect(TokenKind::Gt)?;
                Ok(DataType::Array(Box::new(element)))
            }
            TokenKind::Word(Some(Keyword::Map)) if self.nth_kind(1) == TokenKind::Lt => {
                self.advance();
                self.advance();
                let key = self.parse_data_type()?;
                self.expect(TokenKind::Comma)?;
                let value = self.parse_data_type()?;
                self.expect(TokenKind::Gt)?;
                Ok(DataType::Map(Box::new(key), Box::new(value)))
            }
            TokenKind::Word(Some(Keyword::Struct))
                if matches!(self.nth_kind(1), TokenKind::Lt | TokenKind::Neq) =>
            {
                self.advance();
                if self.eat(TokenKind::Neq) {
                    return Ok(DataType::Struct(Vec::new()));
                }
                self.advance();
                let mut fields = Vec::new();
                if !self.eat(TokenKind::Gt) {
                    loop {
                        let name = self.parse_identifier()?;
                        let data_type = self.parse_data_type()?;
                        fields.push(StructField { name, data_type });
                        if self.eat(TokenKind::Comma) {
                            continue;
                        }
                        self.expect_closing(TokenKind::Gt)?;
                        break;
                    }
                }
                Ok(DataType::Struct(fields))
            }
            TokenKind::Word(Some(Keyword::Decimal)) => {
                self.advance();
                self.expect(TokenKind::LeftParen)?;
                let precision_token = self.peek().clone();
                let precision = self.parse_u32("DECIMAL precision")?;
                self.expect(TokenKind::Comma)?;
                let scale_token = self.peek().clone();
                let scale = self.parse_u32("DECIMAL scale")?;
                self.expect(TokenKind::RightParen)?;
                if precision < 1 {
                    return Err(self.error_at(
                        &precision_token,
                        format!("DECIMAL precision must be >= 1: {precision}"),
                    ));
                }
                if scale > precision {
                    return Err(self.error_at(
                        &scale_token,
                        format!(
                            "DECIMAL precision must be >= scale: precision={precision}, scale={scale}"
                        ),
                    ));
                }
                Ok(DataType::Decimal { precision, scale })
            }
            TokenKind::Word(_) | TokenKind::DigitIdentifier if self.at_identifier() => {
                self.advance();
                Ok(DataType::builtin(&token.value)
                    .unwrap_or_else(|| DataType::Custom(Identifier::new(token.value))))
            }
            TokenKind::QuotedIdentifier => {
                self.advance();
                Ok(DataType::Custom(Identifier::new(token.value)))
            }
            _ => Err(self.unexpected(&[Expected::DataType])),
        }
    }
}
