//! The HTTP side of a request: fault injection, authentication, and the mapping of each
//! route onto the state machine with the service's headers. Connections are `conn.rs`.

use crate::access;
use crate::admin;
use crate::auth::AuthFailure;
use crate::body::read_body;
use crate::clock::{wall_now, NANOS_PER_SEC};
use crate::faults::FaultKind;
use crate::requestlog::RequestLog;
use crate::routes::{Route, RouteError};
use crate::state::{ApiError, Page};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use remote_rendering_models::{
    ConversionList, ErrorResponse, SessionList, StsTokenResponse, API_VERSION, API_VERSION_PREVIEW,
    STS_API_VERSION,
};
use std::time::Duration;

// Re-exported here, where they used to live, for code that names them through this module.
use crate::respond::off_worker;
pub(crate) use crate::respond::{
    api_json, api_response, api_session, empty, error_response, with_json, Body,
};
pub use crate::shared::Shared;

/// The connection was reset on purpose (an injected fault).
#[derive(Debug)]
pub struct InjectedReset;

impl std::fmt::Display for InjectedReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for InjectedReset {}

/// The raw socket of a connection, to turn its close into a reset (RST) for the `reset` fault.
#[derive(Clone, Copy)]
pub(crate) struct RawSocket(#[cfg(unix)] std::os::fd::RawFd);

impl RawSocket {
    pub(crate) fn of(stream: &tokio::net::TcpStream) -> Self {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            RawSocket(stream.as_raw_fd())
        }
        #[cfg(not(unix))]
        {
            let _ = stream;
            RawSocket()
        }
    }

    /// Makes the coming close of this connection send RST instead of FIN.
    fn reset_on_close(self) {
        #[cfg(unix)]
        {
            // SAFETY: the descriptor belongs to the connection whose request is being handled,
            // which hyper keeps open until this handler returns.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(self.0) };
            let _ = socket2::SockRef::from(&fd).set_linger(Some(Duration::ZERO));
        }
    }
}

fn no_cache(builder: http::response::Builder) -> http::response::Builder {
    use http::HeaderValue;
    builder
        .header(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        )
        .header(http::header::PRAGMA, HeaderValue::from_static("no-cache"))
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        // Decoding (and its scan for invalid UTF-8) only where there is something to decode.
        let decode = |s: &'a str| match s.contains('%') {
            true => percent_encoding::percent_decode_str(s).decode_utf8_lossy(),
            false => std::borrow::Cow::Borrowed(s),
        };
        (decode(k).eq_ignore_ascii_case(name)).then(|| decode(v))
    })
}

async fn read_json(shared: &Shared, body: Incoming) -> Result<serde_json::Value, ApiError> {
    let bytes = read_body(body, shared.limits.body_timeout).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is required."));
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("The request was malformed: {e}.")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    Ok(value)
}

/// Handles one request and notes it in the request log (admin requests are not logged).
pub(crate) async fn handle(
    shared: &Shared,
    req: Request<Incoming>,
    socket: RawSocket,
) -> Result<Response<Body>, InjectedReset> {
    if !RequestLog::wants(req.uri().path()) {
        return dispatch(shared, req, socket).await;
    }
    let started = std::time::Instant::now();
    let method = req.method().clone();
    // A clone of the URI shares its bytes (no copy of the path).
    let uri = req.uri().clone();
    let mut route = "unknown";
    let result = dispatch_named(shared, req, socket, &mut route).await;
    let (status, cv) = match &result {
        Ok(r) => (r.status().as_u16(), r.headers().get("MS-CV")),
        Err(InjectedReset) => (0, None),
    };
    let cv = cv.and_then(|v| v.to_str().ok());
    shared.requests.record(
        method.as_str(),
        route,
        uri.path(),
        status,
        started.elapsed(),
        cv,
    );
    result
}

async fn dispatch(
    shared: &Shared,
    req: Request<Incoming>,
    socket: RawSocket,
) -> Result<Response<Body>, InjectedReset> {
    dispatch_named(shared, req, socket, &mut "unknown").await
}

