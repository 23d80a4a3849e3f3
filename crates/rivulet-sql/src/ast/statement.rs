//! Statements: every top-level form of the dialect, from CREATE STREAM to PRINT and DEFINE.
//!
//! Owns [`Statement`] and the statement-specific nodes and their canonical text (without the
//! trailing `;`). It must not execute anything nor check that names exist.

use std::fmt;

use super::data_type::DataType;
use super::expression::Expression;
use super::identifier::Identifier;
use super::literal::Literal;
use super::properties::Properties;
use super::query::Query;
use super::window::TimeSpan;
use super::{comma_separated, write_string_literal};

/// One statement, as parsed (see [`crate::parse_statement`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// A standalone SELECT: push with EMIT, pull without.
    Query(Query),
    /// `CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name [(cols)] [WITH (...)]`.
    CreateSource(CreateSource),
    /// `CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (...)] AS SELECT ...`.
    CreateAsSelect(CreateAsSelect),
    /// `INSERT INTO name [WITH (...)] SELECT ...`.
    InsertInto(InsertInto),
    /// `INSERT INTO name [(cols)] VALUES (...)`.
    InsertValues(InsertValues),
    /// `DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]`.
    DropSource(DropSource),
    /// `TERMINATE query_id | ALL`. Query ids are identifiers (upper-cased unless quoted); compare
    /// them ignoring case.
    Terminate(QueryTarget),
    /// `PAUSE query_id | ALL`.
    Pause(QueryTarget),
    /// `RESUME query_id | ALL`.
    Resume(QueryTarget),
    /// `SHOW|LIST ...`.
    Show(ShowTarget),
    /// `DESCRIBE ...`.
    Describe(DescribeTarget),
    /// `EXPLAIN statement | query_id`.
    Explain(Explain),
    /// `PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]`.
    Print(PrintTopic),
    /// `SET 'name' = 'value'`.
    SetProperty { name: String, value: String },
    /// `UNSET 'name'`.
    UnsetProperty { name: String },
    /// `ALTER SYSTEM 'name' = 'value'`.
    AlterSystem { name: String, value: String },
    /// `DEFINE name = 'value'`. The name keeps its spelling; variables match ignoring case.
    DefineVariable { name: String, value: String },
    /// `UNDEFINE name`.
    UndefineVariable { name: String },
    /// `CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH (...)`.
    CreateConnector(CreateConnector),
    /// `DROP CONNECTOR [IF EXISTS] name`.
    DropConnector { name: Identifier, if_exists: bool },
    /// `CREATE TYPE [IF NOT EXISTS] name AS type`.
    CreateType {
        name: Identifier,
        data_type: DataType,
        if_not_exists: bool,
    },
    /// `DROP TYPE [IF EXISTS] name`.
    DropType { name: Identifier, if_exists: bool },
    /// `ALTER STREAM|TABLE name ADD [COLUMN] col type, ...`.
    AlterSource {
        kind: SourceKind,
        name: Identifier,
        options: Vec<AlterOption>,
    },
    /// `ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT n unit]`.
    AssertTopic(AssertTopic),
    /// `ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID literal] [TIMEOUT n unit]`.
    AssertSchema(AssertSchema),
    /// `RUN SCRIPT 'path'` (CLI and tests only).
    RunScript { path: String },
}

/// STREAM or TABLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Stream,
    Table,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Stream => "STREAM",
            SourceKind::Table => "TABLE",
        }
    }
}

/// A CREATE STREAM/TABLE over a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateSource {
    pub kind: SourceKind,
    pub or_replace: bool,
    /// `CREATE SOURCE STREAM|TABLE`: read-only, materialized for pull queries.
    pub is_source: bool,
    pub if_not_exists: bool,
    pub name: Identifier,
    /// Column definitions; empty when omitted (schema from the registry).
    pub elements: Vec<TableElement>,
    pub properties: Properties,
}

/// `name type [KEY | PRIMARY KEY | HEADERS | HEADER('key')]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableElement {
    pub name: Identifier,
    pub data_type: DataType,
    pub constraint: Option<ColumnConstraint>,
}

