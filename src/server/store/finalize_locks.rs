//! What two finalizes running side by side on PostgreSQL take turns for.
//!
//! A finalize holds the write lock shared ([`super::Store::begin_finalize`]),
//! so finalizes no longer wait for each other as a whole, while every other
//! write still waits for them and they for it. What two of them could both
//! change is locked before it is read:
//! - the invoice's row (`invoice_row::invoice_row_to_change`);
//! - the household's plans: coverage is priced from the plans of the
//!   invoice's client alone, so two finalizes for one household take turns
//!   and the second counts what the first posted;
//! - the organisation's invoice numbers, which run without gaps: the
//!   counter's row (`finalize::next_number`), taken as late as the ledger's
//!   notes allow and held until the commit.
//!
//! They are always taken in that order, so two finalizes never wait for each
//! other in a circle. On SQLite the whole finalize already holds the one
//! write lock, and the household's is a no-op.

use super::Conn;
use super::dialect::on_postgres;

/// The first key of the household locks (the second is the client's id).
const HOUSEHOLD: i32 = 0x4343_0002;

/// Waits for, and holds until the transaction ends, the right to count
/// against the plans of client `client_id`.
pub(crate) async fn lock_household(conn: &mut Conn, client_id: i64) -> Result<(), sqlx::Error> {
    lock_pair(conn, HOUSEHOLD, client_id).await
}

async fn lock_pair(conn: &mut Conn, class: i32, id: i64) -> Result<(), sqlx::Error> {
    if !on_postgres(conn) {
        return Ok(());
    }
    // The second key is 32 bits: two ids that share their low bits share a
    // lock, which only makes them take turns.
    let key = (id & i64::from(i32::MAX)) as i32;
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)").bind(class).bind(key).execute(&mut *conn).await?;
    Ok(())
}
