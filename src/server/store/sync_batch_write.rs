//! How a sync batch writes what it counted (postings, invoices as now seen,
//! over-usage, exceptions): taken out whole, then a few hundred rows per
//! statement.

use std::fmt::Write as _;
use std::future::Future as _;
use std::task::Poll;

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use super::sync_exceptions::{NewException, insert_exceptions};
use super::sync_invoices::{InvoiceRow, ROWS_PER_STATEMENT as INVOICES_PER_STATEMENT, invoices_statement};
use crate::domain::Money;
use crate::server::actor::Actor;
use crate::server::store::dialect::{Args, add, numbered, on_postgres, placeholders_for};
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
    /// Adds what was counted after this, to be written after it.
    pub(crate) fn append(&mut self, later: Writes) {
        self.ledger.extend(later.ledger);
        self.invoices.extend(later.invoices);
        self.over_usage.extend(later.over_usage);
        self.exceptions.extend(later.exceptions);
    }

    /// Writes it all, in the order it was counted.
    pub(crate) async fn write(self, conn: &mut Conn, run: RunKey, actor: &Actor) -> Result<(), AppError> {
        let (organisation_id, clinic_id, run_id) = run;
        let postgres = on_postgres(conn);
        let postings = self.ledger.chunks(ROWS_PER_STATEMENT).map(|rows| postings_statement(rows, actor, postgres));
        let invoices = self.invoices.chunks(INVOICES_PER_STATEMENT).map(|rows| invoices_statement(run, rows, postgres));
        run_building_ahead(conn, postings.chain(invoices)).await?;
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

/// Runs `statements` in order, building each while the connection runs the
/// one before: the connection runs on its own thread, and building a few
/// hundred rows' arguments takes about as long as SQLite takes to insert
/// them, so neither waits for the other.
async fn run_building_ahead<'a>(
    conn: &mut Conn,
    mut statements: impl Iterator<Item = Result<(String, Args<'a>), AppError>>,
) -> Result<(), AppError> {
    let mut next = statements.next().transpose()?;
    while let Some((sql, args)) = next {
        let running = sqlx::query_with(&sql, args).execute(&mut *conn);
        tokio::pin!(running);
        // The first look hands the statement to the connection's thread.
        let early = std::future::poll_fn(|cx| Poll::Ready(running.as_mut().poll(cx))).await;
        next = statements.next().transpose()?;
        match early {
            Poll::Ready(done) => done?,
            Poll::Pending => running.await?,
        };
    }
    Ok(())
}

/// The statement appending an import's postings, in order (their ids rise
/// in the same order). What every posting of a batch shares (its kind, who
/// imported) is bound once per statement rather than once per row: a batch
/// writes tens of thousands of them.
fn postings_statement<'a>(
    postings: &'a [ImportPosting],
    actor: &'a Actor,
    postgres: bool,
) -> Result<(String, Args<'a>), AppError> {
    let mut sql = String::with_capacity(64 * postings.len() + 512);
    sql.push_str(
        "INSERT INTO usage_ledger (actor_user_id, actor_name, source_kind, subscription_benefit_id, patient_id,
                                   item_id, quantity, source_key, note, used_on, savings)
         SELECT ?, ?, 'import_line', column2, column3, column4, column5, column6, column7, column8, column9
         FROM (VALUES ",
    );
    let mut args = Args::default();
    add(&mut args, actor.user_id)?;
    add(&mut args, actor.name.as_str())?;
    // Each row leads with its place, and the rows are inserted in that
    // order: a SELECT promises no order without ORDER BY.
    for (place, posting) in postings.iter().enumerate() {
        let comma = if place == 0 { "" } else { ", " };
        write!(sql, "{comma}({place}, ?, ?, ?, ?, ?, ?, ?, ?)").map_err(|_| AppError::Internal)?;
        add(&mut args, posting.benefit_id)?;
        add(&mut args, posting.patient_id)?;
        add(&mut args, posting.item_id)?;
        add(&mut args, posting.quantity)?;
        add(&mut args, posting.source_key.as_str())?;
        add(&mut args, posting.note.as_str())?;
        add(&mut args, Day(posting.used_on).text())?;
        add(&mut args, posting.savings.0.to_string())?;
    }
    sql.push_str(") AS v ORDER BY column1");
    Ok((placeholders_for(sql, postgres), args))
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
