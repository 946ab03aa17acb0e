//! A cheaper promise path for the calls made most often: one threadsafe function per client,
//! made when the client is, through which every call's promise is settled.
//!
//! napi's `async fn` makes a threadsafe function (a libuv async handle, two environment cleanup
//! hooks) for each call and spawns two tasks (the call and a watcher of its panics). Here a call
//! makes its promise, spawns one task (the call runs under the panic guard, so a panic is already
//! an `Outcome`) and, when it is done, queues its outcome on the client's threadsafe function;
//! on the JS thread the outcome is converted (`ToNapiValue`, so a failure becomes the same JS
//! `Error` as on napi's path) and the promise settled.
//!
//! The threadsafe function keeps the event loop alive only while a call is in flight (it is
//! referenced when the first pending call starts and unreferenced when the last one settles),
//! so an idle client does not hold the process open and a pending call does. Each pending call
//! holds one of its thread counts, so it outlives a client collected mid-call; when the
//! environment tears down, queued outcomes are dropped unsettled (there is no JS left to see them).

use crate::errors::{js_error_object, panicked, Outcome};
use napi::bindgen_prelude::*;
use napi::sys;
use std::cell::Cell;
use std::ffi::c_void;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::{Arc, RwLock};

/// What the JS thread keeps about the threadsafe function: itself, and how many calls are in
/// flight.
struct Shared {
    tsfn: Cell<sys::napi_threadsafe_function>,
    pending: Cell<usize>,
}

/// A call's outcome on its way to the JS thread: settles its promise there.
type Job = Box<dyn FnOnce(sys::napi_env) + Send>;

/// The threadsafe function, open until the environment tears down. Node frees a threadsafe
/// function at teardown whatever its thread count, so every use from a worker (and the client's
/// release) happens under the read lock, and the environment's cleanup hook (registered after
/// the threadsafe function, so it runs before Node frees it) closes the gate under the write lock.
struct Gate {
    open: RwLock<bool>,
    tsfn: sys::napi_threadsafe_function,
}

// SAFETY: a threadsafe function is made to be called from any thread.
unsafe impl Send for Gate {}
unsafe impl Sync for Gate {}

/// The client's threadsafe function (see the module documentation).
pub struct Settler {
    env: sys::napi_env,
    gate: Arc<Gate>,
    /// The cleanup hook's own reference to the gate (`Arc::into_raw`).
    hook: *const Gate,
    shared: *const Shared,
}

// SAFETY: a client is only used and dropped on its JS thread; the pointers it holds are only
// dereferenced there.
unsafe impl Send for Settler {}
unsafe impl Sync for Settler {}

struct DeferredPtr(sys::napi_deferred);
// SAFETY: the deferred is only used on the JS thread (settled in the call-js callback); on other
// threads it is only carried.
unsafe impl Send for DeferredPtr {}

/// The environment tears down: no more calls into the threadsafe function.
unsafe extern "C" fn teardown(arg: *mut c_void) {
    // SAFETY: `arg` is the reference `Settler::new` made for this hook, taken back once, here.
    let gate = unsafe { Arc::from_raw(arg.cast::<Gate>().cast_const()) };
    *gate.open.write().unwrap_or_else(|p| p.into_inner()) = false;
}

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `Shared` boxed in `Settler::new`, freed once, here.
    drop(unsafe { Box::from_raw(data.cast::<Shared>()) });
}

/// Runs on the JS thread for each queued outcome: settles its promise.
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    context: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: `data` is the `Job` boxed in `Settler::start`'s task, handed over once.
    let job = unsafe { Box::from_raw(data.cast::<Job>()) };
    if env.is_null() {
        // The environment is tearing down: nothing left to settle.
        return;
    }
    // SAFETY: the context is the `Shared` of this threadsafe function, alive until its finalizer
    // (which runs after the last call-js).
    let shared = unsafe { &*context.cast::<Shared>() };
    let left = shared.pending.get().saturating_sub(1);
    shared.pending.set(left);
    if left == 0 {
        // SAFETY: on the JS thread, while the threadsafe function delivers its queue (it is only
        // freed after that).
        unsafe { sys::napi_unref_threadsafe_function(env, shared.tsfn.get()) };
    }
    // A panic must not unwind through this extern "C" function (the conversion catches its own;
    // this is the last guard).
    let _ = catch_unwind(AssertUnwindSafe(move || job(env)));
}

impl Settler {
    /// Makes the client's threadsafe function, unreferenced until a call starts.
    pub fn new(env: sys::napi_env) -> Result<Self> {
        let shared = Box::into_raw(Box::new(Shared {
            tsfn: Cell::new(ptr::null_mut()),
            pending: Cell::new(0),
        }));
        let mut name = ptr::null_mut();
        let mut tsfn = ptr::null_mut();
        let made = unsafe {
            check_status!(sys::napi_create_string_utf8(
                env,
                c"remote-rendering".as_ptr(),
                16,
                &mut name
            ))
            .and_then(|_| {
                check_status!(sys::napi_create_threadsafe_function(
                    env,
                    ptr::null_mut(),
                    ptr::null_mut(),
                    name,
                    0,
                    1,
                    shared.cast(),
                    Some(finalize),
                    shared.cast(),
                    Some(call_js),
                    &mut tsfn,
                ))
            })
        };
        if let Err(e) = made {
            // SAFETY: not handed to any threadsafe function.
            drop(unsafe { Box::from_raw(shared) });
            return Err(e);
        }
        let gate = Arc::new(Gate {
            open: RwLock::new(true),
            tsfn,
        });
        let hook = Arc::into_raw(gate.clone());
        unsafe {
            (*shared).tsfn.set(tsfn);
            sys::napi_unref_threadsafe_function(env, tsfn);
            if let Err(e) = check_status!(sys::napi_add_env_cleanup_hook(
                env,
                Some(teardown),
                hook.cast_mut().cast()
            )) {
                drop(Arc::from_raw(hook));
                sys::napi_release_threadsafe_function(
                    tsfn,
                    sys::ThreadsafeFunctionReleaseMode::release,
                );
                return Err(e);
            }
        }
        Ok(Settler {
            env,
            gate,
            hook,
            shared,
        })
    }

