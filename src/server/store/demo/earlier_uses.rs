//! The demo's history: what its pets used at earlier visits, invoiced by the
//! clinic's practice system and counted by the sync.

use chrono::NaiveDate;

use crate::server::store::Tx;
use crate::server::store::dialect::on_postgres;
use crate::server::store::sync_postings::posting_key_prefix;
use crate::wire::stored::Day;

/// One earlier use of a benefit, on the practice system's invoice `invoice`.
pub(super) struct EarlierUse {
    pub benefit_id: i64,
    pub patient_id: i64,
    pub item_id: i64,
    pub quantity: i64,
    pub on: NaiveDate,
    pub invoice: String,
    pub staff: &'static str,
    /// The minute past ten it was recorded, so a day's uses keep an order.
    pub minute: i64,
}

impl EarlierUse {
    /// Appends the use to the ledger as the sync would have posted it.
    pub(super) async fn record(&self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        // Keyed as the sync keys its postings, so every page words it as the
        // practice system's use it stands for; as draw 0, which no sync makes
        // (its draws count from 1), so a real import of the same invoice id
        // can never collide with it.
        let prefix = posting_key_prefix(1, &self.invoice, self.patient_id, self.item_id);
        let key = format!("{prefix}0:{}", self.benefit_id);
        let saved = if on_postgres(tx) { SAVED_POSTGRES } else { SAVED_SQLITE };
        // Saved what the regular price and the benefit's discount give, as if
        // posted on the day of the visit.
        sqlx::query(&format!(
            "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                                       source_key, actor_name, note, created_at, used_on, savings)
             SELECT $1, $2, $3, $4, 'import_line', $5, $6, $7, $8, $9, {saved}
             FROM catalog_items i, subscription_benefits b WHERE i.id = $11 AND b.id = $12"
        ))
        .bind(self.benefit_id)
        .bind(self.patient_id)
        .bind(self.item_id)
        .bind(self.quantity)
        .bind(key)
        .bind(self.staff)
        .bind(format!("Visit on {}", self.on.format("%-d %b %Y")))
        .bind(format!("{}T10:{:02}:00Z", self.on, self.minute))
        .bind(Day(self.on))
        .bind(self.quantity)
        .bind(self.item_id)
        .bind(self.benefit_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// What a demo use saved, as money text with two decimals: its item's
/// regular price for `$10` units at the benefit's discount.
const SAVED_SQLITE: &str = "printf('%.2f', CAST(i.regular_price AS REAL) * $10 / COALESCE(i.subunit_per_unit, 1)
                                           * CAST(b.discount_percent AS REAL) / 100.0)";
const SAVED_POSTGRES: &str = "CAST(ROUND(CAST(i.regular_price AS NUMERIC) * $10 / COALESCE(i.subunit_per_unit, 1)
                                          * CAST(b.discount_percent AS NUMERIC) / 100, 2) AS TEXT)";
