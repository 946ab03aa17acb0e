//! Where arrctl's account and defaults come from, in increasing priority: an `arrconfig.json`
//! of the PowerShell scripts, environment variables, and flags.
//!
//! Both formats of the scripts' file are read: the current one (`accountSettings.arrAccountDomain`,
//! `renderingSessionSettings.remoteRenderingDomain`) and the older one that `ARRUtils.ps1` read
//! (`accountSettings.region`, with optional `serviceEndpoint` and `authenticationEndpoint` URLs).
//! A setting a command needs and the file left unfilled is named with the file and its field.
//!
//! The scripts' conventions are kept: a bare region expands to the service's URLs
//! (`eastus` → `https://sts.eastus.mixedreality.azure.com` and
//! `https://remoterendering.eastus.mixedreality.azure.com`), with or without `https://` and the
//! `.mixedreality.azure.com` suffix; anything else passes through (private clouds, the
//! emulator); values still equal to the template's `<…>` placeholders count as unset;
//! `maxLeaseTime` is `hh:mm:ss`.

use remote_rendering::SecretString;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every setting arrctl needs, each optional until the command needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub account_id: Option<String>,
    /// The account key: never printed (`Debug` shows `<redacted>`).
    pub account_key: Option<SecretString>,
    /// The account domain (`eastus.mixedreality.azure.com`).
    pub account_domain: Option<String>,
    pub sts_endpoint: Option<String>,
    pub endpoint: Option<String>,
    pub size: Option<String>,
    pub lease_minutes: Option<u32>,
    pub storage_account: Option<String>,
    pub input_container: Option<String>,
    pub input_folder: Option<String>,
    pub input_asset: Option<String>,
    pub output_container: Option<String>,
    pub output_folder: Option<String>,
    pub output_asset: Option<String>,
    /// The storage account's key (`assetConversionSettings.storageAccountKey`, an addition to
    /// the scripts' format, which asked Azure for it; or `ARR_STORAGE_ACCOUNT_KEY`). Never printed.
    pub storage_account_key: Option<SecretString>,
    /// A blob endpoint other than Azure's (`assetConversionSettings.blobEndpoint` or
    /// `ARR_BLOB_ENDPOINT`; e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`).
    pub blob_endpoint: Option<String>,
    /// The local folder `--upload` sends (`assetConversionSettings.localAssetDirectoryPath`).
    pub local_asset_dir: Option<String>,
    /// What a standard and a premium session cost per hour (`costRates` of the file).
    pub rate_standard: Option<f64>,
    pub rate_premium: Option<f64>,
    /// The file the settings were read from, if any, and the fields it names them by.
    pub origin: Option<Origin>,
}

/// Where a file's settings are, to name the field a user has to fill in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    pub path: PathBuf,
    /// The field holding the account domain, or the region in the older format.
    pub domain_field: &'static str,
    /// The field holding the service endpoint, or the region in the older format.
    pub endpoint_field: &'static str,
}

impl Origin {
    /// `"arrconfig.json: accountSettings.arrAccountId is not filled in"`.
    pub fn unfilled(&self, field: &str) -> String {
        format!("{}: {field} is not filled in", self.path.display())
    }
}

impl std::fmt::Display for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // For --verbose: everything but the key.
        write!(
            f,
            "account {} (key {}), endpoint {}, STS {}",
            self.account_id.as_deref().unwrap_or("-"),
            if self.account_key.is_some() {
                "set"
            } else {
                "unset"
            },
            self.endpoint.as_deref().unwrap_or("-"),
            self.sts_endpoint.as_deref().unwrap_or("-"),
        )
    }
}

fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    t.is_empty() || (t.starts_with('<') && t.ends_with('>'))
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .filter(|s| !is_placeholder(s))
        .map(|s| s.trim().to_owned())
}

/// `eastus`, `eastus.mixedreality.azure.com` or `https://sts.eastus.mixedreality.azure.com`…:
/// the region when the value names one of the service's regions in one of those forms.
fn region_of(value: &str, service: &str) -> Option<String> {
    let v = value.trim().trim_end_matches('/');
    let v = v.strip_prefix("https://").unwrap_or(v);
    let v = v.strip_prefix(&format!("{service}.")).unwrap_or(v);
    let v = v.strip_suffix(".mixedreality.azure.com").unwrap_or(v);
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| v.to_ascii_lowercase())
}

