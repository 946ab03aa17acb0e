//! The runtimes a client owns, shared by every handle made from the client (so a handle may
//! outlive `rr_client_free`), and the two ways C waits for a future: blocking the calling
//! thread with a timeout, driven on that thread (the core's `blocking::Driver`: no hand-off to
//! a worker), or a tracked task on the worker threads, polled by an `rr_operation`.
//!
//! The runtime ends when its last handle is freed: it first lets running operations finish
//! (they were cancelled with their handles, so that is quick) so that a session an operation
//! started is stopped, never abandoned mid-request.

use remote_rendering::blocking::Driver;
use remote_rendering::{Error, ErrorKind};
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The most a runtime's end waits for its running operations (more than the core's own limit
/// on stopping a session when a guard is dropped).
const DRAIN_LIMIT: Duration = Duration::from_secs(35);

pub(crate) struct Runtime {
    /// Blocking calls, driven by their calling threads.
    driver: Driver,
    /// `_async` operations and the tasks they start.
    rt: Option<tokio::runtime::Runtime>,
    running: Arc<(Mutex<usize>, Condvar)>,
}

impl Runtime {
    pub(crate) fn new(worker_threads: usize) -> Result<Arc<Runtime>, Error> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads.max(1))
            .thread_name("remote-rendering")
            .on_thread_start(remote_rendering::blocking::block_sigpipe)
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!("cannot start the client's runtime: {e}"),
                )
            })?;
        Ok(Arc::new(Runtime {
            driver: Driver::new("remote-rendering-blocking")?,
            rt: Some(rt),
            running: Arc::new((Mutex::new(0), Condvar::new())),
        }))
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt.as_ref().expect("the runtime lives until dropped")
    }

    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        self.rt().handle()
    }

    /// Runs `fut` on the calling thread until it ends, or until `timeout_ms` (0: no limit but
    /// the operation's own) passes, which is a [`ErrorKind::Timeout`] naming `what`.
    pub(crate) fn block<T>(
        &self,
        timeout_ms: u64,
        what: &str,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{what}: a blocking call cannot be made on a runtime thread (from a callback); use the _async form"),
            ));
        }
        // The calling thread drives the connections during the call: a host's thread, where
        // SIGPIPE would end the process (see the core's blocking module).
        remote_rendering::blocking::without_sigpipe(|| {
            self.driver
                .block_on(what, with_timeout(timeout_ms, what, fut))
                .and_then(|r| r)
        })
    }

    /// Runs `fut` as a task, counted until it ends so that the runtime's end can wait for it.
    pub(crate) fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        let running = self.running.clone();
        *running.0.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        let done = Done(running);
        self.rt().spawn(async move {
            let _done = done;
            fut.await;
        });
    }
}

/// Counts a task out when it ends (or is dropped by the runtime's end).
struct Done(Arc<(Mutex<usize>, Condvar)>);

impl Drop for Done {
    fn drop(&mut self) {
        let mut n = self.0 .0.lock().unwrap_or_else(|p| p.into_inner());
        *n = n.saturating_sub(1);
        self.0 .1.notify_all();
    }
}

/// `fut`, failing with a timeout after `timeout_ms` (0: never).
pub(crate) async fn with_timeout<T>(
    timeout_ms: u64,
    what: &str,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    if timeout_ms == 0 {
        return fut.await;
    }
    match tokio::time::timeout(Duration::from_millis(timeout_ms), fut).await {
        Ok(r) => r,
        Err(_) => Err(Error::new(
            ErrorKind::Timeout,
            format!("{what}: no result within the call's timeout of {timeout_ms} ms"),
        )),
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let Some(rt) = self.rt.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            // The last handle was freed from a callback on a runtime thread: a runtime cannot
            // be shut down from one of its own threads, so another thread does it.
            let running = self.running.clone();
            let _ = std::thread::Builder::new()
                .name("remote-rendering-exit".to_owned())
                .spawn(move || {
                    drain(&running);
                    drop(rt);
                });
            return;
        }
        drain(&self.running);
        drop(rt);
    }
}

fn drain(running: &(Mutex<usize>, Condvar)) {
    let guard = running.0.lock().unwrap_or_else(|p| p.into_inner());
    let _ = running.1.wait_timeout_while(guard, DRAIN_LIMIT, |n| *n > 0);
}
