//! The JNI library behind the Java package `com.remoterendering` (the class
//! `com.remoterendering.Native` declares every function exported here).
//!
//! The boundary is kept narrow on purpose: arguments arrive as strings (JSON for structured
//! ones), numbers and opaque handles; every result leaves as one JSON *envelope* string,
//! `{"ok": value}` or `{"error": {code, message, status, msCv, retryAfterMs, field, …}}`, which
//! the Java side turns into a record or into the exception class named by `code`. So no
//! exported function throws, and a panic anywhere (caught here, never unwinding into the JVM)
//! is just another envelope with `INTERNAL_ERROR`.
//!
//! Handles (`long` on the Java side) are `Box::into_raw` of an `Arc` (client) or a holder;
//! the Java side frees each once, from `close()` or its `Cleaner`, after every call that uses
//! it has returned (a read/write lock there).
//!
//! Threads: one tokio runtime per process. Blocking Java calls `block_on` their future on the
//! calling Java thread (already attached); async calls spawn on the runtime, whose threads are
//! attached to the JVM as daemons when they start (so they never keep the JVM from exiting)
//! and detached when they stop. Callbacks into Java (progress, token provider, log bridge,
//! completing a future) go through [`with_java`], which attaches a thread only for the scope
//! of the call if nothing attached it before.

#![allow(non_snake_case)]

use futures_util::future::BoxFuture;
use futures_util::stream::{BoxStream, StreamExt};
use futures_util::FutureExt;
use jni::objects::{JClass, JObject, JString};
use jni::refs::Global;
use jni::sys::jlong;
use jni::{jni_sig, jni_str, Env, EnvUnowned, JValue, JavaVM};
use remote_rendering::vocabulary::{camel_case, check_lease_minutes};
use remote_rendering::{
    CancellationToken, Client, ConversionSettings, CostRates, Credential, Error as CoreError,
    ErrorKind, LeaseKeeper, LeaseOptions, ManagedSession, RetryPolicy, SecretString,
    SessionOptions, SessionSize, WaitOptions,
};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

mod emulator;
mod storage;

use remote_rendering::vocabulary::CamelView;

// ---------------------------------------------------------------------------------------------
// Envelopes and errors

/// Why a call failed: the core's error, or a panic caught at the boundary (a bug).
#[derive(Debug)]
enum Failure {
    Core(Box<CoreError>),
    Internal(String),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(Box::new(e))
    }
}

type Outcome<T> = std::result::Result<T, Failure>;

fn error_json(f: &Failure) -> Value {
    match f {
        Failure::Internal(m) => json!({
            "code": ErrorKind::Internal.code(),
            "message": m,
            "retriable": false,
        }),
        Failure::Core(e) => {
            let mut m = Map::new();
            m.insert("code".into(), json!(e.code()));
            m.insert("message".into(), json!(e.to_string()));
            m.insert("retriable".into(), json!(e.is_retriable()));
            if let Some(v) = e.status() {
                m.insert("status".into(), json!(v));
            }
            if let Some(v) = e.ms_cv() {
                m.insert("msCv".into(), json!(v));
            }
            if let Some(d) = e.retry_after() {
                m.insert("retryAfterMs".into(), json!(d.as_millis() as u64));
            }
            if let Some(f) = e.field() {
                // The core names fields in snake_case (`keep_alive.step_minutes`); Java callers
                // know them by the table's camelCase rule.
                m.insert("field".into(), json!(camel_case(f)));
            }
            if let Some(d) = e.service_error() {
                m.insert("details".into(), d.camel_view());
            }
            if let Some(s) = e.session() {
                m.insert("session".into(), s.camel_view());
            }
            if let Some(c) = e.conversion() {
                m.insert("conversion".into(), c.camel_view());
            }
            if let Some(r) = e.upload_report() {
                m.insert("uploadReport".into(), r.camel_view());
            }
            if let Some(r) = e.conversion_report() {
                m.insert("conversionReport".into(), json!(r));
            }
            Value::Object(m)
        }
    }
}

fn envelope(r: Outcome<Value>) -> String {
    match r {
        Ok(v) => json!({ "ok": v }).to_string(),
        Err(f) => json!({ "error": error_json(&f) }).to_string(),
    }
}

fn panicked(payload: Box<dyn std::any::Any + Send>) -> Failure {
    Failure::Core(Box::new(CoreError::from_panic(&*payload)))
}

/// Runs `f`; a panic in it becomes an `INTERNAL_ERROR` outcome.
fn guard<T>(f: impl FnOnce() -> Outcome<T>) -> Outcome<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panicked(p)))
}

