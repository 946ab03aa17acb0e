//! The Node-API addon over the remote-rendering core. Private: the public API is the small
//! hand-written layer in `node/index.js`, which maps errors to classes, wires `AbortSignal`s to
//! cancel tokens, and adds async iterators and `Symbol.asyncDispose`.
//!
//! Results cross as the service's wire objects; errors cross as JS `Error` objects with the
//! error's data as properties (`errors.rs`), which the JS layer maps to its class by `code`. No
//! panic crosses: every call into the core runs under a guard that turns it into an
//! `INTERNAL_ERROR`.

use futures_util::stream::{BoxStream, StreamExt};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use remote_rendering::{
    Client, Credential, Error as CoreError, ErrorKind, LeaseKeeper, LeaseOptions, ManagedSession,
    RetryPolicy, SecretString, SessionOptions, SessionSize, WaitOptions,
};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

mod errors;
mod model;
mod settle;

use errors::{guard, guard_async, js_error, js_error_object, Failure, Outcome};
use model::JsSession;
use remote_rendering::vocabulary::CamelView;
use settle::{PromiseValue, Settler};

fn invalid(field: &'static str, rule: impl std::fmt::Display) -> CoreError {
    CoreError::invalid_input(field, rule)
}

/// A duration in milliseconds, as Node passes every duration.
fn millis(field: &'static str, v: Option<f64>) -> std::result::Result<Option<Duration>, CoreError> {
    match v {
        None => Ok(None),
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(Duration::from_secs_f64(ms / 1000.0))),
        Some(ms) => Err(invalid(
            field,
            format!("must be a number of milliseconds, 0 or more, got {ms}"),
        )),
    }
}

/// A lease as JS hands it over (a number): a whole number, then the core's one rule.
fn lease(field: &'static str, minutes: f64) -> std::result::Result<u32, CoreError> {
    if minutes.fract() != 0.0 || !minutes.is_finite() {
        return Err(invalid(
            field,
            format!("must be a whole number of minutes, got {minutes}"),
        ));
    }
    remote_rendering::vocabulary::check_lease_minutes(field, minutes as i64)
}

fn wire<T: CamelView>(v: &T) -> Value {
    v.camel_view()
}

/// Runs `fut` unless `cancel` fires first (an aborted `AbortSignal`).
/// A panic while it runs becomes an `INTERNAL_ERROR`.
async fn cancellable<T>(
    cancel: Option<CancellationToken>,
    fut: impl std::future::Future<Output = std::result::Result<T, CoreError>>,
) -> Outcome<T> {
    guard_async(async move {
        match cancel {
            Some(token) => tokio::select! {
                r = fut => r,
                _ = token.cancelled() => Err(CoreError::new(ErrorKind::Cancelled, "the operation was aborted")),
            },
            None => fut.await,
        }
    })
    .await
}

/// A cancellation handle the JS layer fires when an `AbortSignal` aborts.
#[napi]
pub struct CancelToken {
    token: CancellationToken,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> Self {
        CancelToken {
            token: CancellationToken::new(),
        }
    }

    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

fn token(c: Option<&CancelToken>) -> Option<CancellationToken> {
    c.map(|c| c.token.clone())
}

type Progress = ThreadsafeFunction<Value, (), Value, Status, false>;

fn progress<T: CamelView>(cb: Option<Progress>) -> Option<remote_rendering::ProgressFn<T>> {
    let cb = Arc::new(cb?);
    Some(Box::new(move |r: &T| {
        cb.call(wire(r), ThreadsafeFunctionCallMode::NonBlocking);
    }))
}

fn wait_options<T>(
    poll_interval: Option<f64>,
    timeout: Option<f64>,
    on_progress: Option<remote_rendering::ProgressFn<T>>,
    cancel: Option<CancellationToken>,
) -> std::result::Result<WaitOptions<T>, CoreError> {
    Ok(WaitOptions {
        poll_interval: millis("pollInterval", poll_interval)?,
        timeout: millis("timeout", timeout)?,
        cancel,
        on_progress,
    })
}

/// Options of the client, as the JS layer passes them.
#[napi(object)]
pub struct NativeClientOptions {
    pub account_id: String,
    pub account_domain: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub sts_endpoint: Option<String>,
    pub account_key: Option<String>,
    pub access_token: Option<String>,
    pub poll_interval: Option<f64>,
    pub request_timeout: Option<f64>,
    pub max_attempts: Option<u32>,
    pub max_concurrent_requests: Option<f64>,
    pub ca_cert_pem: Option<String>,
}

/// An Entra token provider: an async JS function returning the token.
struct JsTokenProvider(Arc<ThreadsafeFunction<(), Promise<String>, (), Status, false, true>>);

impl remote_rendering::TokenProvider for JsTokenProvider {
    fn entra_token(
        &self,
    ) -> remote_rendering::BoxFuture<'_, remote_rendering::Result<SecretString>> {
        let f = self.0.clone();
        Box::pin(async move {
            let failed = |e: napi::Error| {
                CoreError::new(
                    ErrorKind::Unauthorized,
                    format!("the token provider failed: {}", e.reason),
                )
            };
            let promise = f.call_async(()).await.map_err(failed)?;
            let token = promise.await.map_err(failed)?;
            Ok(SecretString::new(token))
        })
    }
}

