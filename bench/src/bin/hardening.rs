//! The emulator's store and connection limits under load (one JSON record per figure):
//!
//! * `hardening/creates`: session creates per second with `--state` (SQLite) when 100k sessions
//!   are stored, beside the in-memory rate measured the same way in the same run;
//! * `hardening/list-page`: the median cost of one list page at 1k and at 100k sessions;
//! * `hardening/get-p99`: GET session p99 while idle and while two clients walk the whole list;
//! * `hardening/rss`: the emulator's resident memory per stored session (in memory), and with
//!   `--retention 0` after 100k sessions created and stopped;
//! * `hardening/half-sent`: a normal client's median latency (a new connection per request)
//!   idle and while 1,100 half-sent connections are open against an emulator limited to 1,024
//!   descriptors.
//!
//! ```sh
//! rr-bench-hardening --emulator target/release/remote-rendering-emulator --sessions 100000
//! ```
//! Everything runs against emulators on 127.0.0.1 port 0 that this program starts and stops;
//! every loop is bounded by a count.

use remote_rendering_bench::{arg, arg_num, emit, median, percentile, proc_status_kib, RawConn};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An emulator process started with `args`, optionally with a descriptor limit.
struct Emu {
    child: Child,
    addr: String,
    account: String,
    token: String,
    _dir: Option<std::path::PathBuf>,
}