/// Awaits `fut`; a panic while it is polled becomes an `INTERNAL_ERROR` outcome.
async fn guard_async<T>(fut: impl std::future::Future<Output = Outcome<T>>) -> Outcome<T> {
    AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .unwrap_or_else(|p| Err(panicked(p)))
}

fn invalid(field: &'static str, rule: impl std::fmt::Display) -> Failure {
    CoreError::invalid_input(field, rule).into()
}

/// The body of an exported function that returns an envelope: JNI failures and panics included,
/// nothing escapes as a Java exception except when even building the result string failed.
fn exported<'l>(
    env: &mut EnvUnowned<'l>,
    f: impl FnOnce(&mut Env<'l>) -> Outcome<Value>,
) -> JString<'l> {
    env.with_env(|env| -> jni::errors::Result<JString<'l>> {
        let text = envelope(guard(|| f(env)));
        JString::from_str(env, text)
    })
    .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}

fn jstr(env: &Env<'_>, s: &JString<'_>) -> Outcome<Option<String>> {
    if s.is_null() {
        return Ok(None);
    }
    s.try_to_string(env)
        .map(Some)
        .map_err(|e| Failure::Internal(format!("could not read a string from Java: {e}")))
}

fn jni_failed(e: jni::errors::Error) -> Failure {
    Failure::Internal(format!("a JNI call failed: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The runtime and callbacks into Java

/// The one runtime of the process. Its threads attach to the JVM as daemons when they start,
/// so callbacks from them are cheap and they never keep the JVM from exiting; they detach when
/// they stop.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("remote-rendering")
            .on_thread_start(attach_daemon)
            .on_thread_stop(detach)
            .build()
            .expect("the tokio runtime starts")
    })
}

fn attach_daemon() {
    if let Ok(vm) = JavaVM::singleton() {
        let raw = vm.get_raw();
        let mut env = std::ptr::null_mut();
        // SAFETY: `raw` is the live JVM (the library is loaded into it); jni-rs 0.22 has no
        // daemon attachment, and a permanent non-daemon one would keep the JVM from exiting.
        // jni-rs sees this attachment through GetEnv and never detaches it.
        unsafe {
            ((**raw).v1_4.AttachCurrentThreadAsDaemon)(raw, &mut env, std::ptr::null_mut());
        }
    }
}

fn detach() {
    if let Ok(vm) = JavaVM::singleton() {
        let raw = vm.get_raw();
        // SAFETY: the thread attached itself in `attach_daemon` and holds no JNI references.
        unsafe {
            ((**raw).v1_4.DetachCurrentThread)(raw);
        }
    }
}

/// Calls into Java from any thread: attached for the scope of the call when nothing attached
/// the thread before (then detached again), a new local frame either way.
fn with_java<T>(f: impl FnOnce(&mut Env<'_>) -> jni::errors::Result<T>) -> jni::errors::Result<T> {
    JavaVM::singleton()?.attach_current_thread_for_scope(f)
}

/// The runtime of blocking calls: driven by the calling Java thread itself (no hand-off to a
/// runtime thread), and by a background thread when no call is running.
fn driver() -> &'static remote_rendering::blocking::Driver {
    static DRIVER: OnceLock<remote_rendering::blocking::Driver> = OnceLock::new();
    DRIVER.get_or_init(|| {
        remote_rendering::blocking::Driver::new("remote-rendering-blocking")
            .expect("the runtime of blocking calls starts")
    })
}

/// Runs a future to its end from a blocking Java call, on the calling thread. A progress
/// callback of a blocking wait runs between two turns (so it may call blocking methods); one
/// made from an async call's callback (on a runtime thread) steps out of that runtime first.
fn block<T>(fut: impl std::future::Future<Output = Outcome<T>>) -> Outcome<T> {
    driver()
        .block_on("a blocking call", guard_async(fut))
        .unwrap_or_else(|e| Err(Failure::Core(Box::new(e))))
}

/// Async calls in flight, by id, so that `cancel(true)` on the Java future can drop its Rust
/// future.
fn calls() -> &'static Mutex<HashMap<i64, tokio::task::AbortHandle>> {
    static CALLS: OnceLock<Mutex<HashMap<i64, tokio::task::AbortHandle>>> = OnceLock::new();
    CALLS.get_or_init(Default::default)
}

