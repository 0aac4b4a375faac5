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
    let plan: Option<(String, Day)> =
        sqlx::query_as("SELECT status, starts_on FROM subscriptions WHERE id = $1 AND organisation_id = $2")
            .bind(subscription_id)
            .bind(clinic.organisation_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (status, Day(starts_on)) =
        plan.ok_or_else(|| AppError::NotFound(format!("There is no plan number {subscription_id} in this clinic.")))?;
    let status = crate::domain::SubscriptionStatus::from_code(&status).ok_or(AppError::Internal)?;
    crate::domain::next_status(status, crate::domain::Step::Cancel).map_err(AppError::Conflict)?;
    let used: Vec<SqlUsedItem> = sqlx::query_as(
        // Valued at what the plan saved the client when each use was posted:
        // a 50 %-off benefit half paid for is valued at the half it saved.
        "SELECT b.label, CAST(SUM(l.quantity) AS BIGINT) AS used, string_agg(l.savings, ' ') AS savings, i.unit_name,
                i.subunit_name, i.subunit_per_unit
         FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
         LEFT JOIN catalog_items i ON i.id = l.item_id
         WHERE b.subscription_id = $1 GROUP BY b.id, l.item_id, i.id HAVING CAST(SUM(l.quantity) AS BIGINT) <> 0 ORDER BY b.position",
    )
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
    let paid = payments_sum(conn, subscription_id, "'paid'").await?;
    let remaining = payments_sum(conn, subscription_id, "'due', 'failed'").await?;
    let rules = plan_rules(conn, clinic.organisation_id).await?;
    let (fee, cooling_days) = (rules.cancellation_fee, u64::from(rules.cooling_off_days));
    let input = SettlementInput {
        used: values,
        paid,
        remaining_instalments: remaining,
        fee,
        in_cooling_off: clinic.today < starts_on + Days::new(cooling_days),
    };
    Ok(settle(&input, option, &clinic.currency))
}

/// The sum of a plan's payments in the given statuses (an SQL list).
async fn payments_sum(conn: &mut Conn, subscription_id: i64, statuses: &str) -> Result<Money, AppError> {
    let amounts: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT amount FROM payments WHERE subscription_id = $1 AND status IN ({statuses})"
    ))
    .bind(subscription_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Money(amounts.iter().map(|a| decimal(a)).sum::<Result<rust_decimal::Decimal, _>>()?))
}
