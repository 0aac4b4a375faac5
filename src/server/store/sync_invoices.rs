//! The practice-system invoices as last seen: one row per invoice, holding
//! its lines and what it applied per (patient, item). An invoice is what an
//! import reads and reconciles as a whole, so it is kept as one: a batch
//! writes a row per invoice it changed instead of a row per line and
//! another per applied amount (with three lines per invoice, a third of a
//! row per line instead of about two).

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use super::sync_batch::Applied;
use super::sync_hash::SyncMap;
use crate::domain::sync::{InvoiceLines, LineStatus, SourceLine};
use crate::server::store::dialect::{Args, add, numbered, on_postgres, placeholders_for};
use crate::server::store::{Conn, Db};
use crate::wire::error::AppError;
use crate::wire::stored::{Day, Flag};

/// Invoices per statement: well below SQLite's limit on bound parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// An invoice as last seen, and what it applied.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeptInvoice {
    pub lines: InvoiceLines,
    pub applied: Applied,
}

/// A line as kept in the invoice's `lines` column: `[line, date, patient,
/// code, quantity, status]`. An array rather than an object with named
/// fields, as migration 28 made it: an import writes one for every line
/// it takes in, and the names were half of what it wrote.
type KeptLine = (String, NaiveDate, String, String, i64, String);

/// An applied amount as kept in the invoice's `applied` column: `[patient,
/// item, applied, draws]`, the patient and item ids of CareCount.
type KeptApplied = (i64, i64, i64, i64);

#[derive(sqlx::FromRow)]
struct SqlInvoice {
    invoice_ref: String,
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    voided: bool,
    lines: String,
    applied: String,
}

impl SqlInvoice {
    fn into_kept(self) -> Result<(String, KeptInvoice), AppError> {
        let lines: Vec<KeptLine> = serde_json::from_str(&self.lines).map_err(|_| AppError::Internal)?;
        let applied: Vec<KeptApplied> = serde_json::from_str(&self.applied).map_err(|_| AppError::Internal)?;
        let mut lines = lines
            .into_iter()
            .map(|(line_id, invoice_date, patient_ref, code, quantity, status)| {
                Ok(SourceLine {
                    invoice_id: self.invoice_ref.clone(),
                    line_id,
                    invoice_date,
                    patient_ref,
                    code,
                    quantity,
                    status: LineStatus::parse(&status).ok_or(AppError::Internal)?,
                })
            })
            .collect::<Result<InvoiceLines, AppError>>()?;
        if self.voided {
            lines.void();
        }
        let applied =
            applied.into_iter().map(|(patient, item, applied, draws)| ((patient, item), (applied, draws))).collect();
        Ok((self.invoice_ref, KeptInvoice { lines, applied }))
    }
}

/// Reads the kept invoices among `invoices`.
pub(crate) async fn read_invoices(
    conn: &mut Conn,
    organisation_id: i64,
    invoices: &[String],
) -> Result<SyncMap<String, KeptInvoice>, AppError> {
    let mut found = SyncMap::default();
    for chunk in invoices.chunks(ROWS_PER_STATEMENT) {
        let mut query: QueryBuilder<Db> =
            QueryBuilder::new("SELECT invoice_ref, voided, lines, applied FROM pims_invoices WHERE organisation_id = ");
        query.push_bind(organisation_id).push(" AND invoice_ref IN (");
        let mut list = query.separated(", ");
        for invoice in chunk {
            list.push_bind(invoice);
        }
        query.push(")");
        let (sql, args) = numbered(&mut query, on_postgres(conn))?;
        for row in sqlx::query_as_with::<_, SqlInvoice, _>(&sql, args).fetch_all(&mut *conn).await? {
            let (invoice_ref, kept) = row.into_kept()?;
            found.insert(invoice_ref, kept);
        }
    }
    Ok(found)
}

/// An invoice as it will be kept: its key, day, whether voided, and its
/// lines and applied amounts as JSON.
pub(crate) struct InvoiceRow {
    invoice_ref: String,
    counts_on: Option<String>,
    voided: bool,
    lines: String,
    applied: String,
}

/// These invoices as they will be kept (written by [`invoices_statement`]).
pub(crate) fn invoice_rows(invoices: &[(&str, &KeptInvoice)]) -> Result<Vec<InvoiceRow>, AppError> {
    invoices
        .iter()
        .map(|(invoice_ref, kept)| {
            let (lines, applied) = as_json(kept)?;
            Ok(InvoiceRow {
                invoice_ref: invoice_ref.to_string(),
                counts_on: counts_on(&kept.lines).map(|day| Day(day).text()),
                voided: kept.lines.voided(),
                lines,
                applied,
            })
        })
        .collect()
}

/// The statement keeping `rows` as they are now, replacing what was kept
/// (`rows` at most [`ROWS_PER_STATEMENT`]).
pub(crate) fn invoices_statement<'a>(
    (organisation_id, clinic_id, run): (i64, i64, i64),
    rows: &'a [InvoiceRow],
    postgres: bool,
) -> Result<(String, Args<'a>), AppError> {
    let mut sql = String::with_capacity(24 * rows.len() + 512);
    // The run's organisation, clinic and id are bound once per statement.
    sql.push_str(
        "INSERT INTO pims_invoices (organisation_id, clinic_id, run_id, invoice_ref, counts_on, voided, lines,
                                    applied)
         SELECT ?, ?, ?, column1, column2, column3, column4, column5 FROM (VALUES ",
    );
    let mut args = Args::default();
    add(&mut args, organisation_id)?;
    add(&mut args, clinic_id)?;
    add(&mut args, run)?;
    for (place, invoice) in rows.iter().enumerate() {
        sql.push_str(if place == 0 { "(?, ?, ?, ?, ?)" } else { ", (?, ?, ?, ?, ?)" });
        add(&mut args, invoice.invoice_ref.as_str())?;
        add(&mut args, invoice.counts_on.as_deref())?;
        add(&mut args, Flag(invoice.voided))?;
        add(&mut args, invoice.lines.as_str())?;
        add(&mut args, invoice.applied.as_str())?;
    }
    // SQLite reads `ON` after a FROM subquery as a join constraint.
    sql.push_str(
        ") AS v WHERE true
         ON CONFLICT (organisation_id, invoice_ref) DO UPDATE SET
             clinic_id = excluded.clinic_id, run_id = excluded.run_id, counts_on = excluded.counts_on,
             voided = excluded.voided, lines = excluded.lines, applied = excluded.applied",
    );
    Ok((placeholders_for(sql, postgres), args))
}

/// The day an invoice's uses are counted on: its latest line's date.
pub(crate) fn counts_on(lines: &InvoiceLines) -> Option<NaiveDate> {
    lines.lines().map(|l| l.invoice_date).max()
}

fn as_json(kept: &KeptInvoice) -> Result<(String, String), AppError> {
    // As `KeptLine` reads it, from borrowed texts; the day as every day is
    // written (see [`Day::text`]).
    let lines: Vec<(&str, String, &str, &str, i64, &str)> = kept
        .lines
        .lines()
        .map(|l| {
            let day = Day(l.invoice_date).text();
            (l.line_id.as_str(), day, l.patient_ref.as_str(), l.code.as_str(), l.quantity, l.status.code())
        })
        .collect();
    let applied: Vec<KeptApplied> =
        kept.applied.iter().map(|(&(patient, item), &(applied, draws))| (patient, item, applied, draws)).collect();
    let lines = serde_json::to_string(&lines).map_err(|_| AppError::Internal)?;
    let applied = serde_json::to_string(&applied).map_err(|_| AppError::Internal)?;
    Ok((lines, applied))
}
