//! The engine: runs scripts of statements against the catalog and the log, records the ones that
//! change the catalog in the command log, and replays that log at start.

use std::{collections::BTreeMap, sync::Arc};

use rivulet_log::{Log, LogError, TopicSpec};
use rivulet_sql::{
    parse_statement, split_statements, substitute, CreateSource, DescribeTarget, DropSource,
    ShowTarget, Statement,
};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::with_properties::WithProperties;
use crate::{
    catalog::{check_formats, Catalog, FormatSpec, Source, SourceKind},
    column_definition,
    command_log::{Command, CommandLog},
    entity::{self, Entity},
    error::{EngineError, QUERY_ENDPOINT},
    persistent_query::{push_running_query, PersistentQuery},
    processing_log::{self, ProcessingLog},
    query::{
        push::{self, PushRegistry},
        PushQuery, QueryStream, StartFrom,
    },
    session::Session,
};

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// ksqlDB's `ksql.service.id`.
    pub service_id: String,
    /// This server's `host:port`, as EXPLAIN's `ksqlHostQueryStatus` names it.
    pub host: String,
    /// `ksql.insert.into.values.enabled` (default true).
    pub insert_values_enabled: bool,
    /// Where stateful queries keep their checkpoints (see [`crate::checkpoint`]); `None` keeps
    /// no checkpoints (state is rebuilt from the sources at start).
    pub state_dir: Option<std::path::PathBuf>,
    /// How often stateful queries checkpoint their state (ksqlDB's commit interval).
    pub checkpoint_interval: std::time::Duration,
    /// Idle-partition timeout of aggregate queries, in event time (default 30 s; `None`
    /// disables it): once a query's input advanced this much past a shuffle partition's last
    /// input, that partition's stream time follows, so keys that went silent do not hold their
    /// windows open forever. A query overrides it with the property
    /// [`IDLE_TIMEOUT_PROPERTY`] (ms; negative disables).
    pub watermark_idle_timeout: Option<std::time::Duration>,
}

/// The query property overriding [`EngineConfig::watermark_idle_timeout`] (milliseconds).
pub const IDLE_TIMEOUT_PROPERTY: &str = "rivulet.watermark.idle.timeout.ms";

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            service_id: "default_".into(),
            host: "localhost:8088".into(),
            insert_values_enabled: true,
            state_dir: None,
            checkpoint_interval: std::time::Duration::from_secs(1),
            watermark_idle_timeout: Some(std::time::Duration::from_secs(30)),
        }
    }
}

impl EngineConfig {
    /// The internal topic holding the command log.
    pub fn command_topic(&self) -> String {
        format!(
            "_rivulet-{}_command_topic",
            self.service_id.trim_end_matches('_')
        )
    }
}

/// A script that failed part-way: the error, the failing statement, and the entities of the
/// statements before it (which stay executed).
#[derive(Debug, Clone)]
pub struct ScriptFailure {
    pub error: EngineError,
    pub statement_text: String,
    pub entities: Vec<Entity>,
}

/// Status of one command, for `/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandStatus {
    pub status: String,
    pub message: String,
    pub query_id: Option<String>,
}

pub(crate) struct State {
    pub(crate) catalog: Catalog,
    pub(crate) statuses: BTreeMap<String, CommandStatus>,
    /// Persistent queries by id.
    pub(crate) queries: BTreeMap<String, PersistentQuery>,
}

/// What persistent queries' output guarantees on `log`: `exactly-once` where it keeps producer
/// tags (the embedded log), `at-least-once` with deterministic replay elsewhere (Kafka).
pub fn delivery_guarantee(log: &dyn Log) -> &'static str {
    if log.keeps_producer_tags() {
        "exactly-once"
    } else {
        "at-least-once"
    }
}

/// Properties SHOW PROPERTIES lists, with their defaults.
const DEFAULT_PROPERTIES: [(&str, &str); 4] = [
    ("ksql.streams.auto.offset.reset", "latest"),
    ("ksql.service.id", "default_"),
    ("ksql.persistence.default.format.key", "KAFKA"),
    ("ksql.persistence.wrap.single.values", "true"),
];

/// WITH properties CREATE STREAM/TABLE accepts.
const CREATE_PROPERTIES: [&str; 12] = [
    "KAFKA_TOPIC",
    "KEY_FORMAT",
    "VALUE_FORMAT",
    "FORMAT",
    "PARTITIONS",
    "REPLICAS",
    "RETENTION_MS",
    "TIMESTAMP",
    "TIMESTAMP_FORMAT",
    "WRAP_SINGLE_VALUE",
    "VALUE_DELIMITER",
    "KEY_DELIMITER",
];