    /// Runs `fut` on the runtime and returns the promise its outcome settles (converted by
    /// `T`'s `ToNapiValue` on the JS thread). Called on the JS thread.
    pub fn start<T, F>(&self, env: sys::napi_env, fut: F) -> Result<PromiseValue>
    where
        T: ToNapiValue + Send + 'static,
        F: Future<Output = Outcome<T>> + Send + 'static,
    {
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        unsafe {
            check_status!(sys::napi_create_promise(env, &mut deferred, &mut promise))?;
            // The pending call's own count: the threadsafe function outlives the client.
            check_status!(sys::napi_acquire_threadsafe_function(self.gate.tsfn))?;
            // SAFETY: the client holds a count, so `Shared` is alive.
            let shared = &*self.shared;
            if shared.pending.get() == 0 {
                sys::napi_ref_threadsafe_function(env, self.gate.tsfn);
            }
            shared.pending.set(shared.pending.get() + 1);
        }
        let gate = self.gate.clone();
        let deferred = DeferredPtr(deferred);
        napi::bindgen_prelude::spawn(async move {
            let outcome = fut.await;
            let job: Job = Box::new(move |env| {
                let d = deferred;
                // SAFETY: on the JS thread, in the environment the promise was made in.
                unsafe { settle(env, d.0, outcome) }
            });
            let data = Box::into_raw(Box::new(job));
            let open = gate.open.read().unwrap_or_else(|p| p.into_inner());
            // SAFETY: the gate is open (the environment is alive) and the call holds a count.
            let status = if *open {
                unsafe {
                    let status = sys::napi_call_threadsafe_function(
                        gate.tsfn,
                        data.cast(),
                        sys::ThreadsafeFunctionCallMode::nonblocking,
                    );
                    sys::napi_release_threadsafe_function(
                        gate.tsfn,
                        sys::ThreadsafeFunctionReleaseMode::release,
                    );
                    status
                }
            } else {
                sys::Status::napi_closing
            };
            drop(open);
            if status != sys::Status::napi_ok {
                // The environment tears down: the outcome is not delivered.
                // SAFETY: not handed over.
                drop(unsafe { Box::from_raw(data) });
            }
        });
        Ok(PromiseValue(promise))
    }
}

impl Drop for Settler {
    fn drop(&mut self) {
        let open = self.gate.open.read().unwrap_or_else(|p| p.into_inner());
        if *open {
            // SAFETY: on the JS thread, the environment alive: the client's own count goes
            // (pending calls hold theirs), and so does the cleanup hook and its reference.
            unsafe {
                sys::napi_release_threadsafe_function(
                    self.gate.tsfn,
                    sys::ThreadsafeFunctionReleaseMode::release,
                );
                sys::napi_remove_env_cleanup_hook(
                    self.env,
                    Some(teardown),
                    self.hook.cast_mut().cast(),
                );
                drop(Arc::from_raw(self.hook));
            }
        }
    }
}

/// A promise made by [`Settler::start`], returned to JS as it is.
pub struct PromiseValue(sys::napi_value);

impl ToNapiValue for PromiseValue {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        Ok(val.0)
    }
}

impl TypeName for PromiseValue {
    fn type_name() -> &'static str {
        "Promise"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

/// Resolves or rejects `deferred` with the outcome, converted on the JS thread: a failure is the
/// same JS `Error` as on napi's path; a conversion that fails or panics rejects with an error too.
unsafe fn settle<T: ToNapiValue>(
    env: sys::napi_env,
    deferred: sys::napi_deferred,
    outcome: Outcome<T>,
) {
    let converted = catch_unwind(AssertUnwindSafe(|| match outcome {
        Outcome::Ok(v) => unsafe { T::to_napi_value(env, v) }.map(|v| (v, true)),
        Outcome::Err(f) => js_error_object(env, &f).map(|v| (v, false)),
    }));
    let settled = match converted {
        Ok(r) => r,
        Err(p) => js_error_object(env, &panicked(p)).map(|v| (v, false)),
    };
    let (value, ok) = match settled {
        Ok(v) => v,
        Err(e) => match unsafe { plain_error(env, &e.reason) } {
            Ok(v) => (v, false),
            Err(_) => {
                let mut undefined = ptr::null_mut();
                unsafe { sys::napi_get_undefined(env, &mut undefined) };
                (undefined, false)
            }
        },
    };
    unsafe {
        if ok {
            sys::napi_resolve_deferred(env, deferred, value);
        } else {
            sys::napi_reject_deferred(env, deferred, value);
        }
    }
}

unsafe fn plain_error(env: sys::napi_env, msg: &str) -> Result<sys::napi_value> {
    let mut text = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_create_string_utf8(env, msg.as_ptr().cast(), msg.len() as isize, &mut text)
    })?;
    let mut err = ptr::null_mut();
    check_status!(unsafe { sys::napi_create_error(env, ptr::null_mut(), text, &mut err) })?;
    Ok(err)
}
