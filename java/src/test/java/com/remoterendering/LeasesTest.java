package com.remoterendering;

import static com.remoterendering.Support.expect;
import static com.remoterendering.Support.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lease keepers and managed sessions: extended in steps, always stopped. */
class LeasesTest {
    // timeScale 600: an emulated minute is 100 ms.
    static Emulator.Options fastClock() {
        return new Emulator.Options().startupDelay(Duration.ZERO).timeScale(600);
    }

    static KeepAliveOptions lease() {
        return KeepAliveOptions.defaults().stepMinutes(2).marginMinutes(1).maxTotalMinutes(6)
                .checkInterval(Duration.ofMillis(20));
    }

    @Test
    void keepAliveExtendsInStepsUpToMaxTotalMinutesAndNoFurther() throws Exception {
        try (Emulator emu = Emulator.start(fastClock());
                RemoteRenderingClient client = emu.clientBuilder().pollInterval(Duration.ofMillis(10)).build()) {
            client.startSession("keep-cap", SessionSize.STANDARD, 2);
            try (LeaseKeeper keeper = client.keepAlive("keep-cap", lease())) {
                assertEquals("keep-cap", keeper.sessionId());
                until(() -> !SessionStatus.READY.equals(client.getSession("keep-cap").status()), Duration.ofSeconds(5),
                        "the session to expire");
                Session s = client.getSession("keep-cap");
                assertEquals(SessionStatus.EXPIRED, s.status());
                assertEquals(6, s.leaseMinutes());
                assertEquals(2, keeper.extensions());
                assertEquals(2, emu.requests("update_session"));
                until(keeper::isFinished, Duration.ofSeconds(5), "the keeper to finish");
                assertEquals(6, keeper.latest().orElseThrow().leaseMinutes());
            }
        }
    }

    @Test
    void closingAKeeperStopsTheSessionAndDetachLeavesItRunning() {
        try (Emulator emu = Emulator.start(fastClock()); RemoteRenderingClient client = emu.client()) {
            client.startSession("keep-close", SessionSize.STANDARD, 30);
            LeaseKeeper keeper = client.keepAlive("keep-close", lease());
            keeper.close();
            keeper.close(); // idempotent
            assertEquals(SessionStatus.STOPPED, client.getSession("keep-close").status());
            assertTrue(keeper.isFinished());

            client.startSession("keep-detach", SessionSize.STANDARD, 30);
            client.keepAlive("keep-detach", lease()).detach();
            assertEquals(SessionStatus.READY, client.getSession("keep-detach").status());

            client.startSession("keep-no-stop", SessionSize.STANDARD, 30);
            client.keepAlive("keep-no-stop", lease().stopOnClose(false)).close();
            assertEquals(SessionStatus.READY, client.getSession("keep-no-stop").status());
            assertEquals(1, emu.requests("stop_session"));
        }
    }

    @Test
    void aKeeperWithABudgetStopsTheSessionBeforeTheBudgetIsPassed() throws Exception {
        try (Emulator emu = Emulator.start(fastClock()); RemoteRenderingClient client = emu.client()) {
            client.startSession("budget", SessionSize.STANDARD, 2);
            // 6 an hour, 0.10 a minute: lease 2 (0.20) then 4 (0.40) fit 0.45; 6 (0.60) does not.
            try (LeaseKeeper keeper = client.keepAlive("budget", lease().maxTotalMinutes(20).budget(0.45)
                    .costRates(new CostRates(6.0, null)))) {
                until(keeper::isFinished, Duration.ofSeconds(10), "the keeper to stop");
                assertTrue(keeper.stoppedByBudget());
                assertEquals(1, keeper.extensions());
                Session s = client.getSession("budget");
                assertEquals(SessionStatus.STOPPED, s.status());
                assertEquals(4, s.leaseMinutes());
                assertEquals(1, emu.requests("update_session"));
            }
        }
    }

    @Test
    void openSessionWaitsUntilReadyAndCloseStopsIt() {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ofSeconds(60)));
                RemoteRenderingClient client = emu.client()) {
            List<String> statuses = new ArrayList<>();
            ManagedSession managed;
            try (ManagedSession m = client.openSession(OpenSessionOptions.defaults().sessionId("managed")
                    .leaseMinutes(10).keepAlive(lease()).waitOptions(Support.fast().onProgress(s -> {
                        statuses.add(s.status().value());
                        if (statuses.size() == 2) {
                            emu.advanceClock(Duration.ofSeconds(61));
                        }
                    })))) {
                managed = m;
                assertEquals(SessionStatus.READY, m.session().status());
                assertEquals("managed", m.id());
                assertEquals(SessionStatus.READY, client.getSession("managed").status());
                assertEquals(0, m.extensions());
            }
            assertEquals(SessionStatus.STOPPED, client.getSession("managed").status());
            managed.close(); // idempotent
            assertEquals(1, emu.requests("stop_session"));
        }
    }

    @Test
    void aManagedSessionIsStoppedWhenTheBlockThrows() {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ZERO));
                RemoteRenderingClient client = emu.client()) {
            assertThrows(IllegalStateException.class, () -> {
                try (ManagedSession m = client.openSession(OpenSessionOptions.defaults().sessionId("thrown"))) {
                    throw new IllegalStateException("the work failed " + m.id());
                }
            });
            assertEquals(SessionStatus.STOPPED, client.getSession("thrown").status());
        }
    }

    @Test
    void anOpenSessionWhoseWaitTimesOutLeavesTheSessionStopped() {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ofSeconds(60)));
                RemoteRenderingClient client = emu.client()) {
            expect(WaitTimeoutException.class, () -> client.openSession(OpenSessionOptions.defaults()
                    .sessionId("managed-timeout").waitOptions(Support.fast().timeout(Duration.ofMillis(200)))));
            assertEquals(SessionStatus.STOPPED, client.getSession("managed-timeout").status());
        }
    }

    @Test
    void openSessionWithoutKeepAliveAndTheAsyncTwin() throws Exception {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ZERO));
                RemoteRenderingClient client = emu.client()) {
            try (ManagedSession m = client.openSession(OpenSessionOptions.defaults().sessionId("no-keep")
                    .keepAlive(false).waitOptions(Support.fast()))) {
                assertEquals(SessionStatus.READY, m.session().status());
            }
            assertEquals(SessionStatus.STOPPED, client.getSession("no-keep").status());
            try (ManagedSession m = Support.await(client.openSessionAsync(OpenSessionOptions.defaults()
                    .sessionId("async-managed").waitOptions(Support.fast())))) {
                assertEquals(SessionStatus.READY, m.session().status());
            }
            assertEquals(SessionStatus.STOPPED, client.getSession("async-managed").status());
            client.startSession("async-keeper", SessionSize.STANDARD, 30);
            try (LeaseKeeper k = Support.await(client.keepAliveAsync("async-keeper", lease()))) {
                assertEquals("async-keeper", k.sessionId());
            }
            assertEquals(SessionStatus.STOPPED, client.getSession("async-keeper").status());
        }
    }
}
