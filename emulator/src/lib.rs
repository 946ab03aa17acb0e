//! A local emulator of the Azure Remote Rendering session and conversion REST API
//! (api-version 2021-01-01 and 2021-01-01-preview) and its Mixed Reality STS token endpoint,
//! on one port.
//!
//! ```no_run
//! # async fn demo() -> Result<(), remote_rendering_emulator::EmulatorError> {
//! use remote_rendering_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! println!("ARR endpoint {} (account {})", emu.endpoint(), emu.account_id());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What it does, and why each rule is there, is in the module docs: [`state`] (the state
//! machine), [`faults`] (fault injection), the admin endpoints in `admin.rs`, `auth.rs` (STS).

mod access;
mod admin;
mod auth;
mod blob;
mod body;
#[cfg(feature = "cli")]
pub mod cli;
pub mod clock;
pub mod config;
mod conn;
mod dashboard;
mod db;
mod error;
pub mod faults;
mod requestlog;
mod respond;
mod rng;
mod routes;
mod server;
mod shared;
pub mod state;
mod stats;
mod storage;
mod tls;

pub use config::{Account, EmulatorConfig, Limits, TlsConfig, DEV_ACCOUNT_ID, DEV_ACCOUNT_KEY};
pub use faults::{FaultKind, FaultPlan, FaultRule};
pub use remote_rendering_models::{SecretString, ServiceError};
pub use stats::{RouteStats, Stats};

use crate::clock::{wall_now, Clock, NANOS_PER_SEC};
use crate::shared::Shared;
use crate::state::{nanos, Behaviour, Store};
use remote_rendering_models::ConversionStatus;
use serde::Serialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The facts a client needs, printed by the binary as its one JSON ready line.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmulatorInfo {
    /// The ARR endpoint, e.g. `http://127.0.0.1:8700`.
    pub endpoint: String,
    /// The STS endpoint (the same server).
    pub sts_endpoint: String,
    pub account_id: String,
    /// The key of `account_id` (the public development key unless accounts are configured).
    pub account_key: SecretString,
    /// `host:port` of the emulator. Clients must use `stsEndpoint`: `https://sts.{domain}`
    /// does not apply to a local server.
    pub account_domain: String,
    /// PEM file of the CA that signed the https certificate, `null` over plain http.
    pub ca_cert: Option<PathBuf>,
    /// The credential of the admin API, when it needs one (beyond loopback, or given); absent
    /// from the ready line otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<SecretString>,
}

impl fmt::Debug for EmulatorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorInfo")
            .field("endpoint", &self.endpoint)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("account_id", &self.account_id)
            .field("account_key", &self.account_key)
            .field("account_domain", &self.account_domain)
            .field("ca_cert", &self.ca_cert)
            .field("admin_token", &self.admin_token)
            .finish()
    }
}

impl EmulatorInfo {
    /// The ready line: one line of JSON.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("info serialises")
    }
}

/// Why the emulator could not start.
#[derive(Debug)]
pub enum EmulatorError {
    /// A configuration value is out of range (the message names it).
    Config(String),
    /// The listen address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// TLS could not be set up or the certificate not written.
    Tls(String),
    /// The state database cannot be opened or read (the message names the file).
    State(String),
    /// The background runtime of [`Emulator::start_blocking`] failed.
    Runtime(String),
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmulatorError::Config(m) => write!(f, "invalid emulator configuration: {m}"),
            EmulatorError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            EmulatorError::Tls(m) => write!(f, "TLS: {m}"),
            EmulatorError::State(m) => write!(f, "state file: {m}"),
            EmulatorError::Runtime(m) => write!(f, "runtime: {m}"),
        }
    }
}

impl std::error::Error for EmulatorError {}

enum Running {
    Task(tokio::task::JoinHandle<()>),
    Thread(std::thread::JoinHandle<()>),
}

