//! Building a [`Client`](crate::Client): endpoints, account, credential and options, checked
//! before anything is sent, with messages for the usual mistakes.

use crate::credential::Credential;
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use reqwest::Url;
use std::net::IpAddr;
use std::time::Duration;

pub use crate::vocabulary::{
    DEFAULT_CONVERSION_WAIT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_POLL_INTERVAL,
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_SESSION_WAIT_TIMEOUT, MAX_CONCURRENT_REQUESTS,
    TOKEN_REFRESH_MARGIN,
};

/// The regions the service ran in (informative: any region name is accepted).
pub const KNOWN_REGIONS: &[&str] = &[
    "australiaeast",
    "eastus",
    "eastus2",
    "japaneast",
    "northeurope",
    "southcentralus",
    "southeastasia",
    "uksouth",
    "westeurope",
    "westus2",
];

/// Whether bearer tokens may go to this URL: https anywhere, plain http only to loopback.
pub(crate) fn check_token_safe(url: &Url, field: &'static str) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::invalid_input(
            field,
            format!(
                "refusing to send bearer tokens over plain http to {}; use https (plain http is allowed only to loopback addresses)",
                url.host_str().unwrap_or("?")
            ),
        )),
        other => Err(Error::invalid_input(field, format!("scheme {other:?} is not http or https"))),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn parse_url(text: &str, field: &'static str) -> Result<Url> {
    let url = Url::parse(text.trim()).map_err(|e| {
        let hint = if !text.contains("://") {
            " (include the scheme, e.g. https://)"
        } else {
            ""
        };
        Error::invalid_input(field, format!("{text:?} is not a URL: {e}{hint}"))
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid_input(field, format!("{text:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            field,
            format!("{text:?} must not have a query or fragment"),
        ));
    }
    Ok(url)
}

fn check_uuid(text: &str) -> Result<String> {
    let t = text.trim();
    let ok = t.len() == 36
        && t.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if ok {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(Error::invalid_input(
            "account_id",
            format!("{text:?} is not a UUID (the account id looks like 00000000-0000-0000-0000-000000000000)"),
        ))
    }
}

fn check_region(region: &str) -> Result<&str> {
    let r = region.trim();
    if r.is_empty() || !r.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid_input(
            "region",
            format!(
                "{region:?} is not a region name such as \"eastus\" (for a full URL use endpoint)"
            ),
        ));
    }
    Ok(r)
}

/// The client's settings, checked. Built by [`ClientBuilder`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(crate) endpoint: Url,
    pub(crate) sts_endpoint: Url,
    pub(crate) account_id: String,
    pub(crate) credential: Credential,
    pub(crate) retry: RetryPolicy,
    pub(crate) poll_interval: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) max_concurrent_requests: usize,
    pub(crate) user_agent: String,
    pub(crate) root_certificates: Vec<Vec<u8>>,
}

impl ClientConfig {
    /// The service endpoint, e.g. `https://remoterendering.eastus.mixedreality.azure.com`.
    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str().trim_end_matches('/')
    }

    /// The STS endpoint that exchanges the credential for an access token.
    pub fn sts_endpoint(&self) -> &str {
        self.sts_endpoint.as_str().trim_end_matches('/')
    }

    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The default poll interval of waits.
    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// The retry policy of every request.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

/// Builds a [`Client`](crate::Client). Every setter takes the value as the user gave it;
/// [`build`](ClientBuilder::build) checks them all and names the first one at fault.
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    account_id: Option<String>,
    account_domain: Option<String>,
    sts_endpoint: Option<String>,
    credential: Option<Credential>,
    retry: Option<RetryPolicy>,
    poll_interval: Option<Duration>,
    request_timeout: Option<Duration>,
    max_concurrent_requests: Option<u64>,
    user_agent_suffix: Option<String>,
    root_certificates: Vec<Vec<u8>>,
}

