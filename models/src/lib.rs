//! Wire models of the Azure Remote Rendering (ARR) REST API, api-version 2021-01-01, and of the
//! Mixed Reality STS token exchange.
//!
//! This crate is the one definition of the wire format: the client (`remote-rendering`) parses
//! these types and the emulator (`remote-rendering-emulator`) serialises them. Field names, key
//! order and the rules for omitted fields follow what the live service sent (see the recordings
//! under `fixtures/recordings`), not only the OpenAPI spec:
//!
//! * sessions omit absent fields entirely;
//! * conversions always carry `"error"` (as `null` when there is none) and `output` only once
//!   they succeeded;
//! * the session list omits `@nextLink` on its last page, the conversion list sends `null`;
//! * timestamps keep the text the service sent (sessions use `+00:00`, conversions `Z`).
//!
//! Enums are forward compatible: a value this crate does not know is kept as `Unknown(text)`
//! and serialised back unchanged.

// Every public item is documented (make docs builds the reference from these comments).
#![deny(missing_docs)]

mod conversion;
mod enums;
mod error;
mod names;
mod outputs;
mod secret;
mod session;
mod sts;
mod timestamp;

pub use conversion::{
    Conversion, ConversionInputSettings, ConversionList, ConversionOutput,
    ConversionOutputSettings, ConversionSettings, CreateConversionSettings,
};
pub use enums::{ConversionStatus, SessionSize, SessionStatus};
pub use error::{ErrorResponse, ServiceError};
pub use names::{is_container_name, is_storage_account_name};
pub use outputs::OutputBlobs;
pub use secret::SecretString;
pub use session::{CreateSessionSettings, Session, SessionList, UpdateSessionSettings};
pub use sts::StsTokenResponse;
pub use timestamp::{Timestamp, TimestampError};

/// The ARR api-version every call of this project sends.
pub const API_VERSION: &str = "2021-01-01";
/// The preview api-version of the same surface (wire-identical to [`API_VERSION`]).
pub const API_VERSION_PREVIEW: &str = "2021-01-01-preview";
/// The api-version of the Mixed Reality STS token endpoint.
pub const STS_API_VERSION: &str = "2019-02-28-preview";

/// Rules for session and conversion ids (spec: letters, digits, `-` and `_`, at most 256
/// characters). Returns the rule that was broken, for an error message naming it.
pub fn check_resource_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("must not be empty");
    }
    if id.len() > 256 {
        return Err("must be at most 256 characters long");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("may contain only ASCII letters, digits, '-' and '_'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_resource_id;

    #[test]
    fn resource_ids_follow_the_spec_rules() {
        assert!(check_resource_id("rr-test_id-1").is_ok());
        assert!(check_resource_id(&"a".repeat(256)).is_ok());
        assert_eq!(check_resource_id(""), Err("must not be empty"));
        assert!(check_resource_id(&"a".repeat(257)).is_err());
        assert!(check_resource_id("has space").is_err());
        assert!(check_resource_id("dot.ted").is_err());
        assert!(check_resource_id("ümlaut").is_err());
    }
}
