//! The embedded emulator of the service, so C and C++ test suites run without a network: it
//! listens on 127.0.0.1 on a free port, on a runtime of its own, with the public development
//! account. Admin calls move its clock, inject faults, fail sessions and conversions, and
//! count requests.

use crate::args::{arg, opt_text, out, out_ptr, text};
use crate::boundary::{ffi_call, get_str, set};
use crate::client::rr_client_options;
use crate::cstr::{cstring, opt_ptr};
use crate::error::{rr_error, Failure, Outcome};
use crate::handle::{boxed, free};
use crate::status::rr_status;
use remote_rendering::{ClientBuilder, Error, ErrorKind};
use remote_rendering_emulator::{
    Account, Emulator, EmulatorConfig, FaultPlan, SecretString, ServiceError, TlsConfig,
};
use std::ffi::{c_char, CString};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How to start an emulator. Starts with its defaults: 127.0.0.1 on a free port, plain http,
/// the development account, sessions Ready 5 s after start, conversions done after 10 s, real
/// time, 100 items a page, no faults.
#[derive(Clone, Debug, Default)]
pub struct rr_emulator_options {
    config: EmulatorConfig,
    entra_tokens: Vec<String>,
}

/// A running emulator. Thread-safe.
pub struct rr_emulator {
    running: Mutex<Option<Emulator>>,
    endpoint: CString,
    sts_endpoint: CString,
    account_id: CString,
    account_key: CString,
    account_domain: CString,
    ca_cert_path: Option<CString>,
    ca_cert_pem: Option<String>,
}

impl rr_emulator {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> T) -> Outcome<T> {
        let guard: MutexGuard<'_, Option<Emulator>> =
            self.running.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(e) => Ok(f(e)),
            None => Err(refused("the emulator is stopped")),
        }
    }
}

fn refused(why: impl Into<String>) -> Failure {
    Error::new(ErrorKind::InvalidInput, why.into()).into()
}

fn admin(result: Result<(), String>) -> Outcome {
    result.map_err(|why| refused(format!("the emulator refused: {why}")))
}

// ---- rr_emulator_options ----

/// New emulator options with the defaults. Free with `rr_emulator_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_new(
    out: *mut *mut rr_emulator_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_emulator_options::default());
        Ok(())
    })
}

/// Frees emulator options. NULL does nothing.
///
/// `options` is NULL or options owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_free(options: *mut rr_emulator_options) {
    free(options)
}

/// Emulated time from Starting to Ready, in milliseconds (default 5000).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_startup_delay_ms(
    options: *mut rr_emulator_options,
    startup_delay_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.startup_delay = Duration::from_millis(startup_delay_ms);
        Ok(())
    })
}

/// Emulated time from NotStarted to Succeeded, in milliseconds (default 10000).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_conversion_duration_ms(
    options: *mut rr_emulator_options,
    conversion_duration_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.conversion_duration = Duration::from_millis(conversion_duration_ms);
        Ok(())
    })
}

/// How many times faster than real time emulated time runs (default 1; more than 0).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_time_scale(
    options: *mut rr_emulator_options,
    time_scale: f64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.time_scale = time_scale;
        Ok(())
    })
}

/// Items per page of the list calls (default 100; more items give further pages).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_page_size(
    options: *mut rr_emulator_options,
    page_size: usize,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.page_size = page_size;
        Ok(())
    })
}

/// Faults to inject from the start: a plan such as `"429:2=0.1@get_session,503=0.05,reset=0.02"`
/// (see the emulator's documentation), drawn from `seed`.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_faults(
    options: *mut rr_emulator_options,
    plan: *const c_char,
    seed: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        let plan = FaultPlan::parse(text(plan, "plan")?)
            .map_err(|why| Error::invalid_input("plan", why))?;
        o.config.faults = plan;
        o.config.seed = seed;
        Ok(())
    })
}

/// Serve https with a certificate of a new private CA (`rr_emulator_get_ca_cert_path()`;
/// `rr_emulator_client_options()` trusts it).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_tls(
    options: *mut rr_emulator_options,
    tls: bool,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.tls = tls.then(TlsConfig::default);
        Ok(())
    })
}

/// The region in session host names (default `"local"`).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_region(
    options: *mut rr_emulator_options,
    region: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.region = text(region, "region")?.to_owned();
        Ok(())
    })
}

/// The lifetime of the STS's access tokens, in milliseconds of real time (default 24 hours).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_token_lifetime_ms(
    options: *mut rr_emulator_options,
    token_lifetime_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.token_lifetime = Duration::from_millis(token_lifetime_ms);
        Ok(())
    })
}

/// A storage account linked to the ARR account: conversions may use its containers without
/// SAS (`"*"` links every account).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_add_linked_storage(
    options: *mut rr_emulator_options,
    storage_account: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        let name = text(storage_account, "storage_account")?.to_owned();
        o.config.linked_storage.push(name);
        Ok(())
    })
}

