package com.remoterendering;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The base of every error of this package, unchecked. {@link #code()} is the stable code shared
 * by every language ({@code NOT_FOUND}, {@code THROTTLED}, ...); each code has its subclass (the
 * vocabulary table's {@code java} column). Messages never contain a secret.
 */
public class RemoteRenderingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final Integer status;
    private final String msCv;
    private final Duration retryAfter;
    private final String field;
    private final boolean retriable;
    private final transient ErrorDetails details;
    private final transient Session session;
    private final transient Conversion conversion;
    private final transient UploadReport uploadReport;
    private final String conversionReport;

    /** What a failed native call reported; the subclass is chosen by its code. */
    record Data(String code, String message, Integer status, String msCv, Duration retryAfter, String field,
            boolean retriable, ErrorDetails details, Session session, Conversion conversion,
            UploadReport uploadReport, String conversionReport) {
    }

    RemoteRenderingException(Data d) {
        super(d.message());
        this.code = d.code();
        this.status = d.status();
        this.msCv = d.msCv();
        this.retryAfter = d.retryAfter();
        this.field = d.field();
        this.retriable = d.retriable();
        this.details = d.details();
        this.session = d.session();
        this.conversion = d.conversion();
        this.uploadReport = d.uploadReport();
        this.conversionReport = d.conversionReport();
    }

    /** The stable code, e.g. {@code INVALID_INPUT}. */
    public String code() {
        return code;
    }

    /** The HTTP status the service answered with, when the error came from an answer. */
    public OptionalInt status() {
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The service's correlation vector ({@code MS-CV}), for support requests. */
    public Optional<String> msCv() {
        return Optional.ofNullable(msCv);
    }

    /** How long the service asked to wait before trying again ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The parameter that was refused (camelCase, e.g. {@code leaseMinutes}), for input errors. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** Whether the same call may succeed when tried again later. */
    public boolean isRetriable() {
        return retriable;
    }

    /** The service's error body, when it sent one. */
    public Optional<ErrorDetails> details() {
        return Optional.ofNullable(details);
    }

    /** The session as last seen (waits that time out or fail). */
    public Optional<Session> session() {
        return Optional.ofNullable(session);
    }

    /** The conversion as last seen (conversion waits that time out or fail). */
    public Optional<Conversion> conversion() {
        return Optional.ofNullable(conversion);
    }

    /** For a failed upload: what was and was not uploaded. */
    public Optional<UploadReport> uploadReport() {
        return Optional.ofNullable(uploadReport);
    }

    /**
     * For a failed conversion waited on with {@link RemoteRenderingClient#waitForConversionWithReport}:
     * its result file and log, read back from the output container (SAS tokens redacted).
     */
    public Optional<String> conversionReport() {
        return Optional.ofNullable(conversionReport);
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }
}
