//! The service's error body (`error_response` / `error` in the spec).

use serde::{Deserialize, Serialize};

/// `{"error": {...}}`, the body of 400, 409, 422, 500 and (for storage) 403 responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The error.
    pub error: ServiceError,
}

/// An error as the service reports it, in a response body or inside a failed session or
/// conversion. Only `code` and `message` are always present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceError {
    /// The service's error code, e.g. `InvalidArgument`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// Errors that led to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<ServiceError>>,
    /// The field or resource the error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// A more specific error, when the service has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<Box<ServiceError>>,
}

impl ServiceError {
    /// An error with a code and a message and nothing else.
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
    /// The body of an error response with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorResponse {
            error: ServiceError::new(code, message),
        }
    }
}