impl ClientBuilder {
    /// An empty builder (the same as [`Client::builder`](crate::Client::builder)).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `ARR_ACCOUNT_ID`, `ARR_ACCOUNT_KEY`, `ARR_ACCOUNT_DOMAIN`, `ARR_STS_ENDPOINT`,
    /// and `ARR_ENDPOINT` or `ARR_REGION`; unset variables leave the setting alone.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut b = Self::new();
        b.account_id = var("ARR_ACCOUNT_ID");
        b.account_domain = var("ARR_ACCOUNT_DOMAIN");
        b.sts_endpoint = var("ARR_STS_ENDPOINT");
        b.endpoint = var("ARR_ENDPOINT");
        b.region = var("ARR_REGION");
        b.credential = var("ARR_ACCOUNT_KEY").map(Credential::account_key);
        b
    }

    /// The service endpoint, e.g. `https://remoterendering.eastus.mixedreality.azure.com`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The rendering region, e.g. `eastus`: the endpoint becomes
    /// `https://remoterendering.{region}.mixedreality.azure.com`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The account id (a UUID).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// The account's domain, e.g. `eastus.mixedreality.azure.com`: the STS is
    /// `https://sts.{account_domain}`.
    pub fn account_domain(mut self, account_domain: impl Into<String>) -> Self {
        self.account_domain = Some(account_domain.into());
        self
    }

    /// The STS endpoint, instead of the one derived from the account domain.
    pub fn sts_endpoint(mut self, sts_endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(sts_endpoint.into());
        self
    }

    /// The credential: an account key, an access token or an Entra token provider.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// The account key as the credential (the same as `credential(Credential::account_key(key))`).
    pub fn account_key(self, key: impl Into<String>) -> Self {
        self.credential(Credential::account_key(key))
    }

    /// The retry policy of every request (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The default poll interval of waits (default [`DEFAULT_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = Some(interval);
        self
    }

    /// Time limit of one HTTP request (default [`DEFAULT_REQUEST_TIMEOUT`]).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// How many requests of this client are on the wire at once (default
    /// [`DEFAULT_MAX_CONCURRENT_REQUESTS`], at most [`MAX_CONCURRENT_REQUESTS`]); more wait for
    /// their turn. It bounds the connections (and their buffers) that thousands of concurrent
    /// calls open, which is most of a large fleet's memory; each connection is reused.
    pub fn max_concurrent_requests(mut self, n: u64) -> Self {
        self.max_concurrent_requests = Some(n);
        self
    }

    /// Appended to the `User-Agent`, e.g. `python/3.11` by a binding.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Trusts this PEM certificate (a private CA, the emulator's `caCert`) besides the
    /// built-in roots.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Checks everything and builds the configuration.
    pub fn build_config(self) -> Result<ClientConfig> {
        let account_id = check_uuid(
            self.account_id
                .as_deref()
                .ok_or_else(|| Error::invalid_input("account_id", "is required"))?,
        )?;
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_input(
                    "endpoint",
                    "give either endpoint or region, not both",
                ))
            }
            (Some(e), None) => parse_url(e, "endpoint")?,
            (None, Some(r)) => {
                let r = check_region(r)?;
                parse_url(
                    &format!(
                        "https://remoterendering.{}.mixedreality.azure.com",
                        r.to_ascii_lowercase()
                    ),
                    "region",
                )?
            }
            (None, None) => {
                return Err(Error::invalid_input(
                    "endpoint",
                    "give the service endpoint or a region",
                ))
            }
        };
        check_token_safe(&endpoint, "endpoint")?;
        let sts_endpoint =
            match (&self.sts_endpoint, &self.account_domain) {
                (Some(sts), _) => parse_url(sts, "sts_endpoint")?,
                (None, Some(domain)) => parse_url(
                    &format!("https://sts.{}", check_domain(domain)?),
                    "account_domain",
                )?,
                (None, None) => return Err(Error::invalid_input(
                    "account_domain",
                    "is required (e.g. \"eastus.mixedreality.azure.com\"), or give sts_endpoint",
                )),
            };
        check_token_safe(&sts_endpoint, "sts_endpoint")?;
        let credential = self.credential.ok_or_else(|| {
            Error::invalid_input(
                "credential",
                "is required (an account key, an access token or an Entra token provider)",
            )
        })?;
        match &credential {
            Credential::AccountKey(k) if k.expose().trim().is_empty() => {
                return Err(Error::invalid_input("account_key", "must not be empty"))
            }
            Credential::AccessToken(t) if t.expose().trim().is_empty() => {
                return Err(Error::invalid_input("access_token", "must not be empty"))
            }
            _ => {}
        }
        let retry = self.retry.unwrap_or_default();
        retry.validate()?;
        let poll_interval = self.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL);
        if poll_interval.is_zero() {
            return Err(Error::invalid_input("poll_interval", "must be more than 0"));
        }
        let request_timeout = self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        if request_timeout.is_zero() {
            return Err(Error::invalid_input(
                "request_timeout",
                "must be more than 0",
            ));
        }
        let max_concurrent_requests = crate::vocabulary::check_max_concurrent_requests(
            "max_concurrent_requests",
            self.max_concurrent_requests
                .unwrap_or(DEFAULT_MAX_CONCURRENT_REQUESTS as u64) as i64,
        )?;
        let mut user_agent = format!("remote-rendering/{} (rust)", env!("CARGO_PKG_VERSION"));
        if let Some(s) = self.user_agent_suffix.filter(|s| !s.trim().is_empty()) {
            user_agent.push(' ');
            user_agent.push_str(s.trim());
        }
        Ok(ClientConfig {
            endpoint,
            sts_endpoint,
            account_id,
            credential,
            retry,
            poll_interval,
            request_timeout,
            max_concurrent_requests,
            user_agent,
            root_certificates: self.root_certificates,
        })
    }

    /// Checks everything and builds the client.
    pub fn build(self) -> Result<crate::Client> {
        crate::Client::from_config(self.build_config()?)
    }
}

