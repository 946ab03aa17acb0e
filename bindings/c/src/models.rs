//! The service's resources as C sees them: `rr_session` and `rr_conversion` (immutable
//! snapshots with getters whose strings are borrowed from the handle) and
//! `rr_conversion_settings` (a builder of what a conversion reads and writes).
//!
//! Names follow the vocabulary of every language: the service's `maxLeaseTimeMinutes` is
//! `lease_minutes`, `elapsedTimeMinutes` is `elapsed_minutes`, `creationTime` is `created_on`.

use crate::error::rr_error;
use crate::ffi::{
    boxed, cstring, ffi_call, free, get_str, get_value, opt_ptr, out_ptr, set, text, Outcome,
};
use crate::status::rr_status;
use remote_rendering::{
    Conversion, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    ConversionStatus, SecretString, Session, SessionStatus,
};
use std::ffi::{c_char, CString};

/// The state of a session. `RR_SESSION_STATUS_UNKNOWN` is a value this version does not know
/// (`rr_session_get_status_text()` gives it).
#[repr(u32)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum rr_session_status {
    #[default]
    RR_SESSION_STATUS_UNKNOWN = 0,
    RR_SESSION_STATUS_STARTING = 1,
    RR_SESSION_STATUS_READY = 2,
    /// Stopped by a client; terminal.
    RR_SESSION_STATUS_STOPPED = 3,
    /// The lease ran out; terminal.
    RR_SESSION_STATUS_EXPIRED = 4,
    /// Startup failed; terminal.
    RR_SESSION_STATUS_ERROR = 5,
}

/// The state of a conversion. `RR_CONVERSION_STATUS_UNKNOWN` is a value this version does not
/// know (`rr_conversion_get_status_text()` gives it).
#[repr(u32)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum rr_conversion_status {
    #[default]
    RR_CONVERSION_STATUS_UNKNOWN = 0,
    RR_CONVERSION_STATUS_NOT_STARTED = 1,
    RR_CONVERSION_STATUS_RUNNING = 2,
    /// Terminal.
    RR_CONVERSION_STATUS_SUCCEEDED = 3,
    /// Terminal.
    RR_CONVERSION_STATUS_FAILED = 4,
    /// Terminal.
    RR_CONVERSION_STATUS_CANCELLED = 5,
}

/// A rendering session as the service last described it. Immutable: safe to read from any
/// thread. Free with `rr_session_free()`.
#[derive(Clone, Debug)]
pub struct rr_session {
    pub(crate) inner: Session,
    id: CString,
    status_text: CString,
    size: CString,
    hostname: Option<CString>,
    created_on: Option<CString>,
    error_code: Option<CString>,
    error_message: Option<CString>,
}

impl rr_session {
    pub(crate) fn new(inner: Session) -> rr_session {
        rr_session {
            id: cstring(&inner.id),
            status_text: cstring(inner.status.as_str()),
            size: cstring(inner.size.as_str()),
            hostname: inner.hostname.as_deref().map(cstring),
            created_on: inner.created_on.as_ref().map(|t| cstring(t.as_str())),
            error_code: inner.error.as_ref().map(|e| cstring(&e.code)),
            error_message: inner.error.as_ref().map(|e| cstring(&e.message)),
            inner,
        }
    }

    pub(crate) fn id_ptr(&self) -> *const c_char {
        self.id.as_ptr()
    }

    fn status(&self) -> rr_session_status {
        use rr_session_status::*;
        match self.inner.status {
            SessionStatus::Starting => RR_SESSION_STATUS_STARTING,
            SessionStatus::Ready => RR_SESSION_STATUS_READY,
            SessionStatus::Stopped => RR_SESSION_STATUS_STOPPED,
            SessionStatus::Expired => RR_SESSION_STATUS_EXPIRED,
            SessionStatus::Error => RR_SESSION_STATUS_ERROR,
            SessionStatus::Unknown(_) => RR_SESSION_STATUS_UNKNOWN,
        }
    }
}

