//! The operations, described once and run either way: blocking the caller (`rr_client_*`) or
//! as a task behind an `rr_operation` (`rr_client_*_async`). Each call's `timeout_ms` bounds
//! a plain operation from outside; for a wait it is the wait's own deadline, so that the
//! core's `TIMEOUT` error carries the last state seen.

use crate::ffi::{Failure, Outcome};
use crate::lease::SessionSpec;
use crate::runtime::with_timeout;
use crate::wait::WaitSpec;
use futures_util::TryStreamExt;
use remote_rendering::{
    Client, Conversion, ConversionSettings, Error, ErrorKind, ManagedSession, Session,
    SessionOptions, SessionSize,
};

/// An operation that is one request (or one list), bounded by the call's timeout.
pub(crate) enum Plain {
    StartSession {
        id: String,
        size: SessionSize,
        lease_minutes: u32,
    },
    GetSession {
        id: String,
    },
    UpdateSession {
        id: String,
        lease_minutes: u32,
    },
    StopSession {
        id: String,
    },
    ListSessions,
    StartConversion {
        id: String,
        settings: ConversionSettings,
    },
    GetConversion {
        id: String,
    },
    ListConversions,
}

pub(crate) enum Request {
    Plain(Plain),
    WaitForSession { id: String, wait: WaitSpec },
    WaitForConversion { id: String, wait: WaitSpec },
    WaitForSessions { ids: Vec<String>, wait: WaitSpec },
    OpenSession { spec: SessionSpec, wait: WaitSpec },
}

impl From<Plain> for Request {
    fn from(p: Plain) -> Request {
        Request::Plain(p)
    }
}

/// A reply asked for a value of another kind, and the error that makes (the reply is given
/// back, so that it can be asked again).
pub(crate) type Mismatch = Box<(Reply, Failure)>;

/// What an operation gives.
pub(crate) enum Reply {
    Session(Session),
    Conversion(Conversion),
    Stopped,
    Sessions(Vec<Session>),
    Conversions(Vec<Conversion>),
    WaitResults(Vec<remote_rendering::Result<Session>>),
    Managed(Box<ManagedSession>),
}

impl Request {
    pub(crate) fn what(&self) -> &'static str {
        match self {
            Request::Plain(p) => p.what(),
            Request::WaitForSession { .. } => "wait for session",
            Request::WaitForConversion { .. } => "wait for conversion",
            Request::WaitForSessions { .. } => "wait for sessions",
            Request::OpenSession { .. } => "open session",
        }
    }

    /// The wait of a waiting operation.
    pub(crate) fn wait_mut(&mut self) -> Option<&mut WaitSpec> {
        match self {
            Request::WaitForSession { wait, .. }
            | Request::WaitForConversion { wait, .. }
            | Request::WaitForSessions { wait, .. }
            | Request::OpenSession { wait, .. } => Some(wait),
            _ => None,
        }
    }

    /// Runs the operation on `client` (within the client's runtime).
    pub(crate) async fn run(self, client: Client, timeout_ms: u64) -> Result<Reply, Error> {
        let what = self.what();
        match self {
            Request::WaitForSession { id, wait } => client
                .wait_for_session(&id, wait.for_sessions())
                .await
                .map(Reply::Session),
            Request::WaitForConversion { id, wait } => client
                .wait_for_conversion(&id, wait.for_conversions())
                .await
                .map(Reply::Conversion),
            Request::WaitForSessions { ids, wait } => client
                .wait_for_sessions(&ids, wait.for_sessions())
                .await
                .map(Reply::WaitResults),
            Request::OpenSession { spec, wait } => {
                let options = SessionOptions {
                    id: spec.id,
                    size: spec.size,
                    lease_minutes: spec.lease_minutes,
                    keep_alive: spec.keep_alive,
                    wait: wait.for_sessions(),
                };
                client
                    .open_session(options)
                    .await
                    .map(|m| Reply::Managed(Box::new(m)))
            }
            Request::Plain(plain) => with_timeout(timeout_ms, what, plain.run(client)).await,
        }
    }
}

impl Plain {
    fn what(&self) -> &'static str {
        match self {
            Plain::StartSession { .. } => "start session",
            Plain::GetSession { .. } => "get session",
            Plain::UpdateSession { .. } => "update session",
            Plain::StopSession { .. } => "stop session",
            Plain::ListSessions => "list sessions",
            Plain::StartConversion { .. } => "start conversion",
            Plain::GetConversion { .. } => "get conversion",
            Plain::ListConversions => "list conversions",
        }
    }

    async fn run(self, c: Client) -> Result<Reply, Error> {
        Ok(match self {
            Plain::StartSession {
                id,
                size,
                lease_minutes,
            } => Reply::Session(
                c.start_session(&id, size, lease_minutes)
                    .await?
                    .into_inner(),
            ),
            Plain::GetSession { id } => Reply::Session(c.get_session(&id).await?.into_inner()),
            Plain::UpdateSession { id, lease_minutes } => {
                Reply::Session(c.update_session(&id, lease_minutes).await?.into_inner())
            }
            Plain::StopSession { id } => {
                c.stop_session(&id).await?;
                Reply::Stopped
            }
            Plain::ListSessions => Reply::Sessions(c.list_sessions().try_collect().await?),
            Plain::StartConversion { id, settings } => {
                Reply::Conversion(c.start_conversion(&id, settings).await?.into_inner())
            }
            Plain::GetConversion { id } => {
                Reply::Conversion(c.get_conversion(&id).await?.into_inner())
            }
            Plain::ListConversions => Reply::Conversions(c.list_conversions().try_collect().await?),
        })
    }
}

impl Reply {
    fn kind(&self) -> &'static str {
        match self {
            Reply::Session(_) => "a session",
            Reply::Conversion(_) => "a conversion",
            Reply::Stopped => "no value",
            Reply::Sessions(_) => "a session list",
            Reply::Conversions(_) => "a conversion list",
            Reply::WaitResults(_) => "wait results",
            Reply::Managed(_) => "a managed session",
        }
    }

    /// The error of asking this reply for `wanted`; gives the reply back.
    pub(crate) fn mismatch(self, wanted: &str) -> Mismatch {
        let e = Error::new(
            ErrorKind::InvalidInput,
            format!("this operation gives {}, not {wanted}", self.kind()),
        );
        Box::new((self, Failure::Core(e)))
    }

    pub(crate) fn session(self) -> Result<Session, Mismatch> {
        match self {
            Reply::Session(s) => Ok(s),
            other => Err(other.mismatch("a session")),
        }
    }

    pub(crate) fn conversion(self) -> Result<Conversion, Mismatch> {
        match self {
            Reply::Conversion(c) => Ok(c),
            other => Err(other.mismatch("a conversion")),
        }
    }
}

/// The value of a reply that must be of one kind (a blocking call knows which).
pub(crate) fn expect<T>(r: Result<T, Mismatch>) -> Outcome<T> {
    r.map_err(|m| m.1)
}