/// The STS endpoint and account domain for an account-domain value of the scripts' config.
pub fn account_domain(value: &str) -> (Option<String>, Option<String>) {
    match region_of(value, "sts") {
        Some(region) => (
            Some(format!("https://sts.{region}.mixedreality.azure.com")),
            Some(format!("{region}.mixedreality.azure.com")),
        ),
        None if value.contains("://") => {
            (Some(value.trim().trim_end_matches('/').to_owned()), None)
        }
        None => (None, Some(value.trim().to_owned())),
    }
}

/// The service endpoint for a rendering-domain value of the scripts' config.
pub fn rendering_endpoint(value: &str) -> String {
    match region_of(value, "remoterendering") {
        Some(region) => format!("https://remoterendering.{region}.mixedreality.azure.com"),
        None if value.contains("://") => value.trim().trim_end_matches('/').to_owned(),
        None => format!("https://{}", value.trim()),
    }
}

/// An age like `2h`, `90m`, `1h30m` or `45s` (`--older-than`).
pub fn parse_age(value: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(value.trim())
        .map_err(|e| format!("{value:?} is not a duration like 2h, 90m or 1h30m: {e}"))
}

/// `hh:mm:ss` (a .NET TimeSpan, as the scripts take it) or plain minutes.
pub fn parse_lease(value: &str) -> Result<u32, String> {
    let v = value.trim();
    if let Ok(m) = v.parse::<u32>() {
        return Ok(m);
    }
    let parts: Vec<&str> = v.split(':').collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    match (parts.len(), nums) {
        (3, Some(n)) if n[1] < 60 && n[2] < 60 => Ok(n[0] * 60 + n[1] + u32::from(n[2] >= 30)),
        (2, Some(n)) if n[1] < 60 => Ok(n[0] * 60 + n[1]),
        _ => Err(format!(
            "{value:?} is not a lease: give minutes (30) or hh:mm:ss (0:30:00)"
        )),
    }
}

