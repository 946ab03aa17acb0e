//! arrctl on a terminal: the progress of a wait under a pseudo-terminal 50 columns wide (made
//! with util-linux `script`), replayed through a terminal emulator (`vt100`) to see what the
//! user is left with: the results, and no line of the progress display.

mod common;

use common::*;
use remote_rendering_emulator::EmulatorConfig;
use std::process::{Command, Stdio};
use std::time::Duration;

const COLS: u16 = 50;
const ROWS: u16 = 200;

/// Runs `arrctl ARGS` against `emu` on a pseudo-terminal of COLS×ROWS, with `env`; returns the
/// exit code and every byte it wrote to the terminal.
fn on_a_terminal(
    emu: &remote_rendering_emulator::Emulator,
    args: &[&str],
    env: &[(&str, &str)],
    input: Option<&[u8]>,
) -> (Option<i32>, Vec<u8>) {
    let dir = workdir();
    let mut line = format!(
        "stty cols {COLS} rows {ROWS}; exec {}",
        env!("CARGO_BIN_EXE_arrctl")
    );
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    // `script` runs the line on a new pseudo-terminal and copies what it shows to stdout.
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-f", "-c", &line, "/dev/null"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ARR_") || name == "NO_COLOR" {
            cmd.env_remove(&name);
        }
    }
    account_env(&mut cmd, emu);
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd
        .spawn()
        .expect("util-linux `script` runs (apt-get install bsdutils)");
    if let Some(bytes) = input {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // After the prompt is up: `script` hands the bytes to the terminal as typed.
        std::thread::sleep(Duration::from_millis(1500));
        stdin.write_all(bytes).unwrap();
    }
    let deadline = std::time::Instant::now() + RUN_LIMIT;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("arrctl on a terminal did not end within {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), out.stdout)
}

/// The screen the bytes leave, row by row, trailing blanks dropped.
fn screen(bytes: &[u8]) -> Vec<String> {
    let mut p = vt100::Parser::new(ROWS, COLS, 0);
    p.process(bytes);
    let rows: Vec<String> = p.screen().rows(0, COLS).collect();
    let last = rows.iter().rposition(|r| !r.trim().is_empty()).unwrap_or(0);
    rows[..=last]
        .iter()
        .map(|r| r.trim_end().to_owned())
        .collect()
}

const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_on_a_narrow_terminal_leaves_no_progress_line_behind() {
    // Starting for 3 real seconds: 30 redraws of a line longer than the terminal is wide.
    let emu = emulator_with(EmulatorConfig {
        startup_delay: Duration::from_secs(3),
        ..EmulatorConfig::default()
    })
    .await;
    let id = "a-rather-long-session-id-for-a-narrow-terminal";
    let (code, bytes) = on_a_terminal(
        &emu,
        &[
            "session",
            "start",
            "--id",
            id,
            "--wait",
            "--poll-interval",
            "0.2",
        ],
        &[],
        None,
    );
    assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&bytes));
    let raw = String::from_utf8_lossy(&bytes);
    // The premise: the progress was drawn, many times, in colour.
    assert!(
        raw.matches(|c| SPINNER.contains(&c)).count() >= 10,
        "no spinner was drawn:\n{raw}"
    );
    assert!(raw.contains("Starting · session"), "{raw}");
    assert!(
        raw.contains("\x1b[36m"),
        "the spinner is in colour: {raw:?}"
    );
    let rows = screen(&bytes);
    let text = rows.join("\n");
    for row in &rows {
        assert!(!row.contains(SPINNER), "a progress line is left:\n{text}");
        assert!(
            !row.contains(" · session"),
            "a progress line is left:\n{text}"
        );
    }
    // What is left: the start line (wrapped), then the Ready session.
    assert!(text.contains("status      Ready"), "{text}");
    assert!(rows.len() < 16, "{} rows left:\n{text}", rows.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_color_turns_the_colours_off() {
    let emu = emulator_with(EmulatorConfig {
        startup_delay: Duration::from_secs(1),
        ..EmulatorConfig::default()
    })
    .await;
    let (code, bytes) = on_a_terminal(
        &emu,
        &[
            "session",
            "start",
            "--id",
            "s-plain",
            "--wait",
            "--poll-interval",
            "0.2",
        ],
        &[("NO_COLOR", "1")],
        None,
    );
    assert_eq!(code, Some(0));
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("Starting · session s-plain"), "{raw}");
    assert!(
        !raw.contains("\x1b[36m") && !raw.contains("\x1b[2m"),
        "{raw:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_a_fleet_stop_asks_and_stops_on_yes() {
    let emu = emulator().await;
    let c = client(&emu);
    for id in ["ask-1", "ask-2"] {
        c.start_session(id, remote_rendering::SessionSize::Standard, 30)
            .await
            .unwrap();
    }
    let (code, bytes) = on_a_terminal(
        &emu,
        &["session", "stop", "--prefix", "ask-"],
        &[],
        Some(b"y\n"),
    );
    let text = screen(&bytes).join("\n");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("about to stop 2 session(s)"), "{text}");
    assert!(text.contains("stop them? [y/N]"), "{text}");
    for id in ["ask-1", "ask-2"] {
        assert_eq!(
            session(&emu, id).await.status,
            remote_rendering::SessionStatus::Stopped
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_fleet_stops_question_stops_nothing_and_exits_130() {
    let emu = emulator().await;
    client(&emu)
        .start_session("ask-int", remote_rendering::SessionSize::Standard, 30)
        .await
        .unwrap();
    // ^C typed on the terminal: its line discipline sends SIGINT to arrctl.
    let started = std::time::Instant::now();
    let (code, bytes) = on_a_terminal(&emu, &["session", "stop", "--all"], &[], Some(b"\x03"));
    let text = screen(&bytes).join("\n");
    assert_eq!(code, Some(130), "{text}");
    assert!(text.contains("interrupted: nothing was stopped"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(emu.stats().route("stop_session"), 0);
}
