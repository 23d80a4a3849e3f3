//! The results statements produce, in ksqlDB's `/ksql` entity shapes (`currentStatus`,
//! `streams`, `tables`, `sourceDescription`, `kafka_topics`, `properties`, …).
//!
//! It owns the JSON layout of each entity; it must not decide what a statement does.

use rivulet_core::{ColumnKind, DataType};
use serde_json::{json, Value};

use crate::catalog::{Source, SourceKind};

/// One `/ksql` result entity (a JSON object with `@type`).
pub type Entity = Value;

/// `currentStatus`: what a catalog-changing statement did.
pub fn current_status(
    statement_text: &str,
    command_id: &str,
    message: &str,
    query_id: Option<&str>,
    sequence: i64,
    warnings: &[String],
) -> Entity {
    json!({
        "@type": "currentStatus",
        "statementText": statement_text,
        "commandId": command_id,
        "commandStatus": {"status": "SUCCESS", "message": message, "queryId": query_id},
        "commandSequenceNumber": sequence,
        "warnings": warnings.iter().map(|m| json!({"message": m})).collect::<Vec<_>>(),
    })
}

/// A `warning_entity`.
pub fn warning(statement_text: &str, message: &str) -> Entity {
    json!({"@type": "warning_entity", "statementText": statement_text, "message": message, "warnings": []})
}

/// One item of SHOW STREAMS / SHOW TABLES.
pub fn source_info(s: &Source) -> Value {
    json!({
        "type": s.kind.upper(),
        "name": s.name,
        "topic": s.topic,
        "keyFormat": s.key_format.name,
        "valueFormat": s.value_format.name,
        "isWindowed": s.window.is_some(),
    })
}

/// `streams` or `tables`.
pub fn source_list<'a>(
    statement_text: &str,
    kind: SourceKind,
    sources: impl Iterator<Item = &'a Source>,
) -> Entity {
    let items: Vec<Value> = sources.map(source_info).collect();
    match kind {
        SourceKind::Stream => {
            json!({"@type": "streams", "statementText": statement_text, "streams": items, "warnings": []})
        }
        SourceKind::Table => {
            json!({"@type": "tables", "statementText": statement_text, "tables": items, "warnings": []})
        }
    }
}

/// A column type as DESCRIBE's `schema` object.
pub fn schema_info(t: &DataType) -> Value {
    let base = match t {
        DataType::Boolean => "BOOLEAN",
        DataType::Int => "INTEGER",
        DataType::Bigint => "BIGINT",
        DataType::Double => "DOUBLE",
        DataType::Decimal { .. } => "DECIMAL",
        DataType::String => "STRING",
        DataType::Bytes => "BYTES",
        DataType::Timestamp => "TIMESTAMP",
        DataType::Date => "DATE",
        DataType::Time => "TIME",
        DataType::Array(_) => "ARRAY",
        DataType::Map(..) => "MAP",
        DataType::Struct(_) => "STRUCT",
    };
    let member = match t {
        DataType::Array(e) => schema_info(e),
        DataType::Map(_, v) => schema_info(v),
        _ => Value::Null,
    };
    let fields = match t {
        DataType::Struct(fields) => Value::Array(
            fields
                .iter()
                .map(|f| json!({"name": f.name, "schema": schema_info(&f.data_type)}))
                .collect(),
        ),
        _ => Value::Null,
    };
    let mut info = json!({"type": base, "fields": fields, "memberSchema": member});
    if let DataType::Decimal { precision, scale } = t {
        info["parameters"] = json!({"precision": precision, "scale": scale});
    }
    info
}

/// DESCRIBE's `sourceDescription` object.
pub fn source_description(s: &Source, extended: bool, partitions: u32, replication: u16) -> Value {
    let fields: Vec<Value> = s
        .schema
        .columns
        .iter()
        .map(|c| {
            let mut f = json!({"name": c.name, "schema": schema_info(&c.data_type)});
            match c.kind {
                ColumnKind::Key => f["type"] = json!("KEY"),
                ColumnKind::Header => {
                    f["type"] = json!("HEADER");
                    if let Some(k) = &c.header_key {
                        f["headerKey"] = json!(k);
                    }
                }
                ColumnKind::Value => {}
            }
            f
        })
        .collect();
    json!({
        "name": s.name,
        "windowType": s.window.map(|w| w.type_name()),
        "readQueries": [],
        "writeQueries": [],
        "fields": fields,
        "type": s.kind.upper(),
        "timestamp": s.timestamp_column.clone().unwrap_or_default(),
        "statistics": "",
        "errorStats": "",
        "extended": extended,
        "keyFormat": s.key_format.name,
        "valueFormat": s.value_format.name,
        "topic": s.topic,
        "partitions": partitions,
        "replication": replication,
        "statement": s.statement,
        "queryOffsetSummaries": [],
        "sourceConstraints": [],
        "clusterStatistics": [],
        "clusterErrorStats": [],
    })
}

/// `function_names`: SHOW FUNCTIONS, every scalar and aggregate function Rivulet runs, by name.
pub fn function_names(statement_text: &str) -> Entity {
    use rivulet_expr::aggregate;
    let mut functions: Vec<(&str, Value)> = rivulet_expr::registry()
        .list()
        .iter()
        .map(|f| {
            let entry = json!({"name": f.name, "type": "SCALAR", "category": f.category.as_str()});
            (f.name, entry)
        })
        .chain(aggregate::aggregate_functions().iter().map(|f| {
            let category = aggregate::AGGREGATE_CATEGORY;
            let entry = json!({"name": f.name, "type": "AGGREGATE", "category": category});
            (f.name, entry)
        }))
        .collect();
    functions.sort_by(|a, b| a.0.cmp(b.0));
    let functions: Vec<Value> = functions.into_iter().map(|(_, f)| f).collect();
    json!({"@type": "function_names", "statementText": statement_text, "functions": functions, "warnings": []})
}

