//! Crossing the boundary: JSON values to Python objects (the emulator's statistics), and core
//! errors to the Python exceptions of `remote_rendering._errors` (the class is the one the
//! core's table names for the code).

use crate::models::ToPy;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use remote_rendering::Error;
use serde_json::Value;

pub fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            _ => n
                .as_f64()
                .unwrap_or(f64::NAN)
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        },
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// A core error as the matching `remote_rendering` exception.
pub fn error_to_py(py: Python<'_>, e: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", e.code())?;
        kwargs.set_item("message", e.to_string())?;
        kwargs.set_item("status", e.status())?;
        kwargs.set_item("ms_cv", e.ms_cv())?;
        kwargs.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
        kwargs.set_item("field", e.field())?;
        kwargs.set_item("retriable", e.is_retriable())?;
        if let Some(details) = e.service_error() {
            kwargs.set_item("details", details.to_py(py)?)?;
        }
        if let Some(s) = e.session() {
            kwargs.set_item("session", s.to_py(py)?)?;
        }
        if let Some(c) = e.conversion() {
            kwargs.set_item("conversion", c.to_py(py)?)?;
        }
        if let Some(r) = e.upload_report() {
            kwargs.set_item("upload_report", r.to_py(py)?)?;
        }
        kwargs.set_item("conversion_report", e.conversion_report())?;
        let make = py
            .import("remote_rendering._errors")?
            .getattr("_from_native")?;
        let exc = make.call((), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|inner| inner)
}
