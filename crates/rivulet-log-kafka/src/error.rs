//! Turning librdkafka's errors into the log's errors.
//!
//! This module owns the mapping only; callers add what they were doing.

use rdkafka::{error::KafkaError, types::RDKafkaErrorCode};
use rivulet_log::LogError;

/// The log error for `error`, met while doing `context` (on `topic`, when one is concerned).
pub(crate) fn log_error(context: &str, topic: Option<&str>, error: &KafkaError) -> LogError {
    // rdkafka gives no code for admin errors through `rdkafka_error_code`.
    let code = match error {
        KafkaError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    };
    match (code, topic) {
        (
            Some(RDKafkaErrorCode::UnknownTopicOrPartition | RDKafkaErrorCode::UnknownTopic),
            Some(topic),
        ) => LogError::UnknownTopic(topic.to_string()),
        (Some(RDKafkaErrorCode::TopicAlreadyExists), Some(topic)) => {
            LogError::TopicExists(topic.to_string())
        }
        (Some(RDKafkaErrorCode::InvalidTopic), Some(topic)) => {
            LogError::InvalidTopicName(topic.to_string())
        }
        _ => LogError::Broker(format!("{context}: {error}")),
    }
}

/// The log error for a per-topic error code an admin request answered with.
pub(crate) fn topic_error(context: &str, topic: &str, code: RDKafkaErrorCode) -> LogError {
    log_error(context, Some(topic), &KafkaError::AdminOp(code))
}

/// The error of a blocking task that could not finish (the runtime shut down under it).
pub(crate) fn task_failed(error: tokio::task::JoinError) -> LogError {
    LogError::Broker(format!("a Kafka client task failed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_topic_errors_as_the_log_does() {
        let unknown = KafkaError::MessageConsumption(RDKafkaErrorCode::UnknownTopicOrPartition);
        assert!(matches!(
            log_error("reading", Some("t"), &unknown),
            LogError::UnknownTopic(t) if t == "t"
        ));
        assert!(matches!(
            topic_error("creating", "t", RDKafkaErrorCode::TopicAlreadyExists),
            LogError::TopicExists(t) if t == "t"
        ));
        let other = KafkaError::MessageConsumption(RDKafkaErrorCode::BrokerTransportFailure);
        let err = log_error("reading t/0", Some("t"), &other);
        assert!(
            matches!(err, LogError::Broker(ref m) if m.starts_with("reading t/0: ")),
            "{err}"
        );
    }
}
