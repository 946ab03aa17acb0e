//! Conversions on real blob storage (`blob_storage`, `--blob-storage`): the conversion reads
//! its input and writes its outputs through the Blob REST API (`object_store`'s Azure store),
//! authorised by the SAS of the request, or, for linked storage, by an account key the
//! emulator was given.
//!
//! The work runs as a task of its own, never under the state lock, within [`BLOB_WORK_TIMEOUT`];
//! the conversion stays `Running` until its outcome is recorded (see `state.rs`). The outputs
//! are the service's: the `.arrAsset`, a result file and a log (names in
//! [`remote_rendering_models::OutputBlobs`]). Nothing is written outside the output container
//! given, nor outside its prefix: blob names are checked like the folder store's (no `..`,
//! no absolute paths), and the store is bound to that one container.
//!
//! Failures answer as the service did where the recordings show it (a missing input:
//! `InputContainerError` with three `AdditionalInfo` details). Where they do not (a SAS
//! without read/list, one without write, a reference of a glTF that is missing), the codes and
//! messages below were chosen in the same style and are named as such.

use crate::storage::{blob_relative_path, AccountKeys};
use object_store::azure::MicrosoftAzureBuilder;
use object_store::path::Path as BlobPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use remote_rendering_models::{ConversionSettings, OutputBlobs, SecretString, ServiceError};
use ring::digest::{digest, SHA256};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

/// The longest the blob work of one conversion may take; then it fails.
pub const BLOB_WORK_TIMEOUT: Duration = Duration::from_secs(300);
/// The largest input blob a conversion reads.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;
/// Time limit of one request to the storage.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Chosen (not recorded): the input container could not be read or listed with the
/// credential given.
pub const INPUT_ACCESS_MESSAGE: &str = "Could not access the input storage container. Please make sure the SAS token grants read and list permissions and has not expired, or that the storage account is linked with sufficient permissions.";
/// Chosen (not recorded), the folder store's message: the output could not be written.
pub const OUTPUT_WRITE_MESSAGE: &str = "Could not write the converted asset to the output storage container. Please make sure the container exists and is writable.";
/// Chosen (not recorded): the code of a conversion whose model references a missing file.
pub const MISSING_REFERENCE_CODE: &str = "InputAssetError";

/// What the task of one conversion needs: its id, the settings as sent (with the SAS) and as
/// normalised, and the keys.
pub struct BlobJob {
    pub conversion_id: String,
    pub sent: ConversionSettings,
    pub normalised: ConversionSettings,
    pub keys: AccountKeys,
}

/// `(endpoint, account, container)` of a container URI: Azure's
/// `https://{account}.blob.core.windows.net/{container}` or path-style
/// `http://host:port/{account}/{container}` (Azurite).
fn container_of(uri: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = uri.split_once("://")?;
    let rest = rest.split(['?', '#']).next()?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let lower = host.to_ascii_lowercase();
    match lower.strip_suffix(".blob.core.windows.net") {
        Some(account) => Some((
            format!("{scheme}://{host}"),
            account.to_owned(),
            segs.next()?.to_owned(),
        )),
        None => {
            let account = segs.next()?.to_owned();
            let container = segs.next()?.to_owned();
            Some((format!("{scheme}://{host}/{account}"), account, container))
        }
    }
}

fn is_loopback(endpoint: &str) -> bool {
    let host = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, r)| r)
        .split('/')
        .next()
        .unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A store of one container with the SAS given, or the account's key. `None`: no credential.
fn store_for(
    uri: &str,
    sas: Option<&SecretString>,
    keys: &AccountKeys,
) -> Option<Arc<dyn ObjectStore>> {
    let (endpoint, account, container) = container_of(uri)?;
    let loopback = is_loopback(&endpoint);
    // A SAS or key goes over plain http only to loopback (Azurite).
    if endpoint.starts_with("http://") && !loopback {
        return None;
    }
    let builder = match sas.filter(|s| !s.is_empty()) {
        Some(sas) => {
            let pairs: Vec<(String, String)> = url_pairs(sas.expose().trim_start_matches('?'));
            MicrosoftAzureBuilder::new().with_sas_authorization(pairs)
        }
        None => MicrosoftAzureBuilder::new().with_access_key(keys.get(&account)?.expose()),
    };
    let store = builder
        .with_account(account)
        .with_container_name(container)
        .with_endpoint(endpoint)
        .with_client_options(
            ClientOptions::new()
                .with_allow_http(loopback)
                .with_timeout(REQUEST_TIMEOUT)
                .with_connect_timeout(Duration::from_secs(10)),
        )
        .with_retry(RetryConfig {
            max_retries: 2,
            retry_timeout: Duration::from_secs(60),
            ..RetryConfig::default()
        })
        .build()
        .ok()?;
    Some(Arc::new(store))
}

