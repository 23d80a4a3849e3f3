//! The statements of persistent queries: `CREATE STREAM/TABLE … AS SELECT` (registers the sink,
//! creates its topic, starts the query; a table's rows are materialized for pull queries),
//! `INSERT INTO … SELECT` (starts a query writing into an existing stream), `TERMINATE`, and
//! the `RunningQuery` entries of `SHOW QUERIES`.
//!
//! It owns the validation of these statements (ksqlDB's WITH rules for CSAS, INSERT INTO's
//! schema rule) and the query registry's entries; the runner itself is
//! [`crate::query::persistent`] (stateless) or [`crate::query::aggregate_runner`] (GROUP BY;
//! TERMINATE also deletes its checkpoints and its internal repartition topic, and an aggregate
//! query's `rivulet.watermark.idle.timeout.ms` property overrides the engine's idle timeout).
//! Query ids carry the command's sequence number
//! (`CSAS_<SINK>_<n>`, `INSERTQUERY_<n>`), so a replay of the command log gives the same ids.

use std::collections::BTreeMap;

use rivulet_core::{ColumnKind, Schema};
use rivulet_log::{LogError, TopicSpec};
use rivulet_sql::{planner::QueryPlan, CreateAsSelect, InsertInto, Query, QueryTarget};
use serde_json::{json, Value};

use crate::with_properties::WithProperties;
use crate::{
    catalog::{check_formats, FormatSpec, Source, SourceKind},
    engine::{CommandStatus, Engine, State},
    entity::{self, Entity},
    error::EngineError,
    query::{persistent, persistent::RunningQuery, StartFrom},
    session::Session,
};

/// WITH properties CREATE STREAM AS SELECT accepts.
const CSAS_PROPERTIES: [&str; 10] = [
    "KAFKA_TOPIC",
    "KEY_FORMAT",
    "VALUE_FORMAT",
    "FORMAT",
    "PARTITIONS",
    "REPLICAS",
    "RETENTION_MS",
    "WRAP_SINGLE_VALUE",
    "VALUE_DELIMITER",
    "KEY_DELIMITER",
];

/// A persistent query the engine knows, running or about to be started.
pub(crate) struct PersistentQuery {
    pub id: String,
    pub statement: String,
    pub source: String,
    pub sink: String,
    pub sink_topic: String,
    pub plan: QueryPlan,
    pub start_from: StartFrom,
    /// The request properties the query was started with (EXPLAIN's `overriddenProperties`).
    pub properties: BTreeMap<String, String>,
    pub running: Option<RunningQuery>,
}

impl PersistentQuery {
    /// SHOW QUERIES' `RunningQuery` object.
    pub fn running_query(&self) -> Value {
        let state = self.running.as_ref().map_or("ERROR", RunningQuery::state);
        json!({
            "queryString": self.statement,
            "sinks": [self.sink],
            "sinkKafkaTopics": [self.sink_topic],
            "id": self.id,
            "statusCount": {state: 1},
            "queryType": "PERSISTENT",
            "state": state,
        })
    }

    /// EXPLAIN's `QueryDescription`; `source_topic` is the topic the query reads, `host` this
    /// server's `host:port`.
    pub fn description(&self, source_topic: &str, host: &str) -> Value {
        let state = self.running.as_ref().map_or("ERROR", RunningQuery::state);
        entity::query_description(&entity::QueryParts {
            id: &self.id,
            statement: &self.statement,
            plan: &self.plan,
            sink: &self.sink,
            source_topic,
            sink_topic: &self.sink_topic,
            properties: &self.properties,
            host,
            state,
            consumer_group: &persistent::consumer_group(&self.id),
        })
    }
}

/// A `RunningQuery` object for a transient push query.
pub(crate) fn push_running_query(id: &str, sql: &str) -> Value {
    json!({
        "queryString": sql,
        "sinks": [],
        "sinkKafkaTopics": [],
        "id": id,
        "statusCount": {"RUNNING": 1},
        "queryType": "PUSH",
        "state": "RUNNING",
    })
}

fn unsupported(what: &str) -> EngineError {
    EngineError::statement(format!("{what} is not supported by Rivulet yet"))
}

/// Plans the SELECT of a persistent query: over one source, no LIMIT.
fn plan(
    query: &Query,
    state: &State,
    statement_kind: &str,
) -> Result<(QueryPlan, Source), EngineError> {
    if query.limit.is_some() {
        return Err(EngineError::statement(format!(
            "{statement_kind} statements don't support LIMIT clause."
        )));
    }
    let plan = rivulet_sql::planner::plan_query(query, &state.catalog)
        .map_err(|e| EngineError::statement(e.message))?;
    let source = state
        .catalog
        .get(&plan.source)
        .cloned()
        .ok_or_else(|| EngineError::statement(format!("{} does not exist.", plan.source)))?;
    Ok((plan, source))
}