/// Spawns `fut` and completes the Java `NativeCall` with its envelope from a runtime thread.
fn spawn_call(call: Global<JObject<'static>>, fut: BoxFuture<'static, Outcome<Value>>) -> i64 {
    static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // The map is locked while spawning, so the task's own removal comes after the insert.
    let mut map = calls().lock().unwrap_or_else(|e| e.into_inner());
    let task = runtime().spawn(async move {
        let text = envelope(guard_async(fut).await);
        calls()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        // A failure here (the JVM is going away) has nowhere to go.
        let _ = with_java(|env| {
            let s = JString::from_str(env, &text)?;
            env.call_method(
                call.as_obj(),
                jni_str!("settle"),
                jni_sig!("(Ljava/lang/String;)V"),
                &[JValue::Object(&s)],
            )?;
            Ok(())
        });
    });
    map.insert(id, task.abort_handle());
    id
}

/// `Consumer<Session>`-style progress: the Java `ProgressBridge` gets each state as JSON.
fn progress<T: CamelView + 'static>(
    bridge: Option<Global<JObject<'static>>>,
) -> Option<remote_rendering::ProgressFn<T>> {
    let bridge = Arc::new(bridge?);
    Some(Box::new(move |r: &T| {
        deliver(&bridge, r.camel_view().to_string())
    }))
}

/// Hands one progress update (JSON) to a Java `ProgressBridge`.
fn deliver(bridge: &Arc<Global<JObject<'static>>>, text: String) {
    let bridge = bridge.clone();
    // In a blocking call: on the calling thread between two turns of the runtime, so that the
    // consumer may call blocking methods; in an async one: right here.
    remote_rendering::blocking::defer(move || {
        // The bridge catches what the consumer throws; a JNI failure drops the update.
        let _ = with_java(|env| {
            let s = JString::from_str(env, &text)?;
            env.call_method(
                bridge.as_obj(),
                jni_str!("accept"),
                jni_sig!("(Ljava/lang/String;)V"),
                &[JValue::Object(&s)],
            )?;
            Ok(())
        });
    })
}

