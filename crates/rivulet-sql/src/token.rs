//! Tokens of the ksqlDB dialect: kinds, keywords (reserved or not) and source positions.
//!
//! Owns the vocabulary shared by the lexer, the parser and the printer: [`TokenKind`],
//! [`Keyword`] (the keyword table of ksqlDB's `SqlBase.g4`, with which words are reserved) and
//! [`Span`]. It must not scan text (that is `lexer.rs`) nor decide grammar (that is `parser/`).

use std::fmt;

/// Where a token sits in the text it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column (in characters) of the first character.
    pub column: u32,
}

/// What a token is. Text-carrying kinds keep their value in [`Token::value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An unquoted word: a keyword (`Some`) or a plain identifier (`None`). Value: upper-cased.
    Word(Option<Keyword>),
    /// `"..."` or `` `...` ``. Value: the content, escapes undone, case kept.
    QuotedIdentifier,
    /// A digit followed by letters/digits/`_`/`@` (`1st_col`). Value: upper-cased.
    DigitIdentifier,
    /// `'...'`. Value: the content with `''` undone.
    String,
    /// Digits only. Value: the digits.
    Integer,
    /// Digits with a `.` and no exponent (`1.5`, `1.`, `.5`): a DECIMAL literal. Value: as written.
    Decimal,
    /// A number with an exponent (`1e3`, `1.5E-2`): a DOUBLE literal. Value: as written.
    Double,
    /// `${name}` left in the text (not substituted). Value: the name.
    Variable,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Semicolon,
    Dot,
    Asterisk,
    Plus,
    Minus,
    Slash,
    Percent,
    /// `||`
    Concat,
    /// `=`
    Eq,
    /// `<>` or `!=`
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    /// `:=`
    Assign,
    /// `->`
    Arrow,
    /// `=>`
    Lambda,
    /// End of input.
    Eof,
}

impl TokenKind {
    /// How ANTLR names a fixed token in "expecting ..." lists (`';'`, `'('`), or a class name.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Word(Some(k)) => k.quoted(),
            TokenKind::Word(None) => "an identifier",
            TokenKind::QuotedIdentifier => "a quoted identifier",
            TokenKind::DigitIdentifier => "an identifier",
            TokenKind::String => "a string",
            TokenKind::Integer => "an integer",
            TokenKind::Decimal | TokenKind::Double => "a number",
            TokenKind::Variable => "a variable",
            TokenKind::LeftParen => "'('",
            TokenKind::RightParen => "')'",
            TokenKind::LeftBracket => "'['",
            TokenKind::RightBracket => "']'",
            TokenKind::Comma => "','",
            TokenKind::Semicolon => "';'",
            TokenKind::Dot => "'.'",
            TokenKind::Asterisk => "'*'",
            TokenKind::Plus => "'+'",
            TokenKind::Minus => "'-'",
            TokenKind::Slash => "'/'",
            TokenKind::Percent => "'%'",
            TokenKind::Concat => "'||'",
            TokenKind::Eq => "'='",
            TokenKind::Neq => "'<>'",
            TokenKind::Lt => "'<'",
            TokenKind::Lte => "'<='",
            TokenKind::Gt => "'>'",
            TokenKind::Gte => "'>='",
            TokenKind::Assign => "':='",
            TokenKind::Arrow => "'->'",
            TokenKind::Lambda => "'=>'",
            TokenKind::Eof => "<EOF>",
        }
    }
}

/// One token: its kind, its value (see [`TokenKind`]) and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub value: String,
    pub span: Span,
}

impl Token {
    /// The token's text exactly as written in `source` (the text it was lexed from).
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.span.start..self.span.end).unwrap_or("")
    }

    /// The keyword this token is, if it is an unquoted keyword.
    pub fn keyword(&self) -> Option<Keyword> {
        match self.kind {
            TokenKind::Word(k) => k,
            _ => None,
        }
    }
}

macro_rules! keywords {
    ($( $variant:ident = $text:literal $reserved:ident ),* $(,)?) => {
        /// A keyword of the dialect. Reserved keywords can be identifiers only when quoted;
        /// non-reserved ones (ksqlDB's `nonReserved` rule) are identifiers wherever a keyword
        /// does not fit.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Keyword { $($variant),* }

        impl Keyword {
            /// Every keyword, in alphabetical order.
            pub const ALL: &'static [Keyword] = &[$(Keyword::$variant),*];

            /// The keyword spelled by an upper-cased word.
            pub fn lookup(upper: &str) -> Option<Keyword> {
                match upper {
                    $($text => Some(Keyword::$variant),)*
                    _ => None,
                }
            }

            /// The keyword's canonical (upper-case) spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Keyword::$variant => $text),* }
            }

            /// The spelling in single quotes, as error messages list it.
            pub fn quoted(self) -> &'static str {
                match self { $(Keyword::$variant => concat!("'", $text, "'")),* }
            }

            /// Whether the word can only be used as an identifier when quoted.
            pub fn is_reserved(self) -> bool {
                match self { $(Keyword::$variant => keywords!(@flag $reserved)),* }
            }
        }
    };
    (@flag R) => { true };
    (@flag N) => { false };
}

