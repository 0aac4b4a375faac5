//! Selling plans, recording payments, cancelling with a settlement.

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::{Billing, Settlement, SettlementOption};
pub use crate::wire::selling::*;

/// The sell page's options for a patient.
#[server(prefix = "/api", endpoint = "sell/options", output = crate::api::codec::JsonText)]
pub async fn sell_options(patient_id: i64) -> Result<SellPage, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::SellPlans).await?;
            let patient = state.store.find_patient(clinic.organisation_id, patient_id).await?;
            let templates = state.store.template_offers(&clinic, &patient).await?;
            Ok(SellPage { clinic, patient, templates })
        }
        .await,
    )
}

/// Sells a plan; returns the new subscription's id.
#[server(prefix = "/api", endpoint = "sell", output = crate::api::codec::JsonText)]
pub async fn sell_plan(
    patient_id: i64,
    template_id: i64,
    starts_on: String,
    billing: Billing,
) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let starts_on = chrono::NaiveDate::parse_from_str(starts_on.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::Invalid("Enter the start date as a date, such as 2026-12-01.".into()))?;
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.sell_plan(&clinic, patient_id, template_id, starts_on, billing, &actor).await
        }
        .await,
    )
}

/// Records a payment received (cash, card or transfer with a reference).
#[server(prefix = "/api", endpoint = "payment/record", output = crate::api::codec::JsonText)]
pub async fn record_payment(payment_id: i64, method: String, reference: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.record_payment(&clinic, payment_id, &method, &reference, &actor).await
        }
        .await,
    )
}

/// Records that a due payment failed (card declined, debit returned). The
/// plan turns past due once the clinic's grace period has passed.
#[server(prefix = "/api", endpoint = "payment/failed", output = crate::api::codec::JsonText)]
pub async fn record_failed_payment(payment_id: i64, reason: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.record_failed_payment(&clinic, payment_id, &reason, &actor).await
        }
        .await,
    )
}

/// The settlement a cancellation would make, with its working.
#[server(prefix = "/api", endpoint = "plan/settlement", output = crate::api::codec::JsonText)]
pub async fn preview_settlement(subscription_id: i64, option: SettlementOption) -> Result<Settlement, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::SellPlans).await?;
            let mut conn = state.store.reader().acquire().await?;
            crate::server::store::settlement::settlement_on(&mut conn, &clinic, subscription_id, option).await
        }
        .await,
    )
}

/// Cancels a plan with the chosen settlement; a note is required.
#[server(prefix = "/api", endpoint = "plan/cancel", output = crate::api::codec::JsonText)]
pub async fn cancel_plan(subscription_id: i64, option: SettlementOption, note: String) -> Result<Settlement, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            // Waiving what one side owes is a manager's call.
            let needed =
                if option == SettlementOption::Waive { Permission::OverrideSettlement } else { Permission::SellPlans };
            let (clinic, actor) = state.staff(needed).await?;
            state.store.cancel_plan(&clinic, subscription_id, option, &note, &actor).await
        }
        .await,
    )
}
