//! Ctrl-C (SIGINT) during every kind of wait (a session started with --wait or --keep-alive,
//! `session show --watch`, a conversion started with --wait, `conversion show --watch`) and
//! while keeping a session alive: each ends within a poll with 130 and says what it leaves
//! running. And SIGTERM to `arrctl emulator`.

mod common;

use common::*;
use remote_rendering::SessionStatus;
use std::time::Duration;

/// arrctl registers its Ctrl-C handler before its first request, so a signal is never lost;
/// the moment lets the wait settle into its polling, so that these tests test the cleanup of a
/// wait (the start request in flight has its own test).
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

/// Ctrl-C during `arrctl ARGS` once it shows `kind id: status`: exit 130 within moments.
fn interrupted_while_waiting(
    emu: &remote_rendering_emulator::Emulator,
    args: &[&str],
    kind: &str,
    id: &str,
    status: &str,
) -> Out {
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(emu, dir.path(), args));
    child.wait_stderr(SOON, progress(kind, id, status));
    settle();
    let sent = std::time::Instant::now();
    child.signal("INT");
    // Within a poll (0.1 s here), not when the wait would have ended.
    let out = child.finish(Duration::from_secs(5));
    out.expect_code(130);
    assert!(sent.elapsed() < Duration::from_secs(5));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_watching_a_starting_session_exits_130_and_leaves_it() {
    let emu = emulator().await;
    client(&emu)
        .start_session("s-watch", remote_rendering::SessionSize::Standard, 30)
        .await
        .unwrap();
    let out = interrupted_while_waiting(
        &emu,
        &[
            "session",
            "show",
            "s-watch",
            "--watch",
            "--poll-interval",
            "0.1",
        ],
        "session",
        "s-watch",
        "Starting",
    );
    assert!(
        out.stderr
            .contains("interrupted: stopped watching session s-watch (Starting)"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(
        session(&emu, "s-watch").await.status,
        SessionStatus::Starting
    );
    assert_eq!(emu.stats().route("stop_session"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_waiting_for_a_started_conversion_exits_130_and_says_it_goes_on() {
    let emu = emulator().await;
    let out = interrupted_while_waiting(
        &emu,
        &[
            "conversion",
            "start",
            "--id",
            "c-int",
            "--input",
            "https://acct.blob.core.windows.net/in/models/box.fbx",
            "--output-url",
            "https://acct.blob.core.windows.net/out/converted",
            "--input-sas",
            "sv=1",
            "--output-sas",
            "sv=2",
            "--wait",
            "--poll-interval",
            "0.1",
        ],
        "conversion",
        "c-int",
        "Running",
    );
    assert!(
        out.stderr.contains(
            "interrupted: conversion c-int (Running) goes on (arrctl conversion show c-int --watch follows it)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        conversion(&emu, "c-int").await.status,
        remote_rendering::ConversionStatus::Running
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_watching_a_conversion_exits_130() {
    let emu = emulator().await;
    start_conversion(&emu, "c-watch").await;
    let out = interrupted_while_waiting(
        &emu,
        &[
            "conversion",
            "show",
            "c-watch",
            "--watch",
            "--poll-interval",
            "0.1",
        ],
        "conversion",
        "c-watch",
        "Running",
    );
    assert!(
        out.stderr
            .contains("interrupted: conversion c-watch (Running) goes on"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_under_output_json_is_a_json_error_naming_the_session_left_running() {
    let emu = emulator().await;
    let out = interrupted_while_waiting(
        &emu,
        &[
            "session",
            "start",
            "--id",
            "s-json",
            "--wait",
            "--poll-interval",
            "0.1",
            "--output",
            "json",
        ],
        "session",
        "s-json",
        "Starting",
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let last = out
        .stderr_lines()
        .last()
        .copied()
        .unwrap_or_default()
        .to_owned();
    let v: serde_json::Value = serde_json::from_str(&last).expect("a JSON error object");
    assert_eq!(v["error"]["code"], "CANCELLED", "{v}");
    assert_eq!(v["error"]["exitCode"], 130, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("session s-json (Starting) is left running")
            && message.contains("arrctl session stop s-json"),
        "{message}"
    );
    assert_eq!(
        session(&emu, "s-json").await.status,
        SessionStatus::Starting
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_the_demo_stops_its_session_and_exits_130() {
    let dir = workdir();
    let mut child = Running::spawn(arrctl(dir.path(), &["demo"]));
    child.wait_stderr(SOON, |l| {
        l.starts_with("session ") && l.contains(": Starting")
    });
    settle();
    child.signal("INT");
    let out = child.finish(Duration::from_secs(10));
    out.expect_code(130);
    assert!(out.stderr.contains("stopped session"), "{}", out.stderr);
}
