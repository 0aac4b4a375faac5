//! What an invoice is priced against: its client's plans on its date, the
//! promotions then, and, for a correction, what the corrected invoice may
//! still give back. The invoice page and finalizing load it the same way.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::FromRow;

use super::coverage_record;
use super::invoice_row::SqlInvoice;
use super::ledger::posting_of_line;
use super::promotions::promotions_on;
use super::subscriptions::client_plans_on;
use super::transfer_follow::moved_use;
use crate::domain::{
    CoverageRules, PricingContext, Promotion, Quantity, Reset, ReturnablePart, parts_of, plan_year_start,
    subtract_returned,
};
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::patients::PlanCard;

/// The organisation's promotions on the invoice's date: read on their own,
/// so that finalizing reads them before it waits for the household.
pub(crate) async fn invoice_promotions(conn: &mut Conn, invoice: &SqlInvoice) -> Result<Vec<Promotion>, AppError> {
    Ok(promotions_on(conn, invoice.organisation_id, invoice.invoice_date).await?)
}

/// The rules, plans, `promotions` (from [`invoice_promotions`]) and (for a
/// correction) returnable parts an invoice is priced with. Also returns the
/// plan cards, for the page.
pub(crate) async fn invoice_pricing(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    invoice: &SqlInvoice,
    promotions: Vec<Promotion>,
) -> Result<(PricingContext, Vec<PlanCard>), AppError> {
    let plans = client_plans_on(conn, invoice.client_id, invoice.invoice_date).await?;
    let rules = CoverageRules {
        date: invoice.invoice_date,
        minor_digits: clinic.currency.minor_digits,
        past_due_usable: clinic.past_due_usable,
    };
    let returnable = match invoice.corrects_invoice_id {
        Some(corrected) => Some(returnable(conn, corrected, invoice.invoice_date, rules.minor_digits).await?),
        None => None,
    };
    let subscriptions = plans.iter().map(|p| p.counted(Some(invoice.id))).collect();
    Ok((PricingContext { rules, subscriptions, promotions, returnable }, plans))
}

#[derive(FromRow)]
struct SqlLine {
    id: i64,
    position: i64,
    patient_id: i64,
    item_id: i64,
}

#[derive(FromRow)]
struct SqlPeriod {
    id: i64,
    resets: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
}

/// What a correction dated `on` may still return of invoice `corrected`:
/// each line's parts as posted, less what finalized corrections returned,
/// with what each posting still holds in its plan and, when that plan was
/// transferred since, the plan a unit given back moves on to.
pub(crate) async fn returnable(
    conn: &mut Conn,
    corrected: i64,
    on: NaiveDate,
    minor_digits: u32,
) -> Result<Vec<ReturnablePart>, AppError> {
    let record: Option<String> = sqlx::query_scalar("SELECT coverage_json FROM invoices WHERE id = $1")
        .bind(corrected)
        .fetch_one(&mut *conn)
        .await?;
    let Some(record) = record else { return Ok(Vec::new()) };
    let coverage = coverage_record::decode(corrected, &record)?;
    let lines: Vec<SqlLine> = sqlx::query_as(
        "SELECT id, position, patient_id, item_id FROM invoice_lines WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(corrected)
    .fetch_all(&mut *conn)
    .await?;
    let mut parts: Vec<ReturnablePart> = lines
        .iter()
        .filter_map(|l| {
            let covered = coverage.lines.get(usize::try_from(l.position).ok()?)?;
            Some(parts_of(l.id, l.patient_id, l.item_id, covered, minor_digits))
        })
        .flatten()
        .collect();
    let earlier: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT id, coverage_json FROM invoices WHERE corrects_invoice_id = $1 AND status = 'finalized' ORDER BY id",
    )
    .bind(corrected)
    .fetch_all(&mut *conn)
    .await?;
    for (id, record) in earlier {
        let Some(record) = record else { continue };
        let returned: Vec<_> =
            coverage_record::decode(id, &record)?.lines.into_iter().flat_map(|l| l.returns).collect();
        subtract_returned(&mut parts, &returned);
    }
    let benefits: Vec<i64> = parts.iter().filter_map(|p| p.drawn_from.map(|d| d.1)).collect();
    let periods = benefit_periods(conn, &benefits).await?;
    for part in parts.iter_mut() {
        let Some((_, benefit)) = part.drawn_from else { continue };
        let posting = posting_of_line(conn, part.line_id, benefit).await?;
        part.held = Quantity(posting.as_ref().map_or(0, |p| p.held));
        part.moved = match &posting {
            Some(p) if p.held > 0 => moved_use(conn, benefit, p.used_on, on).await?,
            _ => None,
        };
        part.counts_now = match (posting, periods.get(&benefit)) {
            (Some(p), Some(period)) if Reset::from_code(&period.resets) == Reset::Year => {
                p.used_on >= plan_year_start(period.starts_on, on)
            }
            _ => true,
        };
    }
    parts.retain(|p| p.quantity.0 > 0);
    Ok(parts)
}

async fn benefit_periods(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, SqlPeriod>, AppError> {
    let mut periods = HashMap::new();
    for id in ids {
        let period: SqlPeriod = sqlx::query_as(
            "SELECT b.id, b.resets, s.starts_on FROM subscription_benefits b
             JOIN subscriptions s ON s.id = b.subscription_id WHERE b.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        periods.insert(period.id, period);
    }
    Ok(periods)
}
