//! Blob storage for Java (`com.remoterendering.StorageAccount` and `BlobContainer`): a handle
//! per object (a boxed core `StorageAccount` or `BlobContainer`), and one pair of exported
//! functions that run an operation of either, blocking or async, by the table's camelCase name.
//! SAS tokens and read URLs leave as plain strings in the envelope (the caller puts them into
//! `ConversionSettings`); no error message here ever repeats one.

use crate::{
    block, cancel_token, deliver, exported, global, handle, into_handle, invalid, jstr, runtime,
    spawn_call, Args, Failure, Outcome,
};
use base64::Engine;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use jni::objects::{JClass, JObject, JString};
use jni::refs::Global;
use jni::sys::jlong;
use jni::EnvUnowned;
use remote_rendering::storage::{
    self, BlobContainer, SasPermissions, StorageAccount, UploadOptions, UploadProgress,
    UploadProgressFn,
};
use remote_rendering::vocabulary::{
    check_upload_concurrency, CamelView, DEFAULT_READ_MAX_BYTES, DEFAULT_SAS_EXPIRY,
};
use remote_rendering::{CancellationToken, ConversionSettings, SecretString};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

type Call = BoxFuture<'static, Outcome<Value>>;

/// A secret handed to the caller, who asked for it (never logged, never in an error).
fn secret(s: SecretString) -> Value {
    Value::String(s.expose().to_owned())
}

fn expiry(a: &Args) -> Outcome<Duration> {
    Ok(a.millis("expiry")?.unwrap_or(DEFAULT_SAS_EXPIRY))
}

/// The `BlobContainer` whose handle the argument `field` holds (the Java side holds its read
/// lock for the length of the call that passes it); cloned, so a future may keep it.
pub(crate) fn container_arg(a: &Args, field: &'static str) -> Outcome<BlobContainer> {
    let h = a
        .int(field)?
        .ok_or_else(|| invalid(field, "is required (a BlobContainer)"))?;
    // SAFETY: a live container handle, held open by the Java caller during this call.
    Ok(unsafe { handle::<BlobContainer>(h) }?.clone())
}

/// Upload progress for the Java `ProgressBridge`, as the waits deliver theirs.
fn upload_progress(bridge: Option<Global<JObject<'static>>>) -> Option<UploadProgressFn> {
    let bridge = Arc::new(bridge?);
    Some(Arc::new(move |p: &UploadProgress| {
        deliver(&bridge, p.camel_view().to_string())
    }))
}

/// One operation of a storage account; every argument is checked before any request.
fn account_op(acct: &StorageAccount, op: &str, a: Args) -> Outcome<Call> {
    let acct = acct.clone();
    let now = |v: Outcome<Value>| async move { v }.boxed();
    Ok(match op {
        "containerUri" => now(a
            .req_str("container")
            .map(|c| json!(acct.container_uri(&c)))),
        "createContainer" => async move {
            let container = a.req_str("container")?;
            Ok(json!(acct.create_container(&container).await?))
        }
        .boxed(),
        "container" => now((|| {
            let container = a.req_str("container")?;
            // Inside the runtime: the blob client's HTTP pool is bound to it.
            let _g = runtime().enter();
            let c = acct.container(&container)?;
            Ok(json!({ "handle": into_handle(c.clone()), "uri": c.uri() }))
        })()),
        "containerSas" => now((|| {
            let container = a.req_str("container")?;
            let permissions = SasPermissions::parse(&a.req_str("permissions")?)?;
            Ok(secret(acct.container_sas(
                &container,
                permissions,
                expiry(&a)?,
            )?))
        })()),
        "inputSas" => now((|| {
            let container = a.req_str("container")?;
            Ok(secret(acct.input_sas_for(&container, expiry(&a)?)?))
        })()),
        "outputSas" => now((|| {
            let container = a.req_str("container")?;
            Ok(secret(acct.output_sas_for(&container, expiry(&a)?)?))
        })()),
        "blobReadUrl" => now((|| {
            let container = a.req_str("container")?;
            let blob = a.req_str("blob")?;
            Ok(secret(acct.blob_read_url(
                &container,
                &blob,
                expiry(&a)?,
            )?))
        })()),
        "assetReadUrl" => now((|| {
            let uri = a.req_str("outputAssetUri")?;
            Ok(secret(acct.asset_read_url(&uri, expiry(&a)?)?))
        })()),
        other => return Err(Failure::Internal(format!("no storage operation {other:?}"))),
    })
}

