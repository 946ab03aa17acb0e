//! Conversions on blob storage: `rr_storage_account` (an account's name, key and blob
//! endpoint: SAS tokens, read URLs, containers) and `rr_blob_container` (one container, by the
//! account's key or a SAS: upload with progress, preflight, exists, list, read, a failed
//! conversion's report), and the client's two storage calls
//! (`rr_client_wait_for_conversion_with_report`, `rr_client_content_conversion_id`).
//!
//! A storage handle owns a small runtime (shared by the containers an account makes), so its
//! blocking calls run on the calling thread as the client's do; `rr_blob_container_upload_async`
//! runs an upload as an `rr_operation`. The account key and every SAS and read URL are secrets:
//! they are returned to the caller (to put into conversion settings) and never appear in an
//! error message or a log record.

use crate::args::{arg, opt_text, out, out_ptr, text, UserData};
use crate::boundary::{ffi_call, get_str};
use crate::call::{expect, Call, Reply};
use crate::client::rr_client;
use crate::cstr::cstring;
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::operation::{rr_operation, start_async, start_storage_async, take};
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::views::{
    rr_bytes, rr_conversion, rr_conversion_settings, rr_preflight, rr_string_list, rr_upload_report,
};
use crate::wait::{rr_cancel_token, rr_wait_options, Latest, WaitSpec};
use remote_rendering::storage::{
    self, BlobContainer, SasPermissions, StorageAccount, UploadOptions,
};
use remote_rendering::vocabulary::{
    check_upload_concurrency, DEFAULT_READ_MAX_BYTES, DEFAULT_SAS_EXPIRY,
};
use remote_rendering::SecretString;
use std::ffi::{c_char, c_void, CString};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Worker threads of a storage handle's runtime (its `_async` uploads run there).
const STORAGE_WORKER_THREADS: usize = 1;

/// A storage account: its name, its key (a secret, never shown) and its blob endpoint.
/// Thread-safe. Free with `rr_storage_account_free()`.
pub struct rr_storage_account {
    inner: StorageAccount,
    name: CString,
    blob_endpoint: CString,
    rt: Arc<Runtime>,
}

/// A client of one blob container, authorised by an account key or a SAS (never shown).
/// Thread-safe. Free with `rr_blob_container_free()`.
pub struct rr_blob_container {
    inner: BlobContainer,
    uri: CString,
    rt: Arc<Runtime>,
}

impl rr_blob_container {
    fn new(inner: BlobContainer, rt: Arc<Runtime>) -> rr_blob_container {
        rr_blob_container {
            uri: cstring(inner.uri()),
            inner,
            rt,
        }
    }
}

/// Where an upload stands: after a file started, after each of its parts, and when it is done.
/// Borrowed for the callback's call (copy what you keep).
#[repr(C)]
pub struct rr_upload_progress {
    /// The blob being written (the prefix included).
    pub blob: *const c_char,
    /// Bytes of this file uploaded so far.
    pub file_bytes_done: u64,
    /// The size of this file.
    pub file_bytes_total: u64,
    /// Bytes of every file uploaded so far.
    pub bytes_done: u64,
    /// The size of every file together.
    pub bytes_total: u64,
    /// True in the last event of this file (it is uploaded).
    pub file_done: bool,
}

/// Called with the progress of an upload. In a blocking upload it runs on the thread that
/// called it, in an `_async` one on a runtime thread (and never after `rr_operation_free()`
/// returned); several files are uploaded at once, so calls come one at a time but for any of
/// them. It may cancel the upload's token; blocking calls of this library are refused there.
/// It must not throw.
pub type rr_upload_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const rr_upload_progress)>;

/// A SAS's lifetime: 0 is the default.
fn expiry(expiry_ms: u64) -> Duration {
    if expiry_ms == 0 {
        DEFAULT_SAS_EXPIRY
    } else {
        Duration::from_millis(expiry_ms)
    }
}

/// A secret handed to the caller as an owned string.
fn secret_out(out: &mut *mut c_char, s: SecretString) {
    *out = cstring(s.expose()).into_raw();
}

// ---- rr_storage_account ----

