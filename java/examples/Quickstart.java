/*
 * A walk through the Java API, top to bottom, against the embedded emulator (no account, no
 * network). With the jar on the class path, Java 17 or newer runs the source file directly:
 *
 *     java -cp remote-rendering-0.1.0.jar java/examples/Quickstart.java
 *
 * (make test-dist runs it so against the jar in dist/, with no Rust toolchain on the PATH.)
 */

import com.remoterendering.CancelToken;
import com.remoterendering.CancelledException;
import com.remoterendering.Conversion;
import com.remoterendering.ConversionInputSettings;
import com.remoterendering.ConversionOutputSettings;
import com.remoterendering.ConversionSettings;
import com.remoterendering.Emulator;
import com.remoterendering.ManagedSession;
import com.remoterendering.NotFoundException;
import com.remoterendering.OpenSessionOptions;
import com.remoterendering.RemoteRenderingClient;
import com.remoterendering.Session;
import com.remoterendering.WaitOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public class Quickstart {
    private static final long STARTED = System.nanoTime();

    static void say(String text) {
        System.out.printf("[%5.1fs] %s%n", (System.nanoTime() - STARTED) / 1e9, text);
    }

    public static void main(String[] args) throws Exception {
        // 1. An embedded emulator (a real account: RemoteRenderingClient.builder().region(..)
        //    .accountId(..).accountDomain(..).accountKey(..).build()).
        try (Emulator emulator = Emulator.start(new Emulator.Options()
                .startupDelay(Duration.ofSeconds(2)).conversionDuration(Duration.ofSeconds(3)));
             RemoteRenderingClient client = emulator.clientBuilder().pollInterval(Duration.ofMillis(500)).build()) {
            say("using the embedded emulator at " + emulator.endpoint());

            // 2. A managed session: started, Ready, kept alive, and stopped on close, whatever
            //    happens inside the block.
            String id;
            try (ManagedSession managed = client.openSession(OpenSessionOptions.defaults().leaseMinutes(10)
                    .waitOptions(WaitOptions.<Session>defaults().onProgress(s -> say("session is " + s.status()))))) {
                Session s = managed.session();
                id = s.id();
                say("ready: " + s.hostname() + " handshake port " + s.handshakePort() + ", " + s.teraflops()
                        + " teraflops");
                say("lease is now " + client.updateSession(id, 20).leaseMinutes() + " minutes");
                for (Session listed : client.listSessions()) {
                    say("listed: " + listed.id() + " " + listed.status());
                }
            }
            say("after the block the session is " + client.getSession(id).status());

            // 3. Errors are typed and carry what support needs.
            try {
                client.getSession("no-such-session");
            } catch (NotFoundException e) {
                say(e.getClass().getSimpleName() + ": code=" + e.code() + " status=" + e.status().orElse(0)
                        + " ms_cv=" + e.msCv().orElse("-"));
            }

            // 4. A conversion (the emulator takes any container; a real account needs linked
            //    storage or SAS tokens), waited on asynchronously: a CompletableFuture.
            ConversionSettings settings = new ConversionSettings(
                    new ConversionInputSettings("https://quickstart.blob.core.windows.net/input",
                            "models/engine.fbx", null, "sv=2021-01-01&sig=example"),
                    new ConversionOutputSettings("https://quickstart.blob.core.windows.net/output", "converted",
                            null, "sv=2021-01-01&sig=example"));
            Conversion conversion = client.startConversion("quickstart-conversion", settings);
            say("conversion " + conversion.id() + " is " + conversion.status());
            CompletableFuture<Conversion> done = client.waitForConversionAsync(conversion.id(),
                    WaitOptions.<Conversion>defaults().onProgress(c -> say("conversion is " + c.status())));
            say("converted: " + done.get().outputAssetUri());

            // 5. Every wait takes a CancelToken: cancel() from any thread ends it, and a session
            //    being opened is stopped.
            CancelToken token = new CancelToken();
            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(token::cancel);
            try (ManagedSession managed = client.openSession(OpenSessionOptions.defaults().leaseMinutes(10)
                    .waitOptions(WaitOptions.<Session>defaults().timeout(Duration.ofSeconds(60)).cancel(token)))) {
                say("ready before the cancel");
            } catch (CancelledException e) {
                say("cancelled while starting (" + e.code() + "); the session was stopped");
            }
        }
        say("done");
    }
}
