//! The Mixed Reality STS token response.

use crate::SecretString;
use serde::{Deserialize, Serialize};

/// `GET {sts}/Accounts/{id}/token` answers `{"AccessToken":"<JWT>"}` (PascalCase on the wire).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StsTokenResponse {
    /// The access token (a JWT) for the ARR calls.
    #[serde(rename = "AccessToken")]
    pub access_token: SecretString,
}
