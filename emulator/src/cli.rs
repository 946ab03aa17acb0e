//! The emulator's command line, shared by its own binary and `arrctl emulator`: the same flags
//! and the same JSON ready line.

use crate::config::{
    Limits, DEFAULT_BODY_TIMEOUT, DEFAULT_CLI_LISTEN, DEFAULT_CONVERSION_DURATION,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_PAGE_SIZE,
    DEFAULT_REGION, DEFAULT_SEED, DEFAULT_STARTUP_DELAY, DEFAULT_TIME_SCALE,
    DEFAULT_TOKEN_LIFETIME,
};
use crate::{Account, Emulator, EmulatorConfig, FaultPlan, SecretString, TlsConfig};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A local emulator of the Azure Remote Rendering session and conversion API and its STS.
#[derive(clap::Parser, Debug, Clone)]
#[command(name = "remote-rendering-emulator", version, about, long_about = None)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = DEFAULT_CLI_LISTEN, value_name = "ADDR")]
    listen: SocketAddr,
    /// An account as ID:KEY (repeatable). Without one, the well-known development account.
    #[arg(long = "account", value_name = "ID:KEY", value_parser = Account::parse)]
    accounts: Vec<Account>,
    /// An Entra (AAD) token the STS accepts for an account, as ID:TOKEN (repeatable).
    #[arg(long = "entra-token", value_name = "ID:TOKEN")]
    entra_tokens: Vec<String>,
    /// Emulated seconds from Starting to Ready.
    #[arg(long, default_value_t = DEFAULT_STARTUP_DELAY.as_secs_f64(), value_name = "SECS")]
    startup_delay: f64,
    /// Emulated seconds a conversion runs.
    #[arg(long, default_value_t = DEFAULT_CONVERSION_DURATION.as_secs_f64(), value_name = "SECS")]
    conversion_duration: f64,
    /// How many times faster than real time emulated time runs (60: a minute per second).
    #[arg(long, default_value_t = DEFAULT_TIME_SCALE, value_name = "F")]
    time_scale: f64,
    /// Items per page of the list calls.
    #[arg(long, default_value_t = DEFAULT_PAGE_SIZE, value_name = "N")]
    page_size: usize,
    /// Faults to inject, e.g. "429:2=0.1@get_session,503=0.05,reset=0.02,delay:300ms=0.1".
    #[arg(long, value_name = "SPEC", value_parser = FaultPlan::parse)]
    faults: Option<FaultPlan>,
    /// Seed of the fault injector.
    #[arg(long, default_value_t = DEFAULT_SEED, value_name = "N")]
    seed: u64,
    /// Serve https with a certificate generated at start.
    #[arg(long)]
    tls: bool,
    /// Where to write the PEM of the CA that signed the https certificate.
    #[arg(long, value_name = "FILE", requires = "tls")]
    cert_out: Option<PathBuf>,
    /// Keep sessions, conversions and token revocations in this SQLite database across restarts.
    #[arg(long = "state", value_name = "FILE")]
    state: Option<PathBuf>,
    /// Folder standing in for blob storage ({root}/{storage account}/{container}/...).
    #[arg(long, value_name = "DIR")]
    storage_root: Option<PathBuf>,
    /// A storage account linked to the ARR accounts, so conversions need no SAS (repeatable; * for all).
    #[arg(long, value_name = "NAME")]
    linked_storage: Vec<String>,
    /// Conversions read and write real blob storage (Azure, or Azurite's http://127.0.0.1:PORT/ACCOUNT/CONTAINER) with the request's SAS.
    #[arg(long, conflicts_with = "storage_root")]
    blob_storage: bool,
    /// A linked storage account and its key as NAME=KEY (repeatable), for --blob-storage conversions without a SAS; or set ARR_EMULATOR_STORAGE_KEYS to NAME=KEY,NAME=KEY.
    #[arg(
        long,
        value_name = "NAME=KEY",
        env = "ARR_EMULATOR_STORAGE_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    storage_account_key: Vec<StorageKeyArg>,
    /// Region named in session hostnames.
    #[arg(long, default_value = DEFAULT_REGION, value_name = "REGION")]
    region: String,
    /// Lifetime of STS tokens, in real seconds.
    #[arg(long, default_value_t = DEFAULT_TOKEN_LIFETIME.as_secs(), value_name = "SECS")]
    token_lifetime: u64,
    /// Seconds from the first byte of a request to the end of its header.
    #[arg(long, default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs_f64(), value_name = "SECS")]
    header_read_timeout: f64,
    /// Seconds from the end of a request's header to the end of its body.
    #[arg(long, default_value_t = DEFAULT_BODY_TIMEOUT.as_secs_f64(), value_name = "SECS")]
    body_timeout: f64,
    /// Seconds a keep-alive connection may wait for its next request.
    #[arg(long, default_value_t = DEFAULT_IDLE_TIMEOUT.as_secs_f64(), value_name = "SECS")]
    idle_timeout: f64,
    /// Open connections at most (lowered to what the descriptor limit allows).
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS, value_name = "N")]
    max_connections: usize,
    /// Allow --listen on an address that is not loopback (the admin API then needs a credential).
    #[arg(long)]
    allow_remote: bool,
    /// The admin API's credential (Authorization: Bearer TOKEN; at least 16 characters).
    /// Without it, a random one is generated when listening beyond loopback.
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// Emulated seconds an ended session or conversion stays readable before it is deleted
    /// (default: kept for ever, as the service kept them).
    #[arg(long, value_name = "SECS")]
    retention: Option<f64>,
    /// Print the dashboard's address on stderr and, on a desktop, open it in the browser.
    #[arg(long)]
    open: bool,
}

