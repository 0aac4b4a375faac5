//! One plan and its usage history.

use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::patients::PlanCard;

/// One ledger entry as the history shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    /// The entry.
    pub id: i64,
    /// The benefit it counts against.
    pub benefit_label: String,
    /// The patient it was for.
    pub patient_name: Option<String>,
    /// The item used.
    pub item_name: Option<String>,
    /// Signed units (negative = returned).
    pub quantity: i64,
    /// Its source in words ("Invoice INV-2026-00004").
    pub source: String,
    /// The invoice, when it came from one.
    pub invoice_id: Option<i64>,
    /// The entry this one reverses.
    pub reversal_of: Option<i64>,
    /// For a use: what of it still counts (0 once removed, voided or
    /// returned in full). 0 for an entry that gives back.
    pub held: i64,
    /// Who.
    pub actor_name: String,
    /// Why.
    pub note: String,
    /// What the owner's healthcard says about it (removals), apart from
    /// the internal note.
    pub owner_reason: Option<String>,
    /// When: on the clinic's clock once the plan page reads it, else as
    /// stored (UTC).
    pub created_at: String,
}

/// A plan with its usage history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDetail {
    /// The client.
    pub client_id: i64,
    /// The client's name.
    pub client_name: String,
    /// The plan and its balances.
    pub card: PlanCard,
    /// Every ledger entry, newest first.
    pub history: Vec<LedgerRow>,
    /// The payment schedule.
    pub payments: Vec<super::selling::PaymentRow>,
    /// The settlement made when the plan was cancelled.
    pub settlement: Option<crate::domain::Settlement>,
    /// The plan that took over what was left, after a transfer.
    pub transferred_to: Option<i64>,
    /// The plan this one renews (its previous term).
    #[serde(default)]
    pub renews: Option<i64>,
    /// The next term, already sold (not cancelled): its plan and first day.
    #[serde(default)]
    pub next_term: Option<(i64, chrono::NaiveDate)>,
}

/// What the plan page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPageData {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The plan.
    pub detail: PlanDetail,
    /// The viewer may waive a settlement (a manager's override).
    pub may_waive: bool,
    /// The viewer may take payments, hold, renew and cancel (not vets).
    pub may_sell: bool,
    /// Where the plan is in its life, with what a hold remembers: which
    /// lifecycle buttons make sense.
    pub lifecycle: crate::domain::PlanState,
}

/// What the pet owner is told when the clinic removes a use from their
/// plan. The staff's own note says more and stays internal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemovalReason {
    /// Entered by mistake.
    Mistake,
    /// Counted on the wrong pet or the wrong plan.
    WrongPet,
    /// The same service was entered twice.
    Duplicate,
    /// The service was not given after all.
    NotGiven,
    /// Given back as a courtesy.
    Goodwill,
}

impl RemovalReason {
    /// Every reason, in the order the form offers them.
    pub const ALL: [RemovalReason; 5] = [
        RemovalReason::Mistake,
        RemovalReason::WrongPet,
        RemovalReason::Duplicate,
        RemovalReason::NotGiven,
        RemovalReason::Goodwill,
    ];

    /// The code a form sends.
    pub fn code(self) -> &'static str {
        match self {
            RemovalReason::Mistake => "mistake",
            RemovalReason::WrongPet => "wrong_pet",
            RemovalReason::Duplicate => "duplicate",
            RemovalReason::NotGiven => "not_given",
            RemovalReason::Goodwill => "goodwill",
        }
    }

    /// Reads a code.
    pub fn from_code(code: &str) -> Option<RemovalReason> {
        RemovalReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The words on the owner's healthcard, after "corrected by the clinic:".
    pub fn owner_words(self) -> &'static str {
        match self {
            RemovalReason::Mistake => "it was entered by mistake",
            RemovalReason::WrongPet => "it was counted on the wrong pet or plan",
            RemovalReason::Duplicate => "it was entered twice",
            RemovalReason::NotGiven => "the service was not given",
            RemovalReason::Goodwill => "given back as a courtesy",
        }
    }
}
