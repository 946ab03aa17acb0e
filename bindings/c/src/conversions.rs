//! The conversion operations, each with its blocking form (`rr_client_*`) and its
//! non-blocking form (`rr_client_*_async`) side by side: start, get, list
//! (`rr_conversion_list`), wait, and the `rr_operation_take_*` of what they give.

use crate::args::{arg, arg_mut, out_ptr, text};
use crate::boundary::ffi_call;
use crate::call::{expect, Call, Reply};
use crate::client::rr_client;
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::list::Source;
use crate::operation::{rr_operation, start_async, take};
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::views::{rr_conversion, rr_conversion_settings};
use crate::wait::{rr_wait_options, WaitSpec};
use futures_util::stream::{StreamExt, TryStreamExt};
use remote_rendering::Conversion;
use std::ffi::c_char;
use std::sync::Arc;

// ---- start ----

unsafe fn start_call(
    conversion_id: *const c_char,
    settings: *const rr_conversion_settings,
) -> Outcome<Call> {
    let id = text(conversion_id, "conversion_id")?.to_owned();
    let settings = arg(settings, "settings")?.core();
    Ok(Call::plain("start conversion", move |c| async move {
        let conversion = c.start_conversion(&id, settings).await?;
        Ok(Reply::Conversion(conversion.into_inner()))
    }))
}

/// Starts conversion `conversion_id` with `settings` (borrowed for the call), or returns it
/// when it exists with the same settings. `*out` is owned (free with `rr_conversion_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_start_conversion(
    client: *const rr_client,
    conversion_id: *const c_char,
    settings: *const rr_conversion_settings,
    timeout_ms: u64,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = start_call(conversion_id, settings)?;
        *out = boxed(rr_conversion::new(expect(
            client.run(call, timeout_ms)?.conversion(),
        )?));
        Ok(())
    })
}

/// `rr_client_start_conversion()` without blocking (`settings` copied): the operation gives a
/// conversion.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_start_conversion_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    settings: *const rr_conversion_settings,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        start_call(conversion_id, settings)
    })
}

// ---- get ----

unsafe fn get_call(conversion_id: *const c_char) -> Outcome<Call> {
    let id = text(conversion_id, "conversion_id")?.to_owned();
    Ok(Call::plain("get conversion", move |c| async move {
        Ok(Reply::Conversion(c.get_conversion(&id).await?.into_inner()))
    }))
}

/// Reads conversion `conversion_id`. `*out` is owned (free with `rr_conversion_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_conversion(
    client: *const rr_client,
    conversion_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = get_call(conversion_id)?;
        *out = boxed(rr_conversion::new(expect(
            client.run(call, timeout_ms)?.conversion(),
        )?));
        Ok(())
    })
}

/// `rr_client_get_conversion()` without blocking: the operation gives a conversion.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_conversion_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || get_call(conversion_id))
}

// ---- list ----

/// Every conversion of the account (all statuses), read as you advance. Not thread-safe: use it
/// from one thread at a time.
pub struct rr_conversion_list {
    // Dropped before the runtime its requests run on.
    source: Source<Conversion>,
    rt: Arc<Runtime>,
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

/// Reads every page of the conversion list without blocking: the operation gives a conversion
/// list read in full (`rr_operation_take_conversion_list()`).
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_list_conversions_async(
    client: *const rr_client,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        Ok(Call::plain("list conversions", |c| async move {
            Ok(Reply::Conversions(
                c.list_conversions().try_collect().await?,
            ))
        }))
    })
}

/// Takes the conversion list (read in full) of `rr_client_list_conversions_async()`; free it
/// with `rr_conversion_list_free()`. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_conversion_list(
    operation: *const rr_operation,
    out: *mut *mut rr_conversion_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let items = take(op, Reply::conversions)?;
        *out = boxed(rr_conversion_list {
            source: Source::Read(items.into()),
            rt: op.runtime(),
        });
        Ok(())
    })
}

// ---- wait ----

unsafe fn wait_call(
    conversion_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
) -> Outcome<Call> {
    let id = text(conversion_id, "conversion_id")?.to_owned();
    let wait = WaitSpec::new(options.as_ref(), timeout_ms);
    Ok(Call::waiting(
        "wait for conversion",
        wait,
        move |c, wait| async move {
            let conversion = c.wait_for_conversion(&id, wait.for_conversions()).await?;
            Ok(Reply::Conversion(conversion))
        },
    ))
}

/// Polls until conversion `conversion_id` Succeeded (`*out`, owned), or fails with
/// `RR_STATUS_CONVERSION_FAILED` (Failed or Cancelled), `RR_STATUS_TIMEOUT` (`timeout_ms`
/// passed; 0: 24 hours) or `RR_STATUS_CANCELLED`; the error carries the conversion as last
/// seen. `options` as for `rr_client_wait_for_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_conversion(
    client: *const rr_client,
    conversion_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let call = wait_call(conversion_id, options, timeout_ms)?;
        *out = boxed(rr_conversion::new(expect(
            client.run(call, 0)?.conversion(),
        )?));
        Ok(())
    })
}

/// `rr_client_wait_for_conversion()` without blocking: the operation gives the conversion;
/// `rr_operation_get_latest_conversion()` shows the progress.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_conversion_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        wait_call(conversion_id, options, timeout_ms)
    })
}

/// Takes the conversion an ended operation gave (start, get, wait for conversion), owned: free
/// with `rr_conversion_free()`. Otherwise as `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_conversion(
    operation: *const rr_operation,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        *out = boxed(rr_conversion::new(take(op, Reply::conversion)?));
        Ok(())
    })
}
