//! The runtimes behind every call, and the two ways Python waits for a Rust future: blocking
//! (GIL released, driven on the calling thread by the core's `blocking::Driver`, Ctrl-C
//! noticed within 100 ms) or as an asyncio future (on a one-worker runtime; cancelling it
//! aborts the Rust task). Lease keepers run on a two-worker runtime.
//!
//! A panic inside a call (a bug of the core or of this binding) is caught where the future is
//! polled and raised as `InternalError`, blocking or asyncio: it never unwinds into Python and
//! never leaves an asyncio future pending forever.
//!
//! The runtime is rebuilt in a child after `os.fork()`: the parent's worker threads do not
//! exist there. The parent's runtime is leaked in the child, never dropped (dropping it would
//! wait for threads that are gone).

use futures_util::FutureExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use remote_rendering::blocking::Driver;
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);
static DRIVER: Mutex<Option<(u32, Arc<Driver>)>> = Mutex::new(None);
static AIO_RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of blocking calls in this process (built on first use, and again after a fork;
/// the parent's is leaked in the child, whose copy of its background thread does not exist).
pub fn driver() -> Arc<Driver> {
    let pid = std::process::id();
    let mut guard = DRIVER.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, d)) = guard.as_ref() {
        if *owner == pid {
            return d.clone();
        }
    }
    if let Some((_, inherited)) = guard.take() {
        std::mem::forget(inherited);
    }
    let d =
        Arc::new(Driver::new("remote-rendering").expect("the runtime of blocking calls starts"));
    *guard = Some((pid, d.clone()));
    d
}

/// The runtime of lease keepers in this process (built on first use, and again after a fork).
pub fn runtime() -> Arc<Runtime> {
    process_runtime(&RUNTIME, 2, "remote-rendering")
}

/// The runtime of asyncio calls: one worker. A call spawned from an event loop wakes that one
/// worker; with the two workers of [`runtime`], the woken worker also woke the other to go on
/// searching for work (tokio's hand-over of the searching state), which found nothing and
/// parked again: two context switches per call for nothing. Connections and tokens are the
/// client's, shared with blocking calls whichever runtime drives them.
pub fn aio_runtime() -> Arc<Runtime> {
    process_runtime(&AIO_RUNTIME, 1, "remote-rendering-aio")
}

fn process_runtime(
    slot: &Mutex<Option<(u32, Arc<Runtime>)>>,
    workers: usize,
    name: &str,
) -> Arc<Runtime> {
    let pid = std::process::id();
    let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
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
            .worker_threads(workers)
            .thread_name(name)
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
    let driver = driver();
    let mut fut = Box::pin(fut);
    // A progress callback that calls the client runs between two turns (it is deferred), so
    // it never blocks inside the runtime; a blocking call from an asyncio worker's callback
    // steps out of that runtime (the driver sees to both).
    loop {
        let step = py.detach(|| {
            driver.block_on("a blocking call", async {
                tokio::time::timeout(SIGNAL_CHECK, &mut fut).await
            })
        });
        match step {
            Ok(Ok(out)) => return Ok(out),
            Ok(Err(_)) => py.check_signals()?,
            Err(e) => return Err(crate::convert::error_to_py(py, e)),
        }
    }
}

/// Cancels a Rust task when its asyncio future is cancelled (`NativeFuture.cancel` calls it).
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
    Failure::Core(remote_rendering::Error::from_panic(&*payload))
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
///
/// The worker that finishes `fut` never takes the GIL: it queues the result on the loop's
/// [`Completions`] and, when the queue was empty, wakes the loop through a socket the loop
/// watches; the loop's thread converts the result and completes the future. (Taking the GIL
/// on the worker to call `loop.call_soon_threadsafe` contended with the loop's thread for the
/// GIL and cost a Python handle and a Python `resolve` per call.) Loops without `add_reader`
/// (not a selector loop) are told through `call_soon_threadsafe` as before.
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
    // `remote_rendering._aio.NativeFuture`: its `cancel` aborts the task (`_abort` below).
    static NATIVE_FUTURE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let kwargs = PyDict::new(py);
    kwargs.set_item(intern!(py, "loop"), event_loop)?;
    let py_future = NATIVE_FUTURE
        .import(py, "remote_rendering._aio", "NativeFuture")?
        .call((), Some(&kwargs))?;
    let fut_ref = py_future.clone().unbind();
    // Boxed first: the request's future is several KiB, and every move below (into the task's
    // async block, into the task) would otherwise copy it.
    let fut = unwind_safe(Box::pin(fut));
    let finish = move |py: Python<'_>, out: Outcome<T>| match out {
        Ok(v) => convert(py, v),
        Err(f) => Err(f.into_pyerr(py)),
    };
    let task = match completions_of(py, event_loop)? {
        Some(queue) => aio_runtime().spawn(async move {
            let out = fut.await;
            queue.push(fut_ref, Box::new(move |py| finish(py, out)));
        }),
        None => {
            let complete = py
                .import("remote_rendering._aio")?
                .getattr("complete")?
                .unbind();
            let loop_ref = event_loop.clone().unbind();
            aio_runtime().spawn(async move {
                let out = fut.await;
                Python::attach(|py| {
                    let (ok, value) = match finish(py, out) {
                        Ok(v) => (true, v),
                        Err(e) => (false, e.into_value(py).into_any()),
                    };
                    // A closed loop cannot be told any more; the caller is gone.
                    let _ = loop_ref
                        .bind(py)
                        .call_method1("call_soon_threadsafe", (complete, fut_ref, ok, value));
                });
            })
        }
    };
    py_future.setattr(
        intern!(py, "_abort"),
        Canceller {
            abort: task.abort_handle(),
        },
    )?;
    py_future.setattr(intern!(py, "_wakeup"), py.None())?;
    Ok(py_future.unbind())
}

