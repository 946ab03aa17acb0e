// An engine's frame loop that starts a remote rendering session without ever blocking a frame:
// the session is opened in the background (started, waited for until Ready, kept alive), the
// loop polls it once per frame and shows its progress, then "connects" and renders a while.
// Leaving the scope stops the session, whatever happens.
//
// Without ARR_ACCOUNT_ID in the environment it runs against the embedded emulator (emulated
// time 20x faster, so the session is Ready in a quarter of a second).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include "remote_rendering.hpp"

namespace rr = remote_rendering;
using namespace std::chrono_literals;

namespace {

/// Stands in for the engine's work of one frame (~60 frames a second).
void render_frame() { std::this_thread::sleep_for(16ms); }

int run(const rr::Client& client) {
    rr::SessionOptions options;  // a new id, Standard, 30 minutes, kept alive
    options.wait.timeout = 10min;
    auto opening = client.open_session_async(options);

    std::optional<rr::ManagedSession> session;
    std::string last_status;
    for (int frame = 0; frame < 10000; ++frame) {
        if (!session) {
            if (auto latest = opening.latest_session(); latest && latest->status_text != last_status) {
                last_status = latest->status_text;
                std::printf("[frame %4d] session %s is %s\n", frame, latest->id.c_str(), last_status.c_str());
            }
            if (opening.ready()) {
                session.emplace(opening.get());  // throws the error if opening failed
                const rr::Session& s = session->session();
                std::printf("[frame %4d] connect to %s:%u (%.1f teraflops, lease %lld minutes)\n", frame,
                            s.hostname.value_or("?").c_str(), s.handshake_port.value_or(0), s.teraflops.value_or(0),
                            static_cast<long long>(s.lease_minutes.value_or(0)));
            }
        } else if (frame % 30 == 0) {
            std::printf("[frame %4d] rendering remotely (%u lease extensions so far)\n", frame, session->extensions());
            if (frame >= 120) break;
        }
        render_frame();
    }
    if (!session) return 1;
    session->close(30s);  // or let the destructor stop it
    std::printf("session %s stopped\n", session->id().c_str());
    return 0;
}

}  // namespace

int main() {
    try {
        if (std::getenv("ARR_ACCOUNT_ID")) {
            rr::ClientOptions o;
            o.from_env = true;  // ARR_ACCOUNT_ID, ARR_ACCOUNT_KEY, ARR_ACCOUNT_DOMAIN, ARR_REGION...
            o.user_agent_suffix = "engine-example/1.0";
            return run(rr::Client(o));
        }
        rr::EmulatorOptions eo;
        eo.time_scale = 20;
        rr::Emulator emu(eo);
        std::printf("no ARR_ACCOUNT_ID set: using the embedded emulator at %s\n", emu.endpoint().c_str());
        rr::ClientOptions o = emu.client_options();
        o.poll_interval = 50ms;  // the emulator does not throttle; keep the default for the service
        return run(rr::Client(o));
    } catch (const rr::Error& e) {
        std::fprintf(stderr, "remote rendering failed: %s [%s]%s%s\n", e.what(), e.code().c_str(),
                     e.ms_cv() ? " MS-CV " : "", e.ms_cv().value_or("").c_str());
        return 1;
    }
}
