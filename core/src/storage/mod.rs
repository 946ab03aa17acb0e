//! Conversions on blob storage: a storage account's credential, least-privilege service SAS
//! tokens made from its key, a client of one container (through `object_store`), uploads with
//! progress, a preflight of a conversion's input, the conversion's result file and log read
//! back after a failure, and content-hash conversion ids.
//!
//! ```no_run
//! # async fn demo(client: remote_rendering::Client) -> remote_rendering::Result<()> {
//! use remote_rendering::storage::{self, StorageAccount, UploadOptions};
//! use remote_rendering::{ConversionInputSettings, ConversionOutputSettings, ConversionSettings, WaitOptions};
//!
//! let key = std::env::var("ARR_STORAGE_ACCOUNT_KEY").unwrap_or_default();
//! let account = StorageAccount::new("mystorage", key, None)?;    // None: https://mystorage.blob.core.windows.net
//! let input = account.container("arrinput")?;
//! input.upload("./model".as_ref(), "model/", UploadOptions::new().on_progress(|p| {
//!     eprintln!("{} {}/{} bytes", p.blob, p.bytes_done, p.bytes_total)
//! })).await?;
//! let settings = ConversionSettings {
//!     input_location: ConversionInputSettings {
//!         storage_container_uri: account.container_uri("arrinput"),
//!         storage_container_read_list_sas: Some(account.input_sas("arrinput")?),   // read + list
//!         blob_prefix: Some("model/".into()),
//!         relative_input_asset_path: "scene.gltf".into(),
//!     },
//!     output_location: ConversionOutputSettings {
//!         storage_container_uri: account.container_uri("arroutput"),
//!         storage_container_write_sas: Some(account.output_sas("arroutput")?),    // write + create
//!         blob_prefix: None,
//!         output_asset_filename: None,
//!     },
//! };
//! storage::preflight(&input, &settings).await?;            // before anything is started
//! let id = storage::content_conversion_id("./model".as_ref(), &settings).await?;  // opt-in
//! client.start_conversion(&id, settings).await?;
//! let output = account.container("arroutput")?;
//! let done = client.wait_for_conversion_with_report(&id, WaitOptions::new(), &output).await?;
//! let uri = done.output_asset_uri.clone().unwrap_or_default();
//! let link = account.asset_read_url(&uri, std::time::Duration::from_secs(3600))?;   // a secret
//! # let _ = link;
//! # Ok(()) }
//! ```
//!
//! Secrets: an account key and every SAS are [`SecretString`]s: `Debug` prints `<redacted>`,
//! and no error message or log line carries one (the blob client's own error texts name
//! request URLs, so only their category and a redacted summary are kept, see
//! [`redact_sas`]).

mod content_id;
pub(crate) mod outcome;
mod preflight;
mod report;
mod sas;
mod upload;

pub use content_id::content_conversion_id;
pub use preflight::{check_blob_name, preflight, Preflight};
pub use report::{
    conversion_log_name, conversion_result_name, read_conversion_report,
    read_conversion_report_for_settings, MAX_REPORT_BYTES,
};
pub use sas::SasPermissions;
pub use upload::{UploadOptions, UploadProgress, UploadProgressFn, UploadReport};

use crate::error::{Error, ErrorKind, Result};
use crate::model::SecretString;
use crate::vocabulary::{fields, CamelView, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SAS_EXPIRY};
use base64::Engine;
use bytes::Bytes;
use futures_util::StreamExt;
use object_store::azure::{MicrosoftAzure, MicrosoftAzureBuilder};
use object_store::path::Path as BlobPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig};
use reqwest::Url;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// A storage account: its name, its key (kept as a [`SecretString`], decoded once) and its
/// blob endpoint. `Debug` never shows the key.
#[derive(Clone)]
pub struct StorageAccount {
    name: String,
    key: SecretString,
    decoded_key: Arc<[u8]>,
    endpoint: Url,
}

impl fmt::Debug for StorageAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StorageAccount")
            .field("name", &self.name)
            .field("key", &"<redacted>")
            .field("blob_endpoint", &self.endpoint.as_str())
            .finish()
    }
}