/// What completes one asyncio future on its loop's thread (with the GIL): the converted result.
type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// The finished calls of one event loop, waiting for its thread: filled by the runtime's
/// workers without the GIL, drained by [`Drain`] (the loop's reader of `wake_rx`). A hand-made
/// queue rather than a channel crate: a `Mutex<Vec>` swapped out whole per wake-up is all it
/// needs, and the wake-up must be a file descriptor the loop's selector can watch.
#[cfg(unix)]
pub struct Completions {
    queue: Mutex<Vec<(Py<PyAny>, Finish)>>,
    wake_tx: std::os::unix::net::UnixStream,
    wake_rx: std::os::unix::net::UnixStream,
}

#[cfg(unix)]
impl Completions {
    fn new() -> std::io::Result<Self> {
        let (wake_tx, wake_rx) = std::os::unix::net::UnixStream::pair()?;
        wake_tx.set_nonblocking(true)?;
        wake_rx.set_nonblocking(true)?;
        Ok(Completions {
            queue: Mutex::new(Vec::new()),
            wake_tx,
            wake_rx,
        })
    }

    /// Queues a finished call (any thread, no GIL); wakes the loop when it has nothing queued
    /// yet (a later push is drained with the first, in the same wake-up).
    fn push(&self, future: Py<PyAny>, finish: Finish) {
        let first = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.push((future, finish));
            q.len() == 1
        };
        if first {
            use std::io::Write;
            // A full socket already holds a wake-up the loop has not read: nothing is lost.
            let _ = (&self.wake_tx).write(&[1]);
        }
    }
}

/// The reader the loop calls when `wake_rx` is readable: completes every queued future and
/// resumes its task right away (see `remote_rendering._aio.NativeFuture`).
#[cfg(unix)]
#[pyclass(module = "remote_rendering._native", frozen)]
pub struct Drain {
    completions: Arc<Completions>,
}

