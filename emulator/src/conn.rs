//! Connections: accepting them (plain or TLS), bounding how many are open and how long each may
//! take, and closing them on shutdown.
//!
//! * A connection that has sent part of a request header gets the header-read timeout; one
//!   waiting for its next request gets the keep-alive idle timeout; a request body gets the
//!   body timeout (in `body.rs`). A connection whose request is being handled is left alone.
//! * At most `max_connections` are open, lowered to what the descriptor limit allows. When a
//!   new connection arrives at the cap, the oldest connection that is not in the middle of a
//!   request (idle, or still sending its header) is closed to make room, so that a pile of
//!   half-sent sockets cannot keep a normal client out. When the process runs out of
//!   descriptors anyway (`EMFILE`), it does the same and backs off, logging at most once every
//!   few seconds.
//!
//! Hyper's own header-read timeout would also close idle keep-alive connections after the
//! same time, and it cannot tell the two apart, so both timeouts are kept here.

use crate::config::{Limits, RESERVED_DESCRIPTORS};
use crate::respond::Body;
use crate::server::{handle, InjectedReset, RawSocket};
use crate::shared::Shared;
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

/// How often a failure to accept is logged at most.
const ACCEPT_LOG_INTERVAL: Duration = Duration::from_secs(5);
/// How long to wait after a failed accept before the next one.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
/// How long open connections may take to finish after shutdown.
const DRAIN: Duration = Duration::from_secs(5);

/// What one connection is doing, for its timeouts and for eviction.
struct ConnState {
    /// Requests being handled on it right now.
    busy: AtomicUsize,
    /// Milliseconds since `epoch`: when it last became idle (opened, or an answer was sent).
    idle_since: AtomicU64,
    /// Milliseconds since `epoch` (+1) of the first byte of a request not yet handled; 0: none.
    first_byte: AtomicU64,
    evict: Notify,
}

/// The open connections, oldest first.
struct Registry {
    epoch: Instant,
    next_id: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<ConnState>>>,
    freed: Notify,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn len(&self) -> usize {
        self.open.lock().unwrap().len()
    }

    fn has_idle(&self) -> bool {
        let open = self.open.lock().unwrap();
        open.values().any(|c| c.busy.load(Ordering::SeqCst) == 0)
    }

