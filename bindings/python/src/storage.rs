//! Conversions on blob storage: the core's `StorageAccount` and `BlobContainer`, blocking or as
//! asyncio futures like every other call. A key and every SAS stay secrets: they are taken as
//! `str`, a SAS or URL made here is handed back as `str` (the user puts it into the conversion
//! settings), and no repr or error message of these objects carries one.

use crate::cancel::PyCancelToken;
use crate::convert::error_to_py;
use crate::models::{settings_from_py, ToPy};
use crate::progress::{progress_fn, seconds, wait_failure};
use crate::runtime::{run, Failure};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use remote_rendering::storage::{
    self, BlobContainer, SasPermissions, StorageAccount, UploadOptions, UploadProgress,
    UploadProgressFn,
};
use remote_rendering::vocabulary::{check_upload_concurrency, DEFAULT_SAS_EXPIRY};
use remote_rendering::{Error, SecretString};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn expiry(value: Option<f64>) -> Result<Duration, Error> {
    Ok(seconds("expiry", value)?.unwrap_or(DEFAULT_SAS_EXPIRY))
}

/// A secret handed to Python: the text (a `str` for `ConversionSettings`), nowhere else.
fn reveal(py: Python<'_>, secret: Result<SecretString, Error>) -> PyResult<String> {
    secret
        .map(|s| s.expose().to_owned())
        .map_err(|e| error_to_py(py, e))
}

/// A storage account and its key (a secret); its repr names the account and endpoint only.
#[pyclass(module = "remote_rendering._native", name = "StorageAccount", frozen)]
pub struct PyStorageAccount {
    inner: StorageAccount,
}

#[pymethods]
impl PyStorageAccount {
    #[new]
    #[pyo3(signature = (account_name, account_key, blob_endpoint=None))]
    fn new(
        py: Python<'_>,
        account_name: String,
        account_key: String,
        blob_endpoint: Option<String>,
    ) -> PyResult<Self> {
        let inner = StorageAccount::new(
            account_name,
            SecretString::new(account_key),
            blob_endpoint.as_deref(),
        )
        .map_err(|e| error_to_py(py, e))?;
        Ok(PyStorageAccount { inner })
    }

    #[getter]
    fn account_name(&self) -> String {
        self.inner.name().to_owned()
    }

    #[getter]
    fn blob_endpoint(&self) -> String {
        self.inner.blob_endpoint().to_owned()
    }

    fn container_uri(&self, container: &str) -> String {
        self.inner.container_uri(container)
    }

    #[pyo3(signature = (container, event_loop=None))]
    fn create_container(
        &self,
        py: Python<'_>,
        container: String,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let account = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move {
                account
                    .create_container(&container)
                    .await
                    .map_err(Failure::from)
            },
            |py, created: bool| created.to_py(py),
        )
    }

    fn container(&self, py: Python<'_>, container: &str) -> PyResult<PyBlobContainer> {
        let inner = self
            .inner
            .container(container)
            .map_err(|e| error_to_py(py, e))?;
        Ok(PyBlobContainer { inner })
    }

    #[pyo3(signature = (container, permissions, expiry=None))]
    fn container_sas(
        &self,
        py: Python<'_>,
        container: &str,
        permissions: &str,
        expiry: Option<f64>,
    ) -> PyResult<String> {
        let sas = (|| {
            let p = SasPermissions::parse(permissions)?;
            self.inner
                .container_sas(container, p, self::expiry(expiry)?)
        })();
        reveal(py, sas)
    }

    #[pyo3(signature = (container, expiry=None))]
    fn input_sas(&self, py: Python<'_>, container: &str, expiry: Option<f64>) -> PyResult<String> {
        let sas = self::expiry(expiry).and_then(|d| self.inner.input_sas_for(container, d));
        reveal(py, sas)
    }

    #[pyo3(signature = (container, expiry=None))]
    fn output_sas(&self, py: Python<'_>, container: &str, expiry: Option<f64>) -> PyResult<String> {
        let sas = self::expiry(expiry).and_then(|d| self.inner.output_sas_for(container, d));
        reveal(py, sas)
    }

    #[pyo3(signature = (container, blob, expiry=None))]
    fn blob_read_url(
        &self,
        py: Python<'_>,
        container: &str,
        blob: &str,
        expiry: Option<f64>,
    ) -> PyResult<String> {
        let url = self::expiry(expiry).and_then(|d| self.inner.blob_read_url(container, blob, d));
        reveal(py, url)
    }

    #[pyo3(signature = (output_asset_uri, expiry=None))]
    fn asset_read_url(
        &self,
        py: Python<'_>,
        output_asset_uri: &str,
        expiry: Option<f64>,
    ) -> PyResult<String> {
        let url = self::expiry(expiry).and_then(|d| self.inner.asset_read_url(output_asset_uri, d));
        reveal(py, url)
    }

    fn __repr__(&self) -> String {
        format!(
            "StorageAccount(account_name={:?}, blob_endpoint={:?})",
            self.inner.name(),
            self.inner.blob_endpoint()
        )
    }
}

/// A client of one container, authorised by a SAS or its account's key; its repr names the
/// container's URI only.
#[pyclass(module = "remote_rendering._native", name = "BlobContainer", frozen)]
pub struct PyBlobContainer {
    inner: BlobContainer,
}

impl PyBlobContainer {
    pub fn inner(&self) -> &BlobContainer {
        &self.inner
    }
}

#[pymethods]
impl PyBlobContainer {
    #[new]
    fn new(py: Python<'_>, container_uri: &str, sas: String) -> PyResult<Self> {
        let inner = BlobContainer::with_sas(container_uri, &SecretString::new(sas))
            .map_err(|e| error_to_py(py, e))?;
        Ok(PyBlobContainer { inner })
    }

