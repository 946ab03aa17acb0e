//! The client and the eight operations of the API.

use crate::config::{ClientBuilder, ClientConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Conversion, ConversionSettings, Session, SessionSize};
use crate::transport::{Reply, Transport};
use futures_util::stream::{self, Stream, TryStreamExt};
use remote_rendering_models::{
    self as wire, check_resource_id, ConversionList, CreateConversionSettings,
    CreateSessionSettings, SessionList, UpdateSessionSettings,
};
use reqwest::{Method, Url};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

pub use crate::vocabulary::MAX_LEASE_MINUTES;

/// A result with the service's correlation vector (`MS-CV`) and HTTP status.
#[derive(Clone, Debug, PartialEq)]
pub struct Response<T> {
    value: T,
    ms_cv: Option<String>,
    status: u16,
    retry_after: Option<std::time::Duration>,
}

impl<T> Response<T> {
    /// The model, without the answer's headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The `MS-CV` of the answer (quote it to support).
    pub fn ms_cv(&self) -> Option<&str> {
        self.ms_cv.as_deref()
    }

    /// The HTTP status of the answer (200, 201, 204, ...).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// When the service said when to ask again (`Retry-After` on a GET).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
    }

    /// Reads the wire type `W` and gives the public model built from it.
    fn parse<W>(reply: Reply, what: &str) -> Result<Response<T>>
    where
        W: serde::de::DeserializeOwned,
        T: From<W>,
    {
        let value: W = reply.json(what)?;
        Ok(Response {
            value: T::from(value),
            ms_cv: reply.ms_cv,
            status: reply.status,
            retry_after: reply.retry_after,
        })
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A client of one account. Cheap to clone (an `Arc` inside) and safe to share across tasks and
/// threads; every clone uses the same connection pool and token cache.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish()
    }
}

/// A new id for a session: `session-` and a random UUID.
pub fn new_session_id() -> String {
    format!("session-{}", uuid::Uuid::new_v4())
}

/// A new id for a conversion: `conversion-` and a random UUID.
pub fn new_conversion_id() -> String {
    format!("conversion-{}", uuid::Uuid::new_v4())
}

pub(crate) fn check_id(field: &'static str, id: &str) -> Result<()> {
    check_resource_id(id).map_err(|rule| Error::invalid_input(field, format!("{id:?} {rule}")))
}

fn check_lease(lease_minutes: u32) -> Result<()> {
    crate::vocabulary::check_lease_minutes("lease_minutes", lease_minutes.into()).map(drop)
}

fn check_conversion_settings(s: &ConversionSettings) -> Result<()> {
    let uri = |field: &'static str, v: &str| -> Result<()> {
        match Url::parse(v) {
            Ok(u) if matches!(u.scheme(), "https" | "http") && u.host_str().is_some() => Ok(()),
            _ => Err(Error::invalid_input(
                field,
                format!("{v:?} is not the URL of a blob container"),
            )),
        }
    };
    uri(
        "input.storage_container_uri",
        &s.input_location.storage_container_uri,
    )?;
    uri(
        "output.storage_container_uri",
        &s.output_location.storage_container_uri,
    )?;
    if s.input_location.relative_input_asset_path.trim().is_empty() {
        return Err(Error::invalid_input(
            "input.relative_input_asset_path",
            "must not be empty",
        ));
    }
    if let Some(name) = s
        .output_location
        .output_asset_filename
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        if !name.ends_with(".arrAsset") {
            return Err(Error::invalid_input(
                "output.output_asset_filename",
                format!("{name:?} must end in \".arrAsset\""),
            ));
        }
    }
    for (field, sas) in [
        (
            "input.storage_container_read_list_sas",
            &s.input_location.storage_container_read_list_sas,
        ),
        (
            "output.storage_container_write_sas",
            &s.output_location.storage_container_write_sas,
        ),
    ] {
        if sas.as_ref().is_some_and(|v| v.expose().starts_with('?')) {
            return Err(Error::invalid_input(
                field,
                "give the SAS without the leading '?'",
            ));
        }
    }
    Ok(())
}

