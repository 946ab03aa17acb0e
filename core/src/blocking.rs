//! The runtime of blocking calls: a current-thread runtime that the calling thread drives.
//!
//! A binding's blocking call (C, Python without asyncio, Java) used to hand its future to a
//! multi-thread runtime and sleep until a worker woke it: every call paid for the wake-up of a
//! worker, the worker's wake-up of the caller and the workers' own hand-overs (6.5 context
//! switches per call where async Rust pays 1). A [`Driver`] instead runs the future *on the
//! calling thread*, which drives the runtime's I/O and timers itself while it waits, so a
//! blocking call costs what the same call costs in async Rust.
//!
//! The client's connection pool and token cache stay shared by every thread and by async use:
//! a connection is served by the runtime that opened it, and both runtimes are always driven.
//! Several threads may call [`Driver::block_on`] at once (one drives, the others are woken by
//! it, as tokio does for a current-thread runtime), and when no caller is in a call for
//! [`IDLE`], a background thread drives the runtime, so that tasks spawned on it (a lease
//! keeper, the stop of a dropped session guard, a connection opened here and then used by an
//! async call) never wait for the next blocking call. A caller that arrives while the
//! background thread drives takes over from it.
//!
//! User code never runs while the runtime is driven from a call's own poll: a progress
//! callback of a blocking wait is handed to [`defer`], which runs it on the caller's thread
//! *between* two turns of the runtime, so a callback may itself make blocking calls. A blocking
//! call made anyway from code that runs inside the runtime (a log callback called from a poll)
//! is refused with a typed error rather than a deadlock, and one made from a thread of another
//! multi-thread runtime (an async call's progress callback) steps out of it first.
//!
//! The threads that drive connections keep SIGPIPE away: a write to a connection the server
//! has closed (TLS writes use `writev`, which has no `MSG_NOSIGNAL`) raises SIGPIPE in the
//! writing thread, and a C or C++ host keeps the default action, which ends the process. The
//! background thread blocks it for good ([`block_sigpipe`]); a blocking call blocks it on the
//! calling thread for the call and discards one its writes raised ([`without_sigpipe`]).
//! Python, Node and the JVM ignore SIGPIPE themselves.
//!
//! Tokio has no runtime that does this by itself; the hand-over between callers and the
//! background thread is the few lines below, with the rest left to tokio's current-thread
//! scheduler (which already lets several threads call `block_on`).

use crate::error::{Error, ErrorKind, Result};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

/// How long the runtime goes without a blocking call before the background thread drives it.
/// Sequential calls closer together than this never wake the background thread.
pub const IDLE: Duration = Duration::from_millis(5);

/// A callback deferred by [`defer`] until its blocking call's thread leaves the runtime.
type Deferred = Box<dyn FnOnce() + Send>;

thread_local! {
    /// Set while this thread polls the future of a [`Driver::block_on`].
    static IN_POLL: Cell<bool> = const { Cell::new(false) };
    /// The callbacks [`defer`] queued during that poll.
    static QUEUE: RefCell<Vec<Deferred>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on this thread outside the runtime: now, unless this thread is polling a blocking
/// call's future, in which case right after that poll, before the call goes on (the callback
/// of a blocking wait runs on the caller's thread, in order, before the wait's next request).
pub fn defer(f: impl FnOnce() + Send + 'static) {
    if IN_POLL.with(Cell::get) {
        QUEUE.with(|q| q.borrow_mut().push(Box::new(f)));
    } else {
        f();
    }
}

/// Whether this thread is polling a blocking call's future (code called from there must not
/// block: see the module documentation).
pub fn in_blocking_poll() -> bool {
    IN_POLL.with(Cell::get)
}

struct Shared {
    /// Threads inside [`Driver::block_on`].
    callers: AtomicUsize,
    /// Calls ever made: the background thread drives only after a whole [`IDLE`] without one.
    calls: AtomicU64,
    /// The waker of the background thread's turn, while it drives.
    background: Mutex<Option<Waker>>,
    stop: AtomicBool,
}

/// A current-thread runtime driven by the threads that block on it, and by a background
/// thread when none does. See the module documentation.
pub struct Driver {
    rt: Option<Arc<tokio::runtime::Runtime>>,
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("callers", &self.shared.callers.load(Ordering::Relaxed))
            .finish()
    }
}

