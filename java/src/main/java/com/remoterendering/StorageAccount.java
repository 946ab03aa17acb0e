package com.remoterendering;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A storage account and its key (a secret, never in {@link #toString()}): the containers of a
 * conversion, least-privilege SAS tokens made from the key, and read links to converted assets.
 * SAS tokens and read URLs are secrets too: they are returned as strings (to put into {@link
 * ConversionSettings}), and never appear in any {@code toString}, message or log of this package.
 * Thread-safe. Errors are {@link RemoteRenderingException}s; a bad argument is refused with
 * {@link InvalidInputException} naming it before anything is sent.
 *
 * <pre>{@code
 * try (var account = new StorageAccount("mystorage", key);
 *      var input = account.container("arrinput")) {
 *     input.upload(Path.of("model"), UploadOptions.defaults().prefix("model"));
 *     String sas = account.inputSas("arrinput");
 * }
 * }</pre>
 */
public final class StorageAccount implements AutoCloseable {
    private final NativeObject native_;
    private final String accountName;
    private final String blobEndpoint;

    /** The account at Azure's {@code https://{accountName}.blob.core.windows.net}. */
    public StorageAccount(String accountName, String accountKey) {
        this(accountName, accountKey, null);
    }

    /**
     * The account at {@code blobEndpoint}: {@code null} for Azure's endpoint, or a path-style one
     * such as Azurite's {@code http://127.0.0.1:10000/devstoreaccount1} (plain http only to
     * loopback addresses). A key that is not base64 is refused naming {@code storage.accountKey}.
     */
    public StorageAccount(String accountName, String accountKey, String blobEndpoint) {
        Native.ensureLoaded();
        Map<String, Object> r = Json.map(Errors.unwrap(Native.storageAccountNew(Json.write(
                Args.of("accountName", accountName, "accountKey", accountKey, "blobEndpoint", blobEndpoint)))));
        Map<String, Object> info = Json.map(r.get("info"));
        this.native_ = new NativeObject(this, Json.lng(r, "handle"), Native::storageAccountFree, "storageAccount",
                "storage account");
        this.accountName = Json.str(info, "name");
        this.blobEndpoint = Json.str(info, "blobEndpoint");
    }

    /** The storage account's name. */
    public String accountName() {
        return accountName;
    }

    /** The blob endpoint, without a trailing {@code /}. */
    public String blobEndpoint() {
        return blobEndpoint;
    }

    /** {@code {blobEndpoint}/{container}}: a conversion's {@code storageContainerUri}. */
    public String containerUri(String container) {
        return (String) native_.call("containerUri", Args.of("container", container));
    }

    /** Creates a private container when it does not exist: true when created, false when it was there. */
    public boolean createContainer(String container) {
        return (Boolean) native_.call("createContainer", Args.of("container", container));
    }

    public CompletableFuture<Boolean> createContainerAsync(String container) {
        return native_.callAsync("createContainer", () -> Args.of("container", container), v -> (Boolean) v);
    }

    /** A client of one container of this account, authorised by its key. Close it when done. */
    public BlobContainer container(String container) {
        Map<String, Object> r = Json.map(native_.call("container", Args.of("container", container)));
        return new BlobContainer(Json.lng(r, "handle"), Json.str(r, "uri"));
    }

    /** A service SAS (a secret) for a container, valid for {@link Defaults#SAS_EXPIRY}. */
    public String containerSas(String container, String permissions) {
        return containerSas(container, permissions, Defaults.SAS_EXPIRY);
    }

    /**
     * A service SAS (a secret) for a container: {@code permissions} are the service's letters, some
     * of {@code r}, {@code c}, {@code w}, {@code d}, {@code l}; {@code expiry} at most 7 days.
     */
    public String containerSas(String container, String permissions, Duration expiry) {
        return (String) native_.call("containerSas", Args.of("container", container, "permissions", permissions,
                "expiry", Args.millis("expiry", expiry)));
    }

    /** A read and list SAS (a secret): what a conversion needs of its input container. */
    public String inputSas(String container) {
        return inputSas(container, Defaults.SAS_EXPIRY);
    }

    public String inputSas(String container, Duration expiry) {
        return (String) native_.call("inputSas", Args.of("container", container, "expiry",
                Args.millis("expiry", expiry)));
    }

    /** A write and create SAS (a secret): what a conversion needs of its output container. */
    public String outputSas(String container) {
        return outputSas(container, Defaults.SAS_EXPIRY);
    }

    public String outputSas(String container, Duration expiry) {
        return (String) native_.call("outputSas", Args.of("container", container, "expiry",
                Args.millis("expiry", expiry)));
    }

    /** A URL (a secret: it carries a read SAS) that reads one blob, for {@link Defaults#SAS_EXPIRY}. */
    public String blobReadUrl(String container, String blob) {
        return blobReadUrl(container, blob, Defaults.SAS_EXPIRY);
    }

    public String blobReadUrl(String container, String blob, Duration expiry) {
        return (String) native_.call("blobReadUrl", Args.of("container", container, "blob", blob, "expiry",
                Args.millis("expiry", expiry)));
    }

    /** A read URL (a secret) for a converted asset: a succeeded conversion's {@code outputAssetUri}. */
    public String assetReadUrl(String outputAssetUri) {
        return assetReadUrl(outputAssetUri, Defaults.SAS_EXPIRY);
    }

    public String assetReadUrl(String outputAssetUri, Duration expiry) {
        return (String) native_.call("assetReadUrl", Args.of("outputAssetUri", outputAssetUri, "expiry",
                Args.millis("expiry", expiry)));
    }

    /** Frees the native account (calls in flight finish first). Idempotent. */
    @Override
    public void close() {
        native_.handle.close();
    }

    @Override
    public String toString() {
        return "StorageAccount[accountName=" + accountName + ", blobEndpoint=" + blobEndpoint + "]";
    }
}
