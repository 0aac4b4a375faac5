//! Following a transfer: a unit given back to a plan that was transferred
//! to another pet after a death moves on to the plan that took over, along
//! a chain of transfers. The ledger does it when the unit comes back, and a
//! correction's pricing predicts it with [`moved_use`], the same way.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::ledger::{NewEntry, Posting, append, posting};
use crate::domain::{Money, MovedUse, Quantity, Reset, plan_year_start};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlMoved {
    transferred_to: Option<i64>,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    cancelled_on: Option<NaiveDate>,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
    resets: String,
}

/// After a transfer, what comes back to the old plan moves on: the old plan
/// records it as moved too, and the new plan's "used before the move" gives
/// it back. Repeats along a chain of transfers.
pub(crate) async fn follow_transfer(
    conn: &mut Conn,
    benefit_id: i64,
    used_on: NaiveDate,
    quantity: i64,
    cause: i64,
    actor: &Actor,
) -> Result<(), AppError> {
    let (mut benefit_id, mut used_on, mut quantity) = (benefit_id, used_on, quantity);
    for _ in 0..16 {
        let Some((arrived, moved_on)) = next_arrival(conn, benefit_id, used_on).await? else { return Ok(()) };
        let take = quantity.min(arrived.held);
        if take <= 0 {
            return Ok(());
        }
        append(
            conn,
            NewEntry {
                benefit_id,
                patient_id: arrived.patient_id,
                item_id: None,
                quantity: take,
                source_kind: "transfer",
                source_key: format!("transfer-follow:{cause}:{benefit_id}"),
                reversal_of: None,
                invoice_line_id: None,
                note: format!("{take} given back after the move, moved on to the plan that took over"),
                used_on: moved_on,
                savings: Money::ZERO,
                owner_reason: None,
            },
            actor,
        )
        .await?;
        append(
            conn,
            NewEntry {
                benefit_id: arrived.benefit_id,
                patient_id: arrived.patient_id,
                item_id: None,
                quantity: -take,
                source_kind: "transfer",
                source_key: format!("transfer-back:{cause}:{}", arrived.benefit_id),
                reversal_of: Some(arrived.id),
                invoice_line_id: None,
                note: format!("{take} given back on the plan this one took over from"),
                used_on: arrived.used_on,
                savings: Money::ZERO,
                owner_reason: None,
            },
            actor,
        )
        .await?;
        (benefit_id, used_on, quantity) = (arrived.benefit_id, arrived.used_on, take);
    }
    Ok(())
}

/// The id of a transfer's posting for an old benefit ("transfer-in" on the
/// new plan, "transfer-out" on the old one).
pub(crate) async fn transfer_entry(
    conn: &mut Conn,
    direction: &str,
    old_benefit_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM usage_ledger WHERE source_kind = 'transfer' AND source_key = $1")
        .bind(format!("{direction}:{old_benefit_id}"))
        .fetch_optional(&mut *conn)
        .await?)
}

/// The arrival a use of `benefit_id` from `used_on` moves on through, and
/// the day it moved; `None` when the benefit's plan was not transferred or
/// the use was from a plan year that ended before the move.
async fn next_arrival(
    conn: &mut Conn,
    benefit_id: i64,
    used_on: NaiveDate,
) -> Result<Option<(Posting, NaiveDate)>, AppError> {
    let moved: Option<SqlMoved> = sqlx::query_as(
        "SELECT s.transferred_to_subscription_id AS transferred_to, s.cancelled_on, s.starts_on, b.resets
         FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id WHERE b.id = $1",
    )
    .bind(benefit_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(SqlMoved { transferred_to: Some(_), cancelled_on: Some(moved_on), starts_on, resets }) = moved else {
        return Ok(None);
    };
    // A use from a plan year that ended before the move was not part of
    // what moved.
    if Reset::from_code(&resets) == Reset::Year && used_on < plan_year_start(starts_on, moved_on) {
        return Ok(None);
    }
    let Some(arrived_id) = transfer_entry(conn, "transfer-in", benefit_id).await? else { return Ok(None) };
    Ok(posting(conn, arrived_id).await?.map(|arrived| (arrived, moved_on)))
}

/// Where a use of `benefit_id` from `used_on`, given back on `on`, ends up
/// when its plan was transferred: the last plan along the chain, and how
/// many units can still reach it.
pub(crate) async fn moved_use(
    conn: &mut Conn,
    benefit_id: i64,
    used_on: NaiveDate,
    on: NaiveDate,
) -> Result<Option<MovedUse>, AppError> {
    let (mut benefit_id, mut used_on) = (benefit_id, used_on);
    let mut found: Option<(i64, Posting)> = None;
    let mut room = i64::MAX;
    for _ in 0..16 {
        let Some((arrived, _)) = next_arrival(conn, benefit_id, used_on).await? else { break };
        room = room.min(arrived.held);
        if room <= 0 {
            break;
        }
        (benefit_id, used_on) = (arrived.benefit_id, arrived.used_on);
        let first = found.as_ref().map_or(arrived.id, |(first, _)| *first);
        found = Some((first, arrived));
    }
    let Some((first, last)) = found else { return Ok(None) };
    let (subscription_id, resets, Day(starts_on)): (i64, String, Day) = sqlx::query_as(
        "SELECT s.id, b.resets, s.starts_on FROM subscription_benefits b
         JOIN subscriptions s ON s.id = b.subscription_id WHERE b.id = $1",
    )
    .bind(last.benefit_id)
    .fetch_one(&mut *conn)
    .await?;
    let counts_now = Reset::from_code(&resets) != Reset::Year || last.used_on >= plan_year_start(starts_on, on);
    Ok(Some(MovedUse {
        subscription_id,
        benefit_id: last.benefit_id,
        arrival: first,
        room: Quantity(room.max(0)),
        counts_now,
    }))
}
