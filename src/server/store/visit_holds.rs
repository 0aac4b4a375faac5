//! Sessions held by visits on the schedule: booked or checked in, or
//! checked out onto an invoice that is still a draft. Derived from the
//! appointments each time, never kept as a count, so a hold cannot drift.

use crate::server::store::dialect::{numbered, on_postgres};
use crate::server::store::{Conn, Db};
use sqlx::{FromRow, QueryBuilder};

/// One visit holding a unit of a pack.
#[derive(Clone, Debug, FromRow)]
pub(crate) struct Hold {
    /// The pack.
    pub subscription_id: i64,
    /// The draft invoice a checked-out visit waits on; `None` while the
    /// visit is booked or the pet is here.
    pub draft_invoice_id: Option<i64>,
    /// When the visit is (was) on the schedule.
    #[sqlx(try_from = "crate::wire::stored::DayTime")]
    pub starts_at: chrono::NaiveDateTime,
    /// Still to come: booked, not yet here.
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    pub booked: bool,
}

/// Which visits hold a unit, written once for every reader.
pub(crate) const HOLDING: &str = "(a.status IN ('booked', 'checked_in')
     OR (a.status = 'checked_out' AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = a.invoice_id AND i.status = 'draft')))";

/// The holds on the packs of these clients, with each one's client.
pub(crate) async fn holds_of_clients(conn: &mut Conn, clients: &[i64]) -> Result<Vec<(i64, Hold)>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        client_id: i64,
        #[sqlx(flatten)]
        hold: Hold,
    }
    let mut query: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT s.client_id, a.subscription_id,
                CASE WHEN a.status = 'checked_out' THEN a.invoice_id END AS draft_invoice_id,
                a.starts_at, a.status = 'booked' AS booked
         FROM appointments a JOIN subscriptions s ON s.id = a.subscription_id
         WHERE ",
    );
    query.push(HOLDING).push(" AND s.client_id IN (");
    let mut list = query.separated(", ");
    for client in clients {
        list.push_bind(*client);
    }
    query.push(")");
    let (sql, args) = numbered(&mut query, on_postgres(conn))?;
    let rows: Vec<Row> = sqlx::query_as_with(&sql, args).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.client_id, r.hold)).collect())
}
