//! The error every API route answers with: a status and, where the service sends one, the
//! spec's error body. Kept apart from the state machine so that storage and admin code can
//! refuse input without depending on it.

use remote_rendering_models::ServiceError;

/// An error the API answers with: status, and the spec's error body when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// `None` for the statuses the spec answers without a body (401, 403, 404, 429).
    pub error: Option<ServiceError>,
}

impl ApiError {
    pub fn with_body(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error: Some(ServiceError::new(code, message)),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::with_body(400, "BadRequest", message)
    }

    pub fn not_found() -> Self {
        ApiError {
            status: 404,
            error: None,
        }
    }

    pub(crate) fn conflict() -> Self {
        Self::with_body(
            409,
            "Conflict",
            "A resource already exists under the given ID.",
        )
    }

    pub(crate) fn unprocessable(message: impl Into<String>) -> Self {
        Self::with_body(422, "UnprocessableEntity", message)
    }
}