/// An asset conversion as the service last described it. Immutable: safe to read from any
/// thread. Free with `rr_conversion_free()`.
#[derive(Clone, Debug)]
pub struct rr_conversion {
    pub(crate) inner: Conversion,
    id: CString,
    status_text: CString,
    created_on: CString,
    output_asset_uri: Option<CString>,
    error_code: Option<CString>,
    error_message: Option<CString>,
    settings: rr_conversion_settings,
}

impl rr_conversion {
    pub(crate) fn new(inner: Conversion) -> rr_conversion {
        rr_conversion {
            id: cstring(&inner.id),
            status_text: cstring(inner.status.as_str()),
            created_on: cstring(inner.created_on.as_str()),
            output_asset_uri: inner.output_asset_uri.as_deref().map(cstring),
            error_code: inner.error.as_ref().map(|e| cstring(&e.code)),
            error_message: inner.error.as_ref().map(|e| cstring(&e.message)),
            settings: rr_conversion_settings::new(inner.settings.clone()),
            inner,
        }
    }

    fn status(&self) -> rr_conversion_status {
        use rr_conversion_status::*;
        match self.inner.status {
            ConversionStatus::NotStarted => RR_CONVERSION_STATUS_NOT_STARTED,
            ConversionStatus::Running => RR_CONVERSION_STATUS_RUNNING,
            ConversionStatus::Succeeded => RR_CONVERSION_STATUS_SUCCEEDED,
            ConversionStatus::Failed => RR_CONVERSION_STATUS_FAILED,
            ConversionStatus::Cancelled => RR_CONVERSION_STATUS_CANCELLED,
            ConversionStatus::Unknown(_) => RR_CONVERSION_STATUS_UNKNOWN,
        }
    }
}

/// Where a conversion reads its input and writes its output. Build it with
/// `rr_conversion_settings_new()` and the setters; a conversion's own settings (without the
/// SAS, which the service never echoes) are borrowed with `rr_conversion_get_settings()`.
/// The SAS strings cannot be read back.
#[derive(Clone, Debug)]
pub struct rr_conversion_settings {
    pub(crate) inner: ConversionSettings,
    views: SettingsViews,
}

#[derive(Clone, Debug)]
struct SettingsViews {
    input_uri: CString,
    input_blob_prefix: Option<CString>,
    relative_input_asset_path: CString,
    output_uri: CString,
    output_blob_prefix: Option<CString>,
    output_asset_filename: Option<CString>,
}

impl rr_conversion_settings {
    fn new(inner: ConversionSettings) -> rr_conversion_settings {
        let views = SettingsViews::of(&inner);
        rr_conversion_settings { inner, views }
    }

    fn edit(&mut self, f: impl FnOnce(&mut ConversionSettings)) {
        f(&mut self.inner);
        self.views = SettingsViews::of(&self.inner);
    }
}

impl SettingsViews {
    fn of(s: &ConversionSettings) -> SettingsViews {
        let i = &s.input_location;
        let o = &s.output_location;
        SettingsViews {
            input_uri: cstring(&i.storage_container_uri),
            input_blob_prefix: i.blob_prefix.as_deref().map(cstring),
            relative_input_asset_path: cstring(&i.relative_input_asset_path),
            output_uri: cstring(&o.storage_container_uri),
            output_blob_prefix: o.blob_prefix.as_deref().map(cstring),
            output_asset_filename: o.output_asset_filename.as_deref().map(cstring),
        }
    }
}

// ---- rr_session ----

/// A copy of a session, owned by the caller (free with `rr_session_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_session_clone(
    session: *const rr_session,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let s = crate::ffi::arg(session, "session")?;
        *out = boxed(s.clone());
        Ok(())
    })
}

/// Frees a session. NULL does nothing.
///
/// `session` is NULL or a session owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_session_free(session: *mut rr_session) {
    free(session)
}

/// The session's id, borrowed from the session.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_id(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| s.id.as_ptr())
}

/// The session's state.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_status(
    session: *const rr_session,
    out: *mut rr_session_status,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, rr_session::status)
}

/// The session's state as the service wrote it (`"Ready"`, or a value this version does not
/// know), borrowed from the session.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_status_text(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| s.status_text.as_ptr())
}

