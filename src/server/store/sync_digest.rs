//! What a sync run leaves for a person: over-usage kept per practice-system
//! invoice, patient and item, and one digest per run, emailed through the
//! outbox to the addresses in the clinic's settings.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::outbox::queue;
use super::sync_apply::{InvoiceWork, Tally};
use crate::wire::error::AppError;

/// Adds `units` of over-usage for an (invoice, (patient, item)); it is open
/// again for a person to look at.
pub(crate) async fn add_over_usage(
    conn: &mut SqliteConnection,
    work: &InvoiceWork<'_>,
    invoice_ref: &str,
    (patient_id, item_id): (i64, i64),
    plan: Option<i64>,
    units: i64,
    used_on: NaiveDate,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO over_usage (organisation_id, clinic_id, run_id, invoice_ref, patient_id, item_id, subscription_id,
                                 quantity, used_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (organisation_id, invoice_ref, patient_id, item_id) DO UPDATE SET
             quantity = quantity + excluded.quantity, run_id = excluded.run_id, used_on = excluded.used_on,
             subscription_id = excluded.subscription_id, status = 'open', decided_by = NULL, decided_at = NULL",
    )
    .bind(work.organisation_id)
    .bind(work.clinic.id)
    .bind(work.run)
    .bind(invoice_ref)
    .bind(patient_id)
    .bind(item_id)
    .bind(plan)
    .bind(units)
    .bind(used_on)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Units of over-usage recorded for an (invoice, (patient, item)).
pub(crate) async fn over_usage_of(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    invoice_ref: &str,
    (patient_id, item_id): (i64, i64),
) -> Result<i64, AppError> {
    let units: Option<i64> = sqlx::query_scalar(
        "SELECT quantity FROM over_usage WHERE organisation_id = ? AND invoice_ref = ? AND patient_id = ? AND item_id = ?",
    )
    .bind(organisation_id)
    .bind(invoice_ref)
    .bind(patient_id)
    .bind(item_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(units.unwrap_or(0))
}

/// Takes `units` off an (invoice, (patient, item))'s over-usage: the
/// practice system took them back.
pub(crate) async fn take_over_usage(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    invoice_ref: &str,
    (patient_id, item_id): (i64, i64),
    units: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE over_usage SET quantity = max(quantity - ?, 0)
         WHERE organisation_id = ? AND invoice_ref = ? AND patient_id = ? AND item_id = ?",
    )
    .bind(units)
    .bind(organisation_id)
    .bind(invoice_ref)
    .bind(patient_id)
    .bind(item_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Saves the run's counts and, when there is anything to tell, its digest,
/// queued once to each of the clinic's over-usage recipients.
pub(crate) async fn finish_run(
    conn: &mut SqliteConnection,
    work: &InvoiceWork<'_>,
    tally: &Tally,
) -> Result<(), AppError> {
    let digest = digest(work, tally);
    sqlx::query(
        "UPDATE sync_runs SET lines_read = ?, applied = ?, unchanged = ?, reversed = ?, skipped = ?, over_usage = ?,
                exceptions = ?, digest = ? WHERE id = ?",
    )
    .bind(tally.lines_read)
    .bind(tally.applied)
    .bind(tally.unchanged)
    .bind(tally.reversed)
    .bind(tally.skipped)
    .bind(tally.over_usage)
    .bind(tally.exceptions)
    .bind(&digest)
    .bind(work.run)
    .execute(&mut *conn)
    .await?;
    if digest.is_empty() {
        return Ok(());
    }
    let recipients: String = sqlx::query_scalar("SELECT over_usage_emails FROM clinics WHERE id = ?")
        .bind(work.clinic.id)
        .fetch_one(&mut *conn)
        .await?;
    let subject = format!("Practice system sync {}: {} need a look", work.run, tally.over_usage + tally.exceptions);
    for to in recipients.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        queue(conn, work.organisation_id, to, &subject, &digest).await?;
    }
    Ok(())
}

fn digest(work: &InvoiceWork<'_>, tally: &Tally) -> String {
    if tally.told.is_empty() {
        return String::new();
    }
    format!(
        "Sync run {} at {} read {} lines: {} applied, {} unchanged, {} reversed, {} not plan codes.\n\n{}\n\n\
         The over-usage report and the exceptions list in CareCount show each of them.\n",
        work.run,
        work.clinic.name,
        tally.lines_read,
        tally.applied,
        tally.unchanged,
        tally.reversed,
        tally.skipped,
        tally.told.iter().map(|t| format!("- {t}")).collect::<Vec<_>>().join("\n"),
    )
}
