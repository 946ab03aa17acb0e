//! Emulator throughput: requests per second for GET session under concurrent load, beside a
//! bare hyper server answering a fixed body (`rr-bench-bare`, the floor), on this machine.
//! Both servers run as processes of their own; rounds alternate between them so that noise
//! from other work on the machine falls on both alike, and each round gives one ratio.
//!
//! ```sh
//! rr-bench-load --emulator target/release/remote-rendering-emulator --bare target/release/rr-bench-bare \
//!               --rounds 5 --connections 32 --seconds 3
//! ```
//! Load goes to 127.0.0.1 only, bounded by `--seconds` and `--max-requests` per run.

use remote_rendering_bench::{arg, arg_num, emit, load, setup_session, RawConn, Server};
use std::time::Duration;

fn main() {
    let emulator = arg("--emulator", "target/release/remote-rendering-emulator");
    let bare = arg("--bare", "target/release/rr-bench-bare");
    let rounds: u32 = arg_num("--rounds", 5);
    let connections: usize = arg_num("--connections", 32);
    let seconds: f64 = arg_num("--seconds", 3.0);
    let max_requests: u64 = arg_num("--max-requests", 2_000_000);
    // The load generator gets one thread: on a small machine the servers need the rest.
    let threads: usize = arg_num("--threads", 1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("runtime");
    let duration = Duration::from_secs_f64(seconds);
    for round in 1..=rounds {
        // The emulator: a session, a token, then GET that session as fast as it answers.
        let emu = Server::spawn(
            &emulator,
            &["--listen", "127.0.0.1:0", "--startup-delay", "0"],
        );
        let addr = emu.addr();
        let (account, key) = emu.account();
        let emu_result = rt.block_on(async {
            let token = setup_session(&addr, &account, &key, "bench-session").await;
            let req = RawConn::request_bytes(
                "GET",
                &addr,
                &format!("/accounts/{account}/sessions/bench-session?api-version=2021-01-01"),
                &[("Authorization", &format!("Bearer {token}"))],
                b"",
            );
            // A short warm-up, then the measured run.
            load(
                &addr,
                req.clone(),
                connections,
                Duration::from_millis(300),
                max_requests,
            )
            .await;
            load(&addr, req, connections, duration, max_requests).await
        });
        drop(emu);

        let floor = Server::spawn(&bare, &["--listen", "127.0.0.1:0"]);
        let addr = floor.addr();
        let bare_result = rt.block_on(async {
            let req = RawConn::request_bytes(
                "GET",
                &addr,
                &format!("/accounts/{account}/sessions/bench-session?api-version=2021-01-01"),
                &[("Authorization", "Bearer x")],
                b"",
            );
            load(
                &addr,
                req.clone(),
                connections,
                Duration::from_millis(300),
                max_requests,
            )
            .await;
            load(&addr, req, connections, duration, max_requests).await
        });
        drop(floor);

        for (key, r) in [
            ("emulator/get_session", &emu_result),
            ("emulator/bare_hyper", &bare_result),
        ] {
            emit(
                key,
                round,
                serde_json::json!({
                    "requests_per_s": r.per_second(),
                    "requests": r.requests,
                    "non_2xx": r.non_2xx,
                    "errors": r.errors,
                    "connections": connections,
                }),
            );
        }
        emit(
            "emulator/ratio",
            round,
            serde_json::json!({ "ratio": emu_result.per_second() / bare_result.per_second() }),
        );
    }
}
