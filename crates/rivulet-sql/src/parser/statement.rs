//! Statement grammar: the `statement` rule of `SqlBase.g4`, dispatched on the first keyword.
//!
//! Owns CREATE (streams, tables, AS SELECT, connectors, types), INSERT, DROP, TERMINATE, PAUSE,
//! RESUME, SHOW/LIST, DESCRIBE, EXPLAIN, PRINT, SET/UNSET, ALTER, DEFINE/UNDEFINE, ASSERT and
//! RUN SCRIPT, column definitions and WITH properties. It must not parse expressions or queries
//! itself (see `expression.rs`, `query.rs`).

use super::{is_identifier_token, Expected, Parser};
use crate::ast::{
    AlterOption, AssertSchema, AssertTopic, ColumnConstraint, ConnectorKind, CreateAsSelect,
    CreateConnector, CreateSource, DescribeTarget, DropSource, Explain, InsertInto, InsertValues,
    PrintTopic, Properties, Property, PropertyName, QueryTarget, ShowTarget, SourceKind, Statement,
    TableElement,
};
use crate::error::SqlError;
use crate::token::{Keyword, TokenKind};

type PResult<T> = Result<T, SqlError>;

/// Words that start a statement, for "did you mean" hints.
const STATEMENT_KEYWORDS: &[Keyword] = &[
    Keyword::Select,
    Keyword::Create,
    Keyword::Insert,
    Keyword::Drop,
    Keyword::Terminate,
    Keyword::Pause,
    Keyword::Resume,
    Keyword::Show,
    Keyword::List,
    Keyword::Describe,
    Keyword::Explain,
    Keyword::Print,
    Keyword::Set,
    Keyword::Unset,
    Keyword::Alter,
    Keyword::Define,
    Keyword::Undefine,
    Keyword::Assert,
    Keyword::Run,
];

