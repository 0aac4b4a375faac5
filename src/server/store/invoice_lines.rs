//! Saving a draft invoice's lines. Lines sent back as they were saved are
//! kept as they are: a finalize usually sends what the last save wrote,
//! and writing them again would cost a statement per line while the
//! finalize holds the household's plans.

use std::collections::HashMap;

use sqlx::FromRow;

use super::catalog::StoredItem;
use super::invoice_row::SqlInvoice;
use super::invoices::client_patients;
use super::soap::{check_lines, unit_code};
use super::visit_checkout::refuse_dropping_visits;
use crate::domain::LineInput;
use crate::server::store::Conn;
use crate::wire::desk::DeskLine;
use crate::wire::error::AppError;

/// A draft's lines as saved, in order.
pub(crate) struct SavedLines {
    /// Each line's id.
    pub ids: Vec<i64>,
    /// Each line with its catalog item.
    pub lines: Vec<DeskLine>,
    /// Per line, the package or session pack template its item sells.
    pub sells: Vec<Option<i64>>,
}

#[derive(FromRow, PartialEq, Eq)]
struct SqlSavedLine {
    id: i64,
    patient_id: i64,
    item_id: i64,
    quantity_text: String,
    unit_choice: String,
    discount_text: String,
}

impl SqlSavedLine {
    /// Whether saving `line` would store exactly this row again.
    fn same_as(&self, line: &LineInput) -> bool {
        self.patient_id == line.patient_id
            && self.item_id == line.item_id
            && self.quantity_text == line.quantity_text.trim()
            && self.unit_choice == unit_code(line.unit)
            && self.discount_text == line.discount_text.trim()
    }
}

/// Replaces a draft's lines after checking items and pets.
pub(crate) async fn replace_lines(
    conn: &mut Conn,
    organisation_id: i64,
    invoice: &SqlInvoice,
    lines: &[LineInput],
) -> Result<SavedLines, AppError> {
    let pets = client_patients(conn, invoice.client_id).await?;
    let items = check_lines(conn, organisation_id, lines, |line| {
        pets.iter().any(|p| p.id == line.patient_id).then_some(()).ok_or_else(|| {
            AppError::Invalid("Every line must be for one of this client's pets; pick the pet again.".into())
        })
    })
    .await?;
    let saved: Vec<SqlSavedLine> = sqlx::query_as(
        "SELECT id, patient_id, item_id, quantity_text, unit_choice, discount_text FROM invoice_lines
         WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice.id)
    .fetch_all(&mut *conn)
    .await?;
    let unchanged = saved.len() == lines.len() && saved.iter().zip(lines).all(|(row, line)| row.same_as(line));
    // Unchanged lines drop nothing a visit put there: every save checked.
    let ids = if unchanged { saved.iter().map(|row| row.id).collect() } else { rewrite(conn, invoice, lines).await? };
    saved_lines(ids, lines, &items)
}

async fn rewrite(conn: &mut Conn, invoice: &SqlInvoice, lines: &[LineInput]) -> Result<Vec<i64>, AppError> {
    refuse_dropping_visits(conn, invoice.id, lines).await?;
    sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1").bind(invoice.id).execute(&mut *conn).await?;
    let mut ids = Vec::with_capacity(lines.len());
    for (position, line) in lines.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invoice_lines (invoice_id, position, patient_id, item_id, quantity_text, unit_choice,
                                        discount_text) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(invoice.id)
        .bind(position as i64)
        .bind(line.patient_id)
        .bind(line.item_id)
        .bind(line.quantity_text.trim())
        .bind(unit_code(line.unit))
        .bind(line.discount_text.trim())
        .fetch_one(&mut *conn)
        .await?;
        ids.push(id);
    }
    // A new revision, no page's yet: the saving page claims it after.
    sqlx::query(
        "UPDATE invoices SET updated_at = (SELECT now FROM carecount_clock), revision = revision + 1,
                             last_editor = NULL WHERE id = $1",
    )
    .bind(invoice.id)
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

/// The lines with their items; `check_lines` found every item.
fn saved_lines(ids: Vec<i64>, lines: &[LineInput], items: &HashMap<i64, StoredItem>) -> Result<SavedLines, AppError> {
    let mut saved = SavedLines { ids, lines: Vec::with_capacity(lines.len()), sells: Vec::with_capacity(lines.len()) };
    for line in lines {
        let stored = items.get(&line.item_id).ok_or(AppError::Internal)?;
        saved.lines.push(DeskLine { input: line.clone(), item: stored.item.clone() });
        saved.sells.push(stored.sells_template_id);
    }
    Ok(saved)
}