    #[getter]
    fn container_uri(&self) -> String {
        self.inner.uri().to_owned()
    }

    /// Uploads a file or folder; a failure's error carries the `upload_report`. An exception
    /// of `on_progress` ends the upload and is raised from it.
    #[pyo3(signature = (path, prefix, concurrency, timeout=None, on_progress=None, cancel=None, event_loop=None))]
    #[allow(clippy::too_many_arguments)]
    fn upload(
        &self,
        py: Python<'_>,
        path: PathBuf,
        prefix: String,
        concurrency: i64,
        timeout: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<PyRef<'_, PyCancelToken>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let container = self.inner.clone();
        let (cb, failed, cancel) =
            progress_fn::<UploadProgress>(on_progress, event_loop.as_ref(), cancel.as_deref());
        let cb = cb.map(|f| Arc::new(f) as UploadProgressFn);
        run(
            py,
            event_loop.as_ref(),
            async move {
                let options = UploadOptions {
                    concurrency: Some(check_upload_concurrency("concurrency", concurrency)?),
                    timeout: seconds("timeout", timeout)?,
                    cancel,
                    on_progress: cb,
                };
                container
                    .upload(&path, &prefix, options)
                    .await
                    .map_err(|e| wait_failure(e, &failed))
            },
            |py, report| report.to_py(py),
        )
    }

    /// Checks a conversion's input (this is its input container) before it is started.
    #[pyo3(signature = (settings, event_loop=None))]
    fn preflight(
        &self,
        py: Python<'_>,
        settings: Bound<'_, PyAny>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let container = self.inner.clone();
        let settings = settings_from_py(&settings)?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                storage::preflight(&container, &settings)
                    .await
                    .map_err(Failure::from)
            },
            |py, p| p.to_py(py),
        )
    }

    /// The result file and log, in this (output) container, of the conversion started with
    /// `settings` (where they are depends on nothing else), or `None`.
    #[pyo3(signature = (settings, event_loop=None))]
    fn read_conversion_report(
        &self,
        py: Python<'_>,
        settings: Bound<'_, PyAny>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let container = self.inner.clone();
        let settings = settings_from_py(&settings)?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                storage::read_conversion_report_for_settings(&container, &settings)
                    .await
                    .map_err(Failure::from)
            },
            |py, r: Option<String>| r.to_py(py),
        )
    }

    #[pyo3(signature = (blob, event_loop=None))]
    fn exists(
        &self,
        py: Python<'_>,
        blob: String,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let container = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move { container.exists(&blob).await.map_err(Failure::from) },
            |py, found: bool| found.to_py(py),
        )
    }

    #[pyo3(signature = (prefix, event_loop=None))]
    fn list(
        &self,
        py: Python<'_>,
        prefix: String,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let container = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move { container.list(&prefix).await.map_err(Failure::from) },
            |py, names: Vec<String>| names.to_py(py),
        )
    }

    /// A blob's bytes, `None` when it does not exist; larger than `max_bytes`: INVALID_INPUT.
    #[pyo3(signature = (blob, max_bytes, event_loop=None))]
    fn read(
        &self,
        py: Python<'_>,
        blob: String,
        max_bytes: i64,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let container = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move {
                let max = u64::try_from(max_bytes).map_err(|_| {
                    Error::invalid_input("max_bytes", format!("must be 0 or more, got {max_bytes}"))
                })?;
                container.read(&blob, max).await.map_err(Failure::from)
            },
            |py, bytes| match bytes {
                Some(b) => Ok(PyBytes::new(py, &b).into_any().unbind()),
                None => Ok(py.None()),
            },
        )
    }

    fn __repr__(&self) -> String {
        format!("BlobContainer(container_uri={:?})", self.inner.uri())
    }
}

/// For the suite only: Azurite (the core's launcher, `testing::azurite`) on 127.0.0.1 and a
/// free port, its data in a fresh temporary folder; `stop()` (or collection) ends it by PID
/// and removes the folder. Starting fails with the reason (not installed: run `make azurite`).
#[pyclass(module = "remote_rendering._native", name = "_Azurite", frozen)]
pub struct PyAzurite {
    inner: std::sync::Mutex<Option<remote_rendering::testing::azurite::Azurite>>,
    port: u16,
    pid: u32,
    data_dir: PathBuf,
}

#[pymethods]
impl PyAzurite {
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        let az = py
            .detach(remote_rendering::testing::azurite::Azurite::start)
            .map_err(pyo3::exceptions::PyRuntimeError::new_err)?;
        Ok(PyAzurite {
            port: az.port(),
            pid: az.pid(),
            data_dir: az.data_dir().to_owned(),
            inner: std::sync::Mutex::new(Some(az)),
        })
    }

    /// Azurite's well-known development account (documented by Azurite; not a secret).
    #[classattr]
    const ACCOUNT: &'static str = remote_rendering::testing::azurite::ACCOUNT;

    /// Its well-known key (documented by Azurite; not a secret).
    #[classattr]
    const KEY: &'static str = remote_rendering::testing::azurite::KEY;

    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    #[getter]
    fn pid(&self) -> u32 {
        self.pid
    }

    #[getter]
    fn data_dir(&self) -> String {
        self.data_dir.display().to_string()
    }

    #[getter]
    fn blob_endpoint(&self) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            remote_rendering::testing::azurite::ACCOUNT
        )
    }

    /// Stops Azurite by its PID and removes its data (once; later calls do nothing).
    fn stop(&self, py: Python<'_>) {
        let az = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        py.detach(move || drop(az));
    }
}
