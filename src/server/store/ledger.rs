//! Appending to the usage ledger, and giving back what a posting holds.
//!
//! A *posting* is an entry that counts a use (an invoice line's draw, an
//! import, an opening balance, a transfer). Every other entry adjusts one
//! posting and names it in `reversal_of`: a void, a removal, a correction's
//! return, or the undoing of such a return. What a posting still holds is
//! its quantity plus its adjustments, and the store keeps it between zero
//! and the posting's own quantity. An adjustment takes the posting's
//! service date, so it gives back to the plan year the use came from.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::FromRow;

use super::clinic::decimal;
use crate::domain::{Money, Reset, plan_year};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// An entry to append.
pub(crate) struct NewEntry<'a> {
    pub benefit_id: i64,
    pub patient_id: Option<i64>,
    pub item_id: Option<i64>,
    pub quantity: i64,
    pub source_kind: &'a str,
    pub source_key: String,
    pub reversal_of: Option<i64>,
    pub invoice_line_id: Option<i64>,
    pub note: String,
    pub used_on: NaiveDate,
    pub savings: Money,
    /// What the owner's healthcard says about the entry, when staff's note
    /// is internal (a removal).
    pub owner_reason: Option<&'static str>,
}

/// Appends an entry; returns its id.
pub(crate) async fn append(conn: &mut Conn, entry: NewEntry<'_>, actor: &Actor) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind, source_key,
                                   reversal_of, invoice_line_id, actor_user_id, actor_name, note, used_on, savings,
                                   owner_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(entry.benefit_id)
    .bind(entry.patient_id)
    .bind(entry.item_id)
    .bind(entry.quantity)
    .bind(entry.source_kind)
    .bind(entry.source_key)
    .bind(entry.reversal_of)
    .bind(entry.invoice_line_id)
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(entry.note)
    .bind(Day(entry.used_on))
    .bind(entry.savings.0.to_string())
    .bind(entry.owner_reason)
    .fetch_one(&mut *conn)
    .await?)
}

/// A posting with what it still holds.
#[derive(Clone, Debug)]
pub(crate) struct Posting {
    pub id: i64,
    pub benefit_id: i64,
    pub patient_id: Option<i64>,
    pub item_id: Option<i64>,
    pub invoice_line_id: Option<i64>,
    pub used_on: NaiveDate,
    /// Its quantity plus every adjustment of it.
    pub held: i64,
    /// Its savings plus every adjustment's.
    pub savings_held: Money,
}

impl Posting {
    /// The savings that go with giving back `quantity` of what it holds.
    pub fn savings_of(&self, quantity: i64, minor_digits: u32) -> Money {
        if quantity >= self.held || self.held == 0 {
            return self.savings_held;
        }
        Money(self.savings_held.0 * Decimal::from(quantity) / Decimal::from(self.held)).round(minor_digits)
    }
}

#[derive(FromRow)]
struct SqlPosting {
    id: i64,
    subscription_benefit_id: i64,
    patient_id: Option<i64>,
    item_id: Option<i64>,
    quantity: i64,
    invoice_line_id: Option<i64>,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    used_on: NaiveDate,
    savings: String,
    adjusted: i64,
    adjusted_savings: String,
}

const POSTING: &str = "SELECT p.id, p.subscription_benefit_id, p.patient_id, p.item_id, p.quantity,
        p.invoice_line_id, p.used_on, p.savings,
        COALESCE((SELECT CAST(SUM(a.quantity) AS BIGINT) FROM usage_ledger a WHERE a.reversal_of = p.id), 0) AS adjusted,
        COALESCE((SELECT string_agg(a.savings, ' ') FROM usage_ledger a WHERE a.reversal_of = p.id), '')
          AS adjusted_savings
     FROM usage_ledger p";

fn posting_from(row: SqlPosting) -> Result<Posting, AppError> {
    let mut savings = decimal(&row.savings)?;
    for part in row.adjusted_savings.split_whitespace() {
        savings += decimal(part)?;
    }
    Ok(Posting {
        id: row.id,
        benefit_id: row.subscription_benefit_id,
        patient_id: row.patient_id,
        item_id: row.item_id,
        invoice_line_id: row.invoice_line_id,
        used_on: row.used_on,
        held: row.quantity + row.adjusted,
        savings_held: Money(savings),
    })
}

