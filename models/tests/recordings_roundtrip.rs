//! Every response body the live service sent (fixtures/recordings) parses into these models
//! and serialises back to the same JSON: same keys, same order, same omissions, same values.
//! The spec's examples parse too.

use remote_rendering_models::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures(sub: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(sub);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap();
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap()
}

fn roundtrip<T: DeserializeOwned + Serialize>(body: &Value, at: &str) -> Value {
    let parsed: T =
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{at}: {e}\n{body}"));
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(&back, body, "{at}: values");
    let keys = |v: &Value| serde_json::to_string(v).unwrap();
    assert_eq!(keys(&back), keys(body), "{at}: key order");
    back
}

/// Parses a recorded body as the model its request implies; returns how it was read.
fn check(method: &str, uri: &str, body: &Value, at: &str) -> &'static str {
    let path = uri.split('?').next().unwrap();
    if body.get("error").is_some() && body.get("id").is_none() {
        roundtrip::<ErrorResponse>(body, at);
        return "error";
    }
    if path.to_ascii_lowercase().ends_with("/token") {
        roundtrip::<StsTokenResponse>(body, at);
        return "token";
    }
    match (method, path.rsplit('/').nth(1), path.rsplit('/').next()) {
        ("GET", _, Some("sessions")) => {
            roundtrip::<SessionList>(body, at);
            "session list"
        }
        ("GET", _, Some("conversions")) => {
            roundtrip::<ConversionList>(body, at);
            "conversion list"
        }
        (_, Some("sessions"), _) => {
            roundtrip::<Session>(body, at);
            "session"
        }
        (_, Some("conversions"), _) => {
            roundtrip::<Conversion>(body, at);
            "conversion"
        }
        _ => panic!("{at}: no model for {method} {path}"),
    }
}

#[test]
fn every_recorded_response_round_trips_through_the_models() {
    let mut counts = std::collections::BTreeMap::new();
    for file in fixtures("recordings") {
        let doc = read(&file);
        for (i, e) in doc["Entries"].as_array().unwrap().iter().enumerate() {
            let body = &e["ResponseBody"];
            if body.is_null() {
                continue;
            }
            let at = format!("{} #{i}", file.display());
            let kind = check(
                e["RequestMethod"].as_str().unwrap(),
                e["RequestUri"].as_str().unwrap(),
                body,
                &at,
            );
            *counts.entry(kind).or_insert(0) += 1;
            // The 2021 cassette kept the exact bytes: they come back byte for byte.
            if let Some(text) = e.get("ResponseBodyText").and_then(Value::as_str) {
                let compact = serde_json::to_string(body).unwrap();
                assert_eq!(compact, text, "{at}: bytes");
            }
        }
    }
    for kind in [
        "session",
        "session list",
        "conversion",
        "conversion list",
        "error",
        "token",
    ] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} in the fixtures: {counts:?}"
        );
    }
}

#[test]
fn recorded_sas_values_in_requests_are_redacted_in_debug_output() {
    for file in fixtures("recordings") {
        for e in read(&file)["Entries"].as_array().unwrap() {
            let Some(settings) = e["RequestBody"].get("settings") else {
                continue;
            };
            let s: ConversionSettings = serde_json::from_value(settings.clone()).unwrap();
            let debug = format!("{s:?}");
            for sas in [
                s.input_location.storage_container_read_list_sas.as_ref(),
                s.output_location.storage_container_write_sas.as_ref(),
            ]
            .into_iter()
            .flatten()
            // Sanitized recordings replaced the SAS by a placeholder shown elsewhere too.
            .filter(|sas| !matches!(sas.expose(), "REDACTED" | "Sanitized"))
            {
                assert!(!debug.contains(sas.expose()), "{debug}");
            }
        }
    }
}

#[test]
fn spec_examples_parse_into_the_models() {
    let mut parsed = 0;
    for file in fixtures("spec") {
        let doc = read(&file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (status, resp) in doc["responses"].as_object().unwrap() {
            let Some(body) = resp.get("body") else {
                continue;
            };
            let at = format!("{name} {status}");
            let ok = match (name.as_str(), status.as_str()) {
                (_, s) if s.starts_with('4') || s.starts_with('5') => {
                    serde_json::from_value::<ErrorResponse>(body.clone()).is_ok()
                }
                ("GetToken.json", _) => {
                    serde_json::from_value::<StsTokenResponse>(body.clone()).is_ok()
                }
                ("ListSessions.json", _) => {
                    serde_json::from_value::<SessionList>(body.clone()).is_ok()
                }
                ("ListConversions.json", _) => {
                    serde_json::from_value::<ConversionList>(body.clone()).is_ok()
                }
                (n, _) if n.contains("Conversion") => {
                    serde_json::from_value::<Conversion>(body.clone()).is_ok()
                }
                _ => serde_json::from_value::<Session>(body.clone()).is_ok(),
            };
            assert!(ok, "{at}: {body}");
            parsed += 1;
        }
        if let Some(body) = doc["parameters"].get("body") {
            let ok = if name.contains("Conversion") {
                serde_json::from_value::<CreateConversionSettings>(body.clone()).is_ok()
            } else if name.contains("Update") {
                serde_json::from_value::<UpdateSessionSettings>(body.clone()).is_ok()
            } else {
                serde_json::from_value::<CreateSessionSettings>(body.clone()).is_ok()
            };
            assert!(ok, "{name} request: {body}");
            parsed += 1;
        }
    }
    assert!(parsed >= 20, "{parsed}");
}
