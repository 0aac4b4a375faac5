//! Finalizing and voiding invoices: the only paths that post invoice usage.
//!
//! Both run in one `BEGIN IMMEDIATE` transaction: the write lock is held
//! from the first read, so the balances coverage is computed from are the
//! balances the ledger entries are added to. Two desks finalizing the last
//! unit at once queue; the second sees the first's entry and pays.

use sqlx::SqliteConnection;

use super::Store;
use super::audit::Audit;
use super::catalog::items_by_id;
use super::invoices::{SqlInvoice, invoice_row, replace_lines};
use super::promotions::promotions_on;
use super::subscriptions::client_plans_on;
use crate::api::clinic::ClinicInfo;
use crate::api::desk::DeskLine;
use crate::api::error::AppError;
use crate::api::invoice_view::{FinalizeOutcome, InvoiceStatus, parse_lines};
use crate::domain::{Coverage, CoverageRules, LineInput, apply_promotions, cover, plural};
use crate::server::actor::Actor;

/// A usage entry an invoice posted and nobody has reversed yet.
#[derive(sqlx::FromRow)]
struct SqlPosted {
    id: i64,
    subscription_benefit_id: i64,
    patient_id: Option<i64>,
    item_id: Option<i64>,
    quantity: i64,
    invoice_line_id: i64,
}

impl Store {
    /// Saves the lines and finalizes: recomputes coverage with the shared
    /// rules and posts every covered unit to the ledger, keyed by invoice
    /// line and benefit. `preview` is the covered quantity per line the desk
    /// saw; differences are reported in words. A retry with the same `key`
    /// gets the first answer and posts nothing.
    pub async fn finalize_invoice(
        &self,
        clinic: &ClinicInfo,
        invoice_id: i64,
        lines: &[LineInput],
        preview: &[i64],
        key: &str,
        actor: &Actor,
    ) -> Result<FinalizeOutcome, AppError> {
        let mut tx = self.begin_write().await?;
        let invoice = invoice_row(&mut tx, clinic.organisation_id, invoice_id).await?;
        match invoice.status() {
            InvoiceStatus::Draft => {}
            InvoiceStatus::Finalized if invoice.finalize_key.as_deref() == Some(key) => {
                return Ok(FinalizeOutcome { number: invoice.number.clone().unwrap_or_default(), changes: vec![] });
            }
            InvoiceStatus::Finalized => {
                return Err(AppError::Conflict(format!(
                    "{} was already finalized by {} at {}; nothing was changed. To change it, make a correction invoice.",
                    invoice.name(),
                    invoice.finalized_by_name.as_deref().unwrap_or("someone"),
                    invoice.finalized_at.as_deref().unwrap_or("an earlier time"),
                )));
            }
            InvoiceStatus::Voided => {
                return Err(AppError::Conflict(format!("{} was voided; it cannot be finalized.", invoice.name())));
            }
        }
        if lines.is_empty() {
            return Err(AppError::Invalid("Add at least one line before finalizing.".into()));
        }
        let line_ids = replace_lines(&mut tx, clinic.organisation_id, &invoice, lines).await?;
        let desk_lines = desk_lines(&mut tx, clinic.organisation_id, lines).await?;
        let mut draft = parse_lines(&desk_lines, invoice.corrects_invoice_id.is_some()).map_err(AppError::Invalid)?;
        let promotions = promotions_on(&mut tx, clinic.organisation_id, invoice.invoice_date).await?;
        apply_promotions(&mut draft, &promotions, invoice.invoice_date);
        let plans = client_plans_on(&mut tx, invoice.client_id, invoice.invoice_date).await?;
        let subs: Vec<_> = plans.into_iter().map(|p| p.subscription).collect();
        let rules = CoverageRules {
            date: invoice.invoice_date,
            minor_digits: clinic.currency.minor_digits,
            past_due_usable: clinic.past_due_usable,
        };
        let coverage = cover(&rules, &subs, &draft);
        let number = next_number(&mut tx, clinic.organisation_id, &invoice).await?;
        post_lines(&mut tx, &number, &line_ids, &draft, &coverage, actor).await?;
        let json = serde_json::to_string(&coverage).map_err(|e| {
            tracing::error!(error = %e, "cannot serialise coverage");
            AppError::Internal
        })?;
        sqlx::query(
            "UPDATE invoices SET status = 'finalized', number = ?, finalize_key = ?, coverage_json = ?,
                    finalized_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), finalized_by_name = ?
             WHERE id = ? AND status = 'draft'",
        )
        .bind(&number)
        .bind(key)
        .bind(json)
        .bind(&actor.name)
        .bind(invoice.id)
        .execute(&mut *tx)
        .await?;
        let detail = format!("Finalized {number}");
        Audit { action: "finalize", entity: "invoice", entity_id: invoice.id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        super::over_usage::tell(&mut tx, clinic, &number, &desk_lines, &coverage).await?;
        tx.commit().await?;
        let changes = describe_changes(&desk_lines, &coverage, preview);
        Ok(FinalizeOutcome { number, changes })
    }

