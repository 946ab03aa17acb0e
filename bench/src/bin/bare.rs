//! The floor of the emulator-throughput benchmark: the least a hyper server can do. It answers
//! every request with one fixed body (a session as the emulator sends it, so the bytes on the
//! wire are alike), on the same stack as the emulator: tokio's default multi-threaded runtime,
//! a task per connection, hyper's HTTP/1.1 connection with keep-alive, TCP_NODELAY.
//!
//! Prints one JSON ready line `{"endpoint": "http://127.0.0.1:PORT"}` and serves until killed.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};
use std::convert::Infallible;

const BODY: &str = r#"{"id":"bench-session","arrInspectorPort":51001,"handshakePort":51000,"elapsedTimeMinutes":0,"hostname":"lb03.remoterendering.vm.local.mixedreality.azure.com","maxLeaseTimeMinutes":60,"size":"Standard","status":"Ready","teraflops":8.1,"creationTime":"2026-01-01T00:00:00.0000000Z"}"#;

#[tokio::main]
async fn main() {
    let listen = remote_rendering_bench::arg("--listen", "127.0.0.1:0");
    let listener = tokio::net::TcpListener::bind(&listen).await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    println!(
        "{}",
        serde_json::json!({ "endpoint": format!("http://{addr}") })
    );
    let body = Bytes::from_static(BODY.as_bytes());
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            Err(_) => continue,
        };
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |_req: Request<hyper::body::Incoming>| {
                    let body = body.clone();
                    async move {
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("Content-Type", "application/json; charset=utf-8")
                                .body(Full::new(body))
                                .expect("response"),
                        )
                    }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
