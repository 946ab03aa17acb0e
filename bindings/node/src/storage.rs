//! Conversions on blob storage: a storage account (its key a secret, never shown) and a client
//! of one container, over the core's storage module. The JS layer (`node/index.js`) wraps them
//! as `StorageAccount` and `BlobContainer`.
//!
//! SAS tokens and read URLs cross to JS as plain strings (the caller puts them into conversion
//! settings); nothing here logs or formats them. An upload's cancel token and progress go into
//! the core's own options, so a cancelled or failed upload still reports what it did.

use crate::errors::{guard, js_error, Outcome};
use crate::{cancellable, invalid, millis, token, wire, CancelToken};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use remote_rendering::storage::{
    self, BlobContainer, SasPermissions, StorageAccount, UploadOptions, UploadProgress,
};
use remote_rendering::vocabulary::{
    check_upload_concurrency, DEFAULT_READ_MAX_BYTES, DEFAULT_SAS_EXPIRY,
};
use remote_rendering::{ConversionSettings, Error as CoreError, SecretString};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

type CoreResult<T> = std::result::Result<T, CoreError>;

/// A SAS's lifetime in ms, or the table's default.
fn expiry(ms: Option<f64>) -> CoreResult<Duration> {
    Ok(millis("expiry", ms)?.unwrap_or(DEFAULT_SAS_EXPIRY))
}

/// A count as JS hands it over (a number): a whole number, 0 or more.
fn whole(field: &'static str, v: f64) -> CoreResult<i64> {
    if v.is_finite() && v.fract() == 0.0 {
        Ok(v as i64)
    } else {
        Err(invalid(field, format!("must be a whole number, got {v}")))
    }
}

/// Conversion settings as JS passes them (the service's camelCase form).
pub(crate) fn settings(v: Value) -> CoreResult<ConversionSettings> {
    serde_json::from_value(v)
        .map_err(|e| invalid("settings", format!("not valid conversion settings: {e}")))
}

/// The settings of a conversion as JS holds it (from `getConversion`): where its result file
/// and log are depends on nothing else.
fn conversion_settings(v: Value) -> CoreResult<ConversionSettings> {
    match v.get("settings") {
        Some(s) => serde_json::from_value(s.clone()).map_err(|e| {
            invalid(
                "conversion.settings",
                format!("not valid conversion settings: {e}"),
            )
        }),
        None => Err(invalid(
            "conversion",
            "must be a conversion (with its settings), e.g. from getConversion",
        )),
    }
}

/// A storage account and its key. Neither the key nor a SAS made from it is ever shown.
#[napi]
pub struct NativeStorageAccount {
    account: StorageAccount,
}

#[napi]
impl NativeStorageAccount {
    #[napi(constructor)]
    pub fn new(
        env: Env,
        account_name: String,
        account_key: String,
        blob_endpoint: Option<String>,
    ) -> Result<Self> {
        let key = SecretString::new(account_key);
        match guard(|| StorageAccount::new(account_name, key, blob_endpoint.as_deref())) {
            Outcome::Ok(account) => Ok(NativeStorageAccount { account }),
            Outcome::Err(e) => Err(js_error(env.raw(), &e)),
        }
    }

    #[napi(getter)]
    pub fn name(&self) -> String {
        self.account.name().to_owned()
    }

    #[napi(getter)]
    pub fn blob_endpoint(&self) -> String {
        self.account.blob_endpoint().to_owned()
    }

    #[napi]
    pub fn container_uri(&self, container: String) -> String {
        self.account.container_uri(&container)
    }

    #[napi(ts_return_type = "Promise<boolean>")]
    pub async fn create_container(
        &self,
        container: String,
        cancel: Option<&CancelToken>,
    ) -> Outcome<bool> {
        let account = self.account.clone();
        cancellable(token(cancel), async move {
            account.create_container(&container).await
        })
        .await
    }

    #[napi(ts_return_type = "NativeBlobContainer")]
    pub fn container(&self, container: String) -> Outcome<NativeBlobContainer> {
        guard(|| {
            Ok(NativeBlobContainer {
                container: self.account.container(&container)?,
            })
        })
    }

