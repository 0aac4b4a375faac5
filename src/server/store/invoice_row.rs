//! An invoice's row as the store reads it, before anything is priced.

use chrono::NaiveDate;
use sqlx::FromRow;

use crate::server::store::Conn;
use crate::server::store::dialect::on_postgres;
use crate::wire::error::AppError;
use crate::wire::invoice_view::InvoiceStatus;

#[derive(FromRow, Clone)]
pub(crate) struct SqlInvoice {
    pub id: i64,
    pub organisation_id: i64,
    pub clinic_id: i64,
    pub client_id: i64,
    pub number: Option<String>,
    pub status: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    pub invoice_date: NaiveDate,
    pub corrects_invoice_id: Option<i64>,
    pub finalize_key: Option<String>,
    pub finalized_at: Option<String>,
    pub finalized_by_name: Option<String>,
    pub voided_at: Option<String>,
    pub voided_by_name: Option<String>,
    pub void_reason: Option<String>,
    pub coverage_json: Option<String>,
}

impl SqlInvoice {
    pub fn status(&self) -> InvoiceStatus {
        InvoiceStatus::from_code(&self.status).unwrap_or(InvoiceStatus::Draft)
    }

    /// "Invoice INV-2026-00012" or "This draft invoice".
    pub fn name(&self) -> String {
        self.number.as_ref().map_or_else(|| "This draft invoice".to_string(), |n| format!("Invoice {n}"))
    }
}

/// The invoice's row as it is now.
pub(crate) async fn invoice_row(
    conn: &mut Conn,
    organisation_id: i64,
    invoice_id: i64,
) -> Result<SqlInvoice, AppError> {
    read_invoice_row(conn, organisation_id, invoice_id, "").await
}

/// The invoice's row, for a write transaction that changes its lines or
/// its status. On PostgreSQL the row stays locked until the transaction
/// ends: saving a draft does not take the write lock every other write
/// queues for, so a finalize and a save of the same invoice meet here, and
/// whichever comes second sees what the first did. SQLite's one writer
/// needs no more.
pub(crate) async fn invoice_row_to_change(
    conn: &mut Conn,
    organisation_id: i64,
    invoice_id: i64,
) -> Result<SqlInvoice, AppError> {
    let lock = if on_postgres(conn) { " FOR UPDATE" } else { "" };
    read_invoice_row(conn, organisation_id, invoice_id, lock).await
}

async fn read_invoice_row(
    conn: &mut Conn,
    organisation_id: i64,
    invoice_id: i64,
    lock: &str,
) -> Result<SqlInvoice, AppError> {
    sqlx::query_as(&format!(
        "SELECT id, organisation_id, clinic_id, client_id, invoice_number AS number, status, invoice_date,
                corrects_invoice_id, finalize_key, finalized_at,
                finalized_by_name, voided_at, voided_by_name, void_reason, coverage_json
         FROM invoices WHERE id = $1 AND organisation_id = $2{lock}"
    ))
    .bind(invoice_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("There is no invoice number {invoice_id} in this clinic.")))
}
