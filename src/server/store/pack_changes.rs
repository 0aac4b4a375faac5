//! A manager changing what is left of a package or session pack, or its end
//! date. The balance moves by a ledger entry of its own (never an edit of a
//! count), the end date by an audited change; both need a note.

use chrono::NaiveDate;

use super::Store;
use super::audit::Audit;
use super::ledger::{NewEntry, append};
use crate::domain::text::required_note;
use crate::domain::{Money, PackBalance, PlanKind, Quantity};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// The most sessions or days a pack may be set to.
const MAX_LEFT: i64 = 1_000;

/// What a manager changes on a pack.
#[derive(Clone, Debug)]
pub struct PackChange<'a> {
    /// Sessions or days left from now on, when it changes.
    pub left: Option<i64>,
    /// The new end date (`Some(None)`: no longer expires), when it changes.
    pub ends_on: Option<Option<NaiveDate>>,
    /// Why; required.
    pub note: &'a str,
}

impl Store {
    /// Changes a pack's balance or end date, with a note.
    pub async fn change_pack(
        &self,
        clinic: &ClinicInfo,
        subscription_id: i64,
        change: &PackChange<'_>,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let note = required_note(change.note, "why the pack changes").map_err(AppError::Invalid)?;
        if change.left.is_none() && change.ends_on.is_none() {
            return Err(AppError::Invalid("Change the number left or the end date, or both.".into()));
        }
        if let Some(left) = change.left.filter(|left| !(0..=MAX_LEFT).contains(left)) {
            return Err(AppError::Invalid(format!("Number left must be between 0 and {MAX_LEFT}, not {left}.")));
        }
        let mut tx = self.begin_write().await?;
        let pack: Option<(String, String, Option<Day>, i64)> = sqlx::query_as(
            "SELECT plan_name, kind, ends_on, client_id FROM subscriptions WHERE id = $1 AND organisation_id = $2",
        )
        .bind(subscription_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((name, kind, ends_on, client_id)) = pack.map(|(n, k, e, c)| (n, k, e.map(NaiveDate::from), c)) else {
            return Err(AppError::NotFound(format!("There is no pack number {subscription_id} in this clinic.")));
        };
        if PlanKind::from_code(&kind) == Some(PlanKind::WellnessPlan) {
            return Err(AppError::Invalid(format!(
                "{name} is a wellness plan; its benefits change through the plan page, not as a pack."
            )));
        }
        let mut told = Vec::new();
        if let Some(left) = change.left {
            let (benefit_id, item_id, size, used, Day(starts_on)): (i64, Option<i64>, i64, i64, Day) =
                sqlx::query_as(
                    "SELECT b.id, b.item_id, b.limit_quantity,
                            COALESCE((SELECT CAST(SUM(l.quantity) AS BIGINT) FROM usage_ledger l WHERE l.subscription_benefit_id = b.id), 0),
                            s.starts_on
                     FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
                     WHERE b.subscription_id = $1 AND b.limit_quantity IS NOT NULL ORDER BY b.position LIMIT 1",
                )
                .bind(subscription_id)
                .fetch_one(&mut *tx)
                .await?;
            let balance = PackBalance {
                size: Quantity(size),
                used: Quantity(used),
                held: Quantity(0),
                starts_on,
                ends_on,
                authorisation: None,
            };
            let now_left = balance.left().0;
            let moves = balance.entry_for_left(Quantity(left));
            if moves.0 != 0 {
                let earlier: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM usage_ledger WHERE source_kind = 'manual_adjustment'
                       AND subscription_benefit_id = $1",
                )
                .bind(benefit_id)
                .fetch_one(&mut *tx)
                .await?;
                let entry = NewEntry {
                    benefit_id,
                    patient_id: None,
                    item_id,
                    quantity: moves.0,
                    source_kind: "manual_adjustment",
                    source_key: format!("pack-change:{subscription_id}:{}", earlier + 1),
                    reversal_of: None,
                    invoice_line_id: None,
                    note: note.to_string(),
                    used_on: clinic.today,
                    savings: Money::default(),
                    owner_reason: None,
                };
                append(&mut tx, entry, actor).await?;
                told.push(format!("left {now_left} \u{2192} {left}"));
            }
        }
        if let Some(new_end) = change.ends_on.filter(|new_end| *new_end != ends_on) {
            sqlx::query("UPDATE subscriptions SET ends_on = $1 WHERE id = $2")
                .bind(new_end.map(Day))
                .bind(subscription_id)
                .execute(&mut *tx)
                .await?;
            let shown = |d: Option<NaiveDate>| d.map_or_else(|| "no end".to_string(), |d| d.to_string());
            told.push(format!("ends {} \u{2192} {}", shown(ends_on), shown(new_end)));
        }
        if told.is_empty() {
            return Err(AppError::Invalid(format!("{name} already has that number left and end date.")));
        }
        let detail = format!("Changed {name}: {}", told.join(", "));
        Audit {
            action: "change_pack",
            entity: "subscription",
            entity_id: subscription_id,
            detail: &detail,
            note: Some(note),
        }
        .write(&mut tx, clinic.organisation_id, actor)
        .await?;
        tx.commit().await?;
        self.follow_after_use(clinic, Some(client_id)).await;
        Ok(())
    }
}