/// The sink's schema: the output columns, key columns staying keys, headers becoming values.
fn sink_schema(plan: &QueryPlan) -> Schema {
    let mut schema = plan.output_schema();
    for c in &mut schema.columns {
        if c.kind == ColumnKind::Header {
            c.kind = ColumnKind::Value;
            c.header_key = None;
        }
    }
    schema
}

fn start_from(session: &Session) -> StartFrom {
    StartFrom::from_property(session.property("auto.offset.reset"))
}

impl Engine {
    /// CREATE STREAM … AS SELECT. `sequence` is the recorded sequence number when replaying.
    pub(crate) async fn create_as_select(
        &self,
        state: &mut State,
        csas: &CreateAsSelect,
        text: &str,
        session: &Session,
        replayed: Option<i64>,
    ) -> Result<Entity, EngineError> {
        let kind = SourceKind::from(csas.kind);
        let name = csas.name.as_str().to_string();
        let id = format!("{}/{}/create", kind.lower(), csas.name.quoted());
        let created = format!("{} created", kind.title());
        if let Some(existing) = state.catalog.get(&name) {
            if csas.if_not_exists {
                let warning = format!(
                    "A {} with the same name already exists.",
                    existing.kind.lower()
                );
                return Ok(entity::current_status(
                    text,
                    &id,
                    &created,
                    None,
                    -1,
                    &[warning],
                ));
            }
            if csas.or_replace {
                return Err(unsupported("CREATE OR REPLACE of a persistent query"));
            }
            return Err(EngineError::statement(format!(
                "Cannot add stream '{name}': A {} with the same name already exists",
                existing.kind.lower()
            )));
        }
        let statement_kind = format!("CREATE {} AS SELECT", kind.upper());
        let (plan, source) = plan(&csas.query, state, &statement_kind)?;
        crate::aggregate_query::check_create_as(&plan, kind, &name, &source)?;
        let sink = self
            .declare_sink(csas, &plan, &source, text, replayed.is_some())
            .await?;
        let sequence = match replayed {
            Some(s) => s,
            None => {
                self.record(state, &id, text, session, &created, false)
                    .await?
            }
        };
        let prefix = if kind == SourceKind::Table {
            "CTAS"
        } else {
            "CSAS"
        };
        let query_id = format!("{prefix}_{}_{sequence}", name.to_ascii_uppercase());
        let query = PersistentQuery {
            id: query_id.clone(),
            statement: text.to_string(),
            source: source.name.clone(),
            sink: sink.name.clone(),
            sink_topic: sink.topic.clone(),
            plan,
            start_from: start_from(session),
            properties: session.properties.clone(),
            running: None,
        };
        state.catalog.insert(sink);
        self.register(state, query, &id, replayed.is_none()).await;
        let message = format!("Created query with ID {query_id}");
        Ok(entity::current_status(
            text,
            &id,
            &message,
            Some(&query_id),
            sequence,
            &[],
        ))
    }

