//! The embedded emulator, for Python test suites: runs on a runtime of its own in a background
//! thread, so it works the same under sync code, asyncio and pytest.

use crate::convert::to_py;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use remote_rendering::SecretString;
use remote_rendering_emulator::{
    Account, Emulator, EmulatorConfig, FaultPlan, ServiceError, TlsConfig,
};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

fn secs(field: &str, v: f64) -> PyResult<Duration> {
    if v.is_finite() && v >= 0.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(PyValueError::new_err(format!(
            "{field}: must be a number of seconds, 0 or more, got {v}"
        )))
    }
}

#[pyclass(module = "remote_rendering._native", name = "Emulator", frozen)]
pub struct PyEmulator {
    inner: Mutex<Option<Emulator>>,
    info: remote_rendering_emulator::EmulatorInfo,
}

impl PyEmulator {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> T) -> PyResult<T> {
        let guard = self.inner.lock().unwrap();
        guard
            .as_ref()
            .map(f)
            .ok_or_else(|| PyRuntimeError::new_err("the emulator is stopped"))
    }
}

fn string_error(e: String) -> PyErr {
    PyValueError::new_err(e)
}

/// The emulator's defaults of the options Python exposes (seconds for durations), for the
/// signature of `remote_rendering.emulator.Emulator`.
#[pyfunction]
pub fn emulator_defaults(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let d = EmulatorConfig::default();
    let out = pyo3::types::PyDict::new(py);
    out.set_item("startup_delay", d.startup_delay.as_secs_f64())?;
    out.set_item("conversion_duration", d.conversion_duration.as_secs_f64())?;
    out.set_item("time_scale", d.time_scale)?;
    out.set_item("page_size", d.page_size)?;
    out.set_item("seed", d.seed)?;
    out.set_item("token_lifetime", d.token_lifetime.as_secs_f64())?;
    Ok(out.into_any().unbind())
}

