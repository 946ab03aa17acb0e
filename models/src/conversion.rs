//! Asset conversions: `conversion`, `conversion_list` and the request body.

use crate::{ConversionStatus, SecretString, ServiceError, Timestamp};
use serde::{Deserialize, Serialize};

/// Where the input model is read from. The SAS is sent by clients but never echoed back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionInputSettings {
    /// The blob container that holds the input model.
    pub storage_container_uri: String,
    /// A SAS granting read and list on the container, when the account has no linked storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_container_read_list_sas: Option<SecretString>,
    /// The service appends a trailing `/` when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_prefix: Option<String>,
    /// The input model's path under the prefix (e.g. `box.fbx`).
    pub relative_input_asset_path: String,
}

/// Where the converted asset is written. The SAS is sent by clients but never echoed back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionOutputSettings {
    /// The blob container the converted asset is written to.
    pub storage_container_uri: String,
    /// A SAS granting write on the container, when the account has no linked storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_container_write_sas: Option<SecretString>,
    /// The folder in the container for the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_prefix: Option<String>,
    /// Must end in `.arrAsset`; the service fills it in from the input file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_asset_filename: Option<String>,
}

/// Where a conversion reads its input and writes its output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionSettings {
    /// Where the input model is read from.
    pub input_location: ConversionInputSettings,
    /// Where the converted asset is written.
    pub output_location: ConversionOutputSettings,
}

/// Body of `PUT /accounts/{id}/conversions/{conversion_id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateConversionSettings {
    /// The input and output locations.
    pub settings: ConversionSettings,
}

/// `output` of a succeeded conversion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionOutput {
    /// The URL of the converted `.arrAsset` blob.
    pub output_asset_uri: String,
}

/// A conversion as the service returns it. `error` is always on the wire (`null` when there is
/// none); `output` only once `Succeeded`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversion {
    /// The conversion id the client chose (letters, digits, `-`, `_`).
    pub id: String,
    /// When the service accepted the conversion (`Z` form).
    pub creation_time: Timestamp,
    /// The locations it was started with (without the SAS strings).
    pub settings: ConversionSettings,
    /// The converted asset, once `Succeeded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<ConversionOutput>,
    /// Why it failed; `null` on the wire otherwise.
    #[serde(default)]
    pub error: Option<ServiceError>,
    /// The state of the conversion.
    pub status: ConversionStatus,
}

/// One page of `GET /accounts/{id}/conversions`. `@nextLink` is always present, `null` on the
/// last page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversionList {
    /// The conversions of this page.
    pub conversions: Vec<Conversion>,
    /// The URL of the next page; `None` (`null`) on the last one.
    #[serde(rename = "@nextLink", default)]
    pub next_link: Option<String>,
}
