package com.remoterendering;

import static com.remoterendering.Support.await;
import static com.remoterendering.Support.expect;
import static com.remoterendering.Support.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every error kind, as the service (or the client) produces it. */
class ErrorsTest {
    static Emulator emu;
    static RemoteRenderingClient client;

    @BeforeAll
    static void start() {
        emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ofSeconds(60)));
        client = emu.clientBuilder().pollInterval(Duration.ofMillis(10)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        emu.close();
    }

    @Test
    void everyExceptionExtendsTheBaseAndIsUnchecked() {
        for (String name : Support.CODES.keySet()) {
            try {
                Class<?> c = Class.forName("com.remoterendering." + name);
                assertTrue(RemoteRenderingException.class.isAssignableFrom(c), name);
                assertTrue(RuntimeException.class.isAssignableFrom(c), name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(name, e);
            }
        }
    }

    @Test
    void aServiceBadRequestIsInvalidInputWithStatus400() {
        InvalidInputException e = expect(InvalidInputException.class,
                () -> client.startSession("bad-size", SessionSize.fromString("Enormous"), 10));
        assertEquals(OptionalInt.of(400), e.status());
    }

    @Test
    void aWrongAccountKeyIsAuthenticationAndTheKeyIsNotInTheMessage() {
        String key = "not-the-key-0123456789-secret";
        try (RemoteRenderingClient bad = emu.clientBuilder().accountKey(key).build()) {
            AuthenticationException e = expect(AuthenticationException.class, () -> bad.getSession("any"));
            assertEquals(OptionalInt.of(401), e.status());
            assertFalse(e.getMessage().contains(key));
            assertFalse(e.toString().contains(key));
        }
    }

    @Test
    void aFailingTokenProviderIsAuthentication() {
        try (RemoteRenderingClient bad = emu.clientBuilder().tokenProvider(() -> {
            throw new IllegalStateException("no token today");
        }).build()) {
            AuthenticationException e = expect(AuthenticationException.class, () -> bad.getSession("any"));
            assertTrue(e.getMessage().contains("no token today"), e.getMessage());
        }
    }

    @Test
    void aConversionWithoutSasOnUnlinkedStorageIsForbidden() {
        ForbiddenException e = expect(ForbiddenException.class,
                () -> client.startConversion("forbidden", settings("models/box.fbx", null, null)));
        assertEquals(OptionalInt.of(403), e.status());
        assertFalse(e.isRetriable());
        assertEquals("LinkedStorageAccessFailure", e.details().orElseThrow().code());
    }

    @Test
    void anUnknownSessionIsNotFoundWithStatusAndMsCv() {
        NotFoundException e = expect(NotFoundException.class, () -> client.getSession("missing"));
        assertEquals(OptionalInt.of(404), e.status());
        assertTrue(e.msCv().isPresent());
        assertFalse(e.isRetriable());
    }

    @Test
    void startingAnIdAgainWithAnotherSizeIsConflict() {
        client.startSession("conflict", SessionSize.STANDARD, 10);
        ConflictException e = expect(ConflictException.class, () -> client.startSession("conflict", SessionSize.PREMIUM, 10));
        assertEquals(OptionalInt.of(409), e.status());
    }

    @Test
    void shorteningTheLeaseIsUnprocessable() {
        client.startSession("shorten", SessionSize.STANDARD, 5);
        UnprocessableException e = expect(UnprocessableException.class, () -> client.updateSession("shorten", 3));
        assertEquals(OptionalInt.of(422), e.status());
    }

    @Test
    void throttlingAfterTheAttemptsAllowedIsThrottledWithRetryAfter() {
        emu.setFaults("429:1=1@get_session", 1);
        try (RemoteRenderingClient c = emu.clientBuilder().maxAttempts(2).build()) {
            long before = emu.requests("get_session");
            ThrottledException e = expect(ThrottledException.class, () -> c.getSession("throttled"));
            assertEquals(Duration.ofSeconds(1), e.retryAfter().orElseThrow());
            assertEquals(OptionalInt.of(429), e.status());
            assertTrue(e.isRetriable());
            assertEquals(2, emu.requests("get_session") - before, "maxAttempts 2: the attempt and one retry");
        } finally {
            emu.clearFaults();
        }
    }

    @Test
    void aThrottledCallIsRetriedAfterTheRetryAfterTheServiceGaveAndThenSucceeds() throws Exception {
        client.startSession("throttled-then-fine");
        emu.setFaults("429:1=1@get_session", 1);
        // The first answer is a 429 with Retry-After: 1; the faults are gone before the retry.
        Thread clear = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            emu.clearFaults();
        });
        long before = emu.requests("get_session");
        long t0 = System.nanoTime();
        clear.start();
        try {
            Session s = client.getSession("throttled-then-fine");
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("throttled-then-fine", s.id());
            assertTrue(waitedMs >= 900, "waited " + waitedMs + " ms, the service asked for 1 s");
            assertEquals(2, emu.requests("get_session") - before, "the throttled attempt and the retry");
        } finally {
            clear.join();
            emu.clearFaults();
        }
    }

    @Test
    void aServerErrorIsServiceExceptionAndRetriable() {
        emu.setFaults("500=1@get_session");
        try (RemoteRenderingClient c = emu.clientBuilder().maxAttempts(1).build()) {
            ServiceException e = expect(ServiceException.class, () -> c.getSession("server-error"));
            assertEquals(OptionalInt.of(500), e.status());
            assertTrue(e.isRetriable());
        } finally {
            emu.clearFaults();
        }
    }

    @Test
    void aPortNothingListensOnIsTransport() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RemoteRenderingClient dead = RemoteRenderingClient.builder().endpoint("http://127.0.0.1:" + port)
                .stsEndpoint("http://127.0.0.1:" + port).accountId(Support.ACCOUNT_ID)
                .accountDomain("eastus.mixedreality.azure.com").accountKey("k").maxAttempts(1).build()) {
            expect(TransportException.class, () -> dead.getSession("any"));
            expect(TransportException.class, () -> await(dead.getSessionAsync("any")));
        }
    }

    @Test
    void anAnswerTheClientCannotReadIsProtocol() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", x -> {
            byte[] body = "this is not json".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        fake.start();
        try (RemoteRenderingClient c = RemoteRenderingClient.builder()
                .endpoint("http://127.0.0.1:" + fake.getAddress().getPort()).accountId(Support.ACCOUNT_ID)
                .accountDomain("eastus.mixedreality.azure.com").accessToken("a-static-token").build()) {
            expect(ProtocolException.class, () -> c.getSession("any"));
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void aConversionThatFailsWhileWaitedOnIsConversionFailed() {
        client.startConversion("conv-fails", settings());
        emu.failConversion("conv-fails", "ConversionFailed", "broken model");
        ConversionFailedException e = expect(ConversionFailedException.class,
                () -> client.waitForConversion("conv-fails",
                        WaitOptions.<Conversion>defaults().pollInterval(Duration.ofMillis(10))));
        assertEquals(ConversionStatus.FAILED, e.conversion().orElseThrow().status());
        assertEquals("ConversionFailed", e.conversion().orElseThrow().error().code());
    }
}