impl Settings {
    /// Reads an `arrconfig.json` of either format.
    pub fn from_file(path: &Path) -> Result<Settings, String> {
        let raw = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let v: Value = serde_json::from_str(raw.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        let a = &v["accountSettings"];
        let r = &v["renderingSessionSettings"];
        let c = &v["assetConversionSettings"];
        // The older format names a region (or one URL for both) where the current one has two
        // domains; its optional URLs win over what the region expands to.
        let older = a.get("region").is_some()
            || a.get("serviceEndpoint").is_some()
            || a.get("authenticationEndpoint").is_some();
        let mut s = Settings {
            account_id: text(&a["arrAccountId"]),
            account_key: text(&a["arrAccountKey"]).map(SecretString::new),
            ..Settings::default()
        };
        let origin = if older {
            if let Some(region) = text(&a["region"]) {
                let (sts, domain) = account_domain(&region);
                s.sts_endpoint = sts;
                s.account_domain = domain;
                s.endpoint = Some(rendering_endpoint(&region));
            }
            if let Some(url) = text(&a["serviceEndpoint"]) {
                s.endpoint = Some(rendering_endpoint(&url));
            }
            if let Some(url) = text(&a["authenticationEndpoint"]) {
                let (sts, domain) = account_domain(&url);
                s.sts_endpoint = sts;
                s.account_domain = domain.or(s.account_domain);
            }
            Origin {
                path: path.to_owned(),
                domain_field: "accountSettings.region",
                endpoint_field: "accountSettings.region",
            }
        } else {
            if let Some(d) = text(&a["arrAccountDomain"]) {
                let (sts, domain) = account_domain(&d);
                s.sts_endpoint = sts;
                s.account_domain = domain;
            }
            s.endpoint = text(&r["remoteRenderingDomain"]).map(|d| rendering_endpoint(&d));
            Origin {
                path: path.to_owned(),
                domain_field: "accountSettings.arrAccountDomain",
                endpoint_field: "renderingSessionSettings.remoteRenderingDomain",
            }
        };
        s.size = text(&r["vmSize"]);
        if let Some(l) = text(&r["maxLeaseTime"]) {
            s.lease_minutes = Some(parse_lease(&l).map_err(|e| {
                format!(
                    "{}: renderingSessionSettings.maxLeaseTime: {e}",
                    path.display()
                )
            })?);
        }
        s.storage_account = text(&c["storageAccountName"]);
        s.input_container = text(&c["blobInputContainerName"]);
        s.input_folder = text(&c["inputFolderPath"]);
        s.input_asset = text(&c["inputAssetPath"]);
        s.output_container = text(&c["blobOutputContainerName"]);
        s.output_folder = text(&c["outputFolderPath"]);
        s.output_asset = text(&c["outputAssetFileName"]);
        s.storage_account_key = text(&c["storageAccountKey"]).map(SecretString::new);
        s.blob_endpoint = text(&c["blobEndpoint"]);
        s.local_asset_dir = text(&c["localAssetDirectoryPath"]);
        let rates = &v["costRates"];
        let rate = |name: &str| -> Result<Option<f64>, String> {
            match &rates[name] {
                Value::Null => Ok(None),
                Value::Number(n) => Ok(n.as_f64()),
                Value::String(t) if is_placeholder(t) => Ok(None),
                other => Err(format!(
                    "{}: costRates.{name} must be a number (an amount per hour), got {other}",
                    path.display()
                )),
            }
        };
        s.rate_standard = rate("standardPerHour")?;
        s.rate_premium = rate("premiumPerHour")?;
        s.origin = Some(origin);
        Ok(s)
    }

    /// The `ARR_*` environment variables.
    pub fn from_env() -> Settings {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !is_placeholder(v));
        let mut s = Settings {
            account_id: var("ARR_ACCOUNT_ID"),
            account_key: var("ARR_ACCOUNT_KEY").map(SecretString::new),
            sts_endpoint: var("ARR_STS_ENDPOINT"),
            storage_account: var("ARR_STORAGE_ACCOUNT"),
            storage_account_key: var("ARR_STORAGE_ACCOUNT_KEY").map(SecretString::new),
            blob_endpoint: var("ARR_BLOB_ENDPOINT"),
            ..Settings::default()
        };
        if let Some(d) = var("ARR_ACCOUNT_DOMAIN") {
            let (sts, domain) = account_domain(&d);
            s.sts_endpoint = s.sts_endpoint.or(sts);
            s.account_domain = domain;
        }
        s.endpoint =
            var("ARR_ENDPOINT").or_else(|| var("ARR_REGION").map(|r| rendering_endpoint(&r)));
        s
    }

