//! `--open`: the binary prints the dashboard's address on stderr (stdout keeps its one ready
//! line) and hands it to the desktop's opener. A stand-in `xdg-open` records what it was given.

#![cfg(unix)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_remote-rendering-emulator");

#[test]
fn open_prints_the_dashboard_address_and_opens_it_on_a_desktop() {
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened.txt");
    let opener = dir.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--open"])
        .env("PATH", dir.path())
        .env("DISPLAY", ":0")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the emulator binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ready = String::new();
    stdout.read_line(&mut ready).unwrap();
    let info: Value = serde_json::from_str(&ready).expect("the ready line is JSON");
    let url = format!("{}/_emulator/", info["endpoint"].as_str().unwrap());

    let deadline = Instant::now() + Duration::from_secs(15);
    let seen = loop {
        match std::fs::read_to_string(&opened) {
            Ok(s) if !s.is_empty() => break s,
            _ if Instant::now() > deadline => break String::new(),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    // Stop it by its PID (SIGKILL: this test looks only at what it printed before).
    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();

    assert_eq!(seen, url, "the opener got the dashboard's address");
    assert!(
        stderr.contains(&format!("dashboard: {url}")),
        "stderr: {stderr}"
    );
    assert_eq!(rest, "", "stdout carries the ready line only");
}
