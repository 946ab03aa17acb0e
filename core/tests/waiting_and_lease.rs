//! Waiting (one session, one conversion, a fleet), the lease keeper and managed sessions,
//! against the embedded emulator. Time is the emulator's: tests move its clock (or run it 600
//! times faster than real time, a minute in 0.1 s) instead of sleeping through real delays.

mod common;

use common::*;
use remote_rendering::*;
use remote_rendering_emulator::{EmulatorConfig, FaultPlan};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs `f`, failing the test instead of hanging when it takes longer than `limit`.
async fn within<F: Future>(limit: Duration, what: &str, f: F) -> F::Output {
    match tokio::time::timeout(limit, f).await {
        Ok(v) => v,
        Err(_) => panic!("{what} did not finish within {limit:?}"),
    }
}

/// Returns once the emulator has seen at least `n` requests on `route`.
async fn until_requests(env: &Env, route: &str, n: u64) {
    within(Duration::from_secs(5), "waiting for requests", async {
        while env.requests(route) < n {
            tokio::time::sleep(ms(2)).await;
        }
    })
    .await
}

/// Moves the emulated clock by `secs` from another task, once `route` saw `n` requests.
fn advance_after(
    env: &Arc<Env>,
    route: &'static str,
    n: u64,
    secs: u64,
) -> tokio::task::JoinHandle<()> {
    let env = env.clone();
    tokio::spawn(async move {
        until_requests(&env, route, n).await;
        env.advance(secs);
    })
}

/// Reads the session until it has status `want` or `limit` passes; returns the last status.
async fn status_within(
    c: &Client,
    id: &str,
    want: SessionStatus,
    limit: Duration,
) -> SessionStatus {
    let started = Instant::now();
    loop {
        let status = c.get_session(id).await.unwrap().into_inner().status;
        if status == want || started.elapsed() >= limit {
            return status;
        }
        tokio::time::sleep(ms(10)).await;
    }
}

async fn status_of(c: &Client, id: &str) -> SessionStatus {
    c.get_session(id).await.unwrap().into_inner().status
}

/// Emulated time 600 times faster than real time (a minute in 0.1 s), sessions Ready at once.
fn fast_config() -> EmulatorConfig {
    EmulatorConfig {
        time_scale: 600.0,
        startup_delay: Duration::ZERO,
        ..slow_config()
    }
}

/// The default lease options, read every 20 ms.
fn quick_lease() -> LeaseOptions {
    LeaseOptions {
        check_interval: ms(20),
        ..LeaseOptions::default()
    }
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:02}")).collect()
}

// ---------------------------------------------------------------------------------------------
// wait_for_session
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_session_returns_the_ready_session_once_the_startup_delay_has_passed() {
    let env = Arc::new(Env::start().await);
    env.client
        .start_session("w-ready", SessionSize::Standard, 10)
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = seen.clone();
    // The clock passes the 60 s start-up delay after the second poll.
    let mover = advance_after(&env, "get_session", 2, 61);
    let ready = within(
        Duration::from_secs(5),
        "wait_for_session",
        env.client.wait_for_session(
            "w-ready",
            WaitOptions::new()
                .on_progress(move |s: &Session| progress.lock().unwrap().push(s.status.clone())),
        ),
    )
    .await
    .unwrap();
    mover.await.unwrap();

    assert_eq!(ready.id, "w-ready");
    assert_eq!(ready.status, SessionStatus::Ready);
    assert_eq!(ready.elapsed_minutes, Some(0));
    assert_eq!(ready.lease_minutes, Some(10));
    assert!(ready
        .hostname
        .as_deref()
        .unwrap()
        .contains(".remoterendering."));
    assert!(ready.handshake_port.is_some());

    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 3,
        "two polls before the clock moved: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&SessionStatus::Ready));
    assert!(
        seen[..seen.len() - 1]
            .iter()
            .all(|s| *s == SessionStatus::Starting),
        "Starting until Ready: {seen:?}"
    );
    assert_eq!(
        env.requests("get_session"),
        seen.len() as u64,
        "progress is called once per poll"
    );
}

#[tokio::test]
async fn wait_for_session_fails_with_the_session_and_service_error_when_it_reaches_error() {
    let env = Arc::new(Env::start().await);
    env.client
        .start_session("w-err", SessionSize::Standard, 10)
        .await
        .unwrap();
    let failer = {
        let env = env.clone();
        tokio::spawn(async move {
            until_requests(&env, "get_session", 2).await;
            env.emu
                .fail_session(env.emu.account_id(), "w-err", None)
                .unwrap();
        })
    };
    let e = within(
        Duration::from_secs(5),
        "wait_for_session",
        env.client.wait_for_session("w-err", WaitOptions::new()),
    )
    .await
    .unwrap_err();
    failer.await.unwrap();

    assert_eq!(e.kind(), ErrorKind::SessionFailed);
    assert_eq!(e.code(), "SESSION_FAILED");
    let s = e.session().expect("the failed session is carried");
    assert_eq!(s.id, "w-err");
    assert_eq!(s.status, SessionStatus::Error);
    let service = e.service_error().expect("the service's error is carried");
    assert_eq!(service.code, "SessionStartFailed");
    assert_eq!(s.error.as_ref(), Some(service));
    assert!(e.to_string().contains("SessionStartFailed"), "{e}");
    assert!(e.conversion().is_none());
}

