//! List iteration: `rr_session_list` and `rr_conversion_list` read the service's pages as
//! `*_next` advances (one request per page, never more than needed). A list taken from an
//! `_async` operation was read in full already and never blocks.

use crate::client::rr_client;
use crate::error::rr_error;
use crate::ffi::{arg, arg_mut, boxed, ffi_call, free, out_ptr};
use crate::models::{rr_conversion, rr_session};
use crate::runtime::Runtime;
use crate::status::rr_status;
use futures_util::stream::{BoxStream, StreamExt};
use remote_rendering::{Conversion, Session};
use std::collections::VecDeque;
use std::sync::Arc;

/// Where the items of a list come from.
pub(crate) enum Source<T> {
    /// Read page by page as the caller advances.
    Pages(BoxStream<'static, remote_rendering::Result<T>>),
    /// Read in full already.
    Read(VecDeque<T>),
}

impl<T> Source<T> {
    fn next(
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

/// The sessions in Starting or Ready, read as you advance. Not thread-safe: use it from one
/// thread at a time.
pub struct rr_session_list {
    // Dropped before the runtime its requests run on.
    source: Source<Session>,
    rt: Arc<Runtime>,
}

impl rr_session_list {
    pub(crate) fn read(items: Vec<Session>, rt: Arc<Runtime>) -> rr_session_list {
        rr_session_list {
            source: Source::Read(items.into()),
            rt,
        }
    }
}

/// Every conversion of the account (all statuses), read as you advance. Not thread-safe: use it
/// from one thread at a time.
pub struct rr_conversion_list {
    source: Source<Conversion>,
    rt: Arc<Runtime>,
}

impl rr_conversion_list {
    pub(crate) fn read(items: Vec<Conversion>, rt: Arc<Runtime>) -> rr_conversion_list {
        rr_conversion_list {
            source: Source::Read(items.into()),
            rt,
        }
    }
}

/// Starts listing the sessions in Starting or Ready (nothing is sent until
/// `rr_session_list_next()`). Free with `rr_session_list_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_list_sessions(
    client: *const rr_client,
    out: *mut *mut rr_session_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        *out = boxed(rr_session_list {
            source: Source::Pages(client.core().list_sessions().boxed()),
            rt: client.runtime(),
        });
        Ok(())
    })
}

/// The next session (owned: free with `rr_session_free()`), reading the next page when needed
/// (at most `timeout_ms`; 0: the request's own limits). At the end, `*out` is NULL and the
/// status `RR_STATUS_OK`. After a failure the list is at its end.
#[no_mangle]
pub unsafe extern "C" fn rr_session_list_next(
    list: *mut rr_session_list,
    timeout_ms: u64,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let list = arg_mut(list, "list")?;
        if let Some(s) = list.source.next(&list.rt, timeout_ms, "list sessions")? {
            *out = boxed(rr_session::new(s));
        }
        Ok(())
    })
}

/// Frees a session list. NULL does nothing.
///
/// `list` is NULL or a list owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_session_list_free(list: *mut rr_session_list) {
    free(list)
}

/// Starts listing the account's conversions (nothing is sent until
/// `rr_conversion_list_next()`). Free with `rr_conversion_list_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_list_conversions(
    client: *const rr_client,
    out: *mut *mut rr_conversion_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        *out = boxed(rr_conversion_list {
            source: Source::Pages(client.core().list_conversions().boxed()),
            rt: client.runtime(),
        });
        Ok(())
    })
}

/// The next conversion (owned: free with `rr_conversion_free()`), as `rr_session_list_next()`.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_list_next(
    list: *mut rr_conversion_list,
    timeout_ms: u64,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let list = arg_mut(list, "list")?;
        if let Some(c) = list.source.next(&list.rt, timeout_ms, "list conversions")? {
            *out = boxed(rr_conversion::new(c));
        }
        Ok(())
    })
}

/// Frees a conversion list. NULL does nothing.
///
/// `list` is NULL or a list owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_list_free(list: *mut rr_conversion_list) {
    free(list)
}
