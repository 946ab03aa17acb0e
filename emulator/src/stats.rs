//! Request counters, per route and status, and injected faults: what a benchmark or a test
//! reads to count how many requests a client made.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RouteStats {
    pub requests: u64,
    /// Answers by HTTP status (a reset connection counts as status 0).
    pub statuses: BTreeMap<u16, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// API and STS requests (admin requests are not counted).
    pub requests: u64,
    #[serde(rename = "byRoute")]
    pub by_route: BTreeMap<String, RouteStats>,
    /// Injected faults by kind (`429`, `500`, `503`, `reset`, `reset-after`, `delay`).
    pub faults: BTreeMap<String, u64>,
}

impl Stats {
    /// Requests of one route (0 when there were none).
    pub fn route(&self, name: &str) -> u64 {
        self.by_route.get(name).map_or(0, |r| r.requests)
    }
}

#[derive(Debug, Default)]
pub struct Counters(Mutex<Stats>);

impl Counters {
    pub fn record(&self, route: &str, status: u16) {
        let mut s = self.0.lock().unwrap();
        s.requests += 1;
        // The route's entry exists after its first request: look it up without a new key.
        let r = match s.by_route.get_mut(route) {
            Some(r) => r,
            None => s.by_route.entry(route.to_owned()).or_default(),
        };
        r.requests += 1;
        *r.statuses.entry(status).or_default() += 1;
    }

    pub fn fault(&self, kind: &str) {
        *self
            .0
            .lock()
            .unwrap()
            .faults
            .entry(kind.to_owned())
            .or_default() += 1;
    }

    pub fn snapshot(&self) -> Stats {
        self.0.lock().unwrap().clone()
    }

    pub fn reset(&self) {
        *self.0.lock().unwrap() = Stats::default();
    }
}
