//! Blob storage as the conversion service sees it: URI normalisation, the access check
//! (SAS or a linked storage account), and, with a storage root, real files.
//!
//! A container URI `https://{account}.blob.core.windows.net/{container}` maps to the folder
//! `{root}/{account}/{container}`; an Azurite-style `http://host:port/{account}/{container}`
//! maps the same way.
//!
//! Requests choose these paths, so they are confined: the storage account and container must
//! be names Azure accepts (checked when the conversion is created: the service's 400), blob
//! paths must be relative with no `.`/`..` segments, and every path resolved on disk (symlinks
//! followed) must stay under the root; anything else fails the conversion without touching a
//! file outside it.

use crate::error::ApiError;
use remote_rendering_models::{ConversionSettings, SecretString, ServiceError};
use std::path::{Component, Path, PathBuf};

/// The message the service answers when storage is neither reachable by SAS nor linked.
pub const LINKED_STORAGE_MESSAGE: &str = "Storage account not linked or linked with insufficient permissions. Documentation on how to link Remote Rendering Accounts to storage can be found here: https://docs.microsoft.com/azure/remote-rendering/how-tos/create-an-account#link-storage-accounts.";

/// The message of a conversion whose input is missing (recordings, 2024).
pub const MISSING_INPUT_MESSAGE: &str = "Could not find the asset file in the storage account. Please make sure all paths and names are correct and the file is uploaded to storage.";

/// The storage root, if any, and whether conversions use real blob storage instead.
#[derive(Clone, Debug, Default)]
pub struct Storage {
    pub root: Option<PathBuf>,
    /// Conversions read and write through the Blob REST API (`blob.rs`); the root is not used.
    pub blob_storage: bool,
    /// Keys of linked storage accounts (blob storage without a SAS).
    pub keys: AccountKeys,
}

pub use remote_rendering_models::{is_container_name, is_storage_account_name};

/// Account keys of linked storage accounts, by account name. `Debug` shows names only.
#[derive(Clone, Default)]
pub struct AccountKeys(pub Vec<(String, SecretString)>);

impl std::fmt::Debug for AccountKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| format!("{name}=<redacted>")))
            .finish()
    }
}

impl AccountKeys {
    pub(crate) fn get(&self, account: &str) -> Option<&SecretString> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(account))
            .map(|(_, k)| k)
    }
}

/// The service's answer to a conversion whose input blob is missing (recordings, 2024): the
/// message and the three AdditionalInfo details naming what was looked for.
pub fn missing_input(settings: &ConversionSettings) -> ServiceError {
    let input = &settings.input_location;
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
        info(format!(
            "InputBlobPrefix: {}",
            input.blob_prefix.as_deref().unwrap_or("")
        )),
    ]);
    error
}

/// How strictly the names of a container URI are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// With a storage root (names become folders): exactly the names Azure accepts.
    Azure,
    /// Without one (nothing is touched): the characters Azure allows, any length, so that
    /// short placeholder names (`in`, `a`) keep working as they always did.
    Charset,
}