#[tokio::test]
async fn wait_for_session_fails_with_the_session_when_it_was_stopped() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_session("w-stopped", SessionSize::Standard, 10)
        .await
        .unwrap();
    c.stop_session("w-stopped").await.unwrap();
    let e = within(
        Duration::from_secs(5),
        "wait_for_session",
        c.wait_for_session("w-stopped", WaitOptions::new()),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SessionFailed);
    assert_eq!(e.session().unwrap().status, SessionStatus::Stopped);
    assert!(e.service_error().is_none(), "a stop is no service error");
    assert_eq!(env.requests("get_session"), 1, "known at the first poll");
}

#[tokio::test]
async fn wait_for_session_fails_with_the_session_when_its_lease_expired() {
    // 600 times real time; the 60 s start-up delay and the 1-minute lease pass on the clock.
    let env = Env::with(EmulatorConfig {
        time_scale: 600.0,
        ..slow_config()
    })
    .await;
    let c = &env.client;
    c.start_session("w-expired", SessionSize::Standard, 1)
        .await
        .unwrap();
    env.advance(60 + 120);
    let e = within(
        Duration::from_secs(5),
        "wait_for_session",
        c.wait_for_session("w-expired", WaitOptions::new()),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SessionFailed);
    let s = e.session().unwrap();
    assert_eq!(s.status, SessionStatus::Expired);
    assert_eq!(s.lease_minutes, Some(1));
    assert_eq!(s.elapsed_minutes, Some(1), "elapsed stops at the lease");
}

#[tokio::test]
async fn wait_for_session_times_out_carrying_the_last_session_seen() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_session("w-slow", SessionSize::Standard, 10)
        .await
        .unwrap();
    let started = Instant::now();
    let e = within(
        Duration::from_secs(5),
        "wait_for_session",
        c.wait_for_session("w-slow", WaitOptions::new().timeout(ms(300))),
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(e.code(), "TIMEOUT");
    let s = e.session().expect("the last session seen");
    assert_eq!(s.id, "w-slow");
    assert_eq!(s.status, SessionStatus::Starting);
    assert!(e.message().contains("Starting"), "{e}");
    assert!(took >= ms(300), "not before the deadline: {took:?}");
    assert!(
        took < Duration::from_secs(2),
        "soon after the deadline: {took:?}"
    );
}

#[tokio::test]
async fn wait_for_session_deadline_cuts_a_slow_poll_short() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_session("w-stuck", SessionSize::Standard, 10)
        .await
        .unwrap();
    c.get_session("w-stuck").await.unwrap();
    env.emu
        .set_faults(FaultPlan::parse("delay:3s=1@get_session").unwrap(), 1);
    let started = Instant::now();
    let e = within(
        Duration::from_secs(10),
        "wait_for_session",
        c.wait_for_session("w-stuck", WaitOptions::new().timeout(ms(300))),
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn wait_for_session_is_cancelled_promptly_from_another_task() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_session("w-cancel", SessionSize::Standard, 10)
        .await
        .unwrap();
    let token = CancellationToken::new();
    let canceller = {
        let token = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(ms(100)).await;
            token.cancel();
        })
    };
    let started = Instant::now();
    let e = within(
        Duration::from_secs(5),
        "wait_for_session",
        c.wait_for_session(
            "w-cancel",
            WaitOptions::new()
                .poll_interval(Duration::from_secs(10))
                .cancel(token),
        ),
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    canceller.await.unwrap();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(e.code(), "CANCELLED");
    assert_eq!(e.session().unwrap().status, SessionStatus::Starting);
    assert!(took >= ms(100), "{took:?}");
    assert!(took < Duration::from_secs(1), "not the 10 s poll: {took:?}");
    assert_eq!(env.requests("get_session"), 1, "one poll before the pause");
}

#[tokio::test]
async fn wait_for_session_of_an_unknown_id_is_not_found_at_once() {
    let env = Env::start().await;
    let started = Instant::now();
    let e = within(
        Duration::from_secs(5),
        "wait_for_session",
        env.client
            .wait_for_session("never-started", WaitOptions::new()),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.status(), Some(404));
    assert!(e.session().is_none());
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(env.requests("get_session"), 1, "no polling on: {e}");
}

