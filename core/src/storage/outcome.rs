//! What an upload did, kept apart from the upload itself: the error type carries it, and this
//! file imports nothing of the crate, so the error module does not depend on the storage one.

/// What an upload did: the blobs written (whole), and those not written, in name order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadReport {
    /// Blobs uploaded completely.
    pub uploaded: Vec<String>,
    /// Blobs not uploaded (failed, or not started when the upload stopped). A blob here was
    /// never completed: a large file's parts are discarded by the storage.
    pub not_uploaded: Vec<String>,
    /// Bytes of the uploaded blobs.
    pub bytes: u64,
}