    /// `self` with every value `over` has replacing ours.
    pub fn overlay(self, over: Settings) -> Settings {
        // The account domain and the STS URL say the same thing: a layer that sets either one
        // replaces both (a domain from the environment must not keep the file's STS URL).
        let (account_domain, sts_endpoint) =
            if over.account_domain.is_some() || over.sts_endpoint.is_some() {
                (over.account_domain, over.sts_endpoint)
            } else {
                (self.account_domain, self.sts_endpoint)
            };
        Settings {
            account_id: over.account_id.or(self.account_id),
            account_key: over.account_key.or(self.account_key),
            account_domain,
            sts_endpoint,
            endpoint: over.endpoint.or(self.endpoint),
            size: over.size.or(self.size),
            lease_minutes: over.lease_minutes.or(self.lease_minutes),
            storage_account: over.storage_account.or(self.storage_account),
            input_container: over.input_container.or(self.input_container),
            input_folder: over.input_folder.or(self.input_folder),
            input_asset: over.input_asset.or(self.input_asset),
            output_container: over.output_container.or(self.output_container),
            output_folder: over.output_folder.or(self.output_folder),
            output_asset: over.output_asset.or(self.output_asset),
            storage_account_key: over.storage_account_key.or(self.storage_account_key),
            blob_endpoint: over.blob_endpoint.or(self.blob_endpoint),
            local_asset_dir: over.local_asset_dir.or(self.local_asset_dir),
            rate_standard: over.rate_standard.or(self.rate_standard),
            rate_premium: over.rate_premium.or(self.rate_premium),
            origin: over.origin.or(self.origin),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_never_in_debug_output() {
        let s = Settings {
            account_key: Some(SecretString::new("the-account-key-value".to_owned())),
            storage_account_key: Some(SecretString::new("the-storage-key-value".to_owned())),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("the-account-key-value"), "{shown}");
        assert!(!shown.contains("the-storage-key-value"), "{shown}");
        assert!(shown.contains("account_key: Some("), "{shown}");
    }

    #[test]
    fn regions_expand_like_the_scripts() {
        for v in [
            "eastus",
            "https://sts.eastus.mixedreality.azure.com",
            "eastus.mixedreality.azure.com",
            "EastUS",
        ] {
            assert_eq!(
                account_domain(v),
                (
                    Some("https://sts.eastus.mixedreality.azure.com".into()),
                    Some("eastus.mixedreality.azure.com".into())
                ),
                "{v}"
            );
        }
        assert_eq!(
            rendering_endpoint("westeurope"),
            "https://remoterendering.westeurope.mixedreality.azure.com"
        );
        assert_eq!(
            rendering_endpoint("http://127.0.0.1:8700"),
            "http://127.0.0.1:8700"
        );
        assert_eq!(
            account_domain("http://127.0.0.1:8700"),
            (Some("http://127.0.0.1:8700".into()), None)
        );
    }

    fn read(v: serde_json::Value) -> Result<Settings, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("arrconfig.json");
        std::fs::write(&p, v.to_string()).unwrap();
        Settings::from_file(&p)
    }

    #[test]
    fn the_older_formats_region_gives_both_urls_and_its_urls_win() {
        let s = read(serde_json::json!({
            "accountSettings": { "arrAccountId": "a", "arrAccountKey": "k", "region": "westeurope" }
        }))
        .unwrap();
        assert_eq!(
            s.endpoint.as_deref(),
            Some("https://remoterendering.westeurope.mixedreality.azure.com")
        );
        assert_eq!(
            s.sts_endpoint.as_deref(),
            Some("https://sts.westeurope.mixedreality.azure.com")
        );
        assert_eq!(
            s.account_domain.as_deref(),
            Some("westeurope.mixedreality.azure.com")
        );
        let s = read(serde_json::json!({
            "accountSettings": {
                "region": "eastus",
                "serviceEndpoint": "https://remoterendering.westus2.mixedreality.azure.com",
                "authenticationEndpoint": "https://sts.westus2.mixedreality.azure.com"
            }
        }))
        .unwrap();
        assert_eq!(
            s.endpoint.as_deref(),
            Some("https://remoterendering.westus2.mixedreality.azure.com")
        );
        assert_eq!(
            s.sts_endpoint.as_deref(),
            Some("https://sts.westus2.mixedreality.azure.com")
        );
        assert_eq!(s.origin.unwrap().endpoint_field, "accountSettings.region");
    }

    #[test]
    fn cost_rates_are_read_and_bad_ones_name_the_field() {
        let s = read(serde_json::json!({
            "costRates": { "standardPerHour": 3.5, "premiumPerHour": "<optional>" }
        }))
        .unwrap();
        assert_eq!((s.rate_standard, s.rate_premium), (Some(3.5), None));
        let e =
            read(serde_json::json!({ "costRates": { "premiumPerHour": "twelve" } })).unwrap_err();
        assert!(
            e.contains("arrconfig.json: costRates.premiumPerHour must be a number"),
            "{e}"
        );
    }

    #[test]
    fn ages_are_human_durations() {
        assert_eq!(parse_age("2h"), Ok(std::time::Duration::from_secs(7200)));
        assert_eq!(parse_age("1h30m"), Ok(std::time::Duration::from_secs(5400)));
        assert!(parse_age("soon").is_err());
    }

    #[test]
    fn leases_take_minutes_or_timespans() {
        assert_eq!(parse_lease("30"), Ok(30));
        assert_eq!(parse_lease("4:0:0"), Ok(240));
        assert_eq!(parse_lease("00:30:00"), Ok(30));
        assert_eq!(parse_lease("1:30"), Ok(90));
        assert!(parse_lease("soon").is_err());
        assert!(parse_lease("0:75:00").is_err());
    }
}
