//! The native client: every core operation, blocking or as an asyncio future (the Python
//! layer passes the running loop for the `aio` client). Results cross as the core's public
//! models (`models.rs`: dicts under the core's field names); the Python layer builds its
//! dataclasses from them.

use crate::cancel::PyCancelToken;
use crate::convert::error_to_py;
use crate::models::{settings_from_py, ToPy};
use crate::progress::{progress, seconds, wait_failure, wait_options};
use crate::runtime::{run, runtime, Failure};
use futures_util::stream::{BoxStream, StreamExt};
use pyo3::prelude::*;
use pyo3::types::PyList;
use remote_rendering::vocabulary::check_lease_minutes;
use remote_rendering::{
    Client, ClientConfig, Conversion, Credential, Error, LeaseKeeper, LeaseOptions, ManagedSession,
    RetryPolicy, SecretString, Session, SessionOptions, SessionSize,
};
use std::sync::{Arc, Mutex};

fn invalid(field: &'static str, rule: impl std::fmt::Display) -> Error {
    Error::invalid_input(field, rule)
}

/// A count of the lease keeper's minutes from Python as the core's type. The core owns the
/// rules (a step of at least one, a cap of at most 1440); this only refuses what `u32` cannot
/// hold, a negative number or one past 4294967295, which no rule of the core could see.
/// (A session's lease is checked by the core's `check_lease_minutes`, from any integer.)
fn minutes(field: &'static str, value: i64) -> Result<u32, Error> {
    u32::try_from(value).map_err(|_| {
        if value < 0 {
            invalid(field, format!("must be 0 or more, got {value}"))
        } else {
            invalid(field, format!("is too large, got {value}"))
        }
    })
}

/// A Python callable giving an Entra token, called on a blocking thread when the core needs
/// a new access token.
struct PyTokenProvider(Arc<Py<PyAny>>);

impl remote_rendering::TokenProvider for PyTokenProvider {
    fn entra_token(
        &self,
    ) -> remote_rendering::BoxFuture<'_, remote_rendering::Result<SecretString>> {
        let callable = self.0.clone();
        Box::pin(async move {
            let called = tokio::task::spawn_blocking(move || {
                Python::attach(|py| -> Result<String, String> {
                    let out = callable.call0(py).map_err(|e| e.to_string())?;
                    out.extract::<String>(py)
                        .map_err(|_| "the token provider must return the token as a str".to_owned())
                })
            })
            .await;
            match called {
                Ok(Ok(token)) => Ok(SecretString::new(token)),
                Ok(Err(why)) => Err(Error::new(
                    remote_rendering::ErrorKind::Unauthorized,
                    format!("the token provider failed: {why}"),
                )),
                Err(e) => Err(Error::new(
                    remote_rendering::ErrorKind::Unauthorized,
                    format!("the token provider failed: {e}"),
                )),
            }
        })
    }
}

pub(crate) fn model<T: ToPy>(py: Python<'_>, v: T) -> PyResult<Py<PyAny>> {
    v.to_py(py)
}

pub(crate) fn none(py: Python<'_>, _: ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
}

/// A client of one account. Rebuilt after a fork (its connections belong to the parent).
#[pyclass(module = "remote_rendering._native", name = "Client", frozen)]
pub struct PyClient {
    config: ClientConfig,
    current: Mutex<(u32, Client)>,
}

