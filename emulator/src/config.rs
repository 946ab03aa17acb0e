//! What an emulator instance is started with. The binary's flags map one to one onto these
//! fields; the defaults are the documented ones.

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
    /// File to keep the state in across restarts.
    pub state_file: Option<PathBuf>,
    /// Folder standing in for blob storage: `https://{acct}.blob.core.windows.net/{container}`
    /// is `{root}/{acct}/{container}`. Without it every conversion succeeds.
    pub storage_root: Option<PathBuf>,
    /// Storage account names linked to the ARR accounts (conversions without SAS need it).
    pub linked_storage: Vec<String>,
    /// Region used in session hostnames.
    pub region: String,
    /// Lifetime of STS tokens (real time).
    pub token_lifetime: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            accounts: Vec::new(),
            startup_delay: Duration::from_secs(5),
            conversion_duration: Duration::from_secs(10),
            time_scale: 1.0,
            page_size: 100,
            faults: FaultPlan::default(),
            seed: 0,
            tls: None,
            state_file: None,
            storage_root: None,
            linked_storage: Vec::new(),
            region: "local".to_owned(),
            token_lifetime: Duration::from_secs(24 * 3600),
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
