// get_session latency and throughput (blocking and CompletableFuture) and the 1,000-session fleet of
// the Java package against a running emulator, one JSON record per run (bench/run.sh repeats the
// runs and interleaves the languages):
//   java -cp remote-rendering.jar:. Bench percall|percall-async|fleet --endpoint URL --account-id ID
//       --account-key KEY [--calls N --warmup N --round R --key K --sessions N --startup-delay S]
import com.remoterendering.RemoteRenderingClient;
import com.remoterendering.SessionResult;
import com.remoterendering.SessionSize;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

public final class Bench {
    public static void main(String[] argv) throws Exception {
        String mode = argv[0];
        Map<String, String> a = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            if (argv[i].startsWith("--")) {
                a.put(argv[i].substring(2), i + 1 < argv.length ? argv[++i] : "true");
            }
        }
        try (RemoteRenderingClient client = RemoteRenderingClient.builder().endpoint(a.get("endpoint"))
                .stsEndpoint(a.get("endpoint")).accountId(a.get("account-id")).accountDomain("127.0.0.1")
                .accountKey(a.get("account-key")).build()) {
            int round = Integer.parseInt(a.getOrDefault("round", "1"));
            if (mode.equals("fleet")) {
                fleet(client, a, round);
            } else {
                percall(client, a, round, mode.equals("percall-async"));
            }
        }
        System.exit(0);
    }

    static void percall(RemoteRenderingClient client, Map<String, String> a, int round, boolean async)
            throws Exception {
        int calls = Integer.parseInt(a.getOrDefault("calls", "2000"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "200"));
        String session = a.getOrDefault("session", "bench-session");
        client.startSession(session, SessionSize.STANDARD, 60);
        for (int i = 0; i < warmup; i++) {
            call(client, session, async);
        }
        double[] lat = new double[calls];
        long cpu0 = cpuNanos();
        long sw0 = switches();
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            call(client, session, async);
            lat[i] = (System.nanoTime() - t) / 1e3;
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latency_us", median(lat));
        m.put("p99_us", percentile(lat, 99));
        m.put("calls_per_s", calls / elapsed);
        m.put("cpu_us_per_call", (cpuNanos() - cpu0) / 1e3 / calls);
        m.put("switches_per_call", (double) (switches() - sw0) / calls);
        emit(a.getOrDefault("key", async ? "get/java-async" : "get/java"), round, m);
    }

    static void call(RemoteRenderingClient client, String session, boolean async) {
        if (async) {
            client.getSessionAsync(session).join();
        } else {
            client.getSession(session);
        }
    }

    static void fleet(RemoteRenderingClient client, Map<String, String> a, int round) throws Exception {
        int n = Integer.parseInt(a.getOrDefault("sessions", "1000"));
        double delay = Double.parseDouble(a.getOrDefault("startup-delay", "5"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("fleet-java-" + round + "-" + i + "-" + ProcessHandle.current().pid());
        }
        long before = emulatorRequests(a.get("endpoint"));
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> started = new ArrayList<>();
        for (String id : ids) {
            started.add(client.startSessionAsync(id, SessionSize.STANDARD, 30));
        }
        int failures = settle(started);
        double tStarted = (System.nanoTime() - t0) / 1e9;
        List<SessionResult> ready = client.waitForSessions(ids);
        double tReady = (System.nanoTime() - t0) / 1e9;
        List<CompletableFuture<?>> stopped = new ArrayList<>();
        for (String id : ids) {
            stopped.add(client.stopSessionAsync(id));
        }
        failures += settle(stopped);
        double wall = (System.nanoTime() - t0) / 1e9;
        long after = emulatorRequests(a.get("endpoint"));
        failures += (int) ready.stream().filter(r -> !r.isOk()).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_s", wall);
        m.put("beyond_delay_s", wall - delay);
        m.put("start_s", tStarted);
        m.put("ready_s", tReady);
        m.put("stop_s", wall - tReady);
        m.put("requests_per_session", (double) (after - before) / n);
        m.put("peak_rss_mib", peakRssMiB());
        m.put("failures", failures);
        emit(a.getOrDefault("key", "fleet/java"), round, m);
    }

    static int settle(List<CompletableFuture<?>> fs) {
        int failed = 0;
        for (CompletableFuture<?> f : fs) {
            try {
                f.join();
            } catch (RuntimeException e) {
                failed++;
            }
        }
        return failed;
    }

    static long emulatorRequests(String endpoint) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint + "/_emulator/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String b = r.body();
        int i = b.indexOf("\"requests\":") + "\"requests\":".length();
        int j = i;
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
            j++;
        }
        return Long.parseLong(b.substring(i, j));
    }

    /** CPU time of the whole process (every thread). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Context switches of the process's live threads (/proc/self/task/{id}/status). */
    static long switches() {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return total;
    }

    static double peakRssMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return 0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.min(s.length, Math.max(1, Math.ceil(p / 100 * s.length)));
        return s.length == 0 ? 0 : s[rank - 1];
    }

    static void emit(String key, int round, Map<String, Object> metrics) {
        StringBuilder b = new StringBuilder("{\"key\": \"" + key + "\", \"round\": " + round + ", \"metrics\": {");
        String sep = "";
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\": ").append(e.getValue());
            sep = ", ";
        }
        System.out.println(b.append("}}"));
    }
}
