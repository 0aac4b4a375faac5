//! Invoices: drafts, finalize, void and corrections.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::desk::{DraftEdit, SaveReceipt};
use super::error::AppError;
use super::invoice_view::{FinalizeOutcome, InvoiceView};
use crate::domain::{LineInput, Money};
pub use crate::wire::invoices::*;

/// Open SOAP plans and invoices of the client who owns `patient_id`.
#[server(prefix = "/api", endpoint = "desk", output = crate::api::codec::JsonText)]
pub async fn client_desk(patient_id: i64) -> Result<DeskOverview, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let patient = state.store.find_patient(clinic.organisation_id, patient_id).await?;
            let may_sell = crate::domain::allows(state.viewer().await?.role, Permission::SellPlans);
            Ok(DeskOverview {
                may_sell,
                client_id: patient.client_id,
                open_soaps: state.store.open_soaps(patient.client_id).await?,
                invoices: state.store.client_invoices(patient.client_id).await?,
            })
        }
        .await,
    )
}

/// Starts a draft invoice for a client from the given SOAP plans (or none).
#[server(prefix = "/api", endpoint = "invoice/start", input = Json, output = crate::api::codec::JsonText)]
pub async fn invoice_start(client_id: i64, soap_ids: Vec<i64>) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.create_invoice(&clinic, client_id, &soap_ids, &actor).await
        }
        .await,
    )
}

/// An invoice with the client's plans.
#[server(prefix = "/api", endpoint = "invoice/load", output = crate::api::codec::JsonText)]
pub async fn invoice_load(id: i64) -> Result<InvoiceView, AppError> {
    use crate::domain::Permission;
    use crate::server::clinic_clock::OnClinicClock;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let role = state.viewer().await?.role;
            let view = state.store.invoice_view(clinic.organisation_id, id).await?.on_clinic_clock(&clinic.time_zone);
            Ok(InvoiceView { may_override: crate::domain::allows(role, Permission::AdjustPacks), ..view })
        }
        .await,
    )
}

/// Saves a draft invoice as it is on screen. Touches no count.
#[server(prefix = "/api", endpoint = "invoice/save", input = Json, output = crate::api::codec::JsonText)]
pub async fn invoice_save(
    id: i64,
    lines: Vec<LineInput>,
    #[server(default)] edit: Option<DraftEdit>,
) -> Result<SaveReceipt, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            state.store.save_invoice_draft(clinic.organisation_id, id, &lines, edit.as_ref()).await?;
            let saved_at = crate::server::store::clinic::clinic_time_of_day(&clinic, chrono::Utc::now());
            Ok(SaveReceipt { saved_at })
        }
        .await,
    )
}

/// Finalizes: the server counts again inside one transaction and posts the
/// covered units. `preview` is the covered quantity per line the desk saw.
/// `override_note` is a manager's reason to finalize sessions beyond an
/// authorisation. `edit` is the revision the page opened. `gross_seen` is
/// each line's price before discounts as the page showed it: a price changed
/// since is charged and said.
#[server(prefix = "/api", endpoint = "invoice/finalize", input = Json, output = crate::api::codec::JsonText)]
pub async fn invoice_finalize(
    id: i64,
    lines: Vec<LineInput>,
    preview: Vec<i64>,
    key: String,
    #[server(default)] override_note: Option<String>,
    #[server(default)] edit: Option<DraftEdit>,
    #[server(default)] gross_seen: Vec<Money>,
) -> Result<FinalizeOutcome, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            if key.trim().is_empty() || key.len() > 64 {
                return Err(AppError::Invalid("The request key is missing; reload the page and try again.".into()));
            }
            let state = app_state()?;
            let note = override_note.as_deref().map(str::trim).filter(|n| !n.is_empty());
            // Only a manager goes beyond what a referrer or insurer authorised.
            let needed = if note.is_some() { Permission::AdjustPacks } else { Permission::ClinicDesk };
            let (clinic, actor) = state.staff(needed).await?;
            let items: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
            if let Some(pack) = state.store.first_item_selling_a_pack(clinic.organisation_id, &items).await?
                && state.staff(Permission::SellPlans).await.is_err()
            {
                return Err(AppError::Invalid(format!(
                    "{pack} sells a pack, and selling one takes staff who sell plans: ask reception to finalize \
                     this invoice, or take that line off."
                )));
            }
            let seen = crate::domain::Seen { covered: &preview, gross: &gross_seen };
            state.store.finalize_invoice_with(&clinic, id, &lines, seen, &key, note, edit.as_ref(), &actor).await
        }
        .await,
    )
}

/// Voids a finalized invoice; every count it used comes back.
#[server(prefix = "/api", endpoint = "invoice/void", output = crate::api::codec::JsonText)]
pub async fn invoice_void(id: i64, reason: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            if state.store.invoice_sold_packs(clinic.organisation_id, id).await?
                && state.staff(Permission::SellPlans).await.is_err()
            {
                return Err(AppError::Invalid(
                    "Voiding this invoice cancels the pack it sold, and that takes staff who sell plans: ask \
                     reception to void it."
                        .into(),
                ));
            }
            state.store.void_invoice(clinic.organisation_id, id, &reason, &actor).await
        }
        .await,
    )
}

/// Starts a correction invoice for a finalized invoice; returns its id.
#[server(prefix = "/api", endpoint = "invoice/correct", output = crate::api::codec::JsonText)]
pub async fn invoice_correct(id: i64) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.create_correction(&clinic, id, &actor).await
        }
        .await,
    )
}
