//! The command log: every statement that changed the catalog, in order, in an internal topic
//! (ksqlDB's command topic), so that a restart replays them and ends with the same catalog.
//!
//! It owns the topic's record format (`{"statement": …, "properties": {…}}` keyed by command
//! id) and its reading and writing. It must not interpret statements.

use std::{collections::BTreeMap, sync::Arc};

use bytes::Bytes;
use rivulet_core::{time::now_ms, Record};
use rivulet_log::{Log, LogError, ReadLimits, TopicSpec};
use serde::{Deserialize, Serialize};

use crate::EngineError;

/// One recorded command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// `stream/`NAME`/create` and the like.
    #[serde(default)]
    pub id: String,
    pub statement: String,
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

/// A command as read back, with its sequence number (its offset in the topic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequenced {
    pub sequence: i64,
    pub command: Command,
}

/// The command topic of one service.
pub struct CommandLog {
    log: Arc<dyn Log>,
    topic: String,
}

impl CommandLog {
    /// Opens (creating when missing) the command topic and reads every command in it.
    pub async fn open(
        log: Arc<dyn Log>,
        topic: &str,
    ) -> Result<(CommandLog, Vec<Sequenced>), EngineError> {
        match log.create_topic(TopicSpec::new(topic, 1)).await {
            Ok(_) | Err(LogError::TopicExists(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let mut commands = Vec::new();
        let mut offset = 0;
        loop {
            let batch = log.read(topic, 0, offset, ReadLimits::default()).await?;
            if batch.records.is_empty() {
                break;
            }
            for r in &batch.records {
                let Some(value) = &r.record.value else {
                    continue;
                };
                match serde_json::from_slice::<Command>(value) {
                    Ok(command) => commands.push(Sequenced {
                        sequence: r.offset,
                        command,
                    }),
                    Err(e) => {
                        tracing::warn!(topic, offset = r.offset, error = %e, "skipping unreadable command")
                    }
                }
            }
            offset = batch.next_offset;
        }
        Ok((
            CommandLog {
                log,
                topic: topic.to_string(),
            },
            commands,
        ))
    }

    /// Appends a command durably; returns its sequence number.
    pub async fn append(&self, command: &Command) -> Result<i64, EngineError> {
        let value = serde_json::to_vec(command)
            .map_err(|e| EngineError::server(format!("encoding command: {e}")))?;
        let record = Record::new(
            Some(Bytes::from(command.id.clone())),
            Some(Bytes::from(value)),
            now_ms(),
        );
        Ok(self.log.append(&self.topic, 0, vec![record]).await?)
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }
}
