//! Server-side half of [`AppError`]: logging the detail, setting the status.

use crate::wire::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        // PostgreSQL stores no NUL character in text (SQLite does): typed or
        // sent text holding one is the caller's to fix, not a server fault.
        if let sqlx::Error::Database(db) = &err
            && matches!(db.code().as_deref(), Some(NUL_IN_TEXT | UNTRANSLATABLE))
        {
            return AppError::Invalid(
                "The text holds a NUL character (\\0), which cannot be stored. Remove it and try again.".into(),
            );
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// PostgreSQL's `character_not_in_repertoire`: a NUL byte in text.
const NUL_IN_TEXT: &str = "22021";
/// PostgreSQL's `untranslatable_character`.
const UNTRANSLATABLE: &str = "22P05";

/// Sets the HTTP status of a failed server function to match its error,
/// except when a plain HTML form was posted (before the WASM, or without
/// it): that post is sent back to its page with the error in the address,
/// where the form shows it, and an error status would stop the browser from
/// following (it would show the bare error instead).
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use axum::http::StatusCode;
    if let Err(err) = &result
        && !posted_by_a_plain_form()
        && let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        options.set_status(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    }
    result
}

/// Whether the request is a browser's own form post to a server function,
/// which asks for a page (`Accept: text/html`), rather than a call from the
/// page's code, which asks for the answer's format. (A page being rendered
/// asks for HTML too, and keeps its status: "not found" stays a 404.)
fn posted_by_a_plain_form() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts.uri.path().starts_with("/api/")
            && parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}
