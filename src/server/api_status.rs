//! Gives every failed server function the HTTP status of its [`AppError`],
//! including errors raised before the function body runs (malformed
//! arguments), which the framework would otherwise answer with 500.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::wire::error::AppError;

/// Server-function error bodies are small JSON values (details are cut
/// short); cap what is read all the same.
const MAX_ERROR_BODY: usize = 256 * 1024;

/// Middleware: rewrites the status of server-function error responses.
pub async fn api_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_ERROR_BODY).await.unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