impl Driver {
    /// A new runtime and its background thread, named `name`.
    pub fn new(name: &str) -> Result<Driver> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name(name)
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Internal,
                    format!("cannot start the runtime of blocking calls: {e}"),
                )
            })?;
        let rt = Arc::new(rt);
        let shared = Arc::new(Shared {
            callers: AtomicUsize::new(0),
            calls: AtomicU64::new(0),
            background: Mutex::new(None),
            stop: AtomicBool::new(false),
        });
        let thread = {
            let rt = rt.clone();
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("{name}-idle"))
                .spawn(move || background(&rt, &shared))
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Internal,
                        format!("cannot start the runtime's background thread: {e}"),
                    )
                })?
        };
        Ok(Driver {
            rt: Some(rt),
            shared,
            thread: Some(thread),
        })
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt.as_ref().expect("the runtime lives until dropped")
    }

    /// The runtime's handle, to spawn tasks on it.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.rt().handle()
    }

    /// Runs `fut` to its end on the calling thread, which drives the runtime meanwhile.
    ///
    /// Callbacks the future hands to [`defer`] run on this thread between turns. Called from a
    /// thread of a multi-thread runtime, it steps out of that runtime first
    /// (`block_in_place`); called from code that runs inside a blocking call's poll, or from a
    /// thread of another current-thread runtime, it is an [`ErrorKind::InvalidInput`] error
    /// naming `what` (blocking there would stop the very runtime the call needs).
    pub fn block_on<F: Future>(&self, what: &str, fut: F) -> Result<F::Output> {
        if in_blocking_poll() {
            return Err(nested(what));
        }
        let flavor = tokio::runtime::Handle::try_current()
            .ok()
            .map(|h| h.runtime_flavor());
        match flavor {
            Some(tokio::runtime::RuntimeFlavor::MultiThread) => {
                // A worker of another runtime (an async call's callback): hand its other tasks
                // to a new worker while this one blocks. Not possible on a current-thread
                // runtime, which tokio refuses (a panic), so that is caught.
                let run = AssertUnwindSafe(|| {
                    tokio::task::block_in_place(|| self.block_on_here(what, fut))
                });
                catch_unwind(run).unwrap_or_else(|_| Err(nested(what)))
            }
            _ => self.block_on_here(what, fut),
        }
    }

    fn block_on_here<F: Future>(&self, what: &str, fut: F) -> Result<F::Output> {
        let mut fut = pin!(fut);
        loop {
            self.shared.callers.fetch_add(1, Ordering::SeqCst);
            self.shared.calls.fetch_add(1, Ordering::Relaxed);
            let background = self
                .shared
                .background
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if let Some(w) = background {
                // The background thread ends its turn and hands the runtime over.
                w.wake();
            }
            let turn = AssertUnwindSafe(|| {
                self.rt().block_on(std::future::poll_fn(|cx| {
                    IN_POLL.with(|p| p.set(true));
                    let polled = catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx)));
                    IN_POLL.with(|p| p.set(false));
                    match polled {
                        Ok(Poll::Ready(out)) => Poll::Ready(Ok(Some(out))),
                        Err(payload) => Poll::Ready(Err(payload)),
                        Ok(Poll::Pending) if QUEUE.with(|q| !q.borrow().is_empty()) => {
                            Poll::Ready(Ok(None))
                        }
                        Ok(Poll::Pending) => Poll::Pending,
                    }
                }))
            });
            // Another thread's runtime context (a current-thread runtime of the caller's own)
            // makes tokio refuse to block here: a panic before anything ran.
            let turn = catch_unwind(turn);
            self.shared.callers.fetch_sub(1, Ordering::SeqCst);
            let deferred = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
            for f in deferred {
                f();
            }
            match turn {
                Ok(Ok(Some(out))) => return Ok(out),
                Ok(Ok(None)) => continue,
                // The future itself panicked: the caller's boundary reports it.
                Ok(Err(payload)) => std::panic::resume_unwind(payload),
                Err(_) => return Err(nested(what)),
            }
        }
    }
}