/// What a column is besides a value column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnConstraint {
    /// A stream key column (`KEY`).
    Key,
    /// A table primary key column (`PRIMARY KEY`).
    PrimaryKey,
    /// All record headers (`HEADERS`).
    Headers,
    /// The last header with this key (`HEADER('k')`).
    Header(String),
}

/// A CREATE STREAM/TABLE AS SELECT.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateAsSelect {
    pub kind: SourceKind,
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub name: Identifier,
    pub properties: Properties,
    pub query: Query,
}

/// INSERT INTO ... SELECT.
#[derive(Debug, Clone, PartialEq)]
pub struct InsertInto {
    pub target: Identifier,
    pub properties: Properties,
    pub query: Query,
}

/// INSERT INTO ... VALUES. `columns` is empty when no column list was given.
#[derive(Debug, Clone, PartialEq)]
pub struct InsertValues {
    pub target: Identifier,
    pub columns: Vec<Identifier>,
    pub values: Vec<Expression>,
}

/// DROP STREAM/TABLE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DropSource {
    pub kind: SourceKind,
    pub if_exists: bool,
    pub name: Identifier,
    pub delete_topic: bool,
}

/// A query id or ALL (TERMINATE, PAUSE, RESUME).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryTarget {
    Query(Identifier),
    All,
}

/// SOURCE or SINK connectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectorKind {
    Source,
    Sink,
}

impl ConnectorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorKind::Source => "SOURCE",
            ConnectorKind::Sink => "SINK",
        }
    }
}

/// What SHOW/LIST lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShowTarget {
    Streams {
        extended: bool,
    },
    Tables {
        extended: bool,
    },
    Queries {
        extended: bool,
    },
    /// `SHOW [ALL] TOPICS [EXTENDED]`: ALL includes internal topics.
    Topics {
        all: bool,
        extended: bool,
    },
    Properties,
    Functions,
    Types,
    Variables,
    /// `SHOW [SOURCE | SINK] CONNECTORS`.
    Connectors(Option<ConnectorKind>),
    ConnectorPlugins,
}

/// What DESCRIBE describes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DescribeTarget {
    Source { name: Identifier, extended: bool },
    Streams { extended: bool },
    Tables { extended: bool },
    Function(Identifier),
    Connector(Identifier),
}

/// EXPLAIN of a statement or of a running query's id.
#[derive(Debug, Clone, PartialEq)]
pub enum Explain {
    Statement(Box<Statement>),
    QueryId(Identifier),
}

/// PRINT. The topic name is case-sensitive: `'name'` verbatim, or an identifier as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrintTopic {
    pub topic: String,
    pub from_beginning: bool,
    /// `INTERVAL n` / `SAMPLE n`: print every n-th record.
    pub interval: Option<u32>,
    pub limit: Option<u32>,
}

/// CREATE SOURCE|SINK CONNECTOR.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateConnector {
    pub kind: ConnectorKind,
    pub if_not_exists: bool,
    pub name: Identifier,
    /// The connector config, keys verbatim (`'connector.class'`).
    pub properties: Properties,
}

/// `ADD [COLUMN] name type` of ALTER STREAM/TABLE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AlterOption {
    pub column: Identifier,
    pub data_type: DataType,
}

/// ASSERT TOPIC.
#[derive(Debug, Clone, PartialEq)]
pub struct AssertTopic {
    pub not_exists: bool,
    pub topic: String,
    pub properties: Properties,
    pub timeout: Option<TimeSpan>,
}

/// ASSERT SCHEMA.
#[derive(Debug, Clone, PartialEq)]
pub struct AssertSchema {
    pub not_exists: bool,
    pub subject: Option<String>,
    pub id: Option<Literal>,
    pub timeout: Option<TimeSpan>,
}

impl fmt::Display for QueryTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryTarget::Query(id) => write!(f, "{id}"),
            QueryTarget::All => f.write_str("ALL"),
        }
    }
}

