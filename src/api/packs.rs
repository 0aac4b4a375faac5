//! A client's packages and session packs: the Packs tab, carrying a pack
//! over from another system and changing one. The types live in
//! [`crate::wire::packs`].

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::error::AppError;
pub use crate::wire::packs::*;

/// The client's Packs tab.
#[server(prefix = "/api", endpoint = "client/packs", output = crate::api::codec::JsonText)]
pub async fn client_packs_page(client_id: i64) -> Result<ClientPacks, AppError> {
    use crate::domain::{Permission, allows};
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let role = state.viewer().await?.role;
            let rows = state.store.client_packs(&clinic, client_id).await?;
            let preferred_pack = state.store.preferred_pack(clinic.organisation_id, client_id).await?;
            Ok(ClientPacks {
                clinic,
                client: rows.client,
                pets: rows.pets,
                packs: rows.packs,
                templates: rows.templates,
                may_adjust: allows(role, Permission::AdjustPacks),
                may_sell: allows(role, Permission::SellPlans),
                preferred_pack,
            })
        }
        .await,
    )
}

/// Brings a client's pack over from another system; returns the new pack.
#[server(prefix = "/api", endpoint = "client/carry-over", input = Json, output = crate::api::codec::JsonText)]
pub async fn carry_over_pack(client_id: i64, form: CarryOverForm) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::store::carry_over::CarryOver;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::AdjustPacks).await?;
            let (template_id, left, ends_on, patient_id) = form.parse().map_err(AppError::Invalid)?;
            let carry =
                CarryOver { template_id, left, ends_on, use_note: &form.use_note, reason: &form.reason, patient_id };
            state.store.carry_over(&clinic, client_id, &carry, &actor).await
        }
        .await,
    )
}

/// Sets what is left of a pack, or its end date, with a note.
#[server(prefix = "/api", endpoint = "pack/change", input = Json, output = crate::api::codec::JsonText)]
pub async fn change_pack(subscription_id: i64, form: PackChangeForm) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::store::pack_changes::PackChange;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::AdjustPacks).await?;
            let (left, ends_on) = form.parse().map_err(AppError::Invalid)?;
            let change = PackChange { left: Some(left), ends_on: Some(ends_on), note: &form.note };
            state.store.change_pack(&clinic, subscription_id, &change, &actor).await
        }
        .await,
    )
}

/// Records a referral or insurer authorisation as a session pack.
#[server(prefix = "/api", endpoint = "client/authorise", input = Json, output = crate::api::codec::JsonText)]
pub async fn record_authorisation(client_id: i64, form: AuthorisationForm) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            let input = form.parse().map_err(AppError::Invalid)?;
            state.store.record_authorisation(&clinic, client_id, &input, &actor).await
        }
        .await,
    )
}

/// Reads a file of packs to carry over: with `apply` false, a preview that
/// changes nothing; with `apply` true, every line applied at once. One bad
/// line applies nothing and every bad line is named with its field.
#[server(prefix = "/api", endpoint = "carry-over/file", input = Json, output = crate::api::codec::JsonText)]
pub async fn carry_over_from_file(csv: String, apply: bool) -> Result<CarryOverFile, AppError> {
    use crate::domain::Permission;
    use crate::server::import::carry_over_csv::carry_over_file;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::AdjustPacks).await?;
            carry_over_file(&state.store, &clinic, csv.as_bytes(), apply, &actor).await
        }
        .await,
    )
}

/// Sets or clears the pack a client's new appointments take.
#[server(prefix = "/api", endpoint = "client/preferred-pack", input = Json, output = crate::api::codec::JsonText)]
pub async fn set_preferred_pack(client_id: i64, pack: Option<i64>) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            state.store.set_preferred_pack(clinic.organisation_id, client_id, pack).await
        }
        .await,
    )
}
