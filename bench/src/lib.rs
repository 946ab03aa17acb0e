//! Shared pieces of the benchmark binaries: a bare HTTP/1.1 client (the load generator and the
//! set-up requests, so that no client library sits between the load and the server), order
//! statistics, JSON result records, and starting a server process from its ready line.
//!
//! The benchmarks print figures; they never fail on a time. `bench/run.sh` drives them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The median of `v` (sorted in place); 0 for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The `p`-th percentile (0..=100, nearest rank) of `v` (sorted in place).
pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Prints one result record: `{"key": …, "round": …, "metrics": {…}}` on one line of stdout.
pub fn emit(key: &str, round: u32, metrics: serde_json::Value) {
    let line = serde_json::json!({ "key": key, "round": round, "metrics": metrics });
    println!("{line}");
}

/// Peak resident set of this process (VmHWM), in KiB; 0 where /proc is missing.
pub fn peak_rss_kib() -> u64 {
    proc_status_kib("self", "VmHWM:")
}

/// A field of `/proc/{pid}/status` in KiB (0 when unreadable).
pub fn proc_status_kib(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// A value of `--name VALUE` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

/// [`arg`] parsed as a number.
pub fn arg_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} takes a number")),
        None => default,
    }
}

/// A server process started from a binary that prints one JSON ready line on stdout (the
/// emulator, `rr-bench-bare`). Killed when dropped.
pub struct Server {
    pub child: Child,
    pub ready: serde_json::Value,
}

impl Server {
    pub fn spawn(program: &str, args: &[&str]) -> Server {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("ready line");
        let ready: serde_json::Value = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("ready line {line:?}: {e}"));
        Server { child, ready }
    }

    pub fn endpoint(&self) -> &str {
        self.ready["endpoint"].as_str().expect("endpoint")
    }

    /// `host:port` of the endpoint (plain http only).
    pub fn addr(&self) -> String {
        self.endpoint().trim_start_matches("http://").to_owned()
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// `(account id, account key)` of an emulator's ready line.
    pub fn account(&self) -> (String, String) {
        let field = |name: &str| self.ready[name].as_str().expect(name).to_owned();
        (field("accountId"), field("accountKey"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 keep-alive connection with the least client work possible: the request is one
/// write of prepared bytes, the answer is read by `Content-Length`.
pub struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// An answer: status and body.
pub struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

impl RawConn {
    pub async fn connect(addr: &str) -> std::io::Result<RawConn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(RawConn {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    /// The bytes of a request (computed once, sent many times by the load generator).
    pub fn request_bytes(
        method: &str,
        host: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Vec<u8> {
        let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
        for (k, v) in headers {
            r.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method != "GET" {
            r.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        r.push_str("\r\n");
        let mut bytes = r.into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }

    /// Sends prepared request bytes and reads the whole answer.
    pub async fn send(&mut self, request: &[u8]) -> std::io::Result<RawResponse> {
        self.stream.write_all(request).await?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> std::io::Result<RawResponse> {
        let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed");
        // Headers.
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(eof());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&self.buf[..head_end])
            .map_err(|_| std::io::Error::other("answer headers are not UTF-8"))?;
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other("no status line"))?;
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())
                    .flatten()
            })
            .unwrap_or(0);
        while self.buf.len() < head_end + len {
            let mut chunk = [0u8; 8192];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(eof());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        Ok(RawResponse { status, body })
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// What a load run measured.
#[derive(Debug, Default, Clone)]
pub struct LoadResult {
    pub requests: u64,
    pub non_2xx: u64,
    pub errors: u64,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// `connections` keep-alive connections each sending `request` back to back, until `duration`
/// has passed or `max_requests` answers have come back in all (both bounds always apply).
pub async fn load(
    addr: &str,
    request: Vec<u8>,
    connections: usize,
    duration: Duration,
    max_requests: u64,
) -> LoadResult {
    let request = std::sync::Arc::new(request);
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (request, sent, addr) = (request.clone(), sent.clone(), addr.to_owned());
        tasks.spawn(async move {
            let mut r = LoadResult::default();
            let mut conn = match RawConn::connect(&addr).await {
                Ok(c) => c,
                Err(_) => {
                    r.errors += 1;
                    return r;
                }
            };
            while Instant::now() < deadline
                && sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < max_requests
            {
                match conn.send(&request).await {
                    Ok(resp) => {
                        r.requests += 1;
                        if !(200..300).contains(&resp.status) {
                            r.non_2xx += 1;
                        }
                    }
                    Err(_) => {
                        r.errors += 1;
                        match RawConn::connect(&addr).await {
                            Ok(c) => conn = c,
                            Err(_) => break,
                        }
                    }
                }
            }
            r
        });
    }
    let mut total = LoadResult::default();
    while let Some(r) = tasks.join_next().await {
        let r = r.expect("load task");
        total.requests += r.requests;
        total.non_2xx += r.non_2xx;
        total.errors += r.errors;
    }
    total.elapsed = started.elapsed();
    total
}

/// An access token from the emulator's STS, and a session created over the raw client.
pub async fn setup_session(addr: &str, account: &str, key: &str, session: &str) -> String {
    let mut conn = RawConn::connect(addr)
        .await
        .expect("connect to the emulator");
    let auth = format!("Bearer {account}:{key}");
    let req = RawConn::request_bytes(
        "GET",
        addr,
        &format!("/Accounts/{account}/token?api-version=2019-02-28-preview"),
        &[("Authorization", &auth)],
        b"",
    );
    let resp = conn.send(&req).await.expect("STS answer");
    assert_eq!(
        resp.status,
        200,
        "STS: {}",
        String::from_utf8_lossy(&resp.body)
    );
    let v: serde_json::Value = serde_json::from_slice(&resp.body).expect("STS JSON");
    let token = v["AccessToken"].as_str().expect("AccessToken").to_owned();
    let bearer = format!("Bearer {token}");
    let req = RawConn::request_bytes(
        "PUT",
        addr,
        &format!("/accounts/{account}/sessions/{session}?api-version=2021-01-01"),
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        br#"{"maxLeaseTimeMinutes": 60, "size": "Standard"}"#,
    );
    let resp = conn.send(&req).await.expect("PUT answer");
    assert!(
        resp.status == 200 || resp.status == 201,
        "PUT session: {} {}",
        resp.status,
        String::from_utf8_lossy(&resp.body)
    );
    token
}

/// CPU time (user + system, µs) and context switches (voluntary + involuntary) of this process
/// so far, all threads included.
pub fn rusage() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let us = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    (
        us(u.ru_utime) + us(u.ru_stime),
        (u.ru_nvcsw + u.ru_nivcsw) as f64,
    )
}
