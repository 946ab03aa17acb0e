package com.remoterendering;

import static com.remoterendering.Support.expect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conversions on real blob storage: uploads, SAS tokens, preflight and conversions against Azurite
 * (the core's launcher, through the test hook: one for the suite, on 127.0.0.1 and a free port,
 * stopped by PID) and the embedded emulator with blobStorage on. Without Azurite these tests are
 * skipped, unless REQUIRE_AZURITE=1 (or CI=true), as make test-java sets: then they fail.
 */
class StorageTest {
    static long azurite;
    static long pid;
    static Path dataDir;
    static String endpoint;
    static String accountName;
    static String key;
    static StorageAccount account;
    static final AtomicInteger NEXT = new AtomicInteger();

    @TempDir
    Path tmp;

    @BeforeAll
    static void startAzurite() {
        Map<String, Object> r = Json.map(Errors.unwrap(Native.azuriteStartForTest()));
        String why = Json.str(r, "unavailable");
        if (why != null) {
            boolean required = "1".equals(System.getenv("REQUIRE_AZURITE")) || "true".equals(System.getenv("CI"));
            if (required) {
                fail(why + "; required here (REQUIRE_AZURITE=1 or CI=true): install it with `make azurite`");
            }
            Assumptions.abort("skipped: " + why);
        }
        azurite = Json.lng(r, "handle");
        pid = Json.lng(r, "pid");
        dataDir = Path.of(Json.str(r, "dataDir"));
        endpoint = Json.str(r, "blobEndpoint");
        accountName = Json.str(r, "account");
        key = Json.str(r, "key");
        account = new StorageAccount(accountName, key, endpoint);
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite == 0) {
            return;
        }
        account.close();
        Native.azuriteStopForTest(azurite);
        azurite = 0;
        // Stopped by its PID, its data removed: nothing is left behind.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > end) {
                fail("Azurite (PID " + pid + ") still runs");
            }
            Thread.sleep(20);
        }
        assertFalse(Files.exists(dataDir), "Azurite's data folder " + dataDir + " is left");
    }

    /** A container of its own for each use, created. */
    static String container(String what) {
        String name = what + "-" + NEXT.incrementAndGet();
        assertTrue(account.createContainer(name));
        return name;
    }

    /** A glTF model: the .gltf, its buffer and a texture in a subfolder. */
    static Path model(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("textures"));
        Files.writeString(dir.resolve("scene.gltf"), "{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"uri\":"
                + "\"scene.bin\",\"byteLength\":1024}],\"images\":[{\"uri\":\"textures/wood%20dark.png\"}]}");
        byte[] bin = new byte[1024];
        java.util.Arrays.fill(bin, (byte) 7);
        Files.write(dir.resolve("scene.bin"), bin);
        byte[] png = new byte[300];
        java.util.Arrays.fill(png, (byte) 1);
        Files.write(dir.resolve("textures/wood dark.png"), png);
        return dir;
    }

    static long size(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** The emulator on blob storage (Azurite), its client, input and output containers, a model. */
    final class World implements AutoCloseable {
        final Emulator emu;
        final RemoteRenderingClient client;
        final String in = container("input");
        final String out = container("output");
        final BlobContainer input = account.container(in);
        final BlobContainer output = account.container(out);
        final Path model;

        World() throws Exception {
            this(new Emulator.Options());
        }

        World(Emulator.Options options) throws Exception {
            emu = Emulator.start(options.blobStorage(true).conversionDuration(Duration.ofMillis(200)));
            client = emu.client();
            model = model(Files.createDirectory(tmp.resolve("model-" + NEXT.incrementAndGet())));
        }

        void upload(String... skip) throws Exception {
            for (String s : skip) {
                Files.delete(model.resolve(s));
            }
            input.upload(model, UploadOptions.defaults().prefix("model"));
        }

        ConversionSettings settings(String inSas, String outSas) {
            return new ConversionSettings(
                    new ConversionInputSettings(account.containerUri(in), "scene.gltf", "model", inSas),
                    new ConversionOutputSettings(account.containerUri(out), "converted", null, outSas));
        }

        ConversionSettings leastPrivilege() {
            return settings(account.inputSas(in), account.outputSas(out));
        }

        Conversion run(String id, ConversionSettings settings) {
            client.startConversion(id, settings);
            return client.waitForConversionWithReport(id, output, WaitOptions.<Conversion>defaults()
                    .pollInterval(Duration.ofMillis(50)).timeout(Duration.ofSeconds(60)));
        }

        @Override
        public void close() {
            input.close();
            output.close();
            client.close();
            emu.close();
        }
    }

    @Test
    void anUploadReportsEveryFileAndItsProgressReachesTheTotal() throws Exception {
        String name = container("upload");
        Path dir = model(tmp);
        // Write-only: what an upload needs, nothing more.
        String sas = account.containerSas(name, "cw", Duration.ofMinutes(10));
        List<UploadProgress> events = Collections.synchronizedList(new ArrayList<>());
        UploadReport report;
        try (BlobContainer c = new BlobContainer(account.containerUri(name), sas)) {
            report = c.upload(dir, UploadOptions.defaults().prefix("model").concurrency(2).onProgress(events::add));
        }
        assertEquals(List.of("model/scene.bin", "model/scene.gltf", "model/textures/wood dark.png"), report.uploaded());
        assertTrue(report.notUploaded().isEmpty());
        long total = size(dir);
        assertEquals(total, report.bytes());
        UploadProgress last = events.stream().max((a, b) -> Long.compare(a.bytesDone(), b.bytesDone())).orElseThrow();
        assertEquals(total, last.bytesDone());
        assertEquals(total, last.bytesTotal());
        for (String blob : report.uploaded()) {
            List<UploadProgress> done = events.stream().filter(e -> e.blob().equals(blob) && e.fileDone())
                    .collect(Collectors.toList());
            assertEquals(1, done.size(), "one final update for " + blob);
            assertEquals(done.get(0).fileBytesTotal(), done.get(0).fileBytesDone());
        }
        // Read back with the account key: the bytes are there.
        try (BlobContainer keyed = account.container(name)) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("scene.bin")), keyed.read("model/scene.bin").orElseThrow());
            assertTrue(keyed.exists("model/textures/wood dark.png"));
            assertFalse(keyed.exists("model/nothing.png"));
            assertTrue(keyed.read("model/nothing.png").isEmpty());
            assertEquals(report.uploaded(), keyed.list("model"));
            assertEquals(report.uploaded(), keyed.listAsync().get(30, TimeUnit.SECONDS));
            assertTrue(keyed.existsAsync("model/scene.gltf").get(30, TimeUnit.SECONDS));
            // A blob larger than maxBytes is refused, never cut.
            assertEquals("maxBytes", expect(InvalidInputException.class, () -> keyed.read("model/scene.bin", 10))
                    .field().orElseThrow());
        }
    }

    @Test
    void anAsyncUploadDeliversItsProgressAndReport() throws Exception {
        String name = container("async");
        Path dir = model(tmp);
        List<UploadProgress> events = Collections.synchronizedList(new ArrayList<>());
        try (BlobContainer c = account.container(name)) {
            UploadReport report = c.uploadAsync(dir, UploadOptions.defaults().onProgress(events::add))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(3, report.uploaded().size());
            assertTrue(events.stream().anyMatch(e -> e.fileDone() && e.bytesDone() == e.bytesTotal()), "" + events);
            assertArrayEquals(Files.readAllBytes(dir.resolve("scene.gltf")),
                    c.readAsync("scene.gltf").get(30, TimeUnit.SECONDS).orElseThrow());
        }
    }

    @Test
    void aContainerIsCreatedOnceAndThenFound() {
        String name = "created-" + NEXT.incrementAndGet();
        assertTrue(account.createContainer(name));
        assertFalse(account.createContainer(name));
        assertEquals(endpoint + "/" + name, account.containerUri(name));
    }

    @Test
    void aConversionReadsTheUploadedInputAndWritesItsOutputWhichIsReadBack() throws Exception {
        try (World w = new World()) {
            w.upload();
            Preflight p = w.input.preflight(w.leastPrivilege());
            assertEquals("model/scene.gltf", p.inputBlob());
            assertEquals(Files.size(w.model.resolve("scene.gltf")), p.inputBytes());
            assertEquals(List.of("model/scene.bin", "model/textures/wood dark.png"), p.referenced());
            Conversion done = w.run("conv-ok", w.leastPrivilege());
            assertEquals(ConversionStatus.SUCCEEDED, done.status());
            String uri = done.outputAssetUri();
            assertEquals(account.containerUri(w.out) + "/converted/scene.arrAsset", uri);
            // The output blob, read back through the blob client.
            String asset = new String(w.output.read("converted/scene.arrAsset").orElseThrow(), StandardCharsets.UTF_8);
            assertTrue(asset.contains("input: model/scene.gltf"), asset);
            // And through a read link, which needs no other credential.
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(account.assetReadUrl(uri))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, got.statusCode());
            assertEquals(asset, got.body());
            String result = account.blobReadUrl(w.out, "converted/scene.result.json", Duration.ofMinutes(5));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(result)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"conversionId\": \"conv-ok\"") || r.body().contains("\"conversionId\":\"conv-ok\""),
                    r.body());
            // A link grants its one blob only.
            String other = account.assetReadUrl(uri).replace("scene.arrAsset", "scene.result.json");
            assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(other)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            // A succeeded conversion has a report too (its result file and log).
            assertTrue(w.output.readConversionReport(done).orElseThrow().contains("--- converted/scene.result.json"));
        }
    }

    @Test
    void anOutputSasWithoutWriteFailsTheConversionAsTheServiceDid() throws Exception {
        try (World w = new World()) {
            w.upload();
            // Read and list on the output: no write.
            String readOnly = account.containerSas(w.out, "rl", Duration.ofMinutes(10));
            ConversionFailedException e = expect(ConversionFailedException.class,
                    () -> w.run("conv-nowrite", w.settings(account.inputSas(w.in), readOnly)));
            assertEquals("OutputContainerError", e.details().orElseThrow().code());
            assertEquals(ConversionStatus.FAILED, e.conversion().orElseThrow().status());
            assertFalse(w.output.exists("converted/scene.arrAsset"));
            // Nothing could be written, so there is no report to read back.
            assertTrue(e.conversionReport().isEmpty(), e.conversionReport().toString());
        }
    }

    @Test
    void aFailedConversionCarriesItsResultFileAndLog() throws Exception {
        try (World w = new World()) {
            w.upload("textures/wood dark.png");
            // No preflight: the service finds the missing texture and writes why.
            ConversionFailedException e = expect(ConversionFailedException.class,
                    () -> w.run("conv-notex", w.leastPrivilege()));
            assertEquals("InputAssetError", e.details().orElseThrow().code());
            String report = e.conversionReport().orElseThrow();
            assertTrue(report.contains("--- converted/scene.result.json"), report);
            assertTrue(report.contains("\"status\": \"Failed\""), report);
            assertTrue(report.contains("--- converted/scene.conversion.log"), report);
            assertTrue(report.contains("found referenced file model/scene.bin"), report);
            assertFalse(report.contains("sig="), report);
            // The same report, read on its own, and by the async wait.
            assertEquals(report, w.output.readConversionReportAsync(e.conversion().orElseThrow())
                    .get(30, TimeUnit.SECONDS).orElseThrow());
            ConversionFailedException again = expect(ConversionFailedException.class,
                    () -> w.client.waitForConversionWithReportAsync("conv-notex", w.output).get(30, TimeUnit.SECONDS));
            assertEquals(report, again.conversionReport().orElseThrow());
            // Without the report: the plain wait.
            assertTrue(expect(ConversionFailedException.class, () -> w.client.waitForConversion("conv-notex"))
                    .conversionReport().isEmpty());
        }
    }

    @Test
    void aMissingReferencedFileIsCaughtBeforeAnythingIsStarted() throws Exception {
        try (World w = new World()) {
            w.upload("scene.bin");
            InvalidInputException e = expect(InvalidInputException.class, () -> w.input.preflight(w.leastPrivilege()));
            assertEquals("input.relativeInputAssetPath", e.field().orElseThrow());
            assertTrue(e.getMessage().contains("\"model/scene.bin\""), e.getMessage());
            assertTrue(e.getMessage().contains("buffers[0].uri"), e.getMessage());
            InvalidInputException async = expect(InvalidInputException.class,
                    () -> w.input.preflightAsync(w.leastPrivilege()).get(30, TimeUnit.SECONDS));
            assertEquals(e.getMessage(), async.getMessage());
            // Nothing was started.
            assertEquals(0, w.emu.requests("create_conversion"));
            assertTrue(w.client.listConversions().toList().isEmpty());
        }
    }

    @Test
    void linkedStorageWithAConfiguredKeyNeedsNoSas() throws Exception {
        try (World w = new World(new Emulator.Options().storageAccountKeys(Map.of(accountName, key)))) {
            w.upload();
            Conversion done = w.run("conv-linked", w.settings(null, null));
            assertEquals(ConversionStatus.SUCCEEDED, done.status());
            assertTrue(w.output.exists("converted/scene.arrAsset"));
        }
    }

    @Test
    void aContentIdIsTheSameForTheSameInputAndSendsNothing() throws Exception {
        try (World w = new World()) {
            long before = w.emu.totalRequests();
            String id = w.client.contentConversionId(w.model, w.leastPrivilege());
            // A new SAS, the same input and settings: the same id.
            assertEquals(id, w.client.contentConversionIdAsync(w.model, w.leastPrivilege()).get(30, TimeUnit.SECONDS));
            Files.writeString(w.model.resolve("scene.gltf"), "{}");
            assertNotEquals(id, w.client.contentConversionId(w.model, w.leastPrivilege()));
            assertEquals(before, w.emu.totalRequests());
            assertEquals("path", expect(InvalidInputException.class,
                    () -> w.client.contentConversionId(w.model.resolve("nothing"), w.leastPrivilege()))
                    .field().orElseThrow());
        }
    }

    @Test
    void anUploadCancelledPartWayReportsWhatWasAndWasNotUploaded() throws Exception {
        String name = container("cancel");
        Path dir = model(tmp);
        CancelToken cancel = new CancelToken();
        try (BlobContainer c = account.container(name)) {
            CancelledException e = expect(CancelledException.class, () -> c.upload(dir, UploadOptions.defaults()
                    .concurrency(1).cancel(cancel).onProgress(p -> {
                        if (p.fileDone()) {
                            cancel.cancel();
                        }
                    })));
            UploadReport report = e.uploadReport().orElseThrow();
            assertEquals(List.of("scene.bin"), report.uploaded());
            assertEquals(List.of("scene.gltf", "textures/wood dark.png"), report.notUploaded());
            assertTrue(e.getMessage().contains("uploaded 1 of 3 files"), e.getMessage());
            assertTrue(e.getMessage().contains("not uploaded: scene.gltf, textures/wood dark.png"), e.getMessage());
            // A token cancelled before: nothing is uploaded (and the async form says so the same way).
            CancelledException before = expect(CancelledException.class,
                    () -> c.uploadAsync(dir, UploadOptions.defaults().prefix("again").cancel(cancel))
                            .get(30, TimeUnit.SECONDS));
            assertTrue(before.uploadReport().orElseThrow().uploaded().isEmpty());
            assertEquals(3, before.uploadReport().orElseThrow().notUploaded().size());
            assertFalse(c.exists("again/scene.bin"));
        }
    }

    @Test
    void anUploadWithoutWritePermissionFailsNamingEveryFileNotUploaded() throws Exception {
        String name = container("nowrite");
        Path dir = model(tmp);
        try (BlobContainer rl = new BlobContainer(account.containerUri(name), account.inputSas(name))) {
            ForbiddenException e = expect(ForbiddenException.class,
                    () -> rl.upload(dir, UploadOptions.defaults().prefix("x")));
            UploadReport report = e.uploadReport().orElseThrow();
            assertTrue(report.uploaded().isEmpty());
            assertEquals(List.of("x/scene.bin", "x/scene.gltf", "x/textures/wood dark.png"), report.notUploaded());
            assertEquals(0, report.bytes());
        }
    }

    @Test
    void anUnreachableStorageEndpointIsATransportError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = model(tmp);
        try (StorageAccount nowhere = new StorageAccount(accountName, key,
                "http://127.0.0.1:" + port + "/" + accountName);
                BlobContainer c = nowhere.container("input")) {
            TransportException e = expect(TransportException.class, () -> c.upload(dir));
            assertTrue(e.getMessage().contains("storage.blob_endpoint"), e.getMessage());
            assertEquals(3, e.uploadReport().orElseThrow().notUploaded().size());
            expect(TransportException.class, () -> nowhere.createContainer("input"));
        }
    }

    @Test
    void badInputIsRefusedNamingTheFieldBeforeAnythingIsSent() throws Exception {
        String name = container("bad");
        Path dir = model(tmp);
        try (BlobContainer c = account.container(name)) {
            // A path that is neither a file nor a folder.
            assertEquals("path", expect(InvalidInputException.class, () -> c.upload(tmp.resolve("nothing")))
                    .field().orElseThrow());
            assertEquals("path", expect(InvalidInputException.class, () -> c.upload(Path.of("/dev/null")))
                    .field().orElseThrow());
            assertEquals("path", expect(InvalidInputException.class, () -> c.upload(null)).field().orElseThrow());
            // Concurrency 0 (and too many), blocking and async.
            for (int n : new int[] {0, -1, Defaults.MAX_UPLOAD_CONCURRENCY + 1}) {
                assertEquals("concurrency", expect(InvalidInputException.class,
                        () -> c.upload(dir, UploadOptions.defaults().concurrency(n))).field().orElseThrow());
            }
            assertEquals("concurrency", expect(InvalidInputException.class,
                    () -> c.uploadAsync(dir, UploadOptions.defaults().concurrency(0)).get(30, TimeUnit.SECONDS))
                    .field().orElseThrow());
            assertEquals("timeout", expect(InvalidInputException.class,
                    () -> c.uploadAsync(dir, UploadOptions.defaults().timeout(Duration.ofSeconds(-1)))
                            .get(30, TimeUnit.SECONDS)).field().orElseThrow());
            assertTrue(c.list().isEmpty(), "nothing was uploaded");
            assertEquals("blob", expect(InvalidInputException.class, () -> c.exists(null)).field().orElseThrow());
            assertEquals("settings", expect(InvalidInputException.class, () -> c.preflight(null)).field().orElseThrow());
        }
        // A malformed key, named without being repeated.
        InvalidInputException k = expect(InvalidInputException.class,
                () -> new StorageAccount(accountName, "not a key!", endpoint));
        assertEquals("storage.accountKey", k.field().orElseThrow());
        assertFalse(k.getMessage().contains("not a key!"), k.getMessage());
        assertEquals("storage.accountName", expect(InvalidInputException.class,
                () -> new StorageAccount("Not_A_Name", key, endpoint)).field().orElseThrow());
        assertEquals("storage.blobEndpoint", expect(InvalidInputException.class,
                () -> new StorageAccount(accountName, key, "http://example.com/" + accountName)).field().orElseThrow());
        // A bad permission letter, an empty one, an expiry out of range.
        assertEquals("permissions", expect(InvalidInputException.class,
                () -> account.containerSas(name, "rx")).field().orElseThrow());
        assertEquals("permissions", expect(InvalidInputException.class,
                () -> account.containerSas(name, "")).field().orElseThrow());
        assertEquals("expiry", expect(InvalidInputException.class,
                () -> account.inputSas(name, Duration.ofDays(8))).field().orElseThrow());
        assertEquals("expiry", expect(InvalidInputException.class,
                () -> account.outputSas(name, Duration.ofSeconds(-1))).field().orElseThrow());
        assertEquals("container", expect(InvalidInputException.class,
                () -> account.container("Bad_Name")).field().orElseThrow());
        assertEquals("sas", expect(InvalidInputException.class,
                () -> new BlobContainer(account.containerUri(name), "sv=2022-11-02")).field().orElseThrow());
        assertEquals("outputAssetUri", expect(InvalidInputException.class,
                () -> account.assetReadUrl("https://other.blob.core.windows.net/out/a.arrAsset")).field().orElseThrow());
        // The output of a report wait is required.
        try (Emulator emu = Emulator.start(); RemoteRenderingClient client = emu.client()) {
            assertEquals("output", expect(InvalidInputException.class,
                    () -> client.waitForConversionWithReport("c", null)).field().orElseThrow());
            assertEquals("output", expect(InvalidInputException.class,
                    () -> client.waitForConversionWithReportAsync("c", null).get(30, TimeUnit.SECONDS))
                    .field().orElseThrow());
        }
    }

    @Test
    void aSasLastsTheDefaultExpiryUnlessTold() {
        String name = container("expiry");
        // Each token starts 5 minutes in the past (clock skew) and lasts its expiry from now.
        String byDefault = account.inputSas(name);
        assertEquals(Defaults.SAS_EXPIRY.plusMinutes(5), Duration.between(instant(byDefault, "st"), instant(byDefault, "se")));
        String told = account.outputSas(name, Duration.ofMinutes(10));
        assertEquals(Duration.ofMinutes(15), Duration.between(instant(told, "st"), instant(told, "se")));
        assertTrue(account.inputSas(name).contains("sp=rl"));
        assertTrue(account.outputSas(name).contains("sp=cw"));
        assertTrue(account.containerSas(name, "lr").contains("sp=rl"));
    }

    static java.time.Instant instant(String sas, String key) {
        for (String kv : sas.split("&")) {
            if (kv.startsWith(key + "=")) {
                return java.time.Instant.parse(java.net.URLDecoder.decode(kv.substring(key.length() + 1),
                        StandardCharsets.UTF_8)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            }
        }
        throw new AssertionError("no " + key + " in the SAS");
    }

    @Test
    void noKeyOrSasIsEverInAnyOutput() throws Exception {
        Logger jul = Logger.getLogger(Logging.LOGGER);
        SecretsAndLogsTest.Capture capture = new SecretsAndLogsTest.Capture();
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
        Logging.enable(System.Logger.Level.TRACE);
        List<String> outputs = new ArrayList<>();
        try (World w = new World(new Emulator.Options().storageAccountKeys(Map.of(accountName, key)))) {
            w.upload("scene.bin");
            ConversionSettings settings = w.leastPrivilege();
            String inSas = settings.inputLocation().storageContainerReadListSas();
            String outSas = settings.outputLocation().storageContainerWriteSas();
            String link = account.blobReadUrl(w.out, "a.arrAsset");
            List<String> secrets = new ArrayList<>(List.of(key, sig(inSas), sig(outSas), sig(link)));
            for (String s : List.copyOf(secrets)) {
                secrets.add(java.net.URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
            outputs.add(account.toString());
            outputs.add(w.input.toString());
            try (BlobContainer bySas = new BlobContainer(account.containerUri(w.in), inSas)) {
                outputs.add(bySas.toString());
            }
            outputs.add(settings.toString());
            outputs.add(UploadOptions.defaults().onProgress(p -> { }).toString());
            outputs.add(w.emu.toString());
            outputs.add(expect(InvalidInputException.class, () -> w.input.preflight(settings)).toString());
            try (BlobContainer writeOnly = new BlobContainer(account.containerUri(w.out), outSas)) {
                outputs.add(expect(ForbiddenException.class, writeOnly::list).toString());
                outputs.add(expect(ForbiddenException.class, () -> writeOnly.exists("a")).toString());
            }
            ConversionFailedException failed = expect(ConversionFailedException.class,
                    () -> w.run("conv-secrets", settings));
            outputs.add(failed.toString());
            outputs.add(failed.conversionReport().orElse(""));
            outputs.add(failed.conversion().orElseThrow().toString());
            outputs.add(w.client.getConversion("conv-secrets").toString());
            try (StorageAccount wrong = new StorageAccount(accountName, "d3JvbmcK", endpoint);
                    BlobContainer c = wrong.container(w.in)) {
                outputs.add(org.junit.jupiter.api.Assertions.assertThrows(RemoteRenderingException.class,
                        () -> c.exists("model/scene.gltf")).toString());
            }
            Logging.disable();
            outputs.addAll(capture.snapshot());
            assertFalse(capture.snapshot().isEmpty(), "the core logged");
            for (String out : outputs) {
                for (String secret : secrets) {
                    assertFalse(out.contains(secret), "a secret in: " + out);
                }
            }
        } finally {
            Logging.disable();
            jul.removeHandler(capture);
        }
    }

    static String sig(String sas) {
        String s = sas.substring(sas.indexOf("sig=") + 4);
        int amp = s.indexOf('&');
        return amp < 0 ? s : s.substring(0, amp);
    }
}
