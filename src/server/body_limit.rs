//! A ceiling on request bodies: a server function reads what it is sent,
//! so without one a single request could fill the server's memory.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::wire::error::AppError;

/// The most any page's request may carry: the largest desk form is a few
/// kilobytes, so 1 MiB leaves room for any real invoice.
pub const MAX_BODY: usize = 1024 * 1024;

/// The upload of a practice-system export: its own, larger limit.
pub const UPLOAD_PATH: &str = "/sync/upload";

/// The most a request to `path` may carry: an export's upload may be as
/// large as the import takes.
fn limit_for(path: &str) -> usize {
    use crate::server::import::MAX_UPLOAD_BODY;
    if path == UPLOAD_PATH || path == crate::server::integration::IMPORTS_PATH { MAX_UPLOAD_BODY } else { MAX_BODY }
}

/// Middleware: refuses a body over its limit with 413 and words, before
/// any handler sees it (by its declared length, or while reading it).
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let path = request.uri().path().to_string();
    let limit = limit_for(&path);
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large(&path, limit);
    }
    let (parts, body) = request.into_parts();
    match to_bytes(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => too_large(&path, limit),
    }
}

/// 413 in the words of whoever asked: a problem document for an
/// integration, the error a server function reads, or plain words.
fn too_large(path: &str, limit: usize) -> Response {
    let message = format!(
        "This request is larger than CareCount accepts ({} MiB) and nothing of it was saved. Send less at once.",
        limit / (1024 * 1024)
    );
    if path.starts_with("/api/v1") {
        crate::server::integration::problem::Problem::new(StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
    } else if path.starts_with("/api/") {
        // Server functions read their errors as JSON; the page shows the words.
        let body = serde_json::to_string(&AppError::Invalid(message)).unwrap_or_default();
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static("serverfnerror"), "1")],
            body,
        )
            .into_response()
    } else {
        (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
    }
}
