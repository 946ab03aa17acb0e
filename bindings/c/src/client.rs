//! `rr_client_options`, `rr_client` (with its token provider) and new ids. The operations are
//! in the modules of their resources (`sessions`, `conversions`, `lease`, `managed`), each
//! with its blocking and its `_async` form side by side.
//!
//! A client owns its runtime (worker threads, 2 by default) and is safe to share: every call
//! takes it as `const rr_client *`, from any number of threads at once. Blocking calls run the
//! operation on the calling thread and return within `timeout_ms` (0: the operation's own
//! limits, which always end it: the request timeout and retry budget, or a wait's deadline).

use crate::args::{arg, out_ptr, text, UserData};
use crate::boundary::{ffi_call, get_str, get_value, set};
use crate::call::{Call, Reply};
use crate::cstr::cstring;
use crate::error::{rr_error, Failure, Outcome};
use crate::handle::{boxed, free};
use crate::runtime::Runtime;
use crate::status::rr_status;
use remote_rendering::{
    BoxFuture, Client, ClientBuilder, Credential, Error, ErrorKind, RetryPolicy, SecretString,
    TokenProvider,
};
use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;
use std::time::Duration;

/// The default number of worker threads of a client's runtime.
const DEFAULT_WORKER_THREADS: usize = 2;

/// Settings of a client, checked by `rr_client_new()` (which names the first one at fault).
/// Not thread-safe: fill it on one thread.
#[derive(Clone)]
pub struct rr_client_options {
    builder: ClientBuilder,
    retry: Option<RetryPolicy>,
    user_agent_suffix: Option<String>,
    worker_threads: usize,
}

impl rr_client_options {
    pub(crate) fn new(builder: ClientBuilder) -> rr_client_options {
        rr_client_options {
            builder,
            retry: None,
            user_agent_suffix: None,
            worker_threads: DEFAULT_WORKER_THREADS,
        }
    }

    fn edit(&mut self, f: impl FnOnce(ClientBuilder) -> ClientBuilder) {
        self.builder = f(std::mem::take(&mut self.builder));
    }
}

/// A client of one account: one runtime, one connection pool, one token cache. Thread-safe:
/// share one `const rr_client *` between threads.
pub struct rr_client {
    // Dropped before the runtime its connections run on.
    core: Client,
    rt: Arc<Runtime>,
    endpoint: CString,
    sts_endpoint: CString,
    account_id: CString,
}

impl rr_client {
    pub(crate) fn core(&self) -> &Client {
        &self.core
    }

    pub(crate) fn runtime(&self) -> Arc<Runtime> {
        self.rt.clone()
    }

    /// Runs `call` on the calling thread: `timeout_ms` bounds a plain operation (0: its own
    /// limits); a wait has its own deadline.
    pub(crate) fn run(&self, call: Call, timeout_ms: u64) -> Result<Reply, Error> {
        let what = call.what();
        self.rt
            .block(0, what, call.run(Some(self.core.clone()), timeout_ms))
    }
}

// ---- the Entra token provider ----

/// Receives the token a provider callback gives (or the reason it cannot).
#[derive(Default)]
pub struct rr_token_sink {
    token: Option<String>,
    error: Option<String>,
}

/// Asked for a Microsoft Entra token (scope `https://sts.{account_domain}/.default`) whenever
/// the client needs a new access token; answers with `rr_token_sink_set_token()` or
/// `rr_token_sink_set_error()` before returning. Runs on a runtime thread, at most once per
/// refresh however many calls wait. `sink` is valid only during the call. It must not throw.
pub type rr_token_provider_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, sink: *mut rr_token_sink)>;

struct CTokenProvider {
    f: unsafe extern "C" fn(*mut c_void, *mut rr_token_sink),
    user_data: UserData,
}

impl TokenProvider for CTokenProvider {
    fn entra_token(&self) -> BoxFuture<'_, remote_rendering::Result<SecretString>> {
        let (f, user_data) = (self.f, self.user_data);
        Box::pin(async move {
            let asked = tokio::task::spawn_blocking(move || {
                let mut sink = rr_token_sink::default();
                unsafe { f(user_data.ptr(), &mut sink) };
                sink
            })
            .await;
            let refused = |why: String| {
                Error::new(
                    ErrorKind::Unauthorized,
                    format!("the token provider failed: {why}"),
                )
            };
            match asked {
                Ok(rr_token_sink {
                    token: Some(t),
                    error: None,
                }) => Ok(SecretString::new(t)),
                Ok(rr_token_sink { error: Some(e), .. }) => Err(refused(e)),
                Ok(_) => Err(refused("it gave no token".to_owned())),
                Err(e) => Err(refused(e.to_string())),
            }
        })
    }
}