/// The engine of one server.
pub struct Engine {
    pub(crate) log: Arc<dyn Log>,
    config: EngineConfig,
    commands: CommandLog,
    state: Mutex<State>,
    pub(crate) push: PushRegistry,
    shared: crate::query::SharedPushQueries,
    pub(crate) processing_log: ProcessingLog,
    /// Declared sources by topic (see `row_writer::TopicIndex`).
    pub(crate) topics: crate::row_writer::TopicIndex,
    /// Materialized tables pull queries read, by table name.
    pub(crate) tables: crate::table_store::TableStores,
    /// The readers materializing `CREATE SOURCE TABLE`s, by table name.
    source_readers:
        std::sync::Mutex<std::collections::HashMap<String, tokio::task::JoinHandle<()>>>,
}

impl Engine {
    /// Opens the command log and replays it into the catalog.
    pub async fn open(log: Arc<dyn Log>, config: EngineConfig) -> Result<Arc<Engine>, EngineError> {
        let (commands, recorded) = CommandLog::open(log.clone(), &config.command_topic()).await?;
        let processing_topic = processing_log::topic_name(&config.service_id);
        let processing_log = ProcessingLog::start(log.clone(), &processing_topic).await?;
        let engine = Engine {
            log,
            config,
            commands,
            state: Mutex::new(State {
                catalog: Catalog::default(),
                statuses: BTreeMap::new(),
                queries: BTreeMap::new(),
            }),
            push: PushRegistry::default(),
            shared: crate::query::SharedPushQueries::default(),
            processing_log,
            topics: Default::default(),
            tables: Default::default(),
            source_readers: Default::default(),
        };
        {
            let mut state = engine.state.lock().await;
            for c in &recorded {
                let replayed = match parse_statement(&c.command.statement) {
                    Ok(statement) => {
                        engine
                            .replay(&mut state, &statement, &c.command, c.sequence)
                            .await
                    }
                    Err(e) => Err(e.into()),
                };
                if let Err(e) = replayed {
                    tracing::warn!(sequence = c.sequence, statement = %c.command.statement, error = %e, "command could not be replayed");
                }
            }
            engine
                .declare_processing_log(&mut state, &processing_topic)
                .await;
            let mut queries = std::mem::take(&mut state.queries);
            for query in queries.values_mut() {
                engine.start_query(&state, query).await;
            }
            state.queries = queries;
            engine.topics.rebuild(&state.catalog);
            if !recorded.is_empty() {
                tracing::info!(
                    commands = recorded.len(),
                    "catalog restored from the command log"
                );
            }
        }
        Ok(Arc::new(engine))
    }