    /// INSERT INTO stream SELECT …
    pub(crate) async fn insert_into(
        &self,
        state: &mut State,
        insert: &InsertInto,
        text: &str,
        session: &Session,
        replayed: Option<i64>,
    ) -> Result<Entity, EngineError> {
        if !insert.properties.0.is_empty() {
            return Err(unsupported("A WITH clause on INSERT INTO"));
        }
        let name = insert.target.as_str();
        let target = state
            .catalog
            .get(name)
            .cloned()
            .ok_or_else(|| EngineError::statement(format!("{name} does not exist.")))?;
        if target.kind != SourceKind::Stream {
            return Err(EngineError::statement(format!(
                "INSERT INTO can only be used to insert into a stream. {name} is a table."
            )));
        }
        if target.is_source {
            return Err(EngineError::statement(format!(
                "Cannot insert into read-only stream: {name}"
            )));
        }
        let (plan, source) = plan(&insert.query, state, "INSERT INTO")?;
        if source.kind == SourceKind::Table {
            return Err(EngineError::statement(format!(
                "Incompatible data sink and query result. Data sink ({name}) type is KSTREAM but select query result is KTABLE."
            )));
        }
        if plan.aggregate.is_some() {
            return Err(unsupported("INSERT INTO … SELECT with GROUP BY"));
        }
        if source.name == target.name {
            return Err(EngineError::statement(format!(
                "Cannot insert into {name} because it is also the source of the query."
            )));
        }
        let result = sink_schema(&plan);
        if !same_schema(&result, &target.schema) {
            return Err(EngineError::statement(format!(
                "Incompatible schema between results and sink.\nResult schema is {}\nSink schema is {}",
                describe_schema(&result),
                describe_schema(&target.schema)
            )));
        }
        let id = format!("stream/{}/create", insert.target.quoted());
        let sequence = match replayed {
            Some(s) => s,
            None => {
                self.record(state, &id, text, session, "Stream created", false)
                    .await?
            }
        };
        let query_id = format!("INSERTQUERY_{sequence}");
        let query = PersistentQuery {
            id: query_id.clone(),
            statement: text.to_string(),
            source: source.name.clone(),
            sink: target.name.clone(),
            sink_topic: target.topic.clone(),
            plan,
            start_from: start_from(session),
            properties: session.properties.clone(),
            running: None,
        };
        self.register(state, query, &id, replayed.is_none()).await;
        let message = format!("Created query with ID {query_id}");
        Ok(entity::current_status(
            text,
            &id,
            &message,
            Some(&query_id),
            sequence,
            &[],
        ))
    }

    /// Adds a query to the registry, starting it unless replaying (replay starts the survivors
    /// once the whole log is read), and sets its command's status.
    async fn register(&self, state: &mut State, mut query: PersistentQuery, id: &str, run: bool) {
        state.statuses.insert(
            id.to_string(),
            CommandStatus {
                status: "SUCCESS".into(),
                message: format!("Created query with ID {}", query.id),
                query_id: Some(query.id.clone()),
            },
        );
        if run {
            self.start_query(state, &mut query).await;
        }
        state.queries.insert(query.id.clone(), query);
    }

    /// Starts a registered query's tasks; a failure leaves it registered in state ERROR.
    pub(crate) async fn start_query(&self, state: &State, query: &mut PersistentQuery) {
        let (Some(source), Some(sink)) = (
            state.catalog.get(&query.source),
            state.catalog.get(&query.sink),
        ) else {
            tracing::error!(query = %query.id, "source or sink of a persistent query is missing");
            return;
        };
        let started = if query.plan.aggregate.is_some() {
            let store = crate::table_store::TableStore::new(
                query.plan.columns.iter().map(|c| c.name.clone()).collect(),
            );
            self.tables.insert(&query.sink, store.clone());
            crate::query::aggregate_runner::start(
                self.log.clone(),
                self.processing_log.clone(),
                &query.id,
                source,
                sink,
                query.plan.clone(),
                query.start_from,
                store,
                self.config().state_dir.as_ref().map(|dir| {
                    crate::query::aggregate_runner::Checkpointing {
                        store: crate::checkpoint::CheckpointStore::new(dir),
                        interval: self.config().checkpoint_interval,
                    }
                }),
                crate::query::aggregate_runner::AggregateOptions {
                    repartition_topic: crate::query::repartition::topic_name(
                        &self.config().service_id,
                        &query.id,
                    ),
                    idle_timeout_ms: self.idle_timeout_ms(query),
                },
            )
            .await
        } else {
            // A table projected from a table is materialized for pull queries (its store is
            // also what decides whether a row leaving WHERE needs a tombstone).
            let store = (sink.kind == SourceKind::Table).then(|| {
                let store = crate::source_table::store_for(sink);
                self.tables.insert(&query.sink, store.clone());
                store
            });
            persistent::start(
                self.log.clone(),
                self.processing_log.clone(),
                &query.id,
                source,
                sink,
                query.plan.clone(),
                query.start_from,
                store,
            )
            .await
        };
        match started {
            Ok(running) => query.running = Some(running),
            Err(e) => {
                tracing::error!(query = %query.id, error = %e, "persistent query could not start")
            }
        }
    }

    /// The idle-partition timeout of an aggregate query: its `rivulet.watermark.idle.timeout.ms`
    /// property when set (a negative value disables it), else the engine's default.
    fn idle_timeout_ms(&self, query: &PersistentQuery) -> Option<i64> {
        match query
            .properties
            .get(crate::engine::IDLE_TIMEOUT_PROPERTY)
            .map(|v| v.trim().trim_matches('\'').parse::<i64>())
        {
            Some(Ok(ms)) => Some(ms).filter(|ms| *ms >= 0),
            Some(Err(_)) | None => self
                .config()
                .watermark_idle_timeout
                .map(|d| d.as_millis() as i64),
        }
    }