/// The session's size (`"Standard"`, `"Premium"`, or what the service wrote), borrowed from
/// the session.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_size(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| s.size.as_ptr())
}

/// The host to connect to, borrowed from the session; NULL until the session is Ready.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_hostname(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.hostname))
}

/// The handshake port; -1 until the session is Ready.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_handshake_port(
    session: *const rr_session,
    out: *mut i32,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.handshake_port.map_or(-1, i32::from)
    })
}

/// The ArrInspector port; -1 until the session is Ready.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_arr_inspector_port(
    session: *const rr_session,
    out: *mut i32,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.arr_inspector_port.map_or(-1, i32::from)
    })
}

/// The lease in minutes, counted from Ready (the service's `maxLeaseTimeMinutes`); -1 when
/// the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_lease_minutes(
    session: *const rr_session,
    out: *mut i64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.lease_minutes.unwrap_or(-1)
    })
}

/// Whole minutes spent Ready (the service's `elapsedTimeMinutes`); -1 when the service did not
/// say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_elapsed_minutes(
    session: *const rr_session,
    out: *mut i64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.elapsed_minutes.unwrap_or(-1)
    })
}

/// The server's compute power in teraflops; -1 when the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_teraflops(
    session: *const rr_session,
    out: *mut f64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.teraflops.unwrap_or(-1.0)
    })
}

/// When the session was created, as the service wrote it (RFC 3339), borrowed from the
/// session; NULL when the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_created_on(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.created_on))
}

/// The service's error code of a session in Error, borrowed from the session; NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_error_code(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.error_code))
}

/// The service's error message of a session in Error, borrowed from the session; NULL
/// otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_error_message(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.error_message))
}

// ---- rr_conversion ----

/// A copy of a conversion, owned by the caller (free with `rr_conversion_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_clone(
    conversion: *const rr_conversion,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = crate::ffi::arg(conversion, "conversion")?;
        *out = boxed(c.clone());
        Ok(())
    })
}

/// Frees a conversion. NULL does nothing.
///
/// `conversion` is NULL or a conversion owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_free(conversion: *mut rr_conversion) {
    free(conversion)
}

/// The conversion's id, borrowed from the conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_id(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| c.id.as_ptr())
}

/// The conversion's state.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_status(
    conversion: *const rr_conversion,
    out: *mut rr_conversion_status,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(conversion, "conversion", out, err, rr_conversion::status)
}

/// The conversion's state as the service wrote it, borrowed from the conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_status_text(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        c.status_text.as_ptr()
    })
}

/// When the conversion was created, as the service wrote it (RFC 3339), borrowed from the
/// conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_created_on(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        c.created_on.as_ptr()
    })
}

/// The URI of the converted `.arrAsset`, borrowed from the conversion; NULL until it
/// succeeded.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_output_asset_uri(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        opt_ptr(&c.output_asset_uri)
    })
}

/// The service's error code of a failed conversion, borrowed from the conversion; NULL
/// otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_error_code(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        opt_ptr(&c.error_code)
    })
}

/// The service's error message of a failed conversion, borrowed from the conversion; NULL
/// otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_error_message(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        opt_ptr(&c.error_message)
    })
}

/// The conversion's settings as the service echoes them (without SAS), borrowed from the
/// conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_settings(
    conversion: *const rr_conversion,
    out: *mut *const rr_conversion_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = crate::ffi::out_const(out, "out")?;
        let c = crate::ffi::arg(conversion, "conversion")?;
        *out = &c.settings as *const rr_conversion_settings;
        Ok(())
    })
}

// ---- rr_conversion_settings ----

