//! Ctrl-C (SIGINT) while arrctl waits or keeps a session alive, and SIGTERM to `arrctl emulator`.

mod common;

use common::*;
use remote_rendering::SessionStatus;
use std::time::Duration;

/// arrctl registers its Ctrl-C handler only when it first polls the `select!` of a wait (or of
/// each round of its keep-alive loop), which can come after the progress line we synchronise on
/// (see `ctrl_c_while_the_start_request_is_in_flight_cleans_up_and_exits_130`): a signal sent
/// in that gap kills it (default action) or is lost. Give it a moment, so that these tests test
/// the cleanup, not that race.
fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_keeping_a_session_alive_stops_it_and_exits_130() {
    let emu = emulator().await;
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-keep",
            "--keep-alive",
            "--lease",
            "30",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-keep", "Starting"));
    emu.advance_clock(Duration::from_secs(61));
    child.wait_stderr(SOON, |l| {
        l.starts_with("keeping session s-keep alive") && l.contains("Ctrl-C")
    });
    assert_eq!(session(&emu, "s-keep").await.status, SessionStatus::Ready);
    // Let it settle into its keep loop before the signal.
    settle();
    assert_eq!(emu.stats().route("stop_session"), 0);
    child.signal("INT");
    let out = child.finish(SOON);
    out.expect_code(130);
    assert!(out.stdout.contains("status      Ready"), "{}", out.stdout);
    assert!(
        out.stderr_lines().last().copied() == Some("stopped session s-keep"),
        "{}",
        out.stderr
    );
    assert_eq!(session(&emu, "s-keep").await.status, SessionStatus::Stopped);
    assert!(emu.stats().route("stop_session") >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_a_keep_alive_session_starts_stops_it_and_exits_130() {
    let emu = emulator().await;
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-early",
            "--keep-alive",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-early", "Starting"));
    settle();
    child.signal("INT");
    let out = child.finish(SOON);
    out.expect_code(130);
    assert!(
        out.stderr.contains("interrupted: stopped session s-early"),
        "{}",
        out.stderr
    );
    assert_eq!(
        session(&emu, "s-early").await.status,
        SessionStatus::Stopped
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_waiting_without_keep_alive_leaves_the_session_and_exits_130() {
    let emu = emulator().await;
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-left",
            "--wait",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-left", "Starting"));
    settle();
    child.signal("INT");
    let out = child.finish(SOON);
    out.expect_code(130);
    assert!(
        out.stderr.contains("arrctl session stop s-left"),
        "{}",
        out.stderr
    );
    assert_eq!(
        session(&emu, "s-left").await.status,
        SessionStatus::Starting
    );
    assert_eq!(emu.stats().route("stop_session"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_command_prints_its_ready_line_and_ends_on_sigterm() {
    let dir = workdir();
    let mut child = Running::spawn(arrctl(
        dir.path(),
        &[
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--startup-delay",
            "1",
        ],
    ));
    let line = child.wait_stdout(SOON, |l| l.starts_with('{'));
    let info: serde_json::Value = serde_json::from_str(&line).expect("the ready line is JSON");
    let endpoint = info["endpoint"].as_str().expect("endpoint").to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{line}");
    assert!(!endpoint.ends_with(":0"), "{line}");
    assert_eq!(info["stsEndpoint"], endpoint.as_str());
    let account = info["accountId"].as_str().expect("accountId").to_owned();
    let key = info["accountKey"].as_str().expect("accountKey").to_owned();
    assert!(info.get("accountDomain").is_some(), "{line}");

    // It serves: a session started against it is Ready after its 1 s startup delay.
    let against_it = |args: &[&str]| {
        let mut cmd = arrctl(dir.path(), args);
        cmd.env("ARR_ACCOUNT_ID", &account)
            .env("ARR_ACCOUNT_KEY", &key)
            .env("ARR_ENDPOINT", &endpoint)
            .env("ARR_STS_ENDPOINT", &endpoint);
        run(cmd)
    };
    let out = against_it(&[
        "session",
        "start",
        "--id",
        "s-emu",
        "--wait",
        "--poll-interval",
        "0.1",
        "--output",
        "json",
    ]);
    out.expect_code(0);
    assert_eq!(out.json()["status"], "Ready");
    against_it(&["session", "stop", "s-emu"]).expect_code(0);

    child.signal("TERM");
    let out = child.finish(SOON);
    out.expect_code(0);
    // Only the ready line on stdout.
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_the_start_request_is_in_flight_cleans_up_and_exits_130() {
    let emu = emulator_with(remote_rendering_emulator::EmulatorConfig {
        startup_delay: Duration::from_secs(60),
        faults: remote_rendering_emulator::FaultPlan::parse("delay:2s=1@create_session").unwrap(),
        ..remote_rendering_emulator::EmulatorConfig::default()
    })
    .await;
    let dir = workdir();
    let child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-put",
            "--keep-alive",
            "--poll-interval",
            "0.1",
        ],
    ));
    // The STS exchange is done and the PUT is held by the emulator for 2 s.
    let deadline = std::time::Instant::now() + SOON;
    while emu.stats().route("sts") == 0 {
        assert!(std::time::Instant::now() < deadline, "no STS request");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    child.signal("INT");
    let out = child.finish(SOON);
    out.expect_code(130);
    // Whatever became of the PUT, no session is left running.
    std::thread::sleep(Duration::from_secs(2));
    let left = client(&emu)
        .get_session("s-put")
        .await
        .ok()
        .map(|s| s.into_inner().status);
    assert!(
        matches!(left, None | Some(SessionStatus::Stopped)),
        "left {left:?}"
    );
}
