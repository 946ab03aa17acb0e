package com.remoterendering;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service's emulator, embedded (for tests): listens on 127.0.0.1 on a port the system picks,
 * with sessions and conversions that progress on a clock of its own. {@link #close()} stops it.
 */
public final class Emulator implements AutoCloseable {
    private final Handle handle;
    private final String endpoint;
    private final String stsEndpoint;
    private final String accountId;
    private final String accountKey;
    private final String accountDomain;
    private final String caCert;

    private Emulator(long ptr, Map<String, Object> info) {
        this.handle = new Handle(this, ptr, Native::emulatorFree, "emulator");
        this.endpoint = Json.str(info, "endpoint");
        this.stsEndpoint = Json.str(info, "stsEndpoint");
        this.accountId = Json.str(info, "accountId");
        this.accountKey = Json.str(info, "accountKey");
        this.accountDomain = Json.str(info, "accountDomain");
        this.caCert = Json.str(info, "caCert");
    }

    /** Starts an emulator with its defaults. */
    public static Emulator start() {
        return start(new Options());
    }

    /** Starts an emulator with these options, on 127.0.0.1 and a free port. */
    public static Emulator start(Options options) {
        Native.ensureLoaded();
        Map<String, Object> r = Json.map(Errors.unwrap(Native.emulatorNew(Json.write(options.args))));
        return new Emulator(Json.lng(r, "handle"), Json.map(r.get("info")));
    }

    /** The service endpoint, e.g. {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return endpoint;
    }

    /** The endpoint of its token service (STS). */
    public String stsEndpoint() {
        return stsEndpoint;
    }

    /** The account id it accepts. */
    public String accountId() {
        return accountId;
    }

    /** The account's key (a development key; never in {@link #toString()}). */
    public String accountKey() {
        return accountKey;
    }

    /** The account domain its tokens are issued for. */
    public String accountDomain() {
        return accountDomain;
    }

    /** The PEM file of the CA of its https certificate, when started with TLS. */
    public Optional<Path> caCert() {
        return Optional.ofNullable(caCert).map(Path::of);
    }

    /** A client builder for this emulator: endpoint, STS, account and key set. */
    public RemoteRenderingClient.Builder clientBuilder() {
        RemoteRenderingClient.Builder b = RemoteRenderingClient.builder().endpoint(endpoint)
                .stsEndpoint(stsEndpoint).accountId(accountId).accountDomain(accountDomain).accountKey(accountKey);
        caCert().ifPresent(b::caCert);
        return b;
    }

    /** A client of this emulator with the default options. */
    public RemoteRenderingClient client() {
        return clientBuilder().build();
    }

    private Object control(String op, Map<String, Object> args) {
        String text = Json.write(args);
        return Errors.unwrap(handle.use(h -> Native.emulatorCall(h, op, text)));
    }

    /** The request counters: {@code requests}, {@code byRoute}, {@code faults}. */
    public Map<String, Object> stats() {
        return Json.map(control("stats", Map.of()));
    }

    /** Requests of one route so far ({@code get_session}, {@code sts}, ...). */
    public long requests(String route) {
        Object byRoute = stats().get("byRoute");
        Object r = byRoute == null ? null : Json.map(byRoute).get(route);
        return r == null ? 0 : Json.lng(Json.map(r), "requests");
    }

    /** Every API and STS request so far. */
    public long totalRequests() {
        return Json.lng(stats(), "requests");
    }

    /** Sets the request counters back to zero. */
    public void resetStats() {
        control("resetStats", Map.of());
    }

    /** Moves the emulator's clock forward. */
    public void advanceClock(Duration d) {
        control("advanceClock", Args.of("duration", Args.millis("duration", d)));
    }

    /** Injects faults, e.g. {@code 429:1=1@get_session} (the emulator's fault plan syntax). */
    public void setFaults(String spec, long seed) {
        control("setFaults", Args.of("spec", spec, "seed", seed));
    }

    /** Injects faults with the seed 0 (see {@link #setFaults(String, long)}). */
    public void setFaults(String spec) {
        setFaults(spec, 0);
    }

    /** Removes every injected fault. */
    public void clearFaults() {
        control("clearFaults", Map.of());
    }

    /** Puts a Starting or Ready session into Error (with this code and message, or defaults). */
    public void failSession(String id, String code, String message) {
        control("failSession", Args.of("id", id, "code", code, "message", message));
    }

    /** Puts a Running conversion into Failed (with this code and message, or defaults). */
    public void failConversion(String id, String code, String message) {
        control("failConversion", Args.of("id", id, "code", code, "message", message));
    }

    /** Puts a Running conversion into Cancelled. */
    public void cancelConversion(String id) {
        control("cancelConversion", Args.of("id", id));
    }

    /** Makes every token issued so far invalid, as a key rotation would. */
    public void revokeTokens() {
        control("revokeTokens", Map.of());
    }

    /** Whether it still runs. */
    public boolean isRunning() {
        return !handle.isClosed();
    }

    /** Stops the server (its connections close) and frees it. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "Emulator[endpoint=" + endpoint + ", accountId=" + accountId + "]";
    }

    /** Start options; unset ones are the emulator's own defaults. */
    public static final class Options {
        final Map<String, Object> args = new LinkedHashMap<>();

        /** How long a session stays Starting. */
        public Options startupDelay(Duration d) {
            args.put("startupDelay", Args.millis("startupDelay", d));
            return this;
        }

        /** How long a conversion runs. */
        public Options conversionDuration(Duration d) {
            args.put("conversionDuration", Args.millis("conversionDuration", d));
            return this;
        }

        /** How fast the emulator's clock runs against the wall clock. */
        public Options timeScale(double v) {
            args.put("timeScale", v);
            return this;
        }

        /** Items per page of the lists. */
        public Options pageSize(int n) {
            args.put("pageSize", n);
            return this;
        }

        /** A fault plan from the start, e.g. {@code 503=1@get_session}. */
        public Options faults(String spec) {
            args.put("faults", spec);
            return this;
        }

        /** The seed of the fault plan's random draws (the same seed, the same faults). */
        public Options seed(long seed) {
            args.put("seed", seed);
            return this;
        }

        /** Serve https with a certificate of its own CA ({@link Emulator#caCert()}). */
        public Options tls(boolean on) {
            args.put("tls", on);
            return this;
        }

        /** Where to write the CA certificate (with {@link #tls}). */
        public Options certOut(Path p) {
            args.put("certOut", p.toString());
            return this;
        }

        /** A state database file, kept across restarts (default: in memory). */
        public Options stateFile(Path p) {
            args.put("stateFile", p.toString());
            return this;
        }

        /** A folder standing in for blob storage (conversions read their input from it). */
        public Options storageRoot(Path p) {
            args.put("storageRoot", p.toString());
            return this;
        }

        /** Containers linked to the account (conversions need no SAS for them). */
        public Options linkedStorage(List<String> containers) {
            args.put("linkedStorage", new ArrayList<>(containers));
            return this;
        }

        /**
         * Conversions read their input from and write their output to real blob storage (Azurite,
         * say) through the settings' SAS, or a linked account's key ({@link #storageAccountKeys}).
         */
        public Options blobStorage(boolean on) {
            args.put("blobStorage", on);
            return this;
        }

        /**
         * Keys of storage accounts linked to the account, by account name (secrets: never shown):
         * with {@link #blobStorage}, conversions need no SAS for their containers.
         */
        public Options storageAccountKeys(Map<String, String> nameToKey) {
            args.put("storageAccountKeys", new LinkedHashMap<>(nameToKey));
            return this;
        }

        /** The region it answers as. */
        public Options region(String region) {
            args.put("region", region);
            return this;
        }

        /** How long the access tokens it issues live. */
        public Options tokenLifetime(Duration d) {
            args.put("tokenLifetime", Args.millis("tokenLifetime", d));
            return this;
        }

        /** Microsoft Entra tokens the (first) account accepts at the STS, for token providers. */
        public Options entraTokens(List<String> tokens) {
            args.put("entraTokens", new ArrayList<>(tokens));
            return this;
        }

        /** Accounts (id to key) instead of the default development account. */
        public Options accounts(Map<String, String> idToKey) {
            List<Object> l = new ArrayList<>();
            idToKey.forEach((id, key) -> l.add(List.of(id, key)));
            args.put("accounts", l);
            return this;
        }
    }
}
