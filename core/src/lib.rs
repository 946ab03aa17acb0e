//! # remote-rendering
//!
//! A client of the Azure Remote Rendering session and conversion REST API (api-version
//! 2021-01-01) and of the Mixed Reality STS token exchange: the one implementation that the
//! Python, Node.js and C/C++ bindings share, so that every language gets the same behaviour,
//! defaults and errors.
//!
//! ```no_run
//! # async fn demo() -> remote_rendering::Result<()> {
//! use remote_rendering::{Client, SessionSize, WaitOptions};
//!
//! let client = Client::builder()
//!     .region("eastus")
//!     .account_id("00000000-1111-2222-3333-444455556666")
//!     .account_domain("eastus.mixedreality.azure.com")
//!     .account_key("…")
//!     .build()?;
//! client.start_session("my-session", SessionSize::Standard, 30).await?;
//! let ready = client.wait_for_session("my-session", WaitOptions::new()).await?;
//! println!("connect to {:?}", ready.hostname);
//! client.stop_session("my-session").await?;
//! # Ok(()) }
//! ```
//!
//! * Operations: [`Client::start_session`], [`get_session`](Client::get_session),
//!   [`update_session`](Client::update_session), [`stop_session`](Client::stop_session),
//!   [`list_sessions`](Client::list_sessions), [`start_conversion`](Client::start_conversion),
//!   [`get_conversion`](Client::get_conversion), [`list_conversions`](Client::list_conversions).
//! * Waiting: [`Client::wait_for_session`], [`Client::wait_for_conversion`],
//!   [`Client::wait_for_sessions`] (many at once, one list per interval).
//! * Keeping alive and always stopping: [`Client::keep_alive`], [`Client::open_session`], with
//!   an optional budget at [`CostRates`].
//! * Errors: one [`Error`] with an [`ErrorKind`] and its stable code string.
//! * The surface every language shares (codes, class names, operations, parameters, defaults,
//!   model fields): [`vocabulary`]; the log stream every binding forwards: [`log`].
//!
//! The crate builds no runtime of its own: its futures run on the caller's tokio runtime.

// Every public item is documented: `make docs` publishes this crate's reference.
#![deny(missing_docs)]

pub mod blocking;
mod client;
mod config;
mod cost;
mod credential;
mod error;
mod http;
mod lease;
pub mod log;
mod model;
mod retry;
pub mod storage;
#[doc(hidden)]
pub mod testing;
mod token;
mod transport;
pub mod vocabulary;
mod wait;

/// The service's wire types, under the service's names (the public models are built from them).
pub mod wire {
    pub use remote_rendering_models::{
        Conversion, ConversionList, ConversionOutput, ServiceError, Session, SessionList,
    };
}

pub use client::{new_conversion_id, new_session_id, Client, Response, MAX_LEASE_MINUTES};
pub use config::{
    ClientBuilder, ClientConfig, DEFAULT_CONVERSION_WAIT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS,
    DEFAULT_POLL_INTERVAL, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SESSION_WAIT_TIMEOUT, KNOWN_REGIONS,
    MAX_CONCURRENT_REQUESTS, TOKEN_REFRESH_MARGIN,
};
pub use cost::{check_budget, CostRates, SessionCost};
pub use credential::{BoxFuture, Credential, TokenProvider};
pub use error::{panic_message, Error, ErrorKind, Result, PANIC_MESSAGE_PREFIX};
pub use lease::{LeaseKeeper, LeaseOptions, ManagedSession, SessionOptions};
pub use model::{
    Conversion, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    ConversionStatus, ErrorDetails, SecretString, Session, SessionSize, SessionStatus, Timestamp,
};
pub use retry::RetryPolicy;
pub use tokio_util::sync::CancellationToken;
pub use wait::{human_duration, ProgressFn, WaitOptions};