/// [`dispatch`], telling the caller the route's name once it is known (for the request log,
/// so that the path is routed once).
async fn dispatch_named(
    shared: &Shared,
    req: Request<Incoming>,
    socket: RawSocket,
    route_name: &mut &'static str,
) -> Result<Response<Body>, InjectedReset> {
    if access::is_admin_path(req.uri().path()) {
        if let Err(refused) =
            access::admin_access(shared, req.method(), req.uri().path(), req.headers())
        {
            return Ok(*refused);
        }
    }
    let route = match Route::parse(req.method(), req.uri().path()) {
        Ok(r) => r,
        Err(RouteError::NotFound) => return Ok(empty(api_response(shared.new_cv(), 404))),
        Err(RouteError::MethodNotAllowed(allowed)) => {
            return Ok(empty(
                api_response(shared.new_cv(), 405).header(http::header::ALLOW, allowed),
            ))
        }
    };
    let name = route.name();
    *route_name = name;
    if let Route::Admin(admin_route) = route {
        return Ok(admin::handle(shared, admin_route, req).await);
    }
    let decision = shared.faults.decide(name);
    if !decision.delay.is_zero() {
        shared.counters.fault("delay");
        tokio::time::sleep(decision.delay).await;
    }
    let mut reset_after = false;
    match decision.fault {
        None => {}
        Some(FaultKind::Reset) => {
            shared.counters.fault("reset");
            shared.counters.record(name, 0);
            socket.reset_on_close();
            return Err(InjectedReset);
        }
        Some(FaultKind::ResetAfter) => reset_after = true,
        Some(FaultKind::Throttle { retry_after_secs }) => {
            shared.counters.fault("429");
            shared.counters.record(name, 429);
            let b = api_response(shared.new_cv(), 429)
                .header(http::header::RETRY_AFTER, retry_after_secs.to_string());
            return Ok(empty(b));
        }
        Some(FaultKind::Unavailable { retry_after_secs }) => {
            shared.counters.fault("503");
            shared.counters.record(name, 503);
            let b = api_response(shared.new_cv(), 503)
                .header(http::header::RETRY_AFTER, retry_after_secs.to_string());
            return Ok(with_json(
                b,
                &ErrorResponse::new(
                    "ServiceUnavailable",
                    "The service is temporarily unavailable. Retry later.",
                ),
            ));
        }
        Some(FaultKind::InternalError) => {
            shared.counters.fault("500");
            shared.counters.record(name, 500);
            return Ok(with_json(
                api_response(shared.new_cv(), 500),
                &ErrorResponse::new("InternalServerError", "An internal server error occurred."),
            ));
        }
        Some(FaultKind::Delay(_)) => unreachable!("delays are summed into decision.delay"),
    }
    let response = match route {
        Route::Sts { account } => sts(shared, &account, &req),
        route => match arr(shared, route, req).await {
            Ok(r) => r,
            Err(e) => error_response(shared.new_cv(), &e),
        },
    };
    shared.counters.record(name, response.status().as_u16());
    if reset_after {
        shared.counters.fault("reset-after");
        socket.reset_on_close();
        return Err(InjectedReset);
    }
    Ok(response)
}

/// `GET /Accounts/{id}/token`: the account key (or an accepted Entra token) for a JWT.
fn sts(shared: &Shared, account: &str, req: &Request<Incoming>) -> Response<Body> {
    let cv = req
        .headers()
        .get("X-MRC-CV")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=.".contains(&b))
        })
        .map(|v| format!("{v}.0"))
        .unwrap_or_else(|| shared.new_cv());
    let base = Response::builder()
        .header("MS-CV", cv)
        .header("X-Content-Type-Options", "nosniff");
    let query = req.uri().query().unwrap_or("");
    if let Some(v) = query_param(query, "api-version") {
        if v != STS_API_VERSION {
            return empty(base.status(400).header(
                http::header::WWW_AUTHENTICATE,
                format!(r#"Bearer error="invalid_request", error_description="Unsupported api-version '{v}'""#),
            ));
        }
    }
    let authorization = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(account_id) = shared.auth.check_sts_credential(account, authorization) else {
        // As recorded: 401, no body, no WWW-Authenticate.
        return empty(base.status(401));
    };
    let token = shared
        .auth
        .issue(
            account_id,
            wall_now() / NANOS_PER_SEC,
            shared.token_lifetime_secs,
        )
        .expect("account exists");
    with_json(
        no_cache(base.status(200)).header("mise-correlation-id", shared.uuid()),
        &StsTokenResponse {
            access_token: token.into(),
        },
    )
}

