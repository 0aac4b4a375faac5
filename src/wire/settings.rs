//! Organisation and clinic settings (managers).

use serde::{Deserialize, Serialize};

/// One clinic (department) of the organisation and its own settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ClinicSettings {
    /// The clinic; 0 for a new one.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// ISO currency code (EUR, GBP, USD).
    pub currency: String,
    /// IANA time zone: what "today" means for plans and invoices.
    pub time_zone: String,
    /// The word on the member tag.
    pub member_tag_label: String,
    /// Code prefix of plan items imported from other systems.
    pub import_code_prefix: String,
    /// Who hears about over-usage, comma-separated.
    pub over_usage_emails: String,
}

/// The plan rules the organisation works by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRules {
    /// Fee charged on cancellation, outside the cooling-off period.
    pub cancellation_fee: String,
    /// Days after the start when cancelling is free of fees.
    pub cooling_off_days: i64,
    /// Most days a plan may spend on hold per term.
    pub max_hold_days: i64,
    /// Days a payment may be late before the plan is past due.
    pub past_due_grace_days: i64,
    /// Whether benefits stay usable while a plan is past due.
    pub past_due_usable: bool,
    /// Days before the end that auto-renewing plans renew.
    pub renewal_lead_days: i64,
}

/// What the settings page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    /// The organisation's name.
    pub organisation_name: String,
    /// Its clinics.
    pub clinics: Vec<ClinicSettings>,
    /// Its plan rules.
    pub rules: PlanRules,
}
