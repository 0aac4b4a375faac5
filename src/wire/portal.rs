//! The healthcard: every plan of a household, for the owner on the portal
//! and for staff on the patient page.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::patients::PlanCard;
use crate::domain::Money;

/// A pet of the household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pet {
    /// The patient.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// dog, cat, rabbit, other.
    pub species: String,
    /// When it died, if it has.
    pub deceased_on: Option<NaiveDate>,
}

/// One line of a plan's usage history, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageWords {
    /// When.
    pub on: NaiveDate,
    /// What happened ("Rex used 1 Wellness exam").
    pub text: String,
    /// Where it came from ("invoice INV-2026-0012").
    pub source: String,
}

/// One plan on the healthcard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthPlan {
    /// The plan with its benefits and balances.
    pub card: PlanCard,
    /// Paid so far.
    pub paid: Money,
    /// Still to pay (due or failed instalments).
    pub due: Money,
    /// The next instalment: date and amount.
    pub next_due: Option<(NaiveDate, Money)>,
    /// What the covered care would have cost without the plan.
    pub saved: Money,
    /// What was used, newest first.
    pub history: Vec<UsageWords>,
}

/// The household's healthcard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcard {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The client.
    pub client_id: i64,
    /// The owner's name.
    pub owner_name: String,
    /// The household's pets.
    pub pets: Vec<Pet>,
    /// Every plan, current first.
    pub plans: Vec<HealthPlan>,
    /// Saved across every plan.
    pub total_saved: Money,
}

impl Healthcard {
    /// The card as its owner may read it: without what is written for staff
    /// (a pack's note to the desk) or names the clinic's own records (the
    /// draft invoices holding booked sessions).
    pub fn for_owner(mut self) -> Self {
        for facts in self.plans.iter_mut().filter_map(|p| p.card.pack_facts.as_mut()) {
            facts.use_note.clear();
            facts.held_on_drafts.clear();
        }
        self
    }
}
