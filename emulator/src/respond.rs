//! Building answers the way the service sends them: its headers on every answer, JSON bodies
//! with its content type, and its error bodies. Shared by the API and the admin routes.

use crate::error::ApiError;
use bytes::Bytes;
use http::{HeaderName, HeaderValue};
use http_body_util::Full;
use hyper::Response;
use remote_rendering_models::{ErrorResponse, Session, Timestamp};
use serde::Serialize;
use std::cell::RefCell;

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

/// [`with_json`] of [`api_response`] (and, with `no_cache`, the cache headers of
/// `server::no_cache`), the same headers in the same order, built straight into the answer:
/// the builder moves the whole response head through every `.header()`, which was a tenth of
/// the instructions of a GET session.
pub(crate) fn api_json(
    cv: String,
    status: u16,
    no_cache: bool,
    value: &impl Serialize,
) -> Response<Body> {
    api_json_bytes(cv, status, no_cache, json_bytes(value))
}

fn json_bytes(value: &impl Serialize) -> Bytes {
    // Room for a session or an error without growing (the writer starts at 128 bytes).
    let mut bytes = Vec::with_capacity(512);
    serde_json::to_writer(&mut bytes, value).expect("models always serialise");
    Bytes::from(bytes)
}

/// A session as [`api_json`] answers it. Serialising was an eighth of the instructions of a
/// GET session, and a client polls the same session again and again while it does not change:
/// each thread keeps the last answer body of a few sessions (a small direct-mapped table,
/// bounded, no lock) and reuses it while the session is equal, field for field and in the
/// text of its timestamp, to the one it was made from: the bytes are the same either way.
pub(crate) fn api_session(
    cv: String,
    status: u16,
    no_cache: bool,
    session: &Session,
) -> Response<Body> {
    const SLOTS: usize = 64;
    thread_local! {
        static BODIES: RefCell<Vec<Option<(Session, Bytes)>>> = RefCell::new(vec![None; SLOTS]);
    }
    // A slot from the id's bytes (FNV-1a; only spreads ids over the slots, so no keyed hash).
    let hash = session.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let body = BODIES.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[(hash % SLOTS as u64) as usize];
        match slot {
            Some((made_from, body))
                if made_from == session
                    && made_from.creation_time.as_ref().map(Timestamp::as_str)
                        == session.creation_time.as_ref().map(Timestamp::as_str) =>
            {
                body.clone()
            }
            _ => {
                let body = json_bytes(session);
                *slot = Some((session.clone(), body.clone()));
                body
            }
        }
    });
    api_json_bytes(cv, status, no_cache, body)
}

fn api_json_bytes(cv: String, status: u16, no_cache: bool, body: Bytes) -> Response<Body> {
    static SUPPORTED: HeaderName = HeaderName::from_static("api-supported-versions");
    static MS_CV: HeaderName = HeaderName::from_static("ms-cv");
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = http::StatusCode::from_u16(status).expect("a valid status");
    let h = response.headers_mut();
    h.append(&SUPPORTED, HeaderValue::from_static(SUPPORTED_VERSIONS));
    h.append(
        &MS_CV,
        HeaderValue::try_from(cv).expect("a correlation vector is a valid header value"),
    );
    h.append(
        http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if no_cache {
        h.append(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        );
        h.append(http::header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    h.append(http::header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
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