/// The settings of the `conversion` argument (as Java's `Conversion` crosses it): where its
/// result file and log are depends on nothing else.
fn conversion_settings(a: &Args) -> Outcome<ConversionSettings> {
    let v = a
        .get("conversion")
        .ok_or_else(|| invalid("conversion", "is required"))?;
    let settings = v.get("settings").cloned().unwrap_or(Value::Null);
    serde_json::from_value(settings).map_err(|e| {
        invalid(
            "conversion",
            format!("not a conversion with its settings: {e}"),
        )
    })
}

/// One operation of a blob container; every argument is checked before any request.
fn container_op(
    c: &BlobContainer,
    op: &str,
    a: Args,
    bridge: Option<Global<JObject<'static>>>,
    cancel: Option<CancellationToken>,
) -> Outcome<Call> {
    let c = c.clone();
    Ok(match op {
        "upload" => async move {
            let path = a.req_str("path")?;
            let prefix = a.str("prefix")?.unwrap_or_default();
            let mut o = UploadOptions::new();
            if let Some(n) = a.int("concurrency")? {
                o.concurrency = Some(check_upload_concurrency("concurrency", n)?);
            }
            o.timeout = a.millis("timeout")?;
            o.cancel = cancel;
            o.on_progress = upload_progress(bridge);
            Ok(c.upload(path.as_ref(), &prefix, o).await?.camel_view())
        }
        .boxed(),
        "preflight" => async move {
            let settings = a.settings()?;
            Ok(storage::preflight(&c, &settings).await?.camel_view())
        }
        .boxed(),
        "readConversionReport" => async move {
            let settings = conversion_settings(&a)?;
            Ok(json!(
                storage::read_conversion_report_for_settings(&c, &settings).await?
            ))
        }
        .boxed(),
        "exists" => async move {
            let blob = a.req_str("blob")?;
            Ok(json!(c.exists(&blob).await?))
        }
        .boxed(),
        "list" => async move {
            let prefix = a.str("prefix")?.unwrap_or_default();
            Ok(json!(c.list(&prefix).await?))
        }
        .boxed(),
        "read" => async move {
            let blob = a.req_str("blob")?;
            let max = match a.int("maxBytes")? {
                None => DEFAULT_READ_MAX_BYTES,
                Some(n) if n >= 0 => n as u64,
                Some(n) => {
                    return Err(invalid(
                        "max_bytes",
                        format!("must not be negative, got {n}"),
                    ))
                }
            };
            // Bytes cross as base64 text, as every other value crosses as JSON.
            Ok(c.read(&blob, max).await?.map_or(Value::Null, |b| {
                json!(base64::engine::general_purpose::STANDARD.encode(&b))
            }))
        }
        .boxed(),
        other => {
            return Err(Failure::Internal(format!(
                "no container operation {other:?}"
            )))
        }
    })
}

