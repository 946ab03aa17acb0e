//! Shared by the arrctl integration tests: the real binary run as a child process (environment
//! cleared of ARR_* variables, working directory a fresh tempdir), against an emulator started
//! in the test process, with the emulated clock moved from the test.

#![allow(dead_code)]

use remote_rendering::{
    Client, Conversion, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    SecretString, Session,
};
use remote_rendering_emulator::{Emulator, EmulatorConfig};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long any one arrctl run may take before the test gives up on it (and kills it).
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The variables arrctl reads, plus proxies that could send localhost traffic elsewhere.
const CLEARED: &[&str] = &[
    "ARR_ACCOUNT_ID",
    "ARR_ACCOUNT_KEY",
    "ARR_ACCOUNT_DOMAIN",
    "ARR_ENDPOINT",
    "ARR_REGION",
    "ARR_STS_ENDPOINT",
    "ARR_INPUT_SAS",
    "ARR_OUTPUT_SAS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// An emulator whose sessions stay `Starting` and conversions `Running` until the test moves
/// the clock (a minute each), so that nothing depends on real time.
pub async fn emulator() -> Emulator {
    emulator_with(EmulatorConfig {
        startup_delay: Duration::from_secs(60),
        conversion_duration: Duration::from_secs(60),
        ..EmulatorConfig::default()
    })
    .await
}

pub async fn emulator_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// A fresh working directory: no stray arrconfig.json is picked up.
pub fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// `arrctl ARGS` in `dir`, with no ARR_* variable from the environment.
pub fn arrctl(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_arrctl"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ARR_") {
            cmd.env_remove(&name);
        }
    }
    for name in CLEARED {
        cmd.env_remove(name);
    }
    cmd.current_dir(dir).args(args).stdin(Stdio::null());
    cmd
}

/// `arrctl ARGS` in `dir`, pointed at `emu` through the ARR_* variables.
pub fn arrctl_at(emu: &Emulator, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = arrctl(dir, args);
    account_env(&mut cmd, emu);
    cmd
}

pub fn account_env(cmd: &mut Command, emu: &Emulator) {
    cmd.env("ARR_ACCOUNT_ID", emu.account_id())
        .env("ARR_ACCOUNT_KEY", emu.account_key())
        .env("ARR_ENDPOINT", emu.endpoint())
        .env("ARR_STS_ENDPOINT", emu.sts_endpoint());
}

