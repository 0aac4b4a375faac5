//! The healthcard: every plan of a household, for the owner on the portal
//! and for staff on the patient page.

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::portal::*;

/// The signed-in owner's healthcard.
#[server(prefix = "/api", endpoint = "healthcard", output = crate::api::codec::JsonText)]
pub async fn my_healthcard() -> Result<Healthcard, AppError> {
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, client_id) = state.owner().await?;
            Ok(state.store.healthcard(clinic, client_id).await?.for_owner())
        }
        .await,
    )
}

/// The healthcard of a patient's household, for staff.
#[server(prefix = "/api", endpoint = "household", output = crate::api::codec::JsonText)]
pub async fn household_plans(patient_id: i64) -> Result<Healthcard, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let patient = state.store.find_patient(clinic.organisation_id, patient_id).await?;
            state.store.healthcard(clinic, patient.client_id).await
        }
        .await,
    )
}