impl fmt::Display for TableElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.data_type)?;
        match &self.constraint {
            None => Ok(()),
            Some(ColumnConstraint::Key) => f.write_str(" KEY"),
            Some(ColumnConstraint::PrimaryKey) => f.write_str(" PRIMARY KEY"),
            Some(ColumnConstraint::Headers) => f.write_str(" HEADERS"),
            Some(ColumnConstraint::Header(key)) => {
                f.write_str(" HEADER(")?;
                write_string_literal(f, key)?;
                f.write_str(")")
            }
        }
    }
}

fn write_with(f: &mut fmt::Formatter<'_>, properties: &Properties) -> fmt::Result {
    if properties.is_empty() {
        Ok(())
    } else {
        write!(f, " {properties}")
    }
}

fn extended(f: &mut fmt::Formatter<'_>, extended: bool) -> fmt::Result {
    if extended {
        f.write_str(" EXTENDED")
    } else {
        Ok(())
    }
}

impl fmt::Display for CreateSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.or_replace {
            f.write_str("OR REPLACE ")?;
        }
        if self.is_source {
            f.write_str("SOURCE ")?;
        }
        write!(f, "{} ", self.kind.as_str())?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{}", self.name)?;
        if !self.elements.is_empty() {
            f.write_str(" (")?;
            comma_separated(f, &self.elements)?;
            f.write_str(")")?;
        }
        write_with(f, &self.properties)
    }
}

impl fmt::Display for CreateAsSelect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.or_replace {
            f.write_str("OR REPLACE ")?;
        }
        write!(f, "{} ", self.kind.as_str())?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{}", self.name)?;
        write_with(f, &self.properties)?;
        write!(f, " AS {}", self.query)
    }
}

impl fmt::Display for ShowTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShowTarget::Streams { extended: e } => {
                f.write_str("STREAMS")?;
                extended(f, *e)
            }
            ShowTarget::Tables { extended: e } => {
                f.write_str("TABLES")?;
                extended(f, *e)
            }
            ShowTarget::Queries { extended: e } => {
                f.write_str("QUERIES")?;
                extended(f, *e)
            }
            ShowTarget::Topics { all, extended: e } => {
                if *all {
                    f.write_str("ALL ")?;
                }
                f.write_str("TOPICS")?;
                extended(f, *e)
            }
            ShowTarget::Properties => f.write_str("PROPERTIES"),
            ShowTarget::Functions => f.write_str("FUNCTIONS"),
            ShowTarget::Types => f.write_str("TYPES"),
            ShowTarget::Variables => f.write_str("VARIABLES"),
            ShowTarget::Connectors(None) => f.write_str("CONNECTORS"),
            ShowTarget::Connectors(Some(kind)) => write!(f, "{} CONNECTORS", kind.as_str()),
            ShowTarget::ConnectorPlugins => f.write_str("CONNECTOR PLUGINS"),
        }
    }
}

