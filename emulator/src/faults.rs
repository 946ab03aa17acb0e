//! Fault injection: throttling, server errors, connection resets and delays, by rate and per
//! route, deterministic for a given seed.
//!
//! A plan is a comma-separated list of rules `KIND[:PARAM]=RATE[@ROUTE]`:
//!
//! | kind | effect | param |
//! | --- | --- | --- |
//! | `429` | 429 with `Retry-After`, nothing done | Retry-After seconds (default 1) |
//! | `500` | 500 with the spec's error body, nothing done | |
//! | `503` | 503 with `Retry-After`, nothing done | Retry-After seconds (default 1) |
//! | `reset` | the connection is reset (RST) before the request is handled | |
//! | `reset-after` | the request is handled, then the connection is reset: the answer is lost | |
//! | `delay` | the answer is delayed, then the request proceeds | `250ms`, `2s` (default 1s) |
//!
//! `RATE` is a probability in `[0, 1]`. `ROUTE` is one of the route names (`Route::NAMES` in `routes.rs`) or `*` (default).
//! Example: `429:2=0.1@get_session,503=0.05,reset=0.02,delay:300ms=0.1@sts`.
//! Rules are drawn in order; the first error-type rule that fires wins, delays add up.

use crate::rng::SplitMix64;
use crate::routes::Route;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    Throttle { retry_after_secs: u32 },
    InternalError,
    Unavailable { retry_after_secs: u32 },
    Reset,
    ResetAfter,
    Delay(Duration),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    pub kind: FaultKind,
    pub rate: f64,
    /// `None` matches every route of the API and STS (never the admin routes).
    pub route: Option<&'static str>,
}

/// An ordered list of fault rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut rules = Vec::new();
        for raw in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            rules.push(parse_rule(raw)?);
        }
        Ok(FaultPlan { rules })
    }
}

fn parse_rule(raw: &str) -> Result<FaultRule, String> {
    let bad = |why: &str| format!("fault rule {raw:?}: {why} (form KIND[:PARAM]=RATE[@ROUTE])");
    let (lhs, rhs) = raw.split_once('=').ok_or_else(|| bad("missing '=RATE'"))?;
    let (rate_text, route) = match rhs.split_once('@') {
        Some((r, route)) => (r, Some(route.trim())),
        None => (rhs, None),
    };
    let rate: f64 = rate_text
        .trim()
        .parse()
        .map_err(|_| bad("RATE must be a number"))?;
    if !(0.0..=1.0).contains(&rate) {
        return Err(bad("RATE must be between 0 and 1"));
    }
    let route = match route {
        None | Some("*") => None,
        Some(name) => Some(
            Route::NAMES
                .iter()
                .copied()
                .find(|n| *n == name)
                .ok_or_else(|| {
                    bad(&format!(
                        "unknown route; routes: {}",
                        Route::NAMES.join(", ")
                    ))
                })?,
        ),
    };
    let (kind, param) = match lhs.trim().split_once(':') {
        Some((k, p)) => (k, Some(p)),
        None => (lhs.trim(), None),
    };
    let secs = |p: Option<&str>| -> Result<u32, String> {
        p.map_or(Ok(1), |p| {
            p.parse()
                .map_err(|_| bad("Retry-After must be whole seconds"))
        })
    };
    let kind = match kind {
        "429" => FaultKind::Throttle {
            retry_after_secs: secs(param)?,
        },
        "503" => FaultKind::Unavailable {
            retry_after_secs: secs(param)?,
        },
        "500" | "reset" | "reset-after" if param.is_some() => {
            return Err(bad("this kind takes no parameter"))
        }
        "500" => FaultKind::InternalError,
        "reset" => FaultKind::Reset,
        "reset-after" => FaultKind::ResetAfter,
        "delay" => FaultKind::Delay(match param {
            None => Duration::from_secs(1),
            Some(p) => parse_duration(p).ok_or_else(|| bad("delay takes e.g. 250ms or 2s"))?,
        }),
        _ => {
            return Err(bad(
                "KIND must be 429, 500, 503, reset, reset-after or delay",
            ))
        }
    };
    Ok(FaultRule { kind, rate, route })
}

