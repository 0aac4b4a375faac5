//! Finalizing and voiding invoices: the only paths that post invoice usage.
//!
//! Both run in one `BEGIN IMMEDIATE` transaction on SQLite: the write lock
//! is held from the first read, so the balances coverage is computed from
//! are the balances the ledger entries are added to. Two desks finalizing
//! the last unit at once queue; the second sees the first's entry and pays.
//! On PostgreSQL finalizes of different households run side by side, and
//! take turns for one household's plans and for the invoice numbers
//! (`finalize_locks`).

use super::Backend;
use super::Store;
use super::audit::Audit;
use super::coverage_record;
use super::draft_edits::{Draft, refuse_stale};
use super::finalize_locks::lock_household;
use super::invoices::{SqlInvoice, invoice_row, invoice_row_to_change, replace_lines};
use super::ledger::{Adjustment, NewEntry, append, give_back, posting_of_line};
use super::over_usage::OverUsage;
use super::pricing::{invoice_pricing, invoice_promotions};
use crate::domain::{
    Coverage, Currency, LineInput, PlanKind, Seen, finalize_changes, price_draft, stretch_for_override,
};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::desk::DeskLine;
use crate::wire::desk::DraftEdit;
use crate::wire::error::AppError;
use crate::wire::invoice_view::{FinalizeOutcome, InvoiceStatus};
use crate::wire::patients::{PlanCard, authorisation_refusals};

impl Store {
    /// Saves the lines and finalizes: recomputes coverage with the shared
    /// rules and posts every covered unit to the ledger, keyed by invoice
    /// line and benefit. `preview` is the covered quantity per line the desk
    /// saw; differences are reported in words. A retry with the same `key`
    /// gets the first answer and posts nothing.
    pub async fn finalize_invoice(
        &self,
        organisation_id: i64,
        invoice_id: i64,
        lines: &[LineInput],
        preview: &[i64],
        key: &str,
        actor: &Actor,
    ) -> Result<FinalizeOutcome, AppError> {
        let desk = self.clinic_of(organisation_id, None, chrono::Utc::now()).await?;
        let seen = Seen { covered: preview, gross: &[] };
        self.finalize_invoice_with(&desk, invoice_id, lines, seen, key, None, None, actor).await
    }

