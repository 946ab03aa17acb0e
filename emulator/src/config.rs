//! What an emulator instance is started with. The binary's flags map one to one onto these
//! fields; every default is written once here, as a documented constant, and both
//! [`EmulatorConfig::default`] and the command line use it.

use crate::faults::FaultPlan;
use remote_rendering_models::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The well-known development account every emulator has unless accounts are configured:
/// examples and tests work with no setup. It is public, like Azurite's `devstoreaccount1`.
pub const DEV_ACCOUNT_ID: &str = "00000000-1111-2222-3333-444455556666";
/// The key of the well-known development account (public; never use it for anything real).
pub const DEV_ACCOUNT_KEY: &str = "RW11bGF0b3JEZXZlbG9wbWVudEFjY291bnRLZXkwMDE=";

/// Where the binary (and `arrctl emulator`) listens unless told otherwise. The library's
/// default is [`DEFAULT_LISTEN`]: a free port, for tests.
pub const DEFAULT_CLI_LISTEN: &str = "127.0.0.1:8700";
/// The library's default listen address: loopback, a free port.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::LOCALHOST,
    0,
));
/// Emulated time from `Starting` to `Ready`.
pub const DEFAULT_STARTUP_DELAY: Duration = Duration::from_secs(5);
/// Emulated time a conversion runs.
pub const DEFAULT_CONVERSION_DURATION: Duration = Duration::from_secs(10);
/// Emulated time runs this many times faster than real time.
pub const DEFAULT_TIME_SCALE: f64 = 1.0;
/// Items per page of the list calls (the service's page size).
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Seed of the fault injector.
pub const DEFAULT_SEED: u64 = 0;
/// Region named in session hostnames.
pub const DEFAULT_REGION: &str = "local";
/// Lifetime of STS tokens, real time (the service's: 24 hours).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Largest request body, on every route (API and `/_emulator/`).
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// From the first byte of a request to the end of its header.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// From the end of a request's header to the end of its body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a keep-alive connection may wait for its next request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Open connections at most. The emulator lowers it to what its file-descriptor limit allows
/// (the soft `RLIMIT_NOFILE` less [`RESERVED_DESCRIPTORS`]); at the cap the oldest connection
/// that is not in the middle of a request is closed to make room.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Descriptors kept free for the state database, storage files and the listener.
pub const RESERVED_DESCRIPTORS: usize = 64;
/// How long ended sessions and conversions stay readable: `None`, for ever (as the service
/// kept them).
pub const DEFAULT_RETENTION: Option<Duration> = None;

/// An ARR account the emulator knows: its id, its key, and optionally Entra (AAD) access tokens
/// that the STS accepts in place of the key.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    pub key: SecretString,
    pub entra_tokens: Vec<SecretString>,
}

impl Account {
    pub fn new(id: impl Into<String>, key: impl Into<String>) -> Self {
        Account {
            id: id.into(),
            key: SecretString::new(key),
            entra_tokens: Vec::new(),
        }
    }

    /// The well-known development account.
    pub fn dev() -> Self {
        Account::new(DEV_ACCOUNT_ID, DEV_ACCOUNT_KEY)
    }

    /// Parses the `ID:KEY` form of the `--account` flag.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (id, key) = spec
            .split_once(':')
            .ok_or_else(|| "--account takes ID:KEY (the key after the first ':')".to_owned())?;
        if id.trim().is_empty() || key.is_empty() {
            return Err("--account takes ID:KEY with a non-empty id and key".to_owned());
        }
        Ok(Account::new(id.trim(), key))
    }
}