#[napi]
pub struct NativeClient {
    client: Client,
    settler: Settler,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(
        env: Env,
        options: NativeClientOptions,
        token_provider: Option<ThreadsafeFunction<(), Promise<String>, (), Status, false, true>>,
    ) -> Result<Self> {
        let build = || -> std::result::Result<Client, CoreError> {
            let credential = match (options.account_key, options.access_token, token_provider) {
                (Some(k), None, None) => Credential::account_key(k),
                (None, Some(t), None) => Credential::access_token(t),
                (None, None, Some(p)) => Credential::entra(JsTokenProvider(Arc::new(p))),
                (None, None, None) => return Err(invalid("credential", "is required: { accountKey }, { accessToken } or an async function returning an Entra token")),
                _ => return Err(invalid("credential", "give exactly one of accountKey, accessToken or a token function")),
            };
            let mut b = Client::builder()
                .account_id(options.account_id)
                .credential(credential);
            if let Some(v) = options.endpoint {
                b = b.endpoint(v);
            }
            if let Some(v) = options.region {
                b = b.region(v);
            }
            if let Some(v) = options.account_domain {
                b = b.account_domain(v);
            }
            if let Some(v) = options.sts_endpoint {
                b = b.sts_endpoint(v);
            }
            if let Some(v) = millis("pollInterval", options.poll_interval)? {
                b = b.poll_interval(v);
            }
            if let Some(v) = millis("requestTimeout", options.request_timeout)? {
                b = b.request_timeout(v);
            }
            if let Some(n) = options.max_attempts {
                b = b.retry_policy(RetryPolicy {
                    max_attempts: n,
                    ..RetryPolicy::default()
                });
            }
            if let Some(v) = options.max_concurrent_requests {
                const FIELD: &str = "maxConcurrentRequests";
                if !(v.is_finite() && v.fract() == 0.0) {
                    return Err(CoreError::invalid_input(
                        FIELD,
                        format!("must be a whole number, got {v}"),
                    ));
                }
                let n =
                    remote_rendering::vocabulary::check_max_concurrent_requests(FIELD, v as i64)?;
                b = b.max_concurrent_requests(n as u64);
            }
            if let Some(pem) = options.ca_cert_pem {
                b = b.add_root_certificate_pem(pem.into_bytes());
            }
            b.user_agent_suffix("node").build()
        };
        match guard(build) {
            Outcome::Ok(client) => Ok(NativeClient {
                client,
                settler: Settler::new(env.raw())?,
            }),
            Outcome::Err(e) => Err(js_error(env.raw(), &e)),
        }
    }

    #[napi(getter)]
    pub fn endpoint(&self) -> String {
        self.client.config().endpoint().to_owned()
    }

    #[napi(getter)]
    pub fn account_id(&self) -> String {
        self.client.config().account_id().to_owned()
    }

