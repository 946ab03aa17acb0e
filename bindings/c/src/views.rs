//! The service's resources as C sees them: `rr_session` and `rr_conversion` (immutable
//! snapshots whose strings are kept as C strings, so that getters can lend them) and
//! `rr_conversion_settings` (what a conversion reads and writes). Only the types and their
//! construction: the exported getters are in `models` and `conversion_settings`, so that
//! `rr_error` can carry a snapshot without a circle. So are the storage models
//! (`rr_upload_report`, `rr_preflight`, `rr_string_list`, `rr_bytes`), whose getters are in
//! `storage_models`.
//!
//! Names follow the vocabulary of every language: the service's `maxLeaseTimeMinutes` is
//! `lease_minutes`, `elapsedTimeMinutes` is `elapsed_minutes`, `creationTime` is `created_on`.

use crate::cstr::cstring;
use remote_rendering::storage::{Preflight, UploadReport};
use remote_rendering::{
    Conversion, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    ConversionStatus, ErrorDetails, Session, SessionStatus,
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
    pub(crate) id: CString,
    pub(crate) status_text: CString,
    pub(crate) size: CString,
    pub(crate) hostname: Option<CString>,
    pub(crate) created_on: Option<CString>,
    pub(crate) error_code: Option<CString>,
    pub(crate) error_message: Option<CString>,
    pub(crate) error: Option<rr_error_details>,
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
            error: inner.error.as_ref().map(rr_error_details::new),
            inner,
        }
    }

    pub(crate) fn id_ptr(&self) -> *const c_char {
        self.id.as_ptr()
    }

    pub(crate) fn status(&self) -> rr_session_status {
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
    pub(crate) id: CString,
    pub(crate) status_text: CString,
    pub(crate) created_on: CString,
    pub(crate) output_asset_uri: Option<CString>,
    pub(crate) error_code: Option<CString>,
    pub(crate) error_message: Option<CString>,
    pub(crate) error: Option<rr_error_details>,
    pub(crate) settings: rr_conversion_settings,
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
            error: inner.error.as_ref().map(rr_error_details::new),
            settings: rr_conversion_settings::new(inner.settings.clone()),
            inner,
        }
    }

    pub(crate) fn status(&self) -> rr_conversion_status {
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

/// Where a conversion reads its input and writes its output: an input location and an output
/// location, as in every language. Build it with `rr_conversion_settings_new()` from an
/// `rr_conversion_input_settings` and an `rr_conversion_output_settings`; a conversion's own
/// settings (without the SAS, which the service never echoes) are borrowed with
/// `rr_conversion_get_settings()`.
#[derive(Clone, Debug)]
pub struct rr_conversion_settings {
    pub(crate) input_location: rr_conversion_input_settings,
    pub(crate) output_location: rr_conversion_output_settings,
}

/// Where a conversion reads its input: a storage container, the model's path in it, an
/// optional folder and an optional SAS (which can be set, never read back).
#[derive(Clone, Debug)]
pub struct rr_conversion_input_settings {
    pub(crate) inner: ConversionInputSettings,
    pub(crate) storage_container_uri: CString,
    pub(crate) relative_input_asset_path: CString,
    pub(crate) blob_prefix: Option<CString>,
}

/// Where a conversion writes its output: a storage container, an optional folder, file name
/// and SAS (which can be set, never read back).
#[derive(Clone, Debug)]
pub struct rr_conversion_output_settings {
    pub(crate) inner: ConversionOutputSettings,
    pub(crate) storage_container_uri: CString,
    pub(crate) blob_prefix: Option<CString>,
    pub(crate) output_asset_filename: Option<CString>,
}

impl rr_conversion_settings {
    pub(crate) fn new(inner: ConversionSettings) -> rr_conversion_settings {
        rr_conversion_settings {
            input_location: rr_conversion_input_settings::new(inner.input_location),
            output_location: rr_conversion_output_settings::new(inner.output_location),
        }
    }

    /// The core's settings (what is sent).
    pub(crate) fn core(&self) -> ConversionSettings {
        ConversionSettings {
            input_location: self.input_location.inner.clone(),
            output_location: self.output_location.inner.clone(),
        }
    }
}

impl rr_conversion_input_settings {
    pub(crate) fn new(inner: ConversionInputSettings) -> rr_conversion_input_settings {
        rr_conversion_input_settings {
            storage_container_uri: cstring(&inner.storage_container_uri),
            relative_input_asset_path: cstring(&inner.relative_input_asset_path),
            blob_prefix: inner.blob_prefix.as_deref().map(cstring),
            inner,
        }
    }

    /// Changes the settings and renews the C views of them.
    pub(crate) fn edit(&mut self, f: impl FnOnce(&mut ConversionInputSettings)) {
        let mut inner = self.inner.clone();
        f(&mut inner);
        *self = rr_conversion_input_settings::new(inner);
    }
}

impl rr_conversion_output_settings {
    pub(crate) fn new(inner: ConversionOutputSettings) -> rr_conversion_output_settings {
        rr_conversion_output_settings {
            storage_container_uri: cstring(&inner.storage_container_uri),
            blob_prefix: inner.blob_prefix.as_deref().map(cstring),
            output_asset_filename: inner.output_asset_filename.as_deref().map(cstring),
            inner,
        }
    }

    /// Changes the settings and renews the C views of them.
    pub(crate) fn edit(&mut self, f: impl FnOnce(&mut ConversionOutputSettings)) {
        let mut inner = self.inner.clone();
        f(&mut inner);
        *self = rr_conversion_output_settings::new(inner);
    }
}

/// An error as the service reports it (of a failed session or conversion, or of an answer):
/// a code, a message, the part of the request at fault (`target`, optional) and the errors it
/// is made of (`details`). Immutable, borrowed from the handle it came from.
#[derive(Clone, Debug)]
pub struct rr_error_details {
    pub(crate) code: CString,
    pub(crate) message: CString,
    pub(crate) target: Option<CString>,
    pub(crate) details: Vec<rr_error_details>,
}

impl rr_error_details {
    pub(crate) fn new(e: &ErrorDetails) -> rr_error_details {
        rr_error_details {
            code: cstring(&e.code),
            message: cstring(&e.message),
            target: e.target.as_deref().map(cstring),
            details: e.details.iter().map(rr_error_details::new).collect(),
        }
    }
}

/// A list of strings (blob names), immutable; its strings are borrowed from it. Owned when a
/// call returns it (`rr_blob_container_list()`: free with `rr_string_list_free()`), borrowed
/// when it is part of another handle (an `rr_upload_report`, an `rr_preflight`).
#[derive(Clone, Debug, Default)]
pub struct rr_string_list {
    pub(crate) items: Vec<CString>,
}

impl rr_string_list {
    pub(crate) fn new(items: &[String]) -> rr_string_list {
        rr_string_list {
            items: items.iter().map(|s| cstring(s)).collect(),
        }
    }
}

/// What an upload did: the blobs written whole (`uploaded`), those not written
/// (`not_uploaded`: failed, or not started when the upload stopped), and the bytes of the
/// uploaded ones. Immutable. Owned when an upload returns it (free with
/// `rr_upload_report_free()`), borrowed from the error of a failed upload
/// (`rr_error_upload_report()`).
#[derive(Clone, Debug)]
pub struct rr_upload_report {
    pub(crate) inner: UploadReport,
    pub(crate) uploaded: rr_string_list,
    pub(crate) not_uploaded: rr_string_list,
}

impl rr_upload_report {
    pub(crate) fn new(inner: UploadReport) -> rr_upload_report {
        rr_upload_report {
            uploaded: rr_string_list::new(&inner.uploaded),
            not_uploaded: rr_string_list::new(&inner.not_uploaded),
            inner,
        }
    }
}

/// What the preflight of a conversion checked: the input blob (its prefix included), its
/// size, and the blobs a glTF input references, each found. Immutable; free with
/// `rr_preflight_free()`.
#[derive(Clone, Debug)]
pub struct rr_preflight {
    pub(crate) inner: Preflight,
    pub(crate) input_blob: CString,
    pub(crate) referenced: rr_string_list,
}

impl rr_preflight {
    pub(crate) fn new(inner: Preflight) -> rr_preflight {
        rr_preflight {
            input_blob: cstring(&inner.input_blob),
            referenced: rr_string_list::new(&inner.referenced),
            inner,
        }
    }
}

/// The bytes of a blob, immutable; free with `rr_bytes_free()`.
#[derive(Clone, Debug, Default)]
pub struct rr_bytes {
    pub(crate) data: Vec<u8>,
}
