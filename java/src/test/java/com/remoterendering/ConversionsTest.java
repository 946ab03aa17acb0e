package com.remoterendering;

import static com.remoterendering.Support.await;
import static com.remoterendering.Support.expect;
import static com.remoterendering.Support.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConversionsTest {
    static Emulator emu;
    static RemoteRenderingClient client;

    @BeforeAll
    static void start() {
        emu = Emulator.start(new Emulator.Options().conversionDuration(Duration.ofMinutes(10)).pageSize(2));
        client = emu.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        emu.close();
    }

    static WaitOptions<Conversion> fast() {
        return WaitOptions.<Conversion>defaults().pollInterval(Duration.ofMillis(10));
    }

    @Test
    void startConversionEchoesTheSettingsBackWithoutSas() {
        Conversion c = client.startConversion("conv-start", settings());
        assertEquals("conv-start", c.id());
        assertEquals("https://acct.blob.core.windows.net/input", c.settings().inputLocation().storageContainerUri());
        assertEquals("models/box.fbx", c.settings().inputLocation().relativeInputAssetPath());
        assertEquals("box.arrAsset", c.settings().outputLocation().outputAssetFilename());
        assertNull(c.settings().inputLocation().storageContainerReadListSas());
        assertNull(c.settings().outputLocation().storageContainerWriteSas());
        assertNotNull(c.createdOn());
    }

    @Test
    void getConversionIsRunningUntilTheDurationHasPassedThenTheWaitSucceeds() throws Exception {
        client.startConversion("conv-ok", settings());
        assertEquals("conv-ok", client.getConversion("conv-ok").id());
        List<String> seen = new ArrayList<>();
        Conversion done = client.waitForConversion("conv-ok", fast().onProgress(c -> {
            seen.add(c.status().value());
            if (seen.size() == 2) {
                emu.advanceClock(Duration.ofMinutes(11));
            }
        }));
        assertEquals(ConversionStatus.SUCCEEDED, done.status());
        assertNotNull(done.outputAssetUri());
        assertEquals(ConversionStatus.SUCCEEDED, await(client.getConversionAsync("conv-ok")).status());
        assertEquals(ConversionStatus.SUCCEEDED, await(client.waitForConversionAsync("conv-ok", fast())).status());
    }

    @Test
    void listConversionsIteratesEveryConversionAcrossPages() throws Exception {
        for (String id : List.of("conv-list-1", "conv-list-2", "conv-list-3")) {
            await(client.startConversionAsync(id, settings()));
        }
        List<String> ids = new ArrayList<>();
        client.listConversions().forEach(c -> ids.add(c.id()));
        assertEquals(true, ids.containsAll(List.of("conv-list-1", "conv-list-2", "conv-list-3")));
        assertEquals(ids.size(), await(client.listConversionsAsync()).size());
    }

    @Test
    void aCancelledConversionIsConversionFailed() {
        client.startConversion("conv-cancelled", settings());
        emu.cancelConversion("conv-cancelled");
        ConversionFailedException e = expect(ConversionFailedException.class,
                () -> client.waitForConversion("conv-cancelled", fast()));
        assertEquals(ConversionStatus.CANCELLED, e.conversion().orElseThrow().status());
    }

    @Test
    void startingAConversionAgainWithOtherSettingsIsConflict() {
        client.startConversion("conv-conflict", settings());
        expect(ConflictException.class,
                () -> client.startConversion("conv-conflict", settings("other.fbx", "sv=a", "sv=b")));
    }
}