impl fmt::Display for DescribeTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DescribeTarget::Source { name, extended: e } => {
                write!(f, "{name}")?;
                extended(f, *e)
            }
            DescribeTarget::Streams { extended: e } => {
                f.write_str("STREAMS")?;
                extended(f, *e)
            }
            DescribeTarget::Tables { extended: e } => {
                f.write_str("TABLES")?;
                extended(f, *e)
            }
            DescribeTarget::Function(name) => write!(f, "FUNCTION {}", name.display_as_function()),
            DescribeTarget::Connector(name) => write!(f, "CONNECTOR {name}"),
        }
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Query(q) => write!(f, "{q}"),
            Statement::CreateSource(c) => write!(f, "{c}"),
            Statement::CreateAsSelect(c) => write!(f, "{c}"),
            Statement::InsertInto(i) => {
                write!(f, "INSERT INTO {}", i.target)?;
                write_with(f, &i.properties)?;
                write!(f, " {}", i.query)
            }
            Statement::InsertValues(i) => {
                write!(f, "INSERT INTO {}", i.target)?;
                if !i.columns.is_empty() {
                    f.write_str(" (")?;
                    comma_separated(f, &i.columns)?;
                    f.write_str(")")?;
                }
                f.write_str(" VALUES (")?;
                super::query::write_value_expressions(f, &i.values)?;
                f.write_str(")")
            }
            Statement::DropSource(d) => {
                write!(f, "DROP {} ", d.kind.as_str())?;
                if d.if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                write!(f, "{}", d.name)?;
                if d.delete_topic {
                    f.write_str(" DELETE TOPIC")?;
                }
                Ok(())
            }
            Statement::Terminate(t) => write!(f, "TERMINATE {t}"),
            Statement::Pause(t) => write!(f, "PAUSE {t}"),
            Statement::Resume(t) => write!(f, "RESUME {t}"),
            Statement::Show(t) => write!(f, "SHOW {t}"),
            Statement::Describe(t) => write!(f, "DESCRIBE {t}"),
            Statement::Explain(Explain::Statement(s)) => write!(f, "EXPLAIN {s}"),
            Statement::Explain(Explain::QueryId(id)) => write!(f, "EXPLAIN {id}"),
            Statement::Print(p) => {
                f.write_str("PRINT ")?;
                write_string_literal(f, &p.topic)?;
                if p.from_beginning {
                    f.write_str(" FROM BEGINNING")?;
                }
                if let Some(i) = p.interval {
                    write!(f, " INTERVAL {i}")?;
                }
                if let Some(l) = p.limit {
                    write!(f, " LIMIT {l}")?;
                }
                Ok(())
            }
            Statement::SetProperty { name, value } => {
                f.write_str("SET ")?;
                write_string_literal(f, name)?;
                f.write_str(" = ")?;
                write_string_literal(f, value)
            }
            Statement::UnsetProperty { name } => {
                f.write_str("UNSET ")?;
                write_string_literal(f, name)
            }
            Statement::AlterSystem { name, value } => {
                f.write_str("ALTER SYSTEM ")?;
                write_string_literal(f, name)?;
                f.write_str(" = ")?;
                write_string_literal(f, value)
            }
            Statement::DefineVariable { name, value } => {
                write!(f, "DEFINE {name} = ")?;
                write_string_literal(f, value)
            }
            Statement::UndefineVariable { name } => write!(f, "UNDEFINE {name}"),
            Statement::CreateConnector(c) => {
                write!(f, "CREATE {} CONNECTOR ", c.kind.as_str())?;
                if c.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "{}", c.name)?;
                write_with(f, &c.properties)
            }
            Statement::DropConnector { name, if_exists } => {
                f.write_str("DROP CONNECTOR ")?;
                if *if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                write!(f, "{name}")
            }
            Statement::CreateType {
                name,
                data_type,
                if_not_exists,
            } => {
                f.write_str("CREATE TYPE ")?;
                if *if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "{name} AS {data_type}")
            }
            Statement::DropType { name, if_exists } => {
                f.write_str("DROP TYPE ")?;
                if *if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                write!(f, "{name}")
            }
            Statement::AlterSource {
                kind,
                name,
                options,
            } => {
                write!(f, "ALTER {} {name} ", kind.as_str())?;
                for (i, o) in options.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "ADD COLUMN {} {}", o.column, o.data_type)?;
                }
                Ok(())
            }
            Statement::AssertTopic(a) => {
                f.write_str("ASSERT ")?;
                if a.not_exists {
                    f.write_str("NOT EXISTS ")?;
                }
                f.write_str("TOPIC ")?;
                write_string_literal(f, &a.topic)?;
                write_with(f, &a.properties)?;
                if let Some(t) = &a.timeout {
                    write!(f, " TIMEOUT {t}")?;
                }
                Ok(())
            }
            Statement::AssertSchema(a) => {
                f.write_str("ASSERT ")?;
                if a.not_exists {
                    f.write_str("NOT EXISTS ")?;
                }
                f.write_str("SCHEMA")?;
                if let Some(s) = &a.subject {
                    f.write_str(" SUBJECT ")?;
                    write_string_literal(f, s)?;
                }
                if let Some(id) = &a.id {
                    write!(f, " ID {id}")?;
                }
                if let Some(t) = &a.timeout {
                    write!(f, " TIMEOUT {t}")?;
                }
                Ok(())
            }
            Statement::RunScript { path } => {
                f.write_str("RUN SCRIPT ")?;
                write_string_literal(f, path)
            }
        }
    }
}
