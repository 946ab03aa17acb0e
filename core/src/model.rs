//! The public models: what every operation returns, under the names every language shares
//! (`lease_minutes`, `created_on`, `output_asset_uri`, ...; see [`crate::vocabulary::MODELS`]).
//!
//! The wire types of `remote-rendering-models` (re-exported as [`crate::wire`]) keep the service's
//! names for the emulator and the recordings; each public model is built from its wire type in one
//! place here, so no binding renames a field by hand. Serialising a public model writes the
//! service's JSON again (arrctl's `--output json` prints what the service sent), and a public
//! model reads the service's JSON.

use remote_rendering_models as wire;
use serde::{Deserialize, Serialize};

pub use remote_rendering_models::{
    ConversionInputSettings, ConversionOutputSettings, ConversionSettings, ConversionStatus,
    SecretString, SessionSize, SessionStatus, Timestamp,
};

/// An error as the service reports it: inside an [`Error`](crate::Error), a failed session or
/// a failed conversion. Only `code` and `message` are always set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "wire::ServiceError", from = "wire::ServiceError")]
pub struct ErrorDetails {
    /// The service's code, e.g. `InvalidArgument` or `LinkedStorageAccessFailure`.
    pub code: String,
    /// The service's message.
    pub message: String,
    /// The errors this one is made of (empty when the service sent none).
    pub details: Vec<ErrorDetails>,
    /// What the error is about (a field or a resource), when the service says.
    pub target: Option<String>,
}

/// A rendering session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "wire::Session", from = "wire::Session")]
pub struct Session {
    /// The session id.
    pub id: String,
    /// Where the session is in its life.
    pub status: SessionStatus,
    /// The size of the rendering VM.
    pub size: SessionSize,
    /// The lease in minutes (the service's `maxLeaseTimeMinutes`): the session stops when it is
    /// used up.
    pub lease_minutes: Option<i64>,
    /// Minutes the session has run (the service's `elapsedTimeMinutes`).
    pub elapsed_minutes: Option<i64>,
    /// The host to connect a renderer to, once `Ready`.
    pub hostname: Option<String>,
    /// The handshake port, once `Ready`.
    pub handshake_port: Option<u16>,
    /// The ArrInspector port, once `Ready`.
    pub arr_inspector_port: Option<u16>,
    /// The VM's compute, once `Ready`.
    pub teraflops: Option<f64>,
    /// When the session was created, as the service wrote it.
    pub created_on: Option<Timestamp>,
    /// Why the session failed, when its status is `Error`.
    pub error: Option<ErrorDetails>,
}

/// An asset conversion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "wire::Conversion", from = "wire::Conversion")]
pub struct Conversion {
    /// The conversion id.
    pub id: String,
    /// Where the conversion is in its life.
    pub status: ConversionStatus,
    /// Where it reads its input and writes its output (SAS tokens are never echoed back).
    pub settings: ConversionSettings,
    /// The converted `.arrAsset`, once `Succeeded`.
    pub output_asset_uri: Option<String>,
    /// Why the conversion failed, when its status is `Failed`.
    pub error: Option<ErrorDetails>,
    /// When the conversion was created, as the service wrote it.
    pub created_on: Timestamp,
}

impl From<wire::ServiceError> for ErrorDetails {
    fn from(e: wire::ServiceError) -> Self {
        ErrorDetails {
            code: e.code,
            message: e.message,
            details: e
                .details
                .unwrap_or_default()
                .into_iter()
                .map(ErrorDetails::from)
                .collect(),
            target: e.target,
        }
    }
}

impl From<ErrorDetails> for wire::ServiceError {
    fn from(e: ErrorDetails) -> Self {
        wire::ServiceError {
            code: e.code,
            message: e.message,
            details: (!e.details.is_empty()).then(|| {
                e.details
                    .into_iter()
                    .map(wire::ServiceError::from)
                    .collect()
            }),
            target: e.target,
            inner_error: None,
        }
    }
}

impl From<wire::Session> for Session {
    fn from(s: wire::Session) -> Self {
        Session {
            id: s.id,
            status: s.status,
            size: s.size,
            lease_minutes: s.max_lease_time_minutes,
            elapsed_minutes: s.elapsed_time_minutes,
            hostname: s.hostname,
            handshake_port: s.handshake_port,
            arr_inspector_port: s.arr_inspector_port,
            teraflops: s.teraflops,
            created_on: s.creation_time,
            error: s.error.map(ErrorDetails::from),
        }
    }
}

impl From<Session> for wire::Session {
    fn from(s: Session) -> Self {
        wire::Session {
            id: s.id,
            creation_time: s.created_on,
            arr_inspector_port: s.arr_inspector_port,
            handshake_port: s.handshake_port,
            elapsed_time_minutes: s.elapsed_minutes,
            hostname: s.hostname,
            max_lease_time_minutes: s.lease_minutes,
            size: s.size,
            status: s.status,
            teraflops: s.teraflops,
            error: s.error.map(wire::ServiceError::from),
        }
    }
}

impl From<wire::Conversion> for Conversion {
    fn from(c: wire::Conversion) -> Self {
        Conversion {
            id: c.id,
            status: c.status,
            settings: c.settings,
            output_asset_uri: c.output.map(|o| o.output_asset_uri),
            error: c.error.map(ErrorDetails::from),
            created_on: c.creation_time,
        }
    }
}

impl From<Conversion> for wire::Conversion {
    fn from(c: Conversion) -> Self {
        wire::Conversion {
            id: c.id,
            creation_time: c.created_on,
            settings: c.settings,
            output: c.output_asset_uri.map(|u| wire::ConversionOutput {
                output_asset_uri: u,
            }),
            error: c.error.map(wire::ServiceError::from),
            status: c.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_crosses_to_the_shared_names_and_back_to_the_wire_unchanged() {
        let text = r#"{"id":"s1","creationTime":"2021-01-01T00:00:00+00:00","elapsedTimeMinutes":3,"hostname":"h","maxLeaseTimeMinutes":30,"size":"Standard","status":"Error","error":{"code":"X","message":"m","details":[{"code":"Y","message":"n"}],"target":"t"}}"#;
        let w: wire::Session = serde_json::from_str(text).unwrap();
        let s = Session::from(w.clone());
        assert_eq!(s.lease_minutes, Some(30));
        assert_eq!(s.elapsed_minutes, Some(3));
        assert_eq!(
            s.created_on.as_ref().map(|t| t.as_str()),
            Some("2021-01-01T00:00:00+00:00")
        );
        let e = s.error.clone().unwrap();
        assert_eq!((e.details.len(), e.target.as_deref()), (1, Some("t")));
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::to_value(&w).unwrap()
        );
    }

    #[test]
    fn a_conversion_has_its_output_uri_at_the_top() {
        let text = r#"{"id":"c1","creationTime":"2021-01-01T00:00:00Z","settings":{"inputLocation":{"storageContainerUri":"https://a/in","relativeInputAssetPath":"box.fbx"},"outputLocation":{"storageContainerUri":"https://a/out"}},"output":{"outputAssetUri":"https://a/out/box.arrAsset"},"error":null,"status":"Succeeded"}"#;
        let w: wire::Conversion = serde_json::from_str(text).unwrap();
        let c = Conversion::from(w.clone());
        assert_eq!(
            c.output_asset_uri.as_deref(),
            Some("https://a/out/box.arrAsset")
        );
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::to_value(&w).unwrap()
        );
    }
}