/// Blocks SIGPIPE in the calling thread for the rest of its life (for threads of this library
/// that write to connections: see the module documentation).
pub fn block_sigpipe() {
    #[cfg(unix)]
    // SAFETY: plain calls on a local signal set; pthread_sigmask only changes this thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Runs `f` with SIGPIPE blocked in the calling thread, then discards a SIGPIPE that `f`'s
/// writes raised and restores the thread's mask (a host's own thread, which a blocking call
/// borrows to drive connections: see the module documentation). Three system calls.
pub fn without_sigpipe<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        // SAFETY: as in block_sigpipe; sigtimedwait with a zero timeout only takes a SIGPIPE
        // that is pending for this thread (raised by a write while blocked) and never waits.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPIPE);
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            struct Restore(libc::sigset_t, libc::sigset_t);
            impl Drop for Restore {
                fn drop(&mut self) {
                    // SAFETY: as above.
                    unsafe {
                        if libc::sigismember(&self.1, libc::SIGPIPE) == 1 {
                            return; // it was blocked before: leave the thread as it was
                        }
                        let mut pending: libc::sigset_t = std::mem::zeroed();
                        libc::sigpending(&mut pending);
                        if libc::sigismember(&pending, libc::SIGPIPE) == 1 {
                            let zero = libc::timespec {
                                tv_sec: 0,
                                tv_nsec: 0,
                            };
                            libc::sigtimedwait(&self.0, std::ptr::null_mut(), &zero);
                        }
                        libc::pthread_sigmask(libc::SIG_SETMASK, &self.1, std::ptr::null_mut());
                    }
                }
            }
            let _restore = Restore(set, old);
            f()
        }
    }
    #[cfg(not(unix))]
    f()
}

fn nested(what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "{what}: a blocking call cannot be made from code that runs inside the client's runtime (a callback called by it); use the async form"
        ),
    )
}

