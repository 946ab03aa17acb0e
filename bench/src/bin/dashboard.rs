//! The emulator's throughput with its dashboard open, beside the same without: requests per
//! second for GET session under concurrent load, while a dashboard client does what the page
//! does (loads the page and its assets, then polls the state once a second with its request-log
//! cursor). Every run of a round uses the same emulator process, with the same sessions and
//! conversions in it; closed and open runs alternate (`--pairs` of each per round), and each
//! round gives one ratio. It also times one state answer on the quiet emulator: what a poll
//! costs the server, against the second between polls.
//!
//! ```sh
//! rr-bench-dashboard --emulator target/release/remote-rendering-emulator --rounds 5 --seconds 3
//! ```
//! Load goes to 127.0.0.1 only, bounded by `--seconds` and `--max-requests` per run.

use remote_rendering_bench::{
    arg, arg_num, emit, load, median, setup_session, LoadResult, RawConn, Server,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the page polls (`POLL_MS` in the dashboard's script); `--poll-ms` changes it, e.g.
/// to magnify the dashboard's cost ten times and see it above the machine's noise.
const POLL_MS: u64 = 1000;

/// What the dashboard client did during one run.
#[derive(Default)]
struct Watched {
    polls: u64,
    bytes: u64,
    failures: u64,
}

/// CPU time the process `pid` has used so far, in ns (all its threads; from
/// `/proc/PID/task/*/schedstat`, which counts in nanoseconds; 0 where there is none). Less
/// sensitive to other load on the machine than requests per second.
fn cpu_ns(pid: &str) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Adds one run's counts to a total (its rate is then requests over the summed time).
fn add(total: &mut LoadResult, r: &LoadResult) {
    total.requests += r.requests;
    total.non_2xx += r.non_2xx;
    total.errors += r.errors;
    total.elapsed += r.elapsed;
}

/// Loads the page like a browser, then polls the state until `stop`. With `open` false it only
/// keeps the same schedule of wake-ups and sends nothing: the closed runs' stand-in, so that
/// the only difference between closed and open runs is the dashboard's requests (on a VM a
/// thread that wakes now and then changes how fast the others are woken, whatever it does).
async fn dashboard_client(
    addr: String,
    poll: Duration,
    stop: Arc<AtomicBool>,
    open: bool,
) -> Watched {
    let mut w = Watched::default();
    if !open {
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        return w;
    }
    let Ok(mut conn) = RawConn::connect(&addr).await else {
        w.failures += 1;
        return w;
    };
    let get = |path: &str| RawConn::request_bytes("GET", &addr, path, &[], b"");
    for path in [
        "/_emulator/",
        "/_emulator/dashboard/app.css",
        "/_emulator/dashboard/app.js",
    ] {
        match conn.send(&get(path)).await {
            Ok(r) if r.status == 200 => {}
            _ => w.failures += 1,
        }
    }
    let mut cursor = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let path = format!("/_emulator/dashboard/state?since={cursor}");
        match conn.send(&get(&path)).await {
            Ok(r) if r.status == 200 => {
                w.polls += 1;
                w.bytes += r.body.len() as u64;
                let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                cursor = v["requests"]["last"].as_u64().unwrap_or(cursor);
            }
            _ => w.failures += 1,
        }
        // Sleep in short steps so that the run's end is not held up by a whole interval.
        let mut slept = Duration::ZERO;
        while slept < poll && !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(50)).await;
            slept += Duration::from_millis(50);
        }
    }
    w
}

/// Sessions and conversions for the dashboard to show (what a busy development emulator holds).
async fn populate(addr: &str, account: &str, token: &str, sessions: usize, conversions: usize) {
    let mut conn = RawConn::connect(addr).await.expect("connect");
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    for i in 0..sessions {
        let req = RawConn::request_bytes(
            "PUT",
            addr,
            &format!("/accounts/{account}/sessions/fleet-{i}?api-version=2021-01-01"),
            &headers,
            br#"{"maxLeaseTimeMinutes": 60, "size": "Standard"}"#,
        );
        let r = conn.send(&req).await.expect("PUT session");
        assert!(r.status == 201, "PUT session: {}", r.status);
    }
    let body = br#"{"settings": {"inputLocation": {"storageContainerUri": "https://bench.blob.core.windows.net/in", "storageContainerReadListSas": "sv=1&sig=x", "relativeInputAssetPath": "box.fbx"}, "outputLocation": {"storageContainerUri": "https://bench.blob.core.windows.net/out", "storageContainerWriteSas": "sv=1&sig=y"}}}"#;
    for i in 0..conversions {
        let req = RawConn::request_bytes(
            "PUT",
            addr,
            &format!("/accounts/{account}/conversions/conv-{i}?api-version=2021-01-01"),
            &headers,
            body,
        );
        let r = conn.send(&req).await.expect("PUT conversion");
        assert!(r.status == 201, "PUT conversion: {}", r.status);
    }
}

