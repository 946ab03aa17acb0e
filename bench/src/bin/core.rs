//! The raw Rust core: `get_session` latency and sequential throughput (`percall`), and a fleet
//! of sessions started, waited to Ready and stopped concurrently (`fleet`), against an emulator
//! given by `--endpoint` (the one every language is measured against) or an embedded one.
//!
//! ```sh
//! rr-bench-core percall --endpoint http://127.0.0.1:PORT --mode task|block-on|spawn-wait --calls 2000 --round 1
//! rr-bench-core fleet --endpoint http://127.0.0.1:PORT --sessions 1000 --startup-delay 5
//! ```
//! Prints one JSON record per run (see `remote_rendering_bench::emit`).

use remote_rendering::{Client, SessionSize, WaitOptions};
use remote_rendering_bench::{
    arg, arg_num, emit, median, peak_rss_kib, percentile, rusage, RawConn,
};
use remote_rendering_emulator::{Emulator, EmulatorConfig, DEV_ACCOUNT_ID, DEV_ACCOUNT_KEY};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    // The emulator, when embedded, runs on a runtime of its own (as it would in another process).
    let mut embedded = None;
    let endpoint = match arg("--endpoint", "").as_str() {
        "" => {
            let config = EmulatorConfig {
                startup_delay: Duration::from_secs_f64(arg_num("--startup-delay", 5.0)),
                ..EmulatorConfig::default()
            };
            let emu = Emulator::start_blocking(config).expect("embedded emulator");
            let e = emu.endpoint().to_owned();
            embedded = Some(emu);
            e
        }
        e => e.to_owned(),
    };
    let account = arg("--account-id", DEV_ACCOUNT_ID);
    let key = arg("--account-key", DEV_ACCOUNT_KEY);
    let mut builder = Client::builder()
        .endpoint(&endpoint)
        .sts_endpoint(&endpoint)
        .account_id(&account)
        .account_key(&key);
    // Without the flag: the library's default poll interval (5 s).
    let poll_ms: u64 = arg_num("--poll-interval-ms", 0);
    if poll_ms > 0 {
        builder = builder.poll_interval(Duration::from_millis(poll_ms));
    }
    let client = builder.build().expect("client");
    // What a Rust program would write: #[tokio::main] (multi-threaded, one worker per core);
    // `--current-thread` gives the runtime a single thread, the caller's.
    let rt = if std::env::args().any(|a| a == "--current-thread") {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime")
    };
    match mode.as_str() {
        "percall" => percall(&rt, client),
        "fleet" => rt.block_on(fleet(client, &endpoint)),
        _ => {
            eprintln!("usage: rr-bench-core percall|fleet [--endpoint URL] [options]");
            std::process::exit(2);
        }
    }
    drop(embedded);
}

/// How the calls are made, each the way some caller would:
/// * `task` (the baseline): the loop runs in a task spawned on the runtime, like async Rust code
///   (the request and its connection run on the same worker thread);
/// * `block-on`: the loop runs in `block_on` on the main thread, like `#[tokio::main]` code;
/// * `driver`: each call is a blocking call of the core's `blocking::Driver` on the main thread,
///   exactly what the blocking bindings (C, Python sync, Java) do with it, with no language in it;
/// * `spawn-wait`: each call is spawned onto the runtime from the main thread, which blocks until
///   the result comes back over a channel: the shape of every binding (a language thread hands
///   the call to the runtime's threads and is woken with the answer), with no language in it.
fn percall(rt: &tokio::runtime::Runtime, client: Client) {
    let calls: usize = arg_num("--calls", 2000);
    let warmup: usize = arg_num("--warmup", 200);
    let round: u32 = arg_num("--round", 1);
    let mode = arg("--mode", "task");
    let key = arg("--key", &format!("get/core-{mode}"));
    let session = arg("--session", "bench-session");
    rt.block_on(client.start_session(&session, SessionSize::Standard, 60))
        .expect("start the benchmark session");
    let run = {
        let (client, session) = (client.clone(), session.clone());
        async move {
            for _ in 0..warmup {
                client.get_session(&session).await.expect("get_session");
            }
            let mut lat = Vec::with_capacity(calls);
            let usage = rusage();
            let started = Instant::now();
            for _ in 0..calls {
                let t = Instant::now();
                let s = client.get_session(&session).await.expect("get_session");
                lat.push(t.elapsed().as_secs_f64() * 1e6);
                std::hint::black_box(s);
            }
            let elapsed = started.elapsed().as_secs_f64();
            let after = rusage();
            (lat, elapsed, (after.0 - usage.0, after.1 - usage.1))
        }
    };
    let (mut lat, elapsed, (cpu_us, switches)) = match mode.as_str() {
        "task" => rt.block_on(async { tokio::spawn(run).await.expect("task") }),
        "block-on" => rt.block_on(run),
        "driver" => {
            let driver = remote_rendering::blocking::Driver::new("rr-bench").expect("driver");
            let one = || {
                driver
                    .block_on("get_session", client.get_session(&session))
                    .expect("not nested")
                    .expect("get_session")
            };
            blocking_loop(warmup, calls, one)
        }
        "spawn-wait" => {
            let one = || {
                let (tx, rx) = std::sync::mpsc::sync_channel(1);
                let (client, session) = (client.clone(), session.clone());
                rt.spawn(async move {
                    let _ = tx.send(client.get_session(&session).await);
                });
                rx.recv().expect("answer").expect("get_session")
            };
            blocking_loop(warmup, calls, one)
        }
        other => panic!("--mode {other}: task, block-on, driver or spawn-wait"),
    };
    emit(
        &key,
        round,
        serde_json::json!({
            "latency_us": median(&mut lat),
            "p99_us": percentile(&mut lat, 99.0),
            "calls_per_s": calls as f64 / elapsed,
            "cpu_us_per_call": cpu_us / calls as f64,
            "switches_per_call": switches / calls as f64,
        }),
    );
}

