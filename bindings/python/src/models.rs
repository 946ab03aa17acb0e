//! The core's public models crossing to Python, 1:1: each becomes a dict whose keys are the
//! struct's own field names (`stringify!` of the destructured fields, so nothing is renamed by
//! hand), and `remote_rendering._models` builds its dataclass from it converting types only.
//! Conversion settings cross back the same way. Every struct is destructured (or built)
//! exhaustively: a field added to a core model fails this build until it crosses too.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use remote_rendering::storage::{Preflight, UploadProgress, UploadReport};
use remote_rendering::{
    Conversion, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    ErrorDetails, SecretString, Session, SessionSize, SessionStatus, Timestamp,
};

/// A model (or a part of one) as a Python value.
pub trait ToPy {
    /// The Python value: a dict for a model, a str or number for a leaf.
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

macro_rules! leaf {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(self.clone().into_pyobject(py)?.into_any().unbind())
            }
        }
    )*};
}
leaf!(String, i64, u16, u64, f64);

impl ToPy for bool {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pyo3::types::PyBool::new(py, *self)
            .to_owned()
            .into_any()
            .unbind())
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None()),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = PyList::empty(py);
        for item in self {
            list.append(item.to_py(py)?)?;
        }
        Ok(list.into_any().unbind())
    }
}

/// The enums and timestamps cross as the service's text (the Python enums keep unknown values).
macro_rules! text {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(self.as_str().into_pyobject(py)?.into_any().unbind())
            }
        }
    )*};
}
text!(
    SessionStatus,
    SessionSize,
    remote_rendering::ConversionStatus,
    Timestamp
);

/// A SAS crosses back as `None`: the service never echoes one, and Python never shows one.
impl ToPy for SecretString {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py.None())
    }
}

/// `impl ToPy for Model` from the list of its fields, destructured exhaustively.
macro_rules! model {
    ($t:ident { $($field:ident),* $(,)? }) => {
        impl ToPy for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                let $t { $($field),* } = self;
                let d = PyDict::new(py);
                $( d.set_item(pyo3::intern!(py, stringify!($field)), $field.to_py(py)?)?; )*
                Ok(d.into_any().unbind())
            }
        }
    };
}

model!(ErrorDetails {
    code,
    message,
    details,
    target
});
model!(Session {
    id,
    status,
    size,
    lease_minutes,
    elapsed_minutes,
    hostname,
    handshake_port,
    arr_inspector_port,
    teraflops,
    created_on,
    error,
});
model!(Conversion {
    id,
    status,
    settings,
    output_asset_uri,
    error,
    created_on,
});
model!(UploadProgress {
    blob,
    file_bytes_done,
    file_bytes_total,
    bytes_done,
    bytes_total,
    file_done,
});
model!(UploadReport {
    uploaded,
    not_uploaded,
    bytes,
});
model!(Preflight {
    input_blob,
    input_bytes,
    referenced,
});
model!(ConversionSettings {
    input_location,
    output_location,
});
model!(ConversionInputSettings {
    storage_container_uri,
    relative_input_asset_path,
    blob_prefix,
    storage_container_read_list_sas,
});
model!(ConversionOutputSettings {
    storage_container_uri,
    blob_prefix,
    output_asset_filename,
    storage_container_write_sas,
});

/// One field of a dict from Python (`None` and a missing key are the same).
fn field<'py>(d: &Bound<'py, PyAny>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let d = d
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("conversion settings cross as dicts"))?;
    Ok(d.get_item(name)?.filter(|v| !v.is_none()))
}

fn text(d: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<String>> {
    field(d, name)?.map(|v| v.extract()).transpose()
}

/// Builds `$t` from a dict of its fields: `req` fields must be there (the core checks their
/// values), `opt` ones may not; a `secret` is wrapped so it never prints.
macro_rules! from_dict {
    (@req $d:expr, $field:ident) => { text($d, stringify!($field))?.unwrap_or_default() };
    (@opt $d:expr, $field:ident) => { text($d, stringify!($field))? };
    (@secret $d:expr, $field:ident) => { text($d, stringify!($field))?.map(SecretString::new) };
    ($d:expr, $t:ident { $($kind:ident $field:ident),* $(,)? }) => {
        $t { $($field: from_dict!(@$kind $d, $field)),* }
    };
}

/// Conversion settings from the dict `ConversionSettings._to_native()` makes.
pub fn settings_from_py(d: &Bound<'_, PyAny>) -> PyResult<ConversionSettings> {
    let part = |name: &str| {
        field(d, name)?.ok_or_else(|| PyTypeError::new_err(format!("settings.{name} is missing")))
    };
    let input = part("input_location")?;
    let output = part("output_location")?;
    Ok(ConversionSettings {
        input_location: from_dict!(&input, ConversionInputSettings {
            req storage_container_uri,
            req relative_input_asset_path,
            opt blob_prefix,
            secret storage_container_read_list_sas,
        }),
        output_location: from_dict!(&output, ConversionOutputSettings {
            req storage_container_uri,
            opt blob_prefix,
            opt output_asset_filename,
            secret storage_container_write_sas,
        }),
    })
}
