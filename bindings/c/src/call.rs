//! One operation, described once and run either way: blocking the caller (`rr_client_*`, see
//! `rr_client::run`) or as a task behind an `rr_operation` (`rr_client_*_async`, see
//! `operation`). Each resource's module builds its operations as [`Call`]s, so that no module
//! has to know every operation. A call's `timeout_ms` bounds a plain operation from outside;
//! a wait carries its own deadline, so that the core's `TIMEOUT` error has the last state seen.

use crate::error::{Failure, Outcome};
use crate::runtime::with_timeout;
use crate::wait::{Latest, WaitSpec};
use futures_util::future::BoxFuture;
use remote_rendering::storage::UploadReport;
use remote_rendering::{
    CancellationToken, Client, Conversion, Error, ErrorKind, ManagedSession, Session,
};
use std::future::Future;
use std::sync::Arc;

type Plain = Box<dyn FnOnce(Client) -> BoxFuture<'static, Result<Reply, Error>> + Send>;
type Waiting = Box<dyn FnOnce(Client, WaitSpec) -> BoxFuture<'static, Result<Reply, Error>> + Send>;
type Storage = Box<
    dyn FnOnce(CancellationToken, Option<Arc<Latest>>) -> BoxFuture<'static, Result<Reply, Error>>
        + Send,
>;

enum Body {
    /// One request (or one list), bounded by the call's timeout.
    Plain(Plain),
    /// A wait, bounded by its own deadline; an `rr_operation` hooks its progress and token in.
    Waiting(WaitSpec, Waiting),
    /// A storage operation (no client): it is given a token and ends by itself when it is
    /// cancelled, so that an upload still reports what it did. The token is the user's (or
    /// none), or, for an `rr_operation`, a child of it that the operation cancels; the
    /// operation's [`Latest`] gates its callbacks.
    Storage(Option<CancellationToken>, Option<Arc<Latest>>, Storage),
}

/// An operation ready to run, owning everything it needs.
pub(crate) struct Call {
    what: &'static str,
    body: Body,
}

impl Call {
    /// An operation of one request, e.g. `Call::plain("get session", move |c| ...)`.
    pub(crate) fn plain<F, Fut>(what: &'static str, f: F) -> Call
    where
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Reply, Error>> + Send + 'static,
    {
        Call {
            what,
            body: Body::Plain(Box::new(move |c| Box::pin(f(c)))),
        }
    }

    /// An operation that waits as `wait` says.
    pub(crate) fn waiting<F, Fut>(what: &'static str, wait: WaitSpec, f: F) -> Call
    where
        F: FnOnce(Client, WaitSpec) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Reply, Error>> + Send + 'static,
    {
        Call {
            what,
            body: Body::Waiting(wait, Box::new(move |c, w| Box::pin(f(c, w)))),
        }
    }

    /// A storage operation, cancelled by `cancel` (and by its `rr_operation`).
    pub(crate) fn storage<F, Fut>(
        what: &'static str,
        cancel: Option<CancellationToken>,
        f: F,
    ) -> Call
    where
        F: FnOnce(CancellationToken, Option<Arc<Latest>>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Reply, Error>> + Send + 'static,
    {
        Call {
            what,
            body: Body::Storage(cancel, None, Box::new(move |t, l| Box::pin(f(t, l)))),
        }
    }

    /// What the operation does, for messages ("start session").
    pub(crate) fn what(&self) -> &'static str {
        self.what
    }

    /// The wait of a waiting operation.
    pub(crate) fn wait_mut(&mut self) -> Option<&mut WaitSpec> {
        match &mut self.body {
            Body::Waiting(wait, _) => Some(wait),
            Body::Plain(_) | Body::Storage(..) => None,
        }
    }

    /// For a storage operation run by an `rr_operation`: the token it ends by (a child of the
    /// user's, so that the operation can be cancelled alone), and `latest` to gate its
    /// callbacks with. `None` for the other operations.
    pub(crate) fn track_storage(&mut self, latest: Arc<Latest>) -> Option<CancellationToken> {
        match &mut self.body {
            Body::Storage(cancel, gate, _) => {
                let own = cancel
                    .as_ref()
                    .map_or_else(CancellationToken::new, CancellationToken::child_token);
                *cancel = Some(own.clone());
                *gate = Some(latest);
                Some(own)
            }
            _ => None,
        }
    }

    /// Runs the operation on `client` (within the client's runtime); a storage operation needs
    /// none.
    pub(crate) async fn run(self, client: Option<Client>, timeout_ms: u64) -> Result<Reply, Error> {
        let what = self.what;
        let needs = || {
            Error::new(
                ErrorKind::Internal,
                format!("{what}: an operation of a client was run without one"),
            )
        };
        match self.body {
            Body::Waiting(wait, f) => f(client.ok_or_else(needs)?, wait).await,
            Body::Plain(f) => {
                let client = client.ok_or_else(needs)?;
                with_timeout(timeout_ms, what, f(client)).await
            }
            Body::Storage(cancel, gate, f) => {
                with_timeout(timeout_ms, what, f(cancel.unwrap_or_default(), gate)).await
            }
        }
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
    Upload(UploadReport),
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
            Reply::Upload(_) => "an upload report",
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

    pub(crate) fn sessions(self) -> Result<Vec<Session>, Mismatch> {
        match self {
            Reply::Sessions(s) => Ok(s),
            other => Err(other.mismatch("a session list")),
        }
    }

    pub(crate) fn conversions(self) -> Result<Vec<Conversion>, Mismatch> {
        match self {
            Reply::Conversions(c) => Ok(c),
            other => Err(other.mismatch("a conversion list")),
        }
    }

    pub(crate) fn wait_results(self) -> Result<Vec<remote_rendering::Result<Session>>, Mismatch> {
        match self {
            Reply::WaitResults(w) => Ok(w),
            other => Err(other.mismatch("wait results")),
        }
    }

    pub(crate) fn upload(self) -> Result<UploadReport, Mismatch> {
        match self {
            Reply::Upload(r) => Ok(r),
            other => Err(other.mismatch("an upload report")),
        }
    }

    pub(crate) fn managed(self) -> Result<Box<ManagedSession>, Mismatch> {
        match self {
            Reply::Managed(m) => Ok(m),
            other => Err(other.mismatch("a managed session")),
        }
    }
}

/// The value of a reply that must be of one kind (a blocking call knows which).
pub(crate) fn expect<T>(r: Result<T, Mismatch>) -> Outcome<T> {
    r.map_err(|m| m.1)
}