/// Answers a token request with `token` (copied).
#[no_mangle]
pub unsafe extern "C" fn rr_token_sink_set_token(
    sink: *mut rr_token_sink,
    token: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(sink, "sink", err, |s| -> Outcome {
        s.token = Some(text(token, "token")?.to_owned());
        Ok(())
    })
}

/// Answers a token request with a failure: the call that needed the token fails with
/// `RR_STATUS_UNAUTHORIZED` and this message.
#[no_mangle]
pub unsafe extern "C" fn rr_token_sink_set_error(
    sink: *mut rr_token_sink,
    message: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(sink, "sink", err, |s| -> Outcome {
        s.error = Some(text(message, "message")?.to_owned());
        Ok(())
    })
}

// ---- rr_client_options ----

/// Empty client options. Free with `rr_client_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_new(
    out: *mut *mut rr_client_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_client_options::new(ClientBuilder::new()));
        Ok(())
    })
}

/// Client options from the environment: `ARR_ACCOUNT_ID`, `ARR_ACCOUNT_KEY`,
/// `ARR_ACCOUNT_DOMAIN`, `ARR_STS_ENDPOINT`, and `ARR_ENDPOINT` or `ARR_REGION` (unset ones are
/// left unset). Free with `rr_client_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_from_env(
    out: *mut *mut rr_client_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_client_options::new(ClientBuilder::from_env()));
        Ok(())
    })
}

/// Frees client options. NULL does nothing.
///
/// `options` is NULL or options owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_free(options: *mut rr_client_options) {
    free(options)
}

unsafe fn set_text(
    options: *mut rr_client_options,
    value: *const c_char,
    name: &'static str,
    err: *mut *mut rr_error,
    f: impl FnOnce(ClientBuilder, String) -> ClientBuilder,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        let v = text(value, name)?.to_owned();
        o.edit(|b| f(b, v));
        Ok(())
    })
}

/// The service endpoint, e.g. `"https://remoterendering.eastus.mixedreality.azure.com"`
/// (give this or a region).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_endpoint(
    options: *mut rr_client_options,
    endpoint: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(options, endpoint, "endpoint", err, ClientBuilder::endpoint)
}

/// The rendering region, e.g. `"eastus"` (the endpoint is derived from it).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_region(
    options: *mut rr_client_options,
    region: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(options, region, "region", err, ClientBuilder::region)
}

/// The account id (a UUID).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_account_id(
    options: *mut rr_client_options,
    account_id: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(
        options,
        account_id,
        "account_id",
        err,
        ClientBuilder::account_id,
    )
}

/// The account's domain, e.g. `"eastus.mixedreality.azure.com"` (the STS is
/// `https://sts.{account_domain}`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_account_domain(
    options: *mut rr_client_options,
    account_domain: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(
        options,
        account_domain,
        "account_domain",
        err,
        ClientBuilder::account_domain,
    )
}

/// The STS endpoint, instead of the one derived from the account domain.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_sts_endpoint(
    options: *mut rr_client_options,
    sts_endpoint: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(
        options,
        sts_endpoint,
        "sts_endpoint",
        err,
        ClientBuilder::sts_endpoint,
    )
}

/// Authenticate with the account key (copied; never in an error message).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_account_key(
    options: *mut rr_client_options,
    account_key: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(options, account_key, "account_key", err, |b, k| {
        b.credential(Credential::account_key(k))
    })
}

/// Authenticate with a ready Mixed Reality access token (copied; used as is, never refreshed).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_access_token(
    options: *mut rr_client_options,
    access_token: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(options, access_token, "access_token", err, |b, t| {
        b.credential(Credential::access_token(t))
    })
}

/// Authenticate with Microsoft Entra tokens from `provider`, each exchanged at the STS.
/// `user_data` is passed to it and must stay valid until the client and every handle made
/// from it are freed.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_entra_token_provider(
    options: *mut rr_client_options,
    provider: rr_token_provider_fn,
    user_data: *mut c_void,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        let f = provider.ok_or(Failure::Null("provider"))?;
        o.edit(|b| {
            b.credential(Credential::entra(CTokenProvider {
                f,
                user_data: UserData(user_data),
            }))
        });
        Ok(())
    })
}

/// The default poll interval of waits, in milliseconds (default 5000).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_poll_interval_ms(
    options: *mut rr_client_options,
    poll_interval_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.edit(|b| b.poll_interval(Duration::from_millis(poll_interval_ms)));
        Ok(())
    })
}

/// The time limit of one HTTP request, in milliseconds (default 30000).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_request_timeout_ms(
    options: *mut rr_client_options,
    request_timeout_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.edit(|b| b.request_timeout(Duration::from_millis(request_timeout_ms)));
        Ok(())
    })
}