/// The Java `TokenProvider`, called on a blocking thread of the runtime (it may do I/O); its
/// bridge returns an envelope `{"ok": token}` or `{"error": message}`.
struct JavaTokenProvider(Arc<Global<JObject<'static>>>);

impl remote_rendering::TokenProvider for JavaTokenProvider {
    fn entra_token(
        &self,
    ) -> remote_rendering::BoxFuture<'_, remote_rendering::Result<SecretString>> {
        let bridge = self.0.clone();
        Box::pin(async move {
            let failed = |m: String| {
                CoreError::new(
                    ErrorKind::Unauthorized,
                    format!("the token provider failed: {m}"),
                )
            };
            let text = tokio::task::spawn_blocking(move || {
                with_java(|env| {
                    let r = env
                        .call_method(
                            bridge.as_obj(),
                            jni_str!("token"),
                            jni_sig!("()Ljava/lang/String;"),
                            &[],
                        )?
                        .l()?;
                    let s = env.cast_local::<JString>(r)?;
                    s.try_to_string(env)
                })
            })
            .await
            .map_err(|e| failed(e.to_string()))?
            .map_err(|e| failed(e.to_string()))?;
            let v: Value = serde_json::from_str(&text).map_err(|e| failed(e.to_string()))?;
            match (v.get("ok").and_then(Value::as_str), v.get("error")) {
                (Some(t), _) => Ok(SecretString::new(t.to_owned())),
                (None, Some(e)) => Err(failed(e.as_str().unwrap_or("no message").to_owned())),
                _ => Err(failed("no token".to_owned())),
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Handles

/// A boxed value behind a Java `long`.
fn into_handle<T>(v: T) -> i64 {
    Box::into_raw(Box::new(v)) as i64
}

/// # Safety
/// `h` is a live handle of type `T` (the Java side checks it is not 0 and not freed).
unsafe fn handle<'a, T>(h: jlong) -> Outcome<&'a T> {
    if h == 0 {
        return Err(Failure::Internal("a closed handle was used".into()));
    }
    Ok(unsafe { &*(h as *const T) })
}

/// # Safety
/// `h` is a live handle of type `T`, freed once.
unsafe fn free<T>(h: jlong) {
    if h != 0 {
        drop(unsafe { Box::from_raw(h as *mut T) });
    }
}

type Keeper = tokio::sync::Mutex<Option<LeaseKeeper>>;
type Managed = tokio::sync::Mutex<Option<ManagedSession>>;
type ItemStream = tokio::sync::Mutex<BoxStream<'static, remote_rendering::Result<Value>>>;

// ---------------------------------------------------------------------------------------------
// Arguments

/// The JSON arguments of one call, read by the table's camelCase names.
struct Args(Map<String, Value>);

impl Args {
    fn parse(text: Option<String>) -> Outcome<Args> {
        match text {
            None => Ok(Args(Map::new())),
            Some(t) => match serde_json::from_str(&t) {
                Ok(Value::Object(m)) => Ok(Args(m)),
                _ => Err(Failure::Internal(
                    "the arguments are not a JSON object".into(),
                )),
            },
        }
    }

    fn get(&self, k: &str) -> Option<&Value> {
        self.0.get(k).filter(|v| !v.is_null())
    }

    fn str(&self, field: &'static str) -> Outcome<Option<String>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(invalid(field, format!("must be a string, got {v}"))),
        }
    }

    fn req_str(&self, field: &'static str) -> Outcome<String> {
        self.str(field)?
            .ok_or_else(|| invalid(field, "is required"))
    }

    fn int(&self, field: &'static str) -> Outcome<Option<i64>> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| invalid(field, format!("must be a whole number, got {v}"))),
        }
    }

    fn float(&self, field: &'static str) -> Outcome<Option<f64>> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| invalid(field, format!("must be a number, got {v}"))),
        }
    }

    fn bool(&self, field: &'static str) -> Outcome<Option<bool>> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| invalid(field, format!("must be true or false, got {v}"))),
        }
    }

    /// A `Duration` the Java side sent as milliseconds.
    fn millis(&self, field: &'static str) -> Outcome<Option<Duration>> {
        match self.int(field)? {
            None => Ok(None),
            Some(ms) if ms >= 0 => Ok(Some(Duration::from_millis(ms as u64))),
            Some(ms) => Err(invalid(field, format!("must not be negative, got {ms} ms"))),
        }
    }

    fn lease(&self, field: &'static str) -> Outcome<Option<u32>> {
        match self.int(field)? {
            None => Ok(None),
            Some(m) => Ok(Some(check_lease_minutes(field, m)?)),
        }
    }

    /// A conversion's settings, as the Java record's JSON (the wire's names).
    fn settings(&self) -> Outcome<ConversionSettings> {
        let settings = self
            .get("settings")
            .cloned()
            .ok_or_else(|| invalid("settings", "is required"))?;
        serde_json::from_value(settings)
            .map_err(|e| invalid("settings", format!("not valid conversion settings: {e}")))
    }

    fn size(&self) -> Outcome<SessionSize> {
        Ok(self
            .str("size")?
            .map_or(remote_rendering::vocabulary::DEFAULT_SESSION_SIZE, |s| {
                SessionSize::parse(&s)
            }))
    }
}

fn wait_options<T>(
    a: &Args,
    on_progress: Option<remote_rendering::ProgressFn<T>>,
    cancel: Option<CancellationToken>,
) -> Outcome<WaitOptions<T>> {
    Ok(WaitOptions {
        poll_interval: a.millis("pollInterval")?,
        timeout: a.millis("timeout")?,
        cancel,
        on_progress,
    })
}

fn lease_options(a: &Args) -> Outcome<LeaseOptions> {
    let mut out = LeaseOptions::default();
    if let Some(v) = a.lease("stepMinutes")? {
        out.step_minutes = v;
    }
    if let Some(v) = a.lease("marginMinutes")? {
        out.margin_minutes = v;
    }
    if let Some(v) = a.lease("maxTotalMinutes")? {
        out.max_total_minutes = v;
    }
    if let Some(v) = a.millis("checkInterval")? {
        out.check_interval = v;
    }
    if let Some(v) = a.bool("stopOnClose")? {
        out.stop_on_drop = v;
    }
    // Checked by the core, which names the fields.
    out.budget = a.float("budget")?;
    if let Some(Value::Object(r)) = a.get("costRates") {
        out.cost_rates = Some(CostRates {
            standard_per_hour: r.get("standardPerHour").and_then(Value::as_f64),
            premium_per_hour: r.get("premiumPerHour").and_then(Value::as_f64),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The client

fn build_client(a: &Args, provider: Option<Global<JObject<'static>>>) -> Outcome<Client> {
    let key = a.str("accountKey")?;
    let token = a.str("accessToken")?;
    let credential = match (key, token, provider) {
        (Some(k), None, None) => Credential::account_key(k),
        (None, Some(t), None) => Credential::access_token(t),
        (None, None, Some(p)) => Credential::entra(JavaTokenProvider(Arc::new(p))),
        (None, None, None) => {
            return Err(invalid(
                "credential",
                "is required: accountKey, accessToken or a tokenProvider",
            ))
        }
        _ => {
            return Err(invalid(
                "credential",
                "give exactly one of accountKey, accessToken or tokenProvider",
            ))
        }
    };
    let mut b = Client::builder().credential(credential);
    if let Some(v) = a.str("accountId")? {
        b = b.account_id(v);
    }
    if let Some(v) = a.str("endpoint")? {
        b = b.endpoint(v);
    }
    if let Some(v) = a.str("region")? {
        b = b.region(v);
    }
    if let Some(v) = a.str("accountDomain")? {
        b = b.account_domain(v);
    }
    if let Some(v) = a.str("stsEndpoint")? {
        b = b.sts_endpoint(v);
    }
    if let Some(v) = a.millis("pollInterval")? {
        b = b.poll_interval(v);
    }
    if let Some(v) = a.millis("requestTimeout")? {
        b = b.request_timeout(v);
    }
    if let Some(n) = a.int("maxAttempts")? {
        let n = u32::try_from(n)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| invalid("max_attempts", format!("must be 1 or more, got {n}")))?;
        b = b.retry_policy(RetryPolicy {
            max_attempts: n,
            ..RetryPolicy::default()
        });
    }
    if let Some(n) = a.int("maxConcurrentRequests")? {
        let n = remote_rendering::vocabulary::check_max_concurrent_requests(
            "max_concurrent_requests",
            n,
        )?;
        b = b.max_concurrent_requests(n as u64);
    }
    if let Some(pem) = a.str("caCert")? {
        b = b.add_root_certificate_pem(pem.into_bytes());
    }
    Ok(b.user_agent_suffix("java").build()?)
}

/// The future of one operation; every argument is checked inside it, before any request.
fn operation(
    client: &Client,
    op: &str,
    a: Args,
    bridge: Option<Global<JObject<'static>>>,
    cancel: Option<CancellationToken>,
) -> Outcome<BoxFuture<'static, Outcome<Value>>> {
    let c = client.clone();
    // Plain calls honour the cancel token too (a cancelled future drops them either way).
    let plain = |fut: BoxFuture<'static, Outcome<Value>>| -> BoxFuture<'static, Outcome<Value>> {
        match cancel.clone() {
            None => fut,
            Some(t) => async move {
                tokio::select! {
                    r = fut => r,
                    _ = t.cancelled() => Err(CoreError::new(ErrorKind::Cancelled, "the operation was cancelled").into()),
                }
            }
            .boxed(),
        }
    };
    Ok(match op {
        "startSession" => plain(
            async move {
                let id = a.req_str("sessionId")?;
                let size = a.size()?;
                let minutes = a
                    .lease("leaseMinutes")?
                    .unwrap_or(remote_rendering::vocabulary::DEFAULT_LEASE_MINUTES);
                Ok(c.start_session(&id, size, minutes).await?.camel_view())
            }
            .boxed(),
        ),
        "getSession" => plain(
            async move {
                let id = a.req_str("sessionId")?;
                Ok(c.get_session(&id).await?.camel_view())
            }
            .boxed(),
        ),
        "updateSession" => plain(
            async move {
                let id = a.req_str("sessionId")?;
                let minutes = a
                    .lease("leaseMinutes")?
                    .ok_or_else(|| invalid("lease_minutes", "is required"))?;
                Ok(c.update_session(&id, minutes).await?.camel_view())
            }
            .boxed(),
        ),
        "stopSession" => plain(
            async move {
                let id = a.req_str("sessionId")?;
                c.stop_session(&id).await?;
                Ok(Value::Null)
            }
            .boxed(),
        ),
        "startConversion" => plain(
            async move {
                let id = a.req_str("conversionId")?;
                let settings = a.settings()?;
                Ok(c.start_conversion(&id, settings).await?.camel_view())
            }
            .boxed(),
        ),
        "getConversion" => plain(
            async move {
                let id = a.req_str("conversionId")?;
                Ok(c.get_conversion(&id).await?.camel_view())
            }
            .boxed(),
        ),
        "listSessions" => plain(
            async move {
                let all = c.list_sessions_all().await?;
                Ok(Value::Array(
                    all.iter().map(CamelView::camel_view).collect(),
                ))
            }
            .boxed(),
        ),
        "listConversions" => plain(
            async move {
                let all = c.list_conversions_all().await?;
                Ok(Value::Array(
                    all.iter().map(CamelView::camel_view).collect(),
                ))
            }
            .boxed(),
        ),
        "waitForSession" => async move {
            let id = a.req_str("sessionId")?;
            let o = wait_options(&a, progress(bridge), cancel)?;
            Ok(c.wait_for_session(&id, o).await?.camel_view())
        }
        .boxed(),
        "waitForConversion" => async move {
            let id = a.req_str("conversionId")?;
            let o = wait_options(&a, progress(bridge), cancel)?;
            Ok(c.wait_for_conversion(&id, o).await?.camel_view())
        }
        .boxed(),
        "waitForConversionWithReport" => {
            // Read now, while the Java side holds the container's handle.
            let output = storage::container_arg(&a, "output")?;
            async move {
                let id = a.req_str("conversionId")?;
                let o = wait_options(&a, progress(bridge), cancel)?;
                Ok(c.wait_for_conversion_with_report(&id, o, &output)
                    .await?
                    .camel_view())
            }
            .boxed()
        }
        "contentConversionId" => plain(
            async move {
                let path = a.req_str("path")?;
                let settings = a.settings()?;
                let id = remote_rendering::storage::content_conversion_id(path.as_ref(), &settings)
                    .await?;
                Ok(json!(id))
            }
            .boxed(),
        ),
        "waitForSessions" => async move {
            let ids: Vec<String> = match a.get("sessionIds") {
                Some(v) => serde_json::from_value(v.clone())
                    .map_err(|_| invalid("session_ids", "must be a list of session ids"))?,
                None => return Err(invalid("session_ids", "is required")),
            };
            let o = wait_options(&a, progress(bridge), cancel)?;
            let results = c.wait_for_sessions(&ids, o).await?;
            Ok(Value::Array(
                results
                    .into_iter()
                    .map(|r| match r {
                        Ok(s) => json!({ "ok": s.camel_view() }),
                        Err(e) => json!({ "error": error_json(&Failure::from(e)) }),
                    })
                    .collect(),
            ))
        }
        .boxed(),
        "openSession" => async move {
            let keep = a.bool("keepAlive")?.unwrap_or(true);
            let options = SessionOptions {
                id: a.str("sessionId")?,
                size: a.size()?,
                lease_minutes: a
                    .lease("leaseMinutes")?
                    .unwrap_or(remote_rendering::vocabulary::DEFAULT_LEASE_MINUTES),
                keep_alive: if keep { Some(lease_options(&a)?) } else { None },
                wait: wait_options(&a, progress(bridge), cancel)?,
            };
            let managed = c.open_session(options).await?;
            let session = managed.session().camel_view();
            let h: Managed = tokio::sync::Mutex::new(Some(managed));
            Ok(json!({ "handle": into_handle(h), "session": session }))
        }
        .boxed(),
        "keepAlive" => plain(
            async move {
                let id = a.req_str("sessionId")?;
                let options = lease_options(&a)?;
                // Inside the runtime: the keeper spawns its task on it.
                let keeper = c.keep_alive(&id, options)?;
                let h: Keeper = tokio::sync::Mutex::new(Some(keeper));
                Ok(json!({ "handle": into_handle(h) }))
            }
            .boxed(),
        ),
        other => {
            return Err(Failure::Internal(format!("no operation {other:?}")));
        }
    })
}

fn global(env: &Env<'_>, obj: &JObject<'_>) -> Outcome<Option<Global<JObject<'static>>>> {
    if obj.is_null() {
        return Ok(None);
    }
    env.new_global_ref(obj).map(Some).map_err(jni_failed)
}

fn cancel_token(h: jlong) -> Outcome<Option<CancellationToken>> {
    if h == 0 {
        return Ok(None);
    }
    // SAFETY: the Java CancelToken keeps its handle alive while it is reachable.
    Ok(Some(unsafe { handle::<CancellationToken>(h) }?.clone()))
}

// ---------------------------------------------------------------------------------------------
// Exported functions (`com.remoterendering.Native`)

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_version<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    exported(&mut env, |_| Ok(json!(env!("CARGO_PKG_VERSION"))))
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_vocabularyJson<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    exported(&mut env, |_| {
        Ok(Value::String(
            remote_rendering::vocabulary::json().to_owned(),
        ))
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_clientNew<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    options: JString<'l>,
    provider: JObject<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        let a = Args::parse(jstr(env, &options)?)?;
        let provider = global(env, &provider)?;
        // Inside the runtime: the client's HTTP pool is bound to it.
        let _g = runtime().enter();
        let client = build_client(&a, provider)?;
        let endpoint = client.config().endpoint().to_owned();
        Ok(json!({ "handle": into_handle(client), "endpoint": endpoint }))
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_clientFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: the Java client frees its handle once, after its last call returned.
    let _ = std::panic::catch_unwind(|| unsafe { free::<Client>(h) });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_invoke<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    client: jlong,
    op: JString<'l>,
    args: JString<'l>,
    progress: JObject<'l>,
    cancel: jlong,
) -> JString<'l> {
    exported(&mut env, |env| {
        // SAFETY: a live client handle (the Java side holds its read lock).
        let c = unsafe { handle::<Client>(client) }?;
        let op = jstr(env, &op)?.unwrap_or_default();
        let a = Args::parse(jstr(env, &args)?)?;
        let bridge = global(env, &progress)?;
        let fut = operation(c, &op, a, bridge, cancel_token(cancel)?)?;
        block(fut)
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_invokeAsync<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    client: jlong,
    op: JString<'l>,
    args: JString<'l>,
    progress: JObject<'l>,
    cancel: jlong,
    call: JObject<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        // SAFETY: a live client handle (the Java side holds its read lock).
        let c = unsafe { handle::<Client>(client) }?;
        let op = jstr(env, &op)?.unwrap_or_default();
        let a = Args::parse(jstr(env, &args)?)?;
        let bridge = global(env, &progress)?;
        let call = global(env, &call)?.ok_or_else(|| Failure::Internal("no call".into()))?;
        let fut = operation(c, &op, a, bridge, cancel_token(cancel)?)?;
        Ok(json!(spawn_call(call, fut)))
    })
}

/// Drops the Rust future of an async call (its Java future was cancelled).
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_abort<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    id: jlong,
) {
    let _ = std::panic::catch_unwind(|| {
        if let Some(h) = calls()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
        {
            h.abort();
        }
    });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_cancelNew<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> jlong {
    std::panic::catch_unwind(|| into_handle(CancellationToken::new())).unwrap_or(0)
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_cancelFire<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: a live token handle (freed only by the Java Cleaner, once unreachable).
    let _ = std::panic::catch_unwind(|| {
        if let Ok(t) = unsafe { handle::<CancellationToken>(h) } {
            t.cancel();
        }
    });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_cancelFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: freed once, by the Cleaner of an unreachable CancelToken.
    let _ = std::panic::catch_unwind(|| unsafe { free::<CancellationToken>(h) });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_streamNew<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    client: jlong,
    kind: JString<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        // SAFETY: a live client handle (the Java side holds its read lock).
        let c = unsafe { handle::<Client>(client) }?;
        let _g = runtime().enter();
        let stream: BoxStream<'static, remote_rendering::Result<Value>> =
            match jstr(env, &kind)?.as_deref() {
                Some("sessions") => c.list_sessions().map(|r| r.map(|s| s.camel_view())).boxed(),
                Some("conversions") => c
                    .list_conversions()
                    .map(|r| r.map(|s| s.camel_view()))
                    .boxed(),
                other => return Err(Failure::Internal(format!("no list {other:?}"))),
            };
        let s: ItemStream = tokio::sync::Mutex::new(stream);
        Ok(json!(into_handle(s)))
    })
}

