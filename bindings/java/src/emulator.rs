//! The embedded emulator for Java test suites (`com.remoterendering.Emulator`): it runs on a
//! runtime thread of its own, on 127.0.0.1 and a port the system picks, like Python's and Node's.
//! Options arrive as JSON with Java's names (durations in milliseconds); every default is the
//! emulator's own (`EmulatorConfig::default()`), never restated here.

use crate::{exported, guard, into_handle, jstr, Args, Failure, Outcome};
use jni::objects::{JClass, JString};
use jni::sys::jlong;
use jni::EnvUnowned;
use remote_rendering::Error as CoreError;
use remote_rendering_emulator::{
    Account, Emulator, EmulatorConfig, EmulatorInfo, FaultPlan, SecretString, ServiceError,
    TlsConfig,
};
use serde_json::{json, Value};
use std::sync::Mutex;

struct Embedded {
    inner: Mutex<Option<Emulator>>,
    info: EmulatorInfo,
}

impl Embedded {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> T) -> Outcome<T> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .map(f)
            .ok_or_else(|| Failure::Internal("the emulator is stopped".into()))
    }
}

fn bad(field: &'static str, e: impl std::fmt::Display) -> Failure {
    CoreError::invalid_input(field, e).into()
}

fn info_json(i: &EmulatorInfo) -> Value {
    json!({
        "endpoint": i.endpoint,
        "stsEndpoint": i.sts_endpoint,
        "accountId": i.account_id,
        "accountKey": i.account_key.expose(),
        "accountDomain": i.account_domain,
        "caCert": i.ca_cert.as_ref().map(|p| p.display().to_string()),
    })
}

fn config(a: &Args) -> Outcome<EmulatorConfig> {
    let d = EmulatorConfig::default();
    let mut accounts = Vec::new();
    if let Some(v) = a.get("accounts") {
        let list: Vec<Vec<String>> = serde_json::from_value(v.clone())
            .map_err(|_| bad("accounts", "each account is [id, key]"))?;
        for pair in list {
            match pair.as_slice() {
                [id, key] => accounts.push(Account::new(id.clone(), key.clone())),
                _ => return Err(bad("accounts", "each account is [id, key]")),
            }
        }
    }
    // Entra tokens the account accepts at the STS (the first account, or the development one),
    // as the command line's --entra-token does.
    if let Some(v) = a.get("entraTokens") {
        let tokens: Vec<String> = serde_json::from_value(v.clone())
            .map_err(|_| bad("entra_tokens", "must be a list of tokens"))?;
        if accounts.is_empty() {
            accounts.push(Account::dev());
        }
        accounts[0]
            .entra_tokens
            .extend(tokens.into_iter().map(Into::into));
    }
    let linked: Vec<String> = match a.get("linkedStorage") {
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|_| bad("linked_storage", "must be a list of container URIs"))?,
        None => Vec::new(),
    };
    // Keys of the storage accounts linked to the account, by name (secrets: never echoed).
    let storage_account_keys: Vec<(String, SecretString)> = match a.get("storageAccountKeys") {
        Some(v) => serde_json::from_value::<std::collections::BTreeMap<String, String>>(v.clone())
            .map_err(|_| bad("storage_account_keys", "must map account names to keys"))?
            .into_iter()
            .map(|(name, key)| (name, SecretString::new(key)))
            .collect(),
        None => Vec::new(),
    };
    let tls = a.bool("tls")?.unwrap_or(false);
    let cert_out = a.str("certOut")?;
    Ok(EmulatorConfig {
        startup_delay: a.millis("startupDelay")?.unwrap_or(d.startup_delay),
        conversion_duration: a
            .millis("conversionDuration")?
            .unwrap_or(d.conversion_duration),
        time_scale: a.float("timeScale")?.unwrap_or(d.time_scale),
        page_size: match a.int("pageSize")? {
            Some(n) if n >= 1 => n as usize,
            Some(n) => return Err(bad("page_size", format!("must be 1 or more, got {n}"))),
            None => d.page_size,
        },
        faults: match a.str("faults")? {
            Some(spec) => FaultPlan::parse(&spec).map_err(|e| bad("faults", e))?,
            None => FaultPlan::default(),
        },
        seed: a.int("seed")?.map_or(d.seed, |s| s as u64),
        tls: tls.then(|| TlsConfig {
            cert_out: cert_out.map(Into::into),
        }),
        state_file: a.str("stateFile")?.map(Into::into),
        storage_root: a.str("storageRoot")?.map(Into::into),
        linked_storage: linked,
        blob_storage: a.bool("blobStorage")?.unwrap_or(d.blob_storage),
        storage_account_keys,
        token_lifetime: a.millis("tokenLifetime")?.unwrap_or(d.token_lifetime),
        region: a.str("region")?.unwrap_or_else(|| d.region.clone()),
        accounts,
        ..d
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_emulatorNew<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    options: JString<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        let a = Args::parse(jstr(env, &options)?)?;
        let config = config(&a)?;
        let emu = Emulator::start_blocking(config).map_err(|e| bad("emulator", e))?;
        let info = emu.info().clone();
        let out = info_json(&info);
        let h = into_handle(Embedded {
            inner: Mutex::new(Some(emu)),
            info,
        });
        Ok(json!({ "handle": h, "info": out }))
    })
}

