//! Rendering sessions: `session_properties`, `sessions_list` and the request bodies.

use crate::{ServiceError, SessionSize, SessionStatus, Timestamp};
use serde::{Deserialize, Serialize};

/// A rendering session as the service returns it. Field order is the service's key order;
/// absent fields are omitted on the wire, never `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The session id the client chose (letters, digits, `-`, `_`).
    pub id: String,
    /// When the service accepted the session (`+00:00` form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<Timestamp>,
    /// Only once `Ready` (dropped again when stopped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arr_inspector_port: Option<u16>,
    /// The port of the rendering server's handshake, once `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake_port: Option<u16>,
    /// Whole minutes spent in `Ready` (0 while `Starting`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_time_minutes: Option<i64>,
    /// The rendering server's host name, once `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The lease, counted from reaching `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lease_time_minutes: Option<i64>,
    /// The size of the rendering server.
    pub size: SessionSize,
    /// The state of the session.
    pub status: SessionStatus,
    /// The computing power of the server, once `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teraflops: Option<f64>,
    /// Why a session reached `Error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ServiceError>,
}

/// One page of `GET /accounts/{id}/sessions`. The last page has no `@nextLink` key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    /// The sessions of this page.
    pub sessions: Vec<Session>,
    /// The URL of the next page; `None` on the last one.
    #[serde(rename = "@nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// Body of `PUT /accounts/{id}/sessions/{session_id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSessionSettings {
    /// The lease in minutes, counted from reaching `Ready`.
    pub max_lease_time_minutes: i64,
    /// The size of the rendering server.
    pub size: SessionSize,
}

/// Body of `PATCH /accounts/{id}/sessions/{session_id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateSessionSettings {
    /// The new lease in minutes (the whole lease, not an extension).
    pub max_lease_time_minutes: i64,
}
