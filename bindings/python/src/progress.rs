//! Progress callbacks and the values every wait and upload shares: seconds from Python, a
//! callback's events routed to the caller's thread (blocking calls) or the event loop
//! (asyncio), and the error of a wait whose callback raised. Used by the client's waits and
//! the storage objects' uploads.

use crate::cancel::PyCancelToken;
use crate::models::ToPy;
use crate::runtime::Failure;
use pyo3::prelude::*;
use remote_rendering::{Error, WaitOptions};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Seconds from Python as a duration: finite and not negative.
pub(crate) fn seconds(field: &'static str, value: Option<f64>) -> Result<Option<Duration>, Error> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(Duration::from_secs_f64(v))),
        Some(v) => Err(Error::invalid_input(
            field,
            format!("must be a number of seconds, 0 or more, got {v}"),
        )),
    }
}

/// The exception a progress callback raised, if it did.
pub(crate) type CallbackFailure = Arc<Mutex<Option<PyErr>>>;

/// The progress callback of a wait: converts each resource to its model dict and calls
/// Python. An exception in the callback ends the wait and is raised from it.
pub(crate) fn progress<T: ToPy + Clone + Send + 'static>(
    callback: Option<Py<PyAny>>,
    event_loop: Option<&Bound<'_, PyAny>>,
    user_cancel: Option<&PyCancelToken>,
) -> (
    Option<remote_rendering::ProgressFn<T>>,
    CallbackFailure,
    Option<tokio_util::sync::CancellationToken>,
) {
    let (call, failed, cancel) = progress_fn(callback, event_loop, user_cancel);
    let call = call.map(|f| Box::new(f) as remote_rendering::ProgressFn<T>);
    (call, failed, cancel)
}

/// The callback of [`progress`] as a plain `Fn` (shared by an upload's tasks, which need it
/// `Sync` too): where each event goes, and the wait's own cancel token.
pub(crate) fn progress_fn<T: ToPy + Clone + Send + 'static>(
    callback: Option<Py<PyAny>>,
    event_loop: Option<&Bound<'_, PyAny>>,
    user_cancel: Option<&PyCancelToken>,
) -> (
    Option<impl Fn(&T) + Send + Sync + 'static>,
    CallbackFailure,
    Option<tokio_util::sync::CancellationToken>,
) {
    let failed: CallbackFailure = Arc::new(Mutex::new(None));
    // The wait's own token: cancelled with the caller's, or alone by a failing callback (which
    // must not cancel the caller's token, that may serve other waits too).
    let cancel = user_cancel.map(PyCancelToken::child);
    let Some(cb) = callback else {
        return (None, failed, cancel);
    };
    let cancel = cancel.unwrap_or_default();
    let sink = ProgressSink {
        callback: cb,
        failed: failed.clone(),
        cancel: cancel.clone(),
    };
    let route = match event_loop {
        None => Route::Blocking(Arc::new(sink)),
        Some(l) => Route::Loop {
            event_loop: l.clone().unbind(),
            sink: Python::attach(|py| Py::new(py, sink)).ok(),
        },
    };
    (
        Some(move |resource: &T| route.deliver(resource)),
        failed,
        Some(cancel),
    )
}

/// Where progress events go.
enum Route {
    /// Blocking calls: the callback runs on the caller's thread, inside the wait, between two
    /// turns of the runtime (so that it may make blocking calls itself).
    Blocking(Arc<ProgressSink>),
    /// asyncio: the callback runs on the event loop's thread, like any asyncio callback.
    Loop {
        event_loop: Py<PyAny>,
        sink: Option<Py<ProgressSink>>,
    },
}

impl Route {
    fn deliver<T: ToPy + Clone + Send + 'static>(&self, resource: &T) {
        match self {
            Route::Blocking(sink) => {
                let (resource, sink) = (resource.clone(), sink.clone());
                remote_rendering::blocking::defer(move || {
                    Python::attach(|py| {
                        if let Ok(d) = resource.to_py(py) {
                            sink.deliver(py, d.bind(py));
                        }
                    })
                })
            }
            Route::Loop { event_loop, sink } => Python::attach(|py| {
                if let (Ok(d), Some(sink)) = (resource.to_py(py), sink.as_ref()) {
                    let _ = event_loop
                        .bind(py)
                        .call_method1("call_soon_threadsafe", (sink.clone_ref(py), d));
                }
            }),
        }
    }
}

/// Calls a progress callback; an exception it raises ends the wait and is raised from it.
#[pyclass(module = "remote_rendering._native", frozen)]
pub struct ProgressSink {
    callback: Py<PyAny>,
    failed: CallbackFailure,
    cancel: tokio_util::sync::CancellationToken,
}

impl ProgressSink {
    fn deliver(&self, py: Python<'_>, resource: &Bound<'_, PyAny>) {
        if self.cancel.is_cancelled() {
            return;
        }
        if let Err(e) = self.callback.call1(py, (resource,)) {
            self.failed.lock().unwrap().get_or_insert(e);
            self.cancel.cancel();
        }
    }
}

#[pymethods]
impl ProgressSink {
    fn __call__(&self, py: Python<'_>, resource: Bound<'_, PyAny>) {
        self.deliver(py, &resource);
    }
}

pub(crate) fn wait_options<T>(
    poll_interval: Option<f64>,
    timeout: Option<f64>,
    on_progress: Option<remote_rendering::ProgressFn<T>>,
    cancel: Option<tokio_util::sync::CancellationToken>,
) -> Result<WaitOptions<T>, Error> {
    Ok(WaitOptions {
        poll_interval: seconds("poll_interval", poll_interval)?,
        timeout: seconds("timeout", timeout)?,
        cancel,
        on_progress,
    })
}

/// The error of a wait: the callback's exception if it ended the wait, else the core's.
pub(crate) fn wait_failure(e: Error, failed: &Mutex<Option<PyErr>>) -> Failure {
    match failed.lock().unwrap().take() {
        Some(py_err) => Failure::Py(py_err),
        None => Failure::Core(e),
    }
}
