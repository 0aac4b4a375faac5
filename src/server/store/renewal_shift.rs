//! A resumed plan's term grows by the days it was held; a next term that
//! is already sold moves with it, so the two never run side by side (a pet
//! would hold two sets of benefits on the same days).

use chrono::{Days, NaiveDate};

use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::stored::{Day, MaybeDay};

/// What became of the held days.
pub(crate) enum Extension {
    /// The term grows by the days; a next term not yet begun moves with it.
    Extend { moved_renewal: Option<i64> },
    /// The next term has already begun: the held days cannot be added
    /// before it, so the term stays as it was.
    Kept { renewal: i64, started: NaiveDate },
}

/// Decides, and moves the next term of plan `id` by `days` where it can.
pub(crate) async fn move_renewal(conn: &mut Conn, id: i64, days: u64, today: NaiveDate) -> Result<Extension, AppError> {
    let renewal: Option<(i64, Day, MaybeDay)> = sqlx::query_as(
        "SELECT id, starts_on, ends_on FROM subscriptions WHERE renews_subscription_id = $1 AND status <> 'cancelled'",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((renewal, Day(starts_on), MaybeDay(ends_on))) = renewal else {
        return Ok(Extension::Extend { moved_renewal: None });
    };
    if starts_on <= today {
        return Ok(Extension::Kept { renewal, started: starts_on });
    }
    if days == 0 {
        return Ok(Extension::Extend { moved_renewal: None });
    }
    sqlx::query("UPDATE subscriptions SET starts_on = $1, ends_on = $2 WHERE id = $3")
        .bind(Day(starts_on + Days::new(days)))
        .bind(ends_on.map(|end| Day(end + Days::new(days))))
        .bind(renewal)
        .execute(&mut *conn)
        .await?;
    // Its instalments fall due as many days later.
    let due: Vec<(i64, Day)> =
        sqlx::query_as("SELECT id, due_on FROM payments WHERE subscription_id = $1 AND status = 'due'")
            .bind(renewal)
            .fetch_all(&mut *conn)
            .await?;
    for (payment, Day(due_on)) in due {
        sqlx::query("UPDATE payments SET due_on = $1 WHERE id = $2")
            .bind(Day(due_on + Days::new(days)))
            .bind(payment)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Extension::Extend { moved_renewal: Some(renewal) })
}
