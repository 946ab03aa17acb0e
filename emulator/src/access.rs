//! Who may use the admin API: the one decision for every path under `/_emulator/` (the admin
//! endpoints and anything else served there), made before the request is routed.
//!
//! * On loopback, with no `--admin-token`: anyone on this machine (as before).
//! * Beyond loopback (`--allow-remote`), or whenever `--admin-token` is given: the request
//!   must carry the credential, as `Authorization: Bearer TOKEN` or, for pages a browser
//!   opens, the cookie `arr-emulator-admin=TOKEN`. Without it: `401` with
//!   `WWW-Authenticate: Bearer realm="remote-rendering-emulator admin"`.
//! * `GET /_emulator/health` stays open: it tells nothing but that the server is up.
//! * Wherever it listens, a change (any method but `GET`/`HEAD`) that a browser sends on behalf
//!   of another origin is `403`: a page of any website may make a browser post a form to
//!   `127.0.0.1`, and the admin API changes state. Browsers mark such requests with
//!   `Sec-Fetch-Site` and `Origin`; programs (curl, the bindings, tests) send neither.
//!
//! The ARR and STS routes are not affected: they have the service's own authentication.

use crate::respond::{api_response, with_json, Body};
use crate::shared::Shared;
use http::HeaderMap;
use hyper::{Method, Response};
use remote_rendering_models::ErrorResponse;

/// The cookie a browser may carry the admin credential in.
pub const ADMIN_COOKIE: &str = "arr-emulator-admin";

/// Whether `path` (as sent, before percent-decoding) is under `/_emulator/`, decoded the way
/// the router decodes it.
pub fn is_admin_path(path: &str) -> bool {
    path.split('/')
        .find(|s| !s.is_empty())
        .is_some_and(|first| {
            // Every request asks this: decode only a segment that has something to decode.
            if first.contains('%') {
                percent_encoding::percent_decode_str(first).decode_utf8_lossy() == "_emulator"
            } else {
                first == "_emulator"
            }
        })
}

/// The admin access decision. `Err` is the answer to send instead.
pub fn admin_access(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), Box<Response<Body>>> {
    if !matches!(*method, Method::GET | Method::HEAD) && from_another_origin(headers) {
        return Err(Box::new(with_json(
            api_response(shared.new_cv(), 403),
            &ErrorResponse::new(
                "Forbidden",
                "The admin API refuses changes that a browser sends on behalf of another origin.",
            ),
        )));
    }
    let Some(expected) = &shared.admin_token else {
        return Ok(());
    };
    if is_health(path) || presented(headers).any(|t| constant_time_eq(t, expected.expose())) {
        return Ok(());
    }
    let builder = api_response(shared.new_cv(), 401).header(
        http::header::WWW_AUTHENTICATE,
        r#"Bearer realm="remote-rendering-emulator admin""#,
    );
    Err(Box::new(with_json(
        builder,
        &ErrorResponse::new(
            "Unauthorized",
            "The admin API needs its credential: Authorization: Bearer <admin token> (the adminToken of the ready line, or --admin-token).",
        ),
    )))
}

/// Whether a browser sent this request for a page of another origin: `Sec-Fetch-Site` says
/// so (`cross-site`, or `same-site`: another port of this host is another origin), or the
/// `Origin` is not the server the request was sent to (`Host`).
fn from_another_origin(headers: &HeaderMap) -> bool {
    let text = |name: http::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(http::header::HeaderName::from_static("sec-fetch-site")) {
        if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
            return true;
        }
    }
    let Some(origin) = text(http::header::ORIGIN) else {
        return false;
    };
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let host = text(http::header::HOST).unwrap_or("");
    origin == "null" || !authority.eq_ignore_ascii_case(host)
}

fn is_health(path: &str) -> bool {
    let segments: Vec<_> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy())
        .collect();
    segments.len() == 2 && segments[1] == "health"
}

/// The credentials a request presents: its bearer token and its admin cookie.
fn presented(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    let bearer = headers
        .get_all(http::header::AUTHORIZATION)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    let cookies = headers
        .get_all(http::header::COOKIE)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == ADMIN_COOKIE).then_some(value)
        });
    bearer.chain(cookies)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh random credential: 32 bytes from the system's generator, base64url.
pub fn generate_token() -> String {
    use base64::Engine;
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system random generator works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_paths_are_recognised_also_percent_encoded() {
        assert!(is_admin_path("/_emulator/stats"));
        assert!(is_admin_path("//_emulator/"));
        assert!(is_admin_path("/%5Femulator/faults"));
        assert!(!is_admin_path("/accounts/x/sessions"));
        assert!(!is_admin_path("/_emulatorx/stats"));
        assert!(is_health("/_emulator/health"));
        assert!(!is_health("/_emulator/health/x"));
        assert!(!is_health("/_emulator/stats"));
    }

    #[test]
    fn requests_a_browser_sends_for_another_origin_are_recognised() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            h
        };
        let here = ("host", "127.0.0.1:8700");
        // Programs send no Origin and no Sec-Fetch-Site.
        assert!(!from_another_origin(&headers(&[here])));
        // The dashboard's own requests.
        assert!(!from_another_origin(&headers(&[
            here,
            ("origin", "http://127.0.0.1:8700"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(from_another_origin(&headers(&[
            here,
            ("origin", "https://evil.example")
        ])));
        assert!(from_another_origin(&headers(&[
            here,
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(from_another_origin(&headers(&[here, ("origin", "null")])));
        assert!(from_another_origin(&headers(&[
            here,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(from_another_origin(&headers(&[
            here,
            ("sec-fetch-site", "same-site")
        ])));
    }

    #[test]
    fn bearer_and_cookie_credentials_are_read() {
        let mut h = HeaderMap::new();
        h.insert(http::header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        h.append(
            http::header::COOKIE,
            "a=1; arr-emulator-admin=xyz".parse().unwrap(),
        );
        assert_eq!(presented(&h).collect::<Vec<_>>(), ["abc", "xyz"]);
        assert_ne!(generate_token(), generate_token());
        assert_eq!(generate_token().len(), 43);
    }
}
