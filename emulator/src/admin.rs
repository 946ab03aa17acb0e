//! The admin endpoints under `/_emulator/`: what a test needs to steer the emulator from
//! outside (any language, or curl). They are never faulted or counted. Who may call them is
//! decided in `access.rs` before a request gets here (on loopback: anyone on the machine;
//! beyond it, whoever has the admin credential).
//!
//! | method and path | does |
//! | --- | --- |
//! | `GET /_emulator/health` | `{"status":"ok"}` |
//! | `GET /_emulator/stats` | request counters by route and status, injected faults, resources by status |
//! | `GET`/`PUT`/`DELETE /_emulator/faults` | read, set (`{"spec":"429=0.1","seed":7}`) or clear the fault plan |
//! | `GET /_emulator/clock` | emulated time and time scale |
//! | `POST /_emulator/clock/advance` | `{"seconds":300}` moves emulated time forward |
//! | `POST /_emulator/accounts/{a}/sessions/{id}/fail` | the session goes to `Error` (optional `{"code","message"}`) |
//! | `POST /_emulator/accounts/{a}/conversions/{id}/fail` | the conversion goes to `Failed` (optional `{"code","message"}`) |
//! | `POST /_emulator/accounts/{a}/conversions/{id}/cancel` | the conversion goes to `Cancelled` |
//! | `POST /_emulator/accounts/{a}/revoke-tokens` | every token issued so far for the account gets 401 |
//! | `POST /_emulator/accounts/{a}/sessions/{id}/stop` | the session is stopped, as `:stop` does (no token) |
//! | `GET /_emulator/` | the dashboard (`crate::dashboard`): its page, assets and state JSON |

use crate::body::read_body;
use crate::clock::{to_datetime, NANOS_PER_SEC};
use crate::error::ApiError;
use crate::faults::FaultPlan;
use crate::respond::{api_response, empty, error_response, with_json, Body};
use crate::routes::AdminRoute;
use crate::shared::Shared;
use hyper::body::Incoming;
use hyper::{Request, Response};
use remote_rendering_models::{ConversionStatus, ServiceError, Timestamp};
use serde_json::{json, Value};

/// The error a session put into `Error` by the admin endpoint carries unless one is given.
pub fn default_session_error() -> ServiceError {
    ServiceError::new(
        "SessionStartFailed",
        "The rendering session failed to start (failure injected by the emulator).",
    )
}

/// The error a conversion failed by the admin endpoint carries unless one is given.
pub fn default_conversion_error() -> ServiceError {
    ServiceError::new(
        "ConversionFailed",
        "The conversion failed (failure injected by the emulator).",
    )
}

async fn body_json(shared: &Shared, req: Request<Incoming>) -> Result<Value, ApiError> {
    let bytes = read_body(req.into_body(), shared.limits.body_timeout).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not JSON: {e}.")))
}

fn error_from(body: &Value, default: ServiceError) -> ServiceError {
    match (body["code"].as_str(), body["message"].as_str()) {
        (None, None) => default,
        (code, message) => ServiceError::new(
            code.unwrap_or(&default.code),
            message.unwrap_or(&default.message),
        ),
    }
}

pub async fn handle(shared: &Shared, route: AdminRoute, req: Request<Incoming>) -> Response<Body> {
    if let AdminRoute::Dashboard(page) = route {
        return crate::dashboard::handle(shared, page, &req);
    }
    match run(shared, route, req).await {
        Ok(Some(value)) => with_json(api_response(shared.new_cv(), 200), &value),
        Ok(None) => empty(api_response(shared.new_cv(), 204)),
        Err(e) => error_response(shared.new_cv(), &e),
    }
}

async fn run(
    shared: &Shared,
    route: AdminRoute,
    req: Request<Incoming>,
) -> Result<Option<Value>, ApiError> {
    let now = shared.clock.now();
    Ok(Some(match route {
        AdminRoute::Health => json!({ "status": "ok" }),
        AdminRoute::Stats => {
            let mut v = serde_json::to_value(shared.counters.snapshot()).expect("stats serialise");
            v["resources"] = shared.read(|s| Ok(s.census(now)))?;
            v
        }
        AdminRoute::GetFaults => {
            let (plan, seed) = shared.faults.plan();
            json!({ "spec": plan.to_string(), "seed": seed })
        }
        AdminRoute::SetFaults => {
            let body = body_json(shared, req).await?;
            let spec = body["spec"].as_str().ok_or_else(|| {
                ApiError::bad_request(
                    "The spec field is required (a fault plan such as \"429=0.1\").",
                )
            })?;
            let plan = FaultPlan::parse(spec).map_err(ApiError::bad_request)?;
            let seed = body["seed"].as_u64().unwrap_or(0);
            shared.faults.set(plan, seed);
            return Ok(None);
        }
        AdminRoute::ClearFaults => {
            shared.faults.set(FaultPlan::default(), 0);
            return Ok(None);
        }
        AdminRoute::GetClock => clock_json(shared),
        AdminRoute::AdvanceClock => {
            let body = body_json(shared, req).await?;
            let seconds = body["seconds"]
                .as_f64()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "The seconds field must be a number of seconds, 0 or more.",
                    )
                })?;
            shared
                .clock
                .advance((seconds * NANOS_PER_SEC as f64) as i64);
            clock_json(shared)
        }
        AdminRoute::FailSession { account, id } => {
            let error = error_from(&body_json(shared, req).await?, default_session_error());
            let session = shared
                .mutate(|s| s.fail_session(&account, &id, error, now))
                .await?;
            serde_json::to_value(session).expect("models serialise")
        }
        AdminRoute::FailConversion { account, id } => {
            let error = error_from(&body_json(shared, req).await?, default_conversion_error());
            let c = shared
                .mutate(|s| {
                    s.end_conversion(
                        &account,
                        &id,
                        ConversionStatus::Failed,
                        Some(error),
                        now,
                        &shared.storage,
                    )
                })
                .await?;
            serde_json::to_value(c).expect("models serialise")
        }
        AdminRoute::StopSession { account, id } => {
            shared
                .mutate(|s| s.stop_session(&account, &id, now))
                .await?;
            let session = shared.read(|s| s.get_session(&account, &id, now))?;
            serde_json::to_value(session).expect("models serialise")
        }
        AdminRoute::Dashboard(_) => unreachable!("handled before"),
        AdminRoute::RevokeTokens { account } => {
            let (known, pending) = shared.revoke_tokens(&account);
            if !known {
                return Err(ApiError::not_found());
            }
            if let Some(pending) = pending {
                if !matches!(pending.await, Ok(Ok(()))) {
                    return Err(ApiError::with_body(
                        500,
                        "InternalServerError",
                        "The revocation could not be saved.",
                    ));
                }
            }
            return Ok(None);
        }
        AdminRoute::CancelConversion { account, id } => {
            let c = shared
                .mutate(|s| {
                    s.end_conversion(
                        &account,
                        &id,
                        ConversionStatus::Cancelled,
                        None,
                        now,
                        &shared.storage,
                    )
                })
                .await?;
            serde_json::to_value(c).expect("models serialise")
        }
    }))
}

fn clock_json(shared: &Shared) -> Value {
    json!({
        "now": Timestamp::conversion_form(to_datetime(shared.clock.now())).as_str(),
        "timeScale": shared.clock.scale(),
    })
}
