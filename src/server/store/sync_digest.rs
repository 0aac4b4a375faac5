//! What a sync run leaves for a person: over-usage kept per practice-system
//! invoice, patient and item, and one digest per run, emailed through the
//! outbox to the addresses in the clinic's settings.

use super::outbox::queue;
use super::sync_apply::{InvoiceWork, Tally};
use crate::server::store::Conn;
use crate::wire::error::AppError;

/// Units of over-usage recorded for an (invoice, (patient, item)).
pub(crate) async fn over_usage_of(
    conn: &mut Conn,
    organisation_id: i64,
    invoice_ref: &str,
    (patient_id, item_id): (i64, i64),
) -> Result<i64, AppError> {
    let units: Option<i64> = sqlx::query_scalar(
        "SELECT quantity FROM over_usage WHERE organisation_id = $1 AND invoice_ref = $2 AND patient_id = $3 AND item_id = $4",
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
    conn: &mut Conn,
    organisation_id: i64,
    invoice_ref: &str,
    (patient_id, item_id): (i64, i64),
    units: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE over_usage SET quantity = CASE WHEN quantity > $1 THEN quantity - $1 ELSE 0 END
         WHERE organisation_id = $2 AND invoice_ref = $3 AND patient_id = $4 AND item_id = $5",
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
pub(crate) async fn finish_run(conn: &mut Conn, work: &InvoiceWork<'_>, tally: &Tally) -> Result<(), AppError> {
    let digest = digest(work, tally);
    sqlx::query(
        "UPDATE sync_runs SET lines_read = $1, applied = $2, unchanged = $3, reversed = $4, skipped = $5, over_usage = $6,
                exceptions = $7, digest = $8 WHERE id = $9",
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
    let recipients: String = sqlx::query_scalar("SELECT over_usage_emails FROM clinics WHERE id = $1")
        .bind(work.clinic.id)
        .fetch_one(&mut *conn)
        .await?;
    let subject = format!("Practice system sync {}: {} need a look", work.run, tally.over_usage + tally.exceptions);
    for to in recipients.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        queue(conn, work.organisation_id, to, &subject, &digest).await?;
    }
    Ok(())
}

/// Tells the clinic's over-usage recipients that a file the folder pull
/// read was refused: nobody is at the screen when it runs, and the next
/// export may well depend on this one. Kept as the run's digest.
pub(crate) async fn tell_refused(
    conn: &mut Conn,
    (organisation_id, clinic_id, run): (i64, i64, i64),
    file_name: &str,
    problem: &str,
) -> Result<(), AppError> {
    let (clinic, recipients): (String, String) =
        sqlx::query_as("SELECT name, over_usage_emails FROM clinics WHERE id = $1 AND organisation_id = $2")
            .bind(clinic_id)
            .bind(organisation_id)
            .fetch_one(&mut *conn)
            .await?;
    let body = format!(
        "Sync run {run} at {clinic} refused {file_name} from the practice-system folder: nothing of it was \
         applied.\n\n{problem}\n\nThe file was moved to refused/ in the folder. Export that period again from the \
         practice system and put the new file in the folder (the old file, put back after later exports, would \
         undo what they changed): its lines count once, however often they arrive.\n"
    );
    sqlx::query("UPDATE sync_runs SET digest = $1 WHERE id = $2").bind(&body).bind(run).execute(&mut *conn).await?;
    let subject = format!("Practice system sync {run}: {file_name} was refused");
    for to in recipients.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        queue(conn, organisation_id, to, &subject, &body).await?;
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
        told(&tally.told),
    )
}

/// At most this many items are written out in one digest.
const TOLD_IN_FULL: usize = 100;

/// The digest's list: one line each, the first hundred in full, then how
/// many more the sync page lists (a first import can find thousands).
fn told(items: &[String]) -> String {
    let mut lines: Vec<String> = items.iter().take(TOLD_IN_FULL).map(|t| format!("- {t}")).collect();
    if items.len() > TOLD_IN_FULL {
        lines.push(format!("- and {} more, listed on the sync page", items.len() - TOLD_IN_FULL));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::told;

    #[test]
    fn a_long_digest_names_the_first_hundred_and_counts_the_rest() {
        let items: Vec<String> = (1..=250).map(|n| format!("item {n}")).collect();
        let text = told(&items);
        assert_eq!(text.lines().count(), 101);
        assert!(text.contains("- item 100\n- and 150 more, listed on the sync page"), "{text}");
        assert_eq!(told(&items[..2]), "- item 1\n- item 2");
    }
}
