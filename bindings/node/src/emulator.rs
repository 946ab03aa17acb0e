//! The embedded emulator for Node test suites (its own runtime thread).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use remote_rendering::SecretString;
use remote_rendering_emulator::{
    Account, Emulator, EmulatorConfig, EmulatorInfo, FaultPlan, ServiceError, TlsConfig,
};
use std::sync::Mutex;
use std::time::Duration;

fn bad(e: impl std::fmt::Display) -> napi::Error {
    napi::Error::new(Status::InvalidArg, e.to_string())
}

fn secs(field: &str, v: Option<f64>, default: f64) -> Result<Duration> {
    let v = v.unwrap_or(default);
    if v.is_finite() && v >= 0.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(bad(format!(
            "{field}: must be a number of seconds, 0 or more, got {v}"
        )))
    }
}

#[napi(object)]
pub struct NativeEmulatorOptions {
    pub startup_delay: Option<f64>,
    pub conversion_duration: Option<f64>,
    pub time_scale: Option<f64>,
    pub page_size: Option<u32>,
    pub faults: Option<String>,
    pub seed: Option<u32>,
    pub tls: Option<bool>,
    pub cert_out: Option<String>,
    pub state_file: Option<String>,
    pub storage_root: Option<String>,
    pub linked_storage: Option<Vec<String>>,
    pub region: Option<String>,
    pub token_lifetime: Option<f64>,
    pub accounts: Option<Vec<Vec<String>>>,
    /// Conversions read and write real blob storage (Azurite) through their SAS or a key.
    pub blob_storage: Option<bool>,
    /// `[account name, key]` pairs of linked storage accounts (the keys are secrets).
    pub storage_account_keys: Option<Vec<Vec<String>>>,
}

#[napi]
pub struct NativeEmulator {
    inner: Mutex<Option<Emulator>>,
    info: EmulatorInfo,
}

impl NativeEmulator {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> T) -> Result<T> {
        let g = self.inner.lock().unwrap();
        g.as_ref()
            .map(f)
            .ok_or_else(|| napi::Error::new(Status::GenericFailure, "the emulator is stopped"))
    }
}

#[napi]
impl NativeEmulator {
    #[napi(constructor)]
    pub fn new(options: Option<NativeEmulatorOptions>) -> Result<Self> {
        let o = options.unwrap_or(NativeEmulatorOptions {
            startup_delay: None,
            conversion_duration: None,
            time_scale: None,
            page_size: None,
            faults: None,
            seed: None,
            tls: None,
            cert_out: None,
            state_file: None,
            storage_root: None,
            linked_storage: None,
            region: None,
            token_lifetime: None,
            accounts: None,
            blob_storage: None,
            storage_account_keys: None,
        });
        let mut accounts = Vec::new();
        for a in o.accounts.unwrap_or_default() {
            match a.as_slice() {
                [id, key] => accounts.push(Account::new(id.clone(), key.clone())),
                _ => return Err(bad("accounts: each account is [id, key]")),
            }
        }
        let mut storage_account_keys = Vec::new();
        for a in o.storage_account_keys.unwrap_or_default() {
            match a.as_slice() {
                [name, key] => {
                    storage_account_keys.push((name.clone(), SecretString::new(key.clone())))
                }
                _ => return Err(bad("storageAccountKeys: each entry is [account name, key]")),
            }
        }
        // Every default is the emulator's own (its command line's too), never restated here.
        let d = EmulatorConfig::default();
        let mut config = EmulatorConfig {
            startup_delay: secs(
                "startupDelay",
                o.startup_delay,
                d.startup_delay.as_secs_f64(),
            )?,
            conversion_duration: secs(
                "conversionDuration",
                o.conversion_duration,
                d.conversion_duration.as_secs_f64(),
            )?,
            time_scale: o.time_scale.unwrap_or(d.time_scale),
            page_size: o.page_size.map_or(d.page_size, |n| n as usize),
            faults: o
                .faults
                .as_deref()
                .map(FaultPlan::parse)
                .transpose()
                .map_err(bad)?
                .unwrap_or_default(),
            seed: o.seed.map_or(d.seed, u64::from),
            tls: o.tls.unwrap_or(false).then(|| TlsConfig {
                cert_out: o.cert_out.map(Into::into),
            }),
            state_file: o.state_file.map(Into::into),
            storage_root: o.storage_root.map(Into::into),
            linked_storage: o.linked_storage.unwrap_or_default(),
            token_lifetime: secs(
                "tokenLifetime",
                o.token_lifetime,
                d.token_lifetime.as_secs_f64(),
            )?,
            accounts,
            blob_storage: o.blob_storage.unwrap_or(d.blob_storage),
            storage_account_keys,
            ..d
        };
        if let Some(r) = o.region {
            config.region = r;
        }
        let emu = Emulator::start_blocking(config).map_err(bad)?;
        let info = emu.info().clone();
        Ok(NativeEmulator {
            inner: Mutex::new(Some(emu)),
            info,
        })
    }