/// `describe_function` of an aggregate function.
fn describe_aggregate(statement_text: &str, name: &str) -> Option<Entity> {
    let f = rivulet_expr::aggregate::aggregate_function(name)?;
    let variants: Vec<Value> = f
        .variants
        .iter()
        .map(|(signature, description)| json!({"signature": signature, "description": description}))
        .collect();
    Some(json!({
        "@type": "describe_function",
        "statementText": statement_text,
        "name": f.name,
        "description": f.description,
        "author": "Rivulet",
        "version": env!("CARGO_PKG_VERSION"),
        "path": "internal",
        "functions": variants,
        "type": "AGGREGATE",
        "warnings": [],
    }))
}

/// `describe_function`: one function's description and signatures; `None` when unknown.
pub fn describe_function(statement_text: &str, name: &str) -> Option<Entity> {
    let Some(f) = rivulet_expr::registry().get(name) else {
        return describe_aggregate(statement_text, name);
    };
    let variants: Vec<Value> = f
        .signatures
        .iter()
        .map(|s| json!({"signature": s.to_string(), "description": f.description}))
        .collect();
    Some(json!({
        "@type": "describe_function",
        "statementText": statement_text,
        "name": f.name,
        "description": f.description,
        "author": "Rivulet",
        "version": env!("CARGO_PKG_VERSION"),
        "path": "internal",
        "functions": variants,
        "type": "SCALAR",
        "warnings": [],
    }))
}

/// A query's `windowType`: TUMBLING, HOPPING or SESSION for a windowed aggregation, else null.
fn window_type(plan: &rivulet_sql::planner::QueryPlan) -> Option<&'static str> {
    plan.aggregate
        .as_ref()
        .and_then(|a| a.window)
        .map(|w| w.type_name())
}

/// `queryDescription` for EXPLAIN of a query: its output columns and its plan.
pub fn explain(statement_text: &str, plan: &rivulet_sql::planner::QueryPlan) -> Entity {
    let fields: Vec<Value> = plan
        .output_schema()
        .columns
        .iter()
        .map(|c| json!({"name": c.name, "schema": schema_info(&c.data_type)}))
        .collect();
    let text = plan.to_string();
    json!({
        "@type": "queryDescription",
        "statementText": statement_text,
        "queryDescription": {
            "id": "",
            "statementText": statement_text,
            "windowType": window_type(plan),
            "fields": fields,
            "sources": [plan.source],
            "sinks": [],
            "topology": text,
            "executionPlan": text,
            "overriddenProperties": {},
            "ksqlHostQueryStatus": {},
            "queryType": if plan.is_pull() { "PULL" } else { "PUSH" },
            "queryErrors": [],
            "tasksMetadata": [],
            "state": null,
        },
        "warnings": [],
    })
}

/// The parts of a persistent query EXPLAIN and SHOW QUERIES EXTENDED describe.
pub struct QueryParts<'a> {
    pub id: &'a str,
    /// The CREATE … AS SELECT / INSERT INTO statement that started it.
    pub statement: &'a str,
    pub plan: &'a rivulet_sql::planner::QueryPlan,
    pub sink: &'a str,
    pub source_topic: &'a str,
    pub sink_topic: &'a str,
    /// The request properties it was started with.
    pub properties: &'a std::collections::BTreeMap<String, String>,
    /// `host:port` of this server.
    pub host: &'a str,
    /// `RUNNING` or `ERROR`.
    pub state: &'a str,
    pub consumer_group: &'a str,
}

/// ksqlDB's `QueryDescription` of a persistent query (EXPLAIN <id>, SHOW QUERIES EXTENDED).
/// `topology` lists source, operators and sink in Kafka Streams' shape; `executionPlan` is the
/// planner's text, as EXPLAIN of a SELECT prints it.
pub fn query_description(q: &QueryParts<'_>) -> Value {
    let fields: Vec<Value> = q
        .plan
        .output_schema()
        .columns
        .iter()
        .map(|c| {
            let mut f = json!({"name": c.name, "schema": schema_info(&c.data_type)});
            if c.kind == ColumnKind::Key {
                f["type"] = json!("KEY");
            }
            f
        })
        .collect();
    let plan = q.plan.to_string();
    let topology = format!(
        "Topologies:\n   Sub-topology: 0\n    Source: {source} (topics: [{source_topic}])\n{operators}    Sink: {sink} (topic: {sink_topic})\n",
        source = q.plan.source,
        source_topic = q.source_topic,
        operators = plan
            .lines()
            .map(|l| format!("      {l}\n"))
            .collect::<String>(),
        sink = q.sink,
        sink_topic = q.sink_topic,
    );
    json!({
        "id": q.id,
        "statementText": q.statement,
        "windowType": window_type(q.plan),
        "fields": fields,
        "sources": [q.plan.source],
        "sinks": [q.sink],
        "topology": topology,
        "executionPlan": plan,
        "overriddenProperties": q.properties,
        "ksqlHostQueryStatus": {q.host: q.state},
        "queryType": "PERSISTENT",
        "queryErrors": [],
        "tasksMetadata": [],
        "consumerGroupId": q.consumer_group,
        "state": q.state,
    })
}
