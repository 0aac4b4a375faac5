//! Closing a visit without billing it: a cancellation gives its session
//! back to the pack; a no-show gives it back or uses it, by the pack
//! template's rule, once (the ledger entry is keyed by the visit).

use super::Store;
use super::clinic::decimal;
use super::ledger::{NewEntry, append};
use super::visits::visit_on;
use crate::domain::{Money, NoShowRule, Quantity, VisitAction, VisitStatus};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;

/// The start of the key of a no-show's use: a use of the pack, though no
/// invoice made it.
pub(crate) const NO_SHOW_KEY: &str = "no-show:";

/// Why the session counts, in the owner's words.
pub(crate) const NO_SHOW_WORDS: &str = "a missed appointment uses its session, by the pack's rule";

impl Store {
    /// Cancels a visit, or marks it a no-show: the held unit goes back to
    /// the pack, or (a no-show under a pack whose rule is to draw) is used,
    /// once, by a ledger entry keyed by the visit.
    pub async fn close_visit(
        &self,
        clinic: &ClinicInfo,
        visit_id: i64,
        action: VisitAction,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let mut tx = self.begin_write().await?;
        let visit = visit_on(&mut tx, clinic.organisation_id, visit_id).await?;
        let next = visit.next(action)?;
        if next == VisitStatus::NoShow && visit.starts_at.date() > clinic.today {
            return Err(AppError::Invalid(format!(
                "The visit is on {}; a no-show is recorded on or after its day. Cancel it instead.",
                visit.starts_at.date()
            )));
        }
        if !matches!(next, VisitStatus::Cancelled | VisitStatus::NoShow) {
            return Err(AppError::Invalid("Only a cancellation or a no-show closes a visit here.".into()));
        }
        let mut notice = format!("{} \u{2014} the session went back to its pack.", next.label());
        if visit.subscription_id.is_none() {
            notice = next.label().to_string();
        }
        if let (VisitStatus::NoShow, Some(pack)) = (next, visit.subscription_id) {
            let rule: String = sqlx::query_scalar(
                "SELECT t.no_show FROM subscriptions s JOIN plan_templates t ON t.id = s.template_id WHERE s.id = $1",
            )
            .bind(pack)
            .fetch_one(&mut *tx)
            .await?;
            if NoShowRule::from_code(&rule) == Some(NoShowRule::Draw) {
                let (benefit_id, discount): (i64, String) = sqlx::query_as(
                    "SELECT id, discount_percent FROM subscription_benefits
                     WHERE subscription_id = $1 AND limit_quantity IS NOT NULL ORDER BY position LIMIT 1",
                )
                .bind(pack)
                .fetch_one(&mut *tx)
                .await?;
                // What the session was worth, as a desk's use of it would
                // have saved: a cancellation's settlement values it so.
                let items = super::catalog::items_by_id(&mut tx, clinic.organisation_id, &[visit.item_id]).await?;
                let item = items.get(&visit.item_id).ok_or(AppError::Internal)?;
                let savings =
                    Money(item.price_of(Quantity(1)) * decimal(&discount)? / rust_decimal::Decimal::from(100))
                        .round(clinic.currency.minor_digits);
                let entry = NewEntry {
                    benefit_id,
                    patient_id: Some(visit.patient_id),
                    item_id: Some(visit.item_id),
                    quantity: 1,
                    source_kind: "manual_adjustment",
                    source_key: format!("{NO_SHOW_KEY}{}", visit.id),
                    reversal_of: None,
                    invoice_line_id: None,
                    note: format!("No-show on {}", visit.starts_at.format("%Y-%m-%d %H:%M")),
                    used_on: visit.starts_at.date(),
                    savings,
                    owner_reason: Some(NO_SHOW_WORDS),
                };
                append(&mut tx, entry, actor).await?;
                notice = "No-show \u{2014} the pack's rule uses the session.".to_string();
            }
        }
        sqlx::query(
            "UPDATE appointments SET status = $1, closed_at = (SELECT now FROM carecount_clock), closed_by_name = $2
             WHERE id = $3",
        )
        .bind(next.code())
        .bind(&actor.name)
        .bind(visit.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(notice)
    }
}