/// A running emulator. Dropping it shuts the server down; [`shutdown`](Emulator::shutdown)
/// also waits until every connection is closed and the state database is closed.
pub struct Emulator {
    info: EmulatorInfo,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    running: Option<Running>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

fn endpoint_host(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => "127.0.0.1".to_owned(),
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) if a.ip().is_unspecified() => "[::1]".to_owned(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    }
}

fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    // Room for a burst of thousands of new connections (the concurrency tests, a fleet).
    socket.listen(4096)
}

impl Emulator {
    /// Starts the emulator on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let (stop, stop_rx) = watch::channel(false);
        let (info, shared, task) = launch(config, stop_rx).await?;
        Ok(Emulator {
            info,
            shared,
            stop,
            running: Some(Running::Task(task)),
        })
    }

    /// Starts the emulator on a runtime of its own, in a background thread: for callers
    /// without a tokio runtime (bindings, C, blocking tests). Dropping the handle stops it and
    /// joins the thread.
    pub fn start_blocking(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let (stop, stop_rx) = watch::channel(false);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("arr-emulator".to_owned())
            .spawn(move || {
                block_sigpipe();
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("arr-emulator-worker")
                    .on_thread_start(block_sigpipe)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(EmulatorError::Runtime(e.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match launch(config, stop_rx).await {
                        Ok((info, shared, task)) => {
                            let _ = ready_tx.send(Ok((info, shared)));
                            let _ = task.await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| EmulatorError::Runtime(e.to_string()))?;
        let (info, shared) = ready_rx.recv().map_err(|_| {
            EmulatorError::Runtime("the emulator thread ended before it was ready".to_owned())
        })??;
        Ok(Emulator {
            info,
            shared,
            stop,
            running: Some(Running::Thread(thread)),
        })
    }

    /// The ready-line facts.
    pub fn info(&self) -> &EmulatorInfo {
        &self.info
    }

    pub fn endpoint(&self) -> &str {
        &self.info.endpoint
    }

    pub fn sts_endpoint(&self) -> &str {
        &self.info.sts_endpoint
    }

    pub fn account_id(&self) -> &str {
        &self.info.account_id
    }

    pub fn account_key(&self) -> &str {
        self.info.account_key.expose()
    }

    pub fn account_domain(&self) -> &str {
        &self.info.account_domain
    }

    /// The address of the dashboard page (`{endpoint}/_emulator/`).
    pub fn dashboard_url(&self) -> String {
        format!("{}/_emulator/", self.info.endpoint)
    }

    /// The CA certificate file clients must trust, over https.
    pub fn ca_cert_path(&self) -> Option<&std::path::Path> {
        self.info.ca_cert.as_deref()
    }

    /// Moves emulated time forward: sessions reach `Ready`, leases run out, conversions end.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(nanos(by));
    }

    /// The emulated time now.
    pub fn now(&self) -> time::OffsetDateTime {
        clock::to_datetime(self.shared.clock.now())
    }

    /// Replaces the fault plan and restarts its random sequence from `seed`.
    pub fn set_faults(&self, plan: FaultPlan, seed: u64) {
        self.shared.faults.set(plan, seed);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.set(FaultPlan::default(), 0);
    }

    /// Request counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    pub fn reset_stats(&self) {
        self.shared.counters.reset();
    }

    /// Puts a `Starting` or `Ready` session into `Error` with `error` (or a default one).
    pub fn fail_session(
        &self,
        account: &str,
        id: &str,
        error: Option<ServiceError>,
    ) -> Result<(), String> {
        let now = self.shared.clock.now();
        let error = error.unwrap_or_else(admin::default_session_error);
        self.shared
            .mutate_now(|s| s.fail_session(account, id, error, now))
            .map(drop)
            .map_err(describe)
    }

    /// Makes every access token issued so far for `account` invalid (the next call with one
    /// gets 401), as a key rotation would. Tokens issued afterwards work.
    pub fn revoke_tokens(&self, account: &str) -> Result<(), String> {
        if self.shared.revoke_tokens(account).0 {
            Ok(())
        } else {
            Err(format!("no account {account}"))
        }
    }

    /// Ends a running conversion as `Failed` with `error` (or a default one).
    pub fn fail_conversion(
        &self,
        account: &str,
        id: &str,
        error: Option<ServiceError>,
    ) -> Result<(), String> {
        let error = error.unwrap_or_else(admin::default_conversion_error);
        self.end_conversion(account, id, ConversionStatus::Failed, Some(error))
    }

    /// Ends a running conversion as `Cancelled` (the API has no cancel call; the service could).
    pub fn cancel_conversion(&self, account: &str, id: &str) -> Result<(), String> {
        self.end_conversion(account, id, ConversionStatus::Cancelled, None)
    }

    fn end_conversion(
        &self,
        account: &str,
        id: &str,
        status: ConversionStatus,
        error: Option<ServiceError>,
    ) -> Result<(), String> {
        let now = self.shared.clock.now();
        let storage = &self.shared.storage;
        self.shared
            .mutate_now(|s| s.end_conversion(account, id, status, error, now, storage))
            .map(drop)
            .map_err(describe)
    }

    /// Stops accepting connections, lets open ones finish, closes the state database.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        match self.running.take() {
            Some(Running::Task(task)) => {
                let _ = task.await;
            }
            Some(Running::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }

    /// [`shutdown`](Emulator::shutdown) for callers without a runtime (`start_blocking`).
    pub fn shutdown_blocking(mut self) {
        let _ = self.stop.send(true);
        match self.running.take() {
            Some(Running::Thread(thread)) => {
                let _ = thread.join();
            }
            // A task on someone else's runtime finishes on its own once told to stop.
            Some(Running::Task(_)) | None => {}
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(Running::Thread(thread)) = self.running.take() {
            let _ = thread.join();
        }
    }
}

fn describe(e: state::ApiError) -> String {
    match e.error {
        Some(err) => err.message,
        None if e.status == 404 => "no such resource".to_owned(),
        None => format!("status {}", e.status),
    }
}

/// What listening beyond loopback exposes, in words.
pub fn remote_warning(addr: SocketAddr, dev_account: bool) -> String {
    let key = if dev_account {
        " The development account's key is public: anyone who can reach this address can create sessions and conversions with it."
    } else {
        ""
    };
    format!(
        "listening on {addr}, beyond loopback: the ARR and STS API and the admin API (/_emulator/: faults, the clock, failing sessions, revoking tokens) are reachable from the network. The admin API requires the adminToken of the ready line (Authorization: Bearer ...).{key} Traffic is plain http unless --tls is given."
    )
}

/// Binds, loads the state, sets up TLS, and spawns the server (and the state writer).
async fn launch(
    config: EmulatorConfig,
    stop_rx: watch::Receiver<bool>,
) -> Result<(EmulatorInfo, Arc<Shared>, tokio::task::JoinHandle<()>), EmulatorError> {
    config.validate().map_err(EmulatorError::Config)?;
    let accounts = config.effective_accounts();
    let remote = !config.listen.ip().is_loopback();
    let admin_token = match (&config.admin_token, remote) {
        (Some(t), _) => Some(t.clone()),
        (None, true) => Some(SecretString::new(access::generate_token())),
        (None, false) => None,
    };
    let listener = bind(config.listen).map_err(|e| EmulatorError::Bind(config.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| EmulatorError::Bind(config.listen, e))?;

    // Without --cert-out the CA goes into a fresh private folder (0700, a random name no one
    // else can have made), removed when the server stops.
    let mut cert_dir = None;
    let (tls, ca_cert) = match &config.tls {
        None => (None, None),
        Some(tls_config) => {
            let generated = tls::generate().map_err(EmulatorError::Tls)?;
            let path = match &tls_config.cert_out {
                Some(path) => path.clone(),
                None => {
                    let dir = tls::private_dir().map_err(EmulatorError::Tls)?;
                    let path = dir.path().join("ca.pem");
                    cert_dir = Some(dir);
                    path
                }
            };
            std::fs::write(&path, &generated.ca_pem)
                .map_err(|e| EmulatorError::Tls(format!("cannot write {}: {e}", path.display())))?;
            (
                Some(tokio_rustls::TlsAcceptor::from(generated.server_config)),
                Some(path),
            )
        }
    };

    let account_ids = accounts.iter().map(|a| a.id.clone());
    let retention = config.retention.map(nanos);
    let mut store = Store::new(account_ids, retention);
    let auth = auth::Authenticator::new(&accounts);
    let (db, clock_origin) = match &config.state_file {
        None => (None, wall_now()),
        Some(path) => {
            let (db, loaded) = db::open(path, config.time_scale).map_err(EmulatorError::State)?;
            store
                .restore(loaded.rows, loaded.next_seq)
                .map_err(|e| EmulatorError::State(format!("{}: {e}", path.display())))?;
            for (account, generation) in &loaded.generations {
                auth.restore_generation(account, *generation);
            }
            (
                Some(Arc::new(db)),
                loaded.resume_at.unwrap_or_else(wall_now),
            )
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let shared = Arc::new(Shared::new(
        auth,
        Clock::new(clock_origin, config.time_scale),
        store,
        Behaviour {
            startup_delay: nanos(config.startup_delay),
            conversion_duration: nanos(config.conversion_duration),
            region: config.region.clone(),
            linked_storage: config
                .linked_storage
                .iter()
                .cloned()
                .chain(config.storage_account_keys.iter().map(|(n, _)| n.clone()))
                .collect(),
        },
        storage::Storage {
            root: config.storage_root.clone(),
            blob_storage: config.blob_storage,
            keys: storage::AccountKeys(config.storage_account_keys.clone()),
        },
        faults::FaultInjector::new(config.faults.clone(), config.seed),
        config.page_size,
        i64::try_from(config.token_lifetime.as_secs()).unwrap_or(i64::MAX / NANOS_PER_SEC),
        scheme,
        db,
        config.limits,
        admin_token.clone(),
    ));

    // With retention, ended resources are also deleted while nothing else happens, so an idle
    // emulator's memory shrinks too.
    let sweeper = retention.map(|_| {
        let (s, mut stop) = (shared.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = tick.tick() => { let _ = s.read(|_| Ok(())); }
                    _ = stop.changed() => break,
                }
            }
        })
    });
    shared.set_this();
    let server = tokio::spawn(conn::serve(listener, shared.clone(), tls, stop_rx));
    let closing = shared.clone();
    let task = tokio::spawn(async move {
        let _ = server.await;
        if let Some(s) = sweeper {
            let _ = s.await;
        }
        if let Some(db) = closing.db.clone() {
            let last_seq = closing.store.lock().unwrap().last_seq();
            let now = closing.clock.now();
            let _ = tokio::task::spawn_blocking(move || db.close(last_seq, now)).await;
        }
        drop(cert_dir);
    });

    let base = format!("{scheme}://{}:{}", endpoint_host(addr), addr.port());
    let first = &accounts[0];
    let info = EmulatorInfo {
        endpoint: base.clone(),
        sts_endpoint: base,
        account_id: first.id.clone(),
        account_key: first.key.clone(),
        account_domain: format!("{}:{}", endpoint_host(addr), addr.port()),
        ca_cert,
        admin_token,
    };
    if remote {
        tracing::warn!(
            listen = %addr,
            "{}",
            remote_warning(addr, config.accounts.is_empty())
        );
    }
    tracing::info!(endpoint = %info.endpoint, dashboard = %format!("{}/_emulator/", info.endpoint), accounts = accounts.len(), tls = info.ca_cert.is_some(), "emulator ready");
    Ok((info, shared, task))
}

/// Blocks SIGPIPE in the emulator's own threads: embedded in a C or C++ host (which keeps the
/// default action, the end of the process), a TLS write (`writev`, no `MSG_NOSIGNAL`) to a
/// client that has gone would otherwise end the host. Rust programs, Python, Node and the JVM
/// ignore SIGPIPE already.
fn block_sigpipe() {
    #[cfg(unix)]
    // SAFETY: plain calls on a local signal set; pthread_sigmask only changes this thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}
