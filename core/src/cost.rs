//! What a session costs: accrued from the minutes it has run, projected over its lease, at
//! rates per size and hour that the caller gives. No rate is assumed: the service's prices
//! differ by region, agreement and currency, and change.
//!
//! The same model backs the lease keeper's budget ([`LeaseOptions::budget`]), arrctl's
//! `--budget` and cost columns, and every binding.
//!
//! [`LeaseOptions::budget`]: crate::LeaseOptions::budget

use crate::error::{Error, Result};
use crate::model::{Session, SessionSize};
use serde::Serialize;

/// What one hour of a session costs, per size, in the caller's currency. A size without a rate
/// has no cost: asking for one names the missing field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostRates {
    /// One hour of a `Standard` session.
    pub standard_per_hour: Option<f64>,
    /// One hour of a `Premium` session.
    pub premium_per_hour: Option<f64>,
}

/// A session's cost at given rates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCost {
    /// The rate of the session's size, per hour.
    pub rate_per_hour: f64,
    /// Minutes the session has run (`elapsedTimeMinutes`) at the rate.
    pub accrued: f64,
    /// The whole lease (`maxLeaseTimeMinutes`) at the rate: what it costs if it runs to the end.
    pub projected: f64,
}

fn check_amount(field: &'static str, v: f64) -> Result<()> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            format!("must be a finite amount of at least 0, got {v}"),
        ))
    }
}

/// Checks a budget: a finite amount above 0.
pub fn check_budget(field: &'static str, budget: f64) -> Result<()> {
    if budget.is_finite() && budget > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            format!("must be a finite amount above 0, got {budget}"),
        ))
    }
}

impl CostRates {
    /// Rates for both sizes, checked.
    pub fn new(standard_per_hour: Option<f64>, premium_per_hour: Option<f64>) -> Result<Self> {
        let r = CostRates {
            standard_per_hour,
            premium_per_hour,
        };
        r.validate()?;
        Ok(r)
    }

    /// Every rate given is a finite amount of at least 0.
    pub fn validate(&self) -> Result<()> {
        if let Some(v) = self.standard_per_hour {
            check_amount("cost_rates.standard_per_hour", v)?;
        }
        if let Some(v) = self.premium_per_hour {
            check_amount("cost_rates.premium_per_hour", v)?;
        }
        Ok(())
    }

    /// Whether no rate is given at all.
    pub fn is_empty(&self) -> bool {
        self.standard_per_hour.is_none() && self.premium_per_hour.is_none()
    }

    /// The rate of `size` per hour; an error naming the field when it is not given (or the
    /// size is one this version does not know).
    pub fn per_hour(&self, size: &SessionSize) -> Result<f64> {
        let (field, rate) = match size {
            SessionSize::Standard => ("cost_rates.standard_per_hour", self.standard_per_hour),
            SessionSize::Premium => ("cost_rates.premium_per_hour", self.premium_per_hour),
            SessionSize::Unknown(other) => {
                return Err(Error::invalid_input(
                    "cost_rates",
                    format!("has no rate for the size {other:?}"),
                ))
            }
        };
        let rate = rate.ok_or_else(|| {
            Error::invalid_input(
                field,
                format!("is not set: a {size} session's cost needs it"),
            )
        })?;
        check_amount(field, rate)?;
        Ok(rate)
    }

    /// `minutes` of a `size` session.
    pub fn cost(&self, size: &SessionSize, minutes: u32) -> Result<f64> {
        Ok(self.per_hour(size)? * f64::from(minutes) / 60.0)
    }

    /// The accrued and projected cost of `session` as the service reported it.
    pub fn session_cost(&self, session: &Session) -> Result<SessionCost> {
        let rate = self.per_hour(&session.size)?;
        let minutes = |m: Option<i64>| m.unwrap_or(0).max(0) as f64;
        Ok(SessionCost {
            rate_per_hour: rate,
            accrued: rate * minutes(session.elapsed_minutes) / 60.0,
            projected: rate * minutes(session.lease_minutes) / 60.0,
        })
    }

    /// Refuses a lease of `lease_minutes` of a `size` session that would cost more than
    /// `budget`, naming `field` (the caller's name of the budget).
    pub fn check_lease(
        &self,
        field: &'static str,
        size: &SessionSize,
        lease_minutes: u32,
        budget: f64,
    ) -> Result<()> {
        check_budget(field, budget)?;
        let projected = self.cost(size, lease_minutes)?;
        if projected > budget {
            return Err(Error::invalid_input(
                field,
                format!(
                    "a {size} lease of {lease_minutes} minutes would cost {projected:.2}, more than the budget of {budget:.2}"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn session(size: SessionSize, elapsed: i64, lease: i64) -> Session {
        serde_json::from_value(serde_json::json!({
            "id": "s", "size": size.as_str(), "status": "Ready",
            "elapsedTimeMinutes": elapsed, "maxLeaseTimeMinutes": lease
        }))
        .unwrap()
    }

    #[test]
    fn accrued_and_projected_follow_the_minutes() {
        let r = CostRates::new(Some(3.0), Some(12.0)).unwrap();
        let c = r
            .session_cost(&session(SessionSize::Premium, 30, 90))
            .unwrap();
        assert_eq!(c.rate_per_hour, 12.0);
        assert_eq!(c.accrued, 6.0);
        assert_eq!(c.projected, 18.0);
        assert_eq!(r.cost(&SessionSize::Standard, 20).unwrap(), 1.0);
    }

    #[test]
    fn bad_or_missing_rates_name_the_field() {
        let e = CostRates::new(Some(-1.0), None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.field(), Some("cost_rates.standard_per_hour"));
        let e = CostRates::new(None, Some(f64::NAN)).unwrap_err();
        assert_eq!(e.field(), Some("cost_rates.premium_per_hour"));
        let e = CostRates::new(Some(3.0), None)
            .unwrap()
            .per_hour(&SessionSize::Premium)
            .unwrap_err();
        assert_eq!(e.field(), Some("cost_rates.premium_per_hour"));
        assert!(e.message().contains("not set"), "{e}");
    }

    #[test]
    fn a_lease_over_the_budget_is_refused() {
        let r = CostRates::new(Some(3.0), None).unwrap();
        r.check_lease("budget", &SessionSize::Standard, 60, 3.0)
            .unwrap();
        let e = r
            .check_lease("budget", &SessionSize::Standard, 61, 3.0)
            .unwrap_err();
        assert_eq!(e.field(), Some("budget"));
        assert!(e.message().contains("3.05"), "{e}");
        let e = r
            .check_lease("budget", &SessionSize::Standard, 10, 0.0)
            .unwrap_err();
        assert_eq!(e.field(), Some("budget"));
    }
}