impl PyClient {
    fn client(&self) -> PyResult<Client> {
        let pid = std::process::id();
        let mut cur = self.current.lock().unwrap();
        if cur.0 != pid {
            let fresh = Client::from_config(self.config.clone())
                .map_err(|e| Python::attach(|py| error_to_py(py, e)))?;
            *cur = (pid, fresh);
        }
        Ok(cur.1.clone())
    }
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (*, account_id, credential_kind, credential_value=None, token_provider=None, endpoint=None,
        region=None, account_domain=None, sts_endpoint=None, poll_interval=None, request_timeout=None,
        max_attempts=None, max_concurrent_requests=None, ca_cert_pem=None, user_agent_suffix=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        account_id: String,
        credential_kind: &str,
        credential_value: Option<String>,
        token_provider: Option<Py<PyAny>>,
        endpoint: Option<String>,
        region: Option<String>,
        account_domain: Option<String>,
        sts_endpoint: Option<String>,
        poll_interval: Option<f64>,
        request_timeout: Option<f64>,
        max_attempts: Option<u32>,
        max_concurrent_requests: Option<u64>,
        ca_cert_pem: Option<String>,
        user_agent_suffix: Option<String>,
    ) -> PyResult<Self> {
        let build = || -> Result<ClientConfig, Error> {
            let credential =
                match (credential_kind, credential_value, token_provider) {
                    ("account_key", Some(k), _) => Credential::account_key(k),
                    ("access_token", Some(t), _) => Credential::access_token(t),
                    ("entra", _, Some(p)) => Credential::entra(PyTokenProvider(Arc::new(p))),
                    _ => return Err(invalid(
                        "credential",
                        "is required: an AccountKeyCredential, an AccessToken or a token provider",
                    )),
                };
            let mut b = Client::builder()
                .account_id(account_id)
                .credential(credential);
            if let Some(e) = endpoint {
                b = b.endpoint(e);
            }
            if let Some(r) = region {
                b = b.region(r);
            }
            if let Some(d) = account_domain {
                b = b.account_domain(d);
            }
            if let Some(s) = sts_endpoint {
                b = b.sts_endpoint(s);
            }
            if let Some(p) = seconds("poll_interval", poll_interval)? {
                b = b.poll_interval(p);
            }
            if let Some(t) = seconds("request_timeout", request_timeout)? {
                b = b.request_timeout(t);
            }
            if let Some(n) = max_attempts {
                b = b.retry_policy(RetryPolicy {
                    max_attempts: n,
                    ..RetryPolicy::default()
                });
            }
            if let Some(n) = max_concurrent_requests {
                b = b.max_concurrent_requests(n);
            }
            if let Some(pem) = ca_cert_pem {
                b = b.add_root_certificate_pem(pem.into_bytes());
            }
            let suffix = format!("python/{}", user_agent_suffix.unwrap_or_default());
            b.user_agent_suffix(suffix.trim_end_matches('/'))
                .build_config()
        };
        let config = build().map_err(|e| error_to_py(py, e))?;
        let client = Client::from_config(config.clone()).map_err(|e| error_to_py(py, e))?;
        Ok(PyClient {
            config,
            current: Mutex::new((std::process::id(), client)),
        })
    }

    #[getter]
    fn endpoint(&self) -> String {
        self.config.endpoint().to_owned()
    }

    #[getter]
    fn sts_endpoint(&self) -> String {
        self.config.sts_endpoint().to_owned()
    }

    #[getter]
    fn account_id(&self) -> String {
        self.config.account_id().to_owned()
    }

    #[getter]
    fn poll_interval(&self) -> f64 {
        self.config.poll_interval().as_secs_f64()
    }

