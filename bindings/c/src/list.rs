//! Where the items of a list handle come from: the service's pages, read as `*_next`
//! advances (one request per page, never more than needed), or a list read in full already by
//! an `_async` operation (which never blocks). The list handles themselves are in `sessions`
//! and `conversions`.

use crate::runtime::Runtime;
use futures_util::stream::{BoxStream, StreamExt};
use std::collections::VecDeque;

/// Where the items of a list come from.
pub(crate) enum Source<T> {
    /// Read page by page as the caller advances.
    Pages(BoxStream<'static, remote_rendering::Result<T>>),
    /// Read in full already.
    Read(VecDeque<T>),
}

impl<T> Source<T> {
    /// The next item, reading the next page when needed (at most `timeout_ms`).
    pub(crate) fn next(
        &mut self,
        rt: &Runtime,
        timeout_ms: u64,
        what: &str,
    ) -> remote_rendering::Result<Option<T>> {
        match self {
            Source::Read(items) => Ok(items.pop_front()),
            Source::Pages(stream) => {
                rt.block(timeout_ms, what, async { stream.next().await.transpose() })
            }
        }
    }
}