    #[napi(getter)]
    pub fn endpoint(&self) -> String {
        self.info.endpoint.clone()
    }

    #[napi(getter)]
    pub fn sts_endpoint(&self) -> String {
        self.info.sts_endpoint.clone()
    }

    #[napi(getter)]
    pub fn account_id(&self) -> String {
        self.info.account_id.clone()
    }

    #[napi(getter)]
    pub fn account_key(&self) -> String {
        self.info.account_key.expose().to_owned()
    }

    #[napi(getter)]
    pub fn account_domain(&self) -> String {
        self.info.account_domain.clone()
    }

    #[napi(getter)]
    pub fn ca_cert(&self) -> Option<String> {
        self.info.ca_cert.as_ref().map(|p| p.display().to_string())
    }

    #[napi]
    pub fn advance_clock(&self, seconds: f64) -> Result<()> {
        let d = secs("seconds", Some(seconds), 0.0)?;
        self.with(|e| e.advance_clock(d))
    }

    #[napi]
    pub fn set_faults(&self, spec: String, seed: Option<u32>) -> Result<()> {
        let plan = FaultPlan::parse(&spec).map_err(bad)?;
        self.with(|e| e.set_faults(plan, u64::from(seed.unwrap_or(0))))
    }

    #[napi]
    pub fn clear_faults(&self) -> Result<()> {
        self.with(Emulator::clear_faults)
    }

    #[napi]
    pub fn stats(&self) -> Result<serde_json::Value> {
        self.with(|e| serde_json::to_value(e.stats()).expect("stats serialise"))
    }

    #[napi]
    pub fn fail_session(
        &self,
        id: String,
        code: Option<String>,
        message: Option<String>,
    ) -> Result<()> {
        let error = code.map(|c| ServiceError::new(c, message.unwrap_or_default()));
        let account = self.info.account_id.clone();
        self.with(|e| e.fail_session(&account, &id, error))?
            .map_err(bad)
    }

    #[napi]
    pub fn fail_conversion(
        &self,
        id: String,
        code: Option<String>,
        message: Option<String>,
    ) -> Result<()> {
        let error = code.map(|c| ServiceError::new(c, message.unwrap_or_default()));
        let account = self.info.account_id.clone();
        self.with(|e| e.fail_conversion(&account, &id, error))?
            .map_err(bad)
    }

    #[napi]
    pub fn cancel_conversion(&self, id: String) -> Result<()> {
        let account = self.info.account_id.clone();
        self.with(|e| e.cancel_conversion(&account, &id))?
            .map_err(bad)
    }

    #[napi]
    pub fn revoke_tokens(&self) -> Result<()> {
        let account = self.info.account_id.clone();
        self.with(|e| e.revoke_tokens(&account))?.map_err(bad)
    }

    /// Stops the server (waits for its connections to close).
    #[napi]
    pub fn stop(&self) {
        if let Some(e) = self.inner.lock().unwrap().take() {
            e.shutdown_blocking();
        }
    }

    #[napi(getter)]
    pub fn running(&self) -> bool {
        self.inner.lock().unwrap().is_some()
    }
}