/// A wait through 1.5 s of throttling (Retry-After 1 s) with `client`: it succeeds, and polls
/// no more often than Retry-After allows (the poll interval is 20 ms).
async fn wait_through_throttling(env: Arc<Env>, client: Client) {
    client
        .start_session("w-throttled", SessionSize::Standard, 10)
        .await
        .unwrap();
    env.advance(61);
    env.emu
        .set_faults(FaultPlan::parse("429:1=1@get_session").unwrap(), 1);
    let clearer = {
        let env = env.clone();
        tokio::spawn(async move {
            tokio::time::sleep(ms(1500)).await;
            env.emu.clear_faults();
        })
    };
    let started = Instant::now();
    let ready = within(
        Duration::from_secs(10),
        "wait_for_session",
        client.wait_for_session("w-throttled", WaitOptions::new().poll_interval(ms(20))),
    )
    .await
    .unwrap();
    let took = started.elapsed();
    clearer.await.unwrap();
    assert_eq!(ready.status, SessionStatus::Ready);
    let polls = env.requests("get_session");
    let throttled = env.emu.stats().faults.get("429").copied().unwrap_or(0);
    assert!(took >= ms(1500), "it waited the throttling out: {took:?}");
    assert!(throttled >= 1);
    assert_eq!(polls, throttled + 1, "one successful poll ends the wait");
    // Requests at 0 s, 1 s, 2 s (one more if the faults were cleared late); every 20 ms
    // would have been ~75.
    assert!(
        polls as f64 <= took.as_secs_f64() + 1.0 && polls <= 4,
        "{polls} polls in {took:?}"
    );
}

#[tokio::test]
async fn wait_for_session_honours_retry_after_while_throttled() {
    let env = Arc::new(Env::start().await);
    let client = env.client.clone();
    wait_through_throttling(env, client).await;
}

#[tokio::test]
async fn wait_for_session_honours_retry_after_of_a_throttled_poll_without_request_retries() {
    let env = Arc::new(Env::start().await);
    let client = builder_for(&env.emu)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    wait_through_throttling(env, client).await;
}

// ---------------------------------------------------------------------------------------------
// wait_for_conversion
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_conversion_returns_the_succeeded_conversion() {
    let env = Arc::new(Env::start().await);
    env.client
        .start_conversion("c-ok", conversion_settings("sdktest", "box.fbx"))
        .await
        .unwrap();
    let mover = advance_after(&env, "get_conversion", 1, 121);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = seen.clone();
    let done = within(
        Duration::from_secs(5),
        "wait_for_conversion",
        env.client.wait_for_conversion(
            "c-ok",
            WaitOptions::new()
                .on_progress(move |c: &Conversion| progress.lock().unwrap().push(c.status.clone())),
        ),
    )
    .await
    .unwrap();
    mover.await.unwrap();
    assert_eq!(done.id, "c-ok");
    assert_eq!(done.status, ConversionStatus::Succeeded);
    assert!(done.error.is_none());
    assert_eq!(
        done.output_asset_uri.unwrap(),
        "https://sdktest.blob.core.windows.net/output/Output/box.arrAsset"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.first(), Some(&ConversionStatus::Running));
    assert_eq!(seen.last(), Some(&ConversionStatus::Succeeded));
}

#[tokio::test]
async fn wait_for_conversion_fails_when_the_input_is_missing_from_storage() {
    let root = tempfile::tempdir().unwrap();
    let input_dir = root.path().join("sdktest").join("input").join("Input");
    std::fs::create_dir_all(&input_dir).unwrap();
    std::fs::write(input_dir.join("present.fbx"), b"a model").unwrap();
    let env = Env::with(EmulatorConfig {
        storage_root: Some(root.path().to_owned()),
        ..slow_config()
    })
    .await;
    let c = &env.client;
    c.start_conversion("c-lacks", conversion_settings("sdktest", "missing.fbx"))
        .await
        .unwrap();
    c.start_conversion("c-has", conversion_settings("sdktest", "present.fbx"))
        .await
        .unwrap();
    env.advance(121);

    let e = within(
        Duration::from_secs(5),
        "wait_for_conversion",
        c.wait_for_conversion("c-lacks", WaitOptions::new()),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConversionFailed);
    assert_eq!(e.code(), "CONVERSION_FAILED");
    let conv = e.conversion().expect("the failed conversion is carried");
    assert_eq!(conv.id, "c-lacks");
    assert_eq!(conv.status, ConversionStatus::Failed);
    assert!(conv.output_asset_uri.is_none());
    let service = e.service_error().unwrap();
    assert_eq!(service.code, "InputContainerError");
    assert_eq!(conv.error.as_ref(), Some(service));
    assert!(e.session().is_none());

    // The same storage with the input present converts.
    let ok = within(
        Duration::from_secs(5),
        "wait_for_conversion",
        c.wait_for_conversion("c-has", WaitOptions::new()),
    )
    .await
    .unwrap();
    assert_eq!(ok.status, ConversionStatus::Succeeded);
    assert!(root
        .path()
        .join("sdktest/output/Output/present.arrAsset")
        .is_file());
}

