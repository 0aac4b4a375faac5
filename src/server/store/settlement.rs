//! What cancelling a plan now would settle: what the used benefits saved against
//! payments, with the clinic's fee and cooling-off period.

use chrono::Days;
use sqlx::FromRow;

use super::clinic::decimal;
use super::settings::plan_rules;
use crate::domain::{
    Money, Quantity, Settlement, SettlementInput, SettlementOption, Subunit, UnitSpec, UsedValue, settle,
};
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlUsedItem {
    label: String,
    used: i64,
    savings: String,
    unit_name: Option<String>,
    subunit_name: Option<String>,
    subunit_per_unit: Option<i64>,
}

/// The settlement cancelling `subscription_id` now would make.
pub async fn settlement_on(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    subscription_id: i64,
    option: SettlementOption,
) -> Result<Settlement, AppError> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM subscriptions WHERE id = $1 AND organisation_id = $2")
            .bind(subscription_id)
            .bind(clinic.organisation_id)
            .fetch_optional(&mut *conn)
            .await?;
    let status = status
        .ok_or_else(|| AppError::NotFound(format!("There is no plan number {subscription_id} in this clinic.")))?;
    let status = crate::domain::SubscriptionStatus::from_code(&status).ok_or(AppError::Internal)?;
    crate::domain::next_status(status, crate::domain::Step::Cancel).map_err(AppError::Conflict)?;
    // Cancelling one term would leave the next, already sold, to run and be
    // billed: the clinic cancels (and settles) that one first.
    let renewal: Option<(i64, Day)> = sqlx::query_as(
        "SELECT id, starts_on FROM subscriptions WHERE renews_subscription_id = $1 AND status <> 'cancelled'",
    )
    .bind(subscription_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((next, Day(from))) = renewal {
        let from = from.format("%-d %b %Y");
        return Err(AppError::Conflict(format!(
            "This plan's next term is already sold (plan {next}, from {from}). Cancel that one first (\u{201c}Open the \
             next term\u{201d} at the top of this page), then this one: each is settled on its own."
        )));
    }
    let used: Vec<SqlUsedItem> = sqlx::query_as(&format!(
        // Valued at what the plan saved the client when each use was posted:
        // a 50 %-off benefit half paid for is valued at the half it saved.
        // A plan that took over after a death counts its predecessors' uses
        // where they were posted, not the copies the move wrote.
        "{CHAIN} SELECT b.label, CAST(SUM(l.quantity) AS BIGINT) AS used, string_agg(l.savings, ' ') AS savings,
                i.unit_name, i.subunit_name, i.subunit_per_unit
         FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
         LEFT JOIN catalog_items i ON i.id = l.item_id
         WHERE b.subscription_id IN (SELECT id FROM chain) AND l.source_kind <> 'transfer'
         GROUP BY b.position, b.label, l.item_id, i.id HAVING CAST(SUM(l.quantity) AS BIGINT) <> 0
         ORDER BY b.position"
    ))
    .bind(subscription_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut values = Vec::new();
    for u in used {
        let units = UnitSpec {
            unit: u.unit_name.unwrap_or_else(|| "unit".into()),
            subunit: u.subunit_name.zip(u.subunit_per_unit).map(|(name, per)| Subunit { name, per_unit: per as u32 }),
        };
        let value = u
            .savings
            .split_whitespace()
            .try_fold(Money::ZERO, |sum, s| decimal(s).map(|d| sum + Money(d)))?
            .round(clinic.currency.minor_digits);
        values.push(UsedValue { label: u.label, units: units.describe(Quantity(u.used)), value });
    }
    // A plan that took over after a death carries on its predecessors'
    // contract: what was paid for them counts, and the cooling-off period
    // ran from the first plan's start, not from the move.
    let paid = payments_sum(conn, subscription_id, "'paid'").await? + paid_on_invoice(conn, subscription_id).await?;
    let Day(first_start) = sqlx::query_scalar(&format!(
        "{CHAIN} SELECT MIN(starts_on) FROM subscriptions WHERE id IN (SELECT id FROM chain)"
    ))
    .bind(subscription_id)
    .fetch_one(&mut *conn)
    .await?;
    let remaining = payments_sum(conn, subscription_id, "'due', 'failed'").await?;
    let (fee, cooling_days) = cancellation_terms(conn, clinic.organisation_id, subscription_id).await?;
    let input = SettlementInput {
        used: values,
        paid,
        remaining_instalments: remaining,
        fee,
        in_cooling_off: clinic.today < first_start + Days::new(cooling_days),
    };
    Ok(settle(&input, option, &clinic.currency))
}

/// The cancellation fee and cooling-off days the plan was sold under (a plan
/// that took over after a death carries its predecessor's); one kept
/// without them is settled by the organisation's rules of today.
async fn cancellation_terms(
    conn: &mut Conn,
    organisation_id: i64,
    subscription_id: i64,
) -> Result<(Money, u64), AppError> {
    let (fee, days): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT cancellation_fee, cooling_off_days FROM subscriptions WHERE id = $1")
            .bind(subscription_id)
            .fetch_one(&mut *conn)
            .await?;
    let rules = plan_rules(conn, organisation_id).await?;
    let fee = match fee {
        Some(fee) => Money(decimal(&fee)?),
        None => rules.cancellation_fee,
    };
    let days = days.and_then(|d| u64::try_from(d).ok()).unwrap_or(u64::from(rules.cooling_off_days));
    Ok((fee, days))
}

/// The plan `$1` and the plans it took over from after a death, as the
/// table `chain(id)`. `UNION` keeps a damaged row from looping.
const CHAIN: &str = "WITH RECURSIVE chain(id) AS (
     SELECT CAST($1 AS BIGINT)
     UNION SELECT s.id FROM subscriptions s JOIN chain c ON s.transferred_to_subscription_id = c.id)";

/// What a pack sold on an invoice was charged there: its share of the
/// line, paid with the invoice rather than in instalments. Nothing once
/// that invoice is voided.
async fn paid_on_invoice(conn: &mut Conn, subscription_id: i64) -> Result<Money, AppError> {
    let price: Option<String> = sqlx::query_scalar(
        "SELECT s.price FROM subscriptions s JOIN invoices i ON i.id = s.sold_on_invoice_id
         WHERE s.id = $1 AND i.status = 'finalized'",
    )
    .bind(subscription_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Money(price.as_deref().map(decimal).transpose()?.unwrap_or_default()))
}

/// The sum of the payments in the given statuses (an SQL list) of a plan
/// and the plans it took over from (whose instalments still due moved to it).
async fn payments_sum(conn: &mut Conn, subscription_id: i64, statuses: &str) -> Result<Money, AppError> {
    let amounts: Vec<String> = sqlx::query_scalar(&format!(
        "{CHAIN} SELECT amount FROM payments WHERE subscription_id IN (SELECT id FROM chain) AND status IN ({statuses})"
    ))
    .bind(subscription_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Money(amounts.iter().map(|a| decimal(a)).sum::<Result<rust_decimal::Decimal, _>>()?))
}
