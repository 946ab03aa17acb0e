//! Retries of idempotent requests: on 429, 500, 502, 503, 504 and broken connections, with
//! exponential backoff and full jitter, `Retry-After` honoured, bounded in attempts and in
//! total time. Every request this client makes is idempotent (GET, PUT by id, PATCH with the
//! same body, stop), so all of them are retried.

use crate::error::{Error, Result};
use std::time::Duration;

/// How requests are retried. The defaults are the same in every language.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The backoff cap of the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// The largest backoff between two attempts (a longer `Retry-After` ends the retries).
    pub max_backoff: Duration,
    /// The most time all attempts of one request may take together.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: crate::vocabulary::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.max_attempts == 0 {
            return Err(Error::invalid_input(
                "retry.max_attempts",
                "must be at least 1",
            ));
        }
        if self.max_backoff < self.initial_backoff {
            return Err(Error::invalid_input(
                "retry.max_backoff",
                "must not be smaller than retry.initial_backoff",
            ));
        }
        Ok(())
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), given the server's
    /// `Retry-After` if any: the server's wish when it gave one, else a random wait up to the
    /// exponential cap ("full jitter").
    pub(crate) fn backoff(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        random_unit: f64,
    ) -> Duration {
        if let Some(ra) = retry_after {
            return ra;
        }
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_backoff);
        exp.mul_f64(random_unit.clamp(0.0, 1.0))
    }
}

/// A random number in `[0, 1)` for jitter (no need for a cryptographic source).
pub(crate) fn jitter() -> f64 {
    let bytes = uuid::Uuid::new_v4();
    let n = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().expect("8 bytes"));
    (n >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, None, 1.0), Duration::from_millis(500));
        assert_eq!(p.backoff(2, None, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(3, None, 0.5), Duration::from_secs(1));
        assert_eq!(p.backoff(20, None, 1.0), Duration::from_secs(30));
        assert_eq!(p.backoff(2, None, 0.0), Duration::ZERO);
    }

    #[test]
    fn retry_after_wins() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(7)), 0.1),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn invalid_policies_are_refused() {
        assert!(RetryPolicy {
            max_attempts: 0,
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(RetryPolicy {
            initial_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(1),
            ..Default::default()
        }
        .validate()
        .is_err());
    }
}
