//! The shared defaults as constants of the header (`RR_DEFAULT_*`, `RR_MAX_LEASE_MINUTES`), named
//! after the vocabulary's defaults (`max_*` as `RR_MAX_*`, every other as `RR_DEFAULT_*`;
//! durations in milliseconds with `_MS`). cbindgen writes a constant only from a literal (a path
//! to the core's constant is dropped, a string is not written at all: `RR_DEFAULT_SESSION_SIZE`
//! comes from build.rs), so each value is restated here and the compile-time checks below make
//! the build fail unless it is the core's own constant.

use remote_rendering::vocabulary as v;

/// A `timeout_ms` of 0: no limit beyond the operation's own (the client's request timeout and
/// retry budget, or a wait's default deadline), which always ends it.
pub const RR_DEFAULT_TIMEOUT: u64 = 0;
/// The first lease of a session, in minutes.
pub const RR_DEFAULT_LEASE_MINUTES: u32 = 30;
/// The largest lease the service accepts, in minutes (24 hours).
pub const RR_MAX_LEASE_MINUTES: u32 = 1_440;
/// The poll interval of waits, in milliseconds (the service throttles faster pollers).
pub const RR_DEFAULT_POLL_INTERVAL_MS: u64 = 5_000;
/// The deadline of a session wait, in milliseconds (30 minutes).
pub const RR_DEFAULT_SESSION_WAIT_TIMEOUT_MS: u64 = 1_800_000;
/// The deadline of a conversion wait, in milliseconds (24 hours).
pub const RR_DEFAULT_CONVERSION_WAIT_TIMEOUT_MS: u64 = 86_400_000;
/// The time limit of one HTTP request, in milliseconds.
pub const RR_DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Attempts of a request, the first included.
pub const RR_DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Requests of one client on the wire at once (1 to 4096); more wait for their turn.
pub const RR_DEFAULT_MAX_CONCURRENT_REQUESTS: u32 = 64;
/// The earlier name of `RR_DEFAULT_MAX_ATTEMPTS`.
pub const RR_DEFAULT_RETRY_MAX_ATTEMPTS: u32 = 5;
/// An access token is refreshed when less than this is left of its life, in milliseconds.
pub const RR_DEFAULT_TOKEN_REFRESH_MARGIN_MS: u64 = 300_000;
/// The backoff cap of the first retry, in milliseconds (doubled for each further one).
pub const RR_DEFAULT_RETRY_INITIAL_BACKOFF_MS: u64 = 500;
/// The largest backoff between two attempts, in milliseconds.
pub const RR_DEFAULT_RETRY_MAX_BACKOFF_MS: u64 = 30_000;
/// The most time all attempts of one request may take together, in milliseconds.
pub const RR_DEFAULT_RETRY_MAX_ELAPSED_MS: u64 = 120_000;
/// Minutes the lease keeper adds each time.
pub const RR_DEFAULT_LEASE_STEP_MINUTES: u32 = 10;
/// The lease keeper extends when fewer than this many minutes are left.
pub const RR_DEFAULT_LEASE_MARGIN_MINUTES: u32 = 5;
/// The lease keeper never extends past this many minutes.
pub const RR_DEFAULT_LEASE_MAX_TOTAL_MINUTES: u32 = 240;
/// How often the lease keeper reads the session, in milliseconds.
pub const RR_DEFAULT_LEASE_CHECK_INTERVAL_MS: u64 = 60_000;
/// How long a SAS made from a storage account key is valid, in milliseconds (2 hours).
pub const RR_DEFAULT_SAS_EXPIRY_MS: u64 = 7_200_000;
/// Files an upload sends at once.
pub const RR_DEFAULT_UPLOAD_CONCURRENCY: u32 = 4;
/// The most files an upload may send at once.
pub const RR_MAX_UPLOAD_CONCURRENCY: u32 = 64;
/// How long an upload may take before it ends with `RR_STATUS_TIMEOUT` (and its report), in
/// milliseconds (1 hour).
pub const RR_DEFAULT_UPLOAD_TIMEOUT_MS: u64 = 3_600_000;
/// The most of a blob a read returns (64 MiB); a larger blob is refused, not cut.
pub const RR_DEFAULT_READ_MAX_BYTES: u64 = 67_108_864;
/// At most this much of a failed conversion's result file and of its log is read back.
pub const RR_MAX_REPORT_BYTES: u64 = 65_536;