/// A storage account and its key (copied; a secret). `blob_endpoint` NULL:
/// `https://{account_name}.blob.core.windows.net`, or a path-style endpoint such as Azurite's
/// `http://127.0.0.1:10000/devstoreaccount1` (plain http only to loopback addresses). A key
/// that is not base64 is `RR_STATUS_INVALID_INPUT` naming `storage.account_key`. Sends nothing.
/// Free with `rr_storage_account_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_new(
    account_name: *const c_char,
    account_key: *const c_char,
    blob_endpoint: *const c_char,
    out: *mut *mut rr_storage_account,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let name = text(account_name, "account_name")?;
        let key = text(account_key, "account_key")?;
        let endpoint = opt_text(blob_endpoint, "blob_endpoint")?;
        let inner = StorageAccount::new(name, SecretString::new(key), endpoint)?;
        *out = boxed(rr_storage_account {
            name: cstring(inner.name()),
            blob_endpoint: cstring(inner.blob_endpoint()),
            inner,
            rt: Runtime::new(STORAGE_WORKER_THREADS)?,
        });
        Ok(())
    })
}

/// Frees a storage account (containers made from it stay usable). NULL does nothing.
///
/// `account` is NULL or an account owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_free(account: *mut rr_storage_account) {
    free(account)
}

/// The account's name, borrowed from the account.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_get_name(
    account: *const rr_storage_account,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(account, "account", out, err, |a| a.name.as_ptr())
}

/// The blob endpoint (no trailing `/`), borrowed from the account.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_get_blob_endpoint(
    account: *const rr_storage_account,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(account, "account", out, err, |a| a.blob_endpoint.as_ptr())
}

/// `{blob_endpoint}/{container}`: a conversion's `storage_container_uri`. Owned: free with
/// `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_container_uri(
    account: *const rr_storage_account,
    container: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let a = arg(account, "account")?;
        let container = text(container, "container")?;
        *out = cstring(&a.inner.container_uri(container)).into_raw();
        Ok(())
    })
}

/// Creates a private container when it does not exist: `*out` true when it was created, false
/// when it was there. Blocks (within `timeout_ms`; 0: the request's own limits).
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_create_container(
    account: *const rr_storage_account,
    container: *const c_char,
    timeout_ms: u64,
    out: *mut bool,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = self::out(out, "out")?;
        let a = arg(account, "account")?;
        let container = text(container, "container")?;
        *out = a.rt.block(
            timeout_ms,
            "create container",
            a.inner.create_container(container),
        )?;
        Ok(())
    })
}

/// A client of `container` of this account, authorised by its key. Sends nothing. Free with
/// `rr_blob_container_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_container(
    account: *const rr_storage_account,
    container: *const c_char,
    out: *mut *mut rr_blob_container,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let a = arg(account, "account")?;
        let container = text(container, "container")?;
        *out = boxed(rr_blob_container::new(
            a.inner.container(container)?,
            a.rt.clone(),
        ));
        Ok(())
    })
}

/// `make` is the core's `input_sas_for` or `output_sas_for`: the least-privilege rule stays
/// the core's.
unsafe fn sas(
    account: *const rr_storage_account,
    container: *const c_char,
    make: fn(
        &remote_rendering::storage::StorageAccount,
        &str,
        std::time::Duration,
    ) -> remote_rendering::Result<remote_rendering::SecretString>,
    expiry_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let a = arg(account, "account")?;
        let container = text(container, "container")?;
        secret_out(out, make(&a.inner, container, expiry(expiry_ms))?);
        Ok(())
    })
}

/// A service SAS (a secret; the query string without `?`) for `container` with `permissions`,
/// the service's letters (some of `r`, `c`, `w`, `d`, `l`; anything else is
/// `RR_STATUS_INVALID_INPUT` naming `permissions`), valid for `expiry_ms` (0:
/// `RR_DEFAULT_SAS_EXPIRY_MS`; at most 7 days). Owned: free with `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_container_sas(
    account: *const rr_storage_account,
    container: *const c_char,
    permissions: *const c_char,
    expiry_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let a = arg(account, "account")?;
        let container = text(container, "container")?;
        let permissions = SasPermissions::parse(text(permissions, "permissions")?)?;
        secret_out(
            out,
            a.inner
                .container_sas(container, permissions, expiry(expiry_ms))?,
        );
        Ok(())
    })
}

/// A read and list SAS (a secret) for `container`: what a conversion needs of its input, and no
/// more; `expiry_ms` as for `rr_storage_account_container_sas()`. Owned: free with
/// `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_input_sas(
    account: *const rr_storage_account,
    container: *const c_char,
    expiry_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    sas(
        account,
        container,
        remote_rendering::storage::StorageAccount::input_sas_for,
        expiry_ms,
        out,
        err,
    )
}

