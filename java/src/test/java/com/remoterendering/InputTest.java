package com.remoterendering;

import static com.remoterendering.Support.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input is refused with the field named, before anything is sent (the counter is unchanged). */
class InputTest {
    static Emulator emu;
    static RemoteRenderingClient client;

    @BeforeAll
    static void start() {
        emu = Emulator.start();
        client = emu.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        emu.close();
    }

    private static void refused(String field, Support.Call call) {
        long before = emu.totalRequests();
        InvalidInputException e = expect(InvalidInputException.class, call);
        assertEquals(field, e.field().orElse(null), e.getMessage());
        assertFalse(e.status().isPresent(), "refused by the client, not the service");
        assertEquals(before, emu.totalRequests(), "nothing was sent");
    }

    @Test
    void badArgumentsOfEveryOperationAreRefusedNamingTheField() {
        refused("sessionId", () -> client.startSession("has a space"));
        refused("sessionId", () -> client.getSession(""));
        refused("sessionId", () -> client.getSession(null));
        refused("leaseMinutes", () -> client.startSession("lease-low", SessionSize.STANDARD, -1));
        refused("leaseMinutes", () -> client.startSession("lease-high", SessionSize.STANDARD, 5000));
        refused("leaseMinutes", () -> client.updateSession("lease-update", 1441));
        refused("sessionId", () -> client.stopSession("bad/id"));
        refused("conversionId", () -> client.getConversion("bad id"));
        refused("settings", () -> client.startConversion("conv-no-settings", null));
        refused("timeout", () -> client.waitForSession("w", WaitOptions.<Session>defaults()
                .timeout(Duration.ofSeconds(-1))));
        refused("pollInterval", () -> client.waitForConversion("w", WaitOptions.<Conversion>defaults()
                .pollInterval(Duration.ofMillis(-5))));
        refused("sessionId", () -> client.waitForSessions(List.of("ok", "not ok")));
        refused("sessionIds", () -> client.waitForSessions(null));
        refused("stepMinutes", () -> client.keepAlive("k", KeepAliveOptions.defaults().stepMinutes(-2)));
        refused("leaseMinutes", () -> client.openSession(OpenSessionOptions.defaults().leaseMinutes(99999)));
    }

    @Test
    void theAsyncTwinsFailTheirFutureTheSameWay() {
        long before = emu.totalRequests();
        CompletableFuture<Session> f = client.startSessionAsync("bad id");
        InvalidInputException e = expect(InvalidInputException.class, () -> Support.await(f));
        assertEquals("sessionId", e.field().orElseThrow());
        CompletableFuture<Session> g = client.waitForSessionAsync("w",
                WaitOptions.<Session>defaults().timeout(Duration.ofSeconds(-1)));
        assertEquals("timeout", expect(InvalidInputException.class, () -> Support.await(g)).field().orElseThrow());
        assertEquals(before, emu.totalRequests());
    }

    @Test
    void aBadClientIsRefusedAtBuildNamingTheField() {
        InvalidInputException e = expect(InvalidInputException.class,
                () -> RemoteRenderingClient.builder().region("eastus").accountId(Support.ACCOUNT_ID)
                        .accountDomain("eastus.mixedreality.azure.com").build());
        assertEquals("credential", e.field().orElseThrow());
        expect(InvalidInputException.class, () -> RemoteRenderingClient.builder().region("eastus")
                .accountId("not-a-uuid").accountDomain("eastus.mixedreality.azure.com").accountKey("k").build());
        expect(InvalidInputException.class, () -> RemoteRenderingClient.builder().region("eastus")
                .accountId(Support.ACCOUNT_ID).accountDomain("eastus").accountKey("k").build());
        expect(InvalidInputException.class, () -> RemoteRenderingClient.builder()
                .endpoint("http://remote.example.com").accountId(Support.ACCOUNT_ID)
                .accountDomain("eastus.mixedreality.azure.com").accountKey("k").build());
        InvalidInputException m = expect(InvalidInputException.class, () -> emu.clientBuilder().maxAttempts(0).build());
        assertEquals("maxAttempts", m.field().orElseThrow());
        // The concurrency limit: the core's rule and message, when the client is built.
        for (int bad : new int[] {0, 4097}) {
            InvalidInputException c = expect(InvalidInputException.class,
                    () -> emu.clientBuilder().maxConcurrentRequests(bad).build());
            assertEquals("maxConcurrentRequests", c.field().orElseThrow());
            assertTrue(c.getMessage().contains("must be from 1 to 4096"), c.getMessage());
        }
        emu.clientBuilder().maxConcurrentRequests(1).build().close();
        InvalidInputException t = expect(InvalidInputException.class,
                () -> emu.clientBuilder().requestTimeout(Duration.ofSeconds(-1)).build());
        assertEquals("requestTimeout", t.field().orElseThrow());
    }

    @Test
    void badBudgetsAndRatesAreRefusedNamingTheField() {
        long before = emu.totalRequests();
        InvalidInputException e = expect(InvalidInputException.class, () -> client.keepAlive("budget-session",
                KeepAliveOptions.defaults().budget(-1)));
        assertFalse(e.field().isEmpty());
        expect(InvalidInputException.class, () -> client.keepAlive("budget-session",
                KeepAliveOptions.defaults().budget(2.5)));
        assertEquals(before, emu.totalRequests());
    }
}
