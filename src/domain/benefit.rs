//! Benefits, their limits, and what remains of them.
//!
//! Remaining is always derived: limit minus the sum of the benefit's ledger
//! entries. Nothing stores a running balance that could drift.

use serde::{Deserialize, Serialize};

use super::money::Percent;
use super::quantity::Quantity;

/// Identifies a catalog item.
pub type ItemId = i64;
/// Identifies a group of catalog items (e.g. "Core vaccines").
pub type GroupId = i64;
/// Identifies a benefit as copied onto one subscription.
pub type BenefitId = i64;

/// How much of an item a benefit includes per term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Limit {
    /// At most this many smallest units.
    Counted(Quantity),
    /// No limit: every unit is covered at the benefit's discount.
    Unlimited,
}

/// What a benefit covers: one item, or any item of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Covers {
    /// Exactly this catalog item.
    Item(ItemId),
    /// Any item in this group.
    Group(GroupId),
}

impl Covers {
    /// True when an item (with its optional group) falls under this benefit.
    pub fn matches(self, item: ItemId, group: Option<GroupId>) -> bool {
        match self {
            Covers::Item(id) => id == item,
            Covers::Group(g) => group == Some(g),
        }
    }
}

/// What is left of a benefit. Counted remaining may be below zero only when
/// usage was recorded from outside (an import or a manual adjustment); the
/// coverage rules themselves never take a benefit below zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Remaining {
    /// This many smallest units are left (negative = exceeded).
    Counted(Quantity),
    /// No limit.
    Unlimited,
}

impl Remaining {
    /// What may still be drawn: never below zero.
    pub fn available(self) -> Option<Quantity> {
        match self {
            Remaining::Counted(q) => Some(Quantity(q.0.max(0))),
            Remaining::Unlimited => None,
        }
    }
}

/// Remaining = limit − the sum of the benefit's signed ledger quantities.
pub fn remaining(limit: Limit, ledger: impl IntoIterator<Item = Quantity>) -> Remaining {
    match limit {
        Limit::Unlimited => Remaining::Unlimited,
        Limit::Counted(max) => Remaining::Counted(max - ledger.into_iter().sum()),
    }
}

/// A benefit as sold on one subscription, with the usage recorded so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitBalance {
    /// The copied benefit's id.
    pub id: BenefitId,
    /// What people call it ("Core vaccines", "Dental cleaning").
    pub label: String,
    /// What it covers.
    pub covers: Covers,
    /// How much is included.
    pub limit: Limit,
    /// Discount on covered units (100 % = included).
    pub discount: Percent,
    /// Sum of its ledger entries counted now (this plan year, for a
    /// benefit that resets yearly).
    pub used: Quantity,
}

impl BenefitBalance {
    /// What is left, derived from limit and usage.
    pub fn remaining(&self) -> Remaining {
        remaining(self.limit, [self.used])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_is_limit_minus_the_ledger() {
        let limit = Limit::Counted(Quantity(24));
        let entries = [Quantity(6), Quantity(6), Quantity(-6), Quantity(1)];
        assert_eq!(remaining(limit, entries), Remaining::Counted(Quantity(17)));
        assert_eq!(remaining(Limit::Unlimited, entries), Remaining::Unlimited);
        let over = remaining(Limit::Counted(Quantity(1)), [Quantity(3)]);
        assert_eq!(over, Remaining::Counted(Quantity(-2)));
        assert_eq!(over.available(), Some(Quantity(0)));
    }

    #[test]
    fn group_benefits_match_items_of_the_group() {
        assert!(Covers::Group(7).matches(1, Some(7)));
        assert!(!Covers::Group(7).matches(1, None));
        assert!(Covers::Item(1).matches(1, Some(9)));
    }
}
