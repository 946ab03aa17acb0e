//! Blocking calls driven on the calling thread (`blocking::Driver`), sharing one client (its
//! connections and its token cache) with async calls on a multi-thread runtime, from many
//! threads at once, with a wait's progress callback that itself makes blocking calls, and a
//! session guard dropped outside any runtime.

mod common;

use common::*;
use remote_rendering::blocking::{defer, Driver};
use remote_rendering::*;
use remote_rendering_emulator::Emulator;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Anything that could hang ends within this.
const LIMIT: Duration = Duration::from_secs(30);

fn emulator() -> Emulator {
    Emulator::start_blocking(slow_config()).expect("emulator starts")
}

#[test]
fn sync_and_async_calls_share_one_client_without_stalling() {
    let emu = emulator();
    let driver = Driver::new("rr-test").unwrap();
    let client = builder_for(&emu).build().unwrap();
    let other = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    driver
        .block_on(
            "start",
            client.start_session("shared", SessionSize::Standard, 5),
        )
        .unwrap()
        .unwrap();
    let started = Instant::now();
    for round in 0..20 {
        // A connection opened by one side is served by its runtime when the other side uses it:
        // the driver's when nobody blocks (its background thread), the workers' otherwise.
        let s = driver
            .block_on("get", client.get_session("shared"))
            .unwrap()
            .unwrap();
        assert_eq!(s.id, "shared");
        let c = client.clone();
        let s = other
            .block_on(async move { tokio::time::timeout(LIMIT, c.get_session("shared")).await })
            .expect("an async call on a connection of the driver is served")
            .unwrap();
        assert_eq!(s.id, "shared", "round {round}");
    }
    assert!(started.elapsed() < LIMIT);
    // One token for all of them: the cache is the client's, whichever runtime asked.
    assert_eq!(emu.stats().route("sts"), 1, "{:?}", emu.stats());
}

#[test]
fn many_threads_block_on_one_client() {
    let emu = emulator();
    let driver = Arc::new(Driver::new("rr-test").unwrap());
    let client = builder_for(&emu).build().unwrap();
    driver
        .block_on(
            "start",
            client.start_session("many", SessionSize::Standard, 5),
        )
        .unwrap()
        .unwrap();
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (driver, client) = (driver.clone(), client.clone());
            std::thread::spawn(move || {
                for _ in 0..30 {
                    let s = driver
                        .block_on("get", client.get_session("many"))
                        .unwrap()
                        .unwrap();
                    assert_eq!(s.id, "many");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(emu.stats().route("get_session"), 180);
}

#[test]
fn a_progress_callback_of_a_blocking_wait_may_make_blocking_calls() {
    let emu = Arc::new(emulator());
    let driver = Arc::new(Driver::new("rr-test").unwrap());
    let client = builder_for(&emu).build().unwrap();
    for id in ["waited", "other"] {
        driver
            .block_on("start", client.start_session(id, SessionSize::Standard, 5))
            .unwrap()
            .unwrap();
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let me = std::thread::current().id();
    let options = {
        let (driver, client, emu, seen) =
            (driver.clone(), client.clone(), emu.clone(), seen.clone());
        WaitOptions::default()
            .poll_interval(Duration::from_millis(10))
            .timeout(LIMIT)
            .on_progress(move |_s: &Session| {
                let (driver, client, emu, seen) =
                    (driver.clone(), client.clone(), emu.clone(), seen.clone());
                defer(move || {
                    assert_eq!(std::thread::current().id(), me, "on the caller's thread");
                    let other = driver
                        .block_on("get", client.get_session("other"))
                        .unwrap()
                        .unwrap();
                    seen.lock().unwrap().push(other.status.clone());
                    emu.advance_clock(Duration::from_secs(61));
                })
            })
    };
    let ready = driver
        .block_on("wait", client.wait_for_session("waited", options))
        .unwrap()
        .unwrap();
    assert_eq!(ready.status, SessionStatus::Ready);
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    assert_eq!(seen[0], SessionStatus::Starting);
}

#[test]
fn a_guard_dropped_outside_any_runtime_stops_its_session() {
    let emu = Emulator::start_blocking(remote_rendering_emulator::EmulatorConfig {
        startup_delay: Duration::from_millis(50),
        ..slow_config()
    })
    .expect("emulator starts");
    let driver = Driver::new("rr-test").unwrap();
    let client = builder_for(&emu).build().unwrap();
    let options = SessionOptions {
        id: Some("guarded".into()),
        lease_minutes: 5,
        wait: WaitOptions::default().poll_interval(Duration::from_millis(10)),
        ..SessionOptions::default()
    };
    let managed = driver
        .block_on("start", client.open_session(options))
        .unwrap()
        .unwrap();
    let started = Instant::now();
    drop(managed); // on this plain thread: the stop runs on the driver, this waits for it
    assert!(started.elapsed() < LIMIT);
    let s = driver
        .block_on("get", client.get_session("guarded"))
        .unwrap()
        .unwrap();
    assert_eq!(s.status, SessionStatus::Stopped);
}
