//! Which operation a request is: the eight ARR operations, the STS token call and the admin
//! endpoints. Routing is by hand because the API has a literal `:stop` segment and the STS is
//! called both as `/Accounts/…` and `/accounts/…`.

use hyper::Method;
use percent_encoding::percent_decode_str;
use std::borrow::Cow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Sts { account: String },
    CreateSession { account: String, id: String },
    GetSession { account: String, id: String },
    UpdateSession { account: String, id: String },
    StopSession { account: String, id: String },
    ListSessions { account: String },
    CreateConversion { account: String, id: String },
    GetConversion { account: String, id: String },
    ListConversions { account: String },
    Admin(AdminRoute),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminRoute {
    Health,
    Stats,
    GetFaults,
    SetFaults,
    ClearFaults,
    GetClock,
    AdvanceClock,
    FailSession {
        account: String,
        id: String,
    },
    FailConversion {
        account: String,
        id: String,
    },
    CancelConversion {
        account: String,
        id: String,
    },
    RevokeTokens {
        account: String,
    },
    StopSession {
        account: String,
        id: String,
    },
    /// The dashboard's page, assets and state (served by the dashboard module).
    Dashboard(DashboardRoute),
}

/// A path that exists, but not with this method.
#[derive(Debug, PartialEq, Eq)]
pub enum RouteError {
    NotFound,
    MethodNotAllowed(&'static str),
}

impl Route {
    /// Route names used in fault rules and statistics.
    pub const NAMES: &'static [&'static str] = &[
        "sts",
        "create_session",
        "get_session",
        "update_session",
        "stop_session",
        "list_sessions",
        "create_conversion",
        "get_conversion",
        "list_conversions",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Route::Sts { .. } => "sts",
            Route::CreateSession { .. } => "create_session",
            Route::GetSession { .. } => "get_session",
            Route::UpdateSession { .. } => "update_session",
            Route::StopSession { .. } => "stop_session",
            Route::ListSessions { .. } => "list_sessions",
            Route::CreateConversion { .. } => "create_conversion",
            Route::GetConversion { .. } => "get_conversion",
            Route::ListConversions { .. } => "list_conversions",
            Route::Admin(_) => "admin",
        }
    }

    pub fn account(&self) -> Option<&str> {
        match self {
            Route::Sts { account }
            | Route::ListSessions { account }
            | Route::ListConversions { account }
            | Route::CreateSession { account, .. }
            | Route::GetSession { account, .. }
            | Route::UpdateSession { account, .. }
            | Route::StopSession { account, .. }
            | Route::CreateConversion { account, .. }
            | Route::GetConversion { account, .. } => Some(account),
            Route::Admin(_) => None,
        }
    }

    pub fn parse(method: &Method, path: &str) -> Result<Route, RouteError> {
        // No route has more than this many segments; a longer path is not found. The segments
        // are kept on the stack and decoded only when they hold a `%` (routing runs on every
        // request).
        const MAX_SEGMENTS: usize = 6;
        let mut decoded: [Cow<'_, str>; MAX_SEGMENTS] = Default::default();
        let mut count = 0;
        for s in path.split('/').filter(|s| !s.is_empty()) {
            if count == MAX_SEGMENTS {
                return Err(RouteError::NotFound);
            }
            decoded[count] = if s.contains('%') {
                percent_decode_str(s).decode_utf8_lossy()
            } else {
                Cow::Borrowed(s)
            };
            count += 1;
        }
        let mut seg: [&str; MAX_SEGMENTS] = [""; MAX_SEGMENTS];
        for (to, from) in seg.iter_mut().zip(&decoded[..count]) {
            *to = from;
        }
        let seg = &seg[..count];
        let is = |s: &str, word: &str| s.eq_ignore_ascii_case(word);
        let allow = |ok: bool, r: Route, allowed: &'static str| {
            if ok {
                Ok(r)
            } else {
                Err(RouteError::MethodNotAllowed(allowed))
            }
        };
        let get = method == Method::GET;
        match seg {
            [a, acct, t] if is(a, "accounts") && is(t, "token") => allow(
                get,
                Route::Sts {
                    account: acct.to_string(),
                },
                "GET",
            ),
            [a, acct, s] if is(a, "accounts") && is(s, "sessions") => allow(
                get,
                Route::ListSessions {
                    account: acct.to_string(),
                },
                "GET",
            ),
            [a, acct, c] if is(a, "accounts") && is(c, "conversions") => allow(
                get,
                Route::ListConversions {
                    account: acct.to_string(),
                },
                "GET",
            ),
            [a, acct, s, id] if is(a, "accounts") && is(s, "sessions") => {
                let (account, id) = (acct.to_string(), id.to_string());
                match *method {
                    Method::PUT => Ok(Route::CreateSession { account, id }),
                    Method::GET => Ok(Route::GetSession { account, id }),
                    Method::PATCH => Ok(Route::UpdateSession { account, id }),
                    _ => Err(RouteError::MethodNotAllowed("GET, PUT, PATCH")),
                }
            }
            [a, acct, s, id, stop]
                if is(a, "accounts") && is(s, "sessions") && is(stop, ":stop") =>
            {
                let r = Route::StopSession {
                    account: acct.to_string(),
                    id: id.to_string(),
                };
                allow(method == Method::POST, r, "POST")
            }
            [a, acct, c, id] if is(a, "accounts") && is(c, "conversions") => {
                let (account, id) = (acct.to_string(), id.to_string());
                match *method {
                    Method::PUT => Ok(Route::CreateConversion { account, id }),
                    Method::GET => Ok(Route::GetConversion { account, id }),
                    _ => Err(RouteError::MethodNotAllowed("GET, PUT")),
                }
            }
            ["_emulator", rest @ ..] => Self::parse_admin(method, rest).map(Route::Admin),
            _ => Err(RouteError::NotFound),
        }
    }

    fn parse_admin(method: &Method, seg: &[&str]) -> Result<AdminRoute, RouteError> {
        let m = method.clone();
        let post = m == Method::POST;
        let one = |ok: bool, r: AdminRoute, allowed: &'static str| {
            if ok {
                Ok(r)
            } else {
                Err(RouteError::MethodNotAllowed(allowed))
            }
        };
        match seg {
            ["health"] => one(m == Method::GET, AdminRoute::Health, "GET"),
            ["stats"] => one(m == Method::GET, AdminRoute::Stats, "GET"),
            ["faults"] => match m {
                Method::GET => Ok(AdminRoute::GetFaults),
                Method::PUT => Ok(AdminRoute::SetFaults),
                Method::DELETE => Ok(AdminRoute::ClearFaults),
                _ => Err(RouteError::MethodNotAllowed("GET, PUT, DELETE")),
            },
            ["clock"] => one(m == Method::GET, AdminRoute::GetClock, "GET"),
            ["clock", "advance"] => one(post, AdminRoute::AdvanceClock, "POST"),
            ["accounts", acct, "sessions", id, "fail"] => one(
                post,
                AdminRoute::FailSession {
                    account: acct.to_string(),
                    id: id.to_string(),
                },
                "POST",
            ),
            ["accounts", acct, "conversions", id, "fail"] => one(
                post,
                AdminRoute::FailConversion {
                    account: acct.to_string(),
                    id: id.to_string(),
                },
                "POST",
            ),
            ["accounts", acct, "revoke-tokens"] => one(
                post,
                AdminRoute::RevokeTokens {
                    account: acct.to_string(),
                },
                "POST",
            ),
            ["accounts", acct, "conversions", id, "cancel"] => one(
                post,
                AdminRoute::CancelConversion {
                    account: acct.to_string(),
                    id: id.to_string(),
                },
                "POST",
            ),
            ["accounts", acct, "sessions", id, "stop"] => one(
                post,
                AdminRoute::StopSession {
                    account: acct.to_string(),
                    id: id.to_string(),
                },
                "POST",
            ),
            _ => parse_dashboard(&m, seg).map(AdminRoute::Dashboard),
        }
    }
}

