//! Bringing a client's package or session pack over from another system,
//! without a fake sale: the pack is made from its template with no price and
//! no payments, marked as carried over, and what the client used before is
//! one ledger entry of its own kind (`opening_balance`), so every report
//! tells sold from carried over.

use chrono::NaiveDate;

use super::Store;
use super::audit::Audit;
use super::invoices::require_client;
use super::ledger::{NewEntry, append};
use super::pack_row::NewPack;
use super::template_row::template_on_sale;
use crate::domain::text::{required_note, within};
use crate::domain::{Billing, Money, PackBalance, PlanKind, Quantity};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;

/// The most sessions or days one carried-over pack may hold.
const MAX_LEFT: i64 = 1_000;
/// The longest note shown whenever the pack is used.
const USE_NOTE_MAX: usize = 300;

/// What a manager brings over for one client.
#[derive(Clone, Debug)]
pub struct CarryOver<'a> {
    /// The package or session pack template it becomes.
    pub template_id: i64,
    /// Sessions or days left in the other system.
    pub left: i64,
    /// Its last day, when it expires.
    pub ends_on: Option<NaiveDate>,
    /// Shown to staff whenever the pack is used ("paid in the old system").
    pub use_note: &'a str,
    /// Why it is carried over; required, kept in the audit log.
    pub reason: &'a str,
    /// The pet, for a template made for one pet; `None` for the household.
    pub patient_id: Option<i64>,
}

impl Store {
    /// Carries a pack over for a client; returns the new subscription's id.
    pub async fn carry_over(
        &self,
        clinic: &ClinicInfo,
        client_id: i64,
        carry: &CarryOver<'_>,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let mut tx = self.begin_write().await?;
        let id = carry_over_on(&mut tx, clinic, client_id, carry, actor).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The first thing to fix in a carry-over that needs no lookup, with the
/// field (a file's column) it is in: the form says it, a file names the
/// line and the column.
pub(crate) fn carry_problem(carry: &CarryOver<'_>, today: chrono::NaiveDate) -> Option<(&'static str, String)> {
    if let Err(why) = required_note(carry.reason, "why this balance is carried over") {
        return Some(("reason", why));
    }
    if let Err(why) = within("The note shown at each use", carry.use_note.trim(), USE_NOTE_MAX) {
        return Some(("note", why));
    }
    if !(1..=MAX_LEFT).contains(&carry.left) {
        return Some((
            "left",
            format!("Number left must be between 1 and {MAX_LEFT}; a used-up pack need not be carried over."),
        ));
    }
    if let Some(end) = carry.ends_on.filter(|end| *end < today) {
        return Some((
            "ends_on",
            format!(
                "The end date {end} has passed; give a date from today on, or leave it empty if it does not expire."
            ),
        ));
    }
    None
}

/// [`Store::carry_over`] inside a caller's write transaction: a file of
/// carry-overs applies whole or not at all.
pub(crate) async fn carry_over_on(
    tx: &mut Conn,
    clinic: &ClinicInfo,
    client_id: i64,
    carry: &CarryOver<'_>,
    actor: &Actor,
) -> Result<i64, AppError> {
    if let Some((_, why)) = carry_problem(carry, clinic.today) {
        return Err(AppError::Invalid(why));
    }
    let reason = carry.reason.trim();
    let use_note = carry.use_note.trim();
    require_client(&mut *tx, clinic.organisation_id, client_id).await?;
    let template = template_on_sale(&mut *tx, clinic.organisation_id, carry.template_id).await?;
    let kind = PlanKind::from_code(&template.kind).ok_or(AppError::Internal)?;
    if kind == PlanKind::WellnessPlan {
        return Err(AppError::Invalid(format!(
            "{} is a wellness plan; carry-over brings packages and session packs. Choose one of those.",
            template.name
        )));
    }
    // A pack made for one pet needs the pet; one for the household takes none.
    let patient_id = match (template.one_pet, carry.patient_id) {
        (true, None) => {
            return Err(AppError::Invalid(format!("{} is for one pet; choose which pet it is for.", template.name)));
        }
        (false, _) => None,
        (true, Some(pet)) => {
            let living: Option<i64> =
                sqlx::query_scalar("SELECT id FROM patients WHERE id = $1 AND client_id = $2 AND deceased_on IS NULL")
                    .bind(pet)
                    .bind(client_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            Some(living.ok_or_else(|| {
                AppError::Invalid("Choose one of this client's living pets for the pack.".to_string())
            })?)
        }
    };
    let counted: Vec<(i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT id, item_id, limit_quantity FROM template_benefits
         WHERE template_id = $1 AND limit_quantity IS NOT NULL ORDER BY position",
    )
    .bind(template.id)
    .fetch_all(&mut *tx)
    .await?;
    let [(_, _, size)] = counted.as_slice() else {
        return Err(AppError::Invalid(format!(
            "{} counts {} things; carry-over needs a pack that counts one (sessions or days).",
            template.name,
            counted.len()
        )));
    };
    let subscription_id = NewPack {
        organisation_id: clinic.organisation_id,
        clinic_id: clinic.id,
        template: &template,
        client_id,
        patient_id,
        starts_on: clinic.today,
        ends_on: carry.ends_on,
        price: Money::default(),
        billing: Billing::Manual,
        carried_over: true,
        use_note,
        authorisation: None,
        sold_on_invoice_id: None,
    }
    .insert(&mut *tx)
    .await?;
    // What was used in the other system, as the entry that leaves a new
    // pack with what is left (below zero when more is left than it holds).
    let fresh = PackBalance {
        size: Quantity(*size),
        used: Quantity(0),
        held: Quantity(0),
        starts_on: clinic.today,
        ends_on: carry.ends_on,
        authorisation: None,
    };
    let used_before = fresh.entry_to_leave(Quantity(carry.left)).0;
    if used_before != 0 {
        let (benefit_id, item_id): (i64, Option<i64>) = sqlx::query_as(
            "SELECT id, item_id FROM subscription_benefits
             WHERE subscription_id = $1 AND limit_quantity IS NOT NULL",
        )
        .bind(subscription_id)
        .fetch_one(&mut *tx)
        .await?;
        let entry = NewEntry {
            benefit_id,
            patient_id: None,
            item_id,
            quantity: used_before,
            source_kind: "opening_balance",
            source_key: format!("carry-over:{subscription_id}"),
            reversal_of: None,
            invoice_line_id: None,
            note: reason.to_string(),
            used_on: clinic.today,
            savings: Money::default(),
            owner_reason: None,
        };
        append(&mut *tx, entry, actor).await?;
    }
    let ends = carry.ends_on.map_or_else(|| "no end date".to_string(), |end| format!("ends {end}"));
    let detail = format!("Carried over {}: {} of {size} left, {ends}", template.name, carry.left);
    Audit {
        action: "carry_over",
        entity: "subscription",
        entity_id: subscription_id,
        detail: &detail,
        note: Some(reason),
    }
    .write(&mut *tx, clinic.organisation_id, actor)
    .await?;
    Ok(subscription_id)
}
