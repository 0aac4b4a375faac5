//! Exceptions of usage sync: practice-system lines that cannot be counted
//! until a person maps a code or a patient. One open exception per
//! (invoice, patient id, code); mapping and applying again closes it.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::sync_apply::{InvoiceWork, Tally};
use crate::wire::error::AppError;

/// A line that cannot be counted until a person acts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Problem {
    pub patient_ref: String,
    pub code: String,
    pub quantity: i64,
    pub kind: &'static str,
    pub detail: String,
}

/// Opens an exception for each new problem, and closes the invoice's open
/// ones that are no longer a problem (a code or patient was mapped).
pub(crate) async fn record_problems(
    conn: &mut SqliteConnection,
    work: &InvoiceWork<'_>,
    invoice_ref: &str,
    date: NaiveDate,
    problems: &BTreeSet<Problem>,
    tally: &mut Tally,
) -> Result<(), AppError> {
    let open: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, patient_ref, code, kind FROM sync_exceptions
         WHERE organisation_id = ? AND invoice_ref = ? AND resolved_run_id IS NULL",
    )
    .bind(work.organisation_id)
    .bind(invoice_ref)
    .fetch_all(&mut *conn)
    .await?;
    for (id, patient_ref, code, kind) in &open {
        let still = problems.iter().any(|p| &p.patient_ref == patient_ref && &p.code == code && p.kind == kind);
        if !still {
            sqlx::query("UPDATE sync_exceptions SET resolved_run_id = ? WHERE id = ?")
                .bind(work.run)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    for problem in problems {
        let known =
            open.iter().any(|(_, p, c, k)| p == &problem.patient_ref && c == &problem.code && k == problem.kind);
        if known {
            continue;
        }
        // One open exception per (invoice, patient, code): the newest kind wins.
        sqlx::query(
            "DELETE FROM sync_exceptions WHERE organisation_id = ? AND invoice_ref = ? AND patient_ref = ? AND code = ?
               AND resolved_run_id IS NULL",
        )
        .bind(work.organisation_id)
        .bind(invoice_ref)
        .bind(&problem.patient_ref)
        .bind(&problem.code)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO sync_exceptions (organisation_id, clinic_id, run_id, invoice_ref, patient_ref, code, quantity,
                                          invoice_date, kind, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(work.organisation_id)
        .bind(work.clinic.id)
        .bind(work.run)
        .bind(invoice_ref)
        .bind(&problem.patient_ref)
        .bind(&problem.code)
        .bind(problem.quantity)
        .bind(date)
        .bind(problem.kind)
        .bind(&problem.detail)
        .execute(&mut *conn)
        .await?;
        tally.exceptions += 1;
        tally.told.push(format!(
            "Needs a person: invoice {invoice_ref}, patient {}, code {}: {}",
            problem.patient_ref, problem.code, problem.detail
        ));
    }
    Ok(())
}