/// Conversions read their input and write their outputs on real blob storage (Azure, or
/// Azurite) through the Blob REST API, with the settings' SAS or a key given with
/// `rr_emulator_options_add_storage_account_key()` (default false: nothing is read).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_set_blob_storage(
    options: *mut rr_emulator_options,
    blob_storage: bool,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.config.blob_storage = blob_storage;
        Ok(())
    })
}

/// The key (a secret, copied) of a storage account linked to the ARR account: with blob
/// storage on, a conversion without a SAS reaches that account's containers with it. The
/// emulator checks the name and key when it starts.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_add_storage_account_key(
    options: *mut rr_emulator_options,
    account_name: *const c_char,
    account_key: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        let name = text(account_name, "account_name")?.to_owned();
        let key = SecretString::new(text(account_key, "account_key")?);
        o.config.storage_account_keys.push((name, key));
        Ok(())
    })
}

/// An Entra token the STS accepts in place of the development account's key.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_options_add_entra_token(
    options: *mut rr_emulator_options,
    token: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.entra_tokens.push(text(token, "token")?.to_owned());
        Ok(())
    })
}

// ---- rr_emulator ----

/// Starts an emulator (`options` borrowed; NULL: the defaults) and returns once it listens.
/// Stop it with `rr_emulator_stop()`, free it with `rr_emulator_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_start(
    options: *const rr_emulator_options,
    out: *mut *mut rr_emulator,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let o = options.as_ref().cloned().unwrap_or_default();
        let mut config = o.config;
        if !o.entra_tokens.is_empty() {
            let mut dev = Account::dev();
            dev.entra_tokens = o.entra_tokens.into_iter().map(SecretString::new).collect();
            config.accounts = vec![dev];
        }
        let emu = Emulator::start_blocking(config).map_err(|e| {
            let kind = match e {
                remote_rendering_emulator::EmulatorError::Config(_) => ErrorKind::InvalidInput,
                _ => ErrorKind::Transport,
            };
            Error::new(kind, format!("the emulator did not start: {e}"))
        })?;
        let ca_cert_pem = match emu.ca_cert_path() {
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
                Error::new(
                    ErrorKind::Transport,
                    format!("cannot read the emulator's CA certificate: {e}"),
                )
            })?),
            None => None,
        };
        *out = boxed(rr_emulator {
            endpoint: cstring(emu.endpoint()),
            sts_endpoint: cstring(emu.sts_endpoint()),
            account_id: cstring(emu.account_id()),
            account_key: cstring(emu.account_key()),
            account_domain: cstring(emu.account_domain()),
            ca_cert_path: emu
                .ca_cert_path()
                .map(|p| cstring(&p.display().to_string())),
            ca_cert_pem,
            running: Mutex::new(Some(emu)),
        });
        Ok(())
    })
}

/// Stops the emulator: no new connections, open ones finish. Blocks until it is down.
/// Idempotent; the getters still work, admin calls then fail.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_stop(
    emulator: *const rr_emulator,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let e = arg(emulator, "emulator")?;
        let running = e.running.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(emu) = running {
            emu.shutdown_blocking();
        }
        Ok(())
    })
}

/// Stops (if running) and frees an emulator. NULL does nothing.
///
/// `emulator` is NULL or an emulator owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_free(emulator: *mut rr_emulator) {
    free(emulator)
}

/// The ARR endpoint, e.g. `"http://127.0.0.1:40123"`, borrowed from the emulator.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_endpoint(
    emulator: *const rr_emulator,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(emulator, "emulator", out, err, |e| e.endpoint.as_ptr())
}

/// The STS endpoint (the same server), borrowed from the emulator.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_sts_endpoint(
    emulator: *const rr_emulator,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(emulator, "emulator", out, err, |e| e.sts_endpoint.as_ptr())
}

/// The account id, borrowed from the emulator.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_account_id(
    emulator: *const rr_emulator,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(emulator, "emulator", out, err, |e| e.account_id.as_ptr())
}

/// The account's key (the public development key), borrowed from the emulator.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_account_key(
    emulator: *const rr_emulator,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(emulator, "emulator", out, err, |e| e.account_key.as_ptr())
}

/// `host:port` of the emulator, borrowed from the emulator (clients use the STS endpoint, not
/// `https://sts.{domain}`).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_account_domain(
    emulator: *const rr_emulator,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(emulator, "emulator", out, err, |e| {
        e.account_domain.as_ptr()
    })
}

/// The PEM file of the CA to trust over https, borrowed from the emulator; NULL over http.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_ca_cert_path(
    emulator: *const rr_emulator,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(emulator, "emulator", out, err, |e| opt_ptr(&e.ca_cert_path))
}