/// The eight ARR operations.
async fn arr(
    shared: &Shared,
    route: Route,
    req: Request<Incoming>,
) -> Result<Response<Body>, ApiError> {
    let account = route.account().unwrap_or_default();
    let authorization = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match shared
        .auth
        .check_access_token(account, authorization, wall_now() / NANOS_PER_SEC)
    {
        Ok(()) => {}
        Err(AuthFailure::Unauthorized(why)) => {
            tracing::debug!(why, "401");
            return Err(ApiError {
                status: 401,
                error: None,
            });
        }
        Err(AuthFailure::Forbidden) => {
            return Err(ApiError {
                status: 403,
                error: None,
            })
        }
    }
    let version = match query_param(req.uri().query().unwrap_or(""), "api-version") {
        None => {
            return Err(ApiError::with_body(
                400,
                "ApiVersionUnspecified",
                "An API version is required, but was not specified.",
            ))
        }
        Some(v) if v == API_VERSION || v == API_VERSION_PREVIEW => v,
        Some(v) => {
            return Err(ApiError::with_body(
                400,
                "UnsupportedApiVersion",
                format!(
                    "The HTTP resource that matches the request URI '{}' does not support the API version '{v}'.",
                    req.uri().path()
                ),
            ))
        }
    };
    // What a list's next link is made of; the other routes need none of it (and the request
    // is consumed for its body below).
    let listing = matches!(
        route,
        Route::ListSessions { .. } | Route::ListConversions { .. }
    );
    let (query, host, path, version) = if listing {
        (
            req.uri().query().unwrap_or("").to_owned(),
            req.headers()
                .get(http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("127.0.0.1")
                .to_owned(),
            req.uri().path().to_owned(),
            version.into_owned(),
        )
    } else {
        Default::default()
    };
    let method = req.method().clone();
    let needs_body = method == Method::PUT || method == Method::PATCH;
    let body = if needs_body {
        Some(read_json(shared, req.into_body()).await?)
    } else {
        None
    };
    let body = body.unwrap_or(serde_json::Value::Null);
    let now = shared.clock.now();
    let b = &shared.behaviour;
    let after = || -> Result<u64, ApiError> {
        match query_param(&query, "$skipToken") {
            None => Ok(0),
            Some(t) => t
                .parse()
                .map_err(|_| ApiError::bad_request("The $skipToken value is not valid.")),
        }
    };
    let next_link = |next: Option<u64>| {
        next.map(|n| {
            format!(
                "{}://{host}{path}?api-version={version}&$skipToken={n}",
                shared.scheme
            )
        })
    };
    Ok(match &route {
        Route::CreateSession { id, .. } => {
            let (status, session) = shared
                .mutate(|s| s.create_session(account, id, &body, now, b))
                .await?;
            api_session(shared.new_cv(), status, false, &session)
        }
        Route::GetSession { id, .. } => {
            let session = shared.read(|s| s.get_session(account, id, now))?;
            api_session(shared.new_cv(), 200, true, &session)
        }
        Route::UpdateSession { id, .. } => {
            let session = shared
                .mutate(|s| s.update_session(account, id, &body, now))
                .await?;
            api_session(shared.new_cv(), 200, false, &session)
        }
        Route::StopSession { id, .. } => {
            shared.mutate(|s| s.stop_session(account, id, now)).await?;
            empty(api_response(shared.new_cv(), 204))
        }
        Route::ListSessions { .. } => {
            let after = after()?;
            off_worker(|| {
                let Page { items, next_after } =
                    shared.read(|s| s.list_sessions(account, after, shared.page_size, now))?;
                let list = SessionList {
                    sessions: items.iter().map(|s| s.to_model(now)).collect(),
                    next_link: next_link(next_after),
                };
                Ok(with_json(
                    no_cache(api_response(shared.new_cv(), 200)),
                    &list,
                ))
            })?
        }
        Route::CreateConversion { id, .. } => {
            let (status, conversion) = shared
                .mutate(|s| s.create_conversion(account, id, &body, now, b, &shared.storage))
                .await?;
            if status == 201 && shared.storage.blob_storage {
                // Parsed again for the SAS, which the state never keeps.
                let sent = crate::state::parse_conversion_settings(&body)?;
                shared.start_blob_conversion(
                    account,
                    crate::blob::BlobJob {
                        conversion_id: id.to_owned(),
                        sent,
                        normalised: conversion.settings.clone(),
                        keys: shared.storage.keys.clone(),
                    },
                );
            }
            api_json(shared.new_cv(), status, false, &conversion)
        }
        Route::GetConversion { id, .. } => {
            let conversion =
                shared.read(|s| s.get_conversion(account, id, now, &shared.storage))?;
            api_json(shared.new_cv(), 200, true, &conversion)
        }
        Route::ListConversions { .. } => {
            let after = after()?;
            off_worker(|| {
                let Page { items, next_after } = shared.read(|s| {
                    s.list_conversions(account, after, shared.page_size, now, &shared.storage)
                })?;
                let list = ConversionList {
                    conversions: items,
                    next_link: next_link(next_after),
                };
                // The service sends no cache headers on this one list (recordings).
                Ok(api_json(shared.new_cv(), 200, false, &list))
            })?
        }
        Route::Sts { .. } | Route::Admin(_) => unreachable!("handled before"),
    })
}
