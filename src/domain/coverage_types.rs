//! What coverage works on and what it gives: draft lines, the rules, and
//! the outcome per line and per draft.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::benefit::{BenefitId, GroupId, ItemId};
use super::discount::OtherDiscount;
use super::explain::LineFacts;
use super::money::{Money, Percent};
use super::quantity::{Quantity, UnitSpec};
use super::returns::Return;
use super::subscription::{PatientId, SubscriptionId};
use super::tracker::Tracker;

/// A catalog item as a draft line needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRef {
    /// The item.
    pub id: ItemId,
    /// Its code ("VAC-DHPP").
    pub code: String,
    /// Its name ("DHPP vaccine").
    pub name: String,
    /// The group it belongs to, if any.
    pub group_id: Option<GroupId>,
    /// Regular price of one main unit (one box, one dose).
    pub regular_price: Money,
    /// Unit and subunit.
    pub units: UnitSpec,
}

impl ItemRef {
    /// Regular price of `quantity` smallest units, unrounded.
    pub fn price_of(&self, quantity: Quantity) -> rust_decimal::Decimal {
        self.regular_price.0 * rust_decimal::Decimal::from(quantity.0)
            / rust_decimal::Decimal::from(self.units.per_unit())
    }
}

/// One line of a draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    /// The patient the line is for.
    pub patient_id: PatientId,
    /// The item.
    pub item: ItemRef,
    /// Signed quantity in smallest units; negative on correction lines.
    pub quantity: Quantity,
    /// A promotion's discount, if one runs for this item.
    pub promotion: Option<Percent>,
    /// A discount typed by staff on this line.
    pub manual_discount: Option<Percent>,
}

/// The facts coverage depends on besides the lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRules {
    /// The draft's date: plans are matched as of this day.
    pub date: NaiveDate,
    /// Decimal places of the currency's minor unit.
    pub minor_digits: u32,
    /// Whether past-due plans may still be drawn (a clinic setting).
    pub past_due_usable: bool,
}

/// Units of one line drawn from (or, when negative, returned to) a benefit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The subscription drawn.
    pub subscription_id: SubscriptionId,
    /// The benefit drawn.
    pub benefit_id: BenefitId,
    /// Signed units.
    pub quantity: Quantity,
    /// The benefit's discount on them.
    pub discount: Percent,
    /// Money saved on these units, rounded.
    pub savings: Money,
}

/// The outcome for one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCoverage {
    /// The line's signed quantity.
    pub quantity: Quantity,
    /// Draws on benefits, in the order taken.
    pub allocations: Vec<Allocation>,
    /// Sum of the allocations.
    pub covered: Quantity,
    /// Units not covered by a benefit: `quantity − covered`.
    pub excess: Quantity,
    /// The single best other discount applied to the excess.
    pub excess_discount: Option<OtherDiscount>,
    /// Regular price of the whole line.
    pub gross: Money,
    /// Every discount on the line.
    pub discount: Money,
    /// What is charged: `gross − discount`.
    pub net: Money,
    /// True when a usable plan covers this item at all.
    pub plan_applies: bool,
    /// The benefits this line asked of, in drawing order, whether or not
    /// they had anything left: the line's badge shows the first.
    pub asked: Vec<(SubscriptionId, BenefitId)>,
    /// What a person reads beside the line.
    pub explanation: String,
    /// On a correction's negative line: what it returns of the corrected
    /// invoice, part by part.
    #[serde(default)]
    pub returns: Vec<Return>,
    /// Why the line cannot be finalized as it is (it asks to return more
    /// than the corrected invoice has left); it counts nothing.
    #[serde(default)]
    pub problem: Option<String>,
}

impl LineCoverage {
    /// What the line's sentence is made from.
    pub fn facts(&self) -> LineFacts<'_> {
        LineFacts {
            quantity: self.quantity,
            covered: self.covered,
            excess: self.excess,
            best_plan_discount: self.allocations.iter().map(|a| a.discount).max(),
            excess_discount: self.excess_discount,
            plan_applies: self.plan_applies,
            returns: &self.returns,
        }
    }
}

/// The outcome for a whole draft.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// One entry per draft line, in order.
    pub lines: Vec<LineCoverage>,
    /// The benefits tracker.
    pub tracker: Tracker,
}