    #[napi(ts_return_type = "string")]
    pub fn container_sas(
        &self,
        container: String,
        permissions: String,
        expiry_ms: Option<f64>,
    ) -> Outcome<String> {
        guard(|| {
            let p = SasPermissions::parse(&permissions)?;
            let sas = self
                .account
                .container_sas(&container, p, expiry(expiry_ms)?)?;
            Ok(sas.expose().to_owned())
        })
    }

    #[napi(ts_return_type = "string")]
    pub fn input_sas(&self, container: String, expiry_ms: Option<f64>) -> Outcome<String> {
        guard(|| {
            let sas = self.account.input_sas_for(&container, expiry(expiry_ms)?)?;
            Ok(sas.expose().to_owned())
        })
    }

    #[napi(ts_return_type = "string")]
    pub fn output_sas(&self, container: String, expiry_ms: Option<f64>) -> Outcome<String> {
        guard(|| {
            let sas = self
                .account
                .output_sas_for(&container, expiry(expiry_ms)?)?;
            Ok(sas.expose().to_owned())
        })
    }

    #[napi(ts_return_type = "string")]
    pub fn blob_read_url(
        &self,
        container: String,
        blob: String,
        expiry_ms: Option<f64>,
    ) -> Outcome<String> {
        guard(|| {
            let url = self
                .account
                .blob_read_url(&container, &blob, expiry(expiry_ms)?)?;
            Ok(url.expose().to_owned())
        })
    }

    #[napi(ts_return_type = "string")]
    pub fn asset_read_url(
        &self,
        output_asset_uri: String,
        expiry_ms: Option<f64>,
    ) -> Outcome<String> {
        guard(|| {
            let url = self
                .account
                .asset_read_url(&output_asset_uri, expiry(expiry_ms)?)?;
            Ok(url.expose().to_owned())
        })
    }
}

/// A client of one blob container, authorised by a SAS or its account's key.
#[napi]
pub struct NativeBlobContainer {
    pub(crate) container: BlobContainer,
}

#[napi]
impl NativeBlobContainer {
    #[napi(constructor)]
    pub fn new(env: Env, container_uri: String, sas: String) -> Result<Self> {
        let sas = SecretString::new(sas);
        match guard(|| BlobContainer::with_sas(&container_uri, &sas)) {
            Outcome::Ok(container) => Ok(NativeBlobContainer { container }),
            Outcome::Err(e) => Err(js_error(env.raw(), &e)),
        }
    }

    /// The container's URI (no SAS).
    #[napi(getter)]
    pub fn uri(&self) -> String {
        self.container.uri().to_owned()
    }

