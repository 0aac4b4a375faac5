//! Catalog type-ahead.

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::ItemRef;

/// Items whose name or code contains `query` (at most 12).
#[server(prefix = "/api", endpoint = "catalog/search", output = crate::api::codec::JsonText)]
pub async fn search_catalog(query: String) -> Result<Vec<ItemRef>, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let query = query.trim();
            if query.chars().count() > 64 {
                return Err(AppError::Invalid("Search with at most 64 characters.".into()));
            }
            if query.is_empty() {
                return Ok(Vec::new());
            }
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            Ok(state.store.search_catalog(clinic.organisation_id, query).await?)
        }
        .await,
    )
}