    /// `EXPLAIN <query id>`: the persistent query's description (ids match in any case).
    pub(crate) fn explain_query(
        &self,
        state: &State,
        id: &str,
        text: &str,
    ) -> Result<Entity, EngineError> {
        let query = state
            .queries
            .values()
            .find(|q| q.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| {
                EngineError::statement(format!(
                    "Query with id:{id} does not exist, use SHOW QUERIES to view the full set of queries."
                ))
            })?;
        let description = self.describe_query(state, query);
        Ok(json!({"@type": "queryDescription", "statementText": text,
            "queryDescription": description, "warnings": []}))
    }

    /// `SHOW QUERIES EXTENDED`: the description of every persistent query.
    pub(crate) fn query_descriptions(&self, state: &State, text: &str) -> Entity {
        let descriptions: Vec<Value> = state
            .queries
            .values()
            .map(|q| self.describe_query(state, q))
            .collect();
        json!({"@type": "query_descriptions", "statementText": text,
            "queryDescriptions": descriptions, "warnings": []})
    }

    fn describe_query(&self, state: &State, query: &PersistentQuery) -> Value {
        let source_topic = state
            .catalog
            .get(&query.source)
            .map_or("", |s| s.topic.as_str());
        query.description(source_topic, &self.config().host)
    }

