//! The dashboard's state JSON: one bounded snapshot of sessions, conversions, the clock, the
//! fault plan, the counters and the request log.
//!
//! Each field is chosen here, never a model serialised whole, so that nothing secret can slip
//! in: conversions show their storage locations without any query string (a SAS travels in
//! one) and never their SAS fields; the request log holds no headers or bodies.

use crate::clock::to_datetime;
use crate::requestlog::LogPage;
use crate::routes::Route;
use crate::server::Shared;
use crate::stats::Stats;
use remote_rendering_models::{Conversion, ServiceError, Session, SessionStatus, Timestamp};
use serde::Serialize;
use serde_json::Value;

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

#[derive(Serialize)]
struct ErrorView<'a> {
    code: &'a str,
    message: &'a str,
}

fn error(e: Option<&ServiceError>) -> Option<ErrorView<'_>> {
    e.map(|e| ErrorView {
        code: &e.code,
        message: &e.message,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionView<'a> {
    id: &'a str,
    status: &'a str,
    size: &'a str,
    creation_time: Option<&'a str>,
    elapsed_minutes: i64,
    lease_minutes: i64,
    remaining_minutes: i64,
    expiring: bool,
    ended: bool,
    hostname: Option<&'a str>,
    handshake_port: Option<u16>,
    arr_inspector_port: Option<u16>,
    teraflops: Option<f64>,
    error: Option<ErrorView<'a>>,
}

fn session(s: &Session) -> SessionView<'_> {
    let lease = s.max_lease_time_minutes.unwrap_or(0);
    let used = s.elapsed_time_minutes.unwrap_or(0);
    let remaining = (lease - used).max(0);
    SessionView {
        id: &s.id,
        status: s.status.as_str(),
        size: s.size.as_str(),
        creation_time: s.creation_time.as_ref().map(Timestamp::as_str),
        elapsed_minutes: used,
        lease_minutes: lease,
        remaining_minutes: remaining,
        expiring: s.status == SessionStatus::Ready && remaining <= EXPIRING_MINUTES,
        ended: s.status.is_terminal(),
        hostname: s.hostname.as_deref(),
        handshake_port: s.handshake_port,
        arr_inspector_port: s.arr_inspector_port,
        teraflops: s.teraflops,
        error: error(s.error.as_ref()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConversionView<'a> {
    id: &'a str,
    status: &'a str,
    creation_time: &'a str,
    ended: bool,
    input: String,
    output: String,
    output_asset_uri: Option<&'a str>,
    error: Option<ErrorView<'a>>,
}

fn conversion(c: &Conversion) -> ConversionView<'_> {
    let input = &c.settings.input_location;
    let output = &c.settings.output_location;
    ConversionView {
        id: &c.id,
        status: c.status.as_str(),
        creation_time: c.creation_time.as_str(),
        ended: c.status.is_terminal(),
        input: location(
            &input.storage_container_uri,
            input.blob_prefix.as_deref(),
            Some(&input.relative_input_asset_path),
        ),
        output: location(
            &output.storage_container_uri,
            output.blob_prefix.as_deref(),
            output.output_asset_filename.as_deref(),
        ),
        output_asset_uri: c.output.as_ref().map(|o| no_query(&o.output_asset_uri)),
        error: error(c.error.as_ref()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountView<'a> {
    id: &'a str,
    session_count: usize,
    conversion_count: usize,
    sessions: Vec<SessionView<'a>>,
    conversions: Vec<ConversionView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClockView {
    now: String,
    time_scale: f64,
}

#[derive(Serialize)]
struct FaultsView {
    spec: String,
    seed: u64,
    routes: &'static [&'static str],
}

#[derive(Serialize)]
struct StatsView {
    #[serde(flatten)]
    counters: Stats,
    resources: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotView<'a> {
    clock: ClockView,
    expiring_minutes: i64,
    accounts: Vec<AccountView<'a>>,
    faults: FaultsView,
    stats: StatsView,
    requests: LogPage,
}

/// The whole state the page shows, with the requests logged after `since`, as JSON bytes.
/// (Typed views of borrowed fields, written straight out: a poll costs the server little.)
pub fn snapshot(shared: &Shared, since: u64) -> Vec<u8> {
    let now = shared.clock.now();
    // Through `read`, as a GET: a conversion the overview settles is saved like any other.
    let (accounts, resources) = shared
        .read(|store| {
            Ok((
                store.overview(now, &shared.storage, LIMIT),
                store.census(now),
            ))
        })
        .unwrap_or_default();
    let (plan, seed) = shared.faults.plan();
    let view = SnapshotView {
        clock: ClockView {
            now: Timestamp::conversion_form(to_datetime(now))
                .as_str()
                .to_owned(),
            time_scale: shared.clock.scale(),
        },
        expiring_minutes: EXPIRING_MINUTES,
        accounts: accounts
            .iter()
            .map(|a| AccountView {
                id: &a.account,
                session_count: a.session_count,
                conversion_count: a.conversion_count,
                sessions: a.sessions.iter().map(session).collect(),
                conversions: a.conversions.iter().map(conversion).collect(),
            })
            .collect(),
        faults: FaultsView {
            spec: plan.to_string(),
            seed,
            routes: Route::NAMES,
        },
        stats: StatsView {
            counters: shared.counters.snapshot(),
            resources,
        },
        requests: shared.requests.since(since, LOG_PAGE),
    };
    serde_json::to_vec(&view).expect("the snapshot serialises")
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
