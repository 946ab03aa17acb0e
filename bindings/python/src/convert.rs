//! Crossing the boundary: JSON values to Python objects and back (the Python layer builds its
//! models from the service's wire dictionaries), and core errors to the Python exceptions of
//! `remote_rendering._errors`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
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

pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Value::from(obj.extract::<i64>()?));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(serde_json::Number::from_f64(obj.extract()?)
            .map(Value::Number)
            .unwrap_or(Value::Null));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.extract::<String>()?));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, v) in d.iter() {
            map.insert(k.extract::<String>()?, from_py(&v)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in obj.try_iter()? {
            items.push(from_py(&item?)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "cannot send a {} to the service",
        obj.get_type().name()?
    )))
}

/// A model as a wire dictionary.
pub fn model_to_py<T: serde::Serialize>(py: Python<'_>, model: &T) -> PyResult<Py<PyAny>> {
    let v = serde_json::to_value(model).map_err(|e| PyValueError::new_err(e.to_string()))?;
    to_py(py, &v)
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
            kwargs.set_item("details", model_to_py(py, details)?)?;
        }
        if let Some(s) = e.session() {
            kwargs.set_item("session", model_to_py(py, s)?)?;
        }
        if let Some(c) = e.conversion() {
            kwargs.set_item("conversion", model_to_py(py, c)?)?;
        }
        let make = py
            .import("remote_rendering._errors")?
            .getattr("_from_native")?;
        let exc = make.call((), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|inner| inner)
}
