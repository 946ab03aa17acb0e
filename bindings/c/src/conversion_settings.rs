//! `rr_conversion_settings`: where a conversion reads its input and writes its output, built
//! with setters and read with getters (the SAS strings can be set, never read back).

use crate::args::{out_ptr, text};
use crate::boundary::{ffi_call, get_str, set};
use crate::cstr::opt_ptr;
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::status::rr_status;
use crate::views::rr_conversion_settings;
use remote_rendering::{
    ConversionInputSettings, ConversionOutputSettings, ConversionSettings, SecretString,
};
use std::ffi::c_char;

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