fn parse_duration(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.parse().ok().map(Duration::from_millis);
    }
    let secs: f64 = text.strip_suffix('s').unwrap_or(text).parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match &r.kind {
                FaultKind::Throttle { retry_after_secs } => write!(f, "429:{retry_after_secs}")?,
                FaultKind::Unavailable { retry_after_secs } => write!(f, "503:{retry_after_secs}")?,
                FaultKind::InternalError => f.write_str("500")?,
                FaultKind::Reset => f.write_str("reset")?,
                FaultKind::ResetAfter => f.write_str("reset-after")?,
                FaultKind::Delay(d) => write!(f, "delay:{}ms", d.as_millis())?,
            }
            write!(f, "={}", r.rate)?;
            if let Some(route) = r.route {
                write!(f, "@{route}")?;
            }
        }
        Ok(())
    }
}

/// What the injector decided for one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    pub delay: Duration,
    /// The error-type fault to apply, if any.
    pub fault: Option<FaultKind>,
}

/// The plan plus its seeded RNG. One draw per matching rule per request, in arrival order.
#[derive(Debug)]
pub struct FaultInjector {
    inner: Mutex<(FaultPlan, SplitMix64, u64)>,
}

impl FaultInjector {
    pub fn new(plan: FaultPlan, seed: u64) -> Self {
        FaultInjector {
            inner: Mutex::new((plan, SplitMix64::new(seed), seed)),
        }
    }

    /// Replaces the plan and restarts the random sequence from `seed`.
    pub fn set(&self, plan: FaultPlan, seed: u64) {
        *self.inner.lock().unwrap() = (plan, SplitMix64::new(seed), seed);
    }

    pub fn plan(&self) -> (FaultPlan, u64) {
        let guard = self.inner.lock().unwrap();
        (guard.0.clone(), guard.2)
    }

    pub fn decide(&self, route: &str) -> Decision {
        let mut guard = self.inner.lock().unwrap();
        let (plan, rng, _) = &mut *guard;
        let mut decision = Decision::default();
        if plan.rules.is_empty() {
            return decision;
        }
        for rule in &plan.rules {
            if rule.route.is_some_and(|r| r != route) {
                continue;
            }
            if rng.next_f64() >= rule.rate {
                continue;
            }
            match &rule.kind {
                FaultKind::Delay(d) => decision.delay += *d,
                other => {
                    decision.fault = Some(other.clone());
                    break;
                }
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_prints_back() {
        let plan =
            FaultPlan::parse("429:2=0.1@get_session, 500=0.05,503=0.2,reset=0.01,reset-after=0.01@stop_session,delay:250ms=0.5@sts")
                .unwrap();
        assert_eq!(plan.rules.len(), 6);
        assert_eq!(
            plan.rules[0].kind,
            FaultKind::Throttle {
                retry_after_secs: 2
            }
        );
        assert_eq!(plan.rules[0].route, Some("get_session"));
        assert_eq!(
            plan.rules[5].kind,
            FaultKind::Delay(Duration::from_millis(250))
        );
        let again = FaultPlan::parse(&plan.to_string()).unwrap();
        assert_eq!(again, plan);
    }

    #[test]
    fn rejects_bad_rules_with_the_rule_named() {
        for bad in [
            "429",
            "429=2",
            "418=0.1",
            "429=0.1@nowhere",
            "500:3=0.1",
            "delay:soon=1",
        ] {
            let err = FaultPlan::parse(bad).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn same_seed_same_decisions() {
        let plan = FaultPlan::parse("429=0.3,503=0.3").unwrap();
        let a = FaultInjector::new(plan.clone(), 9);
        let b = FaultInjector::new(plan, 9);
        for _ in 0..200 {
            assert_eq!(a.decide("get_session"), b.decide("get_session"));
        }
    }

    #[test]
    fn route_filter_applies() {
        let inj = FaultInjector::new(FaultPlan::parse("500=1@sts").unwrap(), 1);
        assert_eq!(inj.decide("get_session").fault, None);
        assert_eq!(inj.decide("sts").fault, Some(FaultKind::InternalError));
    }
}