    /// [`Store::finalize_invoice`] from a desk of clinic `desk` (as the
    /// request has just read it), with a manager's note that overrides the
    /// authorisations a line goes beyond (past their end, or beyond the
    /// sessions they stand for). Without it such an invoice is refused in
    /// words; the caller checks that the note is a manager's. `edit`: the
    /// revision the desk's page opened (a page opened before another desk
    /// changed the draft is refused). `seen`: what the page showed per line,
    /// coverage and price; differences are reported in words.
    #[allow(clippy::too_many_arguments)]
    pub async fn finalize_invoice_with(
        &self,
        desk: &ClinicInfo,
        invoice_id: i64,
        lines: &[LineInput],
        seen: Seen<'_>,
        key: &str,
        override_note: Option<&str>,
        edit: Option<&DraftEdit>,
        actor: &Actor,
    ) -> Result<FinalizeOutcome, AppError> {
        let organisation_id = desk.organisation_id;
        // A correction may give units back to a plan that has moved to
        // another household since: it takes the whole write lock. Whether an
        // invoice corrects another is set when it is made and never changes,
        // so a finalize starts shared and, for a correction, starts again.
        let mut tx = self.begin_finalize().await?;
        let mut invoice = invoice_row_to_change(&mut tx, organisation_id, invoice_id).await?;
        if invoice.corrects_invoice_id.is_some() && matches!(self.backend(), Backend::Postgres) {
            tx.rollback().await?;
            tx = self.begin_write().await?;
            invoice = invoice_row_to_change(&mut tx, organisation_id, invoice_id).await?;
        }
        // Currency, rules and over-usage recipients are the invoice's own
        // clinic's, whichever clinic the desk has chosen. Mostly that is the
        // desk's, read by the request a moment ago: a round trip fewer while
        // the invoice is locked.
        let clinic =
            if invoice.clinic_id == desk.id { desk.clone() } else { invoice_clinic(&mut tx, &invoice).await? };
        match invoice.status() {
            InvoiceStatus::Draft => {}
            InvoiceStatus::Finalized if invoice.finalize_key.as_deref() == Some(key) => {
                // A retry (the first answer was lost) gets the first answer,
                // what changed since the desk's preview included.
                let changes = match invoice.coverage_json.as_deref() {
                    Some(json) => replayed_changes(&mut tx, &invoice, json, seen, &clinic.currency).await?,
                    None => vec![],
                };
                return Ok(FinalizeOutcome { number: invoice.number.clone().unwrap_or_default(), changes });
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
        if let Some(corrected) = invoice.corrects_invoice_id {
            let original = invoice_row(&mut tx, organisation_id, corrected).await?;
            if original.status() != InvoiceStatus::Finalized {
                return Err(AppError::Conflict(format!(
                    "{} was {} after this correction was started, so there is nothing left to correct.",
                    original.name(),
                    original.status().label().to_lowercase()
                )));
            }
        }
        refuse_stale(&mut tx, Draft::Invoice, invoice.id, edit).await?;
        let saved = replace_lines(&mut tx, organisation_id, &invoice, lines).await?;
        let promotions = invoice_promotions(&mut tx, &invoice).await?;
        let desk_lines = saved.lines;
        // The household's plans are held from reading them to the commit;
        // the lines above are this invoice's alone, kept by its row lock.
        lock_household(&mut tx, invoice.client_id).await?;
        let (mut pricing, plans) = invoice_pricing(&mut tx, &clinic, &invoice, promotions).await?;
        let mut coverage = price_draft(&pricing, &desk_lines).finalizable(&desk_lines).map_err(AppError::Invalid)?;
        let asked: Vec<_> = desk_lines.iter().cloned().zip(coverage.lines.iter().map(Some)).collect();
        let beyond = authorisation_refusals(&plans, &asked, invoice.invoice_date, Some(invoice.id));
        let overridden = match (beyond.is_empty(), override_note.map(str::trim).filter(|n| !n.is_empty())) {
            (true, _) => None,
            (false, Some(note)) => {
                // Overridden: the authorisation covers the sessions anyway.
                let packs: Vec<_> = plans.iter().filter_map(|p| p.authorised(Some(invoice.id))).collect();
                stretch_for_override(&mut pricing.subscriptions, &packs, invoice.invoice_date);
                coverage = price_draft(&pricing, &desk_lines).finalizable(&desk_lines).map_err(AppError::Invalid)?;
                Some((beyond.join(" "), note))
            }
            (false, None) => {
                return Err(AppError::Conflict(format!(
                    "{} Nothing was finalized; a manager may finalize it with a note that says why.",
                    beyond.join(" ")
                )));
            }
        };
        price_lines(&mut tx, &saved.ids, &coverage).await?;
        let over_usage = OverUsage::recipients(&mut tx, &clinic, &coverage).await?;
        let number = next_number(&mut tx, organisation_id, &invoice).await?;
        let finalizing = Finalizing { invoice: &invoice, number: &number, minor_digits: clinic.currency.minor_digits };
        post_lines(&mut tx, &finalizing, &saved.ids, &desk_lines, &coverage, actor).await?;
        let sale = super::pack_sale::Sale { clinic: &clinic, invoice: &invoice, number: &number.text };
        sale.sell_packs(&mut tx, &desk_lines, &saved.sells, &coverage, actor).await?;
        sqlx::query(
            "UPDATE invoices SET status = 'finalized', invoice_number = $1, number_year = $2, number_seq = $3,
                    finalize_key = $4, coverage_json = $5, finalized_at = (SELECT now FROM carecount_clock),
                    finalized_by_name = $6
             WHERE id = $7 AND status = 'draft'",
        )
        .bind(&number.text)
        .bind(number.year)
        .bind(number.seq)
        .bind(key)
        .bind(coverage_record::encode(&coverage)?)
        .bind(&actor.name)
        .bind(invoice.id)
        .execute(&mut *tx)
        .await?;
        let number = number.text;
        let detail = format!("Finalized {number}");
        Audit { action: "finalize", entity: "invoice", entity_id: invoice.id, detail: &detail, note: None }
            .write(&mut tx, organisation_id, actor)
            .await?;
        if let Some((beyond, note)) = overridden {
            let detail = format!("Finalized {number} beyond an authorisation: {beyond}");
            Audit {
                action: "authorisation_override",
                entity: "invoice",
                entity_id: invoice.id,
                detail: &detail,
                note: Some(note),
            }
            .write(&mut tx, organisation_id, actor)
            .await?;
        }
        over_usage.tell(&mut tx, &number, &desk_lines, &coverage).await?;
        tx.commit().await?;
        if used_a_pack(&plans, &coverage) {
            self.follow_after_use(&clinic, Some(invoice.client_id)).await;
        }
        let changes = finalize_changes(&desk_lines, &coverage, seen, &clinic.currency);
        Ok(FinalizeOutcome { number, changes })
    }
}

/// The invoice's own clinic, with its currency and settings, read on the
/// caller's connection (see [`super::clinic::clinic_on`]).
pub(crate) async fn invoice_clinic(conn: &mut Conn, invoice: &SqlInvoice) -> Result<ClinicInfo, AppError> {
    Ok(super::clinic::clinic_on(conn, invoice.organisation_id, Some(invoice.clinic_id), chrono::Utc::now()).await?)
}

/// Saves each line's price and coverage as finalized. They name no invoice
/// number, so this runs before the numbering is taken: finalizes take turns
/// for the numbers, and each holds them for fewer statements.
async fn price_lines(conn: &mut Conn, line_ids: &[i64], coverage: &Coverage) -> Result<(), AppError> {
    for (line_id, result) in line_ids.iter().zip(&coverage.lines) {
        sqlx::query(
            "UPDATE invoice_lines SET quantity = $1, covered_quantity = $2, gross = $3, discount = $4, net = $5,
                    explanation = $6 WHERE id = $7",
        )
        .bind(result.quantity.0)
        .bind(result.covered.0)
        .bind(result.gross.0.to_string())
        .bind(result.discount.0.to_string())
        .bind(result.net.0.to_string())
        .bind(&result.explanation)
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether the invoice drew on a package or session pack: only then may a
/// pack have been used up, to be followed by its renewal at once
/// (`pack_follow`). A wellness plan is never followed.
fn used_a_pack(plans: &[PlanCard], coverage: &Coverage) -> bool {
    let packs: Vec<_> =
        plans.iter().map(|p| &p.subscription).filter(|s| s.kind != PlanKind::WellnessPlan).map(|s| s.id).collect();
    coverage.lines.iter().flat_map(|l| &l.allocations).any(|a| a.quantity.0 > 0 && packs.contains(&a.subscription_id))
}

/// The invoice being finalized, its new number and its currency's digits.
struct Finalizing<'a> {
    invoice: &'a SqlInvoice,
    number: &'a InvoiceNumber,
    minor_digits: u32,
}

/// Posts each line's covered units to the ledger, and gives back what a
/// negative line returns, in notes that name the invoice's number.
async fn post_lines(
    conn: &mut Conn,
    finalizing: &Finalizing<'_>,
    line_ids: &[i64],
    lines: &[DeskLine],
    coverage: &Coverage,
    actor: &Actor,
) -> Result<(), AppError> {
    let Finalizing { invoice, number, minor_digits } = *finalizing;
    for (n, ((line_id, line), result)) in line_ids.iter().zip(lines).zip(&coverage.lines).enumerate() {
        let note = format!("Invoice {}, line {}: {}", number.text, n + 1, line.item.name);
        if result.quantity.is_negative() {
            for r in result.returns.iter().filter(|r| r.to_plan.0 > 0) {
                let Some((_, benefit_id)) = r.drawn_from else { continue };
                let posting = posting_of_line(conn, r.line_id, benefit_id).await?.ok_or(AppError::Internal)?;
                let saved = r.gross - r.credit;
                let how = Adjustment {
                    source_kind: "invoice_line",
                    source_key: &format!("return:{line_id}"),
                    invoice_line_id: Some(*line_id),
                    note: note.clone(),
                    savings: if r.to_plan == r.quantity {
                        saved
                    } else {
                        posting.savings_of(r.to_plan.0, minor_digits)
                    },
                    owner_reason: None,
                };
                give_back(conn, &posting, r.to_plan.0, how, actor).await?;
            }
            continue;
        }
        for allocation in result.allocations.iter().filter(|a| a.quantity.0 > 0) {
            append(
                conn,
                NewEntry {
                    benefit_id: allocation.benefit_id,
                    patient_id: Some(line.input.patient_id),
                    item_id: Some(line.item.id),
                    quantity: allocation.quantity.0,
                    source_kind: "invoice_line",
                    source_key: format!("{line_id}:{}", allocation.benefit_id),
                    reversal_of: None,
                    invoice_line_id: Some(*line_id),
                    note: note.clone(),
                    used_on: invoice.invoice_date,
                    savings: allocation.savings,
                    owner_reason: None,
                },
                actor,
            )
            .await?;
        }
    }
    Ok(())
}

/// An invoice number: "INV-2026-00012", counted per organisation and year.
struct InvoiceNumber {
    text: String,
    year: i32,
    seq: i64,
}

/// Takes the organisation's next invoice number for the invoice's year,
/// and holds it until the transaction ends: on PostgreSQL the counter's row
/// stays locked, so the next finalize of the organisation waits here and
/// then counts on from this one's number.
async fn next_number(conn: &mut Conn, organisation_id: i64, invoice: &SqlInvoice) -> Result<InvoiceNumber, AppError> {
    use chrono::Datelike;
    let year = invoice.invoice_date.year();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO invoice_numbers (organisation_id, number_year, last_seq) VALUES ($1, $2, 1)
         ON CONFLICT (organisation_id, number_year) DO UPDATE SET last_seq = invoice_numbers.last_seq + 1
         RETURNING last_seq",
    )
    .bind(organisation_id)
    .bind(year)
    .fetch_one(&mut *conn)
    .await?;
    Ok(InvoiceNumber { text: format!("INV-{year}-{seq:05}"), year, seq })
}

/// The changes a finalized invoice's first answer named, from what it
/// saved: its lines and the coverage it posted.
async fn replayed_changes(
    conn: &mut Conn,
    invoice: &SqlInvoice,
    coverage_json: &str,
    seen: Seen<'_>,
    currency: &Currency,
) -> Result<Vec<String>, AppError> {
    let lines = super::invoices::invoice_lines_on(conn, invoice.id).await?;
    let ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
    let items = super::catalog::items_by_id(conn, invoice.organisation_id, &ids).await?;
    let lines = lines
        .into_iter()
        .map(|input| Ok(DeskLine { item: items.get(&input.item_id).cloned().ok_or(AppError::Internal)?, input }))
        .collect::<Result<Vec<_>, AppError>>()?;
    let coverage = coverage_record::decode(invoice.id, coverage_json)?;
    Ok(finalize_changes(&lines, &coverage, seen, currency))
}