#[tokio::test]
async fn wait_for_conversion_fails_when_the_conversion_is_cancelled() {
    let env = Arc::new(Env::start().await);
    env.client
        .start_conversion("c-cancel", conversion_settings("sdktest", "box.fbx"))
        .await
        .unwrap();
    let canceller = {
        let env = env.clone();
        tokio::spawn(async move {
            until_requests(&env, "get_conversion", 2).await;
            env.emu
                .cancel_conversion(env.emu.account_id(), "c-cancel")
                .unwrap();
        })
    };
    let e = within(
        Duration::from_secs(5),
        "wait_for_conversion",
        env.client
            .wait_for_conversion("c-cancel", WaitOptions::new()),
    )
    .await
    .unwrap_err();
    canceller.await.unwrap();
    assert_eq!(e.kind(), ErrorKind::ConversionFailed);
    let conv = e.conversion().unwrap();
    assert_eq!(conv.id, "c-cancel");
    assert_eq!(conv.status, ConversionStatus::Cancelled);
    assert!(conv.output_asset_uri.is_none());
}

#[tokio::test]
async fn wait_for_conversion_times_out_carrying_the_running_conversion() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_conversion("c-slow", conversion_settings("sdktest", "box.fbx"))
        .await
        .unwrap();
    let started = Instant::now();
    let e = within(
        Duration::from_secs(5),
        "wait_for_conversion",
        c.wait_for_conversion("c-slow", WaitOptions::new().timeout(ms(300))),
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    let conv = e.conversion().expect("the last conversion seen");
    assert_eq!(conv.status, ConversionStatus::Running);
    assert!(took >= ms(300) && took < Duration::from_secs(2), "{took:?}");
}