/// Whether and how to serve https.
#[derive(Clone, Debug, Default)]
pub struct TlsConfig {
    /// Where to write the PEM of the CA that signed the server certificate. `None` writes it
    /// into the system temp directory.
    pub cert_out: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Address to listen on. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Accounts; the first one is reported in the ready line. Empty means the dev account.
    pub accounts: Vec<Account>,
    /// Emulated time from `Starting` to `Ready`.
    pub startup_delay: Duration,
    /// Emulated time from `NotStarted` to `Succeeded`/`Failed`.
    pub conversion_duration: Duration,
    /// How many times faster than real time emulated time runs.
    pub time_scale: f64,
    /// Items per page of the list calls; more items produce `@nextLink`.
    pub page_size: usize,
    /// Faults to inject.
    pub faults: FaultPlan,
    /// Seed of the fault injector (same seed, same sequence for a sequential client).
    pub seed: u64,
    pub tls: Option<TlsConfig>,
    /// SQLite database to keep sessions, conversions, token revocations and the emulated clock
    /// in across restarts (see `db.rs`).
    pub state_file: Option<PathBuf>,
    /// Folder standing in for blob storage: `https://{acct}.blob.core.windows.net/{container}`
    /// is `{root}/{acct}/{container}`. Without it every conversion succeeds.
    pub storage_root: Option<PathBuf>,
    /// Storage account names linked to the ARR accounts (conversions without SAS need it).
    pub linked_storage: Vec<String>,
    /// Conversions read their input and write their outputs on real blob storage (Azure or
    /// Azurite) through the Blob REST API, with the request's SAS or a key of
    /// [`storage_account_keys`](Self::storage_account_keys). Off: the storage root, or nothing.
    pub blob_storage: bool,
    /// Keys of storage accounts linked to the ARR accounts, by name: with `blob_storage`, a
    /// conversion without a SAS reaches them with the key (each is linked, as if in
    /// `linked_storage`).
    pub storage_account_keys: Vec<(String, SecretString)>,
    /// Region used in session hostnames.
    pub region: String,
    /// Lifetime of STS tokens (real time).
    pub token_lifetime: Duration,
    /// Connection limits and timeouts.
    pub limits: Limits,
    /// Listening on an address that is not loopback needs this (`--allow-remote`): it
    /// exposes the admin API and the public development key to the network.
    pub allow_remote: bool,
    /// The credential of the `/_emulator/` admin API (`Authorization: Bearer TOKEN`). `None`
    /// on loopback: no credential; beyond loopback a random one is generated and reported in
    /// the ready line.
    pub admin_token: Option<SecretString>,
    /// How long (emulated time) ended sessions and conversions stay readable before they are
    /// deleted; `None` keeps them.
    pub retention: Option<Duration>,
}

/// Timeouts and the connection cap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: DEFAULT_LISTEN,
            accounts: Vec::new(),
            startup_delay: DEFAULT_STARTUP_DELAY,
            conversion_duration: DEFAULT_CONVERSION_DURATION,
            time_scale: DEFAULT_TIME_SCALE,
            page_size: DEFAULT_PAGE_SIZE,
            faults: FaultPlan::default(),
            seed: DEFAULT_SEED,
            tls: None,
            state_file: None,
            storage_root: None,
            linked_storage: Vec::new(),
            blob_storage: false,
            storage_account_keys: Vec::new(),
            region: DEFAULT_REGION.to_owned(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            limits: Limits::default(),
            allow_remote: false,
            admin_token: None,
            retention: DEFAULT_RETENTION,
        }
    }
}

impl EmulatorConfig {
    /// Checks the values that would make the emulator misbehave rather than fail.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(format!(
                "time scale must be a positive number, got {}",
                self.time_scale
            ));
        }
        if self.page_size == 0 {
            return Err("page size must be at least 1".to_owned());
        }
        if self.token_lifetime.is_zero() {
            return Err("token lifetime must be more than 0 seconds".to_owned());
        }
        if self.region.is_empty()
            || !self
                .region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "region must be letters, digits and '-', got {:?}",
                self.region
            ));
        }
        if !self.listen.ip().is_loopback() && !self.allow_remote {
            return Err(format!(
                "listening on {} (not a loopback address) exposes the admin API and the development key to the network; allow it explicitly (--allow-remote)",
                self.listen
            ));
        }
        let l = &self.limits;
        for (name, d) in [
            ("header read timeout", l.header_read_timeout),
            ("body timeout", l.body_timeout),
            ("idle timeout", l.idle_timeout),
        ] {
            if d.is_zero() {
                return Err(format!("{name} must be more than 0 seconds"));
            }
        }
        if self.blob_storage && self.storage_root.is_some() {
            return Err(
                "a storage root and blob storage exclude each other: choose one".to_owned(),
            );
        }
        for (name, key) in &self.storage_account_keys {
            if !crate::storage::is_storage_account_name(name) {
                return Err(format!(
                    "{name:?} is not a storage account name (3-24 lowercase letters and digits)"
                ));
            }
            use base64::Engine;
            if base64::engine::general_purpose::STANDARD
                .decode(key.expose())
                .is_err()
            {
                // Never the key itself.
                return Err(format!("the key of storage account {name} is not base64"));
            }
        }
        if l.max_connections == 0 {
            return Err("max connections must be at least 1".to_owned());
        }
        if self
            .admin_token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 16)
        {
            return Err("the admin token must be at least 16 characters".to_owned());
        }
        let mut seen = std::collections::HashSet::new();
        for a in self.effective_accounts() {
            if !seen.insert(a.id.to_ascii_lowercase()) {
                return Err(format!("account {} is configured twice", a.id));
            }
        }
        Ok(())
    }

    /// The configured accounts, or the dev account when none is.
    pub fn effective_accounts(&self) -> Vec<Account> {
        if self.accounts.is_empty() {
            vec![Account::dev()]
        } else {
            self.accounts.clone()
        }
    }
}
