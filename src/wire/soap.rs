//! The SOAP page: what the vet intends, and what its coverage runs with.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::desk::DeskLine;
use super::patients::{PatientInfo, PlanCard};
use crate::domain::{CoverageRules, PricingContext, Promotion};

/// Everything the SOAP page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoapView {
    /// The SOAP note.
    pub id: i64,
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The patient.
    pub patient: PatientInfo,
    /// Plans covering the patient, with current balances.
    pub plans: Vec<PlanCard>,
    /// Visit date: plans are matched as of this day.
    pub visit_date: NaiveDate,
    /// "open" or "invoiced".
    pub status: String,
    /// Free text of the plan.
    pub plan_notes: String,
    /// The invoice it went on, if any.
    pub invoice_id: Option<i64>,
    /// Plan lines as typed.
    pub lines: Vec<DeskLine>,
    /// Promotions running on the visit date.
    pub promotions: Vec<Promotion>,
    /// The revision this page edits, and its mark.
    pub edit: crate::wire::desk::DraftEdit,
}

impl SoapView {
    /// The rules coverage runs with.
    pub fn rules(&self) -> CoverageRules {
        CoverageRules {
            date: self.visit_date,
            minor_digits: self.clinic.currency.minor_digits,
            past_due_usable: self.clinic.past_due_usable,
        }
    }

    /// Everything the plan is priced against (a SOAP plan returns nothing).
    pub fn pricing(&self) -> PricingContext {
        PricingContext {
            rules: self.rules(),
            subscriptions: self.plans.iter().map(|p| p.counted(None)).collect(),
            promotions: self.promotions.clone(),
            returnable: None,
        }
    }
}