/// `NAME=KEY` of `--storage-account-key`; `Debug` (of `Args`) never shows the key.
#[derive(Clone)]
struct StorageKeyArg(String, SecretString);

impl std::fmt::Debug for StorageKeyArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}=<redacted>", self.0)
    }
}

impl std::str::FromStr for StorageKeyArg {
    type Err = String;
    fn from_str(pair: &str) -> Result<Self, String> {
        match pair.split_once('=') {
            Some((name, key)) if !name.is_empty() && !key.is_empty() => {
                Ok(StorageKeyArg(name.to_owned(), SecretString::new(key)))
            }
            // Refused in `config`, where the message need not repeat the value (clap's would).
            _ => Ok(StorageKeyArg(String::new(), SecretString::new(""))),
        }
    }
}

fn seconds(name: &str, value: f64) -> Result<Duration, String> {
    if value.is_finite() && value >= 0.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!("--{name} must be 0 or more seconds, got {value}"))
    }
}

fn positive(name: &str, value: f64) -> Result<Duration, String> {
    match seconds(name, value)? {
        d if d.is_zero() => Err(format!("--{name} must be more than 0 seconds")),
        d => Ok(d),
    }
}

/// The configuration the flags describe (errors name the flag).
pub fn config(args: Args) -> Result<EmulatorConfig, String> {
    let mut accounts = args.accounts;
    if accounts.is_empty() && !args.entra_tokens.is_empty() {
        accounts.push(Account::dev());
    }
    for spec in &args.entra_tokens {
        let (id, token) = spec.split_once(':').ok_or("--entra-token takes ID:TOKEN")?;
        let account = accounts
            .iter_mut()
            .find(|a| a.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| format!("--entra-token names account {id}, which is not configured"))?;
        account.entra_tokens.push(token.into());
    }
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(format!(
            "--time-scale must be a positive number, got {}",
            args.time_scale
        ));
    }
    if args.page_size == 0 {
        return Err("--page-size must be at least 1".to_owned());
    }
    if args.token_lifetime == 0 {
        return Err("--token-lifetime must be at least 1 second".to_owned());
    }
    if args.storage_account_key.iter().any(|k| k.0.is_empty()) {
        return Err("--storage-account-key takes NAME=KEY".to_owned());
    }
    Ok(EmulatorConfig {
        listen: args.listen,
        accounts,
        startup_delay: seconds("startup-delay", args.startup_delay)?,
        conversion_duration: seconds("conversion-duration", args.conversion_duration)?,
        time_scale: args.time_scale,
        page_size: args.page_size,
        faults: args.faults.unwrap_or_default(),
        seed: args.seed,
        tls: args.tls.then_some(TlsConfig {
            cert_out: args.cert_out,
        }),
        state_file: args.state,
        storage_root: args.storage_root,
        linked_storage: args.linked_storage,
        blob_storage: args.blob_storage,
        storage_account_keys: args
            .storage_account_key
            .into_iter()
            .map(|k| (k.0, k.1))
            .collect(),
        region: args.region,
        token_lifetime: Duration::from_secs(args.token_lifetime),
        limits: Limits {
            header_read_timeout: positive("header-read-timeout", args.header_read_timeout)?,
            body_timeout: positive("body-timeout", args.body_timeout)?,
            idle_timeout: positive("idle-timeout", args.idle_timeout)?,
            max_connections: match args.max_connections {
                0 => return Err("--max-connections must be at least 1".to_owned()),
                n => n,
            },
        },
        allow_remote: args.allow_remote,
        admin_token: match args.admin_token {
            Some(t) if t.len() < 16 => {
                return Err("--admin-token must be at least 16 characters".to_owned())
            }
            t => t.map(SecretString::new),
        },
        retention: args
            .retention
            .map(|r| seconds("retention", r))
            .transpose()?,
    })
}

/// The shutdown signals, registered before the ready line is printed: a supervisor may send
/// SIGTERM the moment it reads that line, and it must get the graceful shutdown then too.
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    pub async fn wait(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Opens `url` with the desktop's browser when there is a desktop (`xdg-open` with a display,
/// `open` on macOS, `start` on Windows); says why not on stderr otherwise. Never fails the run.
fn open_in_browser(url: &str) {
    let command: Option<(&str, Vec<&str>)> = if cfg!(target_os = "macos") {
        Some(("open", vec![url]))
    } else if cfg!(windows) {
        Some(("cmd", vec!["/C", "start", "", url]))
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        Some(("xdg-open", vec![url]))
    } else {
        None
    };
    let Some((program, args)) = command else {
        eprintln!("(no desktop display: open it in a browser yourself)");
        return;
    };
    let spawned = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // The opener hands the page to the browser and exits; reap it off this thread.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("(could not run {program}: {e}; open it in a browser yourself)"),
    }
}

/// Runs the emulator until SIGINT/SIGTERM: prints the ready line on stdout, logs on stderr.
pub async fn run(args: Args) -> ExitCode {
    let open = args.open;
    let config = match config(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let signals = match Signals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot install signal handlers: {e}");
            return ExitCode::from(1);
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", emulator.info().to_json_line());
        let _ = out.flush();
    }
    if open {
        // stderr: stdout carries the one ready line and nothing else.
        eprintln!("dashboard: {}", emulator.dashboard_url());
        open_in_browser(&emulator.dashboard_url());
    }
    signals.wait().await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