#[pymethods]
impl PyEmulator {
    #[new]
    /// Every option left out (`None`) is the emulator's own default (`EmulatorConfig::default()`,
    /// the same as its CLI's), so no default is restated here.
    #[pyo3(signature = (*, startup_delay=None, conversion_duration=None, time_scale=None, page_size=None,
        faults=None, seed=None, tls=false, cert_out=None, state_file=None, storage_root=None, linked_storage=None,
        region=None, token_lifetime=None, accounts=None, listen=None, blob_storage=false, storage_account_keys=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        startup_delay: Option<f64>,
        conversion_duration: Option<f64>,
        time_scale: Option<f64>,
        page_size: Option<usize>,
        faults: Option<String>,
        seed: Option<u64>,
        tls: bool,
        cert_out: Option<PathBuf>,
        state_file: Option<PathBuf>,
        storage_root: Option<PathBuf>,
        linked_storage: Option<Vec<String>>,
        region: Option<String>,
        token_lifetime: Option<f64>,
        accounts: Option<Vec<(String, String)>>,
        listen: Option<String>,
        blob_storage: bool,
        storage_account_keys: Option<Vec<(String, String)>>,
    ) -> PyResult<Self> {
        let defaults = EmulatorConfig::default();
        let or = |field: &str, v: Option<f64>, d: Duration| v.map_or(Ok(d), |v| secs(field, v));
        let mut config = EmulatorConfig {
            startup_delay: or("startup_delay", startup_delay, defaults.startup_delay)?,
            conversion_duration: or(
                "conversion_duration",
                conversion_duration,
                defaults.conversion_duration,
            )?,
            time_scale: time_scale.unwrap_or(defaults.time_scale),
            page_size: page_size.unwrap_or(defaults.page_size),
            faults: faults
                .as_deref()
                .map(FaultPlan::parse)
                .transpose()
                .map_err(string_error)?
                .unwrap_or_default(),
            seed: seed.unwrap_or(defaults.seed),
            tls: tls.then_some(TlsConfig { cert_out }),
            state_file,
            storage_root,
            linked_storage: linked_storage.unwrap_or_default(),
            token_lifetime: or("token_lifetime", token_lifetime, defaults.token_lifetime)?,
            accounts: accounts
                .unwrap_or_default()
                .into_iter()
                .map(|(id, key)| Account::new(id, key))
                .collect(),
            blob_storage,
            // Secrets: never repeated in an error (the emulator names the account only).
            storage_account_keys: storage_account_keys
                .unwrap_or_default()
                .into_iter()
                .map(|(name, key)| (name, SecretString::new(key)))
                .collect(),
            ..defaults
        };
        if let Some(r) = region {
            config.region = r;
        }
        if let Some(l) = listen {
            config.listen = l
                .parse()
                .map_err(|e| PyValueError::new_err(format!("listen: {e}")))?;
        }
        let emu = py
            .detach(|| Emulator::start_blocking(config))
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let info = emu.info().clone();
        Ok(PyEmulator {
            inner: Mutex::new(Some(emu)),
            info,
        })
    }

    #[getter]
    fn endpoint(&self) -> String {
        self.info.endpoint.clone()
    }

    #[getter]
    fn sts_endpoint(&self) -> String {
        self.info.sts_endpoint.clone()
    }

    #[getter]
    fn account_id(&self) -> String {
        self.info.account_id.clone()
    }

    #[getter]
    fn account_key(&self) -> String {
        self.info.account_key.expose().to_owned()
    }

    #[getter]
    fn account_domain(&self) -> String {
        self.info.account_domain.clone()
    }

    #[getter]
    fn ca_cert(&self) -> Option<String> {
        self.info.ca_cert.as_ref().map(|p| p.display().to_string())
    }

    fn advance_clock(&self, seconds: f64) -> PyResult<()> {
        let d = secs("seconds", seconds)?;
        self.with(|e| e.advance_clock(d))
    }

    #[pyo3(signature = (spec, seed=0))]
    fn set_faults(&self, spec: &str, seed: u64) -> PyResult<()> {
        let plan = FaultPlan::parse(spec).map_err(string_error)?;
        self.with(|e| e.set_faults(plan, seed))
    }

    fn clear_faults(&self) -> PyResult<()> {
        self.with(Emulator::clear_faults)
    }

    fn stats(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let stats = self.with(Emulator::stats)?;
        to_py(py, &serde_json::to_value(stats).expect("stats serialise"))
    }

    fn reset_stats(&self) -> PyResult<()> {
        self.with(Emulator::reset_stats)
    }

    #[pyo3(signature = (session_id, code=None, message=None, account_id=None))]
    fn fail_session(
        &self,
        session_id: &str,
        code: Option<String>,
        message: Option<String>,
        account_id: Option<String>,
    ) -> PyResult<()> {
        let account = account_id.unwrap_or_else(|| self.info.account_id.clone());
        let error = code.map(|c| ServiceError::new(c, message.unwrap_or_default()));
        self.with(|e| e.fail_session(&account, session_id, error))?
            .map_err(string_error)
    }

    #[pyo3(signature = (conversion_id, code=None, message=None, account_id=None))]
    fn fail_conversion(
        &self,
        conversion_id: &str,
        code: Option<String>,
        message: Option<String>,
        account_id: Option<String>,
    ) -> PyResult<()> {
        let account = account_id.unwrap_or_else(|| self.info.account_id.clone());
        let error = code.map(|c| ServiceError::new(c, message.unwrap_or_default()));
        self.with(|e| e.fail_conversion(&account, conversion_id, error))?
            .map_err(string_error)
    }

    #[pyo3(signature = (conversion_id, account_id=None))]
    fn cancel_conversion(&self, conversion_id: &str, account_id: Option<String>) -> PyResult<()> {
        let account = account_id.unwrap_or_else(|| self.info.account_id.clone());
        self.with(|e| e.cancel_conversion(&account, conversion_id))?
            .map_err(string_error)
    }

    #[pyo3(signature = (account_id=None))]
    fn revoke_tokens(&self, account_id: Option<String>) -> PyResult<()> {
        let account = account_id.unwrap_or_else(|| self.info.account_id.clone());
        self.with(|e| e.revoke_tokens(&account))?
            .map_err(string_error)
    }

    /// Stops the server (waits for open connections and the state file).
    fn stop(&self, py: Python<'_>) {
        let emu = self.inner.lock().unwrap().take();
        if let Some(e) = emu {
            py.detach(move || e.shutdown_blocking());
        }
    }

    #[getter]
    fn running(&self) -> bool {
        self.inner.lock().unwrap().is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "Emulator(endpoint={:?}, account_id={:?})",
            self.info.endpoint, self.info.account_id
        )
    }
}
