//! Building answers the way the service sends them: its headers on every answer, JSON bodies
//! with its content type, and its error bodies. Shared by the API and the admin routes.

use crate::error::ApiError;
use bytes::Bytes;
use http::{HeaderName, HeaderValue};
use http_body_util::Full;
use hyper::Response;
use remote_rendering_models::ErrorResponse;
use serde::Serialize;

/// The versions this emulator serves, as the service advertised them in 2021.
pub const SUPPORTED_VERSIONS: &str = "2021-01-01-preview, 2021-01-01";
const JSON: &str = "application/json; charset=utf-8";

/// The body of every answer.
pub type Body = Full<Bytes>;

/// Headers every API answer carries, as the service sent them.
/// `cv` is the answer's `MS-CV` correlation vector (`Shared::new_cv`).
pub(crate) fn api_response(cv: String, status: u16) -> http::response::Builder {
    // Names and constant values from static text: the builder parses a `&str` name (and
    // copies a value) on every call, and this runs on every request.
    static SUPPORTED: HeaderName = HeaderName::from_static("api-supported-versions");
    static MS_CV: HeaderName = HeaderName::from_static("ms-cv");
    Response::builder()
        .status(status)
        .header(&SUPPORTED, HeaderValue::from_static(SUPPORTED_VERSIONS))
        .header(&MS_CV, cv)
        .header(
            http::header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )
}

pub(crate) fn with_json(
    builder: http::response::Builder,
    value: &impl Serialize,
) -> Response<Body> {
    // Room for a session or an error without growing (the writer starts at 128 bytes).
    let mut bytes = Vec::with_capacity(512);
    serde_json::to_writer(&mut bytes, value).expect("models always serialise");
    builder
        .header(http::header::CONTENT_TYPE, HeaderValue::from_static(JSON))
        .body(Full::new(Bytes::from(bytes)))
        .expect("valid response")
}

pub(crate) fn empty(builder: http::response::Builder) -> Response<Body> {
    builder
        .header(http::header::CONTENT_LENGTH, HeaderValue::from_static("0"))
        .body(Full::new(Bytes::new()))
        .expect("valid response")
}

pub(crate) fn error_response(cv: String, err: &ApiError) -> Response<Body> {
    let mut builder = api_response(cv, err.status);
    if err.status == 401 {
        builder = builder.header(
            http::header::WWW_AUTHENTICATE,
            r#"Bearer error="invalid_token""#,
        );
    }
    match &err.error {
        Some(e) => with_json(builder, &ErrorResponse { error: e.clone() }),
        None => empty(builder),
    }
}

/// Runs the CPU-heavy part of an answer (a list page: a hundred items built and serialised)
/// so that it does not hold up the other requests of this worker thread: on a multi-thread
/// runtime the worker hands its other tasks to a new thread meanwhile (`block_in_place`), so
/// small requests keep being answered while long lists are walked. On a current-thread
/// runtime (a test's) it just runs.
pub(crate) fn off_worker<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}
