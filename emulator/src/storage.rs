//! Blob storage as the conversion service sees it: URI normalisation, the access check
//! (SAS or a linked storage account), and, with a storage root, real files.
//!
//! A container URI `https://{account}.blob.core.windows.net/{container}` maps to the folder
//! `{root}/{account}/{container}`; an Azurite-style `http://host:port/{account}/{container}`
//! maps the same way.

use crate::state::ApiError;
use remote_rendering_models::{ConversionSettings, ServiceError};
use std::path::{Component, Path, PathBuf};

/// The message the service answers when storage is neither reachable by SAS nor linked.
pub const LINKED_STORAGE_MESSAGE: &str = "Storage account not linked or linked with insufficient permissions. Documentation on how to link Remote Rendering Accounts to storage can be found here: https://docs.microsoft.com/azure/remote-rendering/how-tos/create-an-account#link-storage-accounts.";

/// The message of a conversion whose input is missing (recordings, 2024).
pub const MISSING_INPUT_MESSAGE: &str = "Could not find the asset file in the storage account. Please make sure all paths and names are correct and the file is uploaded to storage.";

/// The storage root, if any.
#[derive(Clone, Debug, Default)]
pub struct Storage {
    pub root: Option<PathBuf>,
}

/// `(storage account, container)` of a container URI.
fn split_container_uri(uri: &str) -> Option<(String, String)> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    if let Some(account) = host.strip_suffix(".blob.core.windows.net") {
        let container = segments.next()?;
        return Some((account.to_owned(), container.to_owned()));
    }
    let account = segments.next()?;
    let container = segments.next()?;
    Some((account.to_owned(), container.to_owned()))
}

fn check_uri(uri: &str, field: &str) -> Result<(), ApiError> {
    if split_container_uri(uri).is_none() {
        return Err(ApiError::bad_request(format!(
            "The {field} value must be the URI of a blob storage container, such as https://{{account}}.blob.core.windows.net/{{container}}."
        )));
    }
    Ok(())
}

fn with_slash(prefix: &Option<String>) -> Option<String> {
    prefix.as_ref().map(|p| {
        if p.is_empty() || p.ends_with('/') {
            p.clone()
        } else {
            format!("{p}/")
        }
    })
}

/// Validates the settings and returns `(as sent without SAS, as the service echoes them)`:
/// prefixes end in `/`, `outputAssetFilename` is filled in, SAS fields are dropped.
pub fn normalise(
    sent: &ConversionSettings,
) -> Result<(ConversionSettings, ConversionSettings), ApiError> {
    let input = &sent.input_location;
    let output = &sent.output_location;
    check_uri(
        &input.storage_container_uri,
        "settings.inputLocation.storageContainerUri",
    )?;
    check_uri(
        &output.storage_container_uri,
        "settings.outputLocation.storageContainerUri",
    )?;
    if input.relative_input_asset_path.trim().is_empty() {
        return Err(ApiError::bad_request(
            "The settings.inputLocation.relativeInputAssetPath value must not be empty.",
        ));
    }
    let filename =
        match output.output_asset_filename.as_deref() {
            None | Some("") => default_output_name(&input.relative_input_asset_path),
            Some(name) if name.to_ascii_lowercase().ends_with(".arrasset") => name.to_owned(),
            Some(_) => return Err(ApiError::bad_request(
                "The settings.outputLocation.outputAssetFilename value must end in '.arrAsset'.",
            )),
        };
    let mut requested = sent.clone();
    requested.input_location.storage_container_read_list_sas = None;
    requested.output_location.storage_container_write_sas = None;
    let mut normalised = requested.clone();
    normalised.input_location.blob_prefix = with_slash(&input.blob_prefix);
    normalised.output_location.blob_prefix = with_slash(&output.blob_prefix);
    normalised.output_location.output_asset_filename = Some(filename);
    Ok((requested, normalised))
}

/// `models/testBox.fbx` → `testBox.arrAsset`.
fn default_output_name(input_path: &str) -> String {
    let file = input_path.rsplit(['/', '\\']).next().unwrap_or(input_path);
    let stem = match file.rfind('.') {
        Some(dot) if dot > 0 => &file[..dot],
        _ => file,
    };
    format!("{stem}.arrAsset")
}