impl Parser<'_> {
    /// One statement, without its `;`.
    pub(crate) fn parse_statement(&mut self) -> PResult<Statement> {
        self.nested(Self::parse_statement_inner)
    }

    /// Dispatches on the first keyword; every arm is a single call so this frame, which is on the
    /// recursion path of EXPLAIN, stays small.
    fn parse_statement_inner(&mut self) -> PResult<Statement> {
        match self.peek().keyword() {
            Some(Keyword::Select) => self.parse_query_statement(),
            Some(Keyword::Create) => self.parse_create(),
            Some(Keyword::Insert) => self.parse_insert(),
            Some(Keyword::Drop) => self.parse_drop(),
            Some(Keyword::Terminate | Keyword::Pause | Keyword::Resume) => {
                self.parse_query_control()
            }
            Some(Keyword::Show | Keyword::List) => self.parse_show(),
            Some(Keyword::Describe) => self.parse_describe(),
            Some(Keyword::Explain) => self.parse_explain(),
            Some(Keyword::Print) => self.parse_print(),
            Some(Keyword::Set | Keyword::Unset) => self.parse_set_or_unset(),
            Some(Keyword::Alter) => self.parse_alter(),
            Some(Keyword::Define | Keyword::Undefine) => self.parse_define_or_undefine(),
            Some(Keyword::Assert) => self.parse_assert(),
            Some(Keyword::Run) => self.parse_run_script(),
            _ => Err(self.no_viable_statement()),
        }
    }

    #[inline(never)]
    fn parse_query_statement(&mut self) -> PResult<Statement> {
        Ok(Statement::Query(self.parse_query()?))
    }

    #[inline(never)]
    fn parse_query_control(&mut self) -> PResult<Statement> {
        let keyword = self.advance().keyword();
        let target = self.parse_query_target()?;
        Ok(match keyword {
            Some(Keyword::Pause) => Statement::Pause(target),
            Some(Keyword::Resume) => Statement::Resume(target),
            _ => Statement::Terminate(target),
        })
    }

    #[inline(never)]
    fn parse_set_or_unset(&mut self) -> PResult<Statement> {
        if self.advance().keyword() == Some(Keyword::Unset) {
            return Ok(Statement::UnsetProperty {
                name: self.parse_string()?,
            });
        }
        let name = self.parse_string()?;
        self.expect(TokenKind::Eq)?;
        let value = self.parse_string()?;
        Ok(Statement::SetProperty { name, value })
    }

    #[inline(never)]
    fn parse_define_or_undefine(&mut self) -> PResult<Statement> {
        if self.advance().keyword() == Some(Keyword::Undefine) {
            return Ok(Statement::UndefineVariable {
                name: self.parse_variable_name()?,
            });
        }
        let name = self.parse_variable_name()?;
        self.expect(TokenKind::Eq)?;
        let value = self.parse_string()?;
        Ok(Statement::DefineVariable { name, value })
    }

    #[inline(never)]
    fn parse_run_script(&mut self) -> PResult<Statement> {
        self.advance();
        self.expect_keyword(Keyword::Script)?;
        Ok(Statement::RunScript {
            path: self.parse_string()?,
        })
    }

    fn no_viable_statement(&self) -> SqlError {
        let token = self.peek();
        if token.kind == TokenKind::Eof {
            return self.unexpected(&[Expected::Statement]);
        }
        let mut reason = format!(
            "no viable alternative at input {} expecting a statement",
            self.token_display(token)
        );
        if matches!(token.kind, TokenKind::Word(_)) {
            let word = token.value.as_str();
            let suggestion = STATEMENT_KEYWORDS
                .iter()
                .map(|k| (edit_distance(word, k.as_str()), k))
                .filter(|(d, _)| *d <= 2 && word.len() >= 3)
                .min_by_key(|(d, _)| *d);
            if let Some((_, k)) = suggestion {
                reason.push_str(&format!(" (did you mean '{k}'?)"));
            }
        }
        self.error_at(token, reason)
    }

    /// A variable name after DEFINE/UNDEFINE: any unquoted word, spelled as written.
    fn parse_variable_name(&mut self) -> PResult<String> {
        if matches!(self.kind(), TokenKind::Word(_)) {
            let token = self.advance();
            Ok(token.text(self.src).to_string())
        } else {
            Err(self.unexpected(&[Expected::Identifier]))
        }
    }

    fn parse_query_target(&mut self) -> PResult<QueryTarget> {
        if self.eat_keyword(Keyword::All) {
            return Ok(QueryTarget::All);
        }
        if self.at_identifier() {
            return Ok(QueryTarget::Query(self.parse_identifier()?));
        }
        Err(self.unexpected(&[Expected::Identifier, Expected::keyword(Keyword::All)]))
    }

    // ---- CREATE ------------------------------------------------------------------------------

    fn parse_create(&mut self) -> PResult<Statement> {
        self.expect_keyword(Keyword::Create)?;
        let or_replace = if self.eat_keyword(Keyword::Or) {
            self.expect_keyword(Keyword::Replace)?;
            true
        } else {
            false
        };
        match self.peek().keyword() {
            Some(Keyword::Stream | Keyword::Table) => self.parse_create_source(or_replace, false),
            Some(Keyword::Source) if !or_replace && self.nth_is_keyword(1, Keyword::Connector) => {
                self.advance();
                self.parse_create_connector(ConnectorKind::Source)
            }
            Some(Keyword::Source) => {
                self.advance();
                self.parse_create_source(or_replace, true)
            }
            Some(Keyword::Sink) if !or_replace => {
                self.advance();
                self.parse_create_connector(ConnectorKind::Sink)
            }
            Some(Keyword::Type) if !or_replace => {
                self.advance();
                let if_not_exists = self.parse_if_not_exists()?;
                let name = self.parse_identifier()?;
                self.expect_keyword(Keyword::As)?;
                let data_type = self.parse_data_type()?;
                Ok(Statement::CreateType {
                    name,
                    data_type,
                    if_not_exists,
                })
            }
            _ => {
                let mut expected = vec![
                    Expected::keyword(Keyword::Stream),
                    Expected::keyword(Keyword::Table),
                    Expected::keyword(Keyword::Source),
                ];
                if !or_replace {
                    expected.extend([
                        Expected::keyword(Keyword::Sink),
                        Expected::keyword(Keyword::Type),
                        Expected::keyword(Keyword::Or),
                    ]);
                }
                Err(self.unexpected(&expected))
            }
        }
    }

    fn parse_source_kind(&mut self) -> PResult<SourceKind> {
        if self.eat_keyword(Keyword::Stream) {
            Ok(SourceKind::Stream)
        } else if self.eat_keyword(Keyword::Table) {
            Ok(SourceKind::Table)
        } else {
            Err(self.unexpected(&[
                Expected::keyword(Keyword::Stream),
                Expected::keyword(Keyword::Table),
            ]))
        }
    }

    fn parse_create_source(&mut self, or_replace: bool, is_source: bool) -> PResult<Statement> {
        let kind = self.parse_source_kind()?;
        let if_not_exists = self.parse_if_not_exists()?;
        let name = self.parse_identifier()?;
        let elements = if self.at(TokenKind::LeftParen) {
            self.parse_table_elements(kind)?
        } else {
            Vec::new()
        };
        let properties = if self.eat_keyword(Keyword::With) {
            self.parse_properties()?
        } else {
            Properties::default()
        };
        if elements.is_empty() && !is_source && self.eat_keyword(Keyword::As) {
            let query = self.parse_query()?;
            return Ok(Statement::CreateAsSelect(CreateAsSelect {
                kind,
                or_replace,
                if_not_exists,
                name,
                properties,
                query,
            }));
        }
        Ok(Statement::CreateSource(CreateSource {
            kind,
            or_replace,
            is_source,
            if_not_exists,
            name,
            elements,
            properties,
        }))
    }

    fn parse_table_elements(&mut self, kind: SourceKind) -> PResult<Vec<TableElement>> {
        self.expect(TokenKind::LeftParen)?;
        let mut elements = Vec::new();
        loop {
            elements.push(self.parse_table_element(kind)?);
            if self.eat(TokenKind::Comma) {
                continue;
            }
            if !self.eat(TokenKind::RightParen) {
                let mut expected = vec![Expected::Token(TokenKind::Comma)];
                if elements.last().is_some_and(|e| e.constraint.is_none()) {
                    expected.extend([
                        Expected::keyword(Keyword::Key),
                        Expected::keyword(Keyword::Primary),
                        Expected::keyword(Keyword::Headers),
                        Expected::keyword(Keyword::Header),
                    ]);
                }
                expected.push(Expected::Token(TokenKind::RightParen));
                return Err(self.unexpected(&expected));
            }
            return Ok(elements);
        }
    }

    fn parse_table_element(&mut self, kind: SourceKind) -> PResult<TableElement> {
        let name = self.parse_identifier()?;
        let data_type = self.parse_data_type()?;
        let constraint_token = self.peek().clone();
        let constraint = match constraint_token.keyword() {
            Some(Keyword::Primary) => {
                self.advance();
                self.expect_keyword(Keyword::Key)?;
                if kind == SourceKind::Stream {
                    return Err(self.error_at(
                        &constraint_token,
                        format!(
                            "Column {} is a 'PRIMARY KEY' column: please use 'KEY' for streams. \
                             Tables have PRIMARY KEYs, which are unique and NON NULL. Streams \
                             have KEYs, which have no uniqueness or NON NULL constraints.",
                            name.quoted()
                        ),
                    ));
                }
                Some(ColumnConstraint::PrimaryKey)
            }
            Some(Keyword::Key) => {
                self.advance();
                if kind == SourceKind::Table {
                    return Err(self.error_at(
                        &constraint_token,
                        format!(
                            "Column {} is a 'KEY' column: please use 'PRIMARY KEY' for tables. \
                             Tables have PRIMARY KEYs, which are unique and NON NULL. Streams \
                             have KEYs, which have no uniqueness or NON NULL constraints.",
                            name.quoted()
                        ),
                    ));
                }
                Some(ColumnConstraint::Key)
            }
            Some(Keyword::Headers) => {
                self.advance();
                Some(ColumnConstraint::Headers)
            }
            Some(Keyword::Header) => {
                self.advance();
                self.expect(TokenKind::LeftParen)?;
                let key = self.parse_string()?;
                self.expect(TokenKind::RightParen)?;
                Some(ColumnConstraint::Header(key))
            }
            _ => None,
        };
        Ok(TableElement {
            name,
            data_type,
            constraint,
        })
    }

    /// `( key = literal, ... )` after WITH. Keys are identifiers or strings; a key given twice is
    /// an error.
    pub(crate) fn parse_properties(&mut self) -> PResult<Properties> {
        self.expect(TokenKind::LeftParen)?;
        let mut properties: Vec<Property> = Vec::new();
        loop {
            let key_token = self.peek().clone();
            let name = if self.at(TokenKind::String) {
                PropertyName::String(self.advance().value)
            } else if self.at_identifier() {
                PropertyName::Identifier(self.parse_identifier()?)
            } else {
                return Err(self.unexpected(&[Expected::Identifier, Expected::String]));
            };
            if properties.iter().any(|p| p.name.as_str() == name.as_str()) {
                return Err(self.error_at(
                    &key_token,
                    format!("Duplicate property '{}'", name.as_str()),
                ));
            }
            self.expect(TokenKind::Eq)?;
            let value = self.parse_literal()?;
            properties.push(Property { name, value });
            if self.eat(TokenKind::Comma) {
                continue;
            }
            self.expect_closing(TokenKind::RightParen)?;
            return Ok(Properties(properties));
        }
    }

    fn parse_create_connector(&mut self, kind: ConnectorKind) -> PResult<Statement> {
        self.expect_keyword(Keyword::Connector)?;
        let if_not_exists = self.parse_if_not_exists()?;
        let name = self.parse_identifier()?;
        self.expect_keyword(Keyword::With)?;
        let properties = self.parse_properties()?;
        Ok(Statement::CreateConnector(CreateConnector {
            kind,
            if_not_exists,
            name,
            properties,
        }))
    }

    // ---- INSERT / DROP -----------------------------------------------------------------------

    fn parse_insert(&mut self) -> PResult<Statement> {
        self.expect_keyword(Keyword::Insert)?;
        self.expect_keyword(Keyword::Into)?;
        let target = self.parse_identifier()?;
        if self.at(TokenKind::LeftParen) || self.at_keyword(Keyword::Values) {
            let mut columns = Vec::new();
            if self.eat(TokenKind::LeftParen) {
                loop {
                    columns.push(self.parse_identifier()?);
                    if self.eat(TokenKind::Comma) {
                        continue;
                    }
                    self.expect_closing(TokenKind::RightParen)?;
                    break;
                }
            }
            self.expect_keyword(Keyword::Values)?;
            self.expect(TokenKind::LeftParen)?;
            let values = if self.eat(TokenKind::RightParen) {
                Vec::new()
            } else {
                let values = self.parse_value_expression_list()?;
                self.expect_closing(TokenKind::RightParen)?;
                values
            };
            return Ok(Statement::InsertValues(InsertValues {
                target,
                columns,
                values,
            }));
        }
        let properties = if self.eat_keyword(Keyword::With) {
            self.parse_properties()?
        } else {
            Properties::default()
        };
        if !self.at_keyword(Keyword::Select) {
            let expected: &[Expected] = if properties.is_empty() {
                &[
                    Expected::Token(TokenKind::LeftParen),
                    Expected::keyword(Keyword::Values),
                    Expected::keyword(Keyword::With),
                    Expected::keyword(Keyword::Select),
                ]
            } else {
                &[Expected::keyword(Keyword::Select)]
            };
            return Err(self.unexpected(expected));
        }
        let query = self.parse_query()?;
        Ok(Statement::InsertInto(InsertInto {
            target,
            properties,
            query,
        }))
    }

    fn parse_drop(&mut self) -> PResult<Statement> {
        self.expect_keyword(Keyword::Drop)?;
        match self.peek().keyword() {
            Some(Keyword::Stream | Keyword::Table) => {
                let kind = self.parse_source_kind()?;
                let if_exists = self.parse_if_exists();
                let name = self.parse_identifier()?;
                let delete_topic = if self.eat_keyword(Keyword::Delete) {
                    self.expect_keyword(Keyword::Topic)?;
                    true
                } else {
                    false
                };
                Ok(Statement::DropSource(DropSource {
                    kind,
                    if_exists,
                    name,
                    delete_topic,
                }))
            }
            Some(Keyword::Connector) => {
                self.advance();
                let if_exists = self.parse_if_exists();
                let name = self.parse_identifier()?;
                Ok(Statement::DropConnector { name, if_exists })
            }
            Some(Keyword::Type) => {
                self.advance();
                let if_exists = self.parse_if_exists();
                let name = self.parse_identifier()?;
                Ok(Statement::DropType { name, if_exists })
            }
            _ => Err(self.unexpected(&[
                Expected::keyword(Keyword::Stream),
                Expected::keyword(Keyword::Table),
                Expected::keyword(Keyword::Connector),
                Expected::keyword(Keyword::Type),
            ])),
        }
    }

    // ---- SHOW / DESCRIBE / EXPLAIN / PRINT ---------------------------------------------------

    fn parse_show(&mut self) -> PResult<Statement> {
        self.advance();
        let target = match self.peek().keyword() {
            Some(Keyword::Streams) => {
                self.advance();
                ShowTarget::Streams {
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            Some(Keyword::Tables) => {
                self.advance();
                ShowTarget::Tables {
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            Some(Keyword::Queries) => {
                self.advance();
                ShowTarget::Queries {
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            Some(Keyword::All) => {
                self.advance();
                self.expect_keyword(Keyword::Topics)?;
                ShowTarget::Topics {
                    all: true,
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            Some(Keyword::Topics) => {
                self.advance();
                ShowTarget::Topics {
                    all: false,
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            Some(Keyword::Properties) => {
                self.advance();
                ShowTarget::Properties
            }
            Some(Keyword::Functions) => {
                self.advance();
                ShowTarget::Functions
            }
            Some(Keyword::Types) => {
                self.advance();
                ShowTarget::Types
            }
            Some(Keyword::Variables) => {
                self.advance();
                ShowTarget::Variables
            }
            Some(Keyword::Connectors) => {
                self.advance();
                ShowTarget::Connectors(None)
            }
            Some(Keyword::Source) => {
                self.advance();
                self.expect_keyword(Keyword::Connectors)?;
                ShowTarget::Connectors(Some(ConnectorKind::Source))
            }
            Some(Keyword::Sink) => {
                self.advance();
                self.expect_keyword(Keyword::Connectors)?;
                ShowTarget::Connectors(Some(ConnectorKind::Sink))
            }
            Some(Keyword::Connector) => {
                self.advance();
                self.expect_keyword(Keyword::Plugins)?;
                ShowTarget::ConnectorPlugins
            }
            _ => {
                return Err(self.unexpected(&[
                    Expected::keyword(Keyword::Streams),
                    Expected::keyword(Keyword::Tables),
                    Expected::keyword(Keyword::Queries),
                    Expected::keyword(Keyword::Topics),
                    Expected::keyword(Keyword::All),
                    Expected::keyword(Keyword::Properties),
                    Expected::keyword(Keyword::Functions),
                    Expected::keyword(Keyword::Types),
                    Expected::keyword(Keyword::Variables),
                    Expected::keyword(Keyword::Connectors),
                    Expected::keyword(Keyword::Source),
                    Expected::keyword(Keyword::Sink),
                    Expected::keyword(Keyword::Connector),
                ]))
            }
        };
        Ok(Statement::Show(target))
    }

    fn parse_describe(&mut self) -> PResult<Statement> {
        self.expect_keyword(Keyword::Describe)?;
        let target = match self.peek().keyword() {
            Some(Keyword::Streams) => {
                self.advance();
                DescribeTarget::Streams {
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            // ksqlDB reads an unquoted TABLES here as DESCRIBE TABLES, not a source.
            Some(Keyword::Tables) => {
                self.advance();
                DescribeTarget::Tables {
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
            Some(Keyword::Function) if is_identifier_token(self.nth(1)) => {
                self.advance();
                DescribeTarget::Function(self.parse_identifier()?)
            }
            Some(Keyword::Connector) => {
                self.advance();
                DescribeTarget::Connector(self.parse_identifier()?)
            }
            _ => {
                if !self.at_identifier() {
                    return Err(self.unexpected(&[
                        Expected::Identifier,
                        Expected::keyword(Keyword::Streams),
                        Expected::keyword(Keyword::Tables),
                        Expected::keyword(Keyword::Function),
                        Expected::keyword(Keyword::Connector),
                    ]));
                }
                let name = self.parse_identifier()?;
                DescribeTarget::Source {
                    name,
                    extended: self.eat_keyword(Keyword::Extended),
                }
            }
        };
        Ok(Statement::Describe(target))
    }

    fn parse_explain(&mut self) -> PResult<Statement> {
        self.advance();
        if self.at_identifier() && matches!(self.nth_kind(1), TokenKind::Semicolon | TokenKind::Eof)
        {
            return Ok(Statement::Explain(Explain::QueryId(
                self.parse_identifier()?,
            )));
        }
        let statement = self.parse_statement()?;
        Ok(Statement::Explain(Explain::Statement(Box::new(statement))))
    }

    /// A topic, subject or other external resource name: `'verbatim'`, or an identifier kept as
    /// written (external names are case-sensitive).
    fn parse_resource_name(&mut self) -> PResult<String> {
        match self.kind() {
            TokenKind::String | TokenKind::QuotedIdentifier => Ok(self.advance().value),
            _ if self.at_identifier() => {
                let token = self.advance();
                Ok(token.text(self.src).to_string())
            }
            _ => Err(self.unexpected(&[Expected::Identifier, Expected::String])),
        }
    }

    fn parse_print(&mut self) -> PResult<Statement> {
        self.expect_keyword(Keyword::Print)?;
        let topic = self.parse_resource_name()?;
        let from_beginning = if self.eat_keyword(Keyword::From) {
            self.expect_keyword(Keyword::Beginning)?;
            true
        } else {
            false
        };
        let interval = if self.eat_keyword(Keyword::Interval) || self.eat_keyword(Keyword::Sample) {
            Some(self.parse_u32("INTERVAL")?)
        } else {
            None
        };
        let limit = if self.eat_keyword(Keyword::Limit) {
            Some(self.parse_u32("LIMIT")?)
        } else {
            None
        };
        Ok(Statement::Print(PrintTopic {
            topic,
            from_beginning,
            interval,
            limit,
        }))
    }

    // ---- ALTER / ASSERT ----------------------------------------------------------------------

    fn parse_alter(&mut self) -> PResult<Statement> {
        self.advance();
        if self.eat_keyword(Keyword::System) {
            let name = self.parse_string()?;
            self.expect(TokenKind::Eq)?;
            let value = self.parse_string()?;
            return Ok(Statement::AlterSystem { name, value });
        }
        if !matches!(
            self.peek().keyword(),
            Some(Keyword::Stream | Keyword::Table)
        ) {
            return Err(self.unexpected(&[
                Expected::keyword(Keyword::Stream),
                Expected::keyword(Keyword::Table),
                Expected::keyword(Keyword::System),
            ]));
        }
        let kind = self.parse_source_kind()?;
        let name = self.parse_identifier()?;
        let mut options = Vec::new();
        loop {
            self.expect_keyword(Keyword::Add)?;
            self.eat_keyword(Keyword::Column);
            let column = self.parse_identifier()?;
            let data_type = self.parse_data_type()?;
            options.push(AlterOption { column, data_type });
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        Ok(Statement::AlterSource {
            kind,
            name,
            options,
        })
    }

    fn parse_assert(&mut self) -> PResult<Statement> {
        self.advance();
        let not_exists = if self.eat_keyword(Keyword::Not) {
            self.expect_keyword(Keyword::Exists)?;
            true
        } else {
            false
        };
        if self.eat_keyword(Keyword::Topic) {
            let topic = self.parse_resource_name()?;
            let properties = if self.eat_keyword(Keyword::With) {
                self.parse_properties()?
            } else {
                Properties::default()
            };
            let timeout = self.parse_timeout()?;
            return Ok(Statement::AssertTopic(AssertTopic {
                not_exists,
                topic,
                properties,
                timeout,
            }));
        }
        if self.eat_keyword(Keyword::Schema) {
            let subject = if self.eat_keyword(Keyword::Subject) {
                Some(self.parse_resource_name()?)
            } else {
                None
            };
            let id = if self.eat_keyword(Keyword::Id) {
                Some(self.parse_literal()?)
            } else {
                None
            };
            let timeout = self.parse_timeout()?;
            return Ok(Statement::AssertSchema(AssertSchema {
                not_exists,
                subject,
                id,
                timeout,
            }));
        }
        let mut expected = vec![];
        if !not_exists {
            expected.push(Expected::keyword(Keyword::Not));
        }
        expected.push(Expected::keyword(Keyword::Topic));
        expected.push(Expected::keyword(Keyword::Schema));
        Err(self.unexpected(&expected))
    }

    fn parse_timeout(&mut self) -> PResult<Option<crate::ast::TimeSpan>> {
        if self.eat_keyword(Keyword::Timeout) {
            Ok(Some(self.parse_time_span()?))
        } else {
            Ok(None)
        }
    }
}

/// Levenshtein distance over ASCII bytes (statement keyword hints only).
fn edit_distance(a: &str, b: &str) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            let insertion = current[j] + 1;
            let deletion = previous[j + 1] + 1;
            current.push(substitution.min(insertion).min(deletion));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("SELEC", "SELECT"), 1);
        assert_eq!(edit_distance("SLECT", "SELECT"), 1);
        assert_eq!(edit_distance("CRATE", "CREATE"), 1);
        assert_eq!(edit_distance("FOO", "SELECT"), 6);
    }
}