    /// Declares the `KSQL_PROCESSING_LOG` stream over its topic unless a source of that name
    /// exists (a user may drop and redeclare it). Not recorded in the command log: every start
    /// declares it again.
    async fn declare_processing_log(&self, state: &mut State, topic: &str) {
        if state.catalog.get(processing_log::STREAM_NAME).is_some() {
            return;
        }
        let text = processing_log::create_statement(topic);
        let declared = match parse_statement(&text) {
            Ok(Statement::CreateSource(create)) => self
                .create_source(state, &create, &text, &Session::default(), true)
                .await
                .map(|_| ()),
            Ok(_) => Err(EngineError::server(
                "the processing-log statement is not a CREATE",
            )),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = declared {
            tracing::error!(error = %e, "could not declare the processing-log stream");
        }
    }

    /// The processing log queries report failed records to.
    pub fn processing_log(&self) -> &ProcessingLog {
        &self.processing_log
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// A copy of the catalog.
    pub async fn catalog(&self) -> Catalog {
        self.state.lock().await.catalog.clone()
    }

    /// Status of one command by id.
    pub async fn command_status(&self, id: &str) -> Option<CommandStatus> {
        self.state.lock().await.statuses.get(id).cloned()
    }

    /// Every command's status by id.
    pub async fn command_statuses(&self) -> BTreeMap<String, CommandStatus> {
        self.state.lock().await.statuses.clone()
    }

    /// Starts what `/query` and `/query-stream` run, given as SQL text (one statement, `;`
    /// optional): PRINT, or a push query (see [`Engine::push_query`]).
    pub async fn query(&self, sql: &str, session: &Session) -> Result<QueryStream, EngineError> {
        let text = substitute(sql, &session.variables)?;
        match parse_statement(&text)? {
            Statement::Print(print) => {
                return crate::query::print::start(self.log.clone(), &print)
                    .await
                    .map(QueryStream::Print)
            }
            Statement::Query(query) if query.emit.is_none() => {
                return self.pull_query(&query).await.map(QueryStream::Pull)
            }
            _ => {}
        }
        self.push_query(sql, session).await.map(QueryStream::Push)
    }

    /// Answers a pull query (a SELECT without EMIT) from the table's materialized rows.
    pub async fn pull_query(
        &self,
        query: &rivulet_sql::Query,
    ) -> Result<crate::query::PullQuery, EngineError> {
        let name = query.from.source.name.as_str();
        let source = self
            .state
            .lock()
            .await
            .catalog
            .get(name)
            .cloned()
            .ok_or_else(|| EngineError::statement(format!("{name} does not exist.")))?;
        let store = self.tables.get(&source.name);
        crate::query::pull::run(query, &source, store.as_ref())
    }

    /// The materialized rows of `table` as a pull query sees them (columns of
    /// [`crate::query::pull::pull_schema`], window bounds included), optionally only those whose
    /// key (a single key column, compared as text) is `key`, at most `limit` of them.
    pub async fn table_rows(
        &self,
        table: &str,
        key: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(Source, Vec<Vec<rivulet_core::Value>>), EngineError> {
        let source = self
            .state
            .lock()
            .await
            .catalog
            .get(table)
            .cloned()
            .ok_or_else(|| EngineError::new(40400, format!("Table {table} does not exist.")))?;
        if source.kind != SourceKind::Table {
            return Err(EngineError::statement(format!("{table} is not a table.")));
        }
        let Some(store) = self.tables.get(&source.name) else {
            return Err(EngineError::statement(format!(
                "Table '{table}' is not materialized: only tables created AS SELECT and CREATE SOURCE TABLEs are."
            )));
        };
        let schema = crate::query::pull::pull_schema(&source);
        let keys: Vec<usize> = schema
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.kind == rivulet_core::ColumnKind::Key
                    && c.name != "WINDOWSTART"
                    && c.name != "WINDOWEND"
            })
            .map(|(i, _)| i)
            .collect();
        let key_index = match (key, keys.as_slice()) {
            (None, _) => None,
            (Some(_), [one]) => Some(*one),
            (Some(_), _) => {
                return Err(EngineError::statement(format!(
                    "?key= needs a table with exactly one key column; {table} has {}.",
                    keys.len()
                )))
            }
        };
        let limit = limit.unwrap_or(usize::MAX);
        let rows = crate::query::pull::scan_rows(&source, &store)
            .into_iter()
            .map(|mut row| row.split_off(3))
            .filter(|row| match (key, key_index) {
                (Some(k), Some(i)) => row.get(i).is_some_and(|v| key_text(v) == k),
                _ => true,
            })
            .take(limit)
            .collect();
        Ok((source, rows))
    }

    /// Starts a push query (`SELECT … EMIT CHANGES`) given as SQL text (one statement, `;`
    /// optional), reading from `auto.offset.reset` of the session (latest by default).
    pub async fn push_query(&self, sql: &str, session: &Session) -> Result<PushQuery, EngineError> {
        let text = substitute(sql, &session.variables)?;
        let statement = parse_statement(&text)?;
        let query = match statement {
            Statement::Query(q) => q,
            Statement::Print(_) => {
                return Err(EngineError::statement(
                    "PRINT runs on /query and /query-stream only",
                ))
            }
            _ => {
                return Err(EngineError::statement(
                    "The statement is not a query: use /ksql for statements other than SELECT and PRINT",
                ))
            }
        };
        match query.emit {
            // EMIT FINAL: the planner accepts it on windowed aggregations only.
            Some(rivulet_sql::Emit::Changes | rivulet_sql::Emit::Final) => {}
            None => return Err(EngineError::statement(
                "A pull query (no EMIT) answers on /query and /query-stream; add EMIT CHANGES for a push query",
            )),
        }
        let catalog = self.state.lock().await.catalog.clone();
        let plan = rivulet_sql::planner::plan_query(&query, &catalog)
            .map_err(|e| EngineError::statement(e.message))?;
        let source = catalog
            .get(&plan.source)
            .cloned()
            .ok_or_else(|| EngineError::statement(format!("{} does not exist.", plan.source)))?;
        let from = StartFrom::from_property(session.property("auto.offset.reset"));
        push::start(
            self.log.clone(),
            self.processing_log.clone(),
            self.push.clone(),
            &source,
            plan,
            text.trim(),
            from,
        )
        .await
    }

    /// Subscribes to a push query from `latest` that clients asking the same SQL text share
    /// (one running query, rows broadcast); used by the dashboard feeds.
    pub async fn subscribe_push(
        &self,
        sql: &str,
    ) -> Result<crate::query::Subscription, EngineError> {
        let session = Session::default();
        self.shared
            .subscribe(sql.trim(), || self.push_query(sql, &session))
            .await
    }

    /// Stops a running push query; false when there is none with this id.
    pub fn close_query(&self, id: &str) -> bool {
        self.push.close(id)
    }

    /// Ids of the running push queries.
    pub fn push_query_ids(&self) -> Vec<String> {
        self.push.ids()
    }

    /// Ids of the persistent queries.
    pub async fn persistent_query_ids(&self) -> Vec<String> {
        self.state.lock().await.queries.keys().cloned().collect()
    }

    /// The counters of each running persistent query, by id (read by `/metrics` at scrape time).
    pub async fn persistent_query_stats(
        &self,
    ) -> Vec<(String, Arc<crate::query::persistent::QueryStats>)> {
        let state = self.state.lock().await;
        state
            .queries
            .iter()
            .filter_map(|(id, q)| Some((id.clone(), q.running.as_ref()?.stats.clone())))
            .collect()
    }

    /// Stops every persistent query's tasks (they stay registered in the command log and start
    /// again at the next open). Call before dropping the engine to release the log.
    pub async fn shutdown(&self) {
        let mut state = self.state.lock().await;
        for query in state.queries.values_mut() {
            if let Some(running) = query.running.take() {
                running.stop().await;
            }
        }
        let readers: Vec<_> = self
            .source_readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .collect();
        for (_, handle) in readers {
            handle.abort();
        }
    }

    /// Runs a `/ksql` script statement by statement; SET/DEFINE affect the statements after them.
    pub async fn execute_script(
        &self,
        sql: &str,
        session: &mut Session,
    ) -> Result<Vec<Entity>, ScriptFailure> {
        let mut entities = Vec::new();
        let sources = split_statements(sql).map_err(|e| ScriptFailure {
            error: e.into(),
            statement_text: sql.trim().to_string(),
            entities: Vec::new(),
        })?;
        for source in sources {
            let located = |e: rivulet_sql::SqlError| e.relocated(source.line, source.column);
            let run = async {
                let text = substitute(&source.text, &session.variables).map_err(located)?;
                let statement = parse_statement(&text).map_err(located)?;
                self.execute(&statement, &text, session).await
            };
            match run.await {
                Ok(Some(entity)) => entities.push(entity),
                Ok(None) => {}
                Err(error) => {
                    return Err(ScriptFailure {
                        error,
                        statement_text: source.text.clone(),
                        entities,
                    })
                }
            }
        }
        Ok(entities)
    }

    /// Runs one parsed statement; `text` is its statement text as run.
    pub async fn execute(
        &self,
        statement: &Statement,
        text: &str,
        session: &mut Session,
    ) -> Result<Option<Entity>, EngineError> {
        let result = self.execute_statement(statement, text, session).await;
        if crate::row_writer::changes_catalog(statement) {
            self.topics.rebuild(&self.state.lock().await.catalog);
        }
        result
    }

    async fn execute_statement(
        &self,
        statement: &Statement,
        text: &str,
        session: &mut Session,
    ) -> Result<Option<Entity>, EngineError> {
        match statement {
            Statement::CreateSource(create) => {
                let mut state = self.state.lock().await;
                self.create_source(&mut state, create, text, session, false)
                    .await
                    .map(Some)
            }
            Statement::DropSource(drop) => {
                let mut state = self.state.lock().await;
                self.drop_source(&mut state, drop, text, false).await.map(Some)
            }
            Statement::CreateAsSelect(csas) => {
                let mut state = self.state.lock().await;
                self.create_as_select(&mut state, csas, text, session, None)
                    .await
                    .map(Some)
            }
            Statement::InsertInto(insert) => {
                let mut state = self.state.lock().await;
                self.insert_into(&mut state, insert, text, session, None)
                    .await
                    .map(Some)
            }
            Statement::Terminate(target) => {
                let mut state = self.state.lock().await;
                self.terminate(&mut state, target, text, false)
                    .await
                    .map(Some)
            }
            Statement::InsertValues(insert) => crate::insert_values::execute(self, insert, session)
                .await
                .map(|()| None),
            Statement::Show(target) => self.show(target, text, session).await.map(Some),
            Statement::Describe(target) => self.describe(target, text).await.map(Some),
            Statement::SetProperty { name, value } => {
                session.properties.insert(name.clone(), value.clone());
                Ok(None)
            }
            Statement::UnsetProperty { name } => {
                session.properties.remove(name);
                Ok(None)
            }
            Statement::DefineVariable { name, value } => {
                session.variables.define(name, value);
                Ok(None)
            }
            Statement::UndefineVariable { name } => {
                if session.variables.undefine(name) {
                    Ok(None)
                } else {
                    Ok(Some(entity::warning(
                        text,
                        &format!("Cannot undefine variable '{name}' which was never defined"),
                    )))
                }
            }
            Statement::Explain(rivulet_sql::Explain::Statement(inner)) => match inner.as_ref() {
                Statement::Query(query) => {
                    let catalog = self.state.lock().await.catalog.clone();
                    let plan = rivulet_sql::planner::plan_query(query, &catalog)
                        .map_err(|e| EngineError::statement(e.message))?;
                    Ok(Some(entity::explain(text, &plan)))
                }
                _ => Err(EngineError::statement(
                    "Rivulet explains queries (SELECT …) only so far",
                )),
            },
            Statement::Explain(rivulet_sql::Explain::QueryId(id)) => {
                let state = self.state.lock().await;
                self.explain_query(&state, id.as_str(), text).map(Some)
            }
            Statement::Query(_) | Statement::Print(_) => Err(EngineError::new(
                QUERY_ENDPOINT,
                "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT",
            )),
            other => Err(EngineError::statement(format!(
                "Rivulet does not run this kind of statement yet: {}",
                first_words(&other.to_string())
            ))),
        }
    }

    /// Replays a recorded command: the catalog change only, no topic changes, no new record.
    async fn replay(
        &self,
        state: &mut State,
        statement: &Statement,
        command: &Command,
        sequence: i64,
    ) -> Result<(), EngineError> {
        let session = Session {
            properties: command.properties.clone(),
            ..Session::default()
        };
        match statement {
            Statement::CreateSource(create) => {
                self.create_source(state, create, &command.statement, &session, true)
                    .await?;
            }
            Statement::DropSource(drop) => {
                self.drop_source(state, drop, &command.statement, true)
                    .await?;
            }
            Statement::CreateAsSelect(csas) => {
                self.create_as_select(state, csas, &command.statement, &session, Some(sequence))
                    .await?;
            }
            Statement::InsertInto(insert) => {
                self.insert_into(state, insert, &command.statement, &session, Some(sequence))
                    .await?;
            }
            Statement::Terminate(target) => {
                self.terminate(state, target, &command.statement, true)
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) async fn record(
        &self,
        state: &mut State,
        id: &str,
        text: &str,
        session: &Session,
        message: &str,
        replaying: bool,
    ) -> Result<i64, EngineError> {
        let sequence = if replaying {
            -1
        } else {
            self.commands
                .append(&Command {
                    id: id.to_string(),
                    statement: text.to_string(),
                    properties: session.properties.clone(),
                })
                .await?
        };
        state.statuses.insert(
            id.to_string(),
            CommandStatus {
                status: "SUCCESS".into(),
                message: message.into(),
                query_id: None,
            },
        );
        Ok(sequence)
    }

    async fn create_source(
        &self,
        state: &mut State,
        create: &CreateSource,
        text: &str,
        session: &Session,
        replaying: bool,
    ) -> Result<Entity, EngineError> {
        let kind = SourceKind::from(create.kind);
        let name = create.name.as_str().to_string();
        let mut warnings = Vec::new();
        if let Some(existing) = state.catalog.get(&name) {
            if create.if_not_exists {
                warnings.push(format!(
                    "A {} with the same name already exists.",
                    existing.kind.lower()
                ));
                let id = format!("{}/{}/create", kind.lower(), create.name.quoted());
                return Ok(entity::current_status(
                    text,
                    &id,
                    &format!("{} created", kind.title()),
                    None,
                    -1,
                    &warnings,
                ));
            }
            if !create.or_replace {
                return Err(EngineError::statement(format!(
                    "Cannot add {} '{name}': A {} with the same name already exists",
                    kind.lower(),
                    existing.kind.lower()
                )));
            }
        }
        let source = self.declare(kind, create, text, session, replaying).await?;
        let id = format!("{}/{}/create", kind.lower(), create.name.quoted());
        let message = format!("{} created", kind.title());
        let sequence = self
            .record(state, &id, text, session, &message, replaying)
            .await?;
        if source.kind == SourceKind::Table && source.is_source {
            self.materialize_source_table(&source).await;
        }
        state.catalog.insert(source);
        Ok(entity::current_status(
            text, &id, &message, None, sequence, &warnings,
        ))
    }

    /// Starts the reader keeping a `CREATE SOURCE TABLE`'s latest rows for pull queries.
    async fn materialize_source_table(&self, source: &Source) {
        let store = crate::source_table::store_for(source);
        match crate::source_table::start(self.log.clone(), source, store.clone()).await {
            Ok(handle) => {
                self.stop_source_reader(&source.name);
                self.tables.insert(&source.name, store);
                self.source_readers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(source.name.clone(), handle);
            }
            Err(e) => {
                tracing::error!(table = %source.name, error = %e, "source table not materialized")
            }
        }
    }

    fn stop_source_reader(&self, name: &str) {
        let handle = self
            .source_readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
        if let Some(handle) = handle {
            handle.abort();
        }
    }

    /// Validates a CREATE STREAM/TABLE and builds its source, creating the topic when asked.
    async fn declare(
        &self,
        kind: SourceKind,
        create: &CreateSource,
        text: &str,
        session: &Session,
        replaying: bool,
    ) -> Result<Source, EngineError> {
        let props = &create.properties;
        let with = WithProperties(props);
        with.check_known(&CREATE_PROPERTIES, "WITH clause")?;
        let string_prop = |key: &str| with.string(key);
        let int_prop = |key: &str| with.int(key);
        let topic = string_prop("KAFKA_TOPIC")?.ok_or_else(|| {
            EngineError::statement(
                "Missing required property \"KAFKA_TOPIC\" which has no default value.",
            )
        })?;
        let format = string_prop("FORMAT")?;
        let key_format = string_prop("KEY_FORMAT")?;
        let value_format = string_prop("VALUE_FORMAT")?;
        if format.is_some() && (key_format.is_some() || value_format.is_some()) {
            return Err(EngineError::statement(
                "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.",
            ));
        }
        let value_format = value_format.or_else(|| format.clone()).ok_or_else(|| {
            EngineError::statement(
                "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
            )
        })?;
        let key_format = key_format
            .or(format)
            .or_else(|| {
                session
                    .property("ksql.persistence.default.format.key")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "KAFKA".into());
        let mut key_format = FormatSpec::named(&key_format);
        let mut value_format = FormatSpec::named(&value_format);
        key_format.delimiter = string_prop("KEY_DELIMITER")?;
        value_format.delimiter = string_prop("VALUE_DELIMITER")?;
        let schema = column_definition::schema(kind, &create.elements)?;
        check_formats(
            &key_format,
            &value_format,
            &schema,
            with.bool("WRAP_SINGLE_VALUE")?,
        )?;
        let timestamp_column = match string_prop("TIMESTAMP")? {
            None => None,
            Some(t) => {
                let name = t.to_ascii_uppercase();
                let column = schema
                    .column(&t)
                    .or_else(|| schema.column(&name))
                    .ok_or_else(|| {
                        EngineError::statement(format!(
                            "The TIMESTAMP column set in the WITH clause does not exist in the schema: '{name}'"
                        ))
                    })?;
                let format = props.get("TIMESTAMP_FORMAT").is_some();
                let ok = match column.data_type {
                    rivulet_core::DataType::Bigint | rivulet_core::DataType::Timestamp => !format,
                    rivulet_core::DataType::String => format,
                    _ => false,
                };
                if !ok {
                    return Err(EngineError::statement(format!(
                        "Timestamp column, `{}`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.",
                        column.name
                    )));
                }
                Some(column.name.clone())
            }
        };
        if let Some(pattern) = string_prop("TIMESTAMP_FORMAT")? {
            rivulet_expr::functions::datetime::check_timestamp_pattern(&pattern).map_err(|e| {
                EngineError::statement(format!("Invalid TIMESTAMP_FORMAT '{pattern}': {e}"))
            })?;
        }
        let wrap_single_value = with.bool("WRAP_SINGLE_VALUE")?;
        if !replaying {
            self.ensure_topic(
                kind,
                create,
                &topic,
                int_prop("PARTITIONS")?,
                int_prop("REPLICAS")?,
                int_prop("RETENTION_MS")?,
            )
            .await?;
        }
        Ok(Source {
            name: create.name.as_str().to_string(),
            kind,
            topic,
            schema,
            key_format,
            value_format,
            timestamp_column,
            timestamp_format: string_prop("TIMESTAMP_FORMAT")?,
            wrap_single_value,
            is_source: create.is_source,
            window: None,
            statement: text.to_string(),
        })
    }

    async fn ensure_topic(
        &self,
        kind: SourceKind,
        create: &CreateSource,
        topic: &str,
        partitions: Option<i64>,
        replicas: Option<i64>,
        retention_ms: Option<i64>,
    ) -> Result<(), EngineError> {
        match self.log.describe_topic(topic).await {
            Ok(d) => {
                if let Some(p) = partitions {
                    if p != d.partitions.len() as i64 {
                        return Err(EngineError::statement(format!(
                            "A Kafka topic with the name '{topic}' already exists, with different partition/replica configuration than required. KSQL expects {p} partitions (topic has {}).",
                            d.partitions.len()
                        )));
                    }
                }
                Ok(())
            }
            Err(LogError::UnknownTopic(_)) => {
                let Some(partitions) = partitions else {
                    return Err(EngineError::statement(format!(
                        "Topic '{topic}' does not exist. If you want to create a new topic for the {kind} please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: CREATE {upper} {name} ({cols}) WITH (KAFKA_TOPIC='{topic}', PARTITIONS=2, REPLICAS=1, FORMAT='JSON');",
                        kind = kind.lower(),
                        upper = kind.upper(),
                        name = create.name.as_str(),
                        cols = if kind == SourceKind::Table { "ID INT PRIMARY KEY, VAL STRING" } else { "ID INT, VAL STRING" },
                    )));
                };
                let partitions = u32::try_from(partitions)
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| {
                        EngineError::statement("PARTITIONS must be a positive integer")
                    })?;
                let mut spec = TopicSpec::new(topic, partitions);
                spec.replication = replicas.and_then(|r| u16::try_from(r).ok()).unwrap_or(1);
                spec.retention_ms = retention_ms;
                self.log.create_topic(spec).await?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn drop_source(
        &self,
        state: &mut State,
        drop: &DropSource,
        text: &str,
        replaying: bool,
    ) -> Result<Entity, EngineError> {
        let kind = SourceKind::from(drop.kind);
        let name = drop.name.as_str().to_string();
        let id = format!("{}/{}/drop", kind.lower(), name);
        let Some(source) = state.catalog.get(&name).cloned() else {
            if drop.if_exists {
                return Ok(entity::current_status(
                    text,
                    &id,
                    &format!("Source {name} does not exist."),
                    None,
                    -1,
                    &[],
                ));
            }
            return Err(EngineError::statement(format!(
                "{} {name} does not exist.",
                kind.title()
            )));
        };
        if source.kind != kind {
            return Err(EngineError::statement(format!(
                "Incompatible data source type is {}, but statement was DROP {}",
                source.kind.upper(),
                kind.upper()
            )));
        }
        let readers: Vec<&str> = state
            .queries
            .values()
            .filter(|q| q.source == name)
            .map(|q| q.id.as_str())
            .collect();
        let writers: Vec<&str> = state
            .queries
            .values()
            .filter(|q| q.sink == name)
            .map(|q| q.id.as_str())
            .collect();
        if !readers.is_empty() || !writers.is_empty() {
            return Err(EngineError::statement(format!(
                "Cannot drop {name}.\nThe following queries read from this source: [{}].\nThe following queries write into this source: [{}].\nYou need to terminate them before dropping {name}.",
                readers.join(", "),
                writers.join(", ")
            )));
        }
        if drop.delete_topic && !replaying {
            match self.log.delete_topic(&source.topic).await {
                Ok(()) | Err(LogError::UnknownTopic(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let message = format!("Source {name} (topic: {}) was dropped.", source.topic);
        let sequence = self
            .record(state, &id, text, &Session::default(), &message, replaying)
            .await?;
        state.catalog.remove(&name);
        self.tables.remove(&name);
        self.stop_source_reader(&name);
        Ok(entity::current_status(
            text,
            &id,
            &message,
            None,
            sequence,
            &[],
        ))
    }

    async fn show(
        &self,
        target: &ShowTarget,
        text: &str,
        session: &Session,
    ) -> Result<Entity, EngineError> {
        match target {
            ShowTarget::Streams { extended: false } => {
                let state = self.state.lock().await;
                Ok(entity::source_list(
                    text,
                    SourceKind::Stream,
                    state.catalog.of_kind(SourceKind::Stream),
                ))
            }
            ShowTarget::Tables { extended: false } => {
                let state = self.state.lock().await;
                Ok(entity::source_list(
                    text,
                    SourceKind::Table,
                    state.catalog.of_kind(SourceKind::Table),
                ))
            }
            ShowTarget::Streams { extended: true } => {
                self.describe_all(SourceKind::Stream, text, true).await
            }
            ShowTarget::Tables { extended: true } => {
                self.describe_all(SourceKind::Table, text, true).await
            }
            ShowTarget::Queries { extended: false } => {
                let state = self.state.lock().await;
                let mut queries: Vec<Value> = state
                    .queries
                    .values()
                    .map(PersistentQuery::running_query)
                    .collect();
                queries.extend(
                    self.push
                        .running()
                        .iter()
                        .map(|(id, sql)| push_running_query(id, sql)),
                );
                Ok(
                    json!({"@type": "queries", "statementText": text, "queries": queries, "warnings": []}),
                )
            }
            ShowTarget::Queries { extended: true } => {
                Ok(self.query_descriptions(&*self.state.lock().await, text))
            }
            ShowTarget::Topics { all, extended } => {
                let mut topics = Vec::new();
                for name in self.log.list_topics().await? {
                    if name.starts_with('_') && !all {
                        continue;
                    }
                    let Ok(d) = self.log.describe_topic(&name).await else {
                        continue;
                    };
                    let replicas: Vec<u16> = d.partitions.iter().map(|_| d.replication).collect();
                    let mut t = json!({"name": name, "replicaInfo": replicas});
                    if *extended {
                        t["consumerCount"] = json!(0);
                        t["consumerGroupCount"] = json!(0);
                    }
                    topics.push(t);
                }
                let kind = if *extended {
                    "kafka_topics_extended"
                } else {
                    "kafka_topics"
                };
                Ok(json!({"@type": kind, "statementText": text, "topics": topics, "warnings": []}))
            }
            ShowTarget::Properties => {
                let mut properties = Vec::new();
                let mut overwritten = Vec::new();
                let mut defaults = Vec::new();
                for (name, default) in DEFAULT_PROPERTIES {
                    let value = session.property(name).map(str::to_string);
                    if value.is_some() {
                        overwritten.push(name);
                    } else {
                        defaults.push(name);
                    }
                    let level = if name.starts_with("ksql.streams.") {
                        "QUERY"
                    } else {
                        "SERVER"
                    };
                    properties.push(json!({"name": name, "scope": "KSQL",
                        "value": value.unwrap_or_else(|| default.to_string()),
                        "editable": level == "QUERY", "level": level}));
                }
                // Rivulet's own per-query property, with this engine's default.
                let idle = session.property(IDLE_TIMEOUT_PROPERTY).map(str::to_string);
                if idle.is_some() {
                    overwritten.push(IDLE_TIMEOUT_PROPERTY);
                } else {
                    defaults.push(IDLE_TIMEOUT_PROPERTY);
                }
                let idle_default = self
                    .config
                    .watermark_idle_timeout
                    .map_or_else(|| "-1".to_string(), |d| d.as_millis().to_string());
                properties.push(json!({"name": IDLE_TIMEOUT_PROPERTY, "scope": "KSQL",
                    "value": idle.unwrap_or(idle_default), "editable": true, "level": "QUERY"}));
                Ok(
                    json!({"@type": "properties", "statementText": text, "properties": properties,
                    "overwrittenProperties": overwritten, "defaultProperties": defaults, "warnings": []}),
                )
            }
            ShowTarget::Variables => {
                let variables: Vec<Value> = session
                    .variables
                    .iter()
                    .map(|(name, value)| json!({"name": name, "value": value}))
                    .collect();
                Ok(
                    json!({"@type": "variables", "statementText": text, "variables": variables, "warnings": []}),
                )
            }
            ShowTarget::Types => Ok(
                json!({"@type": "type_list", "statementText": text, "types": {}, "warnings": []}),
            ),
            ShowTarget::Functions => Ok(entity::function_names(text)),
            ShowTarget::Connectors(_) | ShowTarget::ConnectorPlugins => {
                Err(EngineError::statement(format!(
                    "Rivulet does not run this kind of statement yet: {}",
                    first_words(text)
                )))
            }
        }
    }

    async fn describe_all(
        &self,
        kind: SourceKind,
        text: &str,
        extended: bool,
    ) -> Result<Entity, EngineError> {
        let sources: Vec<Source> = self
            .state
            .lock()
            .await
            .catalog
            .of_kind(kind)
            .cloned()
            .collect();
        let mut descriptions = Vec::new();
        for s in &sources {
            descriptions.push(self.source_description(s, extended).await);
        }
        Ok(
            json!({"@type": "source_descriptions", "statementText": text, "sourceDescriptions": descriptions, "warnings": []}),
        )
    }

    async fn source_description(&self, s: &Source, extended: bool) -> Value {
        let (partitions, replication) = match self.log.describe_topic(&s.topic).await {
            Ok(d) => (d.partitions.len() as u32, d.replication),
            Err(_) => (0, 0),
        };
        let mut description = entity::source_description(s, extended, partitions, replication);
        let state = self.state.lock().await;
        let (reads, writes): (Vec<&PersistentQuery>, Vec<&PersistentQuery>) = (
            state
                .queries
                .values()
                .filter(|q| q.source == s.name)
                .collect(),
            state
                .queries
                .values()
                .filter(|q| q.sink == s.name)
                .collect(),
        );
        description["readQueries"] = reads.iter().map(|q| q.running_query()).collect();
        description["writeQueries"] = writes.iter().map(|q| q.running_query()).collect();
        if extended {
            // Rivulet's addition: what persistent queries' output guarantees on this log.
            description["deliveryGuarantee"] = json!(delivery_guarantee(self.log.as_ref()));
        }
        description
    }

    async fn describe(&self, target: &DescribeTarget, text: &str) -> Result<Entity, EngineError> {
        match target {
            DescribeTarget::Source { name, extended } => {
                let source = self.state.lock().await.catalog.get(name.as_str()).cloned();
                let Some(source) = source else {
                    return Err(EngineError::statement(format!(
                        "Could not find STREAM/TABLE '{}' in the Metastore",
                        name.as_str()
                    )));
                };
                let description = self.source_description(&source, *extended).await;
                Ok(json!({"@type": "sourceDescription", "statementText": text,
                    "sourceDescription": description, "warnings": []}))
            }
            DescribeTarget::Streams { extended } => {
                self.describe_all(SourceKind::Stream, text, *extended).await
            }
            DescribeTarget::Tables { extended } => {
                self.describe_all(SourceKind::Table, text, *extended).await
            }
            DescribeTarget::Function(name) => entity::describe_function(text, name.as_str())
                .ok_or_else(|| {
                    EngineError::statement(format!(
                        "Can't find any functions with the name '{}'",
                        name.as_str()
                    ))
                }),
            DescribeTarget::Connector(_) => Err(EngineError::statement(format!(
                "Rivulet does not run this kind of statement yet: {}",
                first_words(text)
            ))),
        }
    }
}

/// A key value as `?key=` text compares it: strings as they are, other values as displayed.
fn key_text(value: &rivulet_core::Value) -> String {
    match value {
        rivulet_core::Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// The first three words of a statement, to name it in an error.
fn first_words(text: &str) -> String {
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