/// The background thread: drives the runtime whenever no blocking call has for [`IDLE`].
fn background(rt: &tokio::runtime::Runtime, shared: &Shared) {
    block_sigpipe();
    while !shared.stop.load(Ordering::SeqCst) {
        // Wait for a whole IDLE without a call (sequential calls keep it asleep).
        let seen = shared.calls.load(Ordering::Relaxed);
        std::thread::park_timeout(IDLE);
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        if shared.callers.load(Ordering::SeqCst) != 0
            || shared.calls.load(Ordering::Relaxed) != seen
        {
            continue;
        }
        // Drive until a caller arrives (it wakes this turn, which then ends).
        rt.block_on(std::future::poll_fn(|cx| {
            let wanted =
                || shared.stop.load(Ordering::SeqCst) || shared.callers.load(Ordering::SeqCst) > 0;
            if wanted() {
                return Poll::Ready(());
            }
            *shared.background.lock().unwrap_or_else(|p| p.into_inner()) = Some(cx.waker().clone());
            // A caller that came between the check and the store found no waker to wake.
            if wanted() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let w = self
            .shared
            .background
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(w) = w {
            w.wake();
        }
        let rt = self.rt.take();
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            if tokio::runtime::Handle::try_current().is_ok() {
                // Dropped inside a runtime (a callback): a runtime cannot be shut down there,
                // so another thread waits for the background thread and drops it.
                let _ = std::thread::Builder::new()
                    .name("remote-rendering-exit".to_owned())
                    .spawn(move || {
                        let _ = t.join();
                        drop(rt);
                    });
                return;
            }
            let _ = t.join();
        }
        drop(rt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_call_runs_on_the_calling_thread() {
        let d = Driver::new("rr-test").unwrap();
        let me = std::thread::current().id();
        let on = d
            .block_on("test", async { std::thread::current().id() })
            .unwrap();
        assert_eq!(on, me);
    }

    #[test]
    fn a_spawned_task_runs_with_no_caller() {
        let d = Driver::new("rr-test").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        d.handle().spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send(std::thread::current().name().map(str::to_owned))
                .unwrap();
        });
        // Nobody blocks: the background thread drives the timer and the task.
        let name = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(name.as_deref(), Some("rr-test-idle"));
    }

    #[test]
    fn a_caller_takes_over_from_the_background_thread() {
        let d = Driver::new("rr-test").unwrap();
        std::thread::sleep(IDLE * 4); // the background thread drives by now
        for _ in 0..50 {
            let out = d
                .block_on("test", async {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    7
                })
                .unwrap();
            assert_eq!(out, 7);
        }
    }

    #[test]
    fn many_threads_block_at_once() {
        let d = Arc::new(Driver::new("rr-test").unwrap());
        let done = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let d = d.clone();
                let done = done.clone();
                std::thread::spawn(move || {
                    for j in 0..20 {
                        let v = d
                            .block_on("test", async move {
                                tokio::time::sleep(Duration::from_micros(200)).await;
                                i * 100 + j
                            })
                            .unwrap();
                        assert_eq!(v, i * 100 + j);
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(done.load(Ordering::SeqCst), 160);
    }

    #[test]
    fn a_deferred_callback_runs_outside_the_poll_and_may_block() {
        let d = Arc::new(Driver::new("rr-test").unwrap());
        let me = std::thread::current().id();
        let (tx, rx) = std::sync::mpsc::channel();
        let inner = d.clone();
        let out = d
            .block_on("outer", async move {
                defer(move || {
                    assert!(!in_blocking_poll());
                    // A blocking call from the callback works (it is not inside the poll).
                    let v = inner.block_on("inner", async { 5 }).unwrap();
                    tx.send((std::thread::current().id(), v)).unwrap();
                });
                tokio::time::sleep(Duration::from_millis(5)).await;
                1
            })
            .unwrap();
        assert_eq!(out, 1);
        assert_eq!(rx.try_recv().unwrap(), (me, 5));
    }

    #[test]
    fn a_blocking_call_inside_a_poll_is_an_error_not_a_deadlock() {
        let d = Arc::new(Driver::new("rr-test").unwrap());
        let inner = d.clone();
        let out = d
            .block_on("outer", async move { inner.block_on("inner", async { 1 }) })
            .unwrap();
        let e = out.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().starts_with("inner: a blocking call"), "{e}");
    }

    #[test]
    fn from_a_worker_of_another_runtime_it_steps_out() {
        let d = Arc::new(Driver::new("rr-test").unwrap());
        let other = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let inner = d.clone();
        let v = other
            .block_on(other.spawn(async move { inner.block_on("x", async { 3 }).unwrap() }))
            .unwrap();
        assert_eq!(v, 3);
        // From inside another current-thread runtime: refused, not a panic.
        let ct = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let inner = d.clone();
        let e = ct
            .block_on(async move { inner.block_on("y", async { 4 }) })
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn a_panic_in_the_future_reaches_the_caller_and_the_driver_lives_on() {
        let d = Driver::new("rr-test").unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| {
            d.block_on("p", async { panic!("boom") })
        }));
        assert!(r.is_err());
        assert_eq!(d.block_on("after", async { 2 }).unwrap(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_sigpipe_raised_inside_is_discarded_and_the_mask_restored() {
        use std::sync::atomic::AtomicU64;
        static TEST_THREAD: AtomicU64 = AtomicU64::new(0);
        static DELIVERED: AtomicUsize = AtomicUsize::new(0);
        extern "C" fn count(_: libc::c_int) {
            // SAFETY: pthread_self is async-signal-safe.
            if unsafe { libc::pthread_self() } as u64 == TEST_THREAD.load(Ordering::SeqCst) {
                DELIVERED.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: a counting handler replaces the test harness's SIG_IGN for this test (it
        // counts only this thread's SIGPIPE) and SIG_IGN is put back at the end.
        unsafe {
            TEST_THREAD.store(libc::pthread_self() as u64, Ordering::SeqCst);
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = count as extern "C" fn(libc::c_int) as usize;
            let mut previous: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGPIPE, &action, &mut previous);
            // Unguarded, a SIGPIPE is delivered: the handler counts (the check can fail).
            libc::pthread_kill(libc::pthread_self(), libc::SIGPIPE);
            assert_eq!(DELIVERED.load(Ordering::SeqCst), 1);
            without_sigpipe(|| {
                libc::pthread_kill(libc::pthread_self(), libc::SIGPIPE);
            });
            assert_eq!(
                DELIVERED.load(Ordering::SeqCst),
                1,
                "discarded, never delivered"
            );
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut set);
            assert_eq!(libc::sigismember(&set, libc::SIGPIPE), 0, "mask restored");
            libc::sigaction(libc::SIGPIPE, &previous, std::ptr::null_mut());
        }
    }

    #[test]
    fn dropping_the_driver_ends_its_thread() {
        let d = Driver::new("rr-test-drop").unwrap();
        std::thread::sleep(IDLE * 3);
        drop(d); // joins the background thread: returning at all is the check
    }
}
