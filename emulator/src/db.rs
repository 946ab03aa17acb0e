//! The state database (`--state FILE`): sessions, conversions, token revocations and the
//! emulated clock in SQLite, so they survive a restart and can be inspected with `sqlite3`.
//!
//! * WAL journal; every change set (what one request changed) is written whole in one
//!   transaction, and acknowledged only once that transaction is committed. Change sets that
//!   queue up while a commit is running are committed together in the next transaction (group
//!   commit, in order, never waiting to gather more), so a sequential client gets one
//!   transaction per change and concurrent ones do not queue behind each other's commits.
//!   `synchronous=NORMAL`: a commit survives the emulator being killed at any moment (the WAL
//!   is in the file system), not a power cut of the machine.
//! * The store in memory stays the one the requests read (the same code as without a state
//!   file, so the wire behaviour cannot differ); the database gets exactly the records that
//!   changed, from one writer thread, in the order the changes were made.
//! * Schema versions in `PRAGMA user_version`; a newer one than this emulator knows is
//!   refused, so an older emulator never misreads a newer file.
//!
//! ```text
//! sessions / conversions (account, id, seq, ends_at, record JSON)   primary key (account, id)
//!   index (account, seq): a page in creation order      index (ends_at): retention
//! token_generations (account, generation)              meta (key, value): clock, sequence
//! ```

use crate::clock::{wall_now, Nanos};
use crate::state::{Kind, Row, StoredRow};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use tokio::sync::oneshot;

/// The schema this emulator writes.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE sessions (
    account TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, ends_at INTEGER NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (account, id)) WITHOUT ROWID;
CREATE UNIQUE INDEX sessions_by_seq ON sessions (account, seq);
CREATE INDEX sessions_by_end ON sessions (ends_at);
CREATE TABLE conversions (
    account TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, ends_at INTEGER NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (account, id)) WITHOUT ROWID;
CREATE UNIQUE INDEX conversions_by_seq ON conversions (account, seq);
CREATE INDEX conversions_by_end ON conversions (ends_at);
CREATE TABLE token_generations (account TEXT PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
";

/// What a state database held at start.
pub struct Loaded {
    pub rows: Vec<StoredRow>,
    pub next_seq: u64,
    /// Token generation per account (lower-cased id): revocations so far.
    pub generations: Vec<(String, u64)>,
    /// Where the emulated clock resumes, given the time scale (`None`: a new database).
    pub resume_at: Option<Nanos>,
}

/// One change set: written in one transaction.
struct Job {
    rows: Vec<Row>,
    generations: Vec<(String, u64)>,
    next_seq: u64,
    emulated_now: Nanos,
    done: Option<oneshot::Sender<Result<(), String>>>,
}

/// The open database and its writer thread.
pub struct Db {
    path: PathBuf,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

fn err(path: &Path, e: impl std::fmt::Display) -> String {
    format!("state database {}: {e}", path.display())
}

/// Opens (or creates) the database at `path` and reads it back.
pub fn open(path: &Path, time_scale: f64) -> Result<(Db, Loaded), String> {
    // A file that is not SQLite (the JSON state file of older emulators, or anything else) is
    // refused before SQLite touches it.
    if let Ok(mut f) = std::fs::File::open(path) {
        use std::io::Read;
        let mut head = [0u8; 16];
        let n = f.read(&mut head).map_err(|e| err(path, e))?;
        if n > 0 && head[..n] != b"SQLite format 3\0"[..n] {
            let hint = if head[0] == b'{' {
                " (a JSON state file of an older emulator: move it away to start afresh)"
            } else {
                ""
            };
            return Err(err(path, format!("not a SQLite database{hint}")));
        }
    }
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| err(path, e))?;
    }
    let mut conn = Connection::open(path).map_err(|e| err(path, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| err(path, e))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| err(path, e))?;
    if version > SCHEMA_VERSION {
        return Err(err(
            path,
            format!("schema version {version} is newer than this emulator's ({SCHEMA_VERSION})"),
        ));
    }
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| err(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(err(
            path,
            format!("cannot use the WAL journal (got {mode})"),
        ));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| err(path, e))?;
    // A larger page cache (64 MiB) and fewer checkpoints (each one syncs): at 100k sessions
    // the default 2 MiB cache and 1,000-page checkpoints made every commit read and sync.
    conn.pragma_update(None, "cache_size", -65_536)
        .map_err(|e| err(path, e))?;
    conn.pragma_update(None, "wal_autocheckpoint", 16_384)
        .map_err(|e| err(path, e))?;
    if version == 0 {
        let tx = conn.transaction().map_err(|e| err(path, e))?;
        tx.execute_batch(SCHEMA).map_err(|e| err(path, e))?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| err(path, e))?;
        tx.commit().map_err(|e| err(path, e))?;
    }
    let loaded = load(&conn, time_scale).map_err(|e| err(path, e))?;
    let (tx, rx) = mpsc::channel::<Job>();
    let writer_path = path.to_owned();
    let thread = std::thread::Builder::new()
        .name("arr-emulator-db".to_owned())
        .spawn(move || writer(conn, rx, &writer_path))
        .map_err(|e| err(path, e))?;
    Ok((
        Db {
            path: path.to_owned(),
            jobs: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        },
        loaded,
    ))
}