    /// TERMINATE id / TERMINATE ALL.
    pub(crate) async fn terminate(
        &self,
        state: &mut State,
        target: &QueryTarget,
        text: &str,
        replaying: bool,
    ) -> Result<Entity, EngineError> {
        let ids: Vec<String> = match target {
            QueryTarget::All => state.queries.keys().cloned().collect(),
            QueryTarget::Query(q) => {
                let wanted = q.as_str();
                match state
                    .queries
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(wanted))
                {
                    Some(k) => vec![k.clone()],
                    None => {
                        if !replaying && self.push.close(wanted) {
                            return Ok(json!({"@type": "terminate_query", "statementText": text,
                                "queryId": wanted, "wasTerminated": true, "warnings": []}));
                        }
                        return Err(EngineError::statement(format!("Unknown queryId: {wanted}")));
                    }
                }
            }
        };
        let id = match target {
            QueryTarget::All => "terminate/ALL/execute".to_string(),
            QueryTarget::Query(_) => format!("terminate/{}/execute", ids.join(",")),
        };
        let sequence = self
            .record(
                state,
                &id,
                text,
                &Session::default(),
                "Query terminated.",
                replaying,
            )
            .await?;
        for q in ids {
            if let Some(query) = state.queries.remove(&q) {
                if query.plan.aggregate.is_some() || query.plan.source_is_table {
                    // Without its query the table is no longer materialized (as in ksqlDB).
                    self.tables.remove(&query.sink);
                }
                if let Some(running) = query.running {
                    running.stop().await;
                }
            }
            // The internal repartition topic of a multi-partition aggregate goes with it.
            let repartition = crate::query::repartition::topic_name(&self.config().service_id, &q);
            match self.log.delete_topic(&repartition).await {
                Ok(()) | Err(LogError::UnknownTopic(_)) => {}
                Err(e) => {
                    tracing::warn!(query = %q, error = %e, "repartition topic of a terminated query not deleted")
                }
            }
            if let Some(dir) = &self.config().state_dir {
                let store = crate::checkpoint::CheckpointStore::new(dir);
                if let Err(e) = store.remove(&q) {
                    tracing::warn!(query = %q, error = %e, "checkpoint of a terminated query not removed");
                }
            }
        }
        Ok(entity::current_status(
            text,
            &id,
            "Query terminated.",
            None,
            sequence,
            &[],
        ))
    }

    /// Builds the sink of a CSAS (ksqlDB's WITH rules) and creates its topic unless replaying.
    async fn declare_sink(
        &self,
        csas: &CreateAsSelect,
        plan: &QueryPlan,
        source: &Source,
        text: &str,
        replaying: bool,
    ) -> Result<Source, EngineError> {
        let props = &csas.properties;
        let with = WithProperties(props);
        with.check_known(
            &CSAS_PROPERTIES,
            "WITH clause (or not supported by Rivulet yet on CREATE STREAM AS SELECT)",
        )?;
        let string_prop = |key: &str| with.string(key);
        let int_prop = |key: &str| with.int(key);
        let name = csas.name.as_str().to_string();
        // ksqlDB's default: the sink name as stored, so `"Hot"` writes `Hot` and `hot` writes
        // `HOT` (unquoted names are upper-cased by the parser).
        let topic = string_prop("KAFKA_TOPIC")?.unwrap_or_else(|| name.clone());
        if topic == source.topic {
            return Err(EngineError::statement(format!(
                "The sink topic '{topic}' is the topic the query reads: a query cannot write into its own source."
            )));
        }
        let format = string_prop("FORMAT")?;
        let key_format = string_prop("KEY_FORMAT")?;
        let value_format = string_prop("VALUE_FORMAT")?;
        if format.is_some() && (key_format.is_some() || value_format.is_some()) {
            return Err(EngineError::statement(
                "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.",
            ));
        }
        let schema = sink_schema(plan);
        let keys = schema.keys().count();
        let mut key_format = match key_format.or(format.clone()) {
            Some(f) => FormatSpec::named(&f),
            None if source.key_format.name == "NONE" && keys > 0 => FormatSpec::named("KAFKA"),
            None => source.key_format.clone(),
        };
        let mut value_format = match value_format.or(format) {
            Some(f) => FormatSpec::named(&f),
            None => source.value_format.clone(),
        };
        if let Some(d) = string_prop("KEY_DELIMITER")? {
            key_format.delimiter = Some(d);
        }
        if let Some(d) = string_prop("VALUE_DELIMITER")? {
            value_format.delimiter = Some(d);
        }
        if schema.columns.iter().all(|c| c.kind == ColumnKind::Key) {
            return Err(EngineError::statement(
                "The projection contains no value columns.",
            ));
        }
        let wrap_single_value = with.bool("WRAP_SINGLE_VALUE")?;
        check_formats(&key_format, &value_format, &schema, wrap_single_value)?;
        let sink = Source {
            name,
            kind: csas.kind.into(),
            topic,
            schema,
            key_format,
            value_format,
            timestamp_column: None,
            timestamp_format: None,
            wrap_single_value,
            is_source: false,
            window: plan.aggregate.as_ref().and_then(|a| a.window),
            statement: text.to_string(),
        };
        // Fails early on a bad format/column combination, before any topic is created.
        crate::query::RowEncoder::new(&sink.schema, &sink)?;
        if !replaying {
            self.ensure_sink_topic(
                &sink.topic,
                &source.topic,
                int_prop("PARTITIONS")?,
                int_prop("REPLICAS")?,
                int_prop("RETENTION_MS")?,
            )
            .await?;
        }
        Ok(sink)
    }

    /// Creates the sink topic with the source topic's partitions and replication unless given,
    /// or checks the partition count of an existing one.
    async fn ensure_sink_topic(
        &self,
        topic: &str,
        source_topic: &str,
        partitions: Option<i64>,
        replicas: Option<i64>,
        retention_ms: Option<i64>,
    ) -> Result<(), EngineError> {
        match self.log.describe_topic(topic).await {
            Ok(d) => match partitions {
                Some(p) if p != d.partitions.len() as i64 => Err(EngineError::statement(format!(
                    "A Kafka topic with the name '{topic}' already exists, with different partition/replica configuration than required. KSQL expects {p} partitions (topic has {}).",
                    d.partitions.len()
                ))),
                _ => Ok(()),
            },
            Err(LogError::UnknownTopic(_)) => {
                let from = self.log.describe_topic(source_topic).await?;
                let partitions = match partitions {
                    None => from.partitions.len() as u32,
                    Some(p) => u32::try_from(p).ok().filter(|p| *p > 0).ok_or_else(|| {
                        EngineError::statement("PARTITIONS must be a positive integer")
                    })?,
                };
                let mut spec = TopicSpec::new(topic, partitions);
                spec.replication = replicas
                    .and_then(|r| u16::try_from(r).ok())
                    .unwrap_or(from.replication);
                spec.retention_ms = retention_ms;
                self.log.create_topic(spec).await?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

fn same_schema(a: &Schema, b: &Schema) -> bool {
    a.columns.len() == b.columns.len()
        && a.columns.iter().zip(&b.columns).all(|(x, y)| {
            x.name == y.name
                && x.data_type == y.data_type
                && (x.kind == ColumnKind::Key) == (y.kind == ColumnKind::Key)
        })
}

fn describe_schema(s: &Schema) -> String {
    s.columns
        .iter()
        .map(|c| {
            let key = if c.kind == ColumnKind::Key {
                " KEY"
            } else {
                ""
            };
            format!("`{}` {}{key}", c.name, c.data_type)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
