//! The dashboard: a live web page of the emulator's sessions, conversions, requests, faults
//! and clock, served by the emulator itself at `GET /_emulator/`.
//!
//! Everything it needs is compiled into the binary (`include_str!` of plain HTML, CSS and
//! JavaScript in `assets/`; no build step, nothing fetched from elsewhere). The page polls
//! `GET /_emulator/dashboard/state` once a second (and not while its tab is hidden) and acts
//! through the ordinary admin endpoints (stop, fail, cancel, faults, clock). Polling was chosen
//! over a held-open event stream so that every answer is an ordinary short response: the
//! server's cost is one bounded snapshot per open page per second, whatever the API's load,
//! and nothing stays open to delay a shutdown.
//!
//! Its routes are admin routes (`AdminRoute::Dashboard`), so they pass the same access
//! decision as every other `/_emulator/` endpoint.
//!
//! | method and path | answers |
//! | --- | --- |
//! | `GET /_emulator/` | the page |
//! | `GET /_emulator/dashboard/app.js`, `/app.css` | its script and style sheet |
//! | `GET /_emulator/dashboard/state?since=N` | the state as JSON ([`snapshot`]), with the requests logged after `N` |

mod snapshot;

use crate::respond::{api_response, Body};
use crate::routes::DashboardRoute;
use crate::shared::Shared;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};

pub use snapshot::snapshot;

const PAGE: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The page forbids everything but its own script, style sheet and same-origin requests, so
/// that nothing a client sent (ids, paths in the log) can ever run as code in it.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn asset(shared: &Shared, content_type: &str, text: &'static str) -> Response<Body> {
    api_response(shared.new_cv(), 200)
        .header(http::header::CONTENT_TYPE, content_type)
        .header(http::header::CACHE_CONTROL, "no-store")
        .header(http::header::CONTENT_SECURITY_POLICY, CSP)
        .header(http::header::REFERRER_POLICY, "no-referrer")
        .header(http::header::X_FRAME_OPTIONS, "DENY")
        .body(Full::new(Bytes::from_static(text.as_bytes())))
        .expect("valid response")
}

/// The `since` cursor of a state request (0, everything still in the log, when absent).
fn since(req: &Request<hyper::body::Incoming>) -> u64 {
    req.uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn handle(
    shared: &Shared,
    route: DashboardRoute,
    req: &Request<hyper::body::Incoming>,
) -> Response<Body> {
    match route {
        DashboardRoute::Page => asset(shared, "text/html; charset=utf-8", PAGE),
        DashboardRoute::Script => asset(shared, "text/javascript; charset=utf-8", SCRIPT),
        DashboardRoute::Style => asset(shared, "text/css; charset=utf-8", STYLE),
        DashboardRoute::State => api_response(shared.new_cv(), 200)
            .header(
                http::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header(http::header::CACHE_CONTROL, "no-store")
            .body(Full::new(Bytes::from(snapshot(shared, since(req)))))
            .expect("valid response"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page loads nothing from outside the emulator.
    #[test]
    fn assets_reference_nothing_outside() {
        for text in [PAGE, SCRIPT, STYLE] {
            assert!(!text.contains("http://") && !text.contains("https://"));
            assert!(!text.contains("//cdn"));
        }
    }
}
