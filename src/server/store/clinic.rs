//! The clinic a request acts for, and its settings.

use rust_decimal::Decimal;
use sqlx::FromRow;

use super::Store;
use crate::api::clinic::ClinicInfo;
use crate::domain::Currency;

#[derive(FromRow)]
struct SqlClinic {
    id: i64,
    organisation_id: i64,
    name: String,
    currency: String,
    minor_digits: i64,
    member_tag_label: String,
    past_due_usable: Option<String>,
}

impl Store {
    /// The organisation's main clinic. Until staff accounts choose one, the
    /// first clinic of the first organisation serves every request.
    pub async fn default_clinic(&self, today: chrono::NaiveDate) -> Result<ClinicInfo, sqlx::Error> {
        let row: SqlClinic = sqlx::query_as(
            "SELECT c.id, c.organisation_id, c.name, c.currency, c.minor_digits, c.member_tag_label,
                    (SELECT value FROM settings s WHERE s.organisation_id = c.organisation_id
                       AND s.key = 'past_due_usable') AS past_due_usable
             FROM clinics c ORDER BY c.organisation_id, c.id LIMIT 1",
        )
        .fetch_one(self.reader())
        .await?;
        Ok(ClinicInfo {
            id: row.id,
            organisation_id: row.organisation_id,
            name: row.name,
            currency: Currency::new(&row.currency, row.minor_digits.clamp(0, 4) as u32),
            member_tag_label: row.member_tag_label,
            past_due_usable: row.past_due_usable.as_deref() == Some("true"),
            today,
        })
    }
}

/// Reads a decimal stored as TEXT; a bad value is a database fault.
pub(crate) fn decimal(text: &str) -> Result<Decimal, sqlx::Error> {
    text.parse::<Decimal>()
        .map_err(|e| sqlx::Error::Decode(format!("stored amount \u{201c}{text}\u{201d}: {e}").into()))
}