/// The future of `op` of the object behind `h` (`kind`: `storageAccount` or `blobContainer`).
fn object_op(
    kind: &str,
    h: jlong,
    op: &str,
    a: Args,
    bridge: Option<Global<JObject<'static>>>,
    cancel: Option<CancellationToken>,
) -> Outcome<Call> {
    match kind {
        // SAFETY: a live handle of this kind (the Java side holds its read lock).
        "storageAccount" => account_op(unsafe { handle::<StorageAccount>(h) }?, op, a),
        "blobContainer" => container_op(
            unsafe { handle::<BlobContainer>(h) }?,
            op,
            a,
            bridge,
            cancel,
        ),
        other => Err(Failure::Internal(format!("no storage object {other:?}"))),
    }
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_storageAccountNew<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    options: JString<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        let a = Args::parse(jstr(env, &options)?)?;
        let name = a.req_str("accountName")?;
        let key = a.req_str("accountKey")?;
        let endpoint = a.str("blobEndpoint")?;
        let acct = StorageAccount::new(name, key, endpoint.as_deref())?;
        let out = json!({ "name": acct.name(), "blobEndpoint": acct.blob_endpoint() });
        Ok(json!({ "handle": into_handle(acct), "info": out }))
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_storageAccountFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: the Java account frees its handle once, after its last call returned.
    let _ = std::panic::catch_unwind(|| unsafe { crate::free::<StorageAccount>(h) });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_blobContainerNew<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    options: JString<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        let a = Args::parse(jstr(env, &options)?)?;
        let uri = a.req_str("containerUri")?;
        let sas = SecretString::new(a.req_str("sas")?);
        let _g = runtime().enter();
        let c = BlobContainer::with_sas(&uri, &sas)?;
        let out = c.uri().to_owned();
        Ok(json!({ "handle": into_handle(c), "uri": out }))
    })
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_blobContainerFree<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: the Java container frees its handle once, after its last call returned.
    let _ = std::panic::catch_unwind(|| {
        let _g = runtime().enter();
        unsafe { crate::free::<BlobContainer>(h) }
    });
}

#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_storageInvoke<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    kind: JString<'l>,
    op: JString<'l>,
    args: JString<'l>,
    progress: JObject<'l>,
    cancel: jlong,
) -> JString<'l> {
    exported(&mut env, |env| {
        let kind = jstr(env, &kind)?.unwrap_or_default();
        let op = jstr(env, &op)?.unwrap_or_default();
        let a = Args::parse(jstr(env, &args)?)?;
        let bridge = global(env, &progress)?;
        let fut = object_op(&kind, h, &op, a, bridge, cancel_token(cancel)?)?;
        block(fut)
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_com_remoterendering_Native_storageInvokeAsync<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    kind: JString<'l>,
    op: JString<'l>,
    args: JString<'l>,
    progress: JObject<'l>,
    cancel: jlong,
    call: JObject<'l>,
) -> JString<'l> {
    exported(&mut env, |env| {
        let kind = jstr(env, &kind)?.unwrap_or_default();
        let op = jstr(env, &op)?.unwrap_or_default();
        let a = Args::parse(jstr(env, &args)?)?;
        let bridge = global(env, &progress)?;
        let call = global(env, &call)?.ok_or_else(|| Failure::Internal("no call".into()))?;
        let fut = object_op(&kind, h, &op, a, bridge, cancel_token(cancel)?)?;
        Ok(json!(spawn_call(call, fut)))
    })
}

// ---------------------------------------------------------------------------------------------
// Test hooks: the core's one Azurite launcher, for the Java suite

/// Starts Azurite (the core's `testing::azurite`: 127.0.0.1, a free port, a fresh data folder):
/// `{handle, pid, port, blobEndpoint, account, key}`, or `{unavailable: why}` when it is not
/// installed or did not start.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_azuriteStartForTest<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    use remote_rendering::testing::azurite::{self, Azurite};
    exported(&mut env, |_| match Azurite::start() {
        Ok(az) => Ok(json!({
            "pid": az.pid(),
            "port": az.port(),
            "blobEndpoint": az.blob_endpoint(),
            "dataDir": az.data_dir().display().to_string(),
            "account": azurite::ACCOUNT,
            "key": azurite::KEY,
            "handle": into_handle(az),
        })),
        Err(why) => Ok(json!({ "unavailable": why })),
    })
}

/// Stops an Azurite of [`Java_com_remoterendering_Native_azuriteStartForTest`] by its PID and
/// removes its data folder (the launcher's drop), once.
#[no_mangle]
pub extern "system" fn Java_com_remoterendering_Native_azuriteStopForTest<'l>(
    _env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    // SAFETY: freed once, by the suite.
    let _ = std::panic::catch_unwind(|| unsafe {
        crate::free::<remote_rendering::testing::azurite::Azurite>(h)
    });
}
