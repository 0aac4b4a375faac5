//! The clinic's working lists: plans by status and template, payments due,
//! renewals coming up. Each is also a CSV download.

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::lists::*;

/// The clinic's lists, the plans filtered by status code and template.
#[server(prefix = "/api", endpoint = "lists", output = crate::api::codec::JsonText)]
pub async fn clinic_lists(
    status: Option<String>,
    template_id: Option<i64>,
    clinic_id: Option<i64>,
    #[server(default)] page: u32,
) -> Result<Lists, AppError> {
    let filter = PlanFilter { status, template_id, clinic_id };
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let portion = crate::server::store::lists::Portion::Page(page);
            state.store.lists(clinic, &filter, portion).await
        }
        .await,
    )
}