fn load(conn: &Connection, time_scale: f64) -> rusqlite::Result<Loaded> {
    let meta = |key: &str| -> rusqlite::Result<Option<i64>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
    };
    let resume_at = match (meta("emulated_now")?, meta("saved_at_wall")?) {
        (Some(emulated), Some(wall)) => {
            let gap = (wall_now() - wall).max(0) as f64;
            Some(emulated + (gap * time_scale) as Nanos)
        }
        _ => None,
    };
    let next_seq = meta("next_seq")?.unwrap_or(0).max(0) as u64;
    let mut rows = Vec::new();
    for (kind, table) in [
        (Kind::Session, "sessions"),
        (Kind::Conversion, "conversions"),
    ] {
        let mut stmt = conn.prepare(&format!(
            "SELECT account, id, record FROM {table} ORDER BY account, seq"
        ))?;
        let mapped = stmt.query_map([], |r| {
            Ok(StoredRow {
                kind,
                account: r.get(0)?,
                id: r.get(1)?,
                record: r.get(2)?,
            })
        })?;
        for row in mapped {
            rows.push(row?);
        }
    }
    let mut stmt = conn.prepare("SELECT account, generation FROM token_generations")?;
    let generations = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Loaded {
        rows,
        next_seq,
        generations,
        resume_at,
    })
}

/// Change sets committed together at most (the rest wait for the next transaction).
const GROUP: usize = 256;

fn write(conn: &mut Connection, jobs: &[Job]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for row in jobs.iter().flat_map(|j| &j.rows) {
        let table = match row.kind {
            Kind::Session => "sessions",
            Kind::Conversion => "conversions",
        };
        match &row.record {
            Some((seq, ends_at, json)) => {
                tx.prepare_cached(&format!(
                    "INSERT INTO {table} (account, id, seq, ends_at, record) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (account, id) DO UPDATE SET seq = excluded.seq,
                     ends_at = excluded.ends_at, record = excluded.record"
                ))?
                .execute(params![
                    row.account.as_ref(),
                    row.id.as_ref(),
                    *seq as i64,
                    ends_at,
                    json
                ])?;
            }
            None => {
                tx.prepare_cached(&format!(
                    "DELETE FROM {table} WHERE account = ?1 AND id = ?2"
                ))?
                .execute(params![row.account.as_ref(), row.id.as_ref()])?;
            }
        }
    }
    for (account, generation) in jobs.iter().flat_map(|j| &j.generations) {
        tx.prepare_cached(
            "INSERT INTO token_generations (account, generation) VALUES (?1, ?2)
             ON CONFLICT (account) DO UPDATE SET generation = max(generation, excluded.generation)",
        )?
        .execute(params![account, *generation as i64])?;
    }
    let mut meta = tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    let last = jobs.last().expect("at least one change set");
    meta.execute(params!["emulated_now", last.emulated_now])?;
    meta.execute(params!["saved_at_wall", wall_now()])?;
    meta.execute(params![
        "next_seq",
        jobs.iter().map(|j| j.next_seq).max().unwrap_or(0) as i64
    ])?;
    drop(meta);
    tx.commit()
}

fn writer(mut conn: Connection, jobs: mpsc::Receiver<Job>, path: &Path) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let result = write(&mut conn, &group).map_err(|e| err(path, e));
        if let Err(e) = &result {
            tracing::error!(error = %e, "saving a change failed");
        }
        for job in group {
            if let Some(done) = job.done {
                let _ = done.send(result.clone());
            }
        }
    }
    // Every sender is gone: fold the WAL back into the file, so that a stopped emulator
    // leaves one file (sqlite3 reads it either way).
    let _ = conn.pragma_update(None, "wal_checkpoint", "TRUNCATE");
    let _ = conn.close();
}

impl Db {
    /// Queues one change set, written in one transaction, in the order of the calls. The
    /// receiver answers once it is committed.
    pub fn submit(
        &self,
        rows: Vec<Row>,
        generations: Vec<(String, u64)>,
        next_seq: u64,
        emulated_now: Nanos,
    ) -> oneshot::Receiver<Result<(), String>> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            rows,
            generations,
            next_seq,
            emulated_now,
            done: Some(done),
        };
        match self.jobs.lock().unwrap().as_ref() {
            Some(jobs) => {
                if let Err(mpsc::SendError(job)) = jobs.send(job) {
                    if let Some(done) = job.done {
                        let _ = done.send(Err(err(&self.path, "the database is closed")));
                    }
                }
            }
            None => {
                if let Some(done) = job.done {
                    let _ = done.send(Err(err(&self.path, "the database is closed")));
                }
            }
        }
        answer
    }

    /// Saves the clock one last time, then waits for the writer to finish and close.
    pub fn close(&self, next_seq: u64, emulated_now: Nanos) {
        drop(self.submit(Vec::new(), Vec::new(), next_seq, emulated_now));
        drop(self.jobs.lock().unwrap().take());
        if let Some(thread) = self.thread.lock().unwrap().take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        drop(self.jobs.lock().unwrap().take());
        if let Some(thread) = self.thread.lock().unwrap().take() {
            let _ = thread.join();
        }
    }
}
