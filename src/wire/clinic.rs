//! The clinic a page works in, as the browser needs it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::Currency;

/// Clinic facts every clinic page uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicInfo {
    /// The clinic.
    pub id: i64,
    /// Its organisation.
    pub organisation_id: i64,
    /// Its name, shown in the header.
    pub name: String,
    /// Its currency.
    pub currency: Currency,
    /// The word on the member tag ("Member", "Plan member").
    pub member_tag_label: String,
    /// Whether past-due plans may still be used (a clinic setting).
    pub past_due_usable: bool,
    /// Today in the clinic, as the server saw it when the page loaded.
    pub today: NaiveDate,
    /// Its time zone ("Europe/Brussels"): the server shows stored moments
    /// on this clock.
    pub time_zone: String,
}
