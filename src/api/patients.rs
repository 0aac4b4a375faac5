//! Patients and their plans: the server functions; the types live in
//! [`crate::wire::patients`].

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::patients::*;

/// A page of the clinic's patients with their plans, matching `search`
/// (a pet's or owner's name, a breed or a plan; blank for all).
#[server(prefix = "/api", endpoint = "patients", output = crate::api::codec::JsonText)]
pub async fn list_patients(
    #[server(default)] search: String,
    #[server(default)] page: u32,
) -> Result<PatientList, AppError> {
    use crate::domain::Permission;
    use crate::server::store::patient_list::ListAsk;
    use crate::server::{error::reply, state::app_state};
    use crate::wire::paging::PER_PAGE;
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            crate::domain::text::within("The search", search.trim(), 100).map_err(AppError::Invalid)?;
            let ask = ListAsk {
                search: &search,
                page,
                per_page: PER_PAGE,
                today: clinic.today,
                past_due_usable: clinic.past_due_usable,
            };
            let listing = state.store.patient_list(clinic.organisation_id, &ask).await?;
            Ok(PatientList {
                clinic,
                search,
                patients: listing.rows,
                paging: listing.paging,
                total: listing.total,
                members: listing.members,
            })
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
