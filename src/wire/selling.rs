//! What the sell page offers, and a plan's payment schedule.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::patients::PatientInfo;
use crate::domain::{Billing, Money};

/// A plan template as the sell page offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateOffer {
    /// The template.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Wellness plan, package or session pack (words).
    pub kind: String,
    /// What it is for.
    pub description: String,
    /// Price for the term, for this patient (multi-pet discount applied).
    pub price: Money,
    /// Why the price differs from the list price, if it does.
    pub price_note: Option<String>,
    /// The ways this plan may be billed.
    pub billing: Vec<Billing>,
    /// Fee due with the first payment.
    pub enrollment_fee: Money,
    /// Term in months; `None` when open-ended.
    pub term_months: Option<u32>,
    /// Benefits in words ("3 × Wellness exam").
    pub benefits: Vec<String>,
    /// Why it cannot be sold to this patient, if it cannot.
    pub ineligible: Option<String>,
}

/// What the sell page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellPage {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The patient.
    pub patient: PatientInfo,
    /// Templates, eligible first.
    pub templates: Vec<TemplateOffer>,
}

/// One scheduled payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PaymentRow {
    /// The payment.
    pub id: i64,
    /// Its number in the schedule.
    pub number: i64,
    /// Due date.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::Day"))]
    pub due_on: NaiveDate,
    /// Amount as stored.
    pub amount: String,
    /// due, paid, failed or cancelled.
    pub status: String,
    /// When it was paid.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::MaybeDay"))]
    pub paid_on: Option<NaiveDate>,
    /// cash, card or transfer.
    pub method: Option<String>,
    /// Card slip or transfer reference.
    pub reference: Option<String>,
}
