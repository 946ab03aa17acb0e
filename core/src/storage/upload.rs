//! Uploading a local file or folder to a container: a bounded number of files at once, large
//! files in parts, progress in bytes after every part, and a report of what was and was not
//! uploaded when anything fails (nothing is left half-way without being named).

use super::{check_blob_name, store_error, BlobContainer};
use crate::error::{Error, ErrorKind, Result};
use crate::vocabulary::{DEFAULT_UPLOAD_CONCURRENCY, DEFAULT_UPLOAD_TIMEOUT};
use crate::wait::human_duration;
use futures_util::stream::{self, StreamExt};
use object_store::{ObjectStoreExt, PutPayload};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio_util::sync::CancellationToken;

/// Files up to this size go in one request; larger ones in blocks of this size.
const PART_SIZE: usize = 8 * 1024 * 1024;

/// Where an upload stands, after a file started, after each part, and when a file is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadProgress {
    /// The blob being written (the prefix included).
    pub blob: String,
    /// Bytes of this file uploaded so far.
    pub file_bytes_done: u64,
    /// The size of this file.
    pub file_bytes_total: u64,
    /// Bytes of every file uploaded so far.
    pub bytes_done: u64,
    /// The size of every file together.
    pub bytes_total: u64,
    /// True in the last event of this file (it is uploaded).
    pub file_done: bool,
}

/// A progress callback; called from the upload's tasks, so it must be `Send + Sync`.
pub type UploadProgressFn = Arc<dyn Fn(&UploadProgress) + Send + Sync>;

/// How to upload. The defaults: [`DEFAULT_UPLOAD_CONCURRENCY`] files at once, a deadline of
/// [`DEFAULT_UPLOAD_TIMEOUT`], no cancellation, no progress.
#[derive(Clone, Default)]
pub struct UploadOptions {
    /// Files uploaded at once; `None`: [`DEFAULT_UPLOAD_CONCURRENCY`].
    pub concurrency: Option<usize>,
    /// The deadline of the whole upload; `None`: [`DEFAULT_UPLOAD_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// Cancels the upload (what was uploaded is reported).
    pub cancel: Option<CancellationToken>,
    /// Called with the progress in bytes.
    pub on_progress: Option<UploadProgressFn>,
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("concurrency", &self.concurrency)
            .field("timeout", &self.timeout)
            .field("cancel", &self.cancel.is_some())
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

impl UploadOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Uploads this many files at once (from 1 to
    /// [`MAX_UPLOAD_CONCURRENCY`](crate::vocabulary::MAX_UPLOAD_CONCURRENCY)).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n);
        self
    }
    /// Gives up after this long (a `Timeout` error with the report).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Cancels the upload when `token` is cancelled.
    pub fn cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }
    /// Called with the progress in bytes.
    pub fn on_progress(mut self, f: impl Fn(&UploadProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }
}

pub use super::outcome::UploadReport;

#[derive(Debug)]
struct LocalFile {
    path: PathBuf,
    blob: String,
    size: u64,
}

/// The files under `root` (itself, when it is a file), with their blob names under `prefix`.
fn collect(root: &Path, prefix: &str) -> Result<Vec<LocalFile>> {
    let meta = std::fs::metadata(root).map_err(|e| {
        Error::invalid_input(
            "path",
            format!("{:?} cannot be read ({e})", root.display().to_string()),
        )
    })?;
    let prefix = if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_owned()
    } else {
        format!("{prefix}/")
    };
    let mut files = Vec::new();
    if meta.is_file() {
        let name = root
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::invalid_input("path", "the file name is not UTF-8"))?;
        files.push(LocalFile {
            path: root.to_owned(),
            blob: format!("{prefix}{name}"),
            size: meta.len(),
        });
    } else if meta.is_dir() {
        let mut stack = vec![(root.to_owned(), String::new())];
        while let Some((dir, rel)) = stack.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| {
                Error::invalid_input(
                    "path",
                    format!("{:?} cannot be read ({e})", dir.display().to_string()),
                )
            })?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::invalid_input("path", e))?;
                let name = entry.file_name();
                let name = name.to_str().ok_or_else(|| {
                    Error::invalid_input("path", format!("{:?} is not a UTF-8 name", entry.path()))
                })?;
                // Symlinks are followed to files only: a linked folder could loop.
                let kind = entry
                    .file_type()
                    .map_err(|e| Error::invalid_input("path", e))?;
                let target =
                    std::fs::metadata(entry.path()).map_err(|e| Error::invalid_input("path", e))?;
                let rel_name = format!("{rel}{name}");
                if target.is_file() {
                    files.push(LocalFile {
                        path: entry.path(),
                        blob: format!("{prefix}{rel_name}"),
                        size: target.len(),
                    });
                } else if target.is_dir() && !kind.is_symlink() {
                    stack.push((entry.path(), format!("{rel_name}/")));
                }
            }
        }
        files.sort_by(|a, b| a.blob.cmp(&b.blob));
    } else {
        return Err(Error::invalid_input(
            "path",
            format!(
                "{:?} is neither a file nor a folder",
                root.display().to_string()
            ),
        ));
    }
    if files.is_empty() {
        return Err(Error::invalid_input(
            "path",
            format!("{:?} holds no files", root.display().to_string()),
        ));
    }
    for f in &files {
        check_blob_name(&f.blob, "path")?;
    }
    Ok(files)
}