keywords! {
    Add = "ADD" N, Advance = "ADVANCE" R, All = "ALL" R, Alter = "ALTER" N, Analyze = "ANALYZE" N,
    And = "AND" R, Array = "ARRAY" N, As = "AS" R, Assert = "ASSERT" N, At = "AT" R,
    Beginning = "BEGINNING" R, Between = "BETWEEN" R, By = "BY" R, Case = "CASE" R, Cast = "CAST" R,
    Catalog = "CATALOG" R, Changes = "CHANGES" N, Column = "COLUMN" N, Columns = "COLUMNS" N,
    Connector = "CONNECTOR" R, Connectors = "CONNECTORS" R, Create = "CREATE" R, Date = "DATE" N,
    Day = "DAY" N, Days = "DAYS" R, Decimal = "DECIMAL" R, Define = "DEFINE" N, Delete = "DELETE" R,
    Describe = "DESCRIBE" R, Distinct = "DISTINCT" R, Drop = "DROP" R, Else = "ELSE" R, Emit = "EMIT" N,
    End = "END" R, Escape = "ESCAPE" N, Exists = "EXISTS" R, Explain = "EXPLAIN" N, Export = "EXPORT" R,
    Extended = "EXTENDED" R, False = "FALSE" R, Final = "FINAL" N, From = "FROM" R, Full = "FULL" R,
    Function = "FUNCTION" N, Functions = "FUNCTIONS" N, Grace = "GRACE" N, Group = "GROUP" R,
    Having = "HAVING" R, Header = "HEADER" N, Headers = "HEADERS" N, Hopping = "HOPPING" R,
    Hour = "HOUR" N, Hours = "HOURS" R, Id = "ID" N, If = "IF" N, In = "IN" R, Inner = "INNER" R,
    Insert = "INSERT" R, Integer = "INTEGER" N, Interval = "INTERVAL" N, Into = "INTO" R, Is = "IS" R,
    Join = "JOIN" R, Key = "KEY" N, Left = "LEFT" R, Like = "LIKE" R, Limit = "LIMIT" R, List = "LIST" R,
    Load = "LOAD" R, Map = "MAP" N, Materialized = "MATERIALIZED" R, Millisecond = "MILLISECOND" R,
    Milliseconds = "MILLISECONDS" R, Minute = "MINUTE" N, Minutes = "MINUTES" R, Month = "MONTH" N,
    Months = "MONTHS" R, Namespace = "NAMESPACE" R, Not = "NOT" R, Null = "NULL" R, On = "ON" R,
    Or = "OR" R, Outer = "OUTER" R, Partition = "PARTITION" N, Partitions = "PARTITIONS" N,
    Pause = "PAUSE" N, Period = "PERIOD" N, Plugins = "PLUGINS" N, Primary = "PRIMARY" N,
    Print = "PRINT" R, Properties = "PROPERTIES" R, Queries = "QUERIES" R, Query = "QUERY" R,
    Rename = "RENAME" R, Replace = "REPLACE" N, Reset = "RESET" N, Resume = "RESUME" N,
    Retention = "RETENTION" R, Right = "RIGHT" R, Run = "RUN" R, Sample = "SAMPLE" R, Schema = "SCHEMA" N,
    Script = "SCRIPT" R, Second = "SECOND" N, Seconds = "SECONDS" R, Select = "SELECT" R,
    Session = "SESSION" N, Set = "SET" N, Show = "SHOW" N, Sink = "SINK" N, Size = "SIZE" R,
    Source = "SOURCE" N, Stream = "STREAM" R, Streams = "STREAMS" R, String = "STRING" N,
    Struct = "STRUCT" N, Subject = "SUBJECT" N, System = "SYSTEM" N, Table = "TABLE" R,
    Tables = "TABLES" N, Terminate = "TERMINATE" R, Then = "THEN" R, Time = "TIME" N,
    Timeout = "TIMEOUT" N, Timestamp = "TIMESTAMP" N, To = "TO" R, Topic = "TOPIC" R, Topics = "TOPICS" R,
    True = "TRUE" R, Tumbling = "TUMBLING" R, Type = "TYPE" N, Types = "TYPES" N, Undefine = "UNDEFINE" N,
    Unset = "UNSET" R, Values = "VALUES" R, Variables = "VARIABLES" N, View = "VIEW" R, When = "WHEN" R,
    Where = "WHERE" R, Window = "WINDOW" R, With = "WITH" R, Within = "WITHIN" R, Year = "YEAR" N,
    Years = "YEARS" R, Zone = "ZONE" N,
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table_round_trips_and_is_sorted() {
        for pair in Keyword::ALL.windows(2) {
            assert!(pair[0].as_str() < pair[1].as_str(), "{:?}", pair);
        }
        for k in Keyword::ALL {
            assert_eq!(Keyword::lookup(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn reserved_words_follow_the_grammar() {
        assert!(Keyword::Select.is_reserved());
        assert!(Keyword::From.is_reserved());
        assert!(!Keyword::Time.is_reserved());
        assert!(!Keyword::Timestamp.is_reserved());
        assert!(!Keyword::Grace.is_reserved());
        assert!(!Keyword::Key.is_reserved());
        assert!(Keyword::Topic.is_reserved());
    }
}
