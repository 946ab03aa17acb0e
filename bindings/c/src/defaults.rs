//! The defaults of every language, as constants of the header (`RR_DEFAULT_*`), so that C
//! code can name them. Each is checked against the core's own value by a test.

/// A `timeout_ms` of 0: no limit beyond the operation's own (the client's request timeout and
/// retry budget, or a wait's default deadline), which always ends it.
pub const RR_DEFAULT_TIMEOUT: u64 = 0;
/// The poll interval of waits, in milliseconds (the service throttles faster pollers).
pub const RR_DEFAULT_POLL_INTERVAL_MS: u64 = 5_000;
/// The deadline of a session wait, in milliseconds (30 minutes).
pub const RR_DEFAULT_SESSION_WAIT_TIMEOUT_MS: u64 = 1_800_000;
/// The deadline of a conversion wait, in milliseconds (24 hours).
pub const RR_DEFAULT_CONVERSION_WAIT_TIMEOUT_MS: u64 = 86_400_000;
/// The time limit of one HTTP request, in milliseconds.
pub const RR_DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Attempts of a request, the first included.
pub const RR_DEFAULT_RETRY_MAX_ATTEMPTS: u32 = 5;
/// The backoff cap of the first retry, in milliseconds (doubled for each further one).
pub const RR_DEFAULT_RETRY_INITIAL_BACKOFF_MS: u64 = 500;
/// The largest backoff between two attempts, in milliseconds.
pub const RR_DEFAULT_RETRY_MAX_BACKOFF_MS: u64 = 30_000;
/// The most time all attempts of one request may take together, in milliseconds.
pub const RR_DEFAULT_RETRY_MAX_ELAPSED_MS: u64 = 120_000;
/// The first lease of `rr_client_open_session()`, in minutes.
pub const RR_DEFAULT_LEASE_MINUTES: u32 = 30;
/// The largest lease the service accepts, in minutes (24 hours).
pub const RR_MAX_LEASE_MINUTES: u32 = 1_440;
/// Minutes the lease keeper adds each time.
pub const RR_DEFAULT_LEASE_STEP_MINUTES: u32 = 10;
/// The lease keeper extends when fewer than this many minutes are left.
pub const RR_DEFAULT_LEASE_MARGIN_MINUTES: u32 = 5;
/// The lease keeper never extends past this many minutes.
pub const RR_DEFAULT_LEASE_MAX_TOTAL_MINUTES: u32 = 240;
/// How often the lease keeper reads the session, in milliseconds.
pub const RR_DEFAULT_LEASE_CHECK_INTERVAL_MS: u64 = 60_000;

#[cfg(test)]
mod tests {
    use super::*;
    use remote_rendering as core;

    fn ms(d: std::time::Duration) -> u64 {
        d.as_millis() as u64
    }

    #[test]
    fn the_headers_defaults_are_the_cores() {
        assert_eq!(RR_DEFAULT_POLL_INTERVAL_MS, ms(core::DEFAULT_POLL_INTERVAL));
        assert_eq!(
            RR_DEFAULT_SESSION_WAIT_TIMEOUT_MS,
            ms(core::DEFAULT_SESSION_WAIT_TIMEOUT)
        );
        assert_eq!(
            RR_DEFAULT_CONVERSION_WAIT_TIMEOUT_MS,
            ms(core::DEFAULT_CONVERSION_WAIT_TIMEOUT)
        );
        assert_eq!(
            RR_DEFAULT_REQUEST_TIMEOUT_MS,
            ms(core::DEFAULT_REQUEST_TIMEOUT)
        );
        let retry = core::RetryPolicy::default();
        assert_eq!(RR_DEFAULT_RETRY_MAX_ATTEMPTS, retry.max_attempts);
        assert_eq!(
            RR_DEFAULT_RETRY_INITIAL_BACKOFF_MS,
            ms(retry.initial_backoff)
        );
        assert_eq!(RR_DEFAULT_RETRY_MAX_BACKOFF_MS, ms(retry.max_backoff));
        assert_eq!(RR_DEFAULT_RETRY_MAX_ELAPSED_MS, ms(retry.max_elapsed));
        let session = core::SessionOptions::default();
        assert_eq!(RR_DEFAULT_LEASE_MINUTES, session.lease_minutes);
        assert_eq!(RR_MAX_LEASE_MINUTES, core::MAX_LEASE_MINUTES);
        let lease = core::LeaseOptions::default();
        assert_eq!(RR_DEFAULT_LEASE_STEP_MINUTES, lease.step_minutes);
        assert_eq!(RR_DEFAULT_LEASE_MARGIN_MINUTES, lease.margin_minutes);
        assert_eq!(RR_DEFAULT_LEASE_MAX_TOTAL_MINUTES, lease.max_total_minutes);
        assert_eq!(RR_DEFAULT_LEASE_CHECK_INTERVAL_MS, ms(lease.check_interval));
        assert!(lease.stop_on_drop);
    }
}
