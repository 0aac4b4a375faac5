//! Plan templates, as managers list and edit them.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::error::AppError;
pub use crate::wire::templates::*;

/// Every template of the organisation.
#[server(prefix = "/api", endpoint = "templates", output = crate::api::codec::JsonText)]
pub async fn template_list() -> Result<Vec<TemplateSummary>, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageTemplates).await?;
            state.store.template_list(&clinic).await
        }
        .await,
    )
}

/// The editor for a template, or for a new one when `id` is 0.
#[server(prefix = "/api", endpoint = "templates/editor", output = crate::api::codec::JsonText)]
pub async fn load_template(id: i64) -> Result<TemplateEditor, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageTemplates).await?;
            state.store.template_editor(&clinic, id).await
        }
        .await,
    )
}

/// Saves a template; returns its id. Plans already sold keep their copy;
/// `apply_price_to_renewals` says whether their next term pays a new price.
#[server(prefix = "/api", endpoint = "templates/save", input = Json, output = crate::api::codec::JsonText)]
pub async fn save_template(draft: TemplateDraft, apply_price_to_renewals: bool) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageTemplates).await?;
            state.store.save_template(&clinic, draft, apply_price_to_renewals, &actor).await
        }
        .await,
    )
}