/// Loopback hosts are the only ones reached over plain http (Azurite, tests).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn check_scheme(url: &Url, field: &'static str) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::invalid_input(
            field,
            format!(
                "{:?} is plain http: SAS tokens and keys are sent only over https, except to loopback addresses",
                url.host_str().unwrap_or_default()
            ),
        )),
        other => Err(Error::invalid_input(
            field,
            format!("the scheme {other:?} is not http or https"),
        )),
    }
}

fn check_container(container: &str, field: &'static str) -> Result<()> {
    if remote_rendering_models::is_container_name(container) {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            format!("{container:?} is not a container name (3-63 lowercase letters, digits and single hyphens)"),
        ))
    }
}

impl StorageAccount {
    /// A storage account. `blob_endpoint` is `None` for Azure's
    /// `https://{name}.blob.core.windows.net`, or a path-style endpoint such as Azurite's
    /// `http://127.0.0.1:10000/devstoreaccount1`. A key that is not base64 is an
    /// [`ErrorKind::InvalidInput`] naming `storage.account_key`; plain http is refused except to
    /// loopback addresses (`storage.blob_endpoint`).
    pub fn new(
        name: impl Into<String>,
        key: impl Into<SecretString>,
        blob_endpoint: Option<&str>,
    ) -> Result<StorageAccount> {
        let name = name.into();
        if !remote_rendering_models::is_storage_account_name(&name) {
            return Err(Error::invalid_input(
                "storage.account_name",
                format!(
                    "{name:?} is not a storage account name (3-24 lowercase letters and digits)"
                ),
            ));
        }
        let key = key.into();
        let decoded_key = base64::engine::general_purpose::STANDARD
            .decode(key.expose().trim())
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                // The value is never repeated: only what is wrong with it.
                Error::invalid_input(
                    "storage.account_key",
                    "is not a base64 account key (copy key1 or key2 of the storage account)",
                )
            })?;
        let endpoint = match blob_endpoint {
            None => format!("https://{name}.blob.core.windows.net"),
            Some(e) => e.trim_end_matches('/').to_owned(),
        };
        let endpoint = Url::parse(&endpoint).map_err(|e| {
            Error::invalid_input(
                "storage.blob_endpoint",
                format!("{endpoint:?} is not a URL ({e})"),
            )
        })?;
        check_scheme(&endpoint, "storage.blob_endpoint")?;
        if endpoint.query().is_some() {
            return Err(Error::invalid_input(
                "storage.blob_endpoint",
                "must not have a query string (give a key, not a SAS, here)",
            ));
        }
        Ok(StorageAccount {
            name,
            key,
            decoded_key: decoded_key.into(),
            endpoint,
        })
    }

    /// The account of a container URI (Azure's `https://{account}.blob.core.windows.net/{c}` or
    /// path-style `http://127.0.0.1:10000/{account}/{c}`) with its key, and the container's
    /// name.
    pub fn for_container_uri(
        container_uri: &str,
        key: impl Into<SecretString>,
    ) -> Result<(StorageAccount, String)> {
        let (endpoint, account, container) = split_container_uri(container_uri)?;
        let endpoint = endpoint.as_str().trim_end_matches('/').to_owned();
        let azure = format!("https://{account}.blob.core.windows.net");
        let custom = (endpoint != azure).then_some(endpoint.as_str());
        Ok((StorageAccount::new(account, key, custom)?, container))
    }

    /// The storage account's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The blob endpoint, without a trailing `/`.
    pub fn blob_endpoint(&self) -> &str {
        self.endpoint.as_str().trim_end_matches('/')
    }

    /// `{blob_endpoint}/{container}`: what a conversion's `storage_container_uri` is.
    pub fn container_uri(&self, container: &str) -> String {
        format!("{}/{container}", self.blob_endpoint())
    }

    fn https_only(&self) -> bool {
        !is_loopback(&self.endpoint)
    }

    fn sign(
        &self,
        container: &str,
        blob: Option<&str>,
        permissions: SasPermissions,
        expiry: Duration,
    ) -> Result<SecretString> {
        check_container(container, "container")?;
        if expiry.is_zero() || expiry > Duration::from_secs(7 * 24 * 3600) {
            return Err(Error::invalid_input(
                "expiry",
                "must be more than 0 and at most 7 days",
            ));
        }
        let now = OffsetDateTime::now_utc();
        // Started a little in the past: the storage service's clock may be behind this one.
        Ok(sas::sign(
            &sas::SasRequest {
                account: &self.name,
                container,
                blob,
                permissions,
                start: now - Duration::from_secs(5 * 60),
                expiry: now + expiry,
                https_only: self.https_only(),
            },
            &self.decoded_key,
        ))
    }

    /// A service SAS for `container` with `permissions`, valid for `expiry` (at most 7 days),
    /// https-only unless the endpoint is a loopback address. The query string, no `?`.
    pub fn container_sas(
        &self,
        container: &str,
        permissions: SasPermissions,
        expiry: Duration,
    ) -> Result<SecretString> {
        if permissions.letters().is_empty() {
            return Err(Error::invalid_input("permissions", "must grant something"));
        }
        self.sign(container, None, permissions, expiry)
    }

    /// What a conversion needs of its input container: read and list, for
    /// [`DEFAULT_SAS_EXPIRY`].
    pub fn input_sas(&self, container: &str) -> Result<SecretString> {
        self.input_sas_for(container, DEFAULT_SAS_EXPIRY)
    }

    /// [`input_sas`](Self::input_sas) valid for `expiry` (the table's `input_sas(container,
    /// expiry)`, which the bindings call).
    pub fn input_sas_for(&self, container: &str, expiry: Duration) -> Result<SecretString> {
        self.container_sas(container, SasPermissions::READ_LIST, expiry)
    }

    /// What a conversion needs of its output container: write and create (no read, list or
    /// delete), for [`DEFAULT_SAS_EXPIRY`].
    pub fn output_sas(&self, container: &str) -> Result<SecretString> {
        self.output_sas_for(container, DEFAULT_SAS_EXPIRY)
    }

    /// [`output_sas`](Self::output_sas) valid for `expiry` (the table's `output_sas(container,
    /// expiry)`, which the bindings call).
    pub fn output_sas_for(&self, container: &str, expiry: Duration) -> Result<SecretString> {
        self.container_sas(container, SasPermissions::WRITE, expiry)
    }

    /// A URL that reads one blob (`sp=r`, `sr=b`) for `expiry`: the link to a converted asset.
    /// A secret (it carries the SAS).
    pub fn blob_read_url(
        &self,
        container: &str,
        blob: &str,
        expiry: Duration,
    ) -> Result<SecretString> {
        check_blob_name(blob, "blob")?;
        let sas = self.sign(container, Some(blob), SasPermissions::READ, expiry)?;
        let mut url = Url::parse(&self.container_uri(container))
            .map_err(|e| Error::invalid_input("container", e))?;
        url.path_segments_mut()
            .map_err(|_| Error::invalid_input("storage.blob_endpoint", "cannot have a path"))?
            .extend(blob.split('/'));
        Ok(SecretString::new(format!("{url}?{}", sas.expose())))
    }

    /// A read URL for the converted asset of a conversion that succeeded (its
    /// `output_asset_uri`, which must be in this account), for `expiry`.
    pub fn asset_read_url(&self, output_asset_uri: &str, expiry: Duration) -> Result<SecretString> {
        let (endpoint, container, blob) = split_blob_uri(output_asset_uri, "output_asset_uri")?;
        if endpoint.as_str().trim_end_matches('/') != self.blob_endpoint() {
            return Err(Error::invalid_input(
                "output_asset_uri",
                format!(
                    "{output_asset_uri:?} is not in the storage account {}",
                    self.name
                ),
            ));
        }
        let blob = percent_encoding::percent_decode_str(&blob)
            .decode_utf8_lossy()
            .into_owned();
        self.blob_read_url(&container, &blob, expiry)
    }

    /// Creates `container` (private: no public access) when it does not exist; `true` when it
    /// was created, `false` when it was there already. Written by hand (one Shared Key signed
    /// `PUT ?restype=container`) because the blob client this crate uses has no container
    /// operations.
    pub async fn create_container(&self, container: &str) -> Result<bool> {
        check_container(container, "container")?;
        let date = OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
        let version = sas::SAS_VERSION;
        let url = Url::parse(&format!(
            "{}?restype=container",
            self.container_uri(container)
        ))
        .map_err(|e| Error::invalid_input("container", e))?;
        // VERB, eleven empty standard headers, the x-ms- headers, the canonical resource
        // (`/{account}` + the URL's path: path-style endpoints name the account twice), the query.
        let to_sign = format!(
            "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n/{}{}\nrestype:container",
            self.name,
            url.path()
        );
        let mac = ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.decoded_key),
            to_sign.as_bytes(),
        );
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.as_ref());
        let what = format!(
            "create the container {container:?} in {}",
            self.blob_endpoint()
        );
        let resp = reqwest::Client::builder()
            .https_only(self.https_only())
            .timeout(DEFAULT_REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?
            .put(url)
            .header("x-ms-date", date)
            .header("x-ms-version", version)
            .header("Authorization", format!("SharedKey {}:{sig}", self.name))
            .header("Content-Length", "0")
            .send()
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::Transport,
                    format!(
                        "could not {what}: the storage could not be reached (check storage.blob_endpoint): {}",
                        redact_sas(&e.without_url().to_string())
                    ),
                )
            })?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => Ok(true),
            409 => Ok(false),
            _ => Err(Error::new(
                ErrorKind::from_status(status),
                format!("could not {what}: the storage answered {status}"),
            )
            .with_status(status)),
        }
    }

    /// A client of `container`, authorised by this account's key.
    pub fn container(&self, container: &str) -> Result<BlobContainer> {
        check_container(container, "container")?;
        let builder = MicrosoftAzureBuilder::new().with_access_key(self.key.expose());
        BlobContainer::build(
            &self.container_uri(container),
            self.endpoint.clone(),
            &self.name,
            container,
            builder,
            ContainerAuth::Key,
        )
    }
}

