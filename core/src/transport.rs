//! An ARR call: the access token (from the token module), the headers every call carries, and
//! one re-authentication after a 401; the request itself goes out through the http module.

use crate::config::{check_token_safe, ClientConfig};
use crate::credential::Credential;
use crate::error::{Error, ErrorKind, Result};
pub(crate) use crate::http::Reply;
use crate::http::{send_with_retry, sensitive};
use crate::token::TokenCache;
use remote_rendering_models::{SecretString, API_VERSION};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Url};
use std::time::Duration;

pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub config: ClientConfig,
    tokens: TokenCache,
    /// One permit per request on the wire (`max_concurrent_requests`).
    pub on_the_wire: tokio::sync::Semaphore,
}

impl Transport {
    pub fn new(config: ClientConfig) -> Result<Self> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(60))
            // The blob client (object_store) turns on reqwest's http2 and system-roots features
            // for the whole build; this client keeps what it had: HTTP/1.1 and the bundled
            // webpki roots (plus `root_certificates`), not the machine's certificate store.
            .http1_only()
            .tls_built_in_native_certs(false);
        for pem in &config.root_certificates {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                Error::invalid_input("root_certificate", format!("not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder.build().map_err(|e| {
            Error::new(ErrorKind::Transport, format!("cannot set up HTTP: {e}")).with_source(e)
        })?;
        Ok(Transport {
            http,
            on_the_wire: tokio::sync::Semaphore::new(config.max_concurrent_requests),
            config,
            tokens: TokenCache::new(),
        })
    }

    /// `{endpoint}/accounts/{account}/{segments…}?api-version=2021-01-01`.
    pub fn arr_url(&self, segments: &[&str]) -> Url {
        let mut url = self.config.endpoint.clone();
        {
            let mut path = url.path_segments_mut().expect("http(s) URLs have paths");
            path.pop_if_empty()
                .push("accounts")
                .push(&self.config.account_id);
            for s in segments {
                path.push(s);
            }
        }
        url.query_pairs_mut()
            .append_pair("api-version", API_VERSION);
        url
    }

    /// An ARR call: token, standard headers, retries, one re-authentication after a 401.
    pub async fn arr(
        &self,
        what: &str,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply> {
        check_token_safe(&url, "url")?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let body = body.map(|b| serde_json::to_vec(b).expect("JSON values serialise"));
        for round in 0..2 {
            let token = self.access_token().await?;
            let auth = sensitive(&format!("Bearer {}", token.expose()))?;
            let make = || -> Result<reqwest::RequestBuilder> {
                let mut req = self
                    .http
                    .request(method.clone(), url.clone())
                    .header(AUTHORIZATION, auth.clone())
                    .header(ACCEPT, "application/json")
                    .header("x-ms-client-request-id", request_id.as_str());
                req = match &body {
                    Some(b) => req.header(CONTENT_TYPE, "application/json").body(b.clone()),
                    // The stop call has no body; say so explicitly, as the SDKs did.
                    None if method == Method::POST => {
                        req.header(reqwest::header::CONTENT_LENGTH, "0")
                    }
                    None => req,
                };
                Ok(req)
            };
            tracing::debug!(what, %method, url = %url, request_id = %request_id, "request");
            let reply = send_with_retry(&self.config, &self.on_the_wire, what, &make).await?;
            tracing::debug!(
                what,
                status = reply.status,
                ms_cv = reply.ms_cv.as_deref().unwrap_or(""),
                "answer"
            );
            if reply.status == 401 && round == 0 && self.can_refresh() {
                tracing::info!(
                    what,
                    "access token refused; fetching a new one and trying once more"
                );
                self.tokens.forget(&token).await;
                continue;
            }
            return if reply.is_success() {
                Ok(reply)
            } else {
                Err(reply.into_error(what))
            };
        }
        unreachable!("the loop returns in its second round")
    }

    fn can_refresh(&self) -> bool {
        !matches!(self.config.credential, Credential::AccessToken(_))
    }

    /// The access token, from the cache or a new STS exchange.
    pub async fn access_token(&self) -> Result<SecretString> {
        self.tokens
            .get(&self.http, &self.on_the_wire, &self.config)
            .await
    }
}
