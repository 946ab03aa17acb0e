//! One error type for every operation, with a kind and everything support needs.
//!
//! The stable code strings of [`ErrorKind::code`] are the vocabulary every binding reuses
//! (Python `.code`, JS `error.code`, the C status names); they never change meaning.

use crate::model::{Conversion, ErrorDetails, Session};
use crate::storage::outcome::UploadReport;
use std::fmt;
use std::time::Duration;

/// What went wrong, in categories a caller can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value was refused before anything was sent (or the service answered 400).
    InvalidInput,
    /// 401: the credential or token was refused.
    Unauthorized,
    /// 403: not allowed (another account's resource, storage not linked).
    Forbidden,
    /// 404: no such session or conversion.
    NotFound,
    /// 409: the id exists with other settings.
    Conflict,
    /// 422: the service refused the value (a lease that does not grow).
    Unprocessable,
    /// 429: throttled, after the retries allowed.
    Throttled,
    /// 5xx: the service failed, after the retries allowed.
    Service,
    /// The connection failed or broke, after the retries allowed.
    Transport,
    /// A wait or the retries ran out of time.
    Timeout,
    /// The caller cancelled.
    Cancelled,
    /// A session reached `Error`, `Expired` or `Stopped` while waited on.
    SessionFailed,
    /// A conversion reached `Failed` or `Cancelled` while waited on.
    ConversionFailed,
    /// The service answered something this client cannot read.
    Protocol,
    /// A bug in this library, e.g. a panic caught at a language boundary (never an abort).
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidInput,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Unprocessable,
        ErrorKind::Throttled,
        ErrorKind::Service,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::Cancelled,
        ErrorKind::SessionFailed,
        ErrorKind::ConversionFailed,
        ErrorKind::Protocol,
        ErrorKind::Internal,
    ];

    /// The stable code string of this kind, shared by every language.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "INVALID_INPUT",
            ErrorKind::Unauthorized => "UNAUTHORIZED",
            ErrorKind::Forbidden => "FORBIDDEN",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::Unprocessable => "UNPROCESSABLE",
            ErrorKind::Throttled => "THROTTLED",
            ErrorKind::Service => "SERVICE_ERROR",
            ErrorKind::Transport => "TRANSPORT_ERROR",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Cancelled => "CANCELLED",
            ErrorKind::SessionFailed => "SESSION_FAILED",
            ErrorKind::ConversionFailed => "CONVERSION_FAILED",
            ErrorKind::Protocol => "PROTOCOL_ERROR",
            ErrorKind::Internal => "INTERNAL_ERROR",
        }
    }

    /// The kind an HTTP error status maps to.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::InvalidInput,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::Throttled,
            500..=599 => ErrorKind::Service,
            _ => ErrorKind::Protocol,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

struct Inner {
    kind: ErrorKind,
    message: String,
    field: Option<&'static str>,
    status: Option<u16>,
    service: Option<ErrorDetails>,
    ms_cv: Option<String>,
    retry_after: Option<Duration>,
    session: Option<Box<Session>>,
    conversion: Option<Box<Conversion>>,
    upload: Option<Box<UploadReport>>,
    conversion_report: Option<String>,
    source: Option<Source>,
}

/// An error of any operation. Never contains a secret: messages are built from this crate's
/// own text and the service's error bodies, which never echo credentials.
pub struct Error(Box<Inner>);

/// How the message of a caught panic starts, in every language (see [`Error::from_panic`]).
pub const PANIC_MESSAGE_PREFIX: &str =
    "internal error (a bug in remote-rendering, please report it): ";

