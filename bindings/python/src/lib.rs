//! `remote_rendering._native`: the Python binding of the remote-rendering core. Private; the
//! public API is the pure-Python package `remote_rendering`, which wraps these classes.

mod cancel;
mod client;
mod convert;
mod emulator;
mod logging;
mod models;
mod progress;
mod runtime;
mod storage;

use pyo3::prelude::*;
use runtime::Failure;

/// For the suite only: panics inside a core call, blocking or (with `async_`) as an asyncio
/// future of `event_loop`, to prove the panic arrives as `InternalError`.
#[pyfunction]
#[pyo3(signature = (async_, event_loop=None))]
fn _panic_for_test(
    py: Python<'_>,
    async_: bool,
    event_loop: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let done = |py: Python<'_>, _: ()| Ok(py.None());
    if async_ {
        let event_loop = event_loop.ok_or_else(|| {
            pyo3::exceptions::PyTypeError::new_err("an async panic needs the event loop")
        })?;
        runtime::run(
            py,
            Some(&event_loop),
            async {
                remote_rendering::testing::panic_later("panic for test".to_owned()).await;
                Ok::<(), Failure>(())
            },
            done,
        )
    } else {
        runtime::run(
            py,
            None,
            async { remote_rendering::testing::panic_now("panic for test") },
            done,
        )
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CORE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add("VOCABULARY_JSON", remote_rendering::vocabulary::json())?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<client::PageStream>()?;
    m.add_class::<client::PyManagedSession>()?;
    m.add_class::<client::PyLeaseKeeper>()?;
    m.add_class::<emulator::PyEmulator>()?;
    m.add_class::<runtime::Canceller>()?;
    m.add_class::<cancel::PyCancelToken>()?;
    m.add_class::<progress::ProgressSink>()?;
    m.add_class::<storage::PyStorageAccount>()?;
    m.add_class::<storage::PyBlobContainer>()?;
    m.add_class::<storage::PyAzurite>()?;
    m.add_function(wrap_pyfunction!(logging::_set_log_level, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_function(wrap_pyfunction!(emulator::emulator_defaults, m)?)?;
    Ok(())
}
