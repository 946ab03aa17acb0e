//! The session operations, each with its blocking form (`rr_client_*`, on the calling thread)
//! and its non-blocking form (`rr_client_*_async`, an `rr_operation`) side by side: start,
//! get, update, stop, list (`rr_session_list`), wait for one session and for many at once, and
//! the `rr_operation_take_*` of what they give.

use crate::args::{arg, arg_mut, out_ptr, text};
use crate::boundary::ffi_call;
use crate::call::{expect, Call, Reply};
use crate::client::rr_client;
use crate::error::{rr_error, Failure, Outcome};
use crate::handle::{boxed, free};
use crate::list::Source;
use crate::operation::{rr_operation, start_async, take};
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::views::rr_session;
use crate::wait::{rr_wait_options, rr_wait_results, WaitSpec};
use futures_util::stream::{StreamExt, TryStreamExt};
use remote_rendering::{Session, SessionSize};
use std::ffi::c_char;
use std::sync::Arc;

// ---- start ----

unsafe fn start_call(
    session_id: *const c_char,
    size: *const c_char,
    lease_minutes: u32,
) -> Outcome<Call> {
    let id = text(session_id, "session_id")?.to_owned();
    let size = SessionSize::parse(text(size, "size")?);
    Ok(Call::plain("start session", move |c| async move {
        let s = c.start_session(&id, size, lease_minutes).await?;
        Ok(Reply::Session(s.into_inner()))
    }))
}

/// Starts session `session_id` (201), or returns it when it exists with the same settings
/// (200); with other settings it is `RR_STATUS_CONFLICT`. `size` is `"Standard"` or
/// `"Premium"`; `lease_minutes` at most 1440. `*out` is owned (free with `rr_session_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_start_session(
    client: *const rr_client,
    session_id: *const c_char,
    size: *const c_char,
    lease_minutes: u32,
    timeout_ms: u64,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = start_call(session_id, size, lease_minutes)?;
        *out = boxed(rr_session::new(expect(
            client.run(call, timeout_ms)?.session(),
        )?));
        Ok(())
    })
}

/// `rr_client_start_session()` without blocking: the operation gives a session.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_start_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    size: *const c_char,
    lease_minutes: u32,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        start_call(session_id, size, lease_minutes)
    })
}

// ---- get ----

unsafe fn get_call(session_id: *const c_char) -> Outcome<Call> {
    let id = text(session_id, "session_id")?.to_owned();
    Ok(Call::plain("get session", move |c| async move {
        Ok(Reply::Session(c.get_session(&id).await?.into_inner()))
    }))
}

/// Reads session `session_id`. `*out` is owned (free with `rr_session_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_session(
    client: *const rr_client,
    session_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = get_call(session_id)?;
        *out = boxed(rr_session::new(expect(
            client.run(call, timeout_ms)?.session(),
        )?));
        Ok(())
    })
}

/// `rr_client_get_session()` without blocking: the operation gives a session.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || get_call(session_id))
}

// ---- update ----

unsafe fn update_call(session_id: *const c_char, lease_minutes: u32) -> Outcome<Call> {
    let id = text(session_id, "session_id")?.to_owned();
    Ok(Call::plain("update session", move |c| async move {
        let s = c.update_session(&id, lease_minutes).await?;
        Ok(Reply::Session(s.into_inner()))
    }))
}

/// Sets the lease of session `session_id` to `lease_minutes` (counted from Ready; it must
/// grow: a smaller lease is `RR_STATUS_UNPROCESSABLE`, the same lease succeeds). `*out` is the
/// session after the change, owned (free with `rr_session_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_update_session(
    client: *const rr_client,
    session_id: *const c_char,
    lease_minutes: u32,
    timeout_ms: u64,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = update_call(session_id, lease_minutes)?;
        *out = boxed(rr_session::new(expect(
            client.run(call, timeout_ms)?.session(),
        )?));
        Ok(())
    })
}

/// `rr_client_update_session()` without blocking: the operation gives a session.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_update_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    lease_minutes: u32,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        update_call(session_id, lease_minutes)
    })
}

// ---- stop ----

unsafe fn stop_call(session_id: *const c_char) -> Outcome<Call> {
    let id = text(session_id, "session_id")?.to_owned();
    Ok(Call::plain("stop session", move |c| async move {
        c.stop_session(&id).await?;
        Ok(Reply::Stopped)
    }))
}

/// Stops session `session_id`. Stopping a session that already ended succeeds.
#[no_mangle]
pub unsafe extern "C" fn rr_client_stop_session(
    client: *const rr_client,
    session_id: *const c_char,
    timeout_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let client = arg(client, "client")?;
        client.run(stop_call(session_id)?, timeout_ms)?;
        Ok(())
    })
}

/// `rr_client_stop_session()` without blocking: the operation gives no value (poll it).
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_stop_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || stop_call(session_id))
}

// ---- list ----