    /// Voids a finalized invoice: appends a reversal for every usage entry
    /// it posted that is not reversed yet. Counts come back by themselves.
    pub async fn void_invoice(
        &self,
        clinic: &ClinicInfo,
        invoice_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Invalid(
                "Say why the invoice is voided; the note stays in the usage history.".into(),
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::Invalid("Keep the reason under 500 characters.".into()));
        }
        let mut tx = self.begin_write().await?;
        let invoice = invoice_row(&mut tx, clinic.organisation_id, invoice_id).await?;
        match invoice.status() {
            InvoiceStatus::Finalized => {}
            InvoiceStatus::Voided => {
                return Err(AppError::Conflict(format!("{} is already voided; nothing was changed.", invoice.name())));
            }
            InvoiceStatus::Draft => {
                return Err(AppError::Conflict(
                    "A draft has posted nothing, so there is nothing to void; just leave it or change it.".into(),
                ));
            }
        }
        let entries: Vec<SqlPosted> = sqlx::query_as(
            "SELECT l.id, l.subscription_benefit_id, l.patient_id, l.item_id, l.quantity, l.invoice_line_id
             FROM usage_ledger l JOIN invoice_lines il ON il.id = l.invoice_line_id
             WHERE il.invoice_id = ? AND l.reversal_of IS NULL
               AND NOT EXISTS (SELECT 1 FROM usage_ledger r WHERE r.reversal_of = l.id)",
        )
        .bind(invoice.id)
        .fetch_all(&mut *tx)
        .await?;
        let number = invoice.number.clone().unwrap_or_default();
        for SqlPosted {
            id: entry_id,
            subscription_benefit_id: benefit_id,
            patient_id,
            item_id,
            quantity,
            invoice_line_id: line_id,
        } in entries
        {
            sqlx::query(
                "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                                           source_key, reversal_of, invoice_line_id, actor_user_id, actor_name, note)
                 VALUES (?, ?, ?, ?, 'invoice_void', ?, ?, ?, ?, ?, ?)",
            )
            .bind(benefit_id)
            .bind(patient_id)
            .bind(item_id)
            .bind(-quantity)
            .bind(entry_id.to_string())
            .bind(entry_id)
            .bind(line_id)
            .bind(actor.user_id)
            .bind(&actor.name)
            .bind(format!("Invoice {number} voided: {reason}"))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE invoices SET status = 'voided', void_reason = ?, voided_by_name = ?,
                    voided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? AND status = 'finalized'",
        )
        .bind(reason)
        .bind(&actor.name)
        .bind(invoice.id)
        .execute(&mut *tx)
        .await?;
        let detail = format!("Voided {number}");
        Audit { action: "void", entity: "invoice", entity_id: invoice.id, detail: &detail, note: Some(reason) }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn desk_lines(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    lines: &[LineInput],
) -> Result<Vec<DeskLine>, AppError> {
    let ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
    let items = items_by_id(conn, organisation_id, &ids).await?;
    lines
        .iter()
        .map(|input| {
            let item = items.get(&input.item_id).cloned().ok_or(AppError::Internal)?;
            Ok(DeskLine { input: input.clone(), item })
        })
        .collect()
}

async fn post_lines(
    conn: &mut SqliteConnection,
    number: &str,
    line_ids: &[i64],
    draft: &[crate::domain::DraftLine],
    coverage: &Coverage,
    actor: &Actor,
) -> Result<(), AppError> {
    for (n, ((line_id, line), result)) in line_ids.iter().zip(draft).zip(&coverage.lines).enumerate() {
        sqlx::query(
            "UPDATE invoice_lines SET quantity = ?, covered_quantity = ?, gross = ?, discount = ?, net = ?,
                    explanation = ? WHERE id = ?",
        )
        .bind(line.quantity.0)
        .bind(result.covered.0)
        .bind(result.gross.0.to_string())
        .bind(result.discount.0.to_string())
        .bind(result.net.0.to_string())
        .bind(&result.explanation)
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
        for allocation in &result.allocations {
            sqlx::query(
                "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                                           source_key, invoice_line_id, actor_user_id, actor_name, note)
                 VALUES (?, ?, ?, ?, 'invoice_line', ?, ?, ?, ?, ?)",
            )
            .bind(allocation.benefit_id)
            .bind(line.patient_id)
            .bind(line.item.id)
            .bind(allocation.quantity.0)
            .bind(format!("{line_id}:{}", allocation.benefit_id))
            .bind(line_id)
            .bind(actor.user_id)
            .bind(&actor.name)
            .bind(format!("Invoice {number}, line {}: {}", n + 1, line.item.name))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

async fn next_number(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    invoice: &SqlInvoice,
) -> Result<String, AppError> {
    use chrono::Datelike;
    let year = invoice.invoice_date.year();
    let prefix = format!("INV-{year}-");
    let last: Option<String> = sqlx::query_scalar(
        "SELECT number FROM invoices WHERE organisation_id = ? AND number LIKE ? ORDER BY number DESC LIMIT 1",
    )
    .bind(organisation_id)
    .bind(format!("{prefix}%"))
    .fetch_optional(&mut *conn)
    .await?;
    let next = last.and_then(|n| n.trim_start_matches(&prefix).parse::<u32>().ok()).unwrap_or(0) + 1;
    Ok(format!("{prefix}{next:05}"))
}

/// Says, per line, where the saved coverage differs from the preview.
fn describe_changes(lines: &[DeskLine], coverage: &Coverage, preview: &[i64]) -> Vec<String> {
    lines
        .iter()
        .zip(&coverage.lines)
        .zip(preview.iter().map(Some).chain(std::iter::repeat(None)))
        .enumerate()
        .filter_map(|(n, ((line, result), seen))| {
            let seen = *seen?;
            (seen != result.covered.0).then(|| {
                let unit = line.item.units.smallest_name();
                format!(
                    "Line {} ({}): the screen showed {seen} covered, but {} {} covered when it was saved; another \
                     desk used part of the plan in the meantime, so the line is charged as shown below.",
                    n + 1,
                    line.item.name,
                    result.covered.0,
                    if result.covered.0 == 1 { format!("{unit} was") } else { format!("{} were", plural(unit, 2)) },
                )
            })
        })
        .collect()
}