/// Without a SAS the account must be linked to the storage account: 403 otherwise.
pub fn check_access(sent: &ConversionSettings, linked: &[String]) -> Result<(), ApiError> {
    let is_linked = |uri: &str| {
        split_container_uri(uri).is_some_and(|(account, _)| {
            linked
                .iter()
                .any(|l| l == "*" || l.eq_ignore_ascii_case(&account))
        })
    };
    let input = &sent.input_location;
    let output = &sent.output_location;
    let input_ok = input
        .storage_container_read_list_sas
        .as_ref()
        .is_some_and(|s| !s.is_empty())
        || is_linked(&input.storage_container_uri);
    let output_ok = output
        .storage_container_write_sas
        .as_ref()
        .is_some_and(|s| !s.is_empty())
        || is_linked(&output.storage_container_uri);
    if input_ok && output_ok {
        Ok(())
    } else {
        Err(ApiError::with_body(
            403,
            "LinkedStorageAccessFailure",
            LINKED_STORAGE_MESSAGE,
        ))
    }
}

/// The URI of the converted asset.
pub fn output_uri(settings: &ConversionSettings) -> String {
    let out = &settings.output_location;
    format!(
        "{}/{}{}",
        out.storage_container_uri.trim_end_matches('/'),
        out.blob_prefix.as_deref().unwrap_or(""),
        out.output_asset_filename.as_deref().unwrap_or("")
    )
}

/// A relative blob path as a relative file path, refusing anything that leaves the container.
fn blob_path(container: &Path, blob: &str) -> Option<PathBuf> {
    let rel = Path::new(blob);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(container.join(rel))
}

impl Storage {
    fn container_dir(&self, root: &Path, uri: &str) -> Option<PathBuf> {
        let (account, container) = split_container_uri(uri)?;
        Some(root.join(account).join(container))
    }

    /// Runs the conversion against the storage root: the input must exist; the output is
    /// written. Without a root every conversion succeeds. Returns the output URI.
    pub fn convert(&self, settings: &ConversionSettings) -> Result<String, ServiceError> {
        let uri = output_uri(settings);
        let Some(root) = &self.root else {
            return Ok(uri);
        };
        let input = &settings.input_location;
        let prefix = input.blob_prefix.as_deref().unwrap_or("");
        let input_blob = format!("{prefix}{}", input.relative_input_asset_path);
        let input_file = self
            .container_dir(root, &input.storage_container_uri)
            .and_then(|dir| blob_path(&dir, &input_blob))
            .filter(|p| p.is_file());
        let Some(input_file) = input_file else {
            let mut error = ServiceError::new("InputContainerError", MISSING_INPUT_MESSAGE);
            let info = |m: String| ServiceError::new("AdditionalInfo", m);
            error.details = Some(vec![
                info(format!(
                    "InputStorageContainerUri: {}",
                    input.storage_container_uri
                )),
                info(format!(
                    "InputRelativeInputAssetPath: {}",
                    input.relative_input_asset_path
                )),
                info(format!("InputBlobPrefix: {prefix}")),
            ]);
            return Err(error);
        };
        let out = &settings.output_location;
        let output_blob = format!(
            "{}{}",
            out.blob_prefix.as_deref().unwrap_or(""),
            out.output_asset_filename.as_deref().unwrap_or("")
        );
        let write_error = || {
            ServiceError::new(
                "OutputContainerError",
                "Could not write the converted asset to the output storage container. Please make sure the container exists and is writable.",
            )
        };
        let output_file = self
            .container_dir(root, &out.storage_container_uri)
            .and_then(|dir| blob_path(&dir, &output_blob))
            .ok_or_else(write_error)?;
        let input_len = std::fs::metadata(&input_file).map(|m| m.len()).unwrap_or(0);
        let content = format!(
            "ARRASSET (remote-rendering emulator)\ninput: {input_blob}\ninput-bytes: {input_len}\n"
        );
        output_file
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| std::fs::write(&output_file, content))
            .map_err(|_| write_error())?;
        Ok(uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_uris_map_to_account_and_container() {
        assert_eq!(
            split_container_uri("https://sdktest.blob.core.windows.net/test"),
            Some(("sdktest".into(), "test".into()))
        );
        assert_eq!(
            split_container_uri("http://127.0.0.1:10000/devstoreaccount1/assets/"),
            Some(("devstoreaccount1".into(), "assets".into()))
        );
        assert_eq!(split_container_uri("Sanitized"), None);
        assert_eq!(
            split_container_uri("https://sdktest.blob.core.windows.net/"),
            None
        );
    }

    #[test]
    fn default_output_names() {
        assert_eq!(default_output_name("testBox.fbx"), "testBox.arrAsset");
        assert_eq!(default_output_name("dir/sub/model.gltf"), "model.arrAsset");
        assert_eq!(default_output_name("noext"), "noext.arrAsset");
    }

    #[test]
    fn blob_paths_cannot_escape_the_container() {
        let c = Path::new("/root/acct/cont");
        assert!(blob_path(c, "Input/a.fbx").is_some());
        assert!(blob_path(c, "../other/a.fbx").is_none());
        assert!(blob_path(c, "/etc/passwd").is_none());
    }
}
