//! Expression grammar: `booleanExpression`, `predicate`, `valueExpression`, `primaryExpression`.
//!
//! Owns precedence (OR < AND < NOT < predicates < `||` < `+ -` < `* / %` < unary sign <
//! AT TIME ZONE < postfix `[i]` and `->f` < primaries), lambdas and their variables, and the
//! ambiguous primaries (`MAP(...)`/`STRUCT(...)` constructor or function call). It must not
//! parse clauses or statements.

use super::{is_identifier_token, is_number, time_unit_of, Expected, Parser};
use crate::ast::{
    ArithmeticOp, CaseExpression, ColumnRef, ComparisonOp, Expression, FunctionArgs, FunctionCall,
    Lambda, LogicalOp, UnaryOp, WhenClause,
};
use crate::error::SqlError;
use crate::token::{Keyword, TokenKind};

type PResult<T> = Result<T, SqlError>;

fn boxed(e: Expression) -> Box<Expression> {
    Box::new(e)
}

impl Parser<'_> {
    /// `expression` (= `booleanExpression`).
    pub(crate) fn parse_expression(&mut self) -> PResult<Expression> {
        self.nested(Self::parse_or)
    }

    /// `valueExpression`: arithmetic and concatenation, no predicates or boolean operators.
    pub(crate) fn parse_value_expression(&mut self) -> PResult<Expression> {
        self.nested(Self::parse_concat)
    }

    /// A comma-separated list of value expressions (GROUP BY, PARTITION BY, VALUES).
    pub(crate) fn parse_value_expression_list(&mut self) -> PResult<Vec<Expression>> {
        let mut list = vec![self.parse_value_expression()?];
        while self.eat(TokenKind::Comma) {
            list.push(self.parse_value_expression()?);
        }
        Ok(list)
    }

    fn parse_or(&mut self) -> PResult<Expression> {
        let mut left = self.parse_and()?;
        while self.eat_keyword(Keyword::Or) {
            self.grow()?;
            let right = self.parse_and()?;
            left = Expression::Logical {
                op: LogicalOp::Or,
                left: boxed(left),
                right: boxed(right),
            };
        }
        Ok(left)
    }

    fn parse_and(&mut self) -> PResult<Expression> {
        let mut left = self.parse_not()?;
        while self.eat_keyword(Keyword::And) {
            self.grow()?;
            let right = self.parse_not()?;
            left = Expression::Logical {
                op: LogicalOp::And,
                left: boxed(left),
                right: boxed(right),
            };
        }
        Ok(left)
    }

    fn parse_not(&mut self) -> PResult<Expression> {
        if self.eat_keyword(Keyword::Not) {
            let operand = self.nested(Self::parse_not)?;
            return Ok(Expression::Not(boxed(operand)));
        }
        self.parse_predicated()
    }

    /// `valueExpression predicate?`: at most one comparison or predicate. Each predicate has its
    /// own function so this frame, which sits on every recursion path, stays small.
    fn parse_predicated(&mut self) -> PResult<Expression> {
        let value = self.parse_concat()?;
        let negated = self.at_keyword(Keyword::Not)
            && matches!(
                self.nth(1).keyword(),
                Some(Keyword::Between | Keyword::In | Keyword::Like)
            );
        let next = if negated {
            self.nth(1).kind
        } else {
            self.kind()
        };
        match next {
            TokenKind::Eq
            | TokenKind::Neq
            | TokenKind::Lt
            | TokenKind::Lte
            | TokenKind::Gt
            | TokenKind::Gte => self.parse_comparison(value),
            TokenKind::Word(Some(Keyword::Between)) => self.parse_between(value, negated),
            TokenKind::Word(Some(Keyword::In)) => self.parse_in_list(value, negated),
            TokenKind::Word(Some(Keyword::Like)) => self.parse_like(value, negated),
            TokenKind::Word(Some(Keyword::Is)) => self.parse_is(value),
            _ => Ok(value),
        }
    }

    #[inline(never)]
    fn parse_comparison(&mut self, left: Expression) -> PResult<Expression> {
        let op = match self.advance().kind {
            TokenKind::Eq => ComparisonOp::Eq,
            TokenKind::Neq => ComparisonOp::NotEq,
            TokenKind::Lt => ComparisonOp::Lt,
            TokenKind::Lte => ComparisonOp::LtEq,
            TokenKind::Gt => ComparisonOp::Gt,
            _ => ComparisonOp::GtEq,
        };
        self.grow()?;
        let right = self.parse_value_expression()?;
        Ok(Expression::Comparison {
            op,
            left: boxed(left),
            right: boxed(right),
        })
    }

    /// Consumes an optional `NOT` already decided by the caller, then the predicate keyword.
    fn start_predicate(&mut self, negated: bool) -> PResult<()> {
        if negated {
            self.advance();
        }
        self.advance();
        self.grow()
    }

    #[inline(never)]
    fn parse_between(&mut self, operand: Expression, negated: bool) -> PResult<Expression> {
        self.start_predicate(negated)?;
        let low = self.parse_value_expression()?;
        self.expect_keyword(Keyword::And)?;
        let high = self.parse_value_expression()?;
        Ok(Expression::Between {
            operand: boxed(operand),
            low: boxed(low),
            high: boxed(high),
            negated,
        })
    }

    #[inline(never)]
    fn parse_in_list(&mut self, operand: Expression, negated: bool) -> PResult<Expression> {
        self.start_predicate(negated)?;
        self.expect(TokenKind::LeftParen)?;
        let mut list = vec![self.parse_expression()?];
        while self.eat(TokenKind::Comma) {
            list.push(self.parse_expression()?);
        }
        self.expect_closing(TokenKind::RightParen)?;
        Ok(Expression::InList {
            operand: boxed(operand),
            list,
            negated,
        })
    }

    #[inline(never)]
    fn parse_like(&mut self, operand: Expression, negated: bool) -> PResult<Expression> {
        self.start_predicate(negated)?;
        let pattern = self.parse_value_expression()?;
        let escape = if self.eat_keyword(Keyword::Escape) {
            Some(self.parse_escape_char()?)
        } else {
            None
        };
        Ok(Expression::Like {
            operand: boxed(operand),
            pattern: boxed(pattern),
            escape,
            negated,
        })
    }

    #[inline(never)]
    fn parse_escape_char(&mut self) -> PResult<char> {
        let token = self.peek().clone();
        let text = self.parse_string()?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(self.error_at(
                &token,
                format!("Expected single character escape but got: {text}"),
            )),
        }
    }

    #[inline(never)]
    fn parse_is(&mut self, operand: Expression) -> PResult<Expression> {
        self.start_predicate(false)?;
        let negated = self.eat_keyword(Keyword::Not);
        if self.eat_keyword(Keyword::Null) {
            return Ok(Expression::IsNull {
                operand: boxed(operand),
                negated,
            });
        }
        if self.eat_keyword(Keyword::Distinct) {
            self.expect_keyword(Keyword::From)?;
            let right = self.parse_value_expression()?;
            return Ok(Expression::IsDistinctFrom {
                left: boxed(operand),
                right: boxed(right),
                negated,
            });
        }
        let expected: &[Expected] = if negated {
            &[
                Expected::keyword(Keyword::Null),
                Expected::keyword(Keyword::Distinct),
            ]
        } else {
            &[
                Expected::keyword(Keyword::Not),
                Expected::keyword(Keyword::Null),
                Expected::keyword(Keyword::Distinct),
            ]
        };
        Err(self.unexpected(expected))
    }

    fn parse_concat(&mut self) -> PResult<Expression> {
        let mut left = self.parse_additive()?;
        while self.eat(TokenKind::Concat) {
            self.grow()?;
            let right = self.parse_additive()?;
            left = Expression::Concat {
                left: boxed(left),
                right: boxed(right),
            };
        }
        Ok(left)
    }

    fn parse_additive(&mut self) -> PResult<Expression> {
        let mut left = self.parse_multiplicative()?;
        loop {
            let op = match self.kind() {
                TokenKind::Plus => ArithmeticOp::Add,
                TokenKind::Minus => ArithmeticOp::Subtract,
                _ => return Ok(left),
            };
            self.advance();
            self.grow()?;
            let right = self.parse_multiplicative()?;
            left = Expression::Arithmetic {
                op,
                left: boxed(left),
                right: boxed(right),
            };
        }
    }

    fn parse_multiplicative(&mut self) -> PResult<Expression> {
        let mut left = self.parse_unary()?;
        loop {
            let op = match self.kind() {
                TokenKind::Asterisk => ArithmeticOp::Multiply,
                TokenKind::Slash => ArithmeticOp::Divide,
                TokenKind::Percent => ArithmeticOp::Modulus,
                _ => return Ok(left),
            };
            self.advance();
            self.grow()?;
            let right = self.parse_unary()?;
            left = Expression::Arithmetic {
                op,
                left: boxed(left),
                right: boxed(right),
            };
        }
    }

    /// A sign, then AT TIME ZONE over a postfix expression. A `-` directly before a number is
    /// part of the literal (ksqlDB's `number: MINUS? ...`), so `-1` is `Integer(-1)`.
    fn parse_unary(&mut self) -> PResult<Expression> {
        match self.kind() {
            TokenKind::Minus if is_number(self.nth_kind(1)) => self.parse_negative_number(),
            TokenKind::Minus | TokenKind::Plus => self.parse_signed(),
            _ => self.parse_unsigned(),
        }
    }

    #[inline(never)]
    fn parse_negative_number(&mut self) -> PResult<Expression> {
        self.advance();
        let literal = Expression::Literal(self.parse_number(true)?);
        let expression = self.parse_postfix_chain(literal)?;
        self.parse_at_time_zone(expression)
    }

    #[inline(never)]
    fn parse_signed(&mut self) -> PResult<Expression> {
        let op = if self.advance().kind == TokenKind::Minus {
            UnaryOp::Minus
        } else {
            UnaryOp::Plus
        };
        let operand = self.nested(Self::parse_unary)?;
        Ok(Expression::Unary {
            op,
            operand: boxed(operand),
        })
    }

    fn parse_unsigned(&mut self) -> PResult<Expression> {
        let expression = self.parse_postfix_expression()?;
        self.parse_at_time_zone(expression)
    }

    fn parse_at_time_zone(&mut self, mut expression: Expression) -> PResult<Expression> {
        while self.eat_keyword(Keyword::At) {
            self.expect_keyword(Keyword::Time)?;
            self.expect_keyword(Keyword::Zone)?;
            let zone = self.parse_string()?;
            self.grow()?;
            expression = Expression::AtTimeZone {
                operand: boxed(expression),
                zone,
            };
        }
        Ok(expression)
    }

    /// A primary followed by subscripts and dereferences (ksqlDB's `primaryExpression`). Stops
    /// before `->*`, which only a select item may use.
    pub(crate) fn parse_postfix_expression(&mut self) -> PResult<Expression> {
        let primary = self.parse_primary()?;
        self.parse_postfix_chain(primary)
    }

    fn parse_postfix_chain(&mut self, mut base: Expression) -> PResult<Expression> {
        loop {
            base = match self.kind() {
                TokenKind::LeftBracket => self.parse_subscript(base)?,
                TokenKind::Arrow if self.nth_kind(1) != TokenKind::Asterisk => {
                    self.parse_dereference(base)?
                }
                _ => return Ok(base),
            };
        }
    }

    #[inline(never)]
    fn parse_subscript(&mut self, base: Expression) -> PResult<Expression> {
        self.advance();
        self.grow()?;
        let index = self.parse_value_expression()?;
        self.expect(TokenKind::RightBracket)?;
        Ok(Expression::Subscript {
            base: boxed(base),
            index: boxed(index),
        })
    }

    #[inline(never)]
    fn parse_dereference(&mut self, base: Expression) -> PResult<Expression> {
        self.advance();
        self.grow()?;
        let field = self.parse_identifier()?;
        Ok(Expression::Dereference {
            base: boxed(base),
            field,
        })
    }

    /// One primary. Every arm is a single call, so this frame stays small on recursion paths.
    fn parse_primary(&mut self) -> PResult<Expression> {
        match self.kind() {
            TokenKind::Integer | TokenKind::Decimal | TokenKind::Double => {
                self.parse_number_primary()
            }
            TokenKind::String
            | TokenKind::Word(Some(Keyword::Null | Keyword::True | Keyword::False)) => {
                self.parse_literal_primary()
            }
            TokenKind::LeftParen => self.parse_parenthesized(),
            TokenKind::Word(Some(Keyword::Case)) => self.parse_case(),
            TokenKind::Word(Some(Keyword::Cast)) => self.parse_cast(),
            TokenKind::Word(Some(Keyword::Array)) if self.nth_kind(1) == TokenKind::LeftBracket => {
                self.parse_array()
            }
            TokenKind::Word(Some(Keyword::Map))
                if self.nth_kind(1) == TokenKind::LeftParen && self.map_constructor_ahead() =>
            {
                self.parse_map()
            }
            TokenKind::Word(Some(Keyword::Struct)) if self.struct_constructor_ahead() => {
                self.parse_struct()
            }
            _ if self.at_identifier() => match self.nth_kind(1) {
                TokenKind::LeftParen => self.parse_function_call(),
                TokenKind::String => self.parse_type_constructor(),
                TokenKind::Dot => self.parse_qualified_column(),
                _ => self.parse_column(),
            },
            _ => Err(self.unexpected(&[Expected::Expression])),
        }
    }

    #[inline(never)]
    fn parse_number_primary(&mut self) -> PResult<Expression> {
        Ok(Expression::Literal(self.parse_number(false)?))
    }

    #[inline(never)]
    fn parse_literal_primary(&mut self) -> PResult<Expression> {
        Ok(Expression::Literal(self.parse_literal()?))
    }

    fn parse_parenthesized(&mut self) -> PResult<Expression> {
        self.advance();
        let inner = self.parse_expression()?;
        self.expect(TokenKind::RightParen)?;
        Ok(inner)
    }

    /// `STRUCT()` or `STRUCT(name :=` starts a constructor; otherwise a function named STRUCT.
    fn struct_constructor_ahead(&self) -> bool {
        self.nth_kind(1) == TokenKind::LeftParen
            && (self.nth_kind(2) == TokenKind::RightParen
                || (is_identifier_token(self.nth(2)) && self.nth_kind(3) == TokenKind::Assign))
    }

    #[inline(never)]
    fn parse_type_constructor(&mut self) -> PResult<Expression> {
        let type_name = self.parse_identifier()?;
        let value = self.parse_string()?;
        Ok(Expression::TypeConstructor { type_name, value })
    }

    #[inline(never)]
    fn parse_qualified_column(&mut self) -> PResult<Expression> {
        let source = self.parse_identifier()?;
        self.advance();
        let name = self.parse_identifier()?;
        Ok(Expression::Column(ColumnRef {
            source: Some(source),
            name,
        }))
    }

    #[inline(never)]
    fn parse_column(&mut self) -> PResult<Expression> {
        let name = self.parse_identifier()?;
        if self.lambda_params.contains(&name) {
            Ok(Expression::LambdaVariable(name))
        } else {
            Ok(Expression::Column(ColumnRef { source: None, name }))
        }
    }

    /// `MAP(` starts a constructor when it is `MAP()` or its first expression is followed by
    /// `:=`; otherwise it is a call of a function named MAP.
    fn map_constructor_ahead(&mut self) -> bool {
        if self.nth_kind(2) == TokenKind::RightParen {
            return true;
        }
        let at = self.position();
        if let Some(known) = self.map_lookahead.get(&at) {
            return *known;
        }
        let checkpoint = self.checkpoint();
        self.advance();
        self.advance();
        let is_map = self.parse_expression().is_ok() && self.at(TokenKind::Assign);
        self.restore(checkpoint);
        self.map_lookahead.insert(at, is_map);
        is_map
    }

    fn parse_case(&mut self) -> PResult<Expression> {
        self.expect_keyword(Keyword::Case)?;
        let operand = if self.at_keyword(Keyword::When) {
            None
        } else {
            Some(boxed(self.parse_value_expression()?))
        };
        let mut when_clauses = Vec::new();
        while self.eat_keyword(Keyword::When) {
            self.grow()?;
            let condition = self.parse_expression()?;
            self.expect_keyword(Keyword::Then)?;
            let result = self.parse_expression()?;
            when_clauses.push(WhenClause { condition, result });
        }
        if when_clauses.is_empty() {
            return Err(self.unexpected(&[Expected::keyword(Keyword::When)]));
        }
        let else_result = if self.eat_keyword(Keyword::Else) {
            Some(boxed(self.parse_expression()?))
        } else {
            None
        };
        if !self.at_keyword(Keyword::End) {
            let expected: &[Expected] = if else_result.is_some() {
                &[Expected::keyword(Keyword::End)]
            } else {
                &[
                    Expected::keyword(Keyword::When),
                    Expected::keyword(Keyword::Else),
                    Expected::keyword(Keyword::End),
                ]
            };
            return Err(self.unexpected(expected));
        }
        self.advance();
        Ok(Expression::Case(CaseExpression {
            operand,
            when_clauses,
            else_result,
        }))
    }

    fn parse_cast(&mut self) -> PResult<Expression> {
        self.expect_keyword(Keyword::Cast)?;
        self.expect(TokenKind::LeftParen)?;
        let operand = self.parse_expression()?;
        self.expect_keyword(Keyword::As)?;
        let data_type = self.parse_data_type()?;
        self.expect(TokenKind::RightParen)?;
        Ok(Expression::Cast {
            operand: boxed(operand),
            data_type,
        })
    }

    fn parse_array(&mut self) -> PResult<Expression> {
        self.expect_keyword(Keyword::Array)?;
        self.expect(TokenKind::LeftBracket)?;
        let mut items = Vec::new();
        if !self.eat(TokenKind::RightBracket) {
            loop {
                items.push(self.parse_expression()?);
                if self.eat(TokenKind::Comma) {
                    continue;
                }
                self.expect_closing(TokenKind::RightBracket)?;
                break;
            }
        }
        Ok(Expression::Array(items))
    }

    fn parse_map(&mut self) -> PResult<Expression> {
        self.expect_keyword(Keyword::Map)?;
        self.expect(TokenKind::LeftParen)?;
        let mut entries = Vec::new();
        if !self.eat(TokenKind::RightParen) {
            loop {
                let key = self.parse_expression()?;
                self.expect(TokenKind::Assign)?;
                let value = self.parse_expression()?;
                entries.push((key, value));
                if self.eat(TokenKind::Comma) {
                    continue;
                }
                self.expect_closing(TokenKind::RightParen)?;
                break;
            }
        }
        Ok(Expression::Map(entries))
    }

    fn parse_struct(&mut self) -> PResult<Expression> {
        self.expect_keyword(Keyword::Struct)?;
        self.expect(TokenKind::LeftParen)?;
        let mut fields = Vec::new();
        if !self.eat(TokenKind::RightParen) {
            loop {
                let name = self.parse_identifier()?;
                self.expect(TokenKind::Assign)?;
                let value = self.parse_expression()?;
                fields.push((name, value));
                if self.eat(TokenKind::Comma) {
                    continue;
                }
                self.expect_closing(TokenKind::RightParen)?;
                break;
            }
        }
        Ok(Expression::Struct(fields))
    }

    /// After a list item: `,` continues (handled by the caller), else `closing` must follow.
    pub(crate) fn expect_closing(&mut self, closing: TokenKind) -> PResult<()> {
        if self.eat(closing) {
            Ok(())
        } else {
            Err(self.unexpected(&[Expected::Token(TokenKind::Comma), Expected::Token(closing)]))
        }
    }

    fn parse_function_call(&mut self) -> PResult<Expression> {
        let name = self.parse_identifier()?;
        self.expect(TokenKind::LeftParen)?;
        if self.at(TokenKind::Asterisk) && self.nth_kind(1) == TokenKind::RightParen {
            self.advance();
            self.advance();
            return Ok(Expression::FunctionCall(FunctionCall {
                name,
                args: FunctionArgs::Star,
            }));
        }
        let mut args = Vec::new();
        if !self.eat(TokenKind::RightParen) {
            loop {
                args.push(self.parse_function_argument()?);
                if self.eat(TokenKind::Comma) {
                    continue;
                }
                self.expect_closing(TokenKind::RightParen)?;
                break;
            }
        }
        Ok(Expression::FunctionCall(FunctionCall {
            name,
            args: FunctionArgs::List(args),
        }))
    }

    /// `functionArgument | lambdaFunction`: an expression, a lambda, or a reserved unit keyword
    /// (`SECONDS`, `DAYS`, ...; the singular DAY/HOUR/MINUTE/SECOND are non-reserved and read as
    /// column names there, as in ksqlDB).
    fn parse_function_argument(&mut self) -> PResult<Expression> {
        if self.lambda_ahead() {
            return self.nested(Self::parse_lambda);
        }
        if let Some(unit) = self.interval_unit_ahead() {
            self.advance();
            return Ok(Expression::IntervalUnit(unit));
        }
        self.parse_expression()
    }

    /// A reserved unit keyword standing alone as an argument.
    fn interval_unit_ahead(&self) -> Option<crate::ast::TimeUnit> {
        let k = self.peek().keyword().filter(|k| k.is_reserved())?;
        if matches!(self.nth_kind(1), TokenKind::Comma | TokenKind::RightParen) {
            time_unit_of(k)
        } else {
            None
        }
    }

    /// `x =>` or `(x, y) =>` ahead.
    fn lambda_ahead(&self) -> bool {
        if self.at_identifier() {
            return self.nth_kind(1) == TokenKind::Lambda;
        }
        if !self.at(TokenKind::LeftParen) {
            return false;
        }
        let mut i = 1;
        loop {
            if !is_identifier_token(self.nth(i)) {
                return false;
            }
            i += 1;
            match self.nth_kind(i) {
                TokenKind::Comma => i += 1,
                TokenKind::RightParen => return self.nth_kind(i + 1) == TokenKind::Lambda,
                _ => return false,
            }
        }
    }

    fn parse_lambda(&mut self) -> PResult<Expression> {
        let mut params = Vec::new();
        if self.eat(TokenKind::LeftParen) {
            loop {
                params.push(self.parse_identifier()?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RightParen)?;
        } else {
            params.push(self.parse_identifier()?);
        }
        self.expect(TokenKind::Lambda)?;
        let scope = self.lambda_params.len();
        self.lambda_params.extend(params.iter().cloned());
        let body = self.parse_expression();
        self.lambda_params.truncate(scope);
        Ok(Expression::Lambda(Lambda {
            params,
            body: boxed(body?),
        }))
    }
}
