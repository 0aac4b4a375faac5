//! Closing a visit without billing it: a cancellation gives its session
//! back to the pack; a no-show gives it back or uses it, by the rule the
//! pack was sold with, once (the ledger entry is keyed by the visit).

use super::Store;
use super::clinic::decimal;
use super::ledger::{NewEntry, append};
use super::visits::visit_on;
use crate::domain::{
    Money, NoShowOutcome, NoShowRule, Quantity, SubscriptionStatus, VisitAction, VisitStatus, no_show_outcome,
};
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
            let row: Option<(String, String, i64, String, i64)> = sqlx::query_as(
                // The rule the pack was sold with: a later change of its
                // template's rule is for packs sold after it.
                "SELECT s.no_show, s.status, b.id, b.discount_percent,
                        b.limit_quantity - COALESCE((SELECT CAST(SUM(l.quantity) AS BIGINT) FROM usage_ledger l
                                                     WHERE l.subscription_benefit_id = b.id), 0)
                 FROM subscriptions s
                 JOIN subscription_benefits b ON b.subscription_id = s.id AND b.limit_quantity IS NOT NULL
                 WHERE s.id = $1 ORDER BY b.position LIMIT 1",
            )
            .bind(pack)
            .fetch_optional(&mut *tx)
            .await?;
            let outcome = row.map(|(rule, status, benefit_id, discount, left)| {
                let rule = NoShowRule::from_code(&rule).unwrap_or(NoShowRule::Release);
                // A status this build does not know is not a running pack.
                let status = SubscriptionStatus::from_code(&status).unwrap_or(SubscriptionStatus::Cancelled);
                (no_show_outcome(rule, status, left), benefit_id, discount)
            });
            match outcome {
                Some((NoShowOutcome::NothingLeft, ..)) => {
                    notice = "No-show \u{2014} the pack has no session left to use, so nothing was taken.".to_string();
                }
                Some((NoShowOutcome::Used, benefit_id, discount)) => {
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
                Some((NoShowOutcome::Released, ..)) | None => {}
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