impl Client {
    /// A builder of a client: the account, its credential, where the service is, and the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client from a configuration built (and checked) already.
    pub fn from_config(config: ClientConfig) -> Result<Client> {
        Ok(Client {
            inner: Arc::new(Transport::new(config)?),
        })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// PUT a session: starts it (201), or returns the existing one when `id` already exists with
    /// the same settings (200). A session with the id and other settings is a `Conflict`.
    pub async fn start_session(
        &self,
        id: &str,
        size: SessionSize,
        lease_minutes: u32,
    ) -> Result<Response<Session>> {
        check_id("session_id", id)?;
        check_lease(lease_minutes)?;
        if matches!(&size, SessionSize::Unknown(s) if s.trim().is_empty()) {
            return Err(Error::invalid_input("size", "must not be empty"));
        }
        let what = format!("start session {id:?}");
        let body = serde_json::to_value(CreateSessionSettings {
            max_lease_time_minutes: lease_minutes.into(),
            size,
        })
        .expect("settings serialise");
        let url = self.inner.arr_url(&["sessions", id]);
        let reply = self.inner.arr(&what, Method::PUT, url, Some(&body)).await?;
        Response::parse::<wire::Session>(reply, &what)
    }

    /// GET a session.
    pub async fn get_session(&self, id: &str) -> Result<Response<Session>> {
        check_id("session_id", id)?;
        let what = format!("get session {id:?}");
        let reply = self
            .inner
            .arr(
                &what,
                Method::GET,
                self.inner.arr_url(&["sessions", id]),
                None,
            )
            .await?;
        Response::parse::<wire::Session>(reply, &what)
    }

    /// PATCH a session's lease to `lease_minutes` (counted from `Ready`; it must grow).
    ///
    /// Setting the lease the session already has succeeds: the service answers 422 then, and
    /// the session is read back and returned, so that a retried PATCH whose first attempt was
    /// applied (its answer lost) is not an error. A smaller lease is
    /// [`ErrorKind::Unprocessable`].
    pub async fn update_session(&self, id: &str, lease_minutes: u32) -> Result<Response<Session>> {
        check_id("session_id", id)?;
        check_lease(lease_minutes)?;
        let what = format!("update session {id:?}");
        let body = serde_json::to_value(UpdateSessionSettings {
            max_lease_time_minutes: lease_minutes.into(),
        })
        .expect("settings serialise");
        let url = self.inner.arr_url(&["sessions", id]);
        match self.inner.arr(&what, Method::PATCH, url, Some(&body)).await {
            Ok(reply) => Response::parse::<wire::Session>(reply, &what),
            Err(e) if e.kind() == ErrorKind::Unprocessable => {
                // Only a lease that is already where we asked counts as our own success.
                match self.get_session(id).await {
                    Ok(s)
                        if s.value.lease_minutes == Some(lease_minutes.into())
                            && !s.value.status.is_terminal() =>
                    {
                        Ok(s)
                    }
                    _ => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// POST `:stop`. Stopping a session that already ended succeeds.
    pub async fn stop_session(&self, id: &str) -> Result<Response<()>> {
        check_id("session_id", id)?;
        let what = format!("stop session {id:?}");
        let reply = self
            .inner
            .arr(
                &what,
                Method::POST,
                self.inner.arr_url(&["sessions", id, ":stop"]),
                None,
            )
            .await?;
        Ok(Response {
            value: (),
            ms_cv: reply.ms_cv,
            status: reply.status,
            retry_after: None,
        })
    }

    /// The sessions in `Starting` or `Ready`, page by page as they are read (`@nextLink`).
    pub fn list_sessions(&self) -> impl Stream<Item = Result<Session>> + Send + 'static {
        self.pages(
            "list sessions",
            self.inner.arr_url(&["sessions"]),
            move |reply: Reply| {
                let page: SessionList = reply.json("list sessions")?;
                Ok((
                    page.sessions.into_iter().map(Session::from).collect(),
                    page.next_link,
                ))
            },
        )
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
    }

    /// Every session in `Starting` or `Ready`.
    pub async fn list_sessions_all(&self) -> Result<Vec<Session>> {
        self.list_sessions().try_collect().await
    }

    /// PUT a conversion: starts it (201), or returns the existing one for the same id and
    /// settings (200).
    pub async fn start_conversion(
        &self,
        id: &str,
        settings: ConversionSettings,
    ) -> Result<Response<Conversion>> {
        check_id("conversion_id", id)?;
        check_conversion_settings(&settings)?;
        let what = format!("start conversion {id:?}");
        let body = serde_json::to_value(CreateConversionSettings { settings })
            .expect("settings serialise");
        let reply = self
            .inner
            .arr(
                &what,
                Method::PUT,
                self.inner.arr_url(&["conversions", id]),
                Some(&body),
            )
            .await?;
        Response::parse::<wire::Conversion>(reply, &what)
    }

    /// GET a conversion.
    pub async fn get_conversion(&self, id: &str) -> Result<Response<Conversion>> {
        check_id("conversion_id", id)?;
        let what = format!("get conversion {id:?}");
        let reply = self
            .inner
            .arr(
                &what,
                Method::GET,
                self.inner.arr_url(&["conversions", id]),
                None,
            )
            .await?;
        Response::parse::<wire::Conversion>(reply, &what)
    }

    /// The account's conversions (every status), page by page.
    pub fn list_conversions(&self) -> impl Stream<Item = Result<Conversion>> + Send + 'static {
        self.pages(
            "list conversions",
            self.inner.arr_url(&["conversions"]),
            |reply: Reply| {
                let page: ConversionList = reply.json("list conversions")?;
                Ok((
                    page.conversions.into_iter().map(Conversion::from).collect(),
                    page.next_link,
                ))
            },
        )
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
    }

    /// Every conversion of the account.
    pub async fn list_conversions_all(&self) -> Result<Vec<Conversion>> {
        self.list_conversions().try_collect().await
    }

    /// Pages of a list, following `@nextLink` on the same origin as the first page.
    fn pages<T: Send + 'static>(
        &self,
        what: &'static str,
        first: Url,
        parse: impl Fn(Reply) -> Result<(Vec<T>, Option<String>)> + Send + Sync + 'static,
    ) -> impl Stream<Item = Result<Vec<T>>> + Send + 'static {
        let transport = self.inner.clone();
        let parse = Arc::new(parse);
        stream::try_unfold(Some(first), move |next| {
            let transport = transport.clone();
            let parse = parse.clone();
            async move {
                let Some(url) = next else { return Ok(None) };
                let reply = transport.arr(what, Method::GET, url.clone(), None).await?;
                let (items, next_link) = parse(reply)?;
                let next = match next_link {
                    None => None,
                    Some(link) => Some(next_page_url(&url, &link, what)?),
                };
                Ok(Some((items, next)))
            }
        })
    }
}

/// The next page's URL: absolute or relative to the current one, and on the same origin (the
/// token is sent there too).
fn next_page_url(current: &Url, link: &str, what: &str) -> Result<Url> {
    let next = current.join(link).map_err(|e| {
        Error::new(
            ErrorKind::Protocol,
            format!("{what}: @nextLink {link:?} is not a URL: {e}"),
        )
    })?;
    if next.origin() != current.origin() {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "{what}: @nextLink points to another host ({}); not sending the token there",
                next.origin().ascii_serialization()
            ),
        ));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = new_session_id();
        assert!(check_id("session_id", &a).is_ok());
        assert_ne!(a, new_session_id());
        assert!(check_id("conversion_id", &new_conversion_id()).is_ok());
    }

    #[test]
    fn next_links_stay_on_the_same_origin() {
        let cur =
            Url::parse("https://a.example/accounts/x/sessions?api-version=2021-01-01").unwrap();
        assert!(next_page_url(
            &cur,
            "https://a.example/accounts/x/sessions?$skipToken=3",
            "l"
        )
        .is_ok());
        assert!(next_page_url(&cur, "/accounts/x/sessions?$skipToken=3", "l").is_ok());
        let e = next_page_url(&cur, "https://evil.example/steal", "l").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
    }
}