    #[pyo3(signature = (session_id, size, lease_minutes, event_loop=None))]
    fn start_session(
        &self,
        py: Python<'_>,
        session_id: String,
        size: String,
        lease_minutes: i64,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                let minutes = check_lease_minutes("lease_minutes", lease_minutes)?;
                Ok(
                    c.start_session(&session_id, SessionSize::parse(&size), minutes)
                        .await?
                        .into_inner(),
                )
            },
            model,
        )
    }

    #[pyo3(signature = (session_id, event_loop=None))]
    fn get_session(
        &self,
        py: Python<'_>,
        session_id: String,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        run(
            py,
            event_loop.as_ref(),
            async move { Ok(c.get_session(&session_id).await?.into_inner()) },
            model,
        )
    }

    #[pyo3(signature = (session_id, lease_minutes, event_loop=None))]
    fn update_session(
        &self,
        py: Python<'_>,
        session_id: String,
        lease_minutes: i64,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                let minutes = check_lease_minutes("lease_minutes", lease_minutes)?;
                Ok(c.update_session(&session_id, minutes).await?.into_inner())
            },
            model,
        )
    }

    #[pyo3(signature = (session_id, event_loop=None))]
    fn stop_session(
        &self,
        py: Python<'_>,
        session_id: String,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                c.stop_session(&session_id)
                    .await
                    .map(drop)
                    .map_err(Failure::from)
            },
            none,
        )
    }

    fn list_sessions(&self) -> PyResult<PageStream> {
        let c = self.client()?;
        let stream = c.list_sessions().map(|r| r.map(Item::Session));
        Ok(PageStream::new(stream.boxed()))
    }

    #[pyo3(signature = (conversion_id, settings, event_loop=None))]
    fn start_conversion(
        &self,
        py: Python<'_>,
        conversion_id: String,
        settings: Bound<'_, PyAny>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        let settings = settings_from_py(&settings)?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                Ok(c.start_conversion(&conversion_id, settings)
                    .await?
                    .into_inner())
            },
            model,
        )
    }

    #[pyo3(signature = (conversion_id, event_loop=None))]
    fn get_conversion(
        &self,
        py: Python<'_>,
        conversion_id: String,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        run(
            py,
            event_loop.as_ref(),
            async move { Ok(c.get_conversion(&conversion_id).await?.into_inner()) },
            model,
        )
    }

    fn list_conversions(&self) -> PyResult<PageStream> {
        let c = self.client()?;
        let stream = c.list_conversions().map(|r| r.map(Item::Conversion));
        Ok(PageStream::new(stream.boxed()))
    }

    #[pyo3(signature = (session_id, poll_interval=None, timeout=None, on_progress=None, cancel=None, event_loop=None))]
    #[allow(clippy::too_many_arguments)]
    fn wait_for_session(
        &self,
        py: Python<'_>,
        session_id: String,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<PyRef<'_, PyCancelToken>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        let (cb, failed, cancel) = progress(on_progress, event_loop.as_ref(), cancel.as_deref());
        run(
            py,
            event_loop.as_ref(),
            async move {
                let options = wait_options(poll_interval, timeout, cb, cancel)?;
                c.wait_for_session(&session_id, options)
                    .await
                    .map_err(|e| wait_failure(e, &failed))
            },
            model,
        )
    }

    #[pyo3(signature = (conversion_id, poll_interval=None, timeout=None, on_progress=None, cancel=None, event_loop=None))]
    #[allow(clippy::too_many_arguments)]
    fn wait_for_conversion(
        &self,
        py: Python<'_>,
        conversion_id: String,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<PyRef<'_, PyCancelToken>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        let (cb, failed, cancel) = progress(on_progress, event_loop.as_ref(), cancel.as_deref());
        run(
            py,
            event_loop.as_ref(),
            async move {
                let options = wait_options(poll_interval, timeout, cb, cancel)?;
                c.wait_for_conversion(&conversion_id, options)
                    .await
                    .map_err(|e| wait_failure(e, &failed))
            },
            model,
        )
    }

    /// `wait_for_conversion`, and when the conversion failed, its result file and log read
    /// back from `output` into the error's `conversion_report`.
    #[pyo3(signature = (conversion_id, output, poll_interval=None, timeout=None, on_progress=None, cancel=None, event_loop=None))]
    #[allow(clippy::too_many_arguments)]
    fn wait_for_conversion_with_report(
        &self,
        py: Python<'_>,
        conversion_id: String,
        output: PyRef<'_, crate::storage::PyBlobContainer>,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<PyRef<'_, PyCancelToken>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        let output = output.inner().clone();
        let (cb, failed, cancel) = progress(on_progress, event_loop.as_ref(), cancel.as_deref());
        run(
            py,
            event_loop.as_ref(),
            async move {
                let options = wait_options(poll_interval, timeout, cb, cancel)?;
                c.wait_for_conversion_with_report(&conversion_id, options, &output)
                    .await
                    .map_err(|e| wait_failure(e, &failed))
            },
            model,
        )
    }

    /// A conversion id from the hash of a local input and the settings (nothing is sent).
    #[pyo3(signature = (path, settings, event_loop=None))]
    fn content_conversion_id(
        &self,
        py: Python<'_>,
        path: std::path::PathBuf,
        settings: Bound<'_, PyAny>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let settings = settings_from_py(&settings)?;
        run(
            py,
            event_loop.as_ref(),
            async move {
                remote_rendering::storage::content_conversion_id(&path, &settings)
                    .await
                    .map_err(Failure::from)
            },
            |py, id: String| id.to_py(py),
        )
    }

    /// One result per id: a session dict, or the exception for that session.
    #[pyo3(signature = (session_ids, poll_interval=None, timeout=None, on_progress=None, cancel=None, event_loop=None))]
    #[allow(clippy::too_many_arguments)]
    fn wait_for_sessions(
        &self,
        py: Python<'_>,
        session_ids: Vec<String>,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<PyRef<'_, PyCancelToken>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        let (cb, failed, cancel) = progress(on_progress, event_loop.as_ref(), cancel.as_deref());
        run(
            py,
            event_loop.as_ref(),
            async move {
                let options = wait_options(poll_interval, timeout, cb, cancel)?;
                let results = c
                    .wait_for_sessions(&session_ids, options)
                    .await
                    .map_err(|e| wait_failure(e, &failed))?;
                // A failing callback cancels the fleet wait, which then reports every session as
                // cancelled: the callback's exception is the answer.
                if let Some(py_err) = failed.lock().unwrap().take() {
                    return Err(Failure::Py(py_err));
                }
                Ok(results)
            },
            |py, results| {
                let list = PyList::empty(py);
                for r in results {
                    match r {
                        Ok(s) => list.append(s.to_py(py)?)?,
                        Err(e) => list.append(error_to_py(py, e).into_value(py))?,
                    }
                }
                Ok(list.into_any().unbind())
            },
        )
    }

    /// Starts, waits for Ready and keeps alive; the returned handle stops the session.
    #[pyo3(signature = (session_id, size, lease_minutes, keep_alive=None, poll_interval=None, timeout=None,
        on_progress=None, cancel=None, event_loop=None))]
    #[allow(clippy::too_many_arguments)]
    fn open_session(
        &self,
        py: Python<'_>,
        session_id: Option<String>,
        size: String,
        lease_minutes: i64,
        keep_alive: Option<Bound<'_, PyAny>>,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<PyRef<'_, PyCancelToken>>,
        event_loop: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client()?;
        let keep_alive = keep_alive.map(|k| lease_options(&k)).transpose()?;
        let (cb, failed, cancel) = progress(on_progress, event_loop.as_ref(), cancel.as_deref());
        run(
            py,
            event_loop.as_ref(),
            async move {
                let keep_alive = keep_alive.transpose()?;
                let options = SessionOptions {
                    id: session_id,
                    size: SessionSize::parse(&size),
                    lease_minutes: check_lease_minutes("lease_minutes", lease_minutes)?,
                    keep_alive,
                    wait: wait_options(poll_interval, timeout, cb, cancel)?,
                };
                c.open_session(options)
                    .await
                    .map_err(|e| wait_failure(e, &failed))
            },
            |py, managed| {
                let session = managed.session().to_py(py)?;
                Ok(Py::new(
                    py,
                    PyManagedSession {
                        session,
                        inner: Arc::new(tokio::sync::Mutex::new(Some(managed))),
                    },
                )?
                .into_any())
            },
        )
    }

    #[pyo3(signature = (session_id, keep_alive))]
    fn keep_alive(
        &self,
        py: Python<'_>,
        session_id: String,
        keep_alive: Bound<'_, PyAny>,
    ) -> PyResult<PyLeaseKeeper> {
        let c = self.client()?;
        let options = lease_options(&keep_alive)?.map_err(|e| error_to_py(py, e))?;
        let rt = runtime();
        let _entered = rt.enter();
        let keeper = c
            .keep_alive(&session_id, options)
            .map_err(|e| error_to_py(py, e))?;
        Ok(PyLeaseKeeper {
            inner: Arc::new(tokio::sync::Mutex::new(Some(keeper))),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Client(endpoint={:?}, account_id={:?})",
            self.config.endpoint(),
            self.config.account_id()
        )
    }
}