    // The session calls settle through the client's threadsafe function (`settle.rs`) with the
    // session as its final frozen model (`model.rs`).
    // The core's future is boxed where it is made: it is large, and each wrapper that moves it
    // on the way to the runtime (`cancellable`, the panic guard, the spawned task) copied it whole.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn start_session(
        &self,
        env: Env,
        id: String,
        size: String,
        lease_minutes: f64,
        cancel: Option<&CancelToken>,
    ) -> Result<PromiseValue> {
        let c = self.client.clone();
        let call = cancellable(token(cancel), async move {
            let minutes = lease("leaseMinutes", lease_minutes)?;
            Ok(JsSession(
                Box::pin(c.start_session(&id, SessionSize::parse(&size), minutes))
                    .await?
                    .into_inner(),
            ))
        });
        self.settler.start(env.raw(), call)
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub fn get_session(
        &self,
        env: Env,
        id: String,
        cancel: Option<&CancelToken>,
    ) -> Result<PromiseValue> {
        let c = self.client.clone();
        let call = cancellable(token(cancel), async move {
            Ok(JsSession(Box::pin(c.get_session(&id)).await?.into_inner()))
        });
        self.settler.start(env.raw(), call)
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub fn update_session(
        &self,
        env: Env,
        id: String,
        lease_minutes: f64,
        cancel: Option<&CancelToken>,
    ) -> Result<PromiseValue> {
        let c = self.client.clone();
        let call = cancellable(token(cancel), async move {
            let minutes = lease("leaseMinutes", lease_minutes)?;
            Ok(JsSession(
                Box::pin(c.update_session(&id, minutes)).await?.into_inner(),
            ))
        });
        self.settler.start(env.raw(), call)
    }

    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop_session(
        &self,
        env: Env,
        id: String,
        cancel: Option<&CancelToken>,
    ) -> Result<PromiseValue> {
        let c = self.client.clone();
        let call = cancellable(token(cancel), async move {
            Box::pin(c.stop_session(&id)).await.map(drop)
        });
        self.settler.start(env.raw(), call)
    }

    #[napi(ts_return_type = "NativeStream")]
    pub fn list_sessions(&self) -> Outcome<NativeStream> {
        guard(|| {
            Ok(NativeStream::new(
                self.client
                    .list_sessions()
                    .map(|r| r.map(|s| wire(&s)))
                    .boxed(),
            ))
        })
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub async fn start_conversion(
        &self,
        id: String,
        settings: Value,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Value> {
        let c = self.client.clone();
        cancellable(token(cancel), async move {
            let settings = storage::settings(settings)?;
            Ok(wire(&*c.start_conversion(&id, settings).await?))
        })
        .await
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub async fn get_conversion(&self, id: String, cancel: Option<&CancelToken>) -> Outcome<Value> {
        let c = self.client.clone();
        cancellable(token(cancel), async move {
            Ok(wire(&*c.get_conversion(&id).await?))
        })
        .await
    }

    #[napi(ts_return_type = "NativeStream")]
    pub fn list_conversions(&self) -> Outcome<NativeStream> {
        guard(|| {
            Ok(NativeStream::new(
                self.client
                    .list_conversions()
                    .map(|r| r.map(|c| wire(&c)))
                    .boxed(),
            ))
        })
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub async fn wait_for_session(
        &self,
        id: String,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<ThreadsafeFunction<Value, (), Value, Status, false>>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Value> {
        let c = self.client.clone();
        let cancel = token(cancel);
        cancellable(None, async move {
            let options = wait_options(poll_interval, timeout, progress(on_progress), cancel)?;
            Ok(wire(&c.wait_for_session(&id, options).await?))
        })
        .await
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub async fn wait_for_conversion(
        &self,
        id: String,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<ThreadsafeFunction<Value, (), Value, Status, false>>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Value> {
        let c = self.client.clone();
        let cancel = token(cancel);
        cancellable(None, async move {
            let options = wait_options(poll_interval, timeout, progress(on_progress), cancel)?;
            Ok(wire(&c.wait_for_conversion(&id, options).await?))
        })
        .await
    }

    /// `waitForConversion`, and when the conversion failed, its result file and log read back
    /// from `output` into the error's `conversionReport`.
    #[napi(ts_return_type = "Promise<any>")]
    pub async fn wait_for_conversion_with_report(
        &self,
        id: String,
        output: &storage::NativeBlobContainer,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<ThreadsafeFunction<Value, (), Value, Status, false>>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Value> {
        let c = self.client.clone();
        let output = output.container.clone();
        let cancel = token(cancel);
        cancellable(None, async move {
            let options = wait_options(poll_interval, timeout, progress(on_progress), cancel)?;
            Ok(wire(
                &c.wait_for_conversion_with_report(&id, options, &output)
                    .await?,
            ))
        })
        .await
    }

    /// A conversion id from the hash of a local input and the settings; nothing is sent.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn content_conversion_id(
        &self,
        path: String,
        settings: Value,
        cancel: Option<&CancelToken>,
    ) -> Outcome<String> {
        cancellable(token(cancel), async move {
            let settings = storage::settings(settings)?;
            remote_rendering::storage::content_conversion_id(std::path::Path::new(&path), &settings)
                .await
        })
        .await
    }

    /// One entry per id: `{ ok: true, value }` or `{ ok: false, error }` (an `Error` object).
    #[napi(ts_return_type = "Promise<Array<{ ok: boolean, value?: any, error?: Error }>>")]
    pub async fn wait_for_sessions(
        &self,
        ids: Vec<String>,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<ThreadsafeFunction<Value, (), Value, Status, false>>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Entries> {
        let c = self.client.clone();
        let cancel = token(cancel);
        cancellable(None, async move {
            let options = wait_options(poll_interval, timeout, progress(on_progress), cancel)?;
            let results = c.wait_for_sessions(&ids, options).await?;
            Ok(Entries(
                results
                    .into_iter()
                    .map(|r| r.map(|s| wire(&s)).map_err(Failure::from))
                    .collect(),
            ))
        })
        .await
    }

    #[napi(ts_return_type = "Promise<NativeManagedSession>")]
    #[allow(clippy::too_many_arguments)]
    pub async fn open_session(
        &self,
        id: Option<String>,
        size: String,
        lease_minutes: f64,
        keep_alive: Option<NativeLeaseOptions>,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<ThreadsafeFunction<Value, (), Value, Status, false>>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<NativeManagedSession> {
        let c = self.client.clone();
        let cancel = token(cancel);
        cancellable(None, async move {
            let options = SessionOptions {
                id,
                size: SessionSize::parse(&size),
                lease_minutes: lease("leaseMinutes", lease_minutes)?,
                keep_alive: keep_alive.map(lease_options).transpose()?,
                wait: wait_options(poll_interval, timeout, progress(on_progress), cancel)?,
            };
            let managed = c.open_session(options).await?;
            Ok(NativeManagedSession {
                session: wire(managed.session()),
                inner: Arc::new(tokio::sync::Mutex::new(Some(managed))),
            })
        })
        .await
    }

    #[napi(ts_return_type = "NativeLeaseKeeper")]
    pub fn keep_alive(
        &self,
        id: String,
        options: NativeLeaseOptions,
    ) -> Outcome<NativeLeaseKeeper> {
        guard(|| {
            let options = lease_options(options)?;
            let keeper = napi::bindgen_prelude::within_runtime_if_available(|| {
                self.client.keep_alive(&id, options)
            })?;
            Ok(NativeLeaseKeeper {
                inner: Arc::new(tokio::sync::Mutex::new(Some(keeper))),
            })
        })
    }
}

#[napi(object)]
pub struct NativeLeaseOptions {
    pub step_minutes: Option<f64>,
    pub margin_minutes: Option<f64>,
    pub max_total_minutes: Option<f64>,
    pub check_interval: Option<f64>,
    pub stop_on_drop: Option<bool>,
    /// The most the session may cost, in the currency of `costRates` (the core's budget guard).
    pub budget: Option<f64>,
    pub cost_rates: Option<NativeCostRates>,
}

/// What an hour of a session costs, per size (the core's `CostRates`).
#[napi(object)]
pub struct NativeCostRates {
    pub standard_per_hour: Option<f64>,
    pub premium_per_hour: Option<f64>,
}

fn lease_options(o: NativeLeaseOptions) -> std::result::Result<LeaseOptions, CoreError> {
    let mut out = LeaseOptions::default();
    if let Some(v) = o.step_minutes {
        out.step_minutes = lease("keepAlive.stepMinutes", v)?;
    }
    if let Some(v) = o.margin_minutes {
        out.margin_minutes = lease("keepAlive.marginMinutes", v)?;
    }
    if let Some(v) = o.max_total_minutes {
        out.max_total_minutes = lease("keepAlive.maxTotalMinutes", v)?;
    }
    if let Some(d) = millis("keepAlive.checkInterval", o.check_interval)? {
        out.check_interval = d;
    }
    if let Some(b) = o.stop_on_drop {
        out.stop_on_drop = b;
    }
    // Checked by the core, with its field names (`lease.budget`, `lease.cost_rates…`).
    out.budget = o.budget;
    out.cost_rates = o.cost_rates.map(|r| remote_rendering::CostRates {
        standard_per_hour: r.standard_per_hour,
        premium_per_hour: r.premium_per_hour,
    });
    Ok(out)
}

/// Items of a list, read page by page.
#[napi]
pub struct NativeStream {
    stream: Arc<tokio::sync::Mutex<BoxStream<'static, remote_rendering::Result<Value>>>>,
}

impl NativeStream {
    fn new(stream: BoxStream<'static, remote_rendering::Result<Value>>) -> Self {
        NativeStream {
            stream: Arc::new(tokio::sync::Mutex::new(stream)),
        }
    }
}

#[napi]
impl NativeStream {
    /// The next item, or `null` at the end.
    #[napi(ts_return_type = "Promise<any | null>")]
    pub async fn next(&self, cancel: Option<&CancelToken>) -> Outcome<Option<Value>> {
        let stream = self.stream.clone();
        cancellable(token(cancel), async move {
            stream.lock().await.next().await.transpose()
        })
        .await
    }
}

#[napi]
pub struct NativeManagedSession {
    session: Value,
    inner: Arc<tokio::sync::Mutex<Option<ManagedSession>>>,
}

#[napi]
impl NativeManagedSession {
    #[napi(getter)]
    pub fn session(&self) -> Value {
        self.session.clone()
    }

    #[napi]
    pub fn extensions(&self) -> u32 {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| {
                g.as_ref()
                    .and_then(|m| m.keeper().map(LeaseKeeper::extensions))
            })
            .unwrap_or(0)
    }

    /// Stops the session (once).
    #[napi(ts_return_type = "Promise<void>")]
    pub async fn close(&self) -> Outcome<()> {
        let inner = self.inner.clone();
        guard_async(async move {
            match inner.lock().await.take() {
                Some(m) => m.close().await,
                None => Ok(()),
            }
        })
        .await
    }
}

#[napi]
pub struct NativeLeaseKeeper {
    inner: Arc<tokio::sync::Mutex<Option<LeaseKeeper>>>,
}

#[napi]
impl NativeLeaseKeeper {
    #[napi]
    pub fn extensions(&self) -> u32 {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(LeaseKeeper::extensions))
            .unwrap_or(0)
    }

    #[napi]
    pub fn is_finished(&self) -> bool {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(LeaseKeeper::is_finished))
            .unwrap_or(true)
    }

    /// Whether the keeper stopped the session because the next extension would pass the budget.
    #[napi]
    pub fn stopped_by_budget(&self) -> bool {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(LeaseKeeper::stopped_by_budget))
            .unwrap_or(false)
    }

    #[napi]
    pub fn latest(&self) -> Option<Value> {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().and_then(LeaseKeeper::latest))
            .map(|s| wire(&s))
    }

    #[napi(ts_return_type = "Promise<void>")]
    pub async fn close(&self) -> Outcome<()> {
        let inner = self.inner.clone();
        guard_async(async move {
            match inner.lock().await.take() {
                Some(k) => k.close().await,
                None => Ok(()),
            }
        })
        .await
    }

    #[napi(ts_return_type = "Promise<void>")]
    pub async fn detach(&self) -> Outcome<()> {
        let inner = self.inner.clone();
        guard_async(async move {
            if let Some(k) = inner.lock().await.take() {
                k.detach().await;
            }
            Ok(())
        })
        .await
    }
}

/// The entries of a batch wait: each one the session or its error (built on the JS thread).
pub struct Entries(Vec<std::result::Result<Value, Failure>>);

impl ToNapiValue for Entries {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        let e = Env::from_raw(env);
        let mut out = Vec::with_capacity(val.0.len());
        for r in val.0 {
            let mut entry = Object::new(&e)?;
            match r {
                Ok(v) => {
                    entry.set("ok", true)?;
                    entry.set("value", v)?;
                }
                Err(f) => {
                    entry.set("ok", false)?;
                    let error = js_error_object(env, &f)?;
                    // SAFETY: a value just created in this env, on its thread.
                    entry.set("error", unsafe { Unknown::from_raw_unchecked(env, error) })?;
                }
            }
            out.push(entry);
        }
        unsafe { Vec::to_napi_value(env, out) }
    }
}

impl TypeName for Entries {
    fn type_name() -> &'static str {
        "Array"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

/// The core's table of the public surface (codes, classes, operations, defaults, fields), as JSON.
#[napi(js_name = "vocabularyJson")]
pub fn vocabulary_json() -> &'static str {
    remote_rendering::vocabulary::json()
}

/// Panics inside a call, blocking: proves a panic arrives in JS as an `InternalError`.
#[doc(hidden)]
#[napi(js_name = "_panicForTest", ts_return_type = "void")]
pub fn panic_for_test() -> Outcome<()> {
    guard(|| remote_rendering::testing::panic_now("a panic for the test of the boundary"))
}

/// Panics while a call's future is polled: proves an async panic rejects with an `InternalError`.
#[doc(hidden)]
#[napi(js_name = "_panicForTestAsync", ts_return_type = "Promise<void>")]
pub async fn panic_for_test_async() -> Outcome<()> {
    guard_async(async {
        remote_rendering::testing::panic_later(
            "a panic for the test of the boundary (async)".into(),
        )
        .await;
        Ok(())
    })
    .await
}

mod emulator;
pub use emulator::NativeEmulator;
mod storage;
pub use storage::{
    start_azurite_for_test, NativeAzurite, NativeBlobContainer, NativeStorageAccount,
};
pub mod log;
