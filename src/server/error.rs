//! Server-side half of [`AppError`]: logging the detail, setting the status.

use crate::wire::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// Sets the HTTP status of a failed server function to match its error.
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use axum::http::StatusCode;
    if let Err(err) = &result
        && let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        options.set_status(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    }
    result
}
