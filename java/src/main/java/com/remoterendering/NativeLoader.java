package com.remoterendering;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Properties;

/**
 * Finds and loads the JNI library: {@code -Dremote_rendering.library.path=/path/to/lib.so} for
 * development, else the copy packed in the jar under {@code native/<platform>/}, extracted to a
 * private temporary directory (owner-only), loaded from there and removed right after loading
 * (Linux keeps the mapping), so no copy outlives the JVM, however it ends. The library's version
 * must be this package's.
 */
final class NativeLoader {
    static final String LIBRARY = "libremote_rendering_java.so";
    static final String PATH_PROPERTY = "remote_rendering.library.path";

    private NativeLoader() {
    }

    /** This package's version (the Maven project's, which is the workspace's). */
    static String packageVersion() {
        try (InputStream in = NativeLoader.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The folder name of this platform: {@code linux-x86_64}, {@code linux-aarch64}, or the
     * {@code -musl} variants on a musl libc.
     */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.replaceAll("[^a-z0-9]", "");
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        boolean musl = o.equals("linux") && Files.exists(Path.of("/lib/ld-musl-" + a + ".so.1"));
        return o + "-" + a + (musl ? "-musl" : "");
    }

    static void load() {
        String override = System.getProperty(PATH_PROPERTY);
        if (override != null && !override.isEmpty()) {
            System.load(Path.of(override).toAbsolutePath().toString());
        } else {
            Path lib = extract(platform());
            System.load(lib.toString());
            // Loaded: the file and its folder go at once (Linux keeps the mapping of an unlinked
            // file), so nothing is left behind even when the JVM is killed or crashes before its
            // exit hooks run. deleteOnExit stays as the fallback should the removal fail here.
            try {
                Files.deleteIfExists(lib);
                Files.deleteIfExists(lib.getParent());
            } catch (IOException ignored) {
                // removed at exit instead
            }
        }
        checkVersion(packageVersion(), (String) Errors.unwrap(Native.version()));
    }

    /** Refuses a native library of another version than this package's. */
    static void checkVersion(String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new UnsatisfiedLinkError("the native library of remote-rendering is version " + actual
                    + " but this package is version " + expected + " (use the jar's own library, or set -D"
                    + PATH_PROPERTY + " to a build of version " + expected + ")");
        }
    }

    /** The packed library of {@code platform}, extracted to a new owner-only temporary folder. */
    static Path extract(String platform) {
        String resource = "/native/" + platform + "/" + LIBRARY;
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("remote-rendering has no native library for this platform ("
                        + platform + "): the jar holds native/<platform>/" + LIBRARY
                        + "; build one with cargo and set -D" + PATH_PROPERTY);
            }
            Path dir = Files.createTempDirectory("remote-rendering-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path lib = dir.resolve(LIBRARY);
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            // Deleted in reverse order of registration: the file, then its directory. (The
            // mapping stays valid after the unlink on Linux.)
            dir.toFile().deleteOnExit();
            lib.toFile().deleteOnExit();
            return lib;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract the native library of remote-rendering", e);
        }
    }
}