struct Shared {
    done: Mutex<(u64, Vec<(String, u64)>)>,
    total: u64,
    on_progress: Option<UploadProgressFn>,
}

impl Shared {
    fn report(&self, blob: &str, file_done: u64, file_total: u64, added: u64, finished: bool) {
        let bytes_done = {
            let mut d = self.done.lock().unwrap();
            d.0 += added;
            if finished {
                d.1.push((blob.to_owned(), file_total));
            }
            d.0
        };
        if let Some(f) = &self.on_progress {
            f(&UploadProgress {
                blob: blob.to_owned(),
                file_bytes_done: file_done,
                file_bytes_total: file_total,
                bytes_done,
                bytes_total: self.total,
                file_done: finished,
            });
        }
    }
}

async fn upload_one(container: &BlobContainer, file: &LocalFile, shared: &Shared) -> Result<()> {
    let path = BlobContainer::path(&file.blob)?;
    let doing = format!("upload {:?} to {}", file.blob, container.uri());
    let read_error = |e: std::io::Error| {
        Error::invalid_input(
            "path",
            format!("{:?} cannot be read ({e})", file.path.display().to_string()),
        )
    };
    let mut local = tokio::fs::File::open(&file.path)
        .await
        .map_err(read_error)?;
    shared.report(&file.blob, 0, file.size, 0, false);
    if file.size <= PART_SIZE as u64 {
        let mut buf = Vec::with_capacity(file.size as usize);
        local.read_to_end(&mut buf).await.map_err(read_error)?;
        let n = buf.len() as u64;
        container
            .store()
            .put(&path, PutPayload::from(buf))
            .await
            .map_err(|e| store_error(e, "container", &doing))?;
        shared.report(&file.blob, n, file.size, n, true);
        return Ok(());
    }
    let mut upload = container
        .store()
        .put_multipart(&path)
        .await
        .map_err(|e| store_error(e, "container", &doing))?;
    let mut sent = 0u64;
    loop {
        let mut part = Vec::with_capacity(PART_SIZE);
        let mut limited = (&mut local).take(PART_SIZE as u64);
        let n = match limited.read_to_end(&mut part).await {
            Ok(n) => n,
            Err(e) => {
                let _ = upload.abort().await;
                return Err(read_error(e));
            }
        };
        if n == 0 {
            break;
        }
        if let Err(e) = upload.put_part(PutPayload::from(part)).await {
            let _ = upload.abort().await;
            return Err(store_error(e, "container", &doing));
        }
        sent += n as u64;
        shared.report(&file.blob, sent, file.size, n as u64, false);
    }
    upload
        .complete()
        .await
        .map_err(|e| store_error(e, "container", &doing))?;
    shared.report(&file.blob, sent, file.size, 0, true);
    Ok(())
}