    /// Closes the oldest connection that is not handling a request. False if there is none.
    fn evict_one(&self) -> bool {
        let mut open = self.open.lock().unwrap();
        let victim = open
            .iter()
            .find(|(_, c)| c.busy.load(Ordering::SeqCst) == 0)
            .map(|(id, _)| *id);
        match victim.and_then(|id| open.remove(&id)) {
            Some(c) => {
                c.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// The connection cap after the descriptor limit is taken into account.
pub fn effective_max_connections(configured: usize) -> usize {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0
            && limit.rlim_cur != libc::RLIM_INFINITY
        {
            let allowed = (limit.rlim_cur as usize).saturating_sub(RESERVED_DESCRIPTORS);
            return configured.min(allowed.max(1));
        }
    }
    configured
}

/// Logs accept failures at most once per [`ACCEPT_LOG_INTERVAL`], with how many there were.
struct AcceptLog {
    last: Option<Instant>,
    suppressed: u64,
}

impl AcceptLog {
    fn failed(&mut self, e: &std::io::Error, evicted: bool) {
        if self.last.is_some_and(|t| t.elapsed() < ACCEPT_LOG_INTERVAL) {
            self.suppressed += 1;
            return;
        }
        tracing::warn!(
            error = %e,
            more_since_last_log = self.suppressed,
            closed_an_idle_connection = evicted,
            "accept failed; backing off"
        );
        self.last = Some(Instant::now());
        self.suppressed = 0;
    }
}

fn out_of_descriptors(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Accepts connections until `shutdown` fires, then lets open connections finish (5 s at most).
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let limits = shared.limits;
    let cap = effective_max_connections(limits.max_connections);
    if cap < limits.max_connections {
        tracing::info!(
            cap,
            configured = limits.max_connections,
            "connection cap lowered to the descriptor limit"
        );
    }
    let registry = Arc::new(Registry {
        epoch: Instant::now(),
        next_id: AtomicU64::new(0),
        open: Mutex::new(BTreeMap::new()),
        freed: Notify::new(),
    });
    let mut log = AcceptLog {
        last: None,
        suppressed: 0,
    };
    let mut conns = tokio::task::JoinSet::new();
    loop {
        // At the cap with every connection busy: wait for one to end. (With an idle one, the
        // next connection to arrive takes its place.)
        while registry.len() >= cap && !registry.has_idle() {
            tokio::select! {
                _ = registry.freed.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
        if *shutdown.borrow() {
            break;
        }
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _peer)) => stream,
                    Err(e) => {
                        // Out of descriptors: free one held by an idle connection, and back
                        // off instead of spinning on the error.
                        let evicted = out_of_descriptors(&e) && registry.evict_one();
                        log.failed(&e, evicted);
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                if registry.len() >= cap {
                    registry.evict_one();
                }
                let state = Arc::new(ConnState {
                    busy: AtomicUsize::new(0),
                    idle_since: AtomicU64::new(registry.now_ms()),
                    first_byte: AtomicU64::new(0),
                    evict: Notify::new(),
                });
                let id = registry.next_id.fetch_add(1, Ordering::SeqCst);
                registry.open.lock().unwrap().insert(id, state.clone());
                let registry = registry.clone();
                let (shared, tls, shutdown) = (shared.clone(), tls.clone(), shutdown.clone());
                conns.spawn(async move {
                    serve_connection(stream, shared, tls, shutdown, &registry, &state).await;
                    registry.open.lock().unwrap().remove(&id);
                    registry.freed.notify_one();
                });
            }
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN, drain).await.is_err() {
        conns.abort_all();
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
    registry: &Arc<Registry>,
    state: &Arc<ConnState>,
) {
    let socket = RawSocket::of(&stream);
    let limits = shared.limits;
    let service = {
        let (registry, state) = (registry.clone(), state.clone());
        hyper::service::service_fn(move |req| {
            let shared = shared.clone();
            let busy = Busy::start(registry.clone(), state.clone());
            async move {
                let answer = handle(&shared, req, socket).await;
                drop(busy);
                answer
            }
        })
    };
    let watch = Watch {
        registry: registry.clone(),
        state: state.clone(),
    };
    let stream = Watched::new(stream, watch);
    match tls {
        None => {
            let io = hyper_util::rt::TokioIo::new(stream);
            drive(io, service, shutdown, limits, registry, state).await
        }
        Some(acceptor) => {
            match tokio::time::timeout(limits.header_read_timeout, acceptor.accept(stream)).await {
                Ok(Ok(tls_stream)) => {
                    let io = hyper_util::rt::TokioIo::new(tls_stream);
                    drive(io, service, shutdown, limits, registry, state).await
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        }
    }
}

/// Marks a connection busy while a request is handled; idle again when dropped.
struct Busy {
    registry: Arc<Registry>,
    state: Arc<ConnState>,
}

impl Busy {
    fn start(registry: Arc<Registry>, state: Arc<ConnState>) -> Self {
        state.busy.fetch_add(1, Ordering::SeqCst);
        state.first_byte.store(0, Ordering::SeqCst);
        Busy { registry, state }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.state
            .idle_since
            .store(self.registry.now_ms(), Ordering::SeqCst);
        self.state.first_byte.store(0, Ordering::SeqCst);
        self.state.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why a connection is closed before the client is done with it.
#[derive(Debug)]
enum Expired {
    HeaderTimeout,
    IdleTimeout,
}

fn expired(limits: &Limits, registry: &Registry, state: &ConnState) -> Option<Expired> {
    if state.busy.load(Ordering::SeqCst) > 0 {
        return None;
    }
    let now = registry.now_ms();
    let ms = |d: Duration| d.as_millis() as u64;
    match state.first_byte.load(Ordering::SeqCst) {
        0 => (now.saturating_sub(state.idle_since.load(Ordering::SeqCst))
            >= ms(limits.idle_timeout))
        .then_some(Expired::IdleTimeout),
        first => (now.saturating_sub(first - 1) >= ms(limits.header_read_timeout))
            .then_some(Expired::HeaderTimeout),
    }
}

async fn drive<I, S>(
    io: I,
    service: S,
    mut shutdown: watch::Receiver<bool>,
    limits: Limits,
    registry: &Registry,
    state: &ConnState,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::Service<Request<Incoming>, Response = Response<Body>, Error = InjectedReset>
        + Send,
    S::Future: Send + 'static,
{
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    // Checked a few times per timeout: cheap (two atomics), and closes within ~25% late.
    let tick = (limits.header_read_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(10), Duration::from_secs(1));
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = shutdown.changed() => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
                return;
            }
            _ = state.evict.notified() => {
                tracing::debug!("connection closed to make room for a new one");
                return;
            }
            _ = ticks.tick() => {
                if let Some(why) = expired(&limits, registry, state) {
                    tracing::debug!(?why, "connection closed");
                    return;
                }
            }
        }
    }
}

/// What the I/O wrapper reports to: the first byte of a request starts its header timeout.
struct Watch {
    registry: Arc<Registry>,
    state: Arc<ConnState>,
}

/// A connection's socket that notes when a new request starts arriving.
struct Watched<T> {
    inner: T,
    watch: Watch,
}

impl<T> Watched<T> {
    fn new(io: T, watch: Watch) -> Self {
        Watched { inner: io, watch }
    }
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let s = &this.watch.state;
            if s.busy.load(Ordering::SeqCst) == 0 && s.first_byte.load(Ordering::SeqCst) == 0 {
                s.first_byte
                    .store(this.watch.registry.now_ms() + 1, Ordering::SeqCst);
            }
        }
        result
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
}