/// A write and create SAS (a secret) for `container`: what a conversion needs of its output,
/// and no more; `expiry_ms` as for `rr_storage_account_container_sas()`. Owned: free with
/// `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_output_sas(
    account: *const rr_storage_account,
    container: *const c_char,
    expiry_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    sas(
        account,
        container,
        remote_rendering::storage::StorageAccount::output_sas_for,
        expiry_ms,
        out,
        err,
    )
}

/// A URL that reads one blob (a secret: it carries a read SAS), valid for `expiry_ms` (0:
/// `RR_DEFAULT_SAS_EXPIRY_MS`). Owned: free with `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_blob_read_url(
    account: *const rr_storage_account,
    container: *const c_char,
    blob: *const c_char,
    expiry_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let a = arg(account, "account")?;
        let container = text(container, "container")?;
        let blob = text(blob, "blob")?;
        secret_out(
            out,
            a.inner.blob_read_url(container, blob, expiry(expiry_ms))?,
        );
        Ok(())
    })
}

/// A read URL (a secret) for a converted asset: a succeeded conversion's `output_asset_uri`,
/// in this account; `expiry_ms` as for `rr_storage_account_blob_read_url()`. Owned: free with
/// `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_storage_account_asset_read_url(
    account: *const rr_storage_account,
    output_asset_uri: *const c_char,
    expiry_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let a = arg(account, "account")?;
        let uri = text(output_asset_uri, "output_asset_uri")?;
        secret_out(out, a.inner.asset_read_url(uri, expiry(expiry_ms))?);
        Ok(())
    })
}

// ---- rr_blob_container ----

/// A client of the container at `container_uri` (Azure's or a path-style one), authorised by
/// `sas` (a secret, copied; with or without its leading `?`). Sends nothing. Free with
/// `rr_blob_container_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_new(
    container_uri: *const c_char,
    sas: *const c_char,
    out: *mut *mut rr_blob_container,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let uri = text(container_uri, "container_uri")?;
        let sas = SecretString::new(text(sas, "sas")?);
        let inner = BlobContainer::with_sas(uri, &sas)?;
        *out = boxed(rr_blob_container::new(
            inner,
            Runtime::new(STORAGE_WORKER_THREADS)?,
        ));
        Ok(())
    })
}

/// Frees a container. NULL does nothing.
///
/// `container` is NULL or a container owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_free(container: *mut rr_blob_container) {
    free(container)
}

/// The container's URI (no SAS), borrowed from the container.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_get_uri(
    container: *const rr_blob_container,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(container, "container", out, err, |c| c.uri.as_ptr())
}

// ---- upload ----

#[allow(clippy::too_many_arguments)]
unsafe fn upload_call(
    container: &rr_blob_container,
    path: *const c_char,
    prefix: *const c_char,
    concurrency: u32,
    timeout_ms: u64,
    on_progress: rr_upload_progress_fn,
    user_data: *mut c_void,
    cancel: *const rr_cancel_token,
) -> Outcome<Call> {
    let path = PathBuf::from(text(path, "path")?);
    let prefix = opt_text(prefix, "prefix")?.unwrap_or("").to_owned();
    // Refused here, before anything is read or sent.
    let concurrency = check_upload_concurrency("concurrency", i64::from(concurrency))?;
    let user_cancel = cancel.as_ref().map(|t| t.token().clone());
    let on_progress = on_progress.map(|f| (f, UserData(user_data)));
    let inner = container.inner.clone();
    Ok(Call::storage(
        "upload",
        user_cancel,
        move |token, gate: Option<Arc<Latest>>| async move {
            let mut options = UploadOptions::new().concurrency(concurrency).cancel(token);
            if timeout_ms > 0 {
                options = options.timeout(Duration::from_millis(timeout_ms));
            }
            if let Some((f, user_data)) = on_progress {
                options = options.on_progress(move |p| {
                    let blob = cstring(&p.blob);
                    let view = rr_upload_progress {
                        blob: blob.as_ptr(),
                        file_bytes_done: p.file_bytes_done,
                        file_bytes_total: p.file_bytes_total,
                        bytes_done: p.bytes_done,
                        bytes_total: p.bytes_total,
                        file_done: p.file_done,
                    };
                    Latest::callback(&gate, || unsafe { f(user_data.ptr(), &view) });
                });
            }
            Ok(Reply::Upload(inner.upload(&path, &prefix, options).await?))
        },
    ))
}