/// `(account endpoint, account, container)` of a container URI (`storage_container_uri`),
/// Azure's or path-style; a blob's URI is refused.
fn split_container_uri(container_uri: &str) -> Result<(Url, String, String)> {
    let (endpoint, account, container, rest) = split_uri(container_uri, "storage_container_uri")?;
    if !rest.is_empty() {
        return Err(Error::invalid_input(
            "storage_container_uri",
            format!("{container_uri:?} is a blob, not a container"),
        ));
    }
    Ok((endpoint, account, container))
}

/// `(account endpoint, container, blob path)` of a blob URI, Azure's or path-style.
fn split_blob_uri(uri: &str, field: &'static str) -> Result<(Url, String, String)> {
    let (endpoint, account, container, rest) = split_uri(uri, field)?;
    let _ = account;
    Ok((endpoint, container, rest))
}

/// `(account endpoint, account, container, the rest of the path)` of a container or blob URI:
/// `https://{account}.blob.core.windows.net/{container}/…` or path-style
/// `http://host:port/{account}/{container}/…` (Azurite).
fn split_uri(uri: &str, field: &'static str) -> Result<(Url, String, String, String)> {
    let url = Url::parse(uri)
        .map_err(|e| Error::invalid_input(field, format!("{uri:?} is not a URL ({e})")))?;
    check_scheme(&url, field)?;
    if url.query().is_some() {
        return Err(Error::invalid_input(
            field,
            "must not carry a query string (give the SAS on its own)",
        ));
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let mut segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let mut endpoint = url.clone();
    endpoint.set_path("");
    let account = match host.strip_suffix(".blob.core.windows.net") {
        Some(account) => account.to_owned(),
        None => {
            if segments.is_empty() {
                return Err(Error::invalid_input(
                    field,
                    format!("{uri:?} names no storage account (http://host:port/{{account}}/{{container}})"),
                ));
            }
            let account = segments.remove(0).to_owned();
            endpoint.set_path(&account);
            account
        }
    };
    if segments.is_empty() {
        return Err(Error::invalid_input(
            field,
            format!("{uri:?} names no container"),
        ));
    }
    let container = segments.remove(0).to_owned();
    check_container(&container, field)?;
    if !remote_rendering_models::is_storage_account_name(&account) {
        return Err(Error::invalid_input(
            field,
            format!("{account:?} is not a storage account name"),
        ));
    }
    Ok((endpoint, account, container, segments.join("/")))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ContainerAuth {
    Key,
    Sas,
}

/// A client of one blob container, through `object_store`'s Azure store: authorised by a SAS
/// or an account key. Cheap to clone. `Debug` shows the container's URI, never a credential.
#[derive(Clone)]
pub struct BlobContainer {
    uri: String,
    store: Arc<MicrosoftAzure>,
    auth: ContainerAuth,
}

impl fmt::Debug for BlobContainer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the store: its Debug prints the SAS pairs.
        f.debug_struct("BlobContainer")
            .field("uri", &self.uri)
            .field(
                "auth",
                &match self.auth {
                    ContainerAuth::Key => "account key <redacted>",
                    ContainerAuth::Sas => "SAS <redacted>",
                },
            )
            .finish()
    }
}

