//! The service's error body (`error_response` / `error` in the spec).

use serde::{Deserialize, Serialize};

/// `{"error": {...}}`, the body of 400, 409, 422, 500 and (for storage) 403 responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ServiceError,
}

/// An error as the service reports it, in a response body or inside a failed session or
/// conversion. Only `code` and `message` are always present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<ServiceError>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<Box<ServiceError>>,
}

impl ServiceError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError {
            code: code.into(),
            message: message.into(),
            details: None,
            target: None,
            inner_error: None,
        }
    }
}

impl ErrorResponse {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorResponse {
            error: ServiceError::new(code, message),
        }
    }
}
