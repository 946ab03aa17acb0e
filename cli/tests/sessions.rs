//! `arrctl session …`: every subcommand against the emulator, in text and JSON.

mod common;

use common::*;
use remote_rendering::{SessionSize, SessionStatus};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_takes_id_size_and_lease_in_minutes() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session", "start", "--id", "s-prem", "--size", "premium", "--lease", "30",
        ],
    ));
    out.expect_code(0);
    assert!(out.stdout.contains("session     s-prem"), "{}", out.stdout);
    assert!(
        out.stdout.contains("status      Starting"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("size        Premium"), "{}", out.stdout);
    assert!(
        out.stdout.contains("0 of 30 minutes used"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("started session s-prem (Starting, 30 minutes)"),
        "{}",
        out.stderr
    );
    let s = session(&emu, "s-prem").await;
    assert_eq!(s.size, SessionSize::Premium);
    assert_eq!(s.lease_minutes, Some(30));
    assert_eq!(s.status, SessionStatus::Starting);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_takes_a_timespan_lease_and_defaults_to_standard() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session", "start", "--id", "s-span", "--lease", "0:45:00", "--output", "json",
        ],
    ));
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["id"], "s-span");
    assert_eq!(v["maxLeaseTimeMinutes"], 45);
    assert_eq!(v["size"], "Standard");
    assert_eq!(v["status"], "Starting");
    assert!(v.get("max_lease_time_minutes").is_none(), "{v}");
    // JSON mode prints nothing but the result on stdout, and no chatter on stderr either.
    assert!(!out.stderr.contains("started session"), "{}", out.stderr);
    let s = session(&emu, "s-span").await;
    assert_eq!(s.lease_minutes, Some(45));
    assert_eq!(s.size, SessionSize::Standard);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_without_lease_or_size_uses_standard_and_the_cores_lease() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-default"],
    ))
    .expect_code(0);
    let s = session(&emu, "s-default").await;
    assert_eq!(s.size, SessionSize::Standard);
    // The default of every language (30 minutes), not the scripts' 4 hours.
    assert_eq!(
        s.lease_minutes,
        Some(i64::from(
            remote_rendering::SessionOptions::default().lease_minutes
        ))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_without_id_makes_one() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--output", "json"],
    ));
    out.expect_code(0);
    let id = out.json()["id"].as_str().unwrap().to_owned();
    assert!(!id.is_empty());
    assert_eq!(session(&emu, &id).await.status, SessionStatus::Starting);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_wait_returns_once_the_clock_makes_it_ready() {
    let emu = emulator().await;
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-wait",
            "--wait",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-wait", "Starting"));
    // It polls on while the session starts.
    let polls = emu.stats().route("get_session");
    std::thread::sleep(Duration::from_millis(300));
    assert!(emu.stats().route("get_session") > polls);
    emu.advance_clock(Duration::from_secs(61));
    let out = child.finish(SOON);
    out.expect_code(0);
    assert!(out.stdout.contains("status      Ready"), "{}", out.stdout);
    assert!(out.stdout.contains("hostname    "), "{}", out.stdout);
    assert!(
        out.stderr.contains("session s-wait: Ready"),
        "{}",
        out.stderr
    );
    assert_eq!(session(&emu, "s-wait").await.status, SessionStatus::Ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_wait_json_puts_only_the_result_on_stdout() {
    let emu = emulator().await;
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-json",
            "--lease",
            "30",
            "--wait",
            "--output",
            "json",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-json", "Starting"));
    emu.advance_clock(Duration::from_secs(61));
    let out = child.finish(SOON);
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["id"], "s-json");
    assert_eq!(v["status"], "Ready");
    assert_eq!(v["maxLeaseTimeMinutes"], 30);
    assert!(v["hostname"].is_string(), "{v}");
    assert!(v["handshakePort"].is_u64(), "{v}");
    assert!(v["arrInspectorPort"].is_u64(), "{v}");
    assert!(v["elapsedTimeMinutes"].is_u64(), "{v}");
    assert!(v["creationTime"].is_string(), "{v}");
    // The progress went to stderr.
    assert!(
        out.stderr.contains("session s-json: Starting"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("session s-json: Ready"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("s-json: "), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_wait_in_real_time_with_a_short_startup_delay() {
    let emu = emulator_with(remote_rendering_emulator::EmulatorConfig {
        startup_delay: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-rt",
            "--wait",
            "--poll-interval",
            "0.1",
            "--output",
            "json",
        ],
    ));
    out.expect_code(0);
    assert_eq!(out.json()["status"], "Ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_the_session_in_text_and_json() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-show", "--lease", "30"],
    ))
    .expect_code(0);
    let out = run(arrctl_at(&emu, dir.path(), &["session", "show", "s-show"]));
    out.expect_code(0);
    assert!(out.stdout.contains("session     s-show"), "{}", out.stdout);
    assert!(
        out.stdout.contains("status      Starting"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    emu.advance_clock(Duration::from_secs(61));
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "show", "s-show", "--output", "json"],
    ));
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["status"], "Ready");
    assert_eq!(v["maxLeaseTimeMinutes"], 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_watch_follows_the_session_until_ready() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-watch"],
    ))
    .expect_code(0);
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "show",
            "s-watch",
            "--watch",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-watch", "Starting"));
    emu.advance_clock(Duration::from_secs(61));
    let out = child.finish(SOON);
    out.expect_code(0);
    assert!(out.stdout.contains("session     s-watch"), "{}", out.stdout);
    assert!(out.stdout.contains("status      Ready"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_watch_of_a_ready_session_returns_at_once() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-ready"],
    ))
    .expect_code(0);
    emu.advance_clock(Duration::from_secs(61));
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "show", "s-ready", "--watch", "--output", "json"],
    ));
    out.expect_code(0);
    assert_eq!(out.json()["status"], "Ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_a_table_and_a_json_array() {
    let emu = emulator().await;
    let dir = workdir();
    let empty = run(arrctl_at(&emu, dir.path(), &["session", "list"]));
    empty.expect_code(0);
    assert_eq!(empty.stdout.trim(), "no sessions are starting or ready");
    let empty = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--output", "json"],
    ));
    empty.expect_code(0);
    assert_eq!(empty.json(), serde_json::json!([]));

    for args in [
        [
            "session", "start", "--id", "s-a", "--size", "premium", "--lease", "30",
        ],
        [
            "session", "start", "--id", "s-b", "--size", "standard", "--lease", "45",
        ],
    ] {
        run(arrctl_at(&emu, dir.path(), &args)).expect_code(0);
    }
    let out = run(arrctl_at(&emu, dir.path(), &["session", "list"]));
    out.expect_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    for column in ["ID", "STATUS", "SIZE", "LEASE (USED)", "HOSTNAME"] {
        assert!(lines[0].contains(column), "{}", lines[0]);
    }
    let row_a = lines.iter().find(|l| l.starts_with("s-a ")).expect("s-a");
    assert!(row_a.contains("Starting"), "{row_a}");
    assert!(row_a.contains("Premium"), "{row_a}");
    assert!(row_a.contains("30 (0)"), "{row_a}");
    let row_b = lines.iter().find(|l| l.starts_with("s-b ")).expect("s-b");
    assert!(row_b.contains("Standard"), "{row_b}");
    assert!(row_b.contains("45 (0)"), "{row_b}");

    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--output", "json"],
    ));
    out.expect_code(0);
    let v = out.json();
    let items = v.as_array().expect("a JSON array");
    assert_eq!(items.len(), 2);
    let a = items.iter().find(|s| s["id"] == "s-a").expect("s-a");
    assert_eq!(a["size"], "Premium");
    assert_eq!(a["maxLeaseTimeMinutes"], 30);
    assert_eq!(a["status"], "Starting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_leaves_out_stopped_sessions() {
    let emu = emulator().await;
    let dir = workdir();
    for id in ["s-keep", "s-gone"] {
        run(arrctl_at(
            &emu,
            dir.path(),
            &["session", "start", "--id", id],
        ))
        .expect_code(0);
    }
    run(arrctl_at(&emu, dir.path(), &["session", "stop", "s-gone"])).expect_code(0);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--output", "json"],
    ));
    out.expect_code(0);
    let ids: Vec<String> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["s-keep"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extend_sets_the_lease() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-ext", "--lease", "30"],
    ))
    .expect_code(0);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "extend", "s-ext", "--lease", "60"],
    ));
    out.expect_code(0);
    assert!(
        out.stdout.contains("0 of 60 minutes used"),
        "{}",
        out.stdout
    );
    assert_eq!(session(&emu, "s-ext").await.lease_minutes, Some(60));
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session", "extend", "s-ext", "--lease", "1:30:00", "--output", "json",
        ],
    ));
    out.expect_code(0);
    assert_eq!(out.json()["maxLeaseTimeMinutes"], 90);
    assert_eq!(emu.stats().route("update_session"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extend_to_a_shorter_lease_is_refused() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-shrink", "--lease", "60"],
    ))
    .expect_code(0);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "extend", "s-shrink", "--lease", "30"],
    ));
    // 422 has its own exit code.
    out.expect_code(8);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("422"), "{}", out.stderr);
    assert_eq!(session(&emu, "s-shrink").await.lease_minutes, Some(60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_stops_the_session() {
    let emu = emulator().await;
    let dir = workdir();
    for id in ["s-stop", "s-stop-json"] {
        run(arrctl_at(
            &emu,
            dir.path(),
            &["session", "start", "--id", id],
        ))
        .expect_code(0);
    }
    let out = run(arrctl_at(&emu, dir.path(), &["session", "stop", "s-stop"]));
    out.expect_code(0);
    assert_eq!(out.stdout.trim(), "stopped session s-stop");
    assert_eq!(session(&emu, "s-stop").await.status, SessionStatus::Stopped);

    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "stop", "s-stop-json", "--output", "json"],
    ));
    out.expect_code(0);
    assert_eq!(
        out.json(),
        serde_json::json!({"id": "s-stop-json", "stopped": true})
    );
    assert_eq!(
        session(&emu, "s-stop-json").await.status,
        SessionStatus::Stopped
    );
    // Stopping again succeeds: it has ended already.
    run(arrctl_at(&emu, dir.path(), &["session", "stop", "s-stop"])).expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watching_a_stopped_session_is_a_failure_state() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-ended"],
    ))
    .expect_code(0);
    run(arrctl_at(&emu, dir.path(), &["session", "stop", "s-ended"])).expect_code(0);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "show",
            "s-ended",
            "--watch",
            "--poll-interval",
            "0.1",
        ],
    ));
    out.expect_code(1);
    assert!(out.stdout.contains("status      Stopped"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("arrctl: session \"s-ended\" is Stopped"),
        "{}",
        out.stderr
    );
}