impl BlobContainer {
    /// A client of the container at `container_uri` (Azure's or Azurite's form), authorised by
    /// `sas` (the query string, with or without a leading `?`).
    pub fn with_sas(container_uri: &str, sas: &SecretString) -> Result<BlobContainer> {
        let (endpoint, account, container) = split_container_uri(container_uri)?;
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(sas.expose().trim_start_matches('?').as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        if !pairs.iter().any(|(k, _)| k == "sig") {
            return Err(Error::invalid_input(
                "sas",
                "is not a SAS token (it has no sig= part)",
            ));
        }
        let builder = MicrosoftAzureBuilder::new().with_sas_authorization(pairs);
        BlobContainer::build(
            container_uri.trim_end_matches('/'),
            endpoint,
            &account,
            &container,
            builder,
            ContainerAuth::Sas,
        )
    }

    fn build(
        uri: &str,
        endpoint: Url,
        account: &str,
        container: &str,
        builder: MicrosoftAzureBuilder,
        auth: ContainerAuth,
    ) -> Result<BlobContainer> {
        let options = ClientOptions::new()
            .with_allow_http(is_loopback(&endpoint))
            .with_timeout(DEFAULT_REQUEST_TIMEOUT)
            .with_connect_timeout(Duration::from_secs(10));
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(60),
            ..RetryConfig::default()
        };
        let store = builder
            .with_account(account)
            .with_container_name(container)
            .with_endpoint(endpoint.as_str().trim_end_matches('/').to_owned())
            .with_client_options(options)
            .with_retry(retry)
            .build()
            .map_err(|e| store_error(e, "storage_container_uri", "set up the blob client"))?;
        Ok(BlobContainer {
            uri: uri.to_owned(),
            store: Arc::new(store),
            auth,
        })
    }