/// Uploads the local file or folder at `path` to the container under `prefix` (NULL or "":
/// none; a folder's files keep their relative paths), `concurrency` files at once (1 to
/// `RR_MAX_UPLOAD_CONCURRENCY`; `RR_DEFAULT_UPLOAD_CONCURRENCY` is the default of every
/// language), giving up after `timeout_ms` (0: `RR_DEFAULT_UPLOAD_TIMEOUT_MS`). Calls
/// `on_progress(user_data, progress)` (NULL: none) as bytes go out; `cancel` (NULL: none) stops
/// it. `*out` is the report (owned: free with `rr_upload_report_free()`). On any failure (a
/// file, the storage, the deadline, a cancel) the error's `rr_error_upload_report()` says what
/// was and was not uploaded. A `path` that is neither a file nor a folder is
/// `RR_STATUS_INVALID_INPUT` naming `path`, before anything is sent.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_upload(
    container: *const rr_blob_container,
    path: *const c_char,
    prefix: *const c_char,
    concurrency: u32,
    timeout_ms: u64,
    on_progress: rr_upload_progress_fn,
    user_data: *mut c_void,
    cancel: *const rr_cancel_token,
    out: *mut *mut rr_upload_report,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(container, "container")?;
        let call = upload_call(
            c,
            path,
            prefix,
            concurrency,
            timeout_ms,
            on_progress,
            user_data,
            cancel,
        )?;
        let report = c.rt.block(0, "upload", call.run(None, 0))?;
        *out = boxed(rr_upload_report::new(expect(report.upload())?));
        Ok(())
    })
}

/// `rr_blob_container_upload()` without blocking: the operation gives the upload's report
/// (`rr_operation_take_upload_report()`); `rr_operation_cancel()` (or freeing it) stops the
/// upload, whose error then carries the report. `user_data` must stay valid until the
/// operation is freed. `*out` is owned: free it with `rr_operation_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_upload_async(
    container: *const rr_blob_container,
    path: *const c_char,
    prefix: *const c_char,
    concurrency: u32,
    timeout_ms: u64,
    on_progress: rr_upload_progress_fn,
    user_data: *mut c_void,
    cancel: *const rr_cancel_token,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_storage_async(
        || Ok(arg(container, "container")?.rt.clone()),
        out,
        err,
        || {
            upload_call(
                arg(container, "container")?,
                path,
                prefix,
                concurrency,
                timeout_ms,
                on_progress,
                user_data,
                cancel,
            )
        },
    )
}

/// Takes the report of an ended `rr_blob_container_upload_async()`, owned: free with
/// `rr_upload_report_free()`. Otherwise as `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_upload_report(
    operation: *const rr_operation,
    out: *mut *mut rr_upload_report,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        *out = boxed(rr_upload_report::new(take(op, Reply::upload)?));
        Ok(())
    })
}

// ---- the container's other calls (blocking, within `timeout_ms`; 0: their own limits) ----

/// Checks a conversion's input before it is started (this container is its input, with read
/// access): the input blob exists with a name the service accepts, and so does every file a
/// `.gltf` input references. `*out` says what was checked (owned: free with
/// `rr_preflight_free()`); a missing file is `RR_STATUS_INVALID_INPUT` naming it.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_preflight(
    container: *const rr_blob_container,
    settings: *const rr_conversion_settings,
    timeout_ms: u64,
    out: *mut *mut rr_preflight,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(container, "container")?;
        let settings = arg(settings, "settings")?.core();
        let checked = c.rt.block(
            timeout_ms,
            "preflight",
            storage::preflight(&c.inner, &settings),
        )?;
        *out = boxed(rr_preflight::new(checked));
        Ok(())
    })
}

/// A conversion's result file and log in this (output) container, each cut at
/// `RR_MAX_REPORT_BYTES` and redacted of SAS tokens; `*out` NULL when neither exists. Owned:
/// free with `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_read_conversion_report(
    container: *const rr_blob_container,
    conversion: *const rr_conversion,
    timeout_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(container, "container")?;
        let conversion = &arg(conversion, "conversion")?.inner;
        let report = c.rt.block(
            timeout_ms,
            "read conversion report",
            storage::read_conversion_report(&c.inner, conversion),
        )?;
        if let Some(r) = report {
            *out = cstring(&r).into_raw();
        }
        Ok(())
    })
}

