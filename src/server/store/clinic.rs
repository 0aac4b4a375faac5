//! The clinic a request acts for, and its settings.

use rust_decimal::Decimal;
use sqlx::FromRow;

use super::Store;
use crate::domain::plan_rules::PAST_DUE_USABLE;
use crate::domain::{Currency, PlanRules};
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;

#[derive(FromRow)]
struct SqlClinic {
    id: i64,
    organisation_id: i64,
    name: String,
    currency: String,
    minor_digits: i64,
    member_tag_label: String,
    time_zone: String,
    /// The organisation's stored `past_due_usable` setting, if any.
    past_due_usable: Option<String>,
}

impl Store {
    /// The clinic of the organisation a person works in: `preferred` when it
    /// is one of the organisation's, else its first. "Today" is the date on
    /// the clinic's own clock at `now`.
    pub async fn clinic_of(
        &self,
        organisation_id: i64,
        preferred: Option<i64>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<ClinicInfo, sqlx::Error> {
        let mut conn = self.reader().acquire().await?;
        clinic_on(&mut conn, organisation_id, preferred, now).await
    }
}

/// [`Store::clinic_of`] on the caller's connection: inside a write, the
/// clinic is read in the same transaction. Taking a second connection there
/// would let requests holding the writer and requests holding readers wait
/// on each other's pools until they time out.
pub(crate) async fn clinic_on(
    conn: &mut Conn,
    organisation_id: i64,
    preferred: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ClinicInfo, sqlx::Error> {
    // The one plan rule a clinic carries comes in the same statement: every
    // request reads its clinic, and a finalize reads its invoice's while it
    // holds its locks, so a second round trip here is paid everywhere.
    let row: SqlClinic = sqlx::query_as(
        "SELECT c.id, c.organisation_id, c.name, c.currency, c.minor_digits, c.member_tag_label, c.time_zone,
                (SELECT s.value FROM settings s WHERE s.organisation_id = c.organisation_id
                   AND s.key = $3) AS past_due_usable
         FROM clinics c WHERE c.organisation_id = $1 ORDER BY c.id = $2 DESC, c.id LIMIT 1",
    )
    .bind(organisation_id)
    .bind(preferred)
    .bind(PAST_DUE_USABLE)
    .fetch_one(&mut *conn)
    .await?;
    let rules = PlanRules::from_pairs(row.past_due_usable.as_deref().map(|value| (PAST_DUE_USABLE, value)));
    // A zone that no longer parses (renamed in a tz update) falls back
    // to UTC rather than refusing every page.
    let zone = row.time_zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    let today = now.with_timezone(&zone).date_naive();
    Ok(ClinicInfo {
        id: row.id,
        organisation_id: row.organisation_id,
        name: row.name,
        currency: Currency::new(&row.currency, row.minor_digits.clamp(0, 4) as u32),
        member_tag_label: row.member_tag_label,
        past_due_usable: rules.past_due_usable,
        today,
        time_zone: zone.name().to_string(),
    })
}

impl Store {
    /// The organisation's clinics, by id.
    pub async fn clinic_names(&self, organisation_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as("SELECT id, name FROM clinics WHERE organisation_id = $1 ORDER BY id")
            .bind(organisation_id)
            .fetch_all(self.reader())
            .await
    }

    /// The organisation and id of clinic `id`, or of the first clinic when
    /// none is named (the import command's default); `None` when there is
    /// no such clinic.
    pub async fn clinic_ids(&self, id: Option<i64>) -> Result<Option<(i64, i64)>, sqlx::Error> {
        match id {
            Some(id) => sqlx::query_as("SELECT organisation_id, id FROM clinics WHERE id = $1").bind(id),
            None => sqlx::query_as("SELECT organisation_id, id FROM clinics ORDER BY id LIMIT 1"),
        }
        .fetch_optional(self.reader())
        .await
    }
}

/// Reads a decimal stored as TEXT; a bad value is a database fault.
pub(crate) fn decimal(text: &str) -> Result<Decimal, sqlx::Error> {
    text.parse::<Decimal>()
        .map_err(|e| sqlx::Error::Decode(format!("stored amount \u{201c}{text}\u{201d}: {e}").into()))
}

/// The time of day `now` on the clinic's clock ("14:32:05"): what its staff
/// read on their wall, not the server's UTC.
pub fn clinic_time_of_day(clinic: &ClinicInfo, now: chrono::DateTime<chrono::Utc>) -> String {
    let zone = clinic.time_zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    now.with_timezone(&zone).format("%H:%M:%S").to_string()
}