    /// The container's URI (no SAS).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    pub(crate) fn path(blob: &str) -> Result<BlobPath> {
        check_blob_name(blob, "blob")?;
        BlobPath::parse(blob).map_err(|_| {
            Error::invalid_input(
                "blob",
                format!("{blob:?} is not a blob name this client can send"),
            )
        })
    }

    /// The size of `blob`, or `None` when it does not exist.
    pub async fn blob_size(&self, blob: &str) -> Result<Option<u64>> {
        let path = Self::path(blob)?;
        match self.store.head(&path).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_error(
                e,
                "blob",
                &format!("read {blob:?} in {}", self.uri),
            )),
        }
    }

    /// Whether `blob` exists.
    pub async fn exists(&self, blob: &str) -> Result<bool> {
        Ok(self.blob_size(blob).await?.is_some())
    }

    /// The bytes of `blob`, at most `limit` of them (`None` when it does not exist). A blob
    /// larger than the limit gives its first `limit` bytes and `true`.
    pub async fn read_bounded(&self, blob: &str, limit: u64) -> Result<Option<(Bytes, bool)>> {
        let Some(size) = self.blob_size(blob).await? else {
            return Ok(None);
        };
        if size == 0 {
            return Ok(Some((Bytes::new(), false)));
        }
        let end = size.min(limit);
        let path = Self::path(blob)?;
        match self.store.get_range(&path, 0..end).await {
            Ok(bytes) => Ok(Some((bytes, size > limit))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_error(
                e,
                "blob",
                &format!("read {blob:?} in {}", self.uri),
            )),
        }
    }

    /// The bytes of `blob` (`None` when it does not exist); a blob larger than `max_bytes` is
    /// an `INVALID_INPUT` naming `max_bytes`, never cut short.
    pub async fn read(&self, blob: &str, max_bytes: u64) -> Result<Option<Bytes>> {
        match self.read_bounded(blob, max_bytes).await? {
            None => Ok(None),
            Some((_, true)) => Err(Error::invalid_input(
                "max_bytes",
                format!("{blob:?} is larger than {max_bytes} bytes"),
            )),
            Some((bytes, false)) => Ok(Some(bytes)),
        }
    }

    /// The names of the blobs under `prefix` (needs list permission).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let prefix = prefix.trim_end_matches('/');
        let path = if prefix.is_empty() {
            None
        } else {
            Some(Self::path(prefix)?)
        };
        let mut names = Vec::new();
        let mut stream = self.store.list(path.as_ref());
        while let Some(item) = stream.next().await {
            let meta = item.map_err(|e| {
                store_error(e, "storage_container_uri", &format!("list {}", self.uri))
            })?;
            names.push(meta.location.to_string());
        }
        Ok(names)
    }

    /// Writes `bytes` to `blob` in one request.
    pub async fn put(&self, blob: &str, bytes: Bytes) -> Result<()> {
        let path = Self::path(blob)?;
        self.store
            .put(&path, bytes.into())
            .await
            .map(drop)
            .map_err(|e| store_error(e, "blob", &format!("write {blob:?} to {}", self.uri)))
    }

    pub(crate) fn store(&self) -> &MicrosoftAzure {
        &self.store
    }
}

