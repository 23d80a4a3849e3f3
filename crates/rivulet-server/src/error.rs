//! The JSON error body every 4xx/5xx carries: `{"error_code": …, "message": …}`, plus the list of
//! field errors when a payload had several.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use rivulet_connect::decode_error::{DecodeError, FieldError};
use rivulet_log::LogError;
use serde::Serialize;

/// An error answer: HTTP status, a numeric code in ksqlDB's style (status × 100 + detail) and a
/// message naming what and where.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub error_code: u32,
    pub message: String,
    pub errors: Vec<FieldError>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_code: u32,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldErrorBody<'a>>,
}

#[derive(Serialize)]
struct FieldErrorBody<'a> {
    path: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error_code: status.as_u16() as u32 * 100,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than the limit of {limit} bytes"),
        )
    }

    /// Field errors of a payload, all of them, in one 422.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let message = errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            errors,
            ..Self::unprocessable(message)
        }
    }
}

impl From<DecodeError> for ApiError {
    fn from(e: DecodeError) -> Self {
        match e {
            DecodeError::Syntax { .. } => ApiError::bad_request(e.to_string()),
            DecodeError::Invalid(errors) => ApiError::fields(errors),
        }
    }
}

impl From<LogError> for ApiError {
    fn from(e: LogError) -> Self {
        let status = match &e {
            LogError::UnknownTopic(_) | LogError::UnknownPartition { .. } => StatusCode::NOT_FOUND,
            LogError::TopicExists(_) => StatusCode::CONFLICT,
            LogError::InvalidTopicName(_) | LogError::InvalidArgument(_) => StatusCode::BAD_REQUEST,
            LogError::RecordTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %e, "log error");
        }
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error_code: self.error_code,
            message: &self.message,
            errors: self
                .errors
                .iter()
                .map(|e| FieldErrorBody {
                    path: &e.path,
                    message: &e.message,
                })
                .collect(),
        };
        (self.status, Json(body)).into_response()
    }
}