/// The sessions in Starting or Ready, read as you advance. Not thread-safe: use it from one
/// thread at a time.
pub struct rr_session_list {
    // Dropped before the runtime its requests run on.
    source: Source<Session>,
    rt: Arc<Runtime>,
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

/// Reads every page of the session list without blocking: the operation gives a session list
/// read in full (`rr_operation_take_session_list()`).
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_list_sessions_async(
    client: *const rr_client,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        Ok(Call::plain("list sessions", |c| async move {
            Ok(Reply::Sessions(c.list_sessions().try_collect().await?))
        }))
    })
}

/// Takes the session list (read in full) of `rr_client_list_sessions_async()`; free it with
/// `rr_session_list_free()`. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_session_list(
    operation: *const rr_operation,
    out: *mut *mut rr_session_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let items = take(op, Reply::sessions)?;
        *out = boxed(rr_session_list {
            source: Source::Read(items.into()),
            rt: op.runtime(),
        });
        Ok(())
    })
}

// ---- wait for one ----

unsafe fn wait_call(
    session_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
) -> Outcome<Call> {
    let id = text(session_id, "session_id")?.to_owned();
    let wait = WaitSpec::new(options.as_ref(), timeout_ms);
    Ok(Call::waiting(
        "wait for session",
        wait,
        move |c, wait| async move {
            let s = c.wait_for_session(&id, wait.for_sessions()).await?;
            Ok(Reply::Session(s))
        },
    ))
}

/// Polls until session `session_id` is Ready (`*out`, owned), or fails with
/// `RR_STATUS_SESSION_FAILED` (it reached Error, Expired or Stopped), `RR_STATUS_TIMEOUT`
/// (`timeout_ms` passed; 0: 30 minutes), or `RR_STATUS_CANCELLED` (the options' token); the
/// error carries the session as last seen. `options` is borrowed for the call (NULL: the
/// defaults); its progress callback runs on this thread.
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_session(
    client: *const rr_client,
    session_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = wait_call(session_id, options, timeout_ms)?;
        *out = boxed(rr_session::new(expect(client.run(call, 0)?.session())?));
        Ok(())
    })
}

/// `rr_client_wait_for_session()` without blocking (`options` copied): the operation gives
/// the Ready session; `rr_operation_get_latest_session()` shows the progress. The options'
/// progress callback, if any, runs on a runtime thread.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        wait_call(session_id, options, timeout_ms)
    })
}

/// Takes the session an ended operation gave (start, get, update, wait for session), owned:
/// free with `rr_session_free()`. `RR_STATUS_PENDING` while it runs; its failure if it failed;
/// `RR_STATUS_INVALID_INPUT` if it gives something else or was taken already.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_session(
    operation: *const rr_operation,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        *out = boxed(rr_session::new(take(op, Reply::session)?));
        Ok(())
    })
}

// ---- wait for many ----

unsafe fn session_ids(ids: *const *const c_char, count: usize) -> Outcome<Vec<String>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ids.is_null() {
        return Err(Failure::Null("session_ids"));
    }
    std::slice::from_raw_parts(ids, count)
        .iter()
        .map(|p| text(*p, "session_ids").map(str::to_owned))
        .collect()
}

unsafe fn wait_many_call(
    ids: *const *const c_char,
    count: usize,
    options: *const rr_wait_options,
    timeout_ms: u64,
) -> Outcome<Call> {
    let ids = session_ids(ids, count)?;
    let wait = WaitSpec::new(options.as_ref(), timeout_ms);
    Ok(Call::waiting(
        "wait for sessions",
        wait,
        move |c, wait| async move {
            let results = c.wait_for_sessions(&ids, wait.for_sessions()).await?;
            Ok(Reply::WaitResults(results))
        },
    ))
}

/// Waits for many sessions at once, with one list request per interval (not one request per
/// session). `session_ids` holds `count` ids (borrowed for the call). `*out` (owned, free with
/// `rr_wait_results_free()`) has one outcome per id, in order. The call itself fails only for
/// what concerns all ids (a bad id, a refused credential).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_sessions(
    client: *const rr_client,
    session_ids: *const *const c_char,
    count: usize,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_wait_results,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = wait_many_call(session_ids, count, options, timeout_ms)?;
        let results = expect(client.run(call, 0)?.wait_results())?;
        *out = boxed(rr_wait_results::new(results));
        Ok(())
    })
}

/// `rr_client_wait_for_sessions()` without blocking (ids copied): the operation gives wait
/// results.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_sessions_async(
    client: *const rr_client,
    session_ids: *const *const c_char,
    count: usize,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        wait_many_call(session_ids, count, options, timeout_ms)
    })
}

/// Takes the wait results of `rr_client_wait_for_sessions_async()`; free them with
/// `rr_wait_results_free()`. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_wait_results(
    operation: *const rr_operation,
    out: *mut *mut rr_wait_results,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        *out = boxed(rr_wait_results::new(take(op, Reply::wait_results)?));
        Ok(())
    })
}