const fn ms(d: std::time::Duration) -> u64 {
    d.as_millis() as u64
}

// The build fails when a constant above is not the core's.
const _: () = {
    assert!(RR_DEFAULT_LEASE_MINUTES == v::DEFAULT_LEASE_MINUTES);
    assert!(RR_MAX_LEASE_MINUTES == v::MAX_LEASE_MINUTES);
    assert!(RR_DEFAULT_POLL_INTERVAL_MS == ms(v::DEFAULT_POLL_INTERVAL));
    assert!(RR_DEFAULT_SESSION_WAIT_TIMEOUT_MS == ms(v::DEFAULT_SESSION_WAIT_TIMEOUT));
    assert!(RR_DEFAULT_CONVERSION_WAIT_TIMEOUT_MS == ms(v::DEFAULT_CONVERSION_WAIT_TIMEOUT));
    assert!(RR_DEFAULT_REQUEST_TIMEOUT_MS == ms(v::DEFAULT_REQUEST_TIMEOUT));
    assert!(RR_DEFAULT_MAX_ATTEMPTS == v::DEFAULT_MAX_ATTEMPTS);
    assert!(RR_DEFAULT_MAX_CONCURRENT_REQUESTS == v::DEFAULT_MAX_CONCURRENT_REQUESTS);
    assert!(RR_DEFAULT_RETRY_MAX_ATTEMPTS == v::DEFAULT_MAX_ATTEMPTS);
    assert!(RR_DEFAULT_TOKEN_REFRESH_MARGIN_MS == ms(v::TOKEN_REFRESH_MARGIN));
    assert!(RR_DEFAULT_LEASE_STEP_MINUTES == v::DEFAULT_LEASE_STEP_MINUTES);
    assert!(RR_DEFAULT_LEASE_MARGIN_MINUTES == v::DEFAULT_LEASE_MARGIN_MINUTES);
    assert!(RR_DEFAULT_LEASE_MAX_TOTAL_MINUTES == v::DEFAULT_LEASE_MAX_TOTAL_MINUTES);
    assert!(RR_DEFAULT_LEASE_CHECK_INTERVAL_MS == ms(v::DEFAULT_LEASE_CHECK_INTERVAL));
    assert!(RR_DEFAULT_SAS_EXPIRY_MS == ms(v::DEFAULT_SAS_EXPIRY));
    assert!(RR_DEFAULT_UPLOAD_CONCURRENCY as usize == v::DEFAULT_UPLOAD_CONCURRENCY);
    assert!(RR_MAX_UPLOAD_CONCURRENCY as usize == v::MAX_UPLOAD_CONCURRENCY);
    assert!(RR_DEFAULT_UPLOAD_TIMEOUT_MS == ms(v::DEFAULT_UPLOAD_TIMEOUT));
    assert!(RR_DEFAULT_READ_MAX_BYTES == v::DEFAULT_READ_MAX_BYTES);
    assert!(RR_MAX_REPORT_BYTES == remote_rendering::storage::MAX_REPORT_BYTES);
};

#[cfg(test)]
mod tests {
    use super::*;
    use remote_rendering as core;

    #[test]
    fn the_headers_session_size_is_the_cores() {
        // Written by build.rs (cbindgen writes no string constant).
        let header = include_str!("../../../include/remote_rendering.h");
        let line = format!(
            "#define RR_DEFAULT_SESSION_SIZE \"{}\"",
            v::DEFAULT_SESSION_SIZE.as_str()
        );
        assert!(header.contains(&line), "the header lacks {line}");
    }

    #[test]
    fn the_retry_defaults_are_the_cores() {
        // Not constants of the core (a Default impl), so checked here rather than at build time.
        let retry = core::RetryPolicy::default();
        assert_eq!(
            RR_DEFAULT_RETRY_INITIAL_BACKOFF_MS,
            retry.initial_backoff.as_millis() as u64
        );
        assert_eq!(
            RR_DEFAULT_RETRY_MAX_BACKOFF_MS,
            retry.max_backoff.as_millis() as u64
        );
        assert_eq!(
            RR_DEFAULT_RETRY_MAX_ELAPSED_MS,
            retry.max_elapsed.as_millis() as u64
        );
        assert_eq!(RR_DEFAULT_MAX_ATTEMPTS, retry.max_attempts);
    }
}
