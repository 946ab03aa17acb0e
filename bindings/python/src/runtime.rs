//! The tokio runtime behind every call, and the two ways Python waits for a Rust future:
//! blocking (GIL released, Ctrl-C noticed within 100 ms) or as an asyncio future (cancelling
//! it aborts the Rust task).
//!
//! A panic inside a call (a bug of the core or of this binding) is caught where the future is
//! polled and raised as `InternalError`, blocking or asyncio: it never unwinds into Python and
//! never leaves an asyncio future pending forever.
//!
//! The runtime is rebuilt in a child after `os.fork()`: the parent's worker threads do not
//! exist there. The parent's runtime is leaked in the child, never dropped (dropping it would
//! wait for threads that are gone).

use futures_util::FutureExt;
use pyo3::prelude::*;
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of this process (built on first use, and again after a fork).
pub fn runtime() -> Arc<Runtime> {
    let pid = std::process::id();
    let mut guard = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = guard.as_ref() {
        if *owner == pid {
            return rt.clone();
        }
    }
    if let Some((_, inherited)) = guard.take() {
        // Forked: the inherited runtime's threads are gone; never run its destructor.
        std::mem::forget(inherited);
    }
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("remote-rendering")
            .enable_all()
            .build()
            .expect("the tokio runtime starts"),
    );
    *guard = Some((pid, rt.clone()));
    rt
}

/// How often a blocking wait looks for Ctrl-C.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `fut` to completion with the GIL released, checking for signals (Ctrl-C) every 100 ms.
/// On a signal the future is dropped, which cancels it, and the signal's exception is raised.
pub fn block_on<F>(py: Python<'_>, fut: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime();
    let mut fut = Box::pin(fut);
    // A blocking call made from inside another one (a progress callback calling the client)
    // runs on a thread that is already in the runtime: step out of it first.
    let nested = tokio::runtime::Handle::try_current().is_ok();
    loop {
        let step = py.detach(|| {
            let mut drive =
                || rt.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut fut).await });
            if nested {
                tokio::task::block_in_place(drive)
            } else {
                drive()
            }
        });
        match step {
            Ok(out) => return Ok(out),
            Err(_) => py.check_signals()?,
        }
    }
}

/// Cancels a Rust task when its asyncio future is cancelled (an asyncio done-callback).
#[pyclass(module = "remote_rendering._native")]
pub struct Canceller {
    abort: tokio::task::AbortHandle,
}

#[pymethods]
impl Canceller {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.abort.abort();
        }
        Ok(())
    }
}

/// Why a call failed: in the core, or in Python code it called (a progress callback).
pub enum Failure {
    Core(remote_rendering::Error),
    Py(PyErr),
}

impl From<remote_rendering::Error> for Failure {
    fn from(e: remote_rendering::Error) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Core(e) => crate::convert::error_to_py(py, e),
            Failure::Py(e) => e,
        }
    }
}

pub type Outcome<T> = Result<T, Failure>;

/// The `INTERNAL_ERROR` of a caught panic, with its message.
fn panicked(payload: Box<dyn Any + Send>) -> Failure {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    Failure::Core(remote_rendering::Error::new(
        remote_rendering::ErrorKind::Internal,
        format!("internal error (a bug of remote-rendering, please report it): {what}"),
    ))
}

/// `fut` with its panics caught as `InternalError`.
fn unwind_safe<F, T>(fut: F) -> impl Future<Output = Outcome<T>> + Send
where
    F: Future<Output = Outcome<T>> + Send,
{
    AssertUnwindSafe(fut)
        .catch_unwind()
        .map(|r| r.unwrap_or_else(|payload| Err(panicked(payload))))
}

/// Runs `fut` blocking (no event loop given) or as an asyncio future of `event_loop`, and
/// converts its result to a Python object.
pub fn run<F, T>(
    py: Python<'_>,
    event_loop: Option<&Bound<'_, PyAny>>,
    fut: F,
    convert: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Outcome<T>> + Send + 'static,
    T: Send + 'static,
{
    let fut = unwind_safe(fut);
    match event_loop {
        None => match block_on(py, fut)? {
            Ok(v) => convert(py, v),
            Err(f) => Err(f.into_pyerr(py)),
        },
        Some(l) => spawn_for_asyncio(py, l, fut, convert),
    }
}

/// Starts `fut` on the runtime and returns an asyncio future of `event_loop` that completes
/// with `convert(result)`. Cancelling the asyncio future aborts the task.
pub fn spawn_for_asyncio<F, T>(
    py: Python<'_>,
    event_loop: &Bound<'_, PyAny>,
    fut: F,
    convert: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Outcome<T>> + Send + 'static,
    T: Send + 'static,
{
    let py_future = event_loop.call_method0("create_future")?;
    let resolve = py
        .import("remote_rendering._aio")?
        .getattr("resolve")?
        .unbind();
    let loop_ref = event_loop.clone().unbind();
    let fut_ref = py_future.clone().unbind();
    let fut = unwind_safe(fut);
    let task = runtime().spawn(async move {
        let out = fut.await;
        Python::attach(|py| {
            let converted = match out {
                Ok(v) => convert(py, v),
                Err(f) => Err(f.into_pyerr(py)),
            };
            let (ok, value) = match converted {
                Ok(v) => (true, v),
                Err(e) => (false, e.into_value(py).into_any()),
            };
            // A closed loop cannot be told any more; the caller is gone.
            let _ = loop_ref
                .bind(py)
                .call_method1("call_soon_threadsafe", (resolve, fut_ref, ok, value));
        });
    });
    py_future.call_method1(
        "add_done_callback",
        (Canceller {
            abort: task.abort_handle(),
        },),
    )?;
    Ok(py_future.unbind())
}
