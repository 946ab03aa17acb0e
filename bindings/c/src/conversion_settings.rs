//! Conversion settings, nested as in every language: `rr_conversion_settings` holds an
//! `rr_conversion_input_settings` (`input_location`) and an `rr_conversion_output_settings`
//! (`output_location`). Each is built with `*_new` and setters, and read with getters whose
//! strings are borrowed; the SAS strings can be set, never read back (nor do they appear in
//! an error message).

use crate::args::{arg, out_const, out_ptr, text};
use crate::boundary::{ffi_call, get_str, set};
use crate::cstr::opt_ptr;
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::status::rr_status;
use crate::views::{
    rr_conversion_input_settings, rr_conversion_output_settings, rr_conversion_settings,
};
use remote_rendering::{
    ConversionInputSettings, ConversionOutputSettings, ConversionSettings, SecretString,
};
use std::ffi::c_char;

/// "" removes an optional setting.
fn non_empty(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

// ---- rr_conversion_settings ----

/// New conversion settings of an input and an output location (both copied). Free with
/// `rr_conversion_settings_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_new(
    input_location: *const rr_conversion_input_settings,
    output_location: *const rr_conversion_output_settings,
    out: *mut *mut rr_conversion_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let input = arg(input_location, "input_location")?;
        let output = arg(output_location, "output_location")?;
        *out = boxed(rr_conversion_settings::new(ConversionSettings {
            input_location: input.inner.clone(),
            output_location: output.inner.clone(),
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

/// Where the conversion reads, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_input_location(
    settings: *const rr_conversion_settings,
    out: *mut *const rr_conversion_input_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        *out = &arg(settings, "settings")?.input_location as *const _;
        Ok(())
    })
}

/// Where the conversion writes, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_settings_get_output_location(
    settings: *const rr_conversion_settings,
    out: *mut *const rr_conversion_output_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        *out = &arg(settings, "settings")?.output_location as *const _;
        Ok(())
    })
}

// ---- rr_conversion_input_settings ----

/// New input settings: the container (`https://{account}.blob.core.windows.net/{container}`)
/// and the model's path in it (e.g. `"box.fbx"`), copied. Free with
/// `rr_conversion_input_settings_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_new(
    storage_container_uri: *const c_char,
    relative_input_asset_path: *const c_char,
    out: *mut *mut rr_conversion_input_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let uri = text(storage_container_uri, "storage_container_uri")?;
        let path = text(relative_input_asset_path, "relative_input_asset_path")?;
        *out = boxed(rr_conversion_input_settings::new(ConversionInputSettings {
            storage_container_uri: uri.to_owned(),
            storage_container_read_list_sas: None,
            blob_prefix: None,
            relative_input_asset_path: path.to_owned(),
        }));
        Ok(())
    })
}

/// Frees input settings. NULL does nothing.
///
/// `settings` is NULL or settings owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_free(
    settings: *mut rr_conversion_input_settings,
) {
    free(settings)
}

unsafe fn edit_input(
    settings: *mut rr_conversion_input_settings,
    value: *const c_char,
    name: &'static str,
    err: *mut *mut rr_error,
    f: impl FnOnce(&mut ConversionInputSettings, &str),
) -> rr_status {
    set(settings, "settings", err, |s| -> Outcome {
        let v = text(value, name)?;
        s.edit(|inner| f(inner, v));
        Ok(())
    })
}

/// The folder of the input container that holds the model's files; "" removes it.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_set_blob_prefix(
    settings: *mut rr_conversion_input_settings,
    blob_prefix: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_input(settings, blob_prefix, "blob_prefix", err, |s, v| {
        s.blob_prefix = non_empty(v)
    })
}

/// The SAS token that lets the service read and list the input container (without the leading
/// `?`); "" removes it. Copied; never readable back, never in an error message.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_set_storage_container_read_list_sas(
    settings: *mut rr_conversion_input_settings,
    sas: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_input(
        settings,
        sas,
        "storage_container_read_list_sas",
        err,
        |s, v| s.storage_container_read_list_sas = non_empty(v).map(SecretString::new),
    )
}

/// The input container URI, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_get_storage_container_uri(
    settings: *const rr_conversion_input_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        s.storage_container_uri.as_ptr()
    })
}

/// The model's path in the input container, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_get_relative_input_asset_path(
    settings: *const rr_conversion_input_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        s.relative_input_asset_path.as_ptr()
    })
}

/// The input folder, borrowed from the settings; NULL when none.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_input_settings_get_blob_prefix(
    settings: *const rr_conversion_input_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| opt_ptr(&s.blob_prefix))
}

// ---- rr_conversion_output_settings ----

/// New output settings: the container to write into (copied). Free with
/// `rr_conversion_output_settings_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_new(
    storage_container_uri: *const c_char,
    out: *mut *mut rr_conversion_output_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let uri = text(storage_container_uri, "storage_container_uri")?;
        *out = boxed(rr_conversion_output_settings::new(
            ConversionOutputSettings {
                storage_container_uri: uri.to_owned(),
                storage_container_write_sas: None,
                blob_prefix: None,
                output_asset_filename: None,
            },
        ));
        Ok(())
    })
}

/// Frees output settings. NULL does nothing.
///
/// `settings` is NULL or settings owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_free(
    settings: *mut rr_conversion_output_settings,
) {
    free(settings)
}

unsafe fn edit_output(
    settings: *mut rr_conversion_output_settings,
    value: *const c_char,
    name: &'static str,
    err: *mut *mut rr_error,
    f: impl FnOnce(&mut ConversionOutputSettings, &str),
) -> rr_status {
    set(settings, "settings", err, |s| -> Outcome {
        let v = text(value, name)?;
        s.edit(|inner| f(inner, v));
        Ok(())
    })
}

/// The folder of the output container to write into; "" removes it.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_set_blob_prefix(
    settings: *mut rr_conversion_output_settings,
    blob_prefix: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_output(settings, blob_prefix, "blob_prefix", err, |s, v| {
        s.blob_prefix = non_empty(v)
    })
}

/// The name of the converted file (must end in `.arrAsset`); "" lets the service name it
/// after the input.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_set_output_asset_filename(
    settings: *mut rr_conversion_output_settings,
    output_asset_filename: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_output(
        settings,
        output_asset_filename,
        "output_asset_filename",
        err,
        |s, v| s.output_asset_filename = non_empty(v),
    )
}

/// The SAS token that lets the service write the output container (without the leading `?`);
/// "" removes it. Copied; never readable back, never in an error message.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_set_storage_container_write_sas(
    settings: *mut rr_conversion_output_settings,
    sas: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    edit_output(settings, sas, "storage_container_write_sas", err, |s, v| {
        s.storage_container_write_sas = non_empty(v).map(SecretString::new)
    })
}

/// The output container URI, borrowed from the settings.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_get_storage_container_uri(
    settings: *const rr_conversion_output_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        s.storage_container_uri.as_ptr()
    })
}

/// The output folder, borrowed from the settings; NULL when none.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_get_blob_prefix(
    settings: *const rr_conversion_output_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| opt_ptr(&s.blob_prefix))
}

/// The output file name, borrowed from the settings; NULL when the service names it.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_output_settings_get_output_asset_filename(
    settings: *const rr_conversion_output_settings,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(settings, "settings", out, err, |s| {
        opt_ptr(&s.output_asset_filename)
    })
}
