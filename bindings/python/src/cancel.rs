//! `CancelToken`: cancels blocking and asyncio waits from any thread (a button's handler, a
//! signal handler, another task). The public class `remote_rendering.CancelToken` wraps it.

use pyo3::prelude::*;
use tokio_util::sync::CancellationToken;

/// A token that cancels every wait it is given, from any thread.
#[pyclass(module = "remote_rendering._native", name = "CancelToken", frozen)]
#[derive(Default)]
pub struct PyCancelToken {
    token: CancellationToken,
}

impl PyCancelToken {
    /// A token for one wait: cancelled with this one, and on its own when the wait must end for
    /// another reason (a progress callback raised), without cancelling the user's token.
    pub fn child(&self) -> CancellationToken {
        self.token.child_token()
    }
}

#[pymethods]
impl PyCancelToken {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Cancels every wait given this token (now and later); safe from any thread.
    fn cancel(&self) {
        self.token.cancel();
    }

    #[getter]
    fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}
