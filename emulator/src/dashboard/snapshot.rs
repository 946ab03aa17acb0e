//! The dashboard's state JSON: one bounded snapshot of sessions, conversions, the clock, the
//! fault plan, the counters and the request log.
//!
//! Each field is chosen here, never a model serialised whole, so that nothing secret can slip
//! in: conversions show their storage locations without any query string (a SAS travels in
//! one) and never their SAS fields; the request log holds no headers or bodies.

use crate::clock::to_datetime;
use crate::routes::Route;
use crate::server::Shared;
use remote_rendering_models::{Conversion, ServiceError, Session, SessionStatus, Timestamp};
use serde_json::{json, Value};

/// A Ready session whose lease has this many minutes or fewer left is marked as expiring: the
/// clients' lease keeper extends at this margin, so a session inside it that is not extended
/// is about to end.
pub const EXPIRING_MINUTES: i64 = 5;
/// Sessions and conversions shown per account (the newest; the totals are given).
pub const LIMIT: usize = 200;
/// Log entries in one answer (the newest after the cursor).
pub const LOG_PAGE: usize = 200;

/// `uri` without its query string or fragment.
fn no_query(uri: &str) -> &str {
    uri.split(['?', '#']).next().unwrap_or("")
}

/// `container/prefix/name` as one location, without any query string.
fn location(container: &str, prefix: Option<&str>, name: Option<&str>) -> String {
    let mut out = no_query(container).trim_end_matches('/').to_owned();
    for part in [prefix, name].into_iter().flatten() {
        let part = no_query(part).trim_matches('/');
        if !part.is_empty() {
            out.push('/');
            out.push_str(part);
        }
    }
    out
}

fn error(e: Option<&ServiceError>) -> Value {
    e.map_or(
        Value::Null,
        |e| json!({ "code": e.code, "message": e.message }),
    )
}

fn session(s: &Session) -> Value {
    let lease = s.max_lease_time_minutes.unwrap_or(0);
    let used = s.elapsed_time_minutes.unwrap_or(0);
    let remaining = (lease - used).max(0);
    json!({
        "id": s.id,
        "status": s.status.to_string(),
        "size": s.size.to_string(),
        "creationTime": s.creation_time.as_ref().map(Timestamp::as_str),
        "elapsedMinutes": used,
        "leaseMinutes": lease,
        "remainingMinutes": remaining,
        "expiring": s.status == SessionStatus::Ready && remaining <= EXPIRING_MINUTES,
        "ended": s.status.is_terminal(),
        "hostname": s.hostname,
        "handshakePort": s.handshake_port,
        "arrInspectorPort": s.arr_inspector_port,
        "teraflops": s.teraflops,
        "error": error(s.error.as_ref()),
    })
}

fn conversion(c: &Conversion) -> Value {
    let input = &c.settings.input_location;
    let output = &c.settings.output_location;
    json!({
        "id": c.id,
        "status": c.status.to_string(),
        "creationTime": c.creation_time.as_str(),
        "ended": c.status.is_terminal(),
        "input": location(
            &input.storage_container_uri,
            input.blob_prefix.as_deref(),
            Some(&input.relative_input_asset_path),
        ),
        "output": location(
            &output.storage_container_uri,
            output.blob_prefix.as_deref(),
            output.output_asset_filename.as_deref(),
        ),
        "outputAssetUri": c.output.as_ref().map(|o| no_query(&o.output_asset_uri)),
        "error": error(c.error.as_ref()),
    })
}

/// The whole state the page shows, with the requests logged after `since`.
pub fn snapshot(shared: &Shared, since: u64) -> Value {
    let now = shared.clock.now();
    let (accounts, resources) = {
        let mut store = shared.store.lock().unwrap();
        (
            store.overview(now, &shared.storage, LIMIT),
            store.census(now),
        )
    };
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|a| {
            json!({
                "id": a.account,
                "sessionCount": a.session_count,
                "conversionCount": a.conversion_count,
                "sessions": a.sessions.iter().map(session).collect::<Vec<_>>(),
                "conversions": a.conversions.iter().map(conversion).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (plan, seed) = shared.faults.plan();
    let mut stats = serde_json::to_value(shared.counters.snapshot()).expect("stats serialise");
    stats["resources"] = resources;
    json!({
        "clock": {
            "now": Timestamp::conversion_form(to_datetime(now)).as_str(),
            "timeScale": shared.clock.scale(),
        },
        "expiringMinutes": EXPIRING_MINUTES,
        "accounts": accounts,
        "faults": { "spec": plan.to_string(), "seed": seed, "routes": Route::NAMES },
        "stats": stats,
        "requests": shared.requests.since(since, LOG_PAGE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_drop_query_strings() {
        assert_eq!(
            location(
                "https://a.blob.core.windows.net/in?sv=1&sig=SECRET",
                Some("models/"),
                Some("box.fbx")
            ),
            "https://a.blob.core.windows.net/in/models/box.fbx"
        );
        assert_eq!(
            location("https://a.blob.core.windows.net/out/", None, None),
            "https://a.blob.core.windows.net/out"
        );
    }
}
