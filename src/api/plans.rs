//! One plan and its usage history.

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::plans::*;

/// A plan with its usage history.
#[server(prefix = "/api", endpoint = "plan")]
pub async fn plan_page(id: i64) -> Result<PlanPageData, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let may_waive = crate::domain::allows(state.viewer().await?.role, Permission::OverrideSettlement);
            let detail = state.store.plan_detail(clinic.organisation_id, id, clinic.today).await?;
            let lifecycle = state.store.plan_lifecycle(clinic.organisation_id, id).await?;
            Ok(PlanPageData { clinic, detail, may_waive, lifecycle })
        }
        .await,
    )
}

/// Removes a use from a plan's history by appending its reversal.
#[server(prefix = "/api", endpoint = "usage/remove")]
pub async fn usage_remove(entry_id: i64, note: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.remove_usage(clinic.organisation_id, entry_id, &note, &actor).await
        }
        .await,
    )
}
