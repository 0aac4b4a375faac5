//! Recording a patient's death, and moving its plan to another pet.

use leptos::prelude::*;

use super::error::AppError;

/// Records that a patient died; its wellness plans go on hold.
#[server(prefix = "/api", endpoint = "patient/deceased", output = crate::api::codec::JsonText)]
pub async fn record_death(patient_id: i64, died_on: String) -> Result<usize, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let died_on = chrono::NaiveDate::parse_from_str(died_on.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::Invalid("Enter the date of death, such as 2026-11-20.".into()))?;
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.record_death(&clinic, patient_id, died_on, &actor).await
        }
        .await,
    )
}

/// Moves a deceased patient's plan to another pet; returns the new plan.
#[server(prefix = "/api", endpoint = "plan/transfer", output = crate::api::codec::JsonText)]
pub async fn transfer_plan(subscription_id: i64, to_patient_id: i64) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.transfer_plan(&clinic, subscription_id, to_patient_id, &actor).await
        }
        .await,
    )
}
