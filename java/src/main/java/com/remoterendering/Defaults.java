package com.remoterendering;

import java.time.Duration;

/**
 * The shared defaults, as this package uses them. Each is a default of the core's vocabulary
 * table ({@link Vocabulary#json()}, {@code defaults}); the suite checks every one against it.
 */
public final class Defaults {
    private Defaults() {
    }

    /** The size a session gets when none is given. */
    public static final SessionSize SESSION_SIZE = SessionSize.STANDARD;
    /** The lease a session gets when none is given, in minutes. */
    public static final int LEASE_MINUTES = 30;
    /** The largest lease the service accepts, in minutes (24 hours). */
    public static final int MAX_LEASE_MINUTES = 1440;
    /** How often waits poll. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
    /** How long a session wait waits. */
    public static final Duration SESSION_WAIT_TIMEOUT = Duration.ofMinutes(30);
    /** How long a conversion wait waits. */
    public static final Duration CONVERSION_WAIT_TIMEOUT = Duration.ofHours(24);
    /** Time limit of one HTTP request. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Attempts per request, the first included. */
    public static final int MAX_ATTEMPTS = 5;
    /** Requests of one client on the wire at once; more wait for their turn. */
    public static final int MAX_CONCURRENT_REQUESTS = 64;
    /** An access token is refreshed when less than this is left of its life. */
    public static final Duration TOKEN_REFRESH_MARGIN = Duration.ofMinutes(5);
    /** Minutes the lease keeper adds each time. */
    public static final int LEASE_STEP_MINUTES = 10;
    /** The keeper extends when fewer minutes than this are left. */
    public static final int LEASE_MARGIN_MINUTES = 5;
    /** The keeper never extends the lease past this. */
    public static final int LEASE_MAX_TOTAL_MINUTES = 240;
    /** How often the keeper reads the session. */
    public static final Duration LEASE_CHECK_INTERVAL = Duration.ofMinutes(1);
    /** How long a SAS made from a storage account key is valid. */
    public static final Duration SAS_EXPIRY = Duration.ofHours(2);
    /** Files an upload sends at once. */
    public static final int UPLOAD_CONCURRENCY = 4;
    /** The most files an upload may send at once. */
    public static final int MAX_UPLOAD_CONCURRENCY = 64;
    /** How long an upload may take before it ends with {@link WaitTimeoutException} (and its report). */
    public static final Duration UPLOAD_TIMEOUT = Duration.ofHours(1);
    /** The most of a blob a read returns (64 MiB); a larger blob is refused, not cut. */
    public static final long READ_MAX_BYTES = 64L * 1024 * 1024;
    /** At most this much of a failed conversion's result file and of its log is read back. */
    public static final int MAX_REPORT_BYTES = 64 * 1024;
}