    /// Uploads a file or folder; the report, or an error carrying it (`uploadReport`). After
    /// the upload `onProgress` is called once more with `null`: every event queued before it
    /// has then reached JS, so the promise never settles before the last progress event.
    #[napi(ts_return_type = "Promise<any>")]
    #[allow(clippy::too_many_arguments)]
    pub async fn upload(
        &self,
        path: String,
        prefix: Option<String>,
        concurrency: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<ThreadsafeFunction<Value, (), Value, Status, false>>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Value> {
        let container = self.container.clone();
        let cancel = token(cancel);
        let on_progress = on_progress.map(Arc::new);
        cancellable(None, async move {
            let mut options = UploadOptions::new();
            if let Some(n) = concurrency {
                let n = check_upload_concurrency("concurrency", whole("concurrency", n)?)?;
                options = options.concurrency(n);
            }
            if let Some(d) = millis("timeout", timeout)? {
                options = options.timeout(d);
            }
            if let Some(token) = cancel {
                options = options.cancel(token);
            }
            if let Some(cb) = on_progress.clone() {
                options = options.on_progress(move |p: &UploadProgress| {
                    cb.call(wire(p), ThreadsafeFunctionCallMode::NonBlocking);
                });
            }
            let result = container
                .upload(
                    std::path::Path::new(&path),
                    prefix.as_deref().unwrap_or(""),
                    options,
                )
                .await;
            if let Some(cb) = on_progress {
                // The JS layer drops this call; its return means the queue is delivered.
                let _ = cb.call_async_catch(Value::Null).await;
            }
            Ok(wire(&result?))
        })
        .await
    }

    #[napi(ts_return_type = "Promise<any>")]
    pub async fn preflight(&self, settings: Value, cancel: Option<&CancelToken>) -> Outcome<Value> {
        let container = self.container.clone();
        cancellable(token(cancel), async move {
            let settings = self::settings(settings)?;
            Ok(wire(&storage::preflight(&container, &settings).await?))
        })
        .await
    }

    #[napi(ts_return_type = "Promise<string | null>")]
    pub async fn read_conversion_report(
        &self,
        conversion: Value,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Option<String>> {
        let container = self.container.clone();
        cancellable(token(cancel), async move {
            let settings = conversion_settings(conversion)?;
            storage::read_conversion_report_for_settings(&container, &settings).await
        })
        .await
    }

    #[napi(ts_return_type = "Promise<boolean>")]
    pub async fn exists(&self, blob: String, cancel: Option<&CancelToken>) -> Outcome<bool> {
        let container = self.container.clone();
        cancellable(token(cancel), async move { container.exists(&blob).await }).await
    }

    #[napi(ts_return_type = "Promise<string[]>")]
    pub async fn list(
        &self,
        prefix: Option<String>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Vec<String>> {
        let container = self.container.clone();
        cancellable(token(cancel), async move {
            container.list(prefix.as_deref().unwrap_or("")).await
        })
        .await
    }

    #[napi(ts_return_type = "Promise<Buffer | null>")]
    pub async fn read(
        &self,
        blob: String,
        max_bytes: Option<f64>,
        cancel: Option<&CancelToken>,
    ) -> Outcome<Option<Buffer>> {
        let container = self.container.clone();
        cancellable(token(cancel), async move {
            let max = match max_bytes {
                None => DEFAULT_READ_MAX_BYTES,
                Some(v) => match whole("maxBytes", v)? {
                    n if n >= 0 => n as u64,
                    n => return Err(invalid("maxBytes", format!("must be 0 or more, got {n}"))),
                },
            };
            Ok(container
                .read(&blob, max)
                .await?
                .map(|b| Buffer::from(b.to_vec())))
        })
        .await
    }
}

/// Azurite (the core's launcher, `testing::azurite`) for the package's own tests: started on
/// 127.0.0.1 and a free port with a fresh data folder, stopped by PID (the folder removed) by
/// `stop()`. Not public API.
#[doc(hidden)]
#[napi]
pub struct NativeAzurite {
    inner: std::sync::Mutex<Option<remote_rendering::testing::azurite::Azurite>>,
    port: u16,
    pid: u32,
    data_dir: String,
}

#[napi]
impl NativeAzurite {
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        u32::from(self.port)
    }

    #[napi(getter)]
    pub fn pid(&self) -> u32 {
        self.pid
    }

    #[napi(getter)]
    pub fn data_dir(&self) -> String {
        self.data_dir.clone()
    }

    /// `http://127.0.0.1:{port}/devstoreaccount1`.
    #[napi(getter)]
    pub fn blob_endpoint(&self) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            remote_rendering::testing::azurite::ACCOUNT
        )
    }

    /// Azurite's well-known development account (documented by Azurite; not a secret).
    #[napi(getter)]
    pub fn account(&self) -> &'static str {
        remote_rendering::testing::azurite::ACCOUNT
    }

    /// Its well-known key (documented by Azurite; not a secret).
    #[napi(getter)]
    pub fn key(&self) -> &'static str {
        remote_rendering::testing::azurite::KEY
    }

    /// Stops Azurite (its own process, by PID) and removes its data; again does nothing.
    #[napi]
    pub fn stop(&self) {
        let azurite = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        drop(azurite);
    }
}

/// Starts Azurite from where `make azurite` installs it; rejects with the reason (which says to
/// run `make azurite`) when it cannot.
#[doc(hidden)]
#[napi(
    js_name = "_startAzuriteForTest",
    ts_return_type = "Promise<NativeAzurite>"
)]
pub async fn start_azurite_for_test() -> Result<NativeAzurite> {
    let started = tokio::task::spawn_blocking(remote_rendering::testing::azurite::Azurite::start)
        .await
        .map_err(|e| napi::Error::new(Status::GenericFailure, e.to_string()))?;
    let az = started.map_err(|why| napi::Error::new(Status::GenericFailure, why))?;
    Ok(NativeAzurite {
        port: az.port(),
        pid: az.pid(),
        data_dir: az.data_dir().display().to_string(),
        inner: std::sync::Mutex::new(Some(az)),
    })
}