fn names_ok(account: &str, container: &str, names: Names) -> bool {
    match names {
        Names::Azure => is_storage_account_name(account) && is_container_name(container),
        Names::Charset => {
            !account.is_empty()
                && account
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && (container == "$root"
                    || (!container.is_empty()
                        && container
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')))
        }
    }
}

/// `(storage account, container)` of a container URI, if both are valid names.
fn split_container_uri(uri: &str, names: Names) -> Option<(String, String)> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    // A SAS or fragment after the path is not part of the names.
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let (account, container) = match host.strip_suffix(".blob.core.windows.net") {
        Some(account) => (account.to_owned(), segments.next()?.to_owned()),
        None => (segments.next()?.to_owned(), segments.next()?.to_owned()),
    };
    // Raw segments are checked: a percent-encoded or backslash form is not a valid name either.
    names_ok(&account, &container, names).then_some((account, container))
}

fn check_uri(uri: &str, field: &str, names: Names) -> Result<(), ApiError> {
    if split_container_uri(uri, names).is_none() {
        return Err(ApiError::bad_request(format!(
            "The {field} value must be the URI of a blob storage container, such as https://{{account}}.blob.core.windows.net/{{container}}, with a valid storage account name (3-24 lowercase letters and digits) and container name (3-63 lowercase letters, digits and single hyphens, or $root)."
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
    names: Names,
) -> Result<(ConversionSettings, ConversionSettings), ApiError> {
    let input = &sent.input_location;
    let output = &sent.output_location;
    check_uri(
        &input.storage_container_uri,
        "settings.inputLocation.storageContainerUri",
        names,
    )?;
    check_uri(
        &output.storage_container_uri,
        "settings.outputLocation.storageContainerUri",
        names,
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
        split_container_uri(uri, Names::Charset).is_some_and(|(account, _)| {
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

/// A blob name as a relative path: `None` for anything that could leave the container, also
/// once percent-decoded (absolute, `.`/`..` segments, backslashes, NUL, drive prefixes).
pub(crate) fn blob_relative_path(blob: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(blob)
        .decode_utf8()
        .ok()?;
    for form in [blob, decoded.as_ref()] {
        if form.is_empty()
            || form.len() > 1024
            || form.starts_with('/')
            || form.contains(['\\', '\0'])
            // A drive prefix (`C:`) means an absolute path on Windows.
            || form.as_bytes().get(1) == Some(&b':')
            || form.split('/').any(|seg| seg == "." || seg == "..")
        {
            return None;
        }
    }
    let rel = PathBuf::from(blob);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(rel)
}

/// Why a path was refused: it leaves the root, or the disk said no.
#[derive(Debug)]
enum Confinement {
    Outside,
    Io,
}

/// `root/account/container/blob` for reading: the file must exist, be a regular file, and
/// resolve (symlinks followed) to a place under the canonical root.
fn confined_input(root: &Path, account: &str, container: &str, blob: &str) -> Option<PathBuf> {
    let rel = blob_relative_path(blob)?;
    let path = root.join(account).join(container).join(rel);
    let resolved = std::fs::canonicalize(&path).ok()?;
    (resolved.starts_with(root) && resolved.is_file()).then_some(resolved)
}

/// `root/account/container/blob` for writing: each folder on the way is created one at a time
/// and checked, so a symlinked folder cannot lead out of the root; an existing file (or
/// symlink) at the end must resolve under the root too.
fn confined_output(
    root: &Path,
    account: &str,
    container: &str,
    blob: &str,
) -> Result<PathBuf, Confinement> {
    let rel = blob_relative_path(blob).ok_or(Confinement::Outside)?;
    let file_name = rel.file_name().ok_or(Confinement::Outside)?.to_owned();
    let mut dir = root.to_path_buf();
    let folders = Path::new(account)
        .join(container)
        .join(rel.parent().unwrap_or(Path::new("")));
    for part in folders.components() {
        dir.push(part);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => {
                dir = std::fs::canonicalize(&dir).map_err(|_| Confinement::Io)?;
                if !dir.starts_with(root) {
                    return Err(Confinement::Outside);
                }
                if !dir.is_dir() {
                    return Err(Confinement::Io);
                }
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(Confinement::Io),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&dir).map_err(|_| Confinement::Io)?
            }
            Err(_) => return Err(Confinement::Io),
        }
    }
    let file = dir.join(file_name);
    if let Ok(m) = std::fs::symlink_metadata(&file) {
        if m.file_type().is_symlink() {
            let target = std::fs::canonicalize(&file).map_err(|_| Confinement::Outside)?;
            if !target.starts_with(root) {
                return Err(Confinement::Outside);
            }
            return Ok(target);
        }
    }
    Ok(file)
}

impl Storage {
    /// How container names are checked when a conversion is created.
    pub fn names(&self) -> Names {
        if self.root.is_some() || self.blob_storage {
            Names::Azure
        } else {
            Names::Charset
        }
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
        // The root itself may be a symlink; everything is compared with its resolved form.
        let root = std::fs::canonicalize(root).ok();
        let input_file = root.as_deref().and_then(|root| {
            let (account, container) =
                split_container_uri(&input.storage_container_uri, Names::Azure)?;
            confined_input(root, &account, &container, &input_blob)
        });
        let Some(input_file) = input_file else {
            return Err(missing_input(settings));
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
        let root = root.ok_or_else(write_error)?;
        let (account, container) = split_container_uri(&out.storage_container_uri, Names::Azure)
            .ok_or_else(write_error)?;
        let output_file =
            confined_output(&root, &account, &container, &output_blob).map_err(|why| {
                tracing::debug!(?why, blob = %output_blob, "conversion output refused");
                write_error()
            })?;
        let input_len = std::fs::metadata(&input_file).map(|m| m.len()).unwrap_or(0);
        let content = format!(
            "ARRASSET (remote-rendering emulator)\ninput: {input_blob}\ninput-bytes: {input_len}\n"
        );
        std::fs::write(&output_file, content).map_err(|_| write_error())?;
        Ok(uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_uris_map_to_account_and_container() {
        assert_eq!(
            split_container_uri("https://sdktest.blob.core.windows.net/test", Names::Azure),
            Some(("sdktest".into(), "test".into()))
        );
        assert_eq!(
            split_container_uri(
                "http://127.0.0.1:10000/devstoreaccount1/assets/",
                Names::Azure
            ),
            Some(("devstoreaccount1".into(), "assets".into()))
        );
        assert_eq!(split_container_uri("Sanitized", Names::Charset), None);
        assert_eq!(
            split_container_uri("https://sdktest.blob.core.windows.net/", Names::Charset),
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
        assert!(blob_relative_path("Input/a.fbx").is_some());
        assert!(blob_relative_path("Input/a..b.fbx").is_some());
        for bad in [
            "../other/a.fbx",
            "Input/../../a.fbx",
            "/etc/passwd",
            "./a.fbx",
            "%2e%2e/a.fbx",
            "Input/%2E%2E/%2e%2e/a.fbx",
            "%2fetc/passwd",
            "..\\..\\a.fbx",
            "Input\\a.fbx",
            "C:/Windows/a.fbx",
            "",
        ] {
            assert!(blob_relative_path(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn only_azure_names_are_accepted() {
        for ok in [
            "abc",
            "sdktest",
            "devstoreaccount1",
            "a23456789012345678901234",
        ] {
            assert!(is_storage_account_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            "..",
            "Sdk",
            "sdk-test",
            "a234567890123456789012345",
            "a%2e",
            "a\\b",
        ] {
            assert!(!is_storage_account_name(bad), "{bad}");
        }
        for ok in ["abc", "my-container", "$root", "a1-b2-c3"] {
            assert!(is_container_name(ok), "{ok}");
        }
        for bad in [
            "ab", "..", "-abc", "abc-", "a--b", "Test", "%2e%2e", "a\\b", "a.b", "$logs",
        ] {
            assert!(!is_container_name(bad), "{bad}");
        }
        for names in [Names::Azure, Names::Charset] {
            for bad in [
                "http://127.0.0.1:10000/../..",
                "https://x.blob.core.windows.net/..",
                "https://...blob.core.windows.net/abc",
                "http://h/%2e%2e/%2e%2e",
                "http://h/devstoreaccount1/..%5c..",
                "http://h/devstoreaccount1/..\\..",
                "https://acct.blob.core.windows.net/Input",
            ] {
                assert_eq!(split_container_uri(bad, names), None, "{bad}");
            }
        }
        assert_eq!(
            split_container_uri(
                "https://acct.blob.core.windows.net/input?sv=1",
                Names::Azure
            ),
            Some(("acct".into(), "input".into()))
        );
        // Short names are only refused where they would become folders.
        assert_eq!(
            split_container_uri("https://a.blob.core.windows.net/in", Names::Charset),
            Some(("a".into(), "in".into()))
        );
        assert_eq!(
            split_container_uri("https://a.blob.core.windows.net/in", Names::Azure),
            None
        );
    }
}
