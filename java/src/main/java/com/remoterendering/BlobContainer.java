package com.remoterendering;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A client of one blob container, authorised by a SAS (a secret, never in {@link #toString()}) or,
 * from {@link StorageAccount#container}, by the account's key: uploads with progress, the
 * preflight of a conversion's input, a failed conversion's report, and reads. Thread-safe. Every
 * operation is blocking, with an {@code …Async} twin returning a {@link CompletableFuture}.
 */
public final class BlobContainer implements AutoCloseable {
    private final NativeObject native_;
    private final String containerUri;

    /** A client of the container at {@code containerUri}, authorised by {@code sas} (with or without its {@code ?}). */
    public BlobContainer(String containerUri, String sas) {
        Native.ensureLoaded();
        Map<String, Object> r = Json.map(Errors.unwrap(Native.blobContainerNew(Json.write(
                Args.of("containerUri", containerUri, "sas", sas)))));
        this.native_ = new NativeObject(this, Json.lng(r, "handle"), Native::blobContainerFree, "blobContainer",
                "blob container");
        this.containerUri = Json.str(r, "uri");
    }

    BlobContainer(long ptr, String containerUri) {
        this.native_ = new NativeObject(this, ptr, Native::blobContainerFree, "blobContainer", "blob container");
        this.containerUri = containerUri;
    }

    /** The container's URI (no SAS). */
    public String containerUri() {
        return containerUri;
    }

    /** Runs {@code f} with this container's handle held open (it is passed to another native call). */
    <T> T withHandle(java.util.function.LongFunction<T> f) {
        return native_.handle.use(f);
    }

    private static Map<String, Object> uploadArgs(Path path, UploadOptions o) {
        Map<String, Object> a = Args.of("path", path == null ? null : path.toString());
        o.into(a);
        return a;
    }

    /** Uploads a local file or folder with the defaults ({@link UploadOptions#defaults()}). */
    public UploadReport upload(Path path) {
        return upload(path, UploadOptions.defaults());
    }

    /**
     * Uploads the file or every file of the folder at {@code path}, with progress in bytes. On any
     * failure (a file, the storage, the deadline, a cancel) the exception's {@link
     * RemoteRenderingException#uploadReport()} names what was and was not uploaded. A path that is
     * neither a file nor a folder is refused naming {@code path} before anything is sent.
     */
    public UploadReport upload(Path path, UploadOptions options) {
        UploadOptions o = options == null ? UploadOptions.defaults() : options;
        return UploadReport.fromJson(native_.call("upload", uploadArgs(path, o), o.bridge(), o.cancel));
    }

    public CompletableFuture<UploadReport> uploadAsync(Path path) {
        return uploadAsync(path, UploadOptions.defaults());
    }

    public CompletableFuture<UploadReport> uploadAsync(Path path, UploadOptions options) {
        UploadOptions o = options == null ? UploadOptions.defaults() : options;
        return native_.callAsync("upload", () -> uploadArgs(path, o), o.bridge(), o.cancel, UploadReport::fromJson);
    }

    /**
     * Checks a conversion's input before it is started (this is its input container): the input
     * blob exists with a name the service accepts, and so does every file a {@code .gltf}
     * references; {@link InvalidInputException} names what is missing.
     */
    public Preflight preflight(ConversionSettings settings) {
        return Preflight.fromJson(native_.call("preflight", settingsArgs(settings)));
    }

    public CompletableFuture<Preflight> preflightAsync(ConversionSettings settings) {
        return native_.callAsync("preflight", () -> settingsArgs(settings), Preflight::fromJson);
    }

    private static Map<String, Object> settingsArgs(ConversionSettings settings) {
        return Args.of("settings", settings == null ? null : settings.toJson());
    }

    private static Map<String, Object> conversionArgs(Conversion conversion) {
        return Args.of("conversion", conversion == null ? null : conversion.toJson());
    }

    /**
     * A conversion's result file and log in this (output) container, each cut at {@link
     * Defaults#MAX_REPORT_BYTES} and redacted of SAS tokens; empty when neither exists.
     */
    public Optional<String> readConversionReport(Conversion conversion) {
        return Optional.ofNullable((String) native_.call("readConversionReport", conversionArgs(conversion)));
    }

    public CompletableFuture<Optional<String>> readConversionReportAsync(Conversion conversion) {
        return native_.callAsync("readConversionReport", () -> conversionArgs(conversion),
                v -> Optional.ofNullable((String) v));
    }

    /** Whether a blob exists. */
    public boolean exists(String blob) {
        return (Boolean) native_.call("exists", Args.of("blob", blob));
    }

    public CompletableFuture<Boolean> existsAsync(String blob) {
        return native_.callAsync("exists", () -> Args.of("blob", blob), v -> (Boolean) v);
    }

    /** The names of every blob (needs list permission). */
    public List<String> list() {
        return list("");
    }

    /** The names of the blobs under {@code prefix} (needs list permission). */
    public List<String> list(String prefix) {
        return List.copyOf(UploadReport.strings(native_.call("list", Args.of("prefix", prefix))));
    }

    public CompletableFuture<List<String>> listAsync() {
        return listAsync("");
    }

    public CompletableFuture<List<String>> listAsync(String prefix) {
        return native_.callAsync("list", () -> Args.of("prefix", prefix), v -> List.copyOf(UploadReport.strings(v)));
    }

    /** A blob's bytes, at most {@link Defaults#READ_MAX_BYTES}; empty when it does not exist. */
    public Optional<byte[]> read(String blob) {
        return read(blob, Defaults.READ_MAX_BYTES);
    }

    /** A blob's bytes; empty when it does not exist; a blob larger than {@code maxBytes} is refused naming it. */
    public Optional<byte[]> read(String blob, long maxBytes) {
        return bytes(native_.call("read", Args.of("blob", blob, "maxBytes", maxBytes)));
    }

    public CompletableFuture<Optional<byte[]>> readAsync(String blob) {
        return readAsync(blob, Defaults.READ_MAX_BYTES);
    }

    public CompletableFuture<Optional<byte[]>> readAsync(String blob, long maxBytes) {
        return native_.callAsync("read", () -> Args.of("blob", blob, "maxBytes", maxBytes), BlobContainer::bytes);
    }

    private static Optional<byte[]> bytes(Object v) {
        return v == null ? Optional.empty() : Optional.of(Base64.getDecoder().decode((String) v));
    }

    /** Frees the native container (calls in flight finish first). Idempotent. */
    @Override
    public void close() {
        native_.handle.close();
    }

    @Override
    public String toString() {
        return "BlobContainer[containerUri=" + containerUri + "]";
    }
}
