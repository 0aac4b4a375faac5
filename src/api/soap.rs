//! SOAP plans: what the vet intends, with live plan coverage.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::desk::{DraftEdit, SaveReceipt};
use super::error::AppError;
use crate::domain::LineInput;
pub use crate::wire::soap::*;

/// Opens a new SOAP plan for a patient; returns its id.
#[server(prefix = "/api", endpoint = "soap/start", output = crate::api::codec::JsonText)]
pub async fn soap_start(patient_id: i64) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.create_soap(clinic.organisation_id, patient_id, clinic.today, &actor).await
        }
        .await,
    )
}

/// A SOAP plan with its patient's plans.
#[server(prefix = "/api", endpoint = "soap/load", output = crate::api::codec::JsonText)]
pub async fn soap_load(id: i64) -> Result<SoapView, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            // The revision before the lines: a save landing between the two
            // reads then only asks this page to reload, never lets it
            // overwrite. A plan not found is said below, in words.
            let edit = state.store.open_soap_for_edit(id).await;
            let soap = state
                .store
                .load_soap(clinic.organisation_id, id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("There is no SOAP plan number {id} in this clinic.")))?;
            let patient =
                state.store.patient(clinic.organisation_id, soap.patient_id).await?.ok_or(AppError::Internal)?;
            let plans = state
                .store
                // As of the visit, as its promotions and coverage rules are.
                .client_plans(soap.client_id, soap.visit_date)
                .await?
                .into_iter()
                .filter(|p| p.subscription.applies_to(soap.patient_id))
                .collect();
            let promotions = state.store.promotions(clinic.organisation_id, soap.visit_date).await?;
            Ok(SoapView {
                id: soap.id,
                clinic,
                patient,
                plans,
                visit_date: soap.visit_date,
                status: soap.status,
                plan_notes: soap.plan_notes,
                invoice_id: soap.invoice_id,
                lines: soap.lines,
                promotions,
                edit: edit?,
            })
        }
        .await,
    )
}

/// Saves a SOAP draft as it is on screen. Touches no count.
#[server(prefix = "/api", endpoint = "soap/save", input = Json, output = crate::api::codec::JsonText)]
pub async fn soap_save(
    id: i64,
    plan_notes: String,
    lines: Vec<LineInput>,
    #[server(default)] edit: Option<DraftEdit>,
) -> Result<SaveReceipt, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            state.store.save_soap(clinic.organisation_id, id, &plan_notes, &lines, edit.as_ref()).await?;
            let saved_at = crate::server::store::clinic::clinic_time_of_day(&clinic, chrono::Utc::now());
            Ok(SaveReceipt { saved_at })
        }
        .await,
    )
}
