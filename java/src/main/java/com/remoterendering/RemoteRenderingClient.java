package com.remoterendering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A client of the Azure Remote Rendering session and conversion API, on the shared Rust core.
 * Thread-safe: share one client between threads. Every operation is blocking, with an
 * {@code …Async} twin returning a {@link CompletableFuture} whose {@code cancel(true)} drops the
 * request in flight. Errors are {@link RemoteRenderingException}s, one subclass per code; a bad
 * argument is refused with {@link InvalidInputException} naming it before anything is sent.
 *
 * <pre>{@code
 * try (var client = RemoteRenderingClient.builder().region("eastus").accountId(id)
 *         .accountDomain("eastus.mixedreality.azure.com").accountKey(key).build();
 *      var session = client.openSession()) {
 *     System.out.println(session.session().hostname());
 * }
 * }</pre>
 */
public final class RemoteRenderingClient implements AutoCloseable {
    private final Handle handle;
    private final String endpoint;
    private final String accountId;

    private RemoteRenderingClient(long ptr, String endpoint, String accountId) {
        this.handle = new Handle(this, ptr, Native::clientFree, "client");
        this.endpoint = endpoint;
        this.accountId = accountId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The service endpoint the client talks to. */
    public String endpoint() {
        return endpoint;
    }

    public String accountId() {
        return accountId;
    }

    /** Frees the native client (calls in flight finish first). Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "RemoteRenderingClient[endpoint=" + endpoint + ", accountId=" + accountId + "]";
    }

    // -- the plumbing ---------------------------------------------------------------------------

    private static long cancelPtr(CancelToken c) {
        return c == null ? 0 : c.ptr();
    }

    private Object call(String op, Map<String, Object> args, Object progress, CancelToken cancel) {
        String text = Json.write(args);
        try {
            return Errors.unwrap(handle.use(h -> Native.invoke(h, op, text, progress, cancelPtr(cancel))));
        } finally {
            // The token's Cleaner must not free it while the native call reads its handle.
            Reference.reachabilityFence(cancel);
        }
    }

    private <T> CompletableFuture<T> callAsync(String op, Supplier<Map<String, Object>> args, Object progress,
            CancelToken cancel, Function<Object, T> parse) {
        NativeCall<T> call = new NativeCall<>(parse);
        try {
            String text = Json.write(args.get());
            Object id = Errors.unwrap(
                    handle.use(h -> Native.invokeAsync(h, op, text, progress, cancelPtr(cancel), call)));
            call.started(((Number) id).longValue());
        } catch (RuntimeException e) {
            call.completeExceptionally(e);
        } finally {
            Reference.reachabilityFence(cancel);
        }
        return call;
    }

    private static <T> ProgressBridge<T> bridge(WaitOptions<T> o, Function<Object, T> parse) {
        return o == null || o.onProgress == null ? null : new ProgressBridge<>(o.onProgress, parse);
    }

    private static Map<String, Object> waitArgs(String idName, Object id, WaitOptions<?> o) {
        Map<String, Object> a = Args.of(idName, id);
        if (o != null) {
            o.into(a);
        }
        return a;
    }

    private static List<Session> sessions(Object v) {
        List<Session> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            out.add(Session.fromJson(o));
        }
        return out;
    }

    private static List<Conversion> conversions(Object v) {
        List<Conversion> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            out.add(Conversion.fromJson(o));
        }
        return out;
    }

    private static List<SessionResult> results(List<String> ids, Object v) {
        List<?> entries = (List<?>) v;
        List<SessionResult> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> e = Json.map(entries.get(i));
            Object err = e.get("error");
            out.add(err != null ? new SessionResult(ids.get(i), null, Errors.fromJson(Json.map(err)))
                    : new SessionResult(ids.get(i), Session.fromJson(e.get("ok")), null));
        }
        return out;
    }

    private LeaseKeeper keeper(String id, Object v) {
        return new LeaseKeeper(id, Json.lng(Json.map(v), "handle"));
    }

    private static ManagedSession managed(Object v) {
        Map<String, Object> m = Json.map(v);
        return new ManagedSession(Json.lng(m, "handle"), Session.fromJson(m.get("session")));
    }

    // -- sessions --------------------------------------------------------------------------------

    /** Starts a session of the default size and lease, or returns it when it exists alike. */
    public Session startSession(String sessionId) {
        return startSession(sessionId, Defaults.SESSION_SIZE, Defaults.LEASE_MINUTES);
    }

    /** Starts a session (201), or returns it when it exists with the same settings (200). */
    public Session startSession(String sessionId, SessionSize size, int leaseMinutes) {
        return Session.fromJson(call("startSession",
                Args.of("sessionId", sessionId, "size", size, "leaseMinutes", leaseMinutes), null, null));
    }

    public CompletableFuture<Session> startSessionAsync(String sessionId) {
        return startSessionAsync(sessionId, Defaults.SESSION_SIZE, Defaults.LEASE_MINUTES);
    }

    public CompletableFuture<Session> startSessionAsync(String sessionId, SessionSize size, int leaseMinutes) {
        return callAsync("startSession", () -> Args.of("sessionId", sessionId, "size", size, "leaseMinutes",
                leaseMinutes), null, null, Session::fromJson);
    }

    /** A session's current state. */
    public Session getSession(String sessionId) {
        return Session.fromJson(call("getSession", Args.of("sessionId", sessionId), null, null));
    }

    public CompletableFuture<Session> getSessionAsync(String sessionId) {
        return callAsync("getSession", () -> Args.of("sessionId", sessionId), null, null, Session::fromJson);
    }

    /** Extends a session's lease to {@code leaseMinutes} in total; the lease must grow. */
    public Session updateSession(String sessionId, int leaseMinutes) {
        return Session.fromJson(
                call("updateSession", Args.of("sessionId", sessionId, "leaseMinutes", leaseMinutes), null, null));
    }

    public CompletableFuture<Session> updateSessionAsync(String sessionId, int leaseMinutes) {
        return callAsync("updateSession", () -> Args.of("sessionId", sessionId, "leaseMinutes", leaseMinutes), null,
                null, Session::fromJson);
    }

    /** Stops a session; stopping one that already ended succeeds. */
    public void stopSession(String sessionId) {
        call("stopSession", Args.of("sessionId", sessionId), null, null);
    }

    public CompletableFuture<Void> stopSessionAsync(String sessionId) {
        return callAsync("stopSession", () -> Args.of("sessionId", sessionId), null, null, v -> null);
    }

    /** The account's Starting and Ready sessions, read page by page as they are iterated. */
    public Paged<Session> listSessions() {
        return new Paged<>("sessions", Session::fromJson);
    }

    /** Every Starting and Ready session of the account (all pages). */
    public CompletableFuture<List<Session>> listSessionsAsync() {
        return callAsync("listSessions", LinkedHashMap::new, null, null, RemoteRenderingClient::sessions);
    }

    /** Polls until the session is Ready, with the default deadline and interval. */
    public Session waitForSession(String sessionId) {
        return waitForSession(sessionId, null);
    }

    /**
     * Polls until the session is Ready: {@link SessionFailedException} when it ends instead,
     * {@link WaitTimeoutException} at the deadline, {@link CancelledException} when cancelled.
     */
    public Session waitForSession(String sessionId, WaitOptions<Session> options) {
        return Session.fromJson(call("waitForSession", waitArgs("sessionId", sessionId, options),
                bridge(options, Session::fromJson), options == null ? null : options.cancel));
    }

    public CompletableFuture<Session> waitForSessionAsync(String sessionId) {
        return waitForSessionAsync(sessionId, null);
    }

    public CompletableFuture<Session> waitForSessionAsync(String sessionId, WaitOptions<Session> options) {
        return callAsync("waitForSession", () -> waitArgs("sessionId", sessionId, options),
                bridge(options, Session::fromJson), options == null ? null : options.cancel, Session::fromJson);
    }

    /** Waits for many sessions with one list request per interval; one result per id, in order. */
    public List<SessionResult> waitForSessions(List<String> sessionIds) {
        return waitForSessions(sessionIds, null);
    }

    public List<SessionResult> waitForSessions(List<String> sessionIds, WaitOptions<Session> options) {
        List<String> ids = sessionIds == null ? null : List.copyOf(sessionIds);
        return results(ids, call("waitForSessions", waitArgs("sessionIds", ids, options),
                bridge(options, Session::fromJson), options == null ? null : options.cancel));
    }

    public CompletableFuture<List<SessionResult>> waitForSessionsAsync(List<String> sessionIds) {
        return waitForSessionsAsync(sessionIds, null);
    }

    public CompletableFuture<List<SessionResult>> waitForSessionsAsync(List<String> sessionIds,
            WaitOptions<Session> options) {
        List<String> ids = sessionIds == null ? null : List.copyOf(sessionIds);
        return callAsync("waitForSessions", () -> waitArgs("sessionIds", ids, options),
                bridge(options, Session::fromJson), options == null ? null : options.cancel, v -> results(ids, v));
    }

    /** Starts a lease keeper with the default steps: close it to stop it (and the session). */
    public LeaseKeeper keepAlive(String sessionId) {
        return keepAlive(sessionId, KeepAliveOptions.defaults());
    }

    /** Starts a lease keeper: extends the lease in fixed steps up to a cap (and a budget). */
    public LeaseKeeper keepAlive(String sessionId, KeepAliveOptions options) {
        Map<String, Object> a = Args.of("sessionId", sessionId);
        (options == null ? KeepAliveOptions.defaults() : options).into(a);
        return keeper(sessionId, call("keepAlive", a, null, null));
    }

    public CompletableFuture<LeaseKeeper> keepAliveAsync(String sessionId) {
        return keepAliveAsync(sessionId, KeepAliveOptions.defaults());
    }

    public CompletableFuture<LeaseKeeper> keepAliveAsync(String sessionId, KeepAliveOptions options) {
        return callAsync("keepAlive", () -> {
            Map<String, Object> a = Args.of("sessionId", sessionId);
            (options == null ? KeepAliveOptions.defaults() : options).into(a);
            return a;
        }, null, null, v -> keeper(sessionId, v));
    }

    /** Starts a session with the defaults, waits until Ready and keeps its lease alive. */
    public ManagedSession openSession() {
        return openSession(OpenSessionOptions.defaults());
    }

    /**
     * Starts a session, waits until Ready and keeps its lease alive; the session is stopped when
     * the {@link ManagedSession} is closed, and when the wait fails.
     */
    public ManagedSession openSession(OpenSessionOptions options) {
        OpenSessionOptions o = options == null ? OpenSessionOptions.defaults() : options;
        Map<String, Object> a = new LinkedHashMap<>();
        o.into(a);
        return managed(call("openSession", a, bridge(o.wait, Session::fromJson), o.wait.cancel));
    }

    public CompletableFuture<ManagedSession> openSessionAsync() {
        return openSessionAsync(OpenSessionOptions.defaults());
    }

    public CompletableFuture<ManagedSession> openSessionAsync(OpenSessionOptions options) {
        OpenSessionOptions o = options == null ? OpenSessionOptions.defaults() : options;
        return callAsync("openSession", () -> {
            Map<String, Object> a = new LinkedHashMap<>();
            o.into(a);
            return a;
        }, bridge(o.wait, Session::fromJson), o.wait.cancel, RemoteRenderingClient::managed);
    }

    // -- conversions -----------------------------------------------------------------------------

    /** Starts an asset conversion. */
    public Conversion startConversion(String conversionId, ConversionSettings settings) {
        return Conversion.fromJson(call("startConversion", Args.of("conversionId", conversionId, "settings",
                settings == null ? null : settings.toJson()), null, null));
    }

    public CompletableFuture<Conversion> startConversionAsync(String conversionId, ConversionSettings settings) {
        return callAsync("startConversion", () -> Args.of("conversionId", conversionId, "settings",
                settings == null ? null : settings.toJson()), null, null, Conversion::fromJson);
    }

    /** A conversion's current state. */
    public Conversion getConversion(String conversionId) {
        return Conversion.fromJson(call("getConversion", Args.of("conversionId", conversionId), null, null));
    }

    public CompletableFuture<Conversion> getConversionAsync(String conversionId) {
        return callAsync("getConversion", () -> Args.of("conversionId", conversionId), null, null,
                Conversion::fromJson);
    }

    /** The account's conversions, read page by page as they are iterated. */
    public Paged<Conversion> listConversions() {
        return new Paged<>("conversions", Conversion::fromJson);
    }

    public CompletableFuture<List<Conversion>> listConversionsAsync() {
        return callAsync("listConversions", LinkedHashMap::new, null, null, RemoteRenderingClient::conversions);
    }

    public Conversion waitForConversion(String conversionId) {
        return waitForConversion(conversionId, null);
    }

    /**
     * Polls until the conversion Succeeded: {@link ConversionFailedException} when it fails,
     * {@link WaitTimeoutException} at the deadline, {@link CancelledException} when cancelled.
     */
    public Conversion waitForConversion(String conversionId, WaitOptions<Conversion> options) {
        return Conversion.fromJson(call("waitForConversion", waitArgs("conversionId", conversionId, options),
                bridge(options, Conversion::fromJson), options == null ? null : options.cancel));
    }

    public CompletableFuture<Conversion> waitForConversionAsync(String conversionId) {
        return waitForConversionAsync(conversionId, null);
    }

    public CompletableFuture<Conversion> waitForConversionAsync(String conversionId,
            WaitOptions<Conversion> options) {
        return callAsync("waitForConversion", () -> waitArgs("conversionId", conversionId, options),
                bridge(options, Conversion::fromJson), options == null ? null : options.cancel,
                Conversion::fromJson);
    }

    /** {@link #waitForConversionWithReport(String, BlobContainer, WaitOptions)} with the default options. */
    public Conversion waitForConversionWithReport(String conversionId, BlobContainer output) {
        return waitForConversionWithReport(conversionId, output, null);
    }

    /**
     * {@link #waitForConversion}, and when the conversion failed, its result file and log read back
     * from {@code output} (its output container, with read access) into the exception's {@link
     * RemoteRenderingException#conversionReport()}.
     */
    public Conversion waitForConversionWithReport(String conversionId, BlobContainer output,
            WaitOptions<Conversion> options) {
        return withOutput(output, o -> Conversion.fromJson(call("waitForConversionWithReport",
                reportArgs(conversionId, o, options), bridge(options, Conversion::fromJson),
                options == null ? null : options.cancel)));
    }

    public CompletableFuture<Conversion> waitForConversionWithReportAsync(String conversionId,
            BlobContainer output) {
        return waitForConversionWithReportAsync(conversionId, output, null);
    }

    public CompletableFuture<Conversion> waitForConversionWithReportAsync(String conversionId,
            BlobContainer output, WaitOptions<Conversion> options) {
        try {
            return withOutput(output, o -> callAsync("waitForConversionWithReport",
                    () -> reportArgs(conversionId, o, options), bridge(options, Conversion::fromJson),
                    options == null ? null : options.cancel, Conversion::fromJson));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs {@code f} with the container's handle held open ({@code null} when there is none). */
    private static <T> T withOutput(BlobContainer output, Function<Long, T> f) {
        return output == null ? f.apply(null) : output.withHandle(h -> f.apply(h));
    }

    private static Map<String, Object> reportArgs(String conversionId, Long output, WaitOptions<?> o) {
        Map<String, Object> a = waitArgs("conversionId", conversionId, o);
        a.put("output", output);
        return a;
    }

    /**
     * A conversion id made from the hash of a local input (file or folder) and the settings (SAS
     * tokens left out), so that an identical input is not converted twice. Nothing is sent.
     */
    public String contentConversionId(Path path, ConversionSettings settings) {
        return (String) call("contentConversionId", contentArgs(path, settings), null, null);
    }

    public CompletableFuture<String> contentConversionIdAsync(Path path, ConversionSettings settings) {
        return callAsync("contentConversionId", () -> contentArgs(path, settings), null, null, v -> (String) v);
    }

    private static Map<String, Object> contentArgs(Path path, ConversionSettings settings) {
        return Args.of("path", path == null ? null : path.toString(), "settings",
                settings == null ? null : settings.toJson());
    }

    // -- paged lists ------------------------------------------------------------------------------

    /**
     * A list read lazily: each {@link #iterator()} (or {@link #stream()}) reads from the first page
     * on, one page request at a time as items are consumed.
     */
    public final class Paged<T> implements Iterable<T> {
        private final String kind;
        private final Function<Object, T> parse;

        private Paged(String kind, Function<Object, T> parse) {
            this.kind = kind;
            this.parse = parse;
        }

        @Override
        public Iterator<T> iterator() {
            long ptr = ((Number) Errors.unwrap(handle.use(h -> Native.streamNew(h, kind)))).longValue();
            return new PageIterator<>(ptr, parse);
        }

        /** The items as a stream; closing it frees the native list early. */
        public Stream<T> stream() {
            PageIterator<T> it = (PageIterator<T>) iterator();
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
                    .onClose(it::close);
        }

        /** Every item (all pages). */
        public List<T> toList() {
            List<T> out = new ArrayList<>();
            forEach(out::add);
            return out;
        }
    }

    private static final class PageIterator<T> implements Iterator<T>, AutoCloseable {
        private final Handle stream;
        private final Function<Object, T> parse;
        private T next;
        private boolean done;

        PageIterator(long ptr, Function<Object, T> parse) {
            this.stream = new Handle(this, ptr, Native::streamFree, "list");
            this.parse = parse;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            Object v;
            try {
                v = Errors.unwrap(stream.use(Native::streamNext));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            if (v == null) {
                close();
                return false;
            }
            next = parse.apply(v);
            return true;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            T t = next;
            next = null;
            return t;
        }

        @Override
        public void close() {
            done = true;
            stream.close();
        }
    }

    // -- the builder ------------------------------------------------------------------------------

    /**
     * Options of a client, named as the vocabulary table's {@code client} operation: an endpoint or
     * a region, the account, one credential, and options. {@link #build()} checks them all
     * (InvalidInputException naming the field) before anything is sent.
     */
    public static final class Builder {
        private String endpoint;
        private String region;
        private String accountId;
        private String accountDomain;
        private Credential credential;
        private String stsEndpoint;
        private Duration pollInterval;
        private Duration requestTimeout;
        private Integer maxAttempts;
        private Integer maxConcurrentRequests;
        private String caCert;

        private Builder() {
        }

        /** The service endpoint, e.g. {@code https://remoterendering.eastus.mixedreality.azure.com}. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The region the endpoint is derived from, e.g. {@code eastus}. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        /** The account's domain, e.g. {@code eastus.mixedreality.azure.com}. */
        public Builder accountDomain(String accountDomain) {
            this.accountDomain = accountDomain;
            return this;
        }

        public Builder credential(Credential credential) {
            this.credential = credential;
            return this;
        }

        /** Authenticate with the account key. */
        public Builder accountKey(String accountKey) {
            return credential(Credential.accountKey(accountKey));
        }

        /** Authenticate with a static access token of the service. */
        public Builder accessToken(String accessToken) {
            return credential(Credential.accessToken(accessToken));
        }

        /** Authenticate with Microsoft Entra tokens from {@code provider}. */
        public Builder tokenProvider(TokenProvider provider) {
            return credential(Credential.tokenProvider(provider));
        }

        /** The STS endpoint (derived from the account domain by default). */
        public Builder stsEndpoint(String stsEndpoint) {
            this.stsEndpoint = stsEndpoint;
            return this;
        }

        /** How often waits poll unless told otherwise. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /** Time limit of one HTTP request. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Attempts per request, the first included. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Requests on the wire at once, 1 to 4096 (default {@link Defaults#MAX_CONCURRENT_REQUESTS});
         * more wait for their turn. It bounds the connections thousands of concurrent calls open.
         */
        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        /** An extra CA certificate (PEM text) to trust, e.g. the emulator's over https. */
        public Builder caCert(String pem) {
            this.caCert = pem;
            return this;
        }

        /** An extra CA certificate (a PEM file) to trust. */
        public Builder caCert(Path pemFile) {
            try {
                return caCert(Files.readString(pemFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public RemoteRenderingClient build() {
            Native.ensureLoaded();
            Map<String, Object> a = Args.of("endpoint", endpoint, "region", region, "accountId", accountId,
                    "accountDomain", accountDomain, "stsEndpoint", stsEndpoint,
                    "pollInterval", Args.millis("pollInterval", pollInterval),
                    "requestTimeout", Args.millis("requestTimeout", requestTimeout),
                    "maxAttempts", maxAttempts, "maxConcurrentRequests", maxConcurrentRequests,
                    "caCert", caCert);
            TokenBridge bridge = null;
            if (credential != null) {
                a.put("accountKey", credential.accountKey);
                a.put("accessToken", credential.accessToken);
                if (credential.tokenProvider != null) {
                    bridge = new TokenBridge(credential.tokenProvider);
                }
            }
            Map<String, Object> r = Json.map(Errors.unwrap(Native.clientNew(Json.write(a), bridge)));
            return new RemoteRenderingClient(Json.lng(r, "handle"), Json.str(r, "endpoint"), accountId);
        }

        @Override
        public String toString() {
            return "RemoteRenderingClient.Builder[endpoint=" + endpoint + ", region=" + region + ", accountId="
                    + accountId + ", credential=" + credential + "]";
        }
    }
}
