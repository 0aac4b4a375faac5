//! The clinic's working lists: plans by status and template, payments due,
//! renewals coming up. Each is also a CSV download.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::paging::Paging;

/// One plan in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PlanListRow {
    /// The subscription.
    pub id: i64,
    /// Plan name.
    pub plan_name: String,
    /// Owner.
    pub client_name: String,
    /// Pet, for wellness plans.
    pub patient_name: Option<String>,
    /// Status code.
    pub status: String,
    /// First day.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::Day"))]
    pub starts_on: NaiveDate,
    /// Last day.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::MaybeDay"))]
    pub ends_on: Option<NaiveDate>,
    /// Billing code.
    pub billing: String,
}

/// One payment due or failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PaymentDueRow {
    /// The subscription.
    pub subscription_id: i64,
    /// Plan name.
    pub plan_name: String,
    /// Owner.
    pub client_name: String,
    /// Instalment number.
    pub number: i64,
    /// Due date.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::Day"))]
    pub due_on: NaiveDate,
    /// Amount.
    pub amount: String,
    /// due or failed.
    pub status: String,
    /// The currency of the clinic that sold the plan (ISO code): a group's
    /// clinics may bill in different currencies.
    pub currency: String,
    /// That currency's decimal places, as the clinic keeps them.
    pub minor_digits: i64,
}

/// What to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFilter {
    /// A status code, or all.
    pub status: Option<String>,
    /// A template, or all.
    pub template_id: Option<i64>,
    /// Only plans sold at this clinic.
    pub clinic_id: Option<i64>,
}

/// The lists page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lists {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// Templates to filter by (id, name).
    pub templates: Vec<(i64, String)>,
    /// Plans matching the filter: one page of them on the page, all of
    /// them in a download.
    pub plans: Vec<PlanListRow>,
    /// Where the page of plans is among those matching.
    pub plans_paging: Paging,
    /// Instalments due within 30 days, or failed, soonest first: the first
    /// page's worth on the page, all of them in a download.
    pub payments_due: Vec<PaymentDueRow>,
    /// How many instalments are due or failed in all.
    pub payments_due_total: u64,
    /// Running plans ending within 60 days and not renewed, soonest first
    /// (as many as the payments).
    pub renewals: Vec<PlanListRow>,
    /// How many plans are up for renewal in all.
    pub renewals_total: u64,
    /// The organisation's clinics, for the filter.
    pub clinics: Vec<(i64, String)>,
}