/// `a=1&b=%2F` → pairs, percent-decoded.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

fn input_access() -> ServiceError {
    ServiceError::new("InputContainerError", INPUT_ACCESS_MESSAGE)
}

fn output_write() -> ServiceError {
    ServiceError::new("OutputContainerError", OUTPUT_WRITE_MESSAGE)
}

fn path(name: &str) -> Option<BlobPath> {
    blob_relative_path(name)?;
    BlobPath::parse(name).ok()
}

/// The relative `uri`s of a glTF's buffers and images, percent-decoded, resolved against the
/// folder of the `.gltf`; `None` for one that leaves the container.
fn gltf_references(json: &[u8], gltf_blob: &str) -> Vec<Option<String>> {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(json) else {
        return Vec::new();
    };
    let dir = gltf_blob.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for list in ["buffers", "images"] {
        for item in doc
            .get(list)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let Some(uri) = item.get("uri").and_then(|u| u.as_str()) else {
                continue;
            };
            if uri.to_ascii_lowercase().starts_with("data:") || uri.contains("://") {
                continue;
            }
            let uri = percent_encoding::percent_decode_str(uri).decode_utf8_lossy();
            let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
            let mut ok = true;
            for seg in uri.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => ok &= parts.pop().is_some(),
                    s => parts.push(s),
                }
            }
            out.push(ok.then(|| parts.join("/")));
        }
    }
    out
}

/// A log being written: one line per step, with the emulated service's time.
#[derive(Default)]
struct Log(String);

impl Log {
    fn line(&mut self, text: impl AsRef<str>) {
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let _ = writeln!(self.0, "{now} {}", text.as_ref());
    }
}

/// Writes the result file and the log (best effort: an output that cannot be written fails
/// the conversion with `OutputContainerError` when the asset itself is written).
async fn write_reports(
    out: &dyn ObjectStore,
    blobs: &OutputBlobs,
    result: serde_json::Value,
    log: &Log,
) -> Result<(), ServiceError> {
    let result = serde_json::to_vec_pretty(&result).unwrap_or_default();
    for (name, bytes) in [
        (&blobs.result, result),
        (&blobs.log, log.0.clone().into_bytes()),
    ] {
        let p = path(name).ok_or_else(output_write)?;
        out.put(&p, PutPayload::from(bytes))
            .await
            .map_err(|_| output_write())?;
    }
    Ok(())
}