/// One of the emulator's test controls, by name.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_emulatorCall<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    op: JString<'l>,
    args: JString<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        // SAFETY: a live emulator handle (the Java side holds its read lock).
        let e = unsafe { crate::handle::<Embedded>(h) }?;
        let op = jstr(env, &op)?.unwrap_or_default();
        let a = Args::parse(jstr(env, &args)?)?;
        let account = e.info.account_id.clone();
        let service_error = |a: &Args| -> Outcome<Option<ServiceError>> {
            Ok(a.str("code")?
                .map(|c| ServiceError::new(c, a.str("message").ok().flatten().unwrap_or_default())))
        };
        let failed = |r: Result<(), String>| r.map_err(|m| bad("id", m));
        match op.as_str() {
            "stats" => e.with(|x| serde_json::to_value(x.stats()).unwrap_or(Value::Null)),
            "resetStats" => e.with(|x| x.reset_stats()).map(|_| Value::Null),
            "advanceClock" => {
                let d = a.millis("duration")?.unwrap_or_default();
                e.with(|x| x.advance_clock(d)).map(|_| Value::Null)
            }
            "setFaults" => {
                let plan = FaultPlan::parse(&a.req_str("spec")?).map_err(|m| bad("faults", m))?;
                let seed = a.int("seed")?.unwrap_or(0) as u64;
                e.with(|x| x.set_faults(plan, seed)).map(|_| Value::Null)
            }
            "clearFaults" => e.with(Emulator::clear_faults).map(|_| Value::Null),
            "failSession" => {
                let id = a.req_str("id")?;
                let err = service_error(&a)?;
                failed(e.with(|x| x.fail_session(&account, &id, err))?).map(|_| Value::Null)
            }
            "failConversion" => {
                let id = a.req_str("id")?;
                let err = service_error(&a)?;
                failed(e.with(|x| x.fail_conversion(&account, &id, err))?).map(|_| Value::Null)
            }
            "cancelConversion" => {
                let id = a.req_str("id")?;
                failed(e.with(|x| x.cancel_conversion(&account, &id))?).map(|_| Value::Null)
            }
            "revokeTokens" => failed(e.with(|x| x.revoke_tokens(&account))?).map(|_| Value::Null),
            "stop" => {
                let taken = e.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(x) = taken {
                    x.shutdown_blocking();
                }
                Ok(Value::Null)
            }
            other => Err(Failure::Internal(format!("no emulator control {other:?}"))),
        }
    })
}

/// Stops the emulator when still running, and frees its handle (once).
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_emulatorFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    let _ = guard(|| {
        if h != 0 {
            // SAFETY: freed once, by close() or the Cleaner.
            let e = unsafe { Box::from_raw(h as *mut Embedded) };
            let taken = e.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(x) = taken {
                x.shutdown_blocking();
            }
        }
        Ok(())
    });
}