fn main() {
    let emulator = arg("--emulator", "target/release/remote-rendering-emulator");
    let rounds: u32 = arg_num("--rounds", 5);
    let connections: usize = arg_num("--connections", 32);
    let seconds: f64 = arg_num("--seconds", 3.0);
    let max_requests: u64 = arg_num("--max-requests", 2_000_000);
    let sessions: usize = arg_num("--sessions", 100);
    let conversions: usize = arg_num("--conversions", 20);
    let threads: usize = arg_num("--threads", 1);
    // Closed/open pairs of runs per round, each run `--seconds` long.
    let pairs: u32 = arg_num("--pairs", 2);
    let poll = Duration::from_millis(arg_num("--poll-ms", POLL_MS));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("runtime");
    let duration = Duration::from_secs_f64(seconds);
    for round in 1..=rounds {
        let emu = Server::spawn(
            &emulator,
            &["--listen", "127.0.0.1:0", "--startup-delay", "0"],
        );
        let addr = emu.addr();
        let pid = emu.pid();
        let (account, key) = emu.account();
        let (off, on, watched, state_ms, (cpu_us_off, cpu_us_on)) = rt.block_on(async {
            let token = setup_session(&addr, &account, &key, "bench-session").await;
            populate(&addr, &account, &token, sessions, conversions).await;
            let req = RawConn::request_bytes(
                "GET",
                &addr,
                &format!("/accounts/{account}/sessions/bench-session?api-version=2021-01-01"),
                &[("Authorization", &format!("Bearer {token}"))],
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
            let (mut off, mut on, mut watched) = (
                LoadResult::default(),
                LoadResult::default(),
                Watched::default(),
            );
            // The emulator's CPU time during the closed and the open runs, in ns.
            let (mut cpu_off, mut cpu_on) = (0u64, 0u64);
            // Short runs with the dashboard closed and open, alternating (which comes first
            // alternates too), so that changes in the machine's other load fall on both alike.
            for pair in 0..pairs {
                for open in [(round + pair) % 2 == 0, (round + pair) % 2 == 1] {
                    let stop = Arc::new(AtomicBool::new(false));
                    // Its own thread, as a browser is its own process: reading the state must
                    // not take time from the load generator's thread.
                    let (a, st) = (addr.clone(), stop.clone());
                    let client = std::thread::spawn(move || {
                        tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .expect("runtime")
                            .block_on(dashboard_client(a, poll, st, open))
                    });
                    // The page is loaded and polling before the measured run starts.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    let cpu_before = cpu_ns(&pid);
                    let r = load(&addr, req.clone(), connections, duration, max_requests).await;
                    let cpu = cpu_ns(&pid).saturating_sub(cpu_before);
                    stop.store(true, Ordering::Relaxed);
                    let w = tokio::task::spawn_blocking(move || client.join())
                        .await
                        .expect("join")
                        .expect("dashboard client");
                    if open {
                        cpu_on += cpu;
                        add(&mut on, &r);
                        watched.polls += w.polls;
                        watched.bytes += w.bytes;
                        watched.failures += w.failures;
                    } else {
                        cpu_off += cpu;
                        add(&mut off, &r);
                    }
                }
            }
            // What one poll costs the emulator when nothing else runs: the time of a state
            // answer (with a full request log) on a quiet server, median of 21.
            let mut conn = RawConn::connect(&addr).await.expect("connect");
            let state =
                RawConn::request_bytes("GET", &addr, "/_emulator/dashboard/state", &[], b"");
            let mut times = Vec::new();
            for _ in 0..21 {
                let t = std::time::Instant::now();
                let r = conn.send(&state).await.expect("state answer");
                assert_eq!(r.status, 200);
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            let per_request =
                |cpu: u64, r: &LoadResult| cpu as f64 / 1000.0 / r.requests.max(1) as f64;
            let cpu_us = (per_request(cpu_off, &off), per_request(cpu_on, &on));
            (off, on, watched, median(&mut times), cpu_us)
        });
        drop(emu);
        for (name, r, cpu_us) in [
            ("emulator/dashboard_closed", &off, cpu_us_off),
            ("emulator/dashboard_open", &on, cpu_us_on),
        ] {
            emit(
                name,
                round,
                serde_json::json!({
                    "requests_per_s": r.per_second(),
                    "requests": r.requests,
                    "non_2xx": r.non_2xx,
                    "errors": r.errors,
                    "connections": connections,
                    "cpu_us_per_request": cpu_us,
                }),
            );
        }
        emit(
            "emulator/dashboard_ratio",
            round,
            serde_json::json!({
                "ratio": on.per_second() / off.per_second(),
                "cpu_ratio": cpu_us_on / cpu_us_off,
                "polls": watched.polls,
                "state_bytes_per_poll": watched.bytes.checked_div(watched.polls).unwrap_or(0),
                "poll_failures": watched.failures,
                "state_ms": state_ms,
                "poll_ms": poll.as_millis() as u64,
                "poll_cpu_share": state_ms / poll.as_secs_f64() / 1000.0,
                "sessions": sessions + 1,
                "conversions": conversions,
            }),
        );
    }
}
