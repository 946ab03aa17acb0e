package com.remoterendering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers of the suite (not a test). */
final class Support {
    private Support() {
    }

    /** A well-formed account id, for clients that never reach a real account. */
    static final String ACCOUNT_ID = "00000000-1111-2222-3333-444455556666";

    interface Call {
        void run() throws Exception;
    }

    /** Runs {@code call}, expecting an exception of {@code cls} with the code of its class. */
    static <E extends RemoteRenderingException> E expect(Class<E> cls, Call call) {
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown instanceof ExecutionException) {
            thrown = thrown.getCause();
        }
        if (thrown == null) {
            fail("expected a " + cls.getSimpleName() + ", but the call succeeded");
        }
        E e = assertInstanceOf(cls, thrown, () -> "expected a " + cls.getSimpleName());
        assertNotNull(e.getMessage());
        assertEquals(CODES.get(cls.getSimpleName()), e.code());
        return e;
    }

    /** The documented code of every class (core/src/error.rs `ErrorKind::code`). */
    static final java.util.Map<String, String> CODES = java.util.Map.ofEntries(
            java.util.Map.entry("InvalidInputException", "INVALID_INPUT"),
            java.util.Map.entry("AuthenticationException", "UNAUTHORIZED"),
            java.util.Map.entry("ForbiddenException", "FORBIDDEN"),
            java.util.Map.entry("NotFoundException", "NOT_FOUND"),
            java.util.Map.entry("ConflictException", "CONFLICT"),
            java.util.Map.entry("UnprocessableException", "UNPROCESSABLE"),
            java.util.Map.entry("ThrottledException", "THROTTLED"),
            java.util.Map.entry("ServiceException", "SERVICE_ERROR"),
            java.util.Map.entry("TransportException", "TRANSPORT_ERROR"),
            java.util.Map.entry("WaitTimeoutException", "TIMEOUT"),
            java.util.Map.entry("CancelledException", "CANCELLED"),
            java.util.Map.entry("SessionFailedException", "SESSION_FAILED"),
            java.util.Map.entry("ConversionFailedException", "CONVERSION_FAILED"),
            java.util.Map.entry("ProtocolException", "PROTOCOL_ERROR"),
            java.util.Map.entry("InternalException", "INTERNAL_ERROR"));

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Waits (at most {@code timeout}) until {@code cond} holds. */
    static void until(BooleanSupplier cond, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static ConversionSettings settings(String input, String inSas, String outSas) {
        return new ConversionSettings(
                new ConversionInputSettings("https://acct.blob.core.windows.net/input", input, null, inSas),
                new ConversionOutputSettings("https://acct.blob.core.windows.net/output", null, "box.arrAsset",
                        outSas));
    }

    static ConversionSettings settings() {
        return settings("models/box.fbx", "sv=in-secret-sas", "sv=out-secret-sas");
    }

    static WaitOptions<Session> fast() {
        return WaitOptions.<Session>defaults().pollInterval(Duration.ofMillis(10));
    }
}
