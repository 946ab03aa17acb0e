//! The core's public models as JSON for the Java records, field for field: each key is the core's
//! field name under the table's rule for Java (camelCase), so nothing is renamed by hand on either side.

use remote_rendering::vocabulary::camel_case;
use remote_rendering::{Conversion, ErrorDetails, Session};
use serde_json::{Map, Value};

/// A model crossed to JS.
pub trait View {
    fn view(&self) -> Value;
}

/// `{ camelCase(field): value }` for each field given; a field without a value is left out.
macro_rules! fields {
    ($src:expr; $($field:ident $(=> $conv:expr)?),* $(,)?) => {{
        let mut out = Map::new();
        $(
            let v: Value = fields!(@value $src.$field $(, $conv)?);
            if !v.is_null() {
                out.insert(camel_case(stringify!($field)), v);
            }
        )*
        Value::Object(out)
    }};
    (@value $v:expr) => { serde_json::to_value(&$v).unwrap_or(Value::Null) };
    (@value $v:expr, $conv:expr) => { $conv(&$v) };
}

fn details(d: &Option<ErrorDetails>) -> Value {
    d.as_ref().map(View::view).unwrap_or(Value::Null)
}

impl View for ErrorDetails {
    fn view(&self) -> Value {
        fields!(self; code, message, details => |d: &Vec<ErrorDetails>| {
            if d.is_empty() { Value::Null } else { Value::Array(d.iter().map(View::view).collect()) }
        }, target)
    }
}

impl View for Session {
    fn view(&self) -> Value {
        fields!(self; id, status, size, lease_minutes, elapsed_minutes, hostname, handshake_port,
            arr_inspector_port, teraflops, created_on, error => details)
    }
}

impl View for Conversion {
    fn view(&self) -> Value {
        fields!(self; id, status, settings, output_asset_uri, error => details, created_on)
    }
}
