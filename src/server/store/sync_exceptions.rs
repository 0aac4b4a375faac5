//! Exceptions of usage sync: practice-system lines that cannot be counted
//! until a person maps a code or a patient. One open exception per
//! (invoice, patient id, code); mapping and applying again closes it.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use super::Store;
use super::sync_apply::{InvoiceWork, Tally};
use crate::domain::text::required_note;
use crate::server::actor::Actor;
use crate::server::store::dialect::{numbered, on_postgres};
use crate::server::store::{Conn, Db};
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// Exceptions per statement: well below SQLite's limit on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// A line that cannot be counted until a person acts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Problem {
    pub patient_ref: String,
    pub code: String,
    pub quantity: i64,
    pub kind: &'static str,
    pub detail: String,
}

/// Opens an exception for each new problem, keeps an open one in step with
/// the line as the practice system sends it now (its quantity and words),
/// and closes the invoice's open ones that are no longer a problem (a code
/// or patient was mapped) or that a manager already dismissed as they are.
pub(crate) async fn record_problems(
    conn: &mut Conn,
    work: &InvoiceWork<'_>,
    invoice_ref: &str,
    date: NaiveDate,
    problems: &BTreeSet<Problem>,
    tally: &mut Tally,
) -> Result<(), AppError> {
    let open: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, patient_ref, code, kind, quantity, detail FROM sync_exceptions
         WHERE organisation_id = $1 AND invoice_ref = $2 AND resolved_run_id IS NULL",
    )
    .bind(work.organisation_id)
    .bind(invoice_ref)
    .fetch_all(&mut *conn)
    .await?;
    // A line sent back to the very state a manager dismissed stays closed,
    // even when it was reopened at another quantity in between.
    let mut waiting = Vec::new();
    for problem in problems {
        if !dismissed(conn, work.organisation_id, invoice_ref, problem).await? {
            waiting.push(problem);
        }
    }
    let same = |p: &Problem, (patient_ref, code, kind): (&String, &String, &String)| {
        &p.patient_ref == patient_ref && &p.code == code && p.kind == kind
    };
    for (id, patient_ref, code, kind, quantity, detail) in &open {
        let resolve = match waiting.iter().find(|p| same(p, (patient_ref, code, kind))) {
            None => true,
            Some(p) if (p.quantity, &p.detail) != (*quantity, detail) => {
                sqlx::query("UPDATE sync_exceptions SET quantity = $1, detail = $2 WHERE id = $3")
                    .bind(p.quantity)
                    .bind(&p.detail)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                false
            }
            Some(_) => false,
        };
        if resolve {
            sqlx::query("UPDATE sync_exceptions SET resolved_run_id = $1 WHERE id = $2")
                .bind(work.run)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    for problem in waiting {
        if open.iter().any(|(_, p, c, k, _, _)| same(problem, (p, c, k))) {
            continue;
        }
        // One open exception per (invoice, patient, code): the newest kind wins.
        sqlx::query(
            "DELETE FROM sync_exceptions WHERE organisation_id = $1 AND invoice_ref = $2 AND patient_ref = $3 AND code = $4
               AND resolved_run_id IS NULL",
        )
        .bind(work.organisation_id)
        .bind(invoice_ref)
        .bind(&problem.patient_ref)
        .bind(&problem.code)
        .execute(&mut *conn)
        .await?;
        let opened = NewException { invoice_ref: invoice_ref.to_string(), date, problem: problem.clone() };
        insert_exceptions(conn, (work.organisation_id, work.clinic.id, work.run), std::slice::from_ref(&opened))
            .await?;
        tell(tally, &opened);
    }
    Ok(())
}

/// Whether a manager closed this very problem of the invoice (the same
/// patient, code, kind and quantity): seen again, it stays closed. A changed
/// quantity is a new question.
async fn dismissed(
    conn: &mut Conn,
    organisation_id: i64,
    invoice_ref: &str,
    problem: &Problem,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM sync_exceptions WHERE organisation_id = $1 AND invoice_ref = $2 AND patient_ref = $3
           AND code = $4 AND kind = $5 AND quantity = $6 AND dismissed_note IS NOT NULL LIMIT 1",
    )
    .bind(organisation_id)
    .bind(invoice_ref)
    .bind(&problem.patient_ref)
    .bind(&problem.code)
    .bind(problem.kind)
    .bind(problem.quantity)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

impl Store {
    /// Closes an open exception of the clinic's that no mapping will clear,
    /// with a note saying why: kept closed in the run that opened it.
    pub async fn dismiss_exception(
        &self,
        (organisation_id, clinic_id): (i64, i64),
        id: i64,
        note: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let note = required_note(note, "why this line needs no mapping").map_err(AppError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let closed = sqlx::query(
            "UPDATE sync_exceptions SET resolved_run_id = run_id, dismissed_note = $1, dismissed_by_name = $2
             WHERE id = $3 AND organisation_id = $4 AND clinic_id = $5 AND resolved_run_id IS NULL",
        )
        .bind(note)
        .bind(&actor.name)
        .bind(id)
        .bind(organisation_id)
        .bind(clinic_id)
        .execute(&mut *tx)
        .await?;
        if closed.rows_affected() == 0 {
            return Err(AppError::Conflict(
                "That line no longer needs a person: it was mapped, applied or dismissed meanwhile. Reload the page."
                    .into(),
            ));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// An exception waiting to be opened.
pub(crate) struct NewException {
    pub invoice_ref: String,
    pub date: NaiveDate,
    pub problem: Problem,
}

/// Counts an opened exception in the run and its digest.
pub(crate) fn tell(tally: &mut Tally, opened: &NewException) {
    let NewException { invoice_ref, problem, .. } = opened;
    tally.exceptions += 1;
    tally.told.push(format!(
        "Needs a person: invoice {invoice_ref}, patient {}, code {}: {}",
        problem.patient_ref, problem.code, problem.detail
    ));
}

/// Opens exceptions in a run of (organisation, clinic, run).
pub(crate) async fn insert_exceptions(
    conn: &mut Conn,
    (organisation_id, clinic_id, run): (i64, i64, i64),
    opened: &[NewException],
) -> Result<(), AppError> {
    for chunk in opened.chunks(ROWS_PER_STATEMENT) {
        let mut insert: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO sync_exceptions (organisation_id, clinic_id, run_id, invoice_ref, patient_ref, code, quantity,
                                          invoice_date, kind, detail) ",
        );
        insert.push_values(chunk, |mut row, NewException { invoice_ref, date, problem }| {
            row.push_bind(organisation_id)
                .push_bind(clinic_id)
                .push_bind(run)
                .push_bind(invoice_ref)
                .push_bind(&problem.patient_ref)
                .push_bind(&problem.code)
                .push_bind(problem.quantity)
                .push_bind(Day(*date))
                .push_bind(problem.kind)
                .push_bind(&problem.detail);
        });
        let (sql, args) = numbered(&mut insert, on_postgres(conn))?;
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    Ok(())
}