/// The next item of a list (`null` at its end), reading the next page when needed.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_streamNext<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JString<'l> {
    exported(&mut env, |_| {
        // SAFETY: a live stream handle (the Java iterator holds it until exhausted or cleaned).
        let s = unsafe { handle::<ItemStream>(h) }?;
        block(async move {
            Ok(s.lock()
                .await
                .next()
                .await
                .transpose()?
                .unwrap_or(Value::Null))
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_streamFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: freed once.
    let _ = std::panic::catch_unwind(|| {
        let _g = runtime().enter();
        unsafe { free::<ItemStream>(h) }
    });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_keeperInfo<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JString<'l> {
    exported(&mut env, |_| {
        // SAFETY: a live keeper handle (the Java side holds its read lock).
        let k = unsafe { handle::<Keeper>(h) }?;
        let g = k.blocking_lock();
        Ok(match g.as_ref() {
            Some(k) => json!({
                "extensions": k.extensions(),
                "finished": k.is_finished(),
                "stoppedByBudget": k.stopped_by_budget(),
                "latest": k.latest().map(|s| s.camel_view()),
            }),
            None => json!({ "extensions": 0, "finished": true, "stoppedByBudget": false }),
        })
    })
}

/// Closes (`detach` false: stops the session when told so) or detaches a keeper, once.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_keeperClose<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    detach: bool,
) -> JString<'l> {
    exported(&mut env, |_| {
        // SAFETY: a live keeper handle (the Java side holds its write lock).
        let k = unsafe { handle::<Keeper>(h) }?;
        block(async move {
            if let Some(k) = k.lock().await.take() {
                if detach {
                    k.detach().await;
                } else {
                    k.close().await?;
                }
            }
            Ok(Value::Null)
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_keeperFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: freed once. A keeper never closed stops its session on drop (inside the runtime).
    let _ = std::panic::catch_unwind(|| {
        let _g = runtime().enter();
        unsafe { free::<Keeper>(h) }
    });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_managedInfo<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JString<'l> {
    exported(&mut env, |_| {
        // SAFETY: a live managed-session handle (the Java side holds its read lock).
        let m = unsafe { handle::<Managed>(h) }?;
        let g = m.blocking_lock();
        Ok(match g.as_ref().and_then(ManagedSession::keeper) {
            Some(k) => json!({
                "extensions": k.extensions(),
                "finished": k.is_finished(),
                "stoppedByBudget": k.stopped_by_budget(),
                "latest": k.latest().map(|s| s.camel_view()),
            }),
            None => json!({ "extensions": 0, "finished": true, "stoppedByBudget": false }),
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_managedClose<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JString<'l> {
    exported(&mut env, |_| {
        // SAFETY: a live managed-session handle (the Java side holds its write lock).
        let m = unsafe { handle::<Managed>(h) }?;
        block(async move {
            if let Some(m) = m.lock().await.take() {
                m.close().await?;
            }
            Ok(Value::Null)
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_managedFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: freed once. A session never closed is stopped by the core's drop guard.
    let _ = std::panic::catch_unwind(|| {
        let _g = runtime().enter();
        unsafe { free::<Managed>(h) }
    });
}

/// Sets (a `LogBridge`) or unsets (`null`) the sink of the core's log stream.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_setLogSink<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    bridge: JObject<'l>,
    level: JString<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        use remote_rendering::log::{set_sink, LogLevel, LogRecord, LogSink};
        let level = jstr(env, &level)?.unwrap_or_else(|| "info".into());
        let level = LogLevel::parse(&level).ok_or_else(|| {
            invalid(
                "level",
                format!("must be one of error, warn, info, debug or trace, got {level:?}"),
            )
        })?;
        let sink = global(env, &bridge)?.map(|bridge| {
            Arc::new(move |r: &LogRecord| {
                let _ = with_java(|env| {
                    let l = JString::from_str(env, r.level.as_str())?;
                    let t = JString::from_str(env, &r.target)?;
                    let m = JString::from_str(env, &r.message)?;
                    env.call_method(
                        bridge.as_obj(),
                        jni_str!("log"),
                        jni_sig!("(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V"),
                        &[JValue::Object(&l), JValue::Object(&t), JValue::Object(&m)],
                    )?;
                    Ok(())
                });
            }) as LogSink
        });
        set_sink(sink, level);
        Ok(Value::Null)
    })
}

/// Panics inside a blocking call: the suite proves it arrives as an `InternalException`.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_panicForTest<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    exported(&mut env, |_| {
        remote_rendering::testing::panic_now("a panic for the test of the boundary")
    })
}

/// Panics while an async call's future is polled: the Java future completes exceptionally.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_panicForTestAsync<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    call: JObject<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        let call = global(env, &call)?.ok_or_else(|| Failure::Internal("no call".into()))?;
        let fut = async {
            remote_rendering::testing::panic_later(
                "a panic for the test of the boundary (async)".into(),
            )
            .await;
            Ok(Value::Null)
        };
        Ok(json!(spawn_call(call, fut.boxed())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_crosses_with_the_shared_code_and_the_field_in_camel_case() {
        let e = check_lease_minutes("keep_alive.step_minutes", 5000).unwrap_err();
        let v: Value = serde_json::from_str(&envelope(Err(e.into()))).unwrap();
        assert_eq!(v["error"]["code"], "INVALID_INPUT");
        assert_eq!(v["error"]["field"], "keepAlive.stepMinutes");
        assert_eq!(v["error"]["retriable"], false);
        assert!(v.get("ok").is_none());
    }

    #[test]
    fn a_value_crosses_as_ok() {
        let v: Value = serde_json::from_str(&envelope(Ok(json!({ "id": "s" })))).unwrap();
        assert_eq!(v["ok"]["id"], "s");
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let r: Outcome<Value> = guard(|| remote_rendering::testing::panic_now("boom"));
        let v: Value = serde_json::from_str(&envelope(r)).unwrap();
        assert_eq!(v["error"]["code"], "INTERNAL_ERROR");
        assert!(v["error"]["message"].as_str().unwrap().contains("boom"));
    }

    #[test]
    fn arguments_are_checked_naming_the_field() {
        let a = Args::parse(Some(
            r#"{"timeout": -5, "leaseMinutes": 2000, "size": 3}"#.into(),
        ))
        .unwrap();
        let field = |r: Outcome<()>| match r {
            Err(Failure::Core(e)) => e.field().map(str::to_owned),
            _ => None,
        };
        assert_eq!(
            field(a.millis("timeout").map(drop)).as_deref(),
            Some("timeout")
        );
        assert_eq!(
            field(a.lease("leaseMinutes").map(drop)).as_deref(),
            Some("leaseMinutes")
        );
        assert_eq!(field(a.size().map(drop)).as_deref(), Some("size"));
        assert!(matches!(a.str("missing"), Ok(None)));
        assert_eq!(
            field(a.req_str("sessionId").map(drop)).as_deref(),
            Some("sessionId")
        );
    }
}
