//! `arrctl session stop --all | --older-than | --prefix`: what it selects, the dry run, the
//! confirmation it needs, and what it stops.

mod common;

use common::*;
use remote_rendering::{SessionSize, SessionStatus};
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

async fn start(emu: &remote_rendering_emulator::Emulator, ids: &[&str]) {
    let c = client(emu);
    for id in ids {
        c.start_session(id, SessionSize::Standard, 30)
            .await
            .unwrap();
    }
}

async fn status(emu: &remote_rendering_emulator::Emulator, id: &str) -> SessionStatus {
    session(emu, id).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_dry_run_lists_and_stops_nothing_then_yes_stops_only_those() {
    let emu = emulator().await;
    start(&emu, &["build-1", "build-2", "keep-me"]).await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "--prefix", "build-", "--dry-run"],
    ));
    out.expect_code(0);
    assert!(
        out.stdout.contains("would stop 2 session(s)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("build-1") && out.stdout.contains("build-2"));
    assert!(!out.stdout.contains("keep-me"), "{}", out.stdout);
    assert_eq!(emu.stats().route("stop_session"), 0);

    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "stop",
            "--prefix",
            "build-",
            "--dry-run",
            "--output",
            "json",
        ],
    ));
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["dryRun"], true);
    let mut would: Vec<String> = v["wouldStop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    would.sort();
    assert_eq!(would, ["build-1", "build-2"]);

    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "--prefix", "build-", "--yes"],
    ));
    out.expect_code(0);
    assert!(
        out.stdout.contains("stopped session build-1"),
        "{}",
        out.stdout
    );
    assert_eq!(status(&emu, "build-1").await, SessionStatus::Stopped);
    assert_eq!(status(&emu, "build-2").await, SessionStatus::Stopped);
    assert_eq!(status(&emu, "keep-me").await, SessionStatus::Starting);
    assert_eq!(emu.stats().route("stop_session"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_and_no_terminal_nothing_is_stopped() {
    let emu = emulator().await;
    start(&emu, &["a-1"]).await;
    let dir = workdir();
    // stdin is /dev/null: no one can answer, so it refuses (exit 2) and stops nothing.
    let out = run(arrctl_at(&emu, dir.path(), &["session", "stop", "--all"]));
    out.expect_code(2);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(out.stderr.contains("--dry-run"), "{}", out.stderr);
    // Piped answers are not a terminal either: "y" on a pipe is no confirmation.
    let mut cmd = arrctl_at(&emu, dir.path(), &["session", "stop", "--all"]);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let status_code = child.wait_with_output().unwrap().status.code();
    assert_eq!(status_code, Some(2));
    assert_eq!(emu.stats().route("stop_session"), 0);
    assert_eq!(status(&emu, "a-1").await, SessionStatus::Starting);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_than_selects_by_creation_time_and_all_stops_every_one() {
    let emu = emulator().await;
    start(&emu, &["old-1"]).await;
    // Creation times are the service's; ages are counted to this machine's clock.
    std::thread::sleep(Duration::from_millis(3_000));
    start(&emu, &["new-1"]).await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "stop",
            "--older-than",
            "2s",
            "--yes",
            "--output",
            "json",
        ],
    ));
    out.expect_code(0);
    assert_eq!(out.json()["stopped"], serde_json::json!(["old-1"]));
    assert_eq!(status(&emu, "old-1").await, SessionStatus::Stopped);
    assert_eq!(status(&emu, "new-1").await, SessionStatus::Starting);

    // Nothing matching: says so, exit 0.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "--older-than", "2h", "--yes"],
    ));
    out.expect_code(0);
    assert!(out.stdout.contains("no sessions with"), "{}", out.stdout);

    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "--all", "-y"],
    ));
    out.expect_code(0);
    assert_eq!(status(&emu, "new-1").await, SessionStatus::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_an_id_are_usage_errors_together_and_one_is_needed() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(&emu, dir.path(), &["session", "stop"])).expect_code(2);
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "s-1", "--all"],
    ))
    .expect_code(2);
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "--older-than", "soon", "--yes"],
    ))
    .expect_code(2);
    assert_eq!(emu.stats().requests, 0);
}
