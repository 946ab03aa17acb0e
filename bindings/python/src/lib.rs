//! `remote_rendering._native`: the Python binding of the remote-rendering core. Private; the
//! public API is the pure-Python package `remote_rendering`, which wraps these classes.

mod cancel;
mod client;
mod convert;
mod emulator;
mod logging;
mod runtime;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    use tracing_subscriber::layer::SubscriberExt;
    // A host that installed its own subscriber keeps it.
    let _ = tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(logging::PythonLogging),
    );
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CORE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<client::PageStream>()?;
    m.add_class::<client::PyManagedSession>()?;
    m.add_class::<client::PyLeaseKeeper>()?;
    m.add_class::<emulator::PyEmulator>()?;
    m.add_class::<runtime::Canceller>()?;
    m.add_class::<cancel::PyCancelToken>()?;
    m.add_class::<client::ProgressSink>()?;
    m.add_function(wrap_pyfunction!(logging::_set_log_level, m)?)?;
    Ok(())
}