// ---------------------------------------------------------------------------------------------
// wait_for_sessions (a fleet)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_sessions_polls_one_list_per_interval_for_the_whole_fleet() {
    let env = Arc::new(Env::start().await);
    let mut fleet = ids("fleet", 20);
    for id in &fleet {
        env.client
            .start_session(id, SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    // Results come back in the order asked, not the service's order.
    fleet.reverse();
    let mover = advance_after(&env, "list_sessions", 3, 61);
    let interval = ms(50);
    let started = Instant::now();
    let results = within(
        Duration::from_secs(5),
        "wait_for_sessions",
        env.client
            .wait_for_sessions(&fleet, WaitOptions::new().poll_interval(interval)),
    )
    .await
    .unwrap();
    let took = started.elapsed();
    mover.await.unwrap();

    assert_eq!(results.len(), fleet.len());
    for (id, r) in fleet.iter().zip(&results) {
        let s = r.as_ref().unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(&s.id, id);
        assert_eq!(s.status, SessionStatus::Ready);
        assert!(s.hostname.is_some());
    }
    assert_eq!(env.requests("get_session"), 0, "no GET per session");
    let lists = env.requests("list_sessions");
    let intervals = (took.as_secs_f64() / interval.as_secs_f64()) as u64;
    assert!(
        (3..=intervals + 2).contains(&lists),
        "{lists} lists in {took:?} ({intervals} intervals)"
    );
    assert!(
        lists < 20,
        "far below one GET per session per poll: {lists}"
    );
}

#[tokio::test]
async fn wait_for_sessions_fetches_only_the_failed_one_and_reports_it() {
    let env = Env::start().await;
    let fleet = ids("mixed", 5);
    for id in &fleet {
        env.client
            .start_session(id, SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    env.emu
        .fail_session(env.emu.account_id(), "mixed-02", None)
        .unwrap();
    env.advance(61);
    let results = within(
        Duration::from_secs(5),
        "wait_for_sessions",
        env.client.wait_for_sessions(&fleet, WaitOptions::new()),
    )
    .await
    .unwrap();
    for (i, r) in results.iter().enumerate() {
        if i == 2 {
            let e = r.as_ref().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::SessionFailed);
            let s = e.session().unwrap();
            assert_eq!(s.id, "mixed-02");
            assert_eq!(s.status, SessionStatus::Error);
            assert_eq!(e.service_error().unwrap().code, "SessionStartFailed");
        } else {
            let s = r.as_ref().unwrap();
            assert_eq!(s.id, fleet[i]);
            assert_eq!(s.status, SessionStatus::Ready);
        }
    }
    assert_eq!(
        env.requests("get_session"),
        1,
        "exactly one GET, for the session missing from the list"
    );
    assert_eq!(env.requests("list_sessions"), 1);
}

#[tokio::test]
async fn wait_for_sessions_times_out_the_ones_still_starting() {
    let env = Env::start().await;
    let c = &env.client;
    for i in 0..3 {
        c.start_session(&format!("early-{i}"), SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    env.advance(30);
    for i in 0..3 {
        c.start_session(&format!("late-{i}"), SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    env.advance(31); // the early ones are Ready, the late ones have 29 s to go
    let order: Vec<String> = (0..3)
        .flat_map(|i| [format!("late-{i}"), format!("early-{i}")])
        .collect();
    let started = Instant::now();
    let results = within(
        Duration::from_secs(5),
        "wait_for_sessions",
        c.wait_for_sessions(&order, WaitOptions::new().timeout(ms(200))),
    )
    .await
    .unwrap();
    let took = started.elapsed();
    assert!(took >= ms(200) && took < Duration::from_secs(2), "{took:?}");
    for (id, r) in order.iter().zip(&results) {
        if id.starts_with("early") {
            let s = r.as_ref().unwrap();
            assert_eq!(&s.id, id);
            assert_eq!(s.status, SessionStatus::Ready);
        } else {
            let e = r.as_ref().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Timeout, "{id}");
            let s = e.session().expect("the session as last listed");
            assert_eq!(&s.id, id);
            assert_eq!(s.status, SessionStatus::Starting);
        }
    }
    assert_eq!(env.requests("get_session"), 0);
}

#[tokio::test]
async fn wait_for_sessions_reads_every_page_of_the_list() {
    let env = Arc::new(
        Env::with(EmulatorConfig {
            page_size: 3,
            ..slow_config()
        })
        .await,
    );
    let fleet = ids("paged", 8);
    for id in &fleet {
        env.client
            .start_session(id, SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    // Two whole polls (three pages each) while Starting, then Ready.
    let mover = advance_after(&env, "list_sessions", 6, 61);
    let results = within(
        Duration::from_secs(5),
        "wait_for_sessions",
        env.client.wait_for_sessions(&fleet, WaitOptions::new()),
    )
    .await
    .unwrap();
    mover.await.unwrap();
    for (id, r) in fleet.iter().zip(&results) {
        let s = r.as_ref().unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(&s.id, id);
        assert_eq!(s.status, SessionStatus::Ready);
    }
    let lists = env.requests("list_sessions");
    assert!(lists >= 9, "at least three polls: {lists}");
    assert_eq!(lists % 3, 0, "every poll reads all three pages: {lists}");
    assert_eq!(
        env.requests("get_session"),
        0,
        "sessions on later pages are found"
    );
}

#[tokio::test]
async fn wait_for_sessions_deadline_cuts_a_slow_list_short() {
    let env = Env::start().await;
    let fleet = ids("stuck", 2);
    for id in &fleet {
        env.client
            .start_session(id, SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    env.emu
        .set_faults(FaultPlan::parse("delay:3s=1@list_sessions").unwrap(), 1);
    let started = Instant::now();
    let results = within(
        Duration::from_secs(10),
        "wait_for_sessions",
        env.client
            .wait_for_sessions(&fleet, WaitOptions::new().timeout(ms(300))),
    )
    .await
    .unwrap();
    let took = started.elapsed();
    for r in &results {
        assert_eq!(r.as_ref().unwrap_err().kind(), ErrorKind::Timeout);
    }
    // wait_for_session ends at its deadline even while a poll hangs; the fleet wait should too.
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn wait_for_sessions_is_cancelled_promptly_even_during_a_slow_list() {
    let env = Env::start().await;
    let fleet = ids("slowlist", 2);
    for id in &fleet {
        env.client
            .start_session(id, SessionSize::Standard, 10)
            .await
            .unwrap();
    }
    env.emu
        .set_faults(FaultPlan::parse("delay:3s=1@list_sessions").unwrap(), 1);
    let token = CancellationToken::new();
    let canceller = {
        let token = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(ms(100)).await;
            token.cancel();
        })
    };
    let started = Instant::now();
    let results = within(
        Duration::from_secs(10),
        "wait_for_sessions",
        env.client
            .wait_for_sessions(&fleet, WaitOptions::new().cancel(token)),
    )
    .await
    .unwrap();
    let took = started.elapsed();
    canceller.await.unwrap();
    for r in &results {
        assert_eq!(r.as_ref().unwrap_err().kind(), ErrorKind::Cancelled);
    }
    assert!(took < Duration::from_secs(1), "{took:?}");
}

// ---------------------------------------------------------------------------------------------
// The lease keeper
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn lease_keeper_extends_in_fixed_steps_up_to_the_cap_then_the_session_expires() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-steps", SessionSize::Standard, 2)
        .await
        .unwrap();
    let keeper = c
        .keep_alive(
            "lease-steps",
            LeaseOptions {
                step_minutes: 2,
                margin_minutes: 1,
                max_total_minutes: 6,
                check_interval: ms(20),
                stop_on_drop: true,
                ..LeaseOptions::default()
            },
        )
        .unwrap();
    assert_eq!(keeper.session_id(), "lease-steps");
    // Record every lease the keeper sees until the session ends (6 emulated minutes, 0.6 s).
    let mut leases = Vec::new();
    within(Duration::from_secs(5), "the keeper to finish", async {
        loop {
            if let Some(s) = keeper.latest() {
                let lease = s.lease_minutes.unwrap();
                if leases.last() != Some(&lease) {
                    leases.push(lease);
                }
            }
            if keeper.is_finished() {
                break;
            }
            tokio::time::sleep(ms(5)).await;
        }
    })
    .await;
    assert_eq!(leases, [2, 4, 6], "fixed steps of 2 up to the cap of 6");
    assert_eq!(keeper.extensions(), 2);
    assert_eq!(
        env.requests("update_session"),
        2,
        "no extension past the cap"
    );
    let last = keeper.latest().unwrap();
    assert_eq!(last.status, SessionStatus::Expired);
    assert_eq!(last.lease_minutes, Some(6));
    assert_eq!(last.elapsed_minutes, Some(6));
    assert_eq!(status_of(c, "lease-steps").await, SessionStatus::Expired);
    // Closing a keeper whose session ended is harmless.
    keeper.close().await.unwrap();
    assert_eq!(status_of(c, "lease-steps").await, SessionStatus::Expired);
    assert_eq!(env.requests("update_session"), 2);
}

#[tokio::test]
async fn lease_keeper_goes_by_the_servers_elapsed_minutes_not_local_time() {
    // Start-up takes 20 emulated minutes (2 s real); the lease of 2 counts from Ready.
    let env = Env::with(EmulatorConfig {
        startup_delay: Duration::from_secs(20 * 60),
        ..fast_config()
    })
    .await;
    let c = &env.client;
    c.start_session("lease-starting", SessionSize::Standard, 2)
        .await
        .unwrap();
    let keeper = c
        .keep_alive(
            "lease-starting",
            LeaseOptions {
                step_minutes: 2,
                margin_minutes: 1,
                max_total_minutes: 10,
                check_interval: ms(20),
                stop_on_drop: true,
                ..LeaseOptions::default()
            },
        )
        .unwrap();
    // 15 reads: 300 ms or more, i.e. 3+ emulated minutes, past lease and margin by local time.
    until_requests(&env, "get_session", 15).await;
    let updates = env.requests("update_session");
    assert_eq!(
        status_of(c, "lease-starting").await,
        SessionStatus::Starting,
        "the premise: still starting"
    );
    assert_eq!(updates, 0, "a Starting session is never extended");
    assert_eq!(keeper.extensions(), 0);
    let seen = keeper.latest().unwrap();
    assert_eq!(seen.status, SessionStatus::Starting);
    assert_eq!(seen.elapsed_minutes, Some(0));

    // Once Ready, the keeper extends when the server's elapsed minutes come near the lease.
    within(Duration::from_secs(6), "the first extension", async {
        while keeper.extensions() == 0 {
            tokio::time::sleep(ms(5)).await;
        }
    })
    .await;
    let extended = keeper.latest().unwrap();
    assert_eq!(extended.status, SessionStatus::Ready);
    assert_eq!(extended.lease_minutes, Some(4));
    assert!(extended.elapsed_minutes.unwrap() >= 1, "{extended:?}");
    keeper.close().await.unwrap();
    assert_eq!(status_of(c, "lease-starting").await, SessionStatus::Stopped);
}

#[tokio::test]
async fn dropping_the_lease_keeper_stops_the_session() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-drop", SessionSize::Standard, 60)
        .await
        .unwrap();
    let keeper = c.keep_alive("lease-drop", quick_lease()).unwrap();
    until_requests(&env, "get_session", 1).await;
    assert_eq!(status_of(c, "lease-drop").await, SessionStatus::Ready);
    drop(keeper);
    assert_eq!(
        status_within(
            c,
            "lease-drop",
            SessionStatus::Stopped,
            Duration::from_secs(1)
        )
        .await,
        SessionStatus::Stopped
    );
    assert_eq!(env.requests("stop_session"), 1);
}

#[tokio::test]
async fn closing_the_lease_keeper_stops_the_session_before_returning() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-close", SessionSize::Standard, 60)
        .await
        .unwrap();
    let keeper = c.keep_alive("lease-close", quick_lease()).unwrap();
    until_requests(&env, "get_session", 1).await;
    within(Duration::from_secs(5), "close", keeper.close())
        .await
        .unwrap();
    assert_eq!(env.requests("stop_session"), 1);
    assert_eq!(status_of(c, "lease-close").await, SessionStatus::Stopped);
}

#[tokio::test]
async fn detaching_the_lease_keeper_leaves_the_session_running() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-detach", SessionSize::Standard, 60)
        .await
        .unwrap();
    let keeper = c.keep_alive("lease-detach", quick_lease()).unwrap();
    until_requests(&env, "get_session", 1).await;
    within(Duration::from_secs(5), "detach", keeper.detach()).await;
    let reads = env.requests("get_session");
    tokio::time::sleep(ms(200)).await;
    assert_eq!(env.requests("get_session"), reads, "the renewals ended");
    assert_eq!(status_of(c, "lease-detach").await, SessionStatus::Ready);
    assert_eq!(env.requests("stop_session"), 0);
}

#[tokio::test]
async fn a_lease_keeper_without_stop_on_drop_leaves_the_session_running_when_dropped() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-keep", SessionSize::Standard, 60)
        .await
        .unwrap();
    let keeper = c
        .keep_alive(
            "lease-keep",
            LeaseOptions {
                stop_on_drop: false,
                ..quick_lease()
            },
        )
        .unwrap();
    until_requests(&env, "get_session", 1).await;
    drop(keeper);
    tokio::time::sleep(ms(200)).await;
    assert_eq!(status_of(c, "lease-keep").await, SessionStatus::Ready);
    assert_eq!(env.requests("stop_session"), 0);
}

/// Caller code that keeps a session alive and then fails with `?`.
async fn work_that_fails(client: &Client, id: &str) -> Result<Session> {
    let _keeper = client.keep_alive(id, quick_lease())?;
    let other = client.get_session("no-such-session").await?;
    Ok(other.into_inner())
}

#[tokio::test]
async fn the_session_is_stopped_when_the_callers_code_fails() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-err", SessionSize::Standard, 60)
        .await
        .unwrap();
    let e = within(
        Duration::from_secs(5),
        "the failing work",
        work_that_fails(c, "lease-err"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        status_within(
            c,
            "lease-err",
            SessionStatus::Stopped,
            Duration::from_secs(1)
        )
        .await,
        SessionStatus::Stopped
    );
    assert_eq!(env.requests("stop_session"), 1);
}

#[tokio::test]
async fn the_session_is_stopped_when_the_task_holding_the_keeper_panics() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("lease-panic", SessionSize::Standard, 60)
        .await
        .unwrap();
    let client = c.clone();
    let task = tokio::spawn(async move {
        let keeper = client.keep_alive("lease-panic", quick_lease()).unwrap();
        while keeper.latest().is_none() {
            tokio::time::sleep(ms(5)).await;
        }
        panic!("the caller's code panicked while holding the keeper (expected by the test)");
    });
    let joined = within(Duration::from_secs(5), "the panicking task", task)
        .await
        .unwrap_err();
    assert!(joined.is_panic());
    assert_eq!(
        status_within(
            c,
            "lease-panic",
            SessionStatus::Stopped,
            Duration::from_secs(1)
        )
        .await,
        SessionStatus::Stopped
    );
    assert_eq!(env.requests("stop_session"), 1);
}

/// The shape of `#[tokio::main] async fn main() -> Result<()>`: the caller's code fails with
/// `?` and the runtime ends right after, as the program exits.
#[test]
fn the_session_is_stopped_when_main_fails_and_the_runtime_ends() {
    async fn main_body(client: Client) -> Result<()> {
        client
            .start_session("lease-main", SessionSize::Standard, 60)
            .await?;
        let _keeper = client.keep_alive("lease-main", quick_lease())?;
        client.get_session("no-such-session").await?;
        Ok(())
    }
    // The emulator runs on a runtime of its own, which outlives the caller's.
    let emu = remote_rendering_emulator::Emulator::start_blocking(fast_config()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async { builder_for(&emu).build().unwrap() });
    let e = runtime.block_on(main_body(client)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    drop(runtime);

    let checker = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = checker.block_on(async {
        let client = builder_for(&emu).build().unwrap();
        status_within(
            &client,
            "lease-main",
            SessionStatus::Stopped,
            Duration::from_secs(1),
        )
        .await
    });
    assert_eq!(
        status,
        SessionStatus::Stopped,
        "the session was left running"
    );
}

#[tokio::test]
async fn invalid_lease_options_are_refused_naming_the_field_before_anything_is_sent() {
    let env = Env::start().await;
    let c = &env.client;
    let cases = [
        (
            LeaseOptions {
                step_minutes: 0,
                ..LeaseOptions::default()
            },
            "lease.step_minutes",
        ),
        (
            LeaseOptions {
                max_total_minutes: 1441,
                ..LeaseOptions::default()
            },
            "lease.max_total_minutes",
        ),
        (
            LeaseOptions {
                check_interval: Duration::ZERO,
                ..LeaseOptions::default()
            },
            "lease.check_interval",
        ),
    ];
    for (options, field) in cases {
        let e = c.keep_alive("any-session", options.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{field}");
        assert_eq!(e.field(), Some(field));
        assert!(e.message().starts_with(field), "{e}");

        let e = within(
            Duration::from_secs(5),
            "open_session",
            c.open_session(SessionOptions {
                id: Some("any-session".into()),
                keep_alive: Some(options),
                ..SessionOptions::default()
            }),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{field}");
        assert_eq!(e.field(), Some(field));
    }
    assert_eq!(
        env.emu.stats().requests,
        0,
        "nothing sent, not even to the STS"
    );
}

// ---------------------------------------------------------------------------------------------
// open_session
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn open_session_returns_a_ready_session_with_a_keeper_and_close_stops_it() {
    let env = Arc::new(Env::start().await);
    let mover = advance_after(&env, "get_session", 1, 61);
    let managed = within(
        Duration::from_secs(5),
        "open_session",
        env.client.open_session(SessionOptions {
            id: Some("managed-1".into()),
            lease_minutes: 30,
            keep_alive: Some(quick_lease()),
            ..SessionOptions::default()
        }),
    )
    .await
    .unwrap();
    mover.await.unwrap();
    assert_eq!(managed.id(), "managed-1");
    let s = managed.session();
    assert_eq!(s.status, SessionStatus::Ready);
    assert_eq!(s.lease_minutes, Some(30));
    assert!(s.hostname.is_some());
    let keeper = managed.keeper().expect("kept alive");
    assert_eq!(keeper.session_id(), "managed-1");
    within(Duration::from_secs(5), "the keeper's first read", async {
        while keeper.latest().is_none() {
            tokio::time::sleep(ms(5)).await;
        }
    })
    .await;
    assert_eq!(keeper.latest().unwrap().status, SessionStatus::Ready);
    assert_eq!(env.requests("create_session"), 1);
    assert_eq!(env.requests("stop_session"), 0);

    within(Duration::from_secs(5), "close", managed.close())
        .await
        .unwrap();
    assert_eq!(env.requests("stop_session"), 1);
    assert_eq!(
        status_of(&env.client, "managed-1").await,
        SessionStatus::Stopped
    );
    let reads = env.requests("get_session");
    tokio::time::sleep(ms(100)).await;
    assert_eq!(
        env.requests("get_session"),
        reads,
        "the keeper ended with it"
    );
}

#[tokio::test]
async fn dropping_an_open_session_stops_it() {
    let env = Arc::new(Env::start().await);
    let mover = advance_after(&env, "get_session", 1, 61);
    let managed = within(
        Duration::from_secs(5),
        "open_session",
        env.client.open_session(SessionOptions {
            id: Some("managed-drop".into()),
            keep_alive: Some(quick_lease()),
            ..SessionOptions::default()
        }),
    )
    .await
    .unwrap();
    mover.await.unwrap();
    assert_eq!(managed.session().status, SessionStatus::Ready);
    drop(managed);
    assert_eq!(
        status_within(
            &env.client,
            "managed-drop",
            SessionStatus::Stopped,
            Duration::from_secs(1)
        )
        .await,
        SessionStatus::Stopped
    );
    assert_eq!(env.requests("stop_session"), 1);
}

#[tokio::test]
async fn open_session_whose_wait_times_out_stops_the_session_before_returning() {
    let env = Env::start().await;
    let c = &env.client;
    let started = Instant::now();
    let e = within(
        Duration::from_secs(5),
        "open_session",
        c.open_session(SessionOptions {
            id: Some("managed-late".into()),
            keep_alive: Some(quick_lease()),
            wait: WaitOptions::new().timeout(ms(200)),
            ..SessionOptions::default()
        }),
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(e.session().unwrap().status, SessionStatus::Starting);
    // Stopped already when the error came back: nothing is left running.
    assert_eq!(env.requests("stop_session"), 1);
    assert_eq!(status_of(c, "managed-late").await, SessionStatus::Stopped);
    assert!(c.list_sessions_all().await.unwrap().is_empty());
    assert_eq!(env.requests("update_session"), 0);
}

#[tokio::test]
async fn open_session_generates_a_session_id_when_none_is_given() {
    let env = Arc::new(Env::start().await);
    let mover = advance_after(&env, "get_session", 1, 61);
    let managed = within(
        Duration::from_secs(5),
        "open_session",
        env.client.open_session(SessionOptions {
            id: None,
            keep_alive: None,
            ..SessionOptions::default()
        }),
    )
    .await
    .unwrap();
    mover.await.unwrap();
    let id = managed.id().to_owned();
    assert!(
        id.starts_with("session-") && id.len() > "session-".len(),
        "{id}"
    );
    assert!(
        managed.keeper().is_none(),
        "keep_alive: None keeps no keeper"
    );
    assert_eq!(status_of(&env.client, &id).await, SessionStatus::Ready);
    managed.close().await.unwrap();
    assert_eq!(status_of(&env.client, &id).await, SessionStatus::Stopped);
}

#[tokio::test]
async fn open_session_does_not_stop_a_session_it_did_not_start() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_session("taken", SessionSize::Standard, 10)
        .await
        .unwrap();
    let e = within(
        Duration::from_secs(5),
        "open_session",
        c.open_session(SessionOptions {
            id: Some("taken".into()),
            lease_minutes: 30,
            ..SessionOptions::default()
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(env.requests("stop_session"), 0);
    assert_eq!(status_of(c, "taken").await, SessionStatus::Starting);
}
