//! Payments received and payments that failed.

use super::Store;

/// A payment `p` overdue past the grace days (`$2`, the last day that is
/// still in time): what makes a plan past due, and keeps it so.
pub(crate) const OVERDUE_BEFORE_2: &str = "p.status IN ('due', 'failed') AND p.due_on < $2";
use super::audit::Audit;
use super::plan_state::require_step;
use crate::domain::Step;
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// The plan's payments overdue as the past-due job reads them on the
/// clinic's today: failed, or still due past the grace days.
pub(crate) async fn overdue_payments(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    subscription_id: i64,
) -> Result<i64, AppError> {
    let grace = super::settings::plan_rules(&mut *conn, clinic.organisation_id).await?.past_due_grace_days;
    let cutoff = clinic.today - chrono::Days::new(grace.max(0) as u64);
    Ok(sqlx::query_scalar(&format!(
        "SELECT count(*) FROM payments p WHERE p.subscription_id = $1 AND {OVERDUE_BEFORE_2}"
    ))
    .bind(subscription_id)
    .bind(Day(cutoff))
    .fetch_one(&mut *conn)
    .await?)
}

impl Store {
    /// Records a payment; the first one makes a pending plan active.
    pub async fn record_payment(
        &self,
        clinic: &ClinicInfo,
        payment_id: i64,
        method: &str,
        reference: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let reference = reference.trim();
        if !["cash", "card", "transfer"].contains(&method) {
            return Err(AppError::Invalid("Choose how it was paid: cash, card or transfer.".into()));
        }
        if method != "cash" && reference.is_empty() {
            return Err(AppError::Invalid("Add the card slip or transfer reference.".into()));
        }
        if reference.chars().count() > 64 {
            return Err(AppError::Invalid("Keep the reference under 64 characters.".into()));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT p.subscription_id, p.status FROM payments p JOIN subscriptions s ON s.id = p.subscription_id
             WHERE p.id = $1 AND s.organisation_id = $2",
        )
        .bind(payment_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (subscription_id, payment_status) =
            row.ok_or_else(|| AppError::NotFound(format!("There is no payment number {payment_id}.")))?;
        match payment_status.as_str() {
            "paid" => return Err(AppError::Conflict("This payment is already recorded; nothing was changed.".into())),
            "cancelled" => return Err(AppError::Conflict("This payment was cancelled with the plan.".into())),
            _ => {}
        }
        sqlx::query(
            "UPDATE payments SET status = 'paid', paid_on = $1, method = $2, reference = $3, recorded_by_name = $4 WHERE id = $5",
        )
        .bind(Day(clinic.today))
        .bind(method)
        .bind((!reference.is_empty()).then_some(reference))
        .bind(&actor.name)
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
        // What a payment does to the plan is the lifecycle's to say: the
        // first starts it, the last overdue one brings a past-due plan back.
        // Overdue as the past-due job reads it (a failed payment, or one
        // still due past the grace days), so the job does not take the plan
        // straight back.
        let overdue = overdue_payments(&mut tx, clinic, subscription_id).await?;
        require_step(&mut tx, subscription_id, Step::Paid { overdue_left: overdue > 0 }, clinic.today).await?;
        let detail = format!("Payment {payment_id} received by {method}");
        Audit { action: "payment", entity: "subscription", entity_id: subscription_id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a due payment as failed, with what the bank or terminal said.
    pub async fn record_failed_payment(
        &self,
        clinic: &ClinicInfo,
        payment_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.chars().count() > 64 {
            return Err(AppError::Invalid("Keep the reason under 64 characters.".into()));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT p.subscription_id, p.status FROM payments p JOIN subscriptions s ON s.id = p.subscription_id
             WHERE p.id = $1 AND s.organisation_id = $2",
        )
        .bind(payment_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (subscription_id, status) =
            row.ok_or_else(|| AppError::NotFound(format!("There is no payment number {payment_id}.")))?;
        if status != "due" {
            return Err(AppError::Conflict(format!("This payment is {status}; only a due payment can fail.")));
        }
        sqlx::query("UPDATE payments SET status = 'failed', reference = $1, recorded_by_name = $2 WHERE id = $3")
            .bind((!reason.is_empty()).then_some(reason))
            .bind(&actor.name)
            .bind(payment_id)
            .execute(&mut *tx)
            .await?;
        let detail = format!("Payment {payment_id} failed");
        Audit {
            action: "payment_failed",
            entity: "subscription",
            entity_id: subscription_id,
            detail: &detail,
            note: (!reason.is_empty()).then_some(reason),
        }
        .write(&mut tx, clinic.organisation_id, actor)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
