//! The request log: the last API and STS requests (method, route, path, status, latency,
//! MS-CV), newest last, for the dashboard's live view.
//!
//! What is kept is chosen so that no secret can enter it: the path without its query string
//! (a SAS travels as a query string; the STS and the API never put one in a path), the route
//! name, and the answer's status and MS-CV. Bodies and request headers (tokens, keys, SAS
//! fields of conversions) are never read here. Admin and dashboard requests are not logged,
//! so that a dashboard watching the log does not fill it with its own polling.
//!
//! The log is a fixed-size ring: recording is one short lock and no formatting, so it costs
//! the API next to nothing (measured by `make bench`, the dashboard section).

use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// How many requests the log keeps.
pub const CAPACITY: usize = 1000;
/// Longest path kept, in bytes (longer ones are cut at a character boundary and marked `…`).
const MAX_PATH: usize = 256;

/// One logged request.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    /// Position in the log since the emulator started (1, 2, …): the cursor of `since`.
    pub seq: u64,
    /// Real time the request arrived, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub method: String,
    /// The route name used by fault rules and statistics (`get_session`, …), or `unknown`.
    pub route: &'static str,
    /// The request path, never its query string.
    pub path: String,
    /// The answer's status; 0 for a connection reset by fault injection.
    pub status: u16,
    pub latency_ms: f64,
    /// The answer's correlation vector, when it had one.
    pub ms_cv: Option<String>,
}

/// A page of the log: the entries after a cursor and the cursor to ask with next time.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogPage {
    /// The `seq` of the newest entry (0 when nothing was logged yet).
    pub last: u64,
    /// Entries were dropped between the cursor and the oldest kept entry.
    pub gap: bool,
    pub entries: Vec<LoggedRequest>,
}

#[derive(Debug, Default)]
struct Ring {
    last: u64,
    entries: VecDeque<LoggedRequest>,
}

#[derive(Debug, Default)]
pub struct RequestLog(Mutex<Ring>);

/// `path` without anything from its first `?` on, cut to [`MAX_PATH`] bytes, written into
/// `out` (whose buffer is reused: a full ring recycles its oldest entry's strings, so recording
/// allocates nothing once the ring is full).
fn clean_path_into(path: &str, out: &mut String) {
    out.clear();
    let path = path
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .map_or(path, |end| &path[..end]);
    if path.len() <= MAX_PATH {
        out.push_str(path);
        return;
    }
    let mut end = MAX_PATH;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&path[..end]);
    out.push('…');
}

#[cfg(test)]
fn clean_path(path: &str) -> String {
    let mut out = String::new();
    clean_path_into(path, &mut out);
    out
}

impl RequestLog {
    /// Whether a request to `path` belongs in the log (admin and dashboard requests do not).
    pub fn wants(path: &str) -> bool {
        !path.starts_with("/_emulator")
    }

    pub fn record(
        &self,
        method: &str,
        route: &'static str,
        path: &str,
        status: u16,
        latency: Duration,
        ms_cv: Option<&str>,
    ) {
        let at_ms = crate::clock::wall_now() / 1_000_000;
        let mut ring = self.0.lock().unwrap();
        ring.last += 1;
        let seq = ring.last;
        // The oldest entry of a full ring is reused, strings and all.
        let mut entry = if ring.entries.len() == CAPACITY {
            ring.entries.pop_front().expect("full")
        } else {
            LoggedRequest {
                seq: 0,
                at_ms: 0,
                method: String::new(),
                route,
                path: String::new(),
                status: 0,
                latency_ms: 0.0,
                ms_cv: None,
            }
        };
        entry.seq = seq;
        entry.at_ms = at_ms;
        entry.method.clear();
        entry.method.push_str(method);
        entry.route = route;
        clean_path_into(path, &mut entry.path);
        entry.status = status;
        entry.latency_ms = latency.as_secs_f64() * 1000.0;
        match (ms_cv, &mut entry.ms_cv) {
            (Some(cv), Some(kept)) => {
                kept.clear();
                kept.push_str(cv);
            }
            (cv, kept) => *kept = cv.map(str::to_owned),
        }
        ring.entries.push_back(entry);
    }

    /// The entries after `after`, oldest first, at most `max` of them (the newest ones).
    pub fn since(&self, after: u64, max: usize) -> LogPage {
        let ring = self.0.lock().unwrap();
        let newer = ring.entries.iter().filter(|e| e.seq > after);
        let count = newer.clone().count();
        let entries: Vec<LoggedRequest> = newer.skip(count.saturating_sub(max)).cloned().collect();
        let first_kept = entries.first().map_or(ring.last + 1, |e| e.seq);
        LogPage {
            last: ring.last,
            gap: first_kept > after + 1 && ring.last > after,
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_never_enter_the_log() {
        let log = RequestLog::default();
        log.record(
            "GET",
            "get_session",
            "/accounts/a/sessions/s?api-version=2021-01-01&sig=SECRET",
            200,
            Duration::from_millis(2),
            Some("cv.0"),
        );
        let page = log.since(0, 10);
        assert_eq!(page.entries[0].path, "/accounts/a/sessions/s");
        assert!(!format!("{page:?}").contains("SECRET"));
    }

    #[test]
    fn the_ring_keeps_the_newest_and_reports_gaps() {
        let log = RequestLog::default();
        for _ in 0..CAPACITY + 5 {
            log.record("GET", "sts", "/x", 200, Duration::ZERO, None);
        }
        let page = log.since(0, 3);
        assert_eq!(page.last, (CAPACITY + 5) as u64);
        assert_eq!(
            page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![page.last - 2, page.last - 1, page.last]
        );
        assert!(page.gap);
        let page = log.since(page.last - 1, 10);
        assert_eq!(page.entries.len(), 1);
        assert!(!page.gap);
        assert!(log.since(page.last, 10).entries.is_empty());
        assert!(!log.since(page.last, 10).gap);
    }

    #[test]
    fn a_recycled_entry_keeps_nothing_of_the_request_it_held() {
        let log = RequestLog::default();
        log.record(
            "DELETE",
            "stop_session",
            "/a/long/path/that/was/first",
            500,
            Duration::ZERO,
            Some("old.0"),
        );
        for i in 0..CAPACITY {
            let cv = (i % 2 == 0).then_some("new.1");
            log.record("GET", "sts", "/x?sig=S", 200, Duration::ZERO, cv);
        }
        let page = log.since(0, CAPACITY);
        assert_eq!(page.entries.len(), CAPACITY);
        for (i, e) in page.entries.iter().enumerate() {
            assert_eq!(
                (e.method.as_str(), e.route, e.path.as_str(), e.status),
                ("GET", "sts", "/x", 200)
            );
            assert_eq!(e.ms_cv.as_deref(), (i % 2 == 0).then_some("new.1"));
        }
    }

    #[test]
    fn long_paths_are_cut_at_a_character_boundary() {
        let long = format!("/{}", "é".repeat(300));
        let cut = clean_path(&long);
        assert!(cut.len() <= MAX_PATH + "…".len());
        assert!(cut.ends_with('…'));
    }
}
