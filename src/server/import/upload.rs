//! `POST /sync/upload`: a manager's upload of a practice-system export from
//! the sync page, as a plain form, so it works before the page has loaded
//! its code. Whatever happens, the answer leads back to the sync page with
//! the run, which says what was applied or what to fix.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::import_csv;
use crate::domain::Permission;
use crate::server::state::AppState;
use crate::server::store::sync::Batch;
use crate::wire::error::AppError;
use crate::wire::sync::SyncSource;

/// Handles the upload form.
pub async fn upload(State(state): State<AppState>, session: Session, multipart: Multipart) -> Response {
    match accept(&state, &session, multipart).await {
        Ok(run) => Redirect::to(&format!("/sync?run={run}")).into_response(),
        Err(AppError::Unauthorized) => Redirect::to("/login?next=/sync").into_response(),
        Err(e) => Redirect::to(&format!(
            "/sync?problem={}",
            percent_encoding::utf8_percent_encode(&e.to_string(), percent_encoding::NON_ALPHANUMERIC)
        ))
        .into_response(),
    }
}

async fn accept(state: &AppState, session: &Session, mut multipart: Multipart) -> Result<i64, AppError> {
    let (clinic, actor) = state.staff_in(session, Permission::ManageSettings).await?;
    let unreadable =
        |_| AppError::Invalid("The upload did not arrive whole; choose the file and import it again.".into());
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let file_name: String = field.file_name().unwrap_or("upload.csv").chars().take(200).collect();
        let bytes = field.bytes().await.map_err(unreadable)?;
        if bytes.is_empty() {
            return Err(AppError::Invalid("Choose a CSV file to import.".into()));
        }
        let batch = Batch {
            organisation_id: clinic.organisation_id,
            clinic_id: clinic.id,
            source: SyncSource::Upload,
            file_name: &file_name,
            actor: &actor,
        };
        return Ok(import_csv(&state.store, &batch, &bytes).await?.id);
    }
    Err(AppError::Invalid("Choose a CSV file to import.".into()))
}