/// Client options for this emulator: its endpoints, account, key and CA. Add your own settings,
/// then `rr_client_new()`. Free with `rr_client_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_client_options(
    emulator: *const rr_emulator,
    out: *mut *mut rr_client_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let e = arg(emulator, "emulator")?;
        let s = |c: &CString| c.to_string_lossy().into_owned();
        let mut b = ClientBuilder::new()
            .endpoint(s(&e.endpoint))
            .sts_endpoint(s(&e.sts_endpoint))
            .account_id(s(&e.account_id))
            .account_key(s(&e.account_key));
        if let Some(pem) = &e.ca_cert_pem {
            b = b.add_root_certificate_pem(pem.clone().into_bytes());
        }
        *out = boxed(rr_client_options::new(b));
        Ok(())
    })
}

/// Moves emulated time forward: sessions reach Ready, leases run out, conversions end.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_advance_clock_ms(
    emulator: *const rr_emulator,
    by_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        arg(emulator, "emulator")?.with(|e| e.advance_clock(Duration::from_millis(by_ms)))
    })
}

/// Replaces the fault plan (as `rr_emulator_options_set_faults()`) and restarts its random
/// sequence from `seed`. `""` injects nothing.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_set_faults(
    emulator: *const rr_emulator,
    plan: *const c_char,
    seed: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let e = arg(emulator, "emulator")?;
        let plan = FaultPlan::parse(text(plan, "plan")?)
            .map_err(|why| Error::invalid_input("plan", why))?;
        e.with(|e| e.set_faults(plan, seed))
    })
}

/// Injects no more faults.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_clear_faults(
    emulator: *const rr_emulator,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        arg(emulator, "emulator")?.with(Emulator::clear_faults)
    })
}

fn service_error(code: Option<&str>, message: Option<&str>) -> Option<ServiceError> {
    code.map(|c| ServiceError::new(c, message.unwrap_or_default()))
}

/// Puts a Starting or Ready session into Error with the service error `code` and `message`
/// (NULL code: a default error). An unknown session is `RR_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_fail_session(
    emulator: *const rr_emulator,
    session_id: *const c_char,
    code: *const c_char,
    message: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let e = arg(emulator, "emulator")?;
        let id = text(session_id, "session_id")?;
        let error = service_error(opt_text(code, "code")?, opt_text(message, "message")?);
        let account = e.account_id.to_string_lossy().into_owned();
        admin(e.with(|emu| emu.fail_session(&account, id, error))?)
    })
}

/// Ends a running conversion as Failed with `code` and `message` (NULL code: a default error).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_fail_conversion(
    emulator: *const rr_emulator,
    conversion_id: *const c_char,
    code: *const c_char,
    message: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let e = arg(emulator, "emulator")?;
        let id = text(conversion_id, "conversion_id")?;
        let error = service_error(opt_text(code, "code")?, opt_text(message, "message")?);
        let account = e.account_id.to_string_lossy().into_owned();
        admin(e.with(|emu| emu.fail_conversion(&account, id, error))?)
    })
}

/// Ends a running conversion as Cancelled (as the service could; the API has no cancel call).
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_cancel_conversion(
    emulator: *const rr_emulator,
    conversion_id: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let e = arg(emulator, "emulator")?;
        let id = text(conversion_id, "conversion_id")?;
        let account = e.account_id.to_string_lossy().into_owned();
        admin(e.with(|emu| emu.cancel_conversion(&account, id))?)
    })
}

/// Makes every access token issued so far invalid (the next call with one gets 401), as a key
/// rotation would.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_revoke_tokens(
    emulator: *const rr_emulator,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let e = arg(emulator, "emulator")?;
        let account = e.account_id.to_string_lossy().into_owned();
        admin(e.with(|emu| emu.revoke_tokens(&account))?)
    })
}

/// How many requests the emulator answered on `route` (`"sts"`, `"create_session"`,
/// `"get_session"`, `"update_session"`, `"stop_session"`, `"list_sessions"`,
/// `"create_conversion"`, `"get_conversion"`, `"list_conversions"`), or on all of them for a
/// NULL route.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_requests(
    emulator: *const rr_emulator,
    route: *const c_char,
    out: *mut u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = self::out(out, "out")?;
        let e = arg(emulator, "emulator")?;
        let route = opt_text(route, "route")?;
        let stats = e.with(Emulator::stats)?;
        *out = match route {
            Some(r) => stats.route(r),
            None => stats.requests,
        };
        Ok(())
    })
}

/// The request counters (by route and status) and injected faults as JSON, owned: free with
/// `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_get_stats_json(
    emulator: *const rr_emulator,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let e = arg(emulator, "emulator")?;
        let stats = e.with(Emulator::stats)?;
        let json = serde_json::to_string(&stats)
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("stats: {e}")))?;
        *out = cstring(&json).into_raw();
        Ok(())
    })
}

/// Sets the request counters back to zero.
#[no_mangle]
pub unsafe extern "C" fn rr_emulator_reset_stats(
    emulator: *const rr_emulator,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        arg(emulator, "emulator")?.with(Emulator::reset_stats)
    })
}