/// `rr_blob_container_read_conversion_report()` for the conversion started with `settings`
/// (where its result file and log are depends on nothing else): for a conversion known by its
/// settings alone, as the C++ wrapper's `Conversion` is.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_read_conversion_report_for_settings(
    container: *const rr_blob_container,
    settings: *const rr_conversion_settings,
    timeout_ms: u64,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(container, "container")?;
        let settings = arg(settings, "settings")?.core();
        let report = c.rt.block(
            timeout_ms,
            "read conversion report",
            storage::read_conversion_report_for_settings(&c.inner, &settings),
        )?;
        if let Some(r) = report {
            *out = cstring(&r).into_raw();
        }
        Ok(())
    })
}

/// Whether `blob` exists.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_exists(
    container: *const rr_blob_container,
    blob: *const c_char,
    timeout_ms: u64,
    out: *mut bool,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = self::out(out, "out")?;
        let c = arg(container, "container")?;
        let blob = text(blob, "blob")?;
        *out = c.rt.block(timeout_ms, "exists", c.inner.exists(blob))?;
        Ok(())
    })
}

/// The names of the blobs under `prefix` (NULL or "": all), which needs list permission.
/// Owned: free with `rr_string_list_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_list(
    container: *const rr_blob_container,
    prefix: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_string_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(container, "container")?;
        let prefix = opt_text(prefix, "prefix")?.unwrap_or("");
        let names = c.rt.block(timeout_ms, "list", c.inner.list(prefix))?;
        *out = boxed(rr_string_list::new(&names));
        Ok(())
    })
}

/// The bytes of `blob` (owned: free with `rr_bytes_free()`), `*out` NULL when it does not
/// exist; a blob larger than `max_bytes` (0: `RR_DEFAULT_READ_MAX_BYTES`) is
/// `RR_STATUS_INVALID_INPUT` naming `max_bytes`, never cut short.
#[no_mangle]
pub unsafe extern "C" fn rr_blob_container_read(
    container: *const rr_blob_container,
    blob: *const c_char,
    max_bytes: u64,
    timeout_ms: u64,
    out: *mut *mut rr_bytes,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(container, "container")?;
        let blob = text(blob, "blob")?;
        let max = if max_bytes == 0 {
            DEFAULT_READ_MAX_BYTES
        } else {
            max_bytes
        };
        if let Some(bytes) = c.rt.block(timeout_ms, "read", c.inner.read(blob, max))? {
            *out = boxed(rr_bytes {
                data: bytes.to_vec(),
            });
        }
        Ok(())
    })
}

// ---- the client's storage calls ----

unsafe fn wait_report_call(
    conversion_id: *const c_char,
    output: *const rr_blob_container,
    options: *const rr_wait_options,
    timeout_ms: u64,
) -> Outcome<Call> {
    let id = text(conversion_id, "conversion_id")?.to_owned();
    let output = arg(output, "output")?.inner.clone();
    let wait = WaitSpec::new(options.as_ref(), timeout_ms);
    Ok(Call::waiting(
        "wait for conversion",
        wait,
        move |c, wait| async move {
            let conversion = c
                .wait_for_conversion_with_report(&id, wait.for_conversions(), &output)
                .await?;
            Ok(Reply::Conversion(conversion))
        },
    ))
}

/// `rr_client_wait_for_conversion()`, and when the conversion failed, its result file and log
/// read back from `output` (the output container, with read access) into the error
/// (`rr_error_conversion_report()`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_conversion_with_report(
    client: *const rr_client,
    conversion_id: *const c_char,
    output: *const rr_blob_container,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = wait_report_call(conversion_id, output, options, timeout_ms)?;
        *out = boxed(rr_conversion::new(expect(
            client.run(call, 0)?.conversion(),
        )?));
        Ok(())
    })
}

/// `rr_client_wait_for_conversion_with_report()` without blocking: the operation gives the
/// conversion (`rr_operation_take_conversion()`). `*out` is owned: free it with
/// `rr_operation_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_conversion_with_report_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    output: *const rr_blob_container,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        wait_report_call(conversion_id, output, options, timeout_ms)
    })
}

/// A conversion id made from the hash of the local input at `path` (file or folder) and
/// `settings` (without its SAS), so that an identical input is not converted twice. Nothing is
/// sent; the files are read on the calling thread. Owned: free with `rr_string_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_content_conversion_id(
    client: *const rr_client,
    path: *const c_char,
    settings: *const rr_conversion_settings,
    out: *mut *mut c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let path = PathBuf::from(text(path, "path")?);
        let settings = arg(settings, "settings")?.core();
        let id = client.runtime().block(
            0,
            "content conversion id",
            storage::content_conversion_id(&path, &settings),
        )?;
        *out = cstring(&id).into_raw();
        Ok(())
    })
}
