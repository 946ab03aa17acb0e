//! Asset conversions: `conversion`, `conversion_list` and the request body.

use crate::{ConversionStatus, SecretString, ServiceError, Timestamp};
use serde::{Deserialize, Serialize};

/// Where the input model is read from. The SAS is sent by clients but never echoed back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionInputSettings {
    pub storage_container_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_container_read_list_sas: Option<SecretString>,
    /// The service appends a trailing `/` when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_prefix: Option<String>,
    pub relative_input_asset_path: String,
}

/// Where the converted asset is written. The SAS is sent by clients but never echoed back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionOutputSettings {
    pub storage_container_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_container_write_sas: Option<SecretString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_prefix: Option<String>,
    /// Must end in `.arrAsset`; the service fills it in from the input file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_asset_filename: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionSettings {
    pub input_location: ConversionInputSettings,
    pub output_location: ConversionOutputSettings,
}

/// Body of `PUT /accounts/{id}/conversions/{conversion_id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateConversionSettings {
    pub settings: ConversionSettings,
}

/// `output` of a succeeded conversion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionOutput {
    pub output_asset_uri: String,
}

/// A conversion as the service returns it. `error` is always on the wire (`null` when there is
/// none); `output` only once `Succeeded`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversion {
    pub id: String,
    pub creation_time: Timestamp,
    pub settings: ConversionSettings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<ConversionOutput>,
    #[serde(default)]
    pub error: Option<ServiceError>,
    pub status: ConversionStatus,
}

/// One page of `GET /accounts/{id}/conversions`. `@nextLink` is always present, `null` on the
/// last page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversionList {
    pub conversions: Vec<Conversion>,
    #[serde(rename = "@nextLink", default)]
    pub next_link: Option<String>,
}