/// A page of the dashboard (the dashboard module serves it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DashboardRoute {
    Page,
    Script,
    Style,
    State,
}

/// The dashboard's paths below `/_emulator/` (all `GET`).
pub fn parse_dashboard(method: &Method, seg: &[&str]) -> Result<DashboardRoute, RouteError> {
    let route = match seg {
        [] => DashboardRoute::Page,
        ["dashboard", "app.js"] => DashboardRoute::Script,
        ["dashboard", "app.css"] => DashboardRoute::Style,
        ["dashboard", "state"] => DashboardRoute::State,
        _ => return Err(RouteError::NotFound),
    };
    if method == Method::GET {
        Ok(route)
    } else {
        Err(RouteError::MethodNotAllowed("GET"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every dashboard path is an admin route: it passes the admin access decision.
    #[test]
    fn dashboard_paths_are_admin_routes() {
        for (path, page) in [
            ("/_emulator/", DashboardRoute::Page),
            ("/_emulator", DashboardRoute::Page),
            ("/_emulator/dashboard/app.js", DashboardRoute::Script),
            ("/_emulator/dashboard/app.css", DashboardRoute::Style),
            ("/_emulator/dashboard/state", DashboardRoute::State),
        ] {
            assert_eq!(
                Route::parse(&Method::GET, path),
                Ok(Route::Admin(AdminRoute::Dashboard(page))),
                "{path}"
            );
        }
        assert_eq!(
            Route::parse(&Method::POST, "/_emulator/"),
            Err(RouteError::MethodNotAllowed("GET"))
        );
        assert_eq!(
            Route::parse(&Method::GET, "/_emulator/dashboard/other"),
            Err(RouteError::NotFound)
        );
    }

    fn r(m: Method, p: &str) -> Result<Route, RouteError> {
        Route::parse(&m, p)
    }

    #[test]
    fn every_operation_routes() {
        let a = "00000000-1111-2222-3333-444455556666";
        assert_eq!(
            r(Method::GET, &format!("/Accounts/{a}/token")),
            Ok(Route::Sts { account: a.into() })
        );
        assert_eq!(
            r(Method::GET, &format!("/accounts/{a}/token")),
            Ok(Route::Sts { account: a.into() })
        );
        assert!(matches!(
            r(Method::PUT, &format!("/accounts/{a}/sessions/s1")),
            Ok(Route::CreateSession { .. })
        ));
        assert!(matches!(
            r(Method::PATCH, &format!("/accounts/{a}/sessions/s1")),
            Ok(Route::UpdateSession { .. })
        ));
        assert!(matches!(
            r(Method::POST, &format!("/accounts/{a}/sessions/s1/:stop")),
            Ok(Route::StopSession { .. })
        ));
        assert!(matches!(
            r(Method::POST, &format!("/accounts/{a}/sessions/s1/%3Astop")),
            Ok(Route::StopSession { .. })
        ));
        assert!(matches!(
            r(Method::GET, &format!("/accounts/{a}/sessions")),
            Ok(Route::ListSessions { .. })
        ));
        assert!(matches!(
            r(Method::PUT, &format!("/accounts/{a}/conversions/c1")),
            Ok(Route::CreateConversion { .. })
        ));
        assert!(matches!(
            r(Method::GET, &format!("/accounts/{a}/conversions")),
            Ok(Route::ListConversions { .. })
        ));
    }

    #[test]
    fn wrong_method_and_unknown_paths() {
        assert_eq!(
            r(Method::DELETE, "/accounts/x/sessions/s1"),
            Err(RouteError::MethodNotAllowed("GET, PUT, PATCH"))
        );
        assert_eq!(
            r(Method::GET, "/accounts/x/sessions/s1/:stop"),
            Err(RouteError::MethodNotAllowed("POST"))
        );
        assert_eq!(r(Method::GET, "/nothing/here"), Err(RouteError::NotFound));
        assert_eq!(
            r(Method::GET, "/accounts/x/sessions/s1/:start"),
            Err(RouteError::NotFound)
        );
    }
}
