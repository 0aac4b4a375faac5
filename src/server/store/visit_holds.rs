//! Sessions held by visits on the schedule: booked or checked in, or
//! checked out onto an invoice that is still a draft. Derived from the
//! appointments each time, never kept as a count, so a hold cannot drift.

use serde::Deserialize;

use crate::wire::stored::DayTime;

/// One visit holding a unit of a pack.
#[derive(Clone, Debug)]
pub(crate) struct Hold {
    /// The pack.
    pub subscription_id: i64,
    /// The draft invoice a checked-out visit waits on; `None` while the
    /// visit is booked or the pet is here.
    pub draft_invoice_id: Option<i64>,
    /// When the visit is (was) on the schedule.
    pub starts_at: chrono::NaiveDateTime,
    /// Still to come: booked, not yet here.
    pub booked: bool,
}

/// Which visits hold a unit, written once for every reader.
pub(crate) const HOLDING: &str = "(a.status IN ('booked', 'checked_in')
     OR (a.status = 'checked_out' AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = a.invoice_id AND i.status = 'draft')))";

/// A subquery, to be followed by a parenthesised list of clients, that
/// gives the holds on their packs as one JSON array of [`ClientHold`]s
/// (`json_group_array`, spelled for the connection by the caller). The
/// holds come in the statement that reads the clients' plans: one round
/// trip fewer for every invoice, healthcard and finalize.
pub(crate) fn holds_as_json() -> String {
    format!(
        "(SELECT CAST(json_group_array(json_array(s.client_id, a.subscription_id,
                         CASE WHEN a.status = 'checked_out' THEN a.invoice_id END, a.starts_at,
                         CASE WHEN a.status = 'booked' THEN 1 ELSE 0 END)) AS TEXT)
          FROM appointments a JOIN subscriptions s ON s.id = a.subscription_id
          WHERE {HOLDING} AND s.client_id IN "
    )
}

/// A hold as [`holds_as_json`] gives it: client, pack, draft invoice,
/// start (as stored) and whether still booked (1 or 0).
#[derive(Deserialize)]
pub(crate) struct ClientHold(i64, i64, Option<i64>, String, i64);

impl ClientHold {
    /// The client and its hold.
    pub(crate) fn into_hold(self) -> Result<(i64, Hold), sqlx::Error> {
        let ClientHold(client, subscription_id, draft_invoice_id, starts_at, booked) = self;
        let starts_at = DayTime::parse(&starts_at).map_err(sqlx::Error::Decode)?;
        Ok((client, Hold { subscription_id, draft_invoice_id, starts_at, booked: booked != 0 }))
    }
}