/// Lease options from a dict with optional `step_minutes`, `margin_minutes`,
/// `max_total_minutes`, `check_interval` (seconds), `stop_on_drop`, `budget` (an amount) and
/// `cost_rates` (a dict with `standard_per_hour` and `premium_per_hour`); the core checks them.
fn lease_options(d: &Bound<'_, PyAny>) -> PyResult<Result<LeaseOptions, Error>> {
    let get = |k: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        let v = d.get_item(k).ok().filter(|v| !v.is_none());
        Ok(v)
    };
    let mut o = LeaseOptions::default();
    let minutes = |field: &'static str,
                   v: Option<Bound<'_, PyAny>>|
     -> PyResult<Result<Option<u32>, Error>> {
        match v {
            None => Ok(Ok(None)),
            Some(v) => {
                let n: i64 = v.extract()?;
                Ok(minutes(field, n).map(Some))
            }
        }
    };
    macro_rules! set {
        ($field:ident, $name:literal) => {
            match minutes($name, get(stringify!($field))?)? {
                Ok(Some(v)) => o.$field = v,
                Ok(None) => {}
                Err(e) => return Ok(Err(e)),
            }
        };
    }
    set!(step_minutes, "lease.step_minutes");
    set!(margin_minutes, "lease.margin_minutes");
    set!(max_total_minutes, "lease.max_total_minutes");
    if let Some(v) = get("check_interval")? {
        match seconds("lease.check_interval", Some(v.extract()?)) {
            Ok(Some(d)) => o.check_interval = d,
            Ok(None) => {}
            Err(e) => return Ok(Err(e)),
        }
    }
    if let Some(v) = get("stop_on_drop")? {
        o.stop_on_drop = v.is_truthy()?;
    }
    if let Some(v) = get("budget")? {
        o.budget = Some(v.extract()?);
    }
    if let Some(rates) = get("cost_rates")? {
        let rate = |k: &str| -> PyResult<Option<f64>> {
            match rates.get_item(k).ok().filter(|v| !v.is_none()) {
                Some(v) => Ok(Some(v.extract()?)),
                None => Ok(None),
            }
        };
        o.cost_rates = Some(remote_rendering::CostRates {
            standard_per_hour: rate("standard_per_hour")?,
            premium_per_hour: rate("premium_per_hour")?,
        });
    }
    Ok(Ok(o))
}

