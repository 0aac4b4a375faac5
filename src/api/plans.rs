//! One plan and its usage history.

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::plans::*;

/// A plan with its usage history.
#[server(prefix = "/api", endpoint = "plan", output = crate::api::codec::JsonText)]
pub async fn plan_page(id: i64) -> Result<PlanPageData, AppError> {
    use crate::domain::Permission;
    use crate::server::clinic_clock::OnClinicClock;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let role = state.viewer().await?.role;
            let may_waive = crate::domain::allows(role, Permission::OverrideSettlement);
            let may_sell = crate::domain::allows(role, Permission::SellPlans);
            let detail = state
                .store
                .plan_detail(clinic.organisation_id, id, clinic.today)
                .await?
                .on_clinic_clock(&clinic.time_zone);
            let lifecycle = state.store.plan_lifecycle(clinic.organisation_id, id).await?;
            Ok(PlanPageData { clinic, detail, may_waive, may_sell, lifecycle })
        }
        .await,
    )
}

/// Removes a use from a plan's history by appending its reversal: `reason`
/// (a [`RemovalReason`] code) is what the owner reads, `note` is internal.
#[server(prefix = "/api", endpoint = "usage/remove", output = crate::api::codec::JsonText)]
pub async fn usage_remove(entry_id: i64, reason: String, note: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let reason = RemovalReason::from_code(&reason)
                .ok_or_else(|| AppError::Invalid("Choose what the owner is told: why this use is removed.".into()))?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.remove_usage(clinic.organisation_id, entry_id, reason, &note, &actor).await
        }
        .await,
    )
}