/// An account domain as the STS wants it, with helpful refusals of the usual mistakes.
fn check_domain(domain: &str) -> Result<String> {
    let d = domain.trim().trim_end_matches('/');
    if d.contains("://") {
        return Err(Error::invalid_input(
            "account_domain",
            format!("{domain:?} is a URL; give the domain only (e.g. \"eastus.mixedreality.azure.com\"), or set sts_endpoint for a custom STS URL"),
        ));
    }
    if d.is_empty() {
        return Err(Error::invalid_input("account_domain", "must not be empty"));
    }
    if !d.contains('.') {
        let hint = if KNOWN_REGIONS.contains(&d.to_ascii_lowercase().as_str())
            || d.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            format!(
                "; did you mean \"{}.mixedreality.azure.com\"?",
                d.to_ascii_lowercase()
            )
        } else {
            String::new()
        };
        return Err(Error::invalid_input(
            "account_domain",
            format!("{domain:?} looks like a bare region, not an account domain{hint}"),
        ));
    }
    if d.to_ascii_lowercase().starts_with("sts.") {
        return Err(Error::invalid_input(
            "account_domain",
            format!("{domain:?} already starts with \"sts.\"; give the account domain without it (the STS is https://sts.{{account_domain}})"),
        ));
    }
    Ok(d.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const ID: &str = "00000000-1111-2222-3333-444455556666";

    fn base() -> ClientBuilder {
        ClientBuilder::new()
            .account_id(ID)
            .region("eastus")
            .account_domain("eastus.mixedreality.azure.com")
            .account_key("k")
    }

    fn field_of(b: ClientBuilder) -> (Option<&'static str>, String) {
        let e = b.build_config().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        (e.field(), e.to_string())
    }

    #[test]
    fn region_and_domain_derive_both_endpoints() {
        let c = base().build_config().unwrap();
        assert_eq!(
            c.endpoint(),
            "https://remoterendering.eastus.mixedreality.azure.com"
        );
        assert_eq!(
            c.sts_endpoint(),
            "https://sts.eastus.mixedreality.azure.com"
        );
        assert_eq!(c.poll_interval(), DEFAULT_POLL_INTERVAL);
    }

    #[test]
    fn common_mistakes_are_named() {
        let (f, m) = field_of(base().account_domain("eastus"));
        assert_eq!(f, Some("account_domain"));
        assert!(
            m.contains("bare region") && m.contains("eastus.mixedreality.azure.com"),
            "{m}"
        );
        let (f, m) = field_of(base().account_domain("https://sts.eastus.mixedreality.azure.com"));
        assert_eq!(f, Some("account_domain"));
        assert!(m.contains("is a URL"), "{m}");
        let (f, _) = field_of(base().account_domain("sts.eastus.mixedreality.azure.com"));
        assert_eq!(f, Some("account_domain"));
        let (f, m) = field_of(base().account_id("my-account"));
        assert_eq!(f, Some("account_id"));
        assert!(m.contains("UUID"), "{m}");
        let (f, _) = field_of(base().account_key(""));
        assert_eq!(f, Some("account_key"));
        let (f, _) = field_of(base().region("East US"));
        assert_eq!(f, Some("region"));
        let (f, _) = field_of(base().endpoint("https://x"));
        assert_eq!(f, Some("endpoint"), "endpoint and region both given");
        let (f, m) = field_of(
            ClientBuilder::new()
                .account_id(ID)
                .endpoint("remoterendering.eastus.mixedreality.azure.com")
                .account_domain("a.b")
                .account_key("k"),
        );
        assert_eq!(f, Some("endpoint"));
        assert!(m.contains("scheme"), "{m}");
    }

    #[test]
    fn bearer_tokens_never_go_over_plain_http_except_to_loopback() {
        let ok = |e: &str| {
            ClientBuilder::new()
                .account_id(ID)
                .endpoint(e)
                .sts_endpoint(e)
                .account_key("k")
                .build_config()
        };
        for e in [
            "http://127.0.0.1:8700",
            "http://localhost:1",
            "http://[::1]:5",
            "http://127.5.6.7",
            "https://example.com",
        ] {
            assert!(ok(e).is_ok(), "{e}");
        }
        for e in [
            "http://example.com",
            "http://10.0.0.1:8700",
            "http://192.168.1.2",
        ] {
            let err = ok(e).unwrap_err();
            assert!(err.to_string().contains("plain http"), "{err}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = base()
            .account_key("very-secret-key")
            .build_config()
            .unwrap();
        let d = format!("{c:?}");
        assert!(!d.contains("very-secret-key"), "{d}");
        assert!(d.contains("<redacted>"));
    }
}
