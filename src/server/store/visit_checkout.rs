//! Checking a daycare pet in, and checking a visit out onto the client's
//! draft invoice. The visit keeps holding its pack's unit while that draft
//! is open; finalizing it draws the unit through the invoice line, and the
//! draft's own coverage counts that hold as its own. A visit is checked out
//! once: a second check-out is refused, so a session is billed once.

use chrono::NaiveDate;

use super::Store;
use super::invoice_row::invoice_row_to_change;
use super::invoices::{insert_invoice, invoice_lines_on, replace_lines};
use super::visits::visit_on;
use crate::domain::{LineInput, SubscriptionStatus, UnitChoice, VisitAction, checkout_claims_draft_line};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::schedule::VisitOutcome;
use crate::wire::stored::Day;

/// The client's open draft invoice at this clinic (not a correction) dated
/// on the visit's day, made when there is none. A draft's date is what its
/// lines are counted on: a session checked out the next morning, or onto a
/// draft opened before its pack was bought, would otherwise be priced on a
/// day its pack did not cover.
async fn draft_of_client(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    client_id: i64,
    on: NaiveDate,
    actor: &Actor,
) -> Result<i64, AppError> {
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM invoices WHERE client_id = $1 AND clinic_id = $2 AND status = 'draft'
           AND corrects_invoice_id IS NULL AND invoice_date = $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(client_id)
    .bind(clinic.id)
    .bind(Day(on))
    .fetch_optional(&mut *conn)
    .await?;
    match open {
        Some(id) => Ok(id),
        None => insert_invoice(conn, &ClinicInfo { today: on, ..clinic.clone() }, client_id, None, actor).await,
    }
}

/// A pack waiting for its first payment may hold a booked session but
/// covers nothing yet: checked out now, the session would be charged in full
/// and its hold let go. The desk records the payment first.
async fn refuse_unpaid_pack(conn: &mut Conn, pack: Option<i64>) -> Result<(), AppError> {
    let Some(pack) = pack else { return Ok(()) };
    let row: Option<(String, String)> = sqlx::query_as("SELECT plan_name, status FROM subscriptions WHERE id = $1")
        .bind(pack)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some((name, status)) if status == SubscriptionStatus::Pending.code() => Err(AppError::Conflict(format!(
            "The {name} is waiting for its first payment, so it cannot cover this session yet. Record the payment \
             on the pack's page, then check the visit out."
        ))),
        _ => Ok(()),
    }
}

/// Refuses new lines for an invoice that leave out a visit checked out onto
/// it: a desk that opened the draft before the check-out would otherwise
/// save it without that visit's line, and the session would be neither
/// billed nor drawn.
pub(crate) async fn refuse_dropping_visits(
    conn: &mut Conn,
    invoice_id: i64,
    lines: &[LineInput],
) -> Result<(), AppError> {
    let visits: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT a.patient_id, a.item_id, p.name, i.name, count(*)
         FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN catalog_items i ON i.id = a.item_id
         WHERE a.invoice_id = $1 AND a.status = 'checked_out' GROUP BY a.patient_id, a.item_id, p.id, i.id",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    for (patient, item, pet, service, visits) in visits {
        let kept = lines.iter().filter(|l| l.patient_id == patient && l.item_id == item).count() as i64;
        if kept < visits {
            return Err(AppError::Conflict(format!(
                "{pet}'s {service} was checked out onto this invoice from the schedule, so its line stays. \
                 Reload the invoice to see it."
            )));
        }
    }
    Ok(())
}

impl Store {
    /// A daycare pet arrives.
    pub async fn check_in_visit(&self, clinic: &ClinicInfo, visit_id: i64) -> Result<String, AppError> {
        let mut tx = self.begin_write().await?;
        let visit = visit_on(&mut tx, clinic.organisation_id, visit_id).await?;
        let next = visit.next(VisitAction::CheckIn)?;
        sqlx::query(
            "UPDATE appointments SET status = $1, checked_in_at = (SELECT now FROM carecount_clock) WHERE id = $2",
        )
        .bind(next.code())
        .bind(visit.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok("Checked in".to_string())
    }

    /// Checks a visit out: its service goes onto the client's draft invoice
    /// (made if needed), where the pack's coverage shows as on the desk.
    pub async fn check_out_visit(
        &self,
        clinic: &ClinicInfo,
        visit_id: i64,
        actor: &Actor,
    ) -> Result<VisitOutcome, AppError> {
        let mut tx = self.begin_write().await?;
        let visit = visit_on(&mut tx, clinic.organisation_id, visit_id).await?;
        let next = visit.next(VisitAction::CheckOut)?;
        refuse_unpaid_pack(&mut tx, visit.subscription_id).await?;
        let clinic = &ClinicInfo { id: visit.clinic_id, ..clinic.clone() };
        // On the visit's day; one checked out ahead of its day, today.
        let on = visit.starts_at.date().min(clinic.today);
        let invoice_id = draft_of_client(&mut tx, clinic, visit.client_id, on, actor).await?;
        let invoice = invoice_row_to_change(&mut tx, clinic.organisation_id, invoice_id).await?;
        let mut lines = invoice_lines_on(&mut tx, invoice_id).await?;
        // Counted so that check-out claims each of the desk's one-day lines once.
        let claimed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM appointments
             WHERE invoice_id = $1 AND status = 'checked_out' AND patient_id = $2 AND item_id = $3",
        )
        .bind(invoice_id)
        .bind(visit.patient_id)
        .bind(visit.item_id)
        .fetch_one(&mut *tx)
        .await?;
        let already_there = checkout_claims_draft_line(
            visit.kind(),
            visit.patient_id,
            visit.item_id,
            &lines,
            u64::try_from(claimed).unwrap_or(0),
        );
        if !already_there {
            lines.push(LineInput {
                patient_id: visit.patient_id,
                item_id: visit.item_id,
                quantity_text: "1".into(),
                unit: UnitChoice::Unit,
                discount_text: String::new(),
            });
            replace_lines(&mut tx, clinic.organisation_id, &invoice, &lines).await?;
        }
        sqlx::query(
            "UPDATE appointments SET status = $1, invoice_id = $2, closed_at = (SELECT now FROM carecount_clock),
                    closed_by_name = $3
             WHERE id = $4",
        )
        .bind(next.code())
        .bind(invoice_id)
        .bind(&actor.name)
        .bind(visit.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let invoice_name = invoice.name().to_lowercase().replacen("this ", "the client's ", 1);
        let notice = match already_there {
            true => format!("Checked out: the service was already on {invoice_name}, so it was not added twice."),
            false => format!("Checked out: the service is on {invoice_name}."),
        };
        Ok(VisitOutcome { notice, invoice_id: Some(invoice_id) })
    }
}
