//! How the client authenticates: an account key or an Entra token (both exchanged at the
//! Mixed Reality STS for an access token), or a ready access token.

use crate::error::Result;
use remote_rendering_models::SecretString;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, for object-safe async traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies a Microsoft Entra (AAD) token for the STS scope `https://sts.{account_domain}/.default`
/// whenever the client needs a new access token. Bindings implement it over the host's
/// identity library (a Python callable, a JS async function, a C callback).
pub trait TokenProvider: Send + Sync + 'static {
    /// Returns a fresh Entra token. Called at most once per refresh, however many calls wait.
    fn entra_token(&self) -> BoxFuture<'_, Result<SecretString>>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<SecretString>> + Send + 'static,
{
    fn entra_token(&self) -> BoxFuture<'_, Result<SecretString>> {
        Box::pin(self())
    }
}

/// The credential of a client. `Debug` never shows the secret.
#[derive(Clone)]
pub enum Credential {
    /// The account key: exchanged at the STS (`Bearer {account_id}:{key}`).
    AccountKey(SecretString),
    /// A ready Mixed Reality access token (from your own backend): used as is, never refreshed.
    AccessToken(SecretString),
    /// An Entra token provider: each token it gives is exchanged at the STS.
    Entra(Arc<dyn TokenProvider>),
}

impl Credential {
    /// The account key, exchanged at the STS for access tokens (and kept secret: it never prints).
    pub fn account_key(key: impl Into<String>) -> Self {
        Credential::AccountKey(SecretString::new(key))
    }

    /// An access token used as it is (never refreshed).
    pub fn access_token(token: impl Into<String>) -> Self {
        Credential::AccessToken(SecretString::new(token))
    }

    /// A Microsoft Entra token provider, exchanged at the STS for access tokens.
    pub fn entra(provider: impl TokenProvider) -> Self {
        Credential::Entra(Arc::new(provider))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::AccountKey(_) => f.write_str("AccountKey(<redacted>)"),
            Credential::AccessToken(_) => f.write_str("AccessToken(<redacted>)"),
            Credential::Entra(_) => f.write_str("Entra(<provider>)"),
        }
    }
}
