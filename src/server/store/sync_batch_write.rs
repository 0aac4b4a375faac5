//! How a sync batch writes what waits: a few hundred rows per statement,
//! each an upsert, so a line or an invoice sent again replaces what it was.

use chrono::NaiveDate;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::domain::sync::SourceLine;
use crate::wire::error::AppError;

/// Rows per statement: well below SQLite's limit on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// Over-usage waiting to be written for an (invoice, patient, item).
pub(crate) struct OverUsage {
    pub plan: Option<i64>,
    pub units: i64,
    pub used_on: NaiveDate,
}

/// (invoice, patient, item) and its (applied, draws).
type AppliedRow = ((String, i64, i64), (i64, i64));

/// Keeps the lines as now seen.
pub(crate) async fn write_lines(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    clinic_id: i64,
    run: i64,
    lines: &[SourceLine],
) -> Result<(), AppError> {
    for chunk in lines.chunks(ROWS_PER_STATEMENT) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO pims_lines (organisation_id, clinic_id, invoice_ref, line_ref, invoice_date, patient_ref,
                                     code, quantity, status, run_id) ",
        );
        insert.push_values(chunk, |mut row, line| {
            row.push_bind(organisation_id)
                .push_bind(clinic_id)
                .push_bind(&line.invoice_id)
                .push_bind(&line.line_id)
                .push_bind(line.invoice_date)
                .push_bind(&line.patient_ref)
                .push_bind(&line.code)
                .push_bind(line.quantity)
                .push_bind(line.status.code())
                .push_bind(run);
        });
        // A later sending of the same line in one file replaces it.
        insert.push(
            " ON CONFLICT (organisation_id, invoice_ref, line_ref) DO UPDATE SET
                 invoice_date = excluded.invoice_date, patient_ref = excluded.patient_ref, code = excluded.code,
                 quantity = excluded.quantity, status = excluded.status, run_id = excluded.run_id",
        );
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Sets what each (invoice, patient, item) has applied.
pub(crate) async fn write_applied(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    applied: Vec<AppliedRow>,
) -> Result<(), AppError> {
    for chunk in applied.chunks(ROWS_PER_STATEMENT) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO pims_applied (organisation_id, invoice_ref, patient_id, item_id, applied, draws) ",
        );
        insert.push_values(chunk, |mut row, ((invoice, patient, item), (applied, draws))| {
            row.push_bind(organisation_id)
                .push_bind(invoice)
                .push_bind(*patient)
                .push_bind(*item)
                .push_bind(*applied)
                .push_bind(*draws);
        });
        insert.push(
            " ON CONFLICT (organisation_id, invoice_ref, patient_id, item_id)
              DO UPDATE SET applied = excluded.applied, draws = excluded.draws",
        );
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds over-usage; more of the same kind is open again for a person.
pub(crate) async fn write_over_usage(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    clinic_id: i64,
    run: i64,
    over: Vec<((String, i64, i64), OverUsage)>,
) -> Result<(), AppError> {
    for chunk in over.chunks(ROWS_PER_STATEMENT) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
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
                .push_bind(over.used_on);
        });
        // More over-usage of the same kind is open again for a person.
        insert.push(
            " ON CONFLICT (organisation_id, invoice_ref, patient_id, item_id) DO UPDATE SET
                 quantity = quantity + excluded.quantity, run_id = excluded.run_id, used_on = excluded.used_on,
                 subscription_id = excluded.subscription_id, status = 'open', decided_by = NULL,
                 decided_at = NULL",
        );
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}
