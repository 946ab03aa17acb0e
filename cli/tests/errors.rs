//! Failure states and errors: each outcome has its exit code and a message that says what to do.

mod common;

use common::*;
use remote_rendering::SessionStatus;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_failing_while_waited_on_exits_1() {
    let emu = emulator().await;
    let dir = workdir();
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-doomed",
            "--wait",
            "--poll-interval",
            "0.1",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-doomed", "Starting"));
    emu.fail_session(emu.account_id(), "s-doomed", None)
        .unwrap();
    let out = child.finish(SOON);
    out.expect_code(1);
    // The session as it ended on stdout, the reason on stderr.
    assert!(out.stdout.contains("status      Error"), "{}", out.stdout);
    assert!(
        out.stdout.contains("error       SessionStartFailed:"),
        "{}",
        out.stdout
    );
    let last = out.stderr_lines().last().copied().unwrap_or_default();
    assert!(
        last.starts_with("arrctl: session \"s-doomed\" is Error"),
        "{}",
        out.stderr
    );
    assert!(last.contains("SessionStartFailed"), "{last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_failing_while_watched_in_json_exits_1() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-watched"],
    ))
    .expect_code(0);
    let mut child = Running::spawn(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "show",
            "s-watched",
            "--watch",
            "--poll-interval",
            "0.1",
            "--output",
            "json",
        ],
    ));
    child.wait_stderr(SOON, progress("session", "s-watched", "Starting"));
    emu.fail_session(emu.account_id(), "s-watched", None)
        .unwrap();
    let out = child.finish(SOON);
    out.expect_code(1);
    let v = out.json();
    assert_eq!(v["status"], "Error");
    assert_eq!(v["error"]["code"], "SessionStartFailed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_exits_3_with_one_line_naming_the_refusal() {
    let emu = emulator().await;
    let dir = workdir();
    for args in [
        &["session", "list"][..],
        &["session", "start", "--id", "s-nokey"][..],
        &["conversion", "list"][..],
    ] {
        let mut cmd = arrctl_at(&emu, dir.path(), args);
        cmd.env("ARR_ACCOUNT_KEY", "bm90IHRoZSBrZXk=");
        let out = run(cmd);
        out.expect_code(3);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        let lines = out.stderr_lines();
        assert_eq!(lines.len(), 1, "{}", out.stderr);
        assert!(lines[0].starts_with("arrctl: "), "{}", lines[0]);
        assert!(lines[0].contains("refused"), "{}", lines[0]);
        assert!(lines[0].contains("401"), "{}", lines[0]);
        assert!(lines[0].contains(emu.account_id()), "{}", lines[0]);
    }
    assert_eq!(emu.stats().route("create_session"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_id_exits_4_with_the_ms_cv() {
    let emu = emulator().await;
    let dir = workdir();
    for args in [
        &["session", "show", "s-none"][..],
        &["session", "show", "s-none", "--watch"][..],
        &["session", "extend", "s-none", "--lease", "60"][..],
        &["session", "stop", "s-none"][..],
        &["conversion", "show", "c-none"][..],
        &["conversion", "show", "c-none", "--watch"][..],
    ] {
        let out = run(arrctl_at(&emu, dir.path(), args));
        out.expect_code(4);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        let lines = out.stderr_lines();
        assert_eq!(lines.len(), 1, "{args:?}: {}", out.stderr);
        assert!(lines[0].contains("not found"), "{}", lines[0]);
        assert!(lines[0].contains("404"), "{}", lines[0]);
        let cv = lines[0]
            .split("MS-CV ")
            .nth(1)
            .unwrap_or_else(|| panic!("no MS-CV in {:?}", lines[0]));
        let cv = cv.trim_end_matches(')');
        assert!(cv.len() > 4 && !cv.contains(' '), "MS-CV {cv:?}");
    }
    // Under --output json the error is one JSON object on stderr, stdout stays empty.
    for args in [
        &["session", "show", "s-none", "--output", "json"][..],
        &["session", "show", "s-none", "--watch", "--output", "json"][..],
        &["conversion", "show", "c-none", "--output", "json"][..],
    ] {
        let out = run(arrctl_at(&emu, dir.path(), args));
        out.expect_code(4);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        let lines = out.stderr_lines();
        assert_eq!(lines.len(), 1, "{args:?}: {}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(lines[0]).expect("a JSON error object");
        let e = &v["error"];
        assert_eq!(e["code"], "NOT_FOUND", "{v}");
        assert_eq!(e["status"], 404, "{v}");
        assert_eq!(e["exitCode"], 4, "{v}");
        assert!(e["message"].as_str().unwrap().contains("not found"), "{v}");
        let cv = e["msCv"].as_str().expect("msCv");
        assert!(cv.len() > 4 && !cv.contains(' '), "MS-CV {cv:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_that_never_ends_times_out_with_exit_5() {
    let emu = emulator().await;
    let dir = workdir();
    let started = Instant::now();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-slow",
            "--wait",
            "--timeout",
            "0.5",
            "--poll-interval",
            "0.1",
        ],
    ));
    out.expect_code(5);
    assert!(started.elapsed() < Duration::from_secs(10));
    // The session as last seen, then why.
    assert!(
        out.stdout.contains("status      Starting"),
        "{}",
        out.stdout
    );
    let last = out.stderr_lines().last().copied().unwrap_or_default();
    assert!(last.contains("gave up waiting"), "{}", out.stderr);
    assert!(last.contains("s-slow"), "{last}");
    // The time waited reads like a person writes it (`after 5xxms`), not a debug `0.50123s`.
    let waited = last
        .split(" after ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .unwrap_or_default();
    assert!(
        waited.ends_with("ms") && waited.trim_end_matches("ms").parse::<u32>().is_ok(),
        "{last}"
    );
    // And it names the session it leaves running.
    assert!(
        out.stderr.contains("session s-slow is left running"),
        "{}",
        out.stderr
    );
    // It is still starting: a timeout does not stop it.
    assert_eq!(
        session(&emu, "s-slow").await.status,
        SessionStatus::Starting
    );

    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "show",
            "s-slow",
            "--watch",
            "--timeout",
            "0.5",
            "--output",
            "json",
        ],
    ));
    out.expect_code(5);
    assert_eq!(out.json()["status"], "Starting");

    start_conversion(&emu, "c-slow").await;
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "conversion",
            "show",
            "c-slow",
            "--watch",
            "--timeout",
            "0.5",
            "--poll-interval",
            "0.1",
        ],
    ));
    out.expect_code(5);
    assert!(out.stdout.contains("status      Running"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_account_exits_2_saying_what_to_set() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl(dir.path(), &["session", "list"]));
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let lines = out.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(lines[0].contains("no account"), "{}", lines[0]);
    assert!(lines[0].contains("ARR_ACCOUNT_ID"), "{}", lines[0]);
    assert!(lines[0].contains("arrconfig.json"), "{}", lines[0]);

    // Each missing piece is named.
    let mut cmd = arrctl(dir.path(), &["session", "list"]);
    cmd.env("ARR_ACCOUNT_ID", emu.account_id())
        .env("ARR_ENDPOINT", emu.endpoint());
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("ARR_ACCOUNT_KEY"), "{}", out.stderr);

    let mut cmd = arrctl(dir.path(), &["session", "list"]);
    cmd.env("ARR_ACCOUNT_ID", emu.account_id())
        .env("ARR_ACCOUNT_KEY", emu.account_key());
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("ARR_ENDPOINT"), "{}", out.stderr);
    assert!(out.stderr.contains("ARR_REGION"), "{}", out.stderr);
    assert_eq!(emu.stats().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_lease_is_a_usage_error_before_anything_is_sent() {
    let emu = emulator().await;
    let dir = workdir();
    for args in [
        &["session", "start", "--lease", "soon"][..],
        &["session", "start", "--lease", "0:75:00"][..],
        &["session", "extend", "s-x", "--lease", "soon"][..],
        &["session", "extend", "s-x"][..],
        &["session", "frobnicate"][..],
        &["session", "start", "--size"][..],
    ] {
        let out = run(arrctl_at(&emu, dir.path(), args));
        out.expect_code(2);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--lease", "soon"],
    ));
    assert!(
        out.stderr.contains("\"soon\" is not a lease"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hh:mm:ss"), "{}", out.stderr);
    // A lease the service cannot take is refused by the client, also as usage.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--lease", "2000"],
    ));
    out.expect_code(2);
    assert_eq!(emu.stats().route("create_session"), 0);
    assert_eq!(emu.stats().route("update_session"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_poll_interval_is_a_usage_error() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "show", "s-x", "--watch", "--poll-interval", "0"],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--poll-interval"), "{}", out.stderr);
    assert_eq!(emu.stats().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_timeout_is_refused_before_the_session_starts() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-badt",
            "--wait",
            "--timeout",
            "0",
        ],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--timeout"), "{}", out.stderr);
    assert_eq!(emu.stats().route("create_session"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_id_with_other_settings_is_a_conflict_exit_7() {
    let emu = emulator().await;
    let dir = workdir();
    run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session", "start", "--id", "s-dup", "--size", "premium", "--lease", "30",
        ],
    ))
    .expect_code(0);
    // The same settings again: the existing session (idempotent).
    run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session", "start", "--id", "s-dup", "--size", "premium", "--lease", "30",
        ],
    ))
    .expect_code(0);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session", "start", "--id", "s-dup", "--size", "standard", "--lease", "30",
        ],
    ));
    out.expect_code(7);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let lines = out.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(lines[0].contains("409"), "{}", lines[0]);
    assert!(lines[0].contains("Conflict"), "{}", lines[0]);
    assert!(lines[0].contains("MS-CV "), "{}", lines[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_service_exits_6() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emu = emulator().await;
    let dir = workdir();
    let mut cmd = arrctl_at(&emu, dir.path(), &["session", "show", "s-x"]);
    cmd.env("ARR_ENDPOINT", format!("http://127.0.0.1:{port}"));
    let out = run(cmd);
    out.expect_code(6);
    assert_eq!(out.stderr_lines().len(), 1, "{}", out.stderr);
}