#[cfg(unix)]
#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        use std::io::Read;
        // Read the wake-ups before taking the queue: a push after the take writes a new one.
        // One read: a push writes a byte only onto an empty queue, so there are rarely more
        // than one or two, and any left keep the socket readable (the loop calls again).
        let mut buf = [0u8; 64];
        let _ = (&self.completions.wake_rx).read(&mut buf);
        let done = std::mem::take(
            &mut *self
                .completions
                .queue
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        let mut done = done.into_iter();
        while let Some((future, finish)) = done.next() {
            if let Err(e) = complete(py, future.bind(py), finish) {
                // A `KeyboardInterrupt` or `SystemExit` out of a task stops the loop, as out of
                // any loop callback: the calls not completed yet wait for the next wake-up.
                let rest: Vec<_> = done.collect();
                if !rest.is_empty() {
                    let mut q = self
                        .completions
                        .queue
                        .lock()
                        .unwrap_or_else(|p| p.into_inner());
                    let first = q.is_empty();
                    q.splice(0..0, rest);
                    if first {
                        use std::io::Write;
                        let _ = (&self.completions.wake_tx).write(&[1]);
                    }
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

/// Completes one future with its call's result and runs its task's wake-up in the task's
/// context (as the loop would have, one iteration later). An `Exception` out of that goes to
/// the loop's exception handler, as out of any loop callback; only a `BaseException` that is not
/// one (`KeyboardInterrupt`, `SystemExit`) is returned.
#[cfg(unix)]
fn complete(py: Python<'_>, future: &Bound<'_, PyAny>, finish: Finish) -> PyResult<()> {
    static SET_RESULT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static SET_EXCEPTION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    // A cancelled task's future is done already: nothing to tell.
    if future
        .call_method0(intern!(py, "done"))
        .and_then(|d| d.is_truthy())
        .unwrap_or(true)
    {
        return Ok(());
    }
    // `asyncio.Future`'s own setters: `NativeFuture`'s schedule the wake-up, which runs here.
    let _ = match finish(py) {
        Ok(v) => future_method(py, &SET_RESULT, "set_result")?.call1((future, v)),
        Err(e) => {
            future_method(py, &SET_EXCEPTION, "set_exception")?.call1((future, e.into_value(py)))
        }
    };
    let name = intern!(py, "_wakeup");
    let wakeup = future.getattr(name)?;
    if wakeup.is_none() {
        return Ok(());
    }
    future.setattr(name, py.None())?;
    let (callback, context): (Bound<'_, PyAny>, Bound<'_, PyAny>) = wakeup.extract()?;
    match context.call_method1(intern!(py, "run"), (callback, future)) {
        Ok(_) => Ok(()),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyException>(py) => {
            let report = PyDict::new(py);
            report.set_item("message", "Exception in a task's wake-up")?;
            report.set_item("exception", e.into_value(py))?;
            report.set_item("future", future)?;
            future
                .call_method0(intern!(py, "get_loop"))?
                .call_method1(intern!(py, "call_exception_handler"), (report,))?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// `asyncio.Future.<name>`, looked up once.
#[cfg(unix)]
fn future_method<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import("asyncio")?
                .getattr("Future")?
                .getattr(name)?
                .unbind(),
        )
    })
    .map(|m| m.bind(py))
}

#[cfg(unix)]
struct LoopCompletions {
    pid: u32,
    event_loop: Py<PyAny>,
    /// `None`: the loop has no `add_reader`; its calls use `call_soon_threadsafe`.
    completions: Option<Arc<Completions>>,
}

#[cfg(unix)]
thread_local! {
    /// The completions of the loop this thread runs (an asyncio loop runs on one thread, and a
    /// thread runs one loop at a time). Holding the loop keeps its identity unique.
    static LOOP_COMPLETIONS: std::cell::RefCell<Option<LoopCompletions>> =
        const { std::cell::RefCell::new(None) };
}

/// The completions queue of `event_loop` (watched by it from the first call on), or `None`
/// when the loop cannot watch a socket.
#[cfg(unix)]
fn completions_of(
    py: Python<'_>,
    event_loop: &Bound<'_, PyAny>,
) -> PyResult<Option<Arc<Completions>>> {
    use std::os::fd::AsRawFd;
    let pid = std::process::id();
    LOOP_COMPLETIONS.with(|cell| {
        let mut slot = cell.borrow_mut();
        if let Some(current) = slot.as_ref() {
            if current.pid == pid && current.event_loop.bind(py).is(event_loop) {
                return Ok(current.completions.clone());
            }
        }
        match slot.take() {
            // Forked: the parent's loop and sockets are the parent's; leave them untouched.
            Some(old) if old.pid != pid => std::mem::forget(old),
            // Another loop on this thread now: the old one stops watching (if it still can).
            Some(old) => {
                if let Some(c) = &old.completions {
                    let l = old.event_loop.bind(py);
                    if matches!(
                        l.call_method0("is_closed").and_then(|c| c.is_truthy()),
                        Ok(false)
                    ) {
                        let _ = l.call_method1("remove_reader", (c.wake_rx.as_raw_fd(),));
                    }
                }
            }
            None => {}
        }
        let completions = Arc::new(Completions::new().map_err(|e| {
            pyo3::exceptions::PyOSError::new_err(format!("asyncio wake-up socket: {e}"))
        })?);
        let drain = Drain {
            completions: completions.clone(),
        };
        let watched = event_loop
            .call_method1("add_reader", (completions.wake_rx.as_raw_fd(), drain))
            .is_ok();
        let completions = watched.then_some(completions);
        *slot = Some(LoopCompletions {
            pid,
            event_loop: event_loop.clone().unbind(),
            completions: completions.clone(),
        });
        Ok(completions)
    })
}

#[cfg(not(unix))]
pub struct Completions;

#[cfg(not(unix))]
impl Completions {
    fn push(&self, _: Py<PyAny>, _: Finish) {}
}

#[cfg(not(unix))]
fn completions_of(_: Python<'_>, _: &Bound<'_, PyAny>) -> PyResult<Option<Arc<Completions>>> {
    Ok(None)
}