/// One item of a list.
enum Item {
    Session(Session),
    Conversion(Conversion),
}

impl ToPy for Item {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Item::Session(s) => s.to_py(py),
            Item::Conversion(c) => c.to_py(py),
        }
    }
}

type Items = BoxStream<'static, remote_rendering::Result<Item>>;

/// Pages of a list, read as the iterator advances.
#[pyclass(module = "remote_rendering._native", frozen)]
pub struct PageStream {
    stream: Arc<tokio::sync::Mutex<Items>>,
}

impl PageStream {
    fn new(stream: Items) -> Self {
        PageStream {
            stream: Arc::new(tokio::sync::Mutex::new(stream)),
        }
    }
}

#[pymethods]
impl PageStream {
    /// The next item (a model dict), or `None` at the end.
    #[pyo3(signature = (event_loop=None))]
    fn next(&self, py: Python<'_>, event_loop: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let stream = self.stream.clone();
        run(
            py,
            event_loop.as_ref(),
            async move {
                let item = stream.lock().await.next().await;
                item.transpose().map_err(Failure::from)
            },
            |py, v: Option<Item>| v.to_py(py),
        )
    }
}

/// A Ready session that is stopped when closed (or collected).
#[pyclass(module = "remote_rendering._native", frozen)]
pub struct PyManagedSession {
    session: Py<PyAny>,
    inner: Arc<tokio::sync::Mutex<Option<ManagedSession>>>,
}

#[pymethods]
impl PyManagedSession {
    #[getter]
    fn session(&self, py: Python<'_>) -> Py<PyAny> {
        self.session.clone_ref(py)
    }

    /// Lease extensions so far (0 without a keeper).
    fn extensions(&self) -> u32 {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| {
                g.as_ref()
                    .and_then(|m| m.keeper().map(LeaseKeeper::extensions))
            })
            .unwrap_or(0)
    }

    /// Stops the session (once; later calls do nothing).
    #[pyo3(signature = (event_loop=None))]
    fn close(&self, py: Python<'_>, event_loop: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move {
                let managed = inner.lock().await.take();
                match managed {
                    Some(m) => m.close().await.map_err(Failure::from),
                    None => Ok(()),
                }
            },
            none,
        )
    }
}

/// A running lease keeper.
#[pyclass(module = "remote_rendering._native", frozen)]
pub struct PyLeaseKeeper {
    inner: Arc<tokio::sync::Mutex<Option<LeaseKeeper>>>,
}

#[pymethods]
impl PyLeaseKeeper {
    fn extensions(&self) -> u32 {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(LeaseKeeper::extensions))
            .unwrap_or(0)
    }

    fn is_finished(&self) -> bool {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(LeaseKeeper::is_finished))
            .unwrap_or(true)
    }

    fn stopped_by_budget(&self) -> bool {
        self.inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(LeaseKeeper::stopped_by_budget))
            .unwrap_or(false)
    }

    fn latest(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let latest = self
            .inner
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().and_then(LeaseKeeper::latest));
        match latest {
            Some(s) => s.to_py(py),
            None => Ok(py.None()),
        }
    }

    /// Ends the renewals and stops the session (if the keeper stops on drop).
    #[pyo3(signature = (event_loop=None))]
    fn close(&self, py: Python<'_>, event_loop: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move {
                let keeper = inner.lock().await.take();
                match keeper {
                    Some(k) => k.close().await.map_err(Failure::from),
                    None => Ok(()),
                }
            },
            none,
        )
    }

    /// Ends the renewals and leaves the session running.
    #[pyo3(signature = (event_loop=None))]
    fn detach(&self, py: Python<'_>, event_loop: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        run(
            py,
            event_loop.as_ref(),
            async move {
                let keeper = inner.lock().await.take();
                if let Some(k) = keeper {
                    k.detach().await;
                }
                Ok::<(), Failure>(())
            },
            none,
        )
    }
}