/// What a finished run left.
#[derive(Debug)]
pub struct Out {
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts the exit code, showing everything the run printed when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code (signal {:?})\n--- stdout\n{}\n--- stderr\n{}",
            self.signal,
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document: {e}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The stderr lines that are not blank.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

/// Runs to the end (at most [`RUN_LIMIT`]).
pub fn run(cmd: Command) -> Out {
    Running::spawn(cmd).finish(RUN_LIMIT)
}

/// A child being run, its output read line by line from threads, so a test can wait until it
/// has printed something, then act (move the clock, send a signal) while it runs.
pub struct Running {
    child: std::process::Child,
    stdout_rx: Receiver<String>,
    stderr_rx: Receiver<String>,
    stdout: String,
    stderr: String,
}

fn reader(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stream);
        loop {
            let mut buf = Vec::new();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}

impl Running {
    pub fn spawn(mut cmd: Command) -> Running {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("arrctl starts");
        let stdout_rx = reader(child.stdout.take().unwrap());
        let stderr_rx = reader(child.stderr.take().unwrap());
        Running {
            child,
            stdout_rx,
            stderr_rx,
            stdout: String::new(),
            stderr: String::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until stderr has a line matching `pred` (returned); panics after `limit`.
    pub fn wait_stderr(&mut self, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        wait_line(
            &self.stderr_rx,
            &mut self.stderr,
            limit,
            pred,
            "stderr",
            &mut self.child,
        )
    }

    /// Waits until stdout has a line matching `pred` (returned); panics after `limit`.
    pub fn wait_stdout(&mut self, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        wait_line(
            &self.stdout_rx,
            &mut self.stdout,
            limit,
            pred,
            "stdout",
            &mut self.child,
        )
    }

    /// Sends a signal (`INT`, `TERM`) with kill(1).
    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{name} {} failed", self.pid());
    }

    /// Waits for the exit (at most `limit`, then kills it and panics) and collects the output.
    pub fn finish(mut self, limit: Duration) -> Out {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.drain();
                panic!(
                    "arrctl did not end within {limit:?}\n--- stdout\n{}\n--- stderr\n{}",
                    self.stdout, self.stderr
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        self.drain();
        Out {
            code: status.code(),
            signal: std::os::unix::process::ExitStatusExt::signal(&status),
            stdout: std::mem::take(&mut self.stdout),
            stderr: std::mem::take(&mut self.stderr),
        }
    }

    /// Reads what is left: the readers end at EOF, once the process (and its pipes) closed.
    fn drain(&mut self) {
        let until = Instant::now() + Duration::from_secs(5);
        for (rx, into) in [
            (&self.stdout_rx, &mut self.stdout),
            (&self.stderr_rx, &mut self.stderr),
        ] {
            loop {
                let left = until.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(line) => into.push_str(&line),
                    Err(_) => break,
                }
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A failing test must not leave the child behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn wait_line(
    rx: &Receiver<String>,
    seen: &mut String,
    limit: Duration,
    pred: impl Fn(&str) -> bool,
    what: &str,
    child: &mut std::process::Child,
) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                if pred(line.trim_end()) {
                    return line.trim_end().to_owned();
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("no such line on {what} within {limit:?}; it has:\n{seen}");
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = child.wait().ok();
                panic!("arrctl closed {what} ({status:?}) without such a line; it has:\n{seen}");
            }
        }
    }
}

/// A client of `emu`, to set up and check what arrctl did.
pub fn client(emu: &Emulator) -> Client {
    Client::builder()
        .endpoint(emu.endpoint())
        .sts_endpoint(emu.sts_endpoint())
        .account_id(emu.account_id())
        .account_key(emu.account_key())
        .poll_interval(Duration::from_millis(100))
        .build()
        .expect("client")
}

pub async fn session(emu: &Emulator, id: &str) -> Session {
    client(emu)
        .get_session(id)
        .await
        .expect("the session exists")
        .into_inner()
}

pub async fn conversion(emu: &Emulator, id: &str) -> Conversion {
    client(emu)
        .get_conversion(id)
        .await
        .expect("the conversion exists")
        .into_inner()
}

/// Starts a conversion of `https://acct.blob.core.windows.net/in/models/box.fbx` into
/// `https://acct.blob.core.windows.net/out/converted` with the core client.
pub async fn start_conversion(emu: &Emulator, id: &str) -> Conversion {
    let settings = ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: "https://acct.blob.core.windows.net/in".into(),
            storage_container_read_list_sas: Some(SecretString::new("sv=1")),
            blob_prefix: None,
            relative_input_asset_path: "models/box.fbx".into(),
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: "https://acct.blob.core.windows.net/out".into(),
            storage_container_write_sas: Some(SecretString::new("sv=2")),
            blob_prefix: Some("converted".into()),
            output_asset_filename: None,
        },
    };
    client(emu)
        .start_conversion(id, settings)
        .await
        .expect("conversion starts")
        .into_inner()
}

/// Where a session's or conversion's progress line shows `status` (`session ID: Starting (0s)`).
pub fn progress(kind: &str, id: &str, status: &str) -> impl Fn(&str) -> bool {
    let prefix = format!("{kind} {id}: {status}");
    move |l: &str| l.starts_with(&prefix)
}

/// The limit of a wait for a line the binary prints within moments.
pub const SOON: Duration = Duration::from_secs(15);

/// `arrconfig.json` in the PowerShell scripts' format.
pub fn write_config(path: &Path, value: &serde_json::Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).expect("write config");
}