/// How many requests of the client are on the wire at once, 1 to 4096 (default
/// `RR_DEFAULT_MAX_CONCURRENT_REQUESTS`, 64); more wait for their turn. It bounds the
/// connections thousands of concurrent calls open. Checked by `rr_client_new()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_max_concurrent_requests(
    options: *mut rr_client_options,
    max_concurrent_requests: u32,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.edit(|b| b.max_concurrent_requests(u64::from(max_concurrent_requests)));
        Ok(())
    })
}

/// How requests are retried (defaults: 5 attempts, backoff from 500 ms, at most 30000 ms
/// apart, at most 120000 ms in all; `RR_DEFAULT_RETRY_*`). `max_attempts` 1 disables retries.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_retry(
    options: *mut rr_client_options,
    max_attempts: u32,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
    max_elapsed_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.retry = Some(RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(initial_backoff_ms),
            max_backoff: Duration::from_millis(max_backoff_ms),
            max_elapsed: Duration::from_millis(max_elapsed_ms),
        });
        Ok(())
    })
}

/// Appended to the `User-Agent` (after `c`), e.g. `"my-engine/2.1"`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_user_agent_suffix(
    options: *mut rr_client_options,
    suffix: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.user_agent_suffix = Some(text(suffix, "suffix")?.to_owned());
        Ok(())
    })
}

/// Trusts this PEM certificate (a private CA, the emulator's) besides the built-in roots.
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_add_root_certificate_pem(
    options: *mut rr_client_options,
    pem: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set_text(options, pem, "pem", err, |b, p| {
        b.add_root_certificate_pem(p.into_bytes())
    })
}

/// Worker threads of the client's runtime (0: the default, 2).
#[no_mangle]
pub unsafe extern "C" fn rr_client_options_set_worker_threads(
    options: *mut rr_client_options,
    worker_threads: usize,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.worker_threads = if worker_threads == 0 {
            DEFAULT_WORKER_THREADS
        } else {
            worker_threads
        };
        Ok(())
    })
}

// ---- rr_client ----

/// A new client (`options` borrowed for the call). Checks every setting and names the first
/// one at fault (`RR_STATUS_INVALID_INPUT`, `rr_error_field()`); sends nothing. Free with
/// `rr_client_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_new(
    options: *const rr_client_options,
    out: *mut *mut rr_client,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let o = arg(options, "options")?;
        let mut b = o.builder.clone();
        if let Some(r) = &o.retry {
            b = b.retry_policy(r.clone());
        }
        let suffix = match o.user_agent_suffix.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => format!("c {s}"),
            _ => "c".to_owned(),
        };
        let config = b.user_agent_suffix(suffix).build_config()?;
        let rt = Runtime::new(o.worker_threads)?;
        let core = Client::from_config(config)?;
        let c = core.config();
        *out = boxed(rr_client {
            endpoint: cstring(c.endpoint()),
            sts_endpoint: cstring(c.sts_endpoint()),
            account_id: cstring(c.account_id()),
            core,
            rt,
        });
        Ok(())
    })
}

/// Frees a client. Handles made from it (lists, keepers, operations, managed sessions) stay
/// usable; the runtime ends with the last of them. NULL does nothing.
///
/// `client` is NULL or a client owned by the caller, not used again (by any thread).
#[no_mangle]
pub unsafe extern "C" fn rr_client_free(client: *mut rr_client) {
    free(client)
}

/// The service endpoint, borrowed from the client.
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_endpoint(
    client: *const rr_client,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(client, "client", out, err, |c| c.endpoint.as_ptr())
}

/// The STS endpoint, borrowed from the client.
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_sts_endpoint(
    client: *const rr_client,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(client, "client", out, err, |c| c.sts_endpoint.as_ptr())
}

/// The account id (lower case), borrowed from the client.
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_account_id(
    client: *const rr_client,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(client, "client", out, err, |c| c.account_id.as_ptr())
}

/// The default poll interval of the client's waits, in milliseconds.
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_poll_interval_ms(
    client: *const rr_client,
    out: *mut u64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(client, "client", out, err, |c| {
        u64::try_from(c.core.config().poll_interval().as_millis()).unwrap_or(u64::MAX)
    })
}

// ---- ids and owned strings ----

/// A new session id (`session-` and a random UUID), owned: free with `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_new_session_id(
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = cstring(&remote_rendering::new_session_id()).into_raw();
        Ok(())
    })
}

/// A new conversion id (`conversion-` and a random UUID), owned: free with `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_new_conversion_id(
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = cstring(&remote_rendering::new_conversion_id()).into_raw();
        Ok(())
    })
}

/// Frees a string this library returned as owned (`char *`). NULL does nothing.
///
/// `string` is NULL or an owned string from this library, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_string_free(string: *mut c_char) {
    if !string.is_null() {
        let owned = CString::from_raw(string);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(owned)));
    }
}