/// One entry as a posting, if it is one (an adjustment is not).
pub(crate) async fn posting(conn: &mut Conn, entry_id: i64) -> Result<Option<Posting>, AppError> {
    let row: Option<SqlPosting> =
        sqlx::query_as(&format!("{POSTING} WHERE p.id = $1 AND p.reversal_of IS NULL AND p.quantity > 0"))
            .bind(entry_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(posting_from).transpose()
}

/// The postings an invoice's lines made, in line order.
pub(crate) async fn postings_of_invoice(conn: &mut Conn, invoice_id: i64) -> Result<Vec<Posting>, AppError> {
    let rows: Vec<SqlPosting> = sqlx::query_as(&format!(
        "{POSTING} JOIN invoice_lines il ON il.id = p.invoice_line_id
         WHERE il.invoice_id = $1 AND p.reversal_of IS NULL AND p.quantity > 0 ORDER BY il.position, p.id"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(posting_from).collect()
}

/// The posting an invoice line made on a benefit, if any.
pub(crate) async fn posting_of_line(
    conn: &mut Conn,
    line_id: i64,
    benefit_id: i64,
) -> Result<Option<Posting>, AppError> {
    let row: Option<SqlPosting> = sqlx::query_as(&format!(
        "{POSTING} WHERE p.invoice_line_id = $1 AND p.subscription_benefit_id = $2
           AND p.reversal_of IS NULL AND p.quantity > 0"
    ))
    .bind(line_id)
    .bind(benefit_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(posting_from).transpose()
}

/// How an adjustment is recorded.
pub(crate) struct Adjustment<'a> {
    pub source_kind: &'a str,
    /// Made unique per adjustment of the posting by [`give_back`].
    pub source_key: &'a str,
    pub invoice_line_id: Option<i64>,
    pub note: String,
    pub savings: Money,
    pub owner_reason: Option<&'static str>,
}

/// Gives back `quantity` (at most what `posting` holds) to the plan it came
/// from. When that plan's benefits moved to another pet after a death, the
/// unit follows them to the plan that took over instead of being lost on a
/// cancelled plan.
pub(crate) async fn give_back(
    conn: &mut Conn,
    posting: &Posting,
    quantity: i64,
    how: Adjustment<'_>,
    actor: &Actor,
) -> Result<i64, AppError> {
    let quantity = quantity.min(posting.held);
    if quantity <= 0 {
        return Err(AppError::Conflict("This use was already given back; nothing was changed.".into()));
    }
    let earlier: i64 = sqlx::query_scalar("SELECT count(*) FROM usage_ledger WHERE reversal_of = $1")
        .bind(posting.id)
        .fetch_one(&mut *conn)
        .await?;
    let id = append(
        conn,
        NewEntry {
            benefit_id: posting.benefit_id,
            patient_id: posting.patient_id,
            item_id: posting.item_id,
            quantity: -quantity,
            source_kind: how.source_kind,
            source_key: format!("{}:{}:{earlier}", how.source_key, posting.id),
            reversal_of: Some(posting.id),
            invoice_line_id: how.invoice_line_id,
            note: how.note,
            used_on: posting.used_on,
            savings: Money::ZERO - how.savings,
            owner_reason: how.owner_reason,
        },
        actor,
    )
    .await?;
    super::transfer_follow::follow_transfer(conn, posting.benefit_id, posting.used_on, quantity, id, actor).await?;
    Ok(id)
}

// Stored dates are ISO text: bounds outside four-digit years would not
// compare as dates.
const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");
const LATEST: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// The first and the day after the last day of the period that holds `on`
/// for a benefit: its plan year when it resets yearly, else all time.
async fn period(
    conn: &mut Conn,
    benefit_id: i64,
    on: NaiveDate,
) -> Result<(Option<i64>, NaiveDate, NaiveDate), AppError> {
    let (limit, resets, Day(starts_on)): (Option<i64>, String, Day) = sqlx::query_as(
        "SELECT b.limit_quantity, b.resets, s.starts_on FROM subscription_benefits b
         JOIN subscriptions s ON s.id = b.subscription_id WHERE b.id = $1",
    )
    .bind(benefit_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(if Reset::from_code(&resets) == Reset::Year {
        let (from, until) = plan_year(starts_on, on);
        (limit, from, until.min(LATEST))
    } else {
        (limit, EARLIEST, LATEST)
    })
}

/// A benefit's limit and what it has used in the period that holds `on`
/// (its plan year when it resets yearly, else its whole term).
pub(crate) async fn used_in_period(
    conn: &mut Conn,
    benefit_id: i64,
    on: NaiveDate,
) -> Result<(Option<i64>, i64), AppError> {
    let (limit, from, until) = period(conn, benefit_id, on).await?;
    let used: i64 = sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger
         WHERE subscription_benefit_id = $1 AND used_on >= $2 AND used_on < $3",
    )
    .bind(benefit_id)
    .bind(Day(from))
    .bind(Day(until))
    .fetch_one(&mut *conn)
    .await?;
    Ok((limit, used))
}

/// What a benefit's uses saved in the period that holds `on`.
pub(crate) async fn saved_in_period(conn: &mut Conn, benefit_id: i64, on: NaiveDate) -> Result<Money, AppError> {
    let (_, from, until) = period(conn, benefit_id, on).await?;
    let amounts: Vec<String> = sqlx::query_scalar(
        "SELECT savings FROM usage_ledger WHERE subscription_benefit_id = $1 AND used_on >= $2 AND used_on < $3",
    )
    .bind(benefit_id)
    .bind(Day(from))
    .bind(Day(until))
    .fetch_all(&mut *conn)
    .await?;
    amounts.iter().try_fold(Money::ZERO, |sum, a| Ok(sum + Money(decimal(a)?)))
}