impl BlobContainer {
    /// Uploads the file or every file of the folder at `local` to this container under
    /// `prefix` (a folder's files keep their relative paths). On any failure (a file, the
    /// storage, the deadline, a cancel) the error says which files were uploaded and which
    /// were not, and carries the [`UploadReport`] ([`Error::upload_report`]). A `path` that is
    /// neither a file nor a folder is an [`ErrorKind::InvalidInput`] naming `path`, raised
    /// before anything is sent.
    pub async fn upload(
        &self,
        local: &Path,
        prefix: &str,
        options: UploadOptions,
    ) -> Result<UploadReport> {
        let concurrency = crate::vocabulary::check_upload_concurrency(
            "concurrency",
            options.concurrency.unwrap_or(DEFAULT_UPLOAD_CONCURRENCY) as i64,
        )?;
        let timeout = options.timeout.unwrap_or(DEFAULT_UPLOAD_TIMEOUT);
        if !prefix.is_empty() {
            check_blob_name(prefix.trim_end_matches('/'), "prefix")?;
        }
        let files = collect(local, prefix)?;
        let shared = Shared {
            done: Mutex::new((0, Vec::new())),
            total: files.iter().map(|f| f.size).sum(),
            on_progress: options.on_progress.clone(),
        };
        let cancel = options.cancel.clone().unwrap_or_default();
        let first_failure: Mutex<Option<Error>> = Mutex::new(None);
        // Files by index, not `files.iter()`: a stream of borrowed items makes the upload's
        // future not `Send` (the closure's lifetime is not general enough), and the bindings
        // spawn it on the runtime's workers.
        let files = &files;
        let work = stream::iter(0..files.len())
            .map(|i| {
                let shared = &shared;
                let first_failure = &first_failure;
                let f = &files[i];
                async move {
                    // After the first failure no new file is started.
                    if first_failure.lock().unwrap().is_some() {
                        return;
                    }
                    if let Err(e) = upload_one(self, f, shared).await {
                        first_failure.lock().unwrap().get_or_insert(e);
                    }
                }
            })
            .buffer_unordered(concurrency)
            .for_each(|()| async {});
        let stopped = tokio::select! {
            () = work => None,
            () = tokio::time::sleep(timeout) => Some(Error::new(
                ErrorKind::Timeout,
                format!("the upload ran out of its {}", human_duration(timeout)),
            )),
            () = cancel.cancelled() => Some(Error::new(ErrorKind::Cancelled, "the upload was cancelled")),
        };
        let (bytes, done) = {
            let d = shared.done.lock().unwrap();
            (
                d.1.iter().map(|(_, n)| n).sum(),
                d.1.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>(),
            )
        };
        let mut uploaded = done;
        uploaded.sort();
        let not_uploaded: Vec<String> = files
            .iter()
            .map(|f| f.blob.clone())
            .filter(|b| uploaded.binary_search(b).is_err())
            .collect();
        let report = UploadReport {
            uploaded,
            not_uploaded,
            bytes,
        };
        let failure = stopped.or_else(|| first_failure.into_inner().unwrap());
        match failure {
            None => Ok(report),
            Some(cause) => {
                let listed = |v: &[String]| {
                    let mut s = v.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
                    if v.len() > 20 {
                        s.push_str(&format!(" and {} more", v.len() - 20));
                    }
                    s
                };
                let msg = format!(
                    "uploaded {} of {} files to {} ({}); not uploaded: {}; {}",
                    report.uploaded.len(),
                    files.len(),
                    self.uri(),
                    if report.uploaded.is_empty() {
                        "none".to_owned()
                    } else {
                        listed(&report.uploaded)
                    },
                    listed(&report.not_uploaded),
                    cause.message()
                );
                Err(cause.rewrap(msg).with_upload_report(report))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bindings spawn these futures on the runtime's workers: each must be `Send`
    /// (this compiles only when they are).
    #[allow(dead_code)]
    fn the_storage_futures_are_send(
        client: &crate::Client,
        account: &super::super::StorageAccount,
        c: &BlobContainer,
        p: &Path,
        s: &crate::ConversionSettings,
        conv: &crate::Conversion,
    ) {
        fn send<T: Send>(_: T) {}
        send(c.upload(p, "", UploadOptions::new()));
        send(super::super::preflight(c, s));
        send(super::super::read_conversion_report(c, conv));
        send(super::super::read_conversion_report_for_settings(c, s));
        send(super::super::content_conversion_id(p, s));
        send(client.wait_for_conversion_with_report("id", crate::WaitOptions::new(), c));
        send(account.create_container("c"));
        send(c.list(""));
        send(c.read("b", 1));
        send(c.exists("b"));
    }

    #[test]
    fn a_folder_is_listed_with_relative_blob_names_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("textures")).unwrap();
        std::fs::write(dir.path().join("scene.gltf"), b"{}").unwrap();
        std::fs::write(dir.path().join("textures/a.png"), b"png").unwrap();
        let files = collect(dir.path(), "model").unwrap();
        let names: Vec<_> = files.iter().map(|f| f.blob.as_str()).collect();
        assert_eq!(names, ["model/scene.gltf", "model/textures/a.png"]);
        assert_eq!(files[1].size, 3);
        let one = collect(&dir.path().join("scene.gltf"), "").unwrap();
        assert_eq!(one[0].blob, "scene.gltf");
    }

    #[test]
    fn a_path_that_is_neither_file_nor_folder_is_refused_by_name() {
        let e = collect(Path::new("/nonexistent/model"), "").unwrap_err();
        assert_eq!(e.field(), Some("path"));
        let e = collect(Path::new("/dev/null"), "").unwrap_err();
        assert_eq!(e.field(), Some("path"));
        assert!(e.to_string().contains("neither a file nor a folder"), "{e}");
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(collect(empty.path(), "").unwrap_err().field(), Some("path"));
    }
}
