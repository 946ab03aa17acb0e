//! Reading a request body with the same bounds on every route (API and `/_emulator/`): at
//! most [`MAX_BODY_BYTES`](crate::config::MAX_BODY_BYTES), within the body timeout.

use crate::config::MAX_BODY_BYTES;
use crate::error::ApiError;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use std::time::Duration;

/// The whole body, or the service's 400 when it is too large, broken off, or too slow.
pub async fn read_body(body: Incoming, timeout: Duration) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(timeout, Limited::new(body, MAX_BODY_BYTES).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(_)) => Err(ApiError::bad_request(
            "The request body could not be read or is larger than 1 MiB.",
        )),
        Err(_) => Err(ApiError::bad_request(
            "The request body was not received in time.",
        )),
    }
}