/// Times `calls` blocking calls of `one` from this thread, after `warmup` of them.
fn blocking_loop<T>(
    warmup: usize,
    calls: usize,
    one: impl Fn() -> T,
) -> (Vec<f64>, f64, (f64, f64)) {
    for _ in 0..warmup {
        one();
    }
    let mut lat = Vec::with_capacity(calls);
    let usage = rusage();
    let started = Instant::now();
    for _ in 0..calls {
        let t = Instant::now();
        std::hint::black_box(one());
        lat.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = rusage();
    (lat, elapsed, (after.0 - usage.0, after.1 - usage.1))
}

async fn stats_requests(endpoint: &str) -> u64 {
    let addr = endpoint.trim_start_matches("http://");
    let mut conn = RawConn::connect(addr).await.expect("connect for stats");
    let req = RawConn::request_bytes("GET", addr, "/_emulator/stats", &[], b"");
    let resp = conn.send(&req).await.expect("stats");
    let v: serde_json::Value = serde_json::from_slice(&resp.body).expect("stats JSON");
    v["requests"].as_u64().expect("requests")
}

async fn fleet(client: Client, endpoint: &str) {
    let n: usize = arg_num("--sessions", 1000);
    let round: u32 = arg_num("--round", 1);
    let delay: f64 = arg_num("--startup-delay", 5.0);
    let key = arg("--key", "fleet/core");
    let before = stats_requests(endpoint).await;
    let ids: Arc<Vec<String>> = Arc::new(
        (0..n)
            .map(|i| format!("fleet-rs-{round}-{i}-{}", std::process::id()))
            .collect(),
    );
    let t0 = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, ids) = (client.clone(), ids.clone());
        tasks.spawn(async move {
            client
                .start_session(&ids[i], SessionSize::Standard, 30)
                .await
                .map(drop)
        });
    }
    let mut failures = 0u64;
    while let Some(r) = tasks.join_next().await {
        if !matches!(r, Ok(Ok(()))) {
            failures += 1;
        }
    }
    let t_started = t0.elapsed();
    let results = client
        .wait_for_sessions(&ids, WaitOptions::new())
        .await
        .expect("wait_for_sessions");
    failures += results.iter().filter(|r| r.is_err()).count() as u64;
    let t_ready = t0.elapsed();
    for i in 0..n {
        let (client, ids) = (client.clone(), ids.clone());
        tasks.spawn(async move { client.stop_session(&ids[i]).await.map(drop) });
    }
    while let Some(r) = tasks.join_next().await {
        if !matches!(r, Ok(Ok(()))) {
            failures += 1;
        }
    }
    let wall = t0.elapsed();
    let after = stats_requests(endpoint).await;
    emit(
        &key,
        round,
        serde_json::json!({
            "wall_s": wall.as_secs_f64(),
            "beyond_delay_s": wall.as_secs_f64() - delay,
            "start_s": t_started.as_secs_f64(),
            "ready_s": t_ready.as_secs_f64(),
            "stop_s": (wall - t_ready).as_secs_f64(),
            "requests_per_session": (after - before) as f64 / n as f64,
            "peak_rss_mib": peak_rss_kib() as f64 / 1024.0,
            "failures": failures,
        }),
    );
}
