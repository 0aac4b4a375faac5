//! How a sync batch writes what it counted (postings, invoices as now seen,
//! over-usage, exceptions): taken out whole, then a few hundred rows per
//! statement.

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use super::sync_exceptions::{NewException, insert_exceptions};
use super::sync_invoices::{InvoiceRow, write_invoices};
use crate::domain::Money;
use crate::server::actor::Actor;
use crate::server::store::dialect::{numbered, on_postgres};
use crate::server::store::{Conn, Db};
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// Rows per statement: well below SQLite's limit on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// What a batch counted and has not written yet. It owns its rows, so it
/// can be written while the batch counts on.
#[derive(Default)]
pub(crate) struct Writes {
    pub ledger: Vec<ImportPosting>,
    pub invoices: Vec<InvoiceRow>,
    pub over_usage: Vec<((String, i64, i64), OverUsage)>,
    pub exceptions: Vec<NewException>,
}

/// The run a batch writes in: (organisation, clinic, run).
pub(crate) type RunKey = (i64, i64, i64);

impl Writes {
    /// Writes it all, in the order it was counted.
    pub(crate) async fn write(self, conn: &mut Conn, run: RunKey, actor: &Actor) -> Result<(), AppError> {
        let (organisation_id, clinic_id, run_id) = run;
        write_postings(conn, &self.ledger, actor).await?;
        write_invoices(conn, organisation_id, clinic_id, run_id, &self.invoices).await?;
        write_over_usage(conn, organisation_id, clinic_id, run_id, self.over_usage).await?;
        insert_exceptions(conn, run, &self.exceptions).await
    }
}

/// A use an import counts: a posting of the ledger, waiting to be written.
pub(crate) struct ImportPosting {
    pub benefit_id: i64,
    pub patient_id: i64,
    pub item_id: i64,
    pub quantity: i64,
    pub source_key: String,
    pub note: String,
    pub used_on: NaiveDate,
    pub savings: Money,
}

/// Appends an import's postings, in order (their ids rise in the same
/// order). What every posting of a batch shares (its kind, who imported) is
/// bound once per statement rather than once per row: a batch writes tens
/// of thousands of them.
async fn write_postings(conn: &mut Conn, postings: &[ImportPosting], actor: &Actor) -> Result<(), AppError> {
    for chunk in postings.chunks(ROWS_PER_STATEMENT) {
        let mut insert: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO usage_ledger (actor_user_id, actor_name, source_kind, subscription_benefit_id, patient_id,
                                       item_id, quantity, source_key, note, used_on, savings)
             SELECT ",
        );
        insert.push_bind(actor.user_id).push(", ").push_bind(&actor.name);
        insert.push(", 'import_line', column2, column3, column4, column5, column6, column7, column8, column9 FROM (");
        // Each row leads with its place, and the rows are inserted in that
        // order: a SELECT promises no order without ORDER BY.
        insert.push_values(chunk.iter().enumerate(), |mut row, (place, posting)| {
            row.push(place.to_string())
                .push_bind(posting.benefit_id)
                .push_bind(posting.patient_id)
                .push_bind(posting.item_id)
                .push_bind(posting.quantity)
                .push_bind(&posting.source_key)
                .push_bind(&posting.note)
                // A date's own Display, not the driver's strftime pattern.
                .push_bind(posting.used_on.to_string())
                .push_bind(posting.savings.0.to_string());
        });
        insert.push(") AS v ORDER BY column1");
        let (sql, args) = numbered(&mut insert, on_postgres(conn))?;
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Over-usage waiting to be written for an (invoice, patient, item).
pub(crate) struct OverUsage {
    pub plan: Option<i64>,
    pub units: i64,
    pub used_on: NaiveDate,
}

/// Adds over-usage; more of the same kind is open again for a person.
async fn write_over_usage(
    conn: &mut Conn,
    organisation_id: i64,
    clinic_id: i64,
    run: i64,
    over: Vec<((String, i64, i64), OverUsage)>,
) -> Result<(), AppError> {
    for chunk in over.chunks(ROWS_PER_STATEMENT) {
        let mut insert: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO over_usage (organisation_id, clinic_id, run_id, invoice_ref, patient_id, item_id,
                                     subscription_id, quantity, used_on) ",
        );
        insert.push_values(chunk, |mut row, ((invoice, patient, item), over)| {
            row.push_bind(organisation_id)
                .push_bind(clinic_id)
                .push_bind(run)
                .push_bind(invoice)
                .push_bind(*patient)
                .push_bind(*item)
                .push_bind(over.plan)
                .push_bind(over.units)
                .push_bind(Day(over.used_on));
        });
        // More over-usage of the same kind is open again for a person.
        insert.push(
            " ON CONFLICT (organisation_id, invoice_ref, patient_id, item_id) DO UPDATE SET
                 quantity = over_usage.quantity + excluded.quantity, run_id = excluded.run_id, used_on = excluded.used_on,
                 subscription_id = excluded.subscription_id, status = 'open', decided_by = NULL,
                 decided_at = NULL",
        );
        let (sql, args) = numbered(&mut insert, on_postgres(conn))?;
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    Ok(())
}