/// Runs the conversion on blob storage. The output URI, or the service's error.
pub async fn convert(job: BlobJob) -> Result<String, ServiceError> {
    let BlobJob {
        conversion_id,
        sent,
        normalised,
        keys,
    } = job;
    let input = &normalised.input_location;
    let output = &normalised.output_location;
    let prefix = input.blob_prefix.clone().unwrap_or_default();
    let input_blob = format!("{prefix}{}", input.relative_input_asset_path);
    let blobs = OutputBlobs::new(
        output.blob_prefix.as_deref(),
        output.output_asset_filename.as_deref().unwrap_or_default(),
    );
    let uri = crate::storage::output_uri(&normalised);
    let mut log = Log::default();
    log.line(format!(
        "conversion {conversion_id}: input {} blob {input_blob}",
        input.storage_container_uri
    ));

    let src = store_for(
        &input.storage_container_uri,
        sent.input_location.storage_container_read_list_sas.as_ref(),
        &keys,
    )
    .ok_or_else(input_access)?;
    let input_path = path(&input_blob).ok_or_else(|| crate::storage::missing_input(&normalised))?;
    let meta = match src.head(&input_path).await {
        Ok(meta) => meta,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(crate::storage::missing_input(&normalised))
        }
        Err(_) => return Err(input_access()),
    };
    // The service downloads every blob under the prefix: that needs list permission.
    let listed_prefix = path(prefix.trim_end_matches('/'));
    let mut names = std::collections::HashSet::new();
    {
        use futures_util::StreamExt;
        let mut list = src.list(listed_prefix.as_ref());
        while let Some(item) = list.next().await {
            match item {
                Ok(m) => {
                    names.insert(m.location.to_string());
                }
                Err(_) => return Err(input_access()),
            }
        }
    }
    if meta.size > MAX_INPUT_BYTES {
        return Err(ServiceError::new(
            "InputContainerError",
            format!(
                "The input asset is {} bytes, more than the {MAX_INPUT_BYTES} bytes this emulator converts.",
                meta.size
            ),
        ));
    }
    let bytes = match src.get(&input_path).await {
        Ok(r) => r.bytes().await.map_err(|_| input_access())?,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(crate::storage::missing_input(&normalised))
        }
        Err(_) => return Err(input_access()),
    };
    let hash: String = digest(&SHA256, &bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    log.line(format!(
        "read {input_blob}: {} bytes, sha256 {hash}",
        bytes.len()
    ));

    let dst = store_for(
        &output.storage_container_uri,
        sent.output_location.storage_container_write_sas.as_ref(),
        &keys,
    )
    .ok_or_else(output_write)?;
    let mut result = serde_json::json!({
        "conversionId": conversion_id,
        "input": {
            "storageContainerUri": input.storage_container_uri,
            "blobPrefix": prefix,
            "relativeInputAssetPath": input.relative_input_asset_path,
            "bytes": bytes.len(),
            "sha256": hash,
        },
        "output": { "asset": blobs.asset, "outputAssetUri": uri },
        "generator": concat!("remote-rendering-emulator ", env!("CARGO_PKG_VERSION")),
    });

    let mut referenced = Vec::new();
    if input_blob.to_ascii_lowercase().ends_with(".gltf") {
        for reference in gltf_references(&bytes, &input_blob) {
            match reference.filter(|r| r.starts_with(&prefix) && names.contains(r)) {
                Some(r) => {
                    log.line(format!("found referenced file {r}"));
                    referenced.push(r);
                }
                None => {
                    let message = "Could not open a file the input asset references. Please make sure every file the model references is uploaded under the input's blob prefix.";
                    log.line(format!("error {MISSING_REFERENCE_CODE}: {message}"));
                    result["status"] = "Failed".into();
                    result["error"] =
                        serde_json::json!({ "code": MISSING_REFERENCE_CODE, "message": message });
                    result["output"] = serde_json::Value::Null;
                    write_reports(dst.as_ref(), &blobs, result, &log).await?;
                    return Err(ServiceError::new(MISSING_REFERENCE_CODE, message));
                }
            }
        }
    }
    result["referencedFiles"] = referenced.into();

    let asset = format!(
        "ARRASSET (remote-rendering emulator)\ninput: {input_blob}\ninput-bytes: {}\ninput-sha256: {hash}\n",
        bytes.len()
    );
    let asset_path = path(&blobs.asset).ok_or_else(output_write)?;
    dst.put(&asset_path, PutPayload::from(asset.into_bytes()))
        .await
        .map_err(|_| output_write())?;
    log.line(format!("wrote {}", blobs.asset));
    result["status"] = "Succeeded".into();
    write_reports(dst.as_ref(), &blobs, result, &log).await?;
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_uris_of_both_forms() {
        assert_eq!(
            container_of("http://127.0.0.1:10000/devstoreaccount1/input"),
            Some((
                "http://127.0.0.1:10000/devstoreaccount1".into(),
                "devstoreaccount1".into(),
                "input".into()
            ))
        );
        assert_eq!(
            container_of("https://acct.blob.core.windows.net/out/"),
            Some((
                "https://acct.blob.core.windows.net".into(),
                "acct".into(),
                "out".into()
            ))
        );
    }

    #[test]
    fn credentials_go_over_http_only_to_loopback() {
        let sas = SecretString::new("sv=1&sig=x");
        let keys = AccountKeys::default();
        assert!(store_for("http://127.0.0.1:1/acct/input", Some(&sas), &keys).is_some());
        assert!(store_for("http://storage.example.com/acct/input", Some(&sas), &keys).is_none());
        // No SAS and no key: nothing can be read.
        assert!(store_for("https://acct.blob.core.windows.net/input", None, &keys).is_none());
    }

    #[test]
    fn blob_names_cannot_leave_the_container() {
        assert!(path("converted/model.arrAsset").is_some());
        for bad in ["../other/x", "a/../../x", "/abs", "a\\b", "%2e%2e/x", ""] {
            assert!(path(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn keys_are_never_in_debug() {
        let keys = AccountKeys(vec![("acct".into(), SecretString::new("S3CR3T=="))]);
        assert_eq!(format!("{keys:?}"), r#"["acct=<redacted>"]"#);
    }

    #[test]
    fn gltf_references_resolve_in_the_container() {
        let json = br#"{"buffers":[{"uri":"scene.bin"},{"uri":"../../x.bin"}],"images":[{"uri":"t/a%20b.png"},{"uri":"data:image/png;base64,AA"}]}"#;
        assert_eq!(
            gltf_references(json, "in/scene.gltf"),
            vec![
                Some("in/scene.bin".into()),
                None,
                Some("in/t/a b.png".into())
            ]
        );
    }
}