fn non_empty(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

/// New conversion settings: the input container (`https://{account}.blob.core.windows.net/
/// {container}`), the model's path in it (e.g. `"box.fbx"`), and the output container. The
/// strings are copied. Free with `rr_conversion_settings_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_new(
    input_storage_container_uri: *const c_char,
    relative_input_asset_path: *const c_char,
    output_storage_container_uri: *const c_char,
    out: *mut *mut rr_conversion_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let input = text(input_storage_container_uri, "input_storage_container_uri")?;
        let path = text(relative_input_asset_path, "relative_input_asset_path")?;
        let output = text(output_storage_container_uri, "output_storage_container_uri")?;
        *out = boxed(rr_conversion_settings::new(ConversionSettings {
            input_location: ConversionInputSettings {
                storage_container_uri: input.to_owned(),
                storage_container_read_list_sas: None,
                blob_prefix: None,
                relative_input_asset_path: path.to_owned(),
            },
            output_location: ConversionOutputSettings {
                storage_container_uri: output.to_owned(),
                storage_container_write_sas: None,
                blob_prefix: None,
                output_asset_filename: None,
            },
        }));
        Ok(())
    })
}

/// Frees conversion settings. NULL does nothing.
///
/// `settings` is NULL or settings owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_free(settings: *mut rr_conversion_settings) {
    free(settings)
}

unsafe fn edit_settings(
    settings: *mut rr_conversion_settings,
    value: *const c_char,
    name: &'static str,
    err: *mut *mut rr_error,
    f: impl FnOnce(&mut ConversionSettings, &str),
) -> rr_status {
    set(settings, "settings", err, |s| -> Outcome {
        let v = text(value, name)?;
        s.edit(|inner| f(inner, v));
        Ok(())
    })
}

/// The SAS token that lets the service read and list the input container (without the leading
/// `?`); "" removes it. Copied; never readable back, never in an error message.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_set_input_read_list_sas(
    settings: *mut rr_conversion_settings,
    sas: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_settings(settings, sas, "sas", err, |s, v| {
        s.input_location.storage_container_read_list_sas = non_empty(v).map(SecretString::new)
    })
}

/// The SAS token that lets the service write the output container (without the leading `?`);
/// "" removes it. Copied; never readable back, never in an error message.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_set_output_write_sas(
    settings: *mut rr_conversion_settings,
    sas: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_settings(settings, sas, "sas", err, |s, v| {
        s.output_location.storage_container_write_sas = non_empty(v).map(SecretString::new)
    })
}

/// The folder of the input container that holds the model's files; "" removes it.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_set_input_blob_prefix(
    settings: *mut rr_conversion_settings,
    blob_prefix: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_settings(settings, blob_prefix, "blob_prefix", err, |s, v| {
        s.input_location.blob_prefix = non_empty(v)
    })
}

/// The folder of the output container to write into; "" removes it.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_set_output_blob_prefix(
    settings: *mut rr_conversion_settings,
    blob_prefix: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_settings(settings, blob_prefix, "blob_prefix", err, |s, v| {
        s.output_location.blob_prefix = non_empty(v)
    })
}

/// The name of the converted file (must end in `.arrAsset`); "" lets the service name it
/// after the input.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_set_output_asset_filename(
    settings: *mut rr_conversion_settings,
    output_asset_filename: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_settings(
        settings,
        output_asset_filename,
        "output_asset_filename",
        err,
        |s, v| s.output_location.output_asset_filename = non_empty(v),
    )
}

/// The input container URI, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_input_storage_container_uri(
    settings: *const rr_conversion_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        s.views.input_uri.as_ptr()
    })
}

/// The input folder, borrowed from the settings; NULL when none.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_input_blob_prefix(
    settings: *const rr_conversion_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        opt_ptr(&s.views.input_blob_prefix)
    })
}

/// The model's path in the input container, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_relative_input_asset_path(
    settings: *const rr_conversion_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        s.views.relative_input_asset_path.as_ptr()
    })
}

/// The output container URI, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_output_storage_container_uri(
    settings: *const rr_conversion_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        s.views.output_uri.as_ptr()
    })
}

/// The output folder, borrowed from the settings; NULL when none.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_output_blob_prefix(
    settings: *const rr_conversion_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        opt_ptr(&s.views.output_blob_prefix)
    })
}

/// The output file name, borrowed from the settings; NULL when the service names it.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_output_asset_filename(
    settings: *const rr_conversion_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        opt_ptr(&s.views.output_asset_filename)
    })
}