impl Emu {
    fn start(program: &str, args: &[&str], nofile: Option<u64>) -> Emu {
        let mut cmd = Command::new(program);
        cmd.args(["--listen", "127.0.0.1:0", "--startup-delay", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(limit) = nofile {
            use std::os::unix::process::CommandExt;
            // SAFETY: only setrlimit between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    let l = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &l) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn().expect("the emulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("ready line");
        let ready: serde_json::Value = serde_json::from_str(line.trim()).expect("ready JSON");
        let s = |k: &str| ready[k].as_str().expect(k).to_owned();
        let addr = s("endpoint").trim_start_matches("http://").to_owned();
        Emu {
            child,
            addr,
            account: s("accountId"),
            token: String::new(),
            _dir: None,
        }
        .with_token(&s("accountKey"))
    }

    fn with_token(mut self, key: &str) -> Emu {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (addr, account) = (self.addr.clone(), self.account.clone());
        self.token = rt.block_on(async move {
            let mut c = RawConn::connect(&addr).await.unwrap();
            let req = RawConn::request_bytes(
                "GET",
                &addr,
                &format!("/Accounts/{account}/token?api-version=2019-02-28-preview"),
                &[("Authorization", &format!("Bearer {account}:{key}"))],
                b"",
            );
            let v: serde_json::Value =
                serde_json::from_slice(&c.send(&req).await.unwrap().body).unwrap();
            v["AccessToken"].as_str().unwrap().to_owned()
        });
        self
    }

    fn rss_kib(&self) -> u64 {
        proc_status_kib(&self.child.id().to_string(), "VmRSS")
    }

    fn path(&self, p: &str) -> String {
        format!("/accounts/{}{p}?api-version=2021-01-01", self.account)
    }

    fn req(&self, method: &str, p: &str, body: &[u8]) -> Vec<u8> {
        let auth = format!("Bearer {}", self.token);
        let mut h = vec![("Authorization", auth.as_str())];
        if !body.is_empty() {
            h.push(("Content-Type", "application/json"));
        }
        RawConn::request_bytes(method, &self.addr, &self.path(p), &h, body)
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        // SIGTERM first: the emulator saves and removes what it made.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BODY: &[u8] = br#"{"maxLeaseTimeMinutes": 1440, "size": "Standard"}"#;

/// Creates `count` sessions named `{prefix}{n}` over `connections` connections; creates/s.
async fn create(emu: &Emu, prefix: &str, count: u64, connections: usize, stop: bool) -> f64 {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let next = next.clone();
        let (addr, prefix) = (emu.addr.clone(), prefix.to_owned());
        let (auth, base) = (format!("Bearer {}", emu.token), emu.account.clone());
        tasks.spawn(async move {
            let mut c = RawConn::connect(&addr).await.expect("connect");
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let path = format!("/accounts/{base}/sessions/{prefix}{n}?api-version=2021-01-01");
                let h = [
                    ("Authorization", auth.as_str()),
                    ("Content-Type", "application/json"),
                ];
                let req = RawConn::request_bytes("PUT", &addr, &path, &h, BODY);
                let r = c.send(&req).await.expect("PUT answer");
                assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
                if stop {
                    let path = format!(
                        "/accounts/{base}/sessions/{prefix}{n}/:stop?api-version=2021-01-01"
                    );
                    let req = RawConn::request_bytes("POST", &addr, &path, &h[..1], b"");
                    assert_eq!(c.send(&req).await.expect("stop answer").status, 204);
                }
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("create task");
    }
    count as f64 / started.elapsed().as_secs_f64()
}

/// Walks the whole session list once; the latency of each page (µs) and the item count.
async fn walk(emu_addr: &str, first: Vec<u8>, auth: &str) -> (Vec<f64>, usize) {
    let mut c = RawConn::connect(emu_addr).await.expect("connect");
    let mut req = first;
    let mut pages = Vec::new();
    let mut items = 0;
    for _ in 0..100_000 {
        let t = Instant::now();
        let r = c.send(&req).await.expect("list answer");
        pages.push(t.elapsed().as_secs_f64() * 1e6);
        assert_eq!(r.status, 200);
        // Counted and followed without parsing the page: the client's own work stays small
        // beside the emulator's (they share the machine).
        let body = String::from_utf8_lossy(&r.body);
        items += body.matches("\"creationTime\"").count();
        let next = body
            .split("\"@nextLink\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        match next {
            None => break,
            Some(next) => {
                let rest = next.splitn(4, '/').nth(3).unwrap_or("");
                req = RawConn::request_bytes(
                    "GET",
                    emu_addr,
                    &format!("/{rest}"),
                    &[("Authorization", auth)],
                    b"",
                );
            }
        }
    }
    (pages, items)
}

/// `count` sequential GETs of one session on one connection; latencies in µs.
async fn gets(emu: &Emu, id: &str, count: usize) -> Vec<f64> {
    let mut c = RawConn::connect(&emu.addr).await.expect("connect");
    let req = emu.req("GET", &format!("/sessions/{id}"), b"");
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let t = Instant::now();
        assert_eq!(c.send(&req).await.expect("GET").status, 200);
        out.push(t.elapsed().as_secs_f64() * 1e6);
    }
    out
}

/// `count` GETs, each on a new connection (as a client without a pool); latencies in µs.
async fn fresh_gets(emu: &Emu, count: usize) -> Vec<f64> {
    let req = emu.req("GET", "/sessions/probe", b"");
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let t = Instant::now();
        let mut c = RawConn::connect(&emu.addr).await.expect("connect");
        assert_eq!(c.send(&req).await.expect("GET").status, 200);
        out.push(t.elapsed().as_secs_f64() * 1e6);
    }
    out
}

fn main() {
    let program = arg("--emulator", "target/release/remote-rendering-emulator");
    let sessions: u64 = arg_num("--sessions", 100_000);
    let measured: u64 = arg_num("--measured-creates", 5_000);
    let connections: usize = arg_num("--connections", 16);
    let half_sent: usize = arg_num("--half-sent", 1_100);
    let nofile: u64 = arg_num("--nofile", 1_024);
    let round: u32 = arg_num("--round", 1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let tmp = std::env::temp_dir().join(format!("rr-bench-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    // 1. Creates/s at `sessions` stored, in memory and with --state; the list and GET figures
    //    and the RSS in memory come from the in-memory emulator.
    let mut rates = serde_json::Map::new();
    for mode in ["memory", "state"] {
        let db = tmp.join("state.db");
        let _ = std::fs::remove_file(&db);
        let db_arg = db.to_str().unwrap().to_owned();
        let args: Vec<&str> = match mode {
            "state" => vec!["--state", &db_arg, "--page-size", "100"],
            _ => vec!["--page-size", "100"],
        };
        let emu = Emu::start(&program, &args, None);
        rt.block_on(async {
            let rss0 = emu.rss_kib();
            let fill_1k = create(&emu, "a", 1_000, connections, false).await;
            let auth = format!("Bearer {}", emu.token);
            let first = emu.req("GET", "/sessions", b"");
            let mut page_1k = Vec::new();
            if mode == "memory" {
                for _ in 0..20 {
                    page_1k.extend(walk(&emu.addr, first.clone(), &auth).await.0);
                }
            }
            let fill = create(&emu, "b", sessions - 1_000, connections, false).await;
            let rss1 = emu.rss_kib();
            let at_full = create(&emu, "c", measured, connections, false).await;
            rates.insert(mode.to_owned(), serde_json::json!(at_full));
            emit(
                &format!("hardening/creates-{mode}"),
                round,
                serde_json::json!({
                    "stored": sessions,
                    "creates_per_s_first_1k": fill_1k,
                    "creates_per_s_filling": fill,
                    "creates_per_s_at_stored": at_full,
                }),
            );
            if mode != "memory" {
                return;
            }
            emit(
                "hardening/rss",
                round,
                serde_json::json!({
                    "stored": sessions,
                    "rss_before_kib": rss0,
                    "rss_after_kib": rss1,
                    "bytes_per_session": (rss1.saturating_sub(rss0) * 1024) as f64 / sessions as f64,
                }),
            );
            let (pages_full, items) = walk(&emu.addr, first.clone(), &auth).await;
            emit(
                "hardening/list-page",
                round,
                serde_json::json!({
                    "page_us_median_at_1k": median(&mut page_1k.clone()),
                    "page_us_median_at_full": median(&mut pages_full.clone()),
                    "pages_at_full": pages_full.len(),
                    "items_at_full": items,
                    "ratio_full_to_1k": median(&mut pages_full.clone()) / median(&mut page_1k.clone()),
                }),
            );
            let put = emu.req("PUT", "/sessions/probe", BODY);
            let mut c = RawConn::connect(&emu.addr).await.unwrap();
            c.send(&put).await.unwrap();
            let mut idle = gets(&emu, "probe", 3_000).await;
            // The two listing clients run on threads of their own, so that the GETs measured
            // here never wait behind them in this process.
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let walkers: Vec<_> = (0..2)
                .map(|_| {
                    let (addr, first, auth) = (emu.addr.clone(), first.clone(), auth.clone());
                    let stop = stop.clone();
                    std::thread::spawn(move || {
                        let rt = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .unwrap();
                        for _ in 0..5 {
                            if stop.load(Ordering::Relaxed) {
                                break;
                            }
                            rt.block_on(walk(&addr, first.clone(), &auth));
                        }
                    })
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(50)).await;
            let mut busy = gets(&emu, "probe", 3_000).await;
            stop.store(true, Ordering::Relaxed);
            for w in walkers {
                let _ = w.join();
            }
            emit(
                "hardening/get-p99",
                round,
                serde_json::json!({
                    "stored": sessions,
                    "p99_us_idle": percentile(&mut idle, 99.0),
                    "p99_us_two_full_listings": percentile(&mut busy, 99.0),
                    "p50_us_idle": median(&mut idle),
                    "p50_us_two_full_listings": median(&mut busy),
                }),
            );
        });
        drop(emu);
    }
    let (m, s) = (
        rates["memory"].as_f64().unwrap(),
        rates["state"].as_f64().unwrap(),
    );
    emit(
        "hardening/creates",
        round,
        serde_json::json!({ "stored": sessions, "memory_per_s": m, "state_per_s": s, "state_to_memory": s / m }),
    );

    // 2. With --retention 0 memory stays flat while sessions are created and stopped.
    let emu = Emu::start(&program, &["--retention", "0"], None);
    rt.block_on(async {
        let mut samples = Vec::new();
        let step = sessions / 4;
        for i in 0..4 {
            create(&emu, &format!("r{i}-"), step, connections, true).await;
            tokio::time::sleep(Duration::from_millis(1_200)).await;
            samples.push(emu.rss_kib());
        }
        emit(
            "hardening/rss-retention",
            round,
            serde_json::json!({ "created_and_stopped": step * 4, "rss_kib_after_each_quarter": samples }),
        );
    });
    drop(emu);

    // 3. Half-sent connections against a descriptor limit.
    let raise = libc::rlimit {
        rlim_cur: 8192,
        rlim_max: 8192,
    };
    // SAFETY: setrlimit on this process only; failure leaves the limit as it was.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raise) };
    let emu = Emu::start(&program, &[], Some(nofile));
    rt.block_on(async {
        let mut c = RawConn::connect(&emu.addr).await.unwrap();
        c.send(&emu.req("PUT", "/sessions/probe", BODY))
            .await
            .unwrap();
        drop(c);
        let mut idle = fresh_gets(&emu, 500).await;
        let mut held = Vec::new();
        let mut refused = 0;
        for _ in 0..half_sent {
            match tokio::net::TcpStream::connect(&emu.addr).await {
                Ok(mut s) => {
                    use tokio::io::AsyncWriteExt;
                    let _ = s
                        .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n")
                        .await;
                    held.push(s);
                }
                Err(_) => refused += 1,
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut busy = fresh_gets(&emu, 500).await;
        emit(
            "hardening/half-sent",
            round,
            serde_json::json!({
                "half_sent": half_sent,
                "emulator_nofile": nofile,
                "connect_refused": refused,
                "median_us_idle": median(&mut idle),
                "median_us_half_sent": median(&mut busy),
                "ratio": median(&mut busy.clone()) / median(&mut idle.clone()),
                "p99_us_half_sent": percentile(&mut busy, 99.0),
            }),
        );
        drop(held);
    });
    drop(emu);
    let _ = std::fs::remove_dir_all(&tmp);
}
