package com.remoterendering;

import static com.remoterendering.Support.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The native boundary: panics, the loader, closed handles. */
class BoundaryTest {
    @Test
    void aNativePanicInABlockingCallIsAnInternalException() {
        InternalException e = expect(InternalException.class, () -> Errors.unwrap(Native.panicForTest()));
        assertTrue(e.getMessage().contains("a panic for the test of the boundary"), e.getMessage());
        // The same words in every language: the core's, from the one table.
        assertTrue(e.getMessage().startsWith((String) VocabularyTest.TABLE.get("panic_message_prefix")), e.getMessage());
        // The library still works afterwards.
        assertEquals(NativeLoader.packageVersion(), Vocabulary.nativeVersion());
    }

    @Test
    void aNativePanicInAnAsyncCallCompletesTheFutureWithAnInternalException() {
        NativeCall<Object> call = new NativeCall<>(v -> v);
        call.started(((Number) Errors.unwrap(Native.panicForTestAsync(call))).longValue());
        InternalException e = expect(InternalException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("(async)"), e.getMessage());
        assertTrue(e.getMessage().startsWith((String) VocabularyTest.TABLE.get("panic_message_prefix")), e.getMessage());
    }

    @Test
    void theLibraryCameFromTheJarsFolderForThisPlatformAndMatchesTheVersion() {
        assertEquals("linux-x86_64", NativeLoader.platform());
        assertTrue(NativeLoader.class.getResource("/native/linux-x86_64/" + NativeLoader.LIBRARY) != null);
        assertEquals("0.1.0", NativeLoader.packageVersion());
    }

    @Test
    void theLibraryIsExtractedToAnOwnerOnlyFolderAndNoCopyIsLeftOnceLoaded() throws Exception {
        Path lib = NativeLoader.extract(NativeLoader.platform());
        try {
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(lib.getParent())));
            assertTrue(Files.size(lib) > 0);
        } finally {
            Files.deleteIfExists(lib);
            Files.deleteIfExists(lib.getParent());
        }
        // The library this JVM loaded (the suite's first native call did) is no longer on disk.
        long pid = ProcessHandle.current().pid();
        List<Path> mapped = Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream()
                .filter(l -> l.contains(NativeLoader.LIBRARY))
                .map(l -> Path.of(l.substring(l.indexOf('/')).replace(" (deleted)", "")))
                .distinct().toList();
        assertTrue(!mapped.isEmpty(), "the library is mapped");
        for (Path p : mapped) {
            assertTrue(!Files.exists(p), "the loaded copy " + p + " is still on disk");
        }
    }

    @Test
    void aPlatformWithoutALibraryInTheJarIsNamedWithTheWayOut() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> NativeLoader.extract("plan9-mips"));
        assertTrue(e.getMessage().contains("no native library for this platform (plan9-mips)"), e.getMessage());
        assertTrue(e.getMessage().contains("-D" + NativeLoader.PATH_PROPERTY), e.getMessage());
    }

    @Test
    void aNativeLibraryOfAnotherVersionIsRefusedNamingBoth() {
        NativeLoader.checkVersion("0.1.0", "0.1.0");
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLoader.checkVersion("0.1.0", "0.2.0"));
        assertTrue(e.getMessage().contains("version 0.2.0 but this package is version 0.1.0"), e.getMessage());
    }

    /** Starts an emulator and drops it unclosed; returns its port. */
    private static int abandonedEmulator() {
        Emulator e = Emulator.start();
        return java.net.URI.create(e.endpoint()).getPort();
    }

    @Test
    void anEmulatorNeverClosedIsStoppedByTheCleanerOnceUnreachable() throws Exception {
        int port = abandonedEmulator();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            System.gc();
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                if (s.isConnected() && System.nanoTime() > end) {
                    throw new AssertionError("the abandoned emulator still listens on " + port);
                }
            } catch (java.net.ConnectException stopped) {
                return;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aClosedClientRefusesCallsAndClosingTwiceIsFine() {
        try (Emulator emu = Emulator.start()) {
            RemoteRenderingClient c = emu.client();
            c.close();
            c.close();
            try {
                c.getSession("any");
                throw new AssertionError("a closed client answered");
            } catch (IllegalStateException expected) {
                assertTrue(expected.getMessage().contains("closed"));
            }
        }
    }
}
