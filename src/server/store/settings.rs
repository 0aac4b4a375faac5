//! Organisation settings: clinics and their own values, and plan rules.

use rust_decimal::Decimal;

use super::Store;
use super::accounts::clean_email;
use super::audit::Audit;
use crate::domain::{Currency, Money, PlanRules as DomainRules};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::settings::{ClinicSettings, PlanRules, SettingsPage};

/// The organisation's plan rules, read once from the settings table over
/// the defaults the domain keeps.
pub(crate) async fn plan_rules(conn: &mut Conn, organisation_id: i64) -> Result<DomainRules, sqlx::Error> {
    let pairs: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM settings WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(DomainRules::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

async fn put(conn: &mut Conn, organisation_id: i64, key: &str, value: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO settings (organisation_id, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (organisation_id, key) DO UPDATE SET value = excluded.value",
    )
    .bind(organisation_id)
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Refuses a new currency for a clinic that has sold or invoiced anything:
/// amounts are kept as numbers in the clinic's currency, so every one of
/// them would be read in the new one (€ 240 would become £ 240).
async fn refuse_currency_change(conn: &mut Conn, organisation_id: i64, c: &ClinicSettings) -> Result<(), AppError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT currency FROM clinics WHERE id = $1 AND organisation_id = $2")
            .bind(c.id)
            .bind(organisation_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(stored) = stored.filter(|s| *s != c.currency) else { return Ok(()) };
    let sold: i64 = sqlx::query_scalar(
        "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM subscriptions WHERE clinic_id = $1)
                            OR EXISTS (SELECT 1 FROM invoices WHERE clinic_id = $1) THEN 1 ELSE 0 END AS BIGINT)",
    )
    .bind(c.id)
    .fetch_one(&mut *conn)
    .await?;
    if sold != 0 {
        return Err(AppError::Invalid(format!(
            "{} has sold plans or invoiced in {stored}, and those amounts are kept in {stored}: the currency stays \
             {stored}. A clinic that works in {} is added as a clinic of its own.",
            c.name, c.currency
        )));
    }
    Ok(())
}

/// A clinic's input cleaned, or the first thing to fix.
fn clean_clinic(mut c: ClinicSettings) -> Result<ClinicSettings, AppError> {
    let invalid = |m: &str| Err(AppError::Invalid(m.to_string()));
    c.name = c.name.trim().to_string();
    c.currency = c.currency.trim().to_uppercase();
    c.time_zone = c.time_zone.trim().to_string();
    c.member_tag_label = c.member_tag_label.trim().to_string();
    c.import_code_prefix = c.import_code_prefix.trim().to_uppercase();
    if c.name.is_empty() || c.name.chars().count() > 80 {
        return invalid("Give the clinic a name of at most 80 characters.");
    }
    if c.currency.len() != 3 || !c.currency.chars().all(|ch| ch.is_ascii_uppercase()) {
        return invalid("The currency is a three-letter code such as EUR, GBP or USD.");
    }
    if c.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return invalid("The time zone is a name such as Europe/Amsterdam or America/New_York.");
    }
    if c.member_tag_label.is_empty() || c.member_tag_label.chars().count() > 24 {
        return invalid("The member tag needs a word of at most 24 characters, such as Plan member.");
    }
    if c.import_code_prefix.is_empty()
        || c.import_code_prefix.len() > 8
        || !c.import_code_prefix.chars().all(|ch| ch.is_ascii_alphanumeric())
    {
        return invalid("The import code prefix is 1 to 8 letters or digits, such as WP.");
    }
    let mut emails = Vec::new();
    for part in c.over_usage_emails.split([',', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        emails.push(clean_email(part).map_err(|_| {
            AppError::Invalid(format!("\u{201c}{part}\u{201d} in the over-usage recipients is not an email address."))
        })?);
    }
    if emails.len() > 20 {
        return invalid("List at most 20 over-usage recipients; a shared mailbox can reach more people.");
    }
    c.over_usage_emails = emails.join(", ");
    Ok(c)
}

impl Store {
    /// The settings page of an organisation.
    pub async fn settings_page(&self, organisation_id: i64) -> Result<SettingsPage, AppError> {
        let mut conn = self.reader().acquire().await?;
        let organisation_name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&mut *conn)
            .await?;
        let clinics = sqlx::query_as(
            "SELECT id, name, currency, time_zone, member_tag_label, import_code_prefix, over_usage_emails
             FROM clinics WHERE organisation_id = $1 ORDER BY id",
        )
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
        let stored = plan_rules(&mut conn, organisation_id).await?;
        let rules = PlanRules {
            cancellation_fee: stored.cancellation_fee.0.to_string(),
            cooling_off_days: i64::from(stored.cooling_off_days),
            max_hold_days: stored.max_hold_days,
            past_due_grace_days: stored.past_due_grace_days,
            past_due_usable: stored.past_due_usable,
            renewal_lead_days: stored.renewal_lead_days,
        };
        Ok(SettingsPage { organisation_name, clinics, rules })
    }

    /// Saves a clinic (or adds one when its id is 0); returns its id.
    pub async fn save_clinic(
        &self,
        organisation_id: i64,
        input: ClinicSettings,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let c = clean_clinic(input)?;
        let mut tx = self.begin_write().await?;
        if c.id != 0 {
            refuse_currency_change(&mut tx, organisation_id, &c).await?;
        }
        // New clinics and edits bind the same values in the same order.
        let sql = if c.id == 0 {
            "INSERT INTO clinics (name, currency, time_zone, member_tag_label, import_code_prefix, over_usage_emails,
                                  organisation_id, minor_digits)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        } else {
            "UPDATE clinics SET name = $1, currency = $2, time_zone = $3, member_tag_label = $4,
                                import_code_prefix = $5, over_usage_emails = $6,
                                minor_digits = CASE WHEN currency = $2 THEN minor_digits ELSE $8 END
             WHERE organisation_id = $7 AND id = $9 RETURNING id"
        };
        let mut query = sqlx::query_scalar(sql)
            .bind(&c.name)
            .bind(&c.currency)
            .bind(&c.time_zone)
            .bind(&c.member_tag_label)
            .bind(&c.import_code_prefix)
            .bind(&c.over_usage_emails)
            .bind(organisation_id)
            .bind(i64::from(crate::domain::Currency::minor_digits_of(&c.currency)));
        if c.id != 0 {
            query = query.bind(c.id);
        }
        let id: Option<i64> = query.fetch_optional(&mut *tx).await?;
        let id = id.ok_or_else(|| AppError::NotFound("There is no such clinic.".into()))?;
        let detail = format!("{}: {}, {}, tag \u{201c}{}\u{201d}", c.name, c.currency, c.time_zone, c.member_tag_label);
        Audit { action: "settings", entity: "clinic", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves the plan rules.
    pub async fn save_rules(
        &self,
        organisation_id: i64,
        currency: &Currency,
        rules: PlanRules,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let fee = rules
            .cancellation_fee
            .parse::<Decimal>()
            .ok()
            .filter(|f| !f.is_sign_negative() && f.scale() <= currency.minor_digits && *f < Decimal::from(100_000))
            .ok_or_else(|| {
                AppError::Invalid(format!("The cancellation fee is an amount in {} such as 25.00.", currency.code))
            })?;
        let mut tx = self.begin_write().await?;
        let org = organisation_id;
        // The form's handler has checked the range; this only refuses what
        // the stored type cannot hold.
        let cooling_off_days = u32::try_from(rules.cooling_off_days)
            .map_err(|_| AppError::Invalid("The cooling-off period is a whole number of days, 0 or more.".into()))?;
        let stored = DomainRules {
            cancellation_fee: Money(fee),
            cooling_off_days,
            max_hold_days: rules.max_hold_days,
            past_due_grace_days: rules.past_due_grace_days,
            past_due_usable: rules.past_due_usable,
            renewal_lead_days: rules.renewal_lead_days,
        };
        for (key, value) in stored.to_pairs() {
            put(&mut tx, org, key, &value).await?;
        }
        let detail = format!(
            "Fee {fee}, cooling-off {} days, hold up to {} days, grace {} days, past-due usable: {}, renew {} days ahead",
            rules.cooling_off_days,
            rules.max_hold_days,
            rules.past_due_grace_days,
            if rules.past_due_usable { "yes" } else { "no" },
            rules.renewal_lead_days
        );
        Audit { action: "settings", entity: "organisation", entity_id: org, detail: &detail, note: None }
            .write(&mut tx, org, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