/// Removes every query string (where a SAS travels) and `sig=` value from `text`: blob
/// clients name request URLs in their error messages.
pub fn redact_sas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let bytes = text.as_bytes();
    while let Some((i, c)) = chars.next() {
        let sig =
            text[i..].starts_with("sig=") && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if c == '?' || sig {
            out.push_str(if c == '?' {
                "?<redacted>"
            } else {
                "sig=<redacted>"
            });
            // Skip to the end of the URL or token.
            while let Some(&(_, n)) = chars.peek() {
                if n.is_whitespace() || matches!(n, '"' | '\'' | '<' | '>' | ')' | ']' | ',') {
                    break;
                }
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An error of the blob client, in this crate's terms: the kind by what the storage said,
/// the message from this crate's words and a redacted summary (never a URL's query).
pub(crate) fn store_error(e: object_store::Error, field: &'static str, doing: &str) -> Error {
    use object_store::Error as E;
    let (kind, status, why) = match &e {
        E::NotFound { .. } => (
            ErrorKind::NotFound,
            Some(404),
            "it does not exist".to_owned(),
        ),
        E::PermissionDenied { .. } => (
            ErrorKind::Forbidden,
            Some(403),
            "the storage refused it (403): the SAS or key does not grant this, or has expired"
                .to_owned(),
        ),
        E::Unauthenticated { .. } => (
            ErrorKind::Unauthorized,
            Some(401),
            "the storage refused the credential (401)".to_owned(),
        ),
        E::AlreadyExists { .. } | E::Precondition { .. } => (
            ErrorKind::Conflict,
            Some(409),
            "it exists already".to_owned(),
        ),
        E::Generic { .. } => {
            let text = redact_sas(&e.to_string());
            // Connection failures name no status; anything else is the storage's answer.
            let transport = [
                "connect",
                "timed out",
                "timeout",
                "dns",
                "error sending request",
            ]
            .iter()
            .any(|w| text.to_ascii_lowercase().contains(w));
            let mut short: String = text.chars().take(300).collect();
            if short.len() < text.len() {
                short.push('…');
            }
            // The blob client reports some refusals (a listing's) as generic errors that
            // name the status only in their text: those keep the kind of their status.
            match generic_status(&text) {
                Some(403) => (
                    ErrorKind::Forbidden,
                    Some(403),
                    format!("the storage refused it (403): the SAS or key does not grant this, or has expired: {short}"),
                ),
                Some(401) => (
                    ErrorKind::Unauthorized,
                    Some(401),
                    format!("the storage refused the credential (401): {short}"),
                ),
                Some(404) => (ErrorKind::NotFound, Some(404), format!("it does not exist: {short}")),
                Some(status) if status >= 500 => (ErrorKind::Service, Some(status), short),
                _ if transport => (
                    ErrorKind::Transport,
                    None,
                    format!("the storage could not be reached (check storage.blob_endpoint or the container URI): {short}"),
                ),
                status => (ErrorKind::Service, status, short),
            }
        }
        _ => (
            ErrorKind::InvalidInput,
            None,
            redact_sas(&e.to_string()).chars().take(300).collect(),
        ),
    };
    let mut err = Error::new(kind, format!("could not {doing}: {why}"));
    if let Some(status) = status {
        err = err.with_status(status);
    }
    if kind == ErrorKind::InvalidInput {
        err = Error::invalid_input(field, format!("could not {doing}: {why}"));
    }
    err
}

/// The HTTP status a generic blob-client error names in its text (`status 403`,
/// `status code: 403`), if any. Hand-written: the client keeps the status only in its message.
fn generic_status(text: &str) -> Option<u16> {
    text.match_indices("status").find_map(|(i, w)| {
        let rest = text[i + w.len()..].trim_start_matches([' ', ':']);
        let rest = rest
            .strip_prefix("code")
            .map_or(rest, |r| r.trim_start_matches([' ', ':']));
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (digits.len() == 3).then(|| digits.parse().ok()).flatten()
    })
}

// The storage models as Node and Java hand them over (the table's camelCase fields).
impl CamelView for UploadProgress {
    fn camel_view(&self) -> serde_json::Value {
        fields!(self; blob, file_bytes_done, file_bytes_total, bytes_done, bytes_total, file_done)
    }
}

impl CamelView for UploadReport {
    fn camel_view(&self) -> serde_json::Value {
        fields!(self; uploaded, not_uploaded, bytes)
    }
}

impl CamelView for Preflight {
    fn camel_view(&self) -> serde_json::Value {
        fields!(self; input_blob, input_bytes, referenced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_models_cross_under_the_tables_names() {
        let p = UploadProgress {
            blob: "a".into(),
            file_bytes_done: 1,
            file_bytes_total: 2,
            bytes_done: 3,
            bytes_total: 4,
            file_done: false,
        };
        let keys = |j: serde_json::Value| -> Vec<String> {
            j.as_object().unwrap().keys().cloned().collect()
        };
        let fields = |name: &str| -> Vec<String> {
            crate::vocabulary::MODELS
                .iter()
                .find(|m| m.name == name)
                .unwrap()
                .fields
                .iter()
                .map(|f| crate::vocabulary::camel_case(f))
                .collect()
        };
        assert_eq!(keys(p.camel_view()), fields("UploadProgress"));
        let r = UploadReport {
            uploaded: vec!["a".into()],
            not_uploaded: vec![],
            bytes: 1,
        };
        assert_eq!(keys(r.camel_view()), fields("UploadReport"));
        let f = Preflight {
            input_blob: "a".into(),
            input_bytes: 1,
            referenced: vec![],
        };
        assert_eq!(keys(f.camel_view()), fields("Preflight"));
    }

    #[test]
    fn a_generic_errors_status_keeps_its_kind() {
        assert_eq!(
            generic_status("Client error with status 403 Forbidden: <Error>"),
            Some(403)
        );
        assert_eq!(
            generic_status("Server returned non-2xx status code: 404 Not Found"),
            Some(404)
        );
        assert_eq!(generic_status("error sending request for url"), None);
        assert_eq!(generic_status("status unknown 40300"), None);
        let e = object_store::Error::Generic {
            store: "MicrosoftAzure",
            source: "Error performing list request: Client error with status 403 Forbidden: AuthorizationPermissionMismatch".into(),
        };
        let e = store_error(e, "storage_container_uri", "list x");
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        assert_eq!(e.status(), Some(403));
    }

    const DEV_KEY: &str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    #[test]
    fn a_key_that_is_not_base64_is_refused_by_name_without_repeating_it() {
        let e = StorageAccount::new("mystorage", "not base64 at all!!", None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.field(), Some("storage.account_key"));
        assert!(!e.to_string().contains("not base64 at all"), "{e}");
    }

    #[test]
    fn the_key_is_never_in_debug() {
        let a = StorageAccount::new(
            "devstoreaccount1",
            DEV_KEY,
            Some("http://127.0.0.1:1/devstoreaccount1"),
        )
        .unwrap();
        let shown = format!("{a:?}");
        assert!(!shown.contains(&DEV_KEY[..20]), "{shown}");
        assert!(shown.contains("devstoreaccount1"));
        let c = a.container("input").unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains(&DEV_KEY[..20]), "{shown}");
        let sas = a.input_sas("input").unwrap();
        let c = BlobContainer::with_sas(&a.container_uri("input"), &sas).unwrap();
        let shown = format!("{c:?} {sas:?}");
        assert!(!shown.contains("sig="), "{shown}");
    }

    #[test]
    fn plain_http_is_refused_except_to_loopback() {
        let e = StorageAccount::new(
            "mystorage",
            DEV_KEY,
            Some("http://storage.example.com/mystorage"),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("storage.blob_endpoint"));
        StorageAccount::new(
            "mystorage",
            DEV_KEY,
            Some("http://127.0.0.1:10000/mystorage"),
        )
        .unwrap();
        let azure = StorageAccount::new("mystorage", DEV_KEY, None).unwrap();
        assert_eq!(
            azure.container_uri("in"),
            "https://mystorage.blob.core.windows.net/in"
        );
        // Over https the tokens say so; to loopback they cannot (Azurite is http).
        assert!(azure
            .input_sas("input")
            .unwrap()
            .expose()
            .contains("spr=https"));
        let local = StorageAccount::new(
            "mystorage",
            DEV_KEY,
            Some("http://127.0.0.1:10000/mystorage"),
        )
        .unwrap();
        assert!(!local.input_sas("input").unwrap().expose().contains("spr="));
        let e =
            BlobContainer::with_sas("http://example.com/acct/input", &SecretString::new("sig=x"))
                .unwrap_err();
        assert_eq!(e.field(), Some("storage_container_uri"));
    }

    #[test]
    fn container_uris_of_both_forms_are_read() {
        let (endpoint, account, container, rest) =
            split_uri("http://127.0.0.1:10000/devstoreaccount1/input", "f").unwrap();
        assert_eq!(endpoint.as_str(), "http://127.0.0.1:10000/devstoreaccount1");
        assert_eq!(
            (account.as_str(), container.as_str(), rest.as_str()),
            ("devstoreaccount1", "input", "")
        );
        let (endpoint, account, container, rest) = split_uri(
            "https://acct.blob.core.windows.net/out/Output/a.arrAsset",
            "f",
        )
        .unwrap();
        assert_eq!(endpoint.as_str(), "https://acct.blob.core.windows.net/");
        assert_eq!(
            (account.as_str(), container.as_str(), rest.as_str()),
            ("acct", "out", "Output/a.arrAsset")
        );
        assert!(split_uri("https://acct.blob.core.windows.net/", "f").is_err());
        assert!(split_uri("https://acct.blob.core.windows.net/in?sv=1&sig=abc", "f").is_err());
    }

    #[test]
    fn sas_strings_are_redacted_from_texts() {
        let text = "Error performing GET http://127.0.0.1:1/devstoreaccount1/in/a.gltf?st=2026&sp=rl&sig=abc%3D in 3ms";
        let red = redact_sas(text);
        assert_eq!(
            red,
            "Error performing GET http://127.0.0.1:1/devstoreaccount1/in/a.gltf?<redacted> in 3ms"
        );
        assert_eq!(
            redact_sas("token sig=abcdef, then"),
            "token sig=<redacted>, then"
        );
        assert_eq!(redact_sas("no secrets here"), "no secrets here");
        assert_eq!(redact_sas("design=1"), "design=1");
    }

    #[test]
    fn asset_read_urls_point_at_the_asset() {
        let a = StorageAccount::new(
            "devstoreaccount1",
            DEV_KEY,
            Some("http://127.0.0.1:9/devstoreaccount1"),
        )
        .unwrap();
        let url = a
            .asset_read_url(
                "http://127.0.0.1:9/devstoreaccount1/output/Output/my%20model.arrAsset",
                Duration::from_secs(60),
            )
            .unwrap();
        assert!(
            url.expose().starts_with(
                "http://127.0.0.1:9/devstoreaccount1/output/Output/my%20model.arrAsset?"
            ),
            "{}",
            url.expose()
        );
        assert!(url.expose().contains("&sp=r&") && url.expose().contains("&sr=b&"));
        let e = a
            .asset_read_url(
                "http://127.0.0.1:9/other/output/x.arrAsset",
                Duration::from_secs(60),
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("output_asset_uri"));
    }
}
