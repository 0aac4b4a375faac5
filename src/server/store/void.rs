//! Voiding a finalized invoice or correction: everything it counted goes
//! back, in one write transaction.

use super::audit::Audit;
use super::invoices::{SqlInvoice, invoice_row_to_change};
use super::ledger::{Adjustment, NewEntry, append, give_back, posting, postings_of_invoice, used_in_period};
use super::visit_holds::HOLDING;
use super::{Conn, Store};
use crate::domain::{Money, plural};
use crate::server::actor::Actor;
use crate::wire::error::AppError;
use crate::wire::invoice_view::InvoiceStatus;

impl Store {
    /// Voids a finalized invoice: everything its postings still hold goes
    /// back to the plans. An invoice with a finalized correction is not
    /// voided (the correction already credited part of it: voiding both
    /// would credit that part twice); the correction is voided first. Voiding
    /// a correction counts again what it had returned, where the plan still
    /// has room.
    pub async fn void_invoice(
        &self,
        organisation_id: i64,
        invoice_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Invalid(
                "Say why the invoice is voided; the note stays in the usage history.".into(),
            ));
        }
        crate::domain::text::within("The reason", reason, crate::domain::text::NOTE_MAX).map_err(AppError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let invoice = invoice_row_to_change(&mut tx, organisation_id, invoice_id).await?;
        let clinic = super::finalize::invoice_clinic(&mut tx, &invoice).await?;
        match invoice.status() {
            InvoiceStatus::Finalized => {}
            InvoiceStatus::Voided => {
                return Err(AppError::Conflict(format!("{} is already voided; nothing was changed.", invoice.name())));
            }
            InvoiceStatus::Draft => {
                return Err(AppError::Conflict(
                    "A draft has posted nothing, so there is nothing to void; just leave it or change it.".into(),
                ));
            }
        }
        let corrections: Vec<String> = sqlx::query_scalar(
            "SELECT invoice_number FROM invoices WHERE corrects_invoice_id = $1 AND status = 'finalized' ORDER BY id",
        )
        .bind(invoice.id)
        .fetch_all(&mut *tx)
        .await?;
        if !corrections.is_empty() {
            return Err(AppError::Conflict(format!(
                "{} was corrected by {}. Void the correction first, or correct the invoice again for what is \
                 still wrong; voiding both would credit the corrected lines twice.",
                invoice.name(),
                corrections.join(", ")
            )));
        }
        super::pack_sale::cancel_sold_packs(&mut tx, &clinic, &invoice, reason, actor).await?;
        let number = invoice.number.clone().unwrap_or_default();
        let note = format!("Invoice {number} voided: {reason}");
        // Its own uses go back first: a correction that returned an exam and
        // booked it again has room to count the original once more.
        for posting in postings_of_invoice(&mut tx, invoice.id).await?.into_iter().filter(|p| p.held > 0) {
            let savings = posting.savings_of(posting.held, clinic.currency.minor_digits);
            let how = Adjustment {
                source_kind: "invoice_void",
                source_key: "void",
                invoice_line_id: posting.invoice_line_id,
                note: note.clone(),
                savings,
                owner_reason: None,
            };
            give_back(&mut tx, &posting, posting.held, how, actor).await?;
        }
        undo_returns(&mut tx, &invoice, &note, actor).await?;
        sqlx::query(
            "UPDATE invoices SET status = 'voided', void_reason = $1, voided_by_name = $2,
                    voided_at = (SELECT now FROM carecount_clock) WHERE id = $3 AND status = 'finalized'",
        )
        .bind(reason)
        .bind(&actor.name)
        .bind(invoice.id)
        .execute(&mut *tx)
        .await?;
        let detail = format!("Voided {number}");
        Audit { action: "void", entity: "invoice", entity_id: invoice.id, detail: &detail, note: Some(reason) }
            .write(&mut tx, organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct SqlReturned {
    id: i64,
    reversal_of: i64,
    quantity: i64,
    savings: String,
    patient_name: Option<String>,
    benefit_label: String,
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    transferred: bool,
}

/// Units of a benefit that visits on the schedule hold: a pack's holds are
/// on its first counted benefit, as the pack's balance reads them.
async fn held_on_benefit(conn: &mut Conn, benefit_id: i64) -> Result<i64, AppError> {
    let held: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM appointments a
         WHERE {HOLDING} AND a.subscription_id = (SELECT subscription_id FROM subscription_benefits WHERE id = $1)
           AND $1 = (SELECT b.id FROM subscription_benefits b
                     WHERE b.subscription_id = a.subscription_id AND b.limit_quantity IS NOT NULL
                     ORDER BY b.position LIMIT 1)"
    ))
    .bind(benefit_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(held)
}

/// Voiding a correction: what it gave back to plans counts again, provided
/// each plan still has room for it in the period the use belongs to.
async fn undo_returns(conn: &mut Conn, invoice: &SqlInvoice, note: &str, actor: &Actor) -> Result<(), AppError> {
    let returned: Vec<SqlReturned> = sqlx::query_as(
        "SELECT r.id, r.reversal_of, r.quantity, r.savings, p.name AS patient_name, b.label AS benefit_label,
                s.transferred_to_subscription_id IS NOT NULL AS transferred
         FROM usage_ledger r JOIN invoice_lines il ON il.id = r.invoice_line_id
         JOIN subscription_benefits b ON b.id = r.subscription_benefit_id
         JOIN subscriptions s ON s.id = b.subscription_id
         LEFT JOIN patients p ON p.id = r.patient_id
         WHERE il.invoice_id = $1 AND r.source_kind = 'invoice_line' AND r.reversal_of IS NOT NULL AND r.quantity < 0
         ORDER BY r.id",
    )
    .bind(invoice.id)
    .fetch_all(&mut *conn)
    .await?;
    for r in returned {
        let who = r.patient_name.clone().unwrap_or_else(|| "the pet".into());
        if r.transferred {
            return Err(AppError::Conflict(format!(
                "This correction gave a use back to {who}'s plan, which has since moved to another pet; it cannot \
                 be voided. Make a new correction of the original invoice instead."
            )));
        }
        let posting = posting(conn, r.reversal_of).await?.ok_or(AppError::Internal)?;
        let (limit, used) = used_in_period(conn, posting.benefit_id, posting.used_on).await?;
        // Sessions booked on the schedule hold their units as a use would.
        let held = held_on_benefit(conn, posting.benefit_id).await?;
        let again = -r.quantity;
        if limit.is_some_and(|limit| used + held + again > limit) {
            return Err(AppError::Conflict(format!(
                "Voiding this correction would count {again} {} of {} again for {who}, but the plan has used \
                 or booked them since. Correct the later invoice or cancel a booking first, or leave this \
                 correction as it is.",
                plural("use", again),
                r.benefit_label
            )));
        }
        append(
            conn,
            NewEntry {
                benefit_id: posting.benefit_id,
                patient_id: posting.patient_id,
                item_id: posting.item_id,
                quantity: again,
                source_kind: "invoice_void",
                source_key: format!("undo:{}", r.id),
                reversal_of: Some(posting.id),
                invoice_line_id: posting.invoice_line_id,
                note: note.to_string(),
                used_on: posting.used_on,
                savings: Money::ZERO - Money(super::clinic::decimal(&r.savings)?),
                owner_reason: None,
            },
            actor,
        )
        .await?;
    }
    Ok(())
}