/// The message a panic was raised with (`panic!` makes a `&str` or a `String`), or a fixed
/// text for any other payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with a message and no other details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            field: None,
            status: None,
            service: None,
            ms_cv: None,
            retry_after: None,
            session: None,
            conversion: None,
            upload: None,
            conversion_report: None,
            source: None,
        }))
    }

    /// The [`ErrorKind::Internal`] error of a panic caught at a language boundary: every
    /// binding turns a panic into this one error, so its words are the same everywhere
    /// ([`PANIC_MESSAGE_PREFIX`] and the panic's own message).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        Error::new(
            ErrorKind::Internal,
            format!("{PANIC_MESSAGE_PREFIX}{}", panic_message(payload)),
        )
    }

    /// A value refused before sending: names the field and the rule.
    pub fn invalid_input(field: &'static str, rule: impl fmt::Display) -> Self {
        let mut e = Error::new(ErrorKind::InvalidInput, format!("{field}: {rule}"));
        e.0.field = Some(field);
        e
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_service(mut self, service: Option<ErrorDetails>) -> Self {
        self.0.service = service;
        self
    }

    pub(crate) fn with_ms_cv(mut self, ms_cv: Option<String>) -> Self {
        self.0.ms_cv = ms_cv;
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.0.retry_after = retry_after;
        self
    }

    pub(crate) fn with_session(mut self, session: Session) -> Self {
        self.0.session = Some(Box::new(session));
        self
    }

    pub(crate) fn with_conversion(mut self, conversion: Conversion) -> Self {
        self.0.conversion = Some(Box::new(conversion));
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    pub(crate) fn with_upload_report(mut self, report: UploadReport) -> Self {
        self.0.upload = Some(Box::new(report));
        self
    }

    pub(crate) fn with_conversion_report(mut self, report: String) -> Self {
        self.0.conversion_report = Some(report);
        self
    }

    /// The same error with another message (the upload's summary around its first failure).
    pub(crate) fn rewrap(mut self, message: String) -> Self {
        self.0.message = message;
        self
    }

    /// A copy of everything but the source chain (sources are not `Clone`).
    pub(crate) fn shallow_clone(&self) -> Error {
        let i = &self.0;
        Error(Box::new(Inner {
            kind: i.kind,
            message: i.message.clone(),
            field: i.field,
            status: i.status,
            service: i.service.clone(),
            ms_cv: i.ms_cv.clone(),
            retry_after: i.retry_after,
            session: i.session.clone(),
            conversion: i.conversion.clone(),
            upload: i.upload.clone(),
            conversion_report: i.conversion_report.clone(),
            source: None,
        }))
    }

    /// What went wrong, as one of the kinds every language shares.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The stable code string (`NOT_FOUND`, `THROTTLED`, …).
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// What happened, in one sentence (without the status and correlation details).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// For [`ErrorKind::InvalidInput`] refused client-side: the field at fault.
    pub fn field(&self) -> Option<&'static str> {
        self.0.field
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The service's error (`code`, `message`, `details`), from the body or the failed resource.
    pub fn service_error(&self) -> Option<&ErrorDetails> {
        self.0.service.as_ref()
    }

    /// The service's `MS-CV` correlation vector of the failing answer (quote it to support).
    pub fn ms_cv(&self) -> Option<&str> {
        self.0.ms_cv.as_deref()
    }

    /// How long the service asked to wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Whether the same request may succeed later: throttling, 5xx, transport failures.
    pub fn is_retriable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Throttled | ErrorKind::Transport => true,
            ErrorKind::Service => matches!(self.0.status, None | Some(500 | 502 | 503 | 504)),
            _ => false,
        }
    }

    /// The session as last seen, for [`ErrorKind::SessionFailed`] and a session wait's timeout.
    pub fn session(&self) -> Option<&Session> {
        self.0.session.as_deref()
    }

    /// The conversion as last seen, for [`ErrorKind::ConversionFailed`] and a conversion wait's
    /// timeout.
    pub fn conversion(&self) -> Option<&Conversion> {
        self.0.conversion.as_deref()
    }

    /// For a failed upload: which blobs were uploaded and which were not.
    pub fn upload_report(&self) -> Option<&UploadReport> {
        self.0.upload.as_deref()
    }

    /// For a failed conversion waited on with
    /// [`Client::wait_for_conversion_with_report`](crate::Client::wait_for_conversion_with_report):
    /// its result file and log as read back from the output container (at most 64 KiB of
    /// each, SAS tokens redacted).
    pub fn conversion_report(&self) -> Option<&str> {
        self.0.conversion_report.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        let mut extra = Vec::new();
        if let Some(s) = self.0.status {
            extra.push(format!("status {s}"));
        }
        if let Some(e) = &self.0.service {
            extra.push(format!("service code {}", e.code));
        }
        if let Some(cv) = &self.0.ms_cv {
            extra.push(format!("MS-CV {cv}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind)
            .field("message", &self.0.message);
        if let Some(field) = self.0.field {
            d.field("field", &field);
        }
        if let Some(s) = self.0.status {
            d.field("status", &s);
        }
        if let Some(e) = &self.0.service {
            d.field("service", e);
        }
        if let Some(cv) = &self.0.ms_cv {
            d.field("ms_cv", cv);
        }
        if let Some(r) = self.0.retry_after {
            d.field("retry_after", &r);
        }
        if let Some(s) = &self.0.session {
            d.field("session", s);
        }
        if let Some(c) = &self.0.conversion {
            d.field("conversion", c);
        }
        if let Some(u) = &self.0.upload {
            d.field("upload", u);
        }
        if let Some(r) = &self.0.conversion_report {
            d.field("conversion_report", r);
        }
        if let Some(src) = &self.0.source {
            d.field("source", &src.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_stable() {
        let codes: std::collections::HashSet<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert_eq!(ErrorKind::NotFound.code(), "NOT_FOUND");
        assert_eq!(ErrorKind::from_status(503), ErrorKind::Service);
        assert_eq!(ErrorKind::from_status(418), ErrorKind::Protocol);
    }

    #[test]
    fn display_names_status_service_code_and_ms_cv() {
        let e = Error::new(ErrorKind::Conflict, "session s1 exists with other settings")
            .with_status(409)
            .with_service(Some(
                remote_rendering_models::ServiceError::new("Conflict", "exists").into(),
            ))
            .with_ms_cv(Some("abc.0".into()));
        assert_eq!(
            e.to_string(),
            "session s1 exists with other settings (status 409, service code Conflict, MS-CV abc.0)"
        );
        assert!(!e.is_retriable());
        assert!(Error::new(ErrorKind::Service, "x")
            .with_status(503)
            .is_retriable());
        assert!(!Error::new(ErrorKind::Service, "x")
            .with_status(501)
            .is_retriable());
    }

    #[test]
    fn invalid_input_names_the_field() {
        let e = Error::invalid_input("lease_minutes", "must be between 0 and 1440, got 2000");
        assert_eq!(e.field(), Some("lease_minutes"));
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            e.to_string(),
            "lease_minutes: must be between 0 and 1440, got 2000"
        );
    }
}
