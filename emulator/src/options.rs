//! The emulator's options as every front end offers them (its command line, the embedded
//! emulator of Python, Node, C/C++), with their defaults: written once, as the constants of
//! `config.rs`, and listed here so that each binding's suite can check its own parameters
//! against [`options_json`] instead of restating the defaults.

use crate::config::*;
use serde_json::{json, Value};
use std::time::Duration;

fn ms(d: Duration) -> Value {
    json!({ "ms": d.as_millis() as u64 })
}

/// Every option by its snake_case name and default (`{"ms": N}` for durations, `null` for
/// none), as `{"options": [{"name": …, "default": …}, …]}`. Front ends take durations in their
/// language's unit (Python seconds, Node and C milliseconds).
pub fn options_json() -> String {
    let options = [
        ("listen", json!(DEFAULT_LISTEN.to_string())),
        ("accounts", json!([])),
        ("startup_delay", ms(DEFAULT_STARTUP_DELAY)),
        ("conversion_duration", ms(DEFAULT_CONVERSION_DURATION)),
        ("time_scale", json!(DEFAULT_TIME_SCALE)),
        ("page_size", json!(DEFAULT_PAGE_SIZE)),
        ("faults", Value::Null),
        ("seed", json!(DEFAULT_SEED)),
        ("tls", json!(false)),
        ("cert_out", Value::Null),
        ("state_file", Value::Null),
        ("storage_root", Value::Null),
        ("linked_storage", json!([])),
        ("region", json!(DEFAULT_REGION)),
        ("token_lifetime", ms(DEFAULT_TOKEN_LIFETIME)),
        ("header_read_timeout", ms(DEFAULT_HEADER_READ_TIMEOUT)),
        ("body_timeout", ms(DEFAULT_BODY_TIMEOUT)),
        ("idle_timeout", ms(DEFAULT_IDLE_TIMEOUT)),
        ("max_connections", json!(DEFAULT_MAX_CONNECTIONS)),
        ("allow_remote", json!(false)),
        ("admin_token", Value::Null),
        ("retention", DEFAULT_RETENTION.map_or(Value::Null, ms)),
    ];
    let list: Vec<Value> = options
        .into_iter()
        .map(|(name, default)| json!({ "name": name, "default": default }))
        .collect();
    json!({ "options": list }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list says what the library's own defaults are.
    #[test]
    fn the_list_is_the_config_default() {
        let v: Value = serde_json::from_str(&options_json()).unwrap();
        let get = |n: &str| {
            v["options"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == n)
                .unwrap()["default"]
                .clone()
        };
        let d = EmulatorConfig::default();
        assert_eq!(
            get("startup_delay")["ms"],
            d.startup_delay.as_millis() as u64
        );
        assert_eq!(get("page_size"), json!(d.page_size));
        assert_eq!(get("region"), json!(d.region));
        assert_eq!(get("listen"), json!(d.listen.to_string()));
        assert_eq!(get("max_connections"), json!(d.limits.max_connections));
    }
}
