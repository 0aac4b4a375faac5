//! A ceiling on request bodies: a server function reads what it is sent,
//! so without one a single request could fill the server's memory.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

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

/// Exports read into memory at once: each may be 20 MiB.
const UPLOADS_AT_ONCE: usize = 4;
static UPLOADS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(UPLOADS_AT_ONCE));

/// Middleware: refuses a body over its limit with 413 and words, before
/// any handler sees it (by its declared length, or while reading it).
/// An export is read only from a caller who shows a credential (whether it
/// is good is checked after), and a few at a time: nobody can fill the
/// server's memory with large bodies nobody signed.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let path = request.uri().path().to_string();
    let limit = limit_for(&path);
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large(&path, limit);
    }
    let _permit = if limit > MAX_BODY {
        if !shows_credential(&path, request.headers()) {
            return refused(&path, StatusCode::UNAUTHORIZED, "Sign in (or send the API token) to upload an export.");
        }
        match UPLOADS.try_acquire() {
            Ok(permit) => Some(permit),
            Err(_) => {
                let mut busy = refused(
                    &path,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Other exports are being uploaded right now; nothing was saved. Try again in a minute.",
                );
                busy.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
                return busy;
            }
        }
    } else {
        None
    };
    let (parts, body) = request.into_parts();
    match to_bytes(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => too_large(&path, limit),
    }
}

/// Whether an upload comes with a bearer token (the API) or a session
/// cookie (the sync page).
fn shows_credential(path: &str, headers: &header::HeaderMap) -> bool {
    if path.starts_with("/api/v1") {
        return headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.len() > 7 && v.get(..7).is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer ")));
    }
    let cookie = format!("{}=", crate::server::auth::COOKIE_NAME);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').any(|c| c.trim_start().starts_with(&cookie)))
}

/// 413 in the words of whoever asked.
fn too_large(path: &str, limit: usize) -> Response {
    let message = format!(
        "This request is larger than CareCount accepts ({} MiB) and nothing of it was saved. Send less at once.",
        limit / (1024 * 1024)
    );
    refused(path, StatusCode::PAYLOAD_TOO_LARGE, &message)
}

/// A refusal in the words of whoever asked: a problem document for an
/// integration, the error a server function reads, or plain words.
fn refused(path: &str, status: StatusCode, message: &str) -> Response {
    if path.starts_with("/api/v1") {
        crate::server::integration::problem::Problem::new(status, message.to_string()).into_response()
    } else if path.starts_with("/api/") {
        // Server functions read their errors as JSON; the page shows the words.
        let body = serde_json::to_string(&AppError::Invalid(message.to_string())).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static("serverfnerror"), "1")],
            body,
        )
            .into_response()
    } else {
        (status, message.to_string()).into_response()
    }
}
