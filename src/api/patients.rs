//! Patients and their plans: the server functions; the types live in
//! [`crate::wire::patients`].

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::patients::*;

/// The clinic's patients with their plans.
#[server(prefix = "/api", endpoint = "patients", output = crate::api::codec::JsonText)]
pub async fn list_patients() -> Result<PatientList, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let patients = state.store.list_patients(clinic.organisation_id).await?;
            Ok(PatientList { clinic, patients })
        }
        .await,
    )
}

/// One patient with every plan that applies to it.
#[server(prefix = "/api", endpoint = "patient", output = crate::api::codec::JsonText)]
pub async fn patient_page(id: i64) -> Result<PatientDetail, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let patient = state.store.find_patient(clinic.organisation_id, id).await?;
            let plans = state
                .store
                .client_plans(patient.client_id, clinic.today)
                .await?
                .into_iter()
                .filter(|p| p.subscription.applies_to(patient.id))
                .collect();
            Ok(PatientDetail { clinic, patient, plans })
        }
        .await,
    )
}
