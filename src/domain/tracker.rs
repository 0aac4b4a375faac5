//! The benefits tracker: per benefit a draft touches, what was ordered,
//! covered and saved, and what remains; then the draft's totals.

use serde::{Deserialize, Serialize};

use super::badge::{BadgeState, badge_for_draft};
use super::benefit::{BenefitId, Limit, Remaining, remaining};
use super::money::Money;
use super::quantity::Quantity;
use super::subscription::{CoverageSubscription, SubscriptionId};

/// One benefit's line in the tracker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrackerRow {
    /// The plan.
    pub subscription_id: SubscriptionId,
    /// The plan's name.
    pub plan_name: String,
    /// The benefit.
    pub benefit_id: BenefitId,
    /// The benefit's name.
    pub benefit_label: String,
    /// Its limit.
    pub limit: Limit,
    /// What was left before this draft.
    pub remaining_before: Remaining,
    /// Units this draft asked of this benefit (signed).
    pub ordered: Quantity,
    /// Units it covered (signed; negative when a correction returned units).
    pub covered: Quantity,
    /// What is left after this draft.
    pub remaining_after: Remaining,
    /// Money saved through it on this draft.
    pub savings: Money,
    /// Green, amber, red or unlimited.
    pub badge: BadgeState,
}

/// The tracker for a whole draft.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracker {
    /// One row per benefit the draft touched, in first-touched order.
    pub rows: Vec<TrackerRow>,
    /// Saved through plan benefits: the sum of the rows' savings.
    pub plan_savings: Money,
    /// Member, promotion and manual discounts on units beyond the plans.
    pub other_discounts: Money,
    /// Every discount on the draft: plan savings plus other discounts.
    pub total_discount: Money,
}

/// What a draft did to one benefit so far.
struct Touched {
    si: usize,
    bi: usize,
    ordered: Quantity,
    covered: Quantity,
    /// The change to the benefit's balance as of the draft's date; differs
    /// from `covered` when a return goes to an earlier plan year.
    counted: Quantity,
    savings: Money,
}

/// Collects tracker rows while coverage runs.
pub(crate) struct TrackerBuilder<'a> {
    subs: &'a [CoverageSubscription],
    touched: Vec<Touched>,
    other: Money,
}

impl<'a> TrackerBuilder<'a> {
    pub(crate) fn new(subs: &'a [CoverageSubscription]) -> Self {
        TrackerBuilder { subs, touched: Vec::new(), other: Money::ZERO }
    }

    fn row(&mut self, si: usize, bi: usize) -> &mut Touched {
        let at = match self.touched.iter().position(|t| t.si == si && t.bi == bi) {
            Some(at) => at,
            None => {
                self.touched.push(Touched {
                    si,
                    bi,
                    ordered: Quantity::ZERO,
                    covered: Quantity::ZERO,
                    counted: Quantity::ZERO,
                    savings: Money::ZERO,
                });
                self.touched.len() - 1
            }
        };
        &mut self.touched[at]
    }

    /// A line asked `ordered` of a benefit and got `covered`, which changed
    /// its balance by `counted`.
    pub(crate) fn request(&mut self, si: usize, bi: usize, ordered: Quantity, covered: Quantity, counted: Quantity) {
        let row = self.row(si, bi);
        row.ordered = row.ordered + ordered;
        row.covered = row.covered + covered;
        row.counted = row.counted + counted;
    }

    /// Savings through a benefit.
    pub(crate) fn save(&mut self, si: usize, bi: usize, savings: Money) {
        let row = self.row(si, bi);
        row.savings = row.savings + savings;
    }

    /// A discount outside the plans.
    pub(crate) fn other_discount(&mut self, amount: Money) {
        self.other = self.other + amount;
    }

    pub(crate) fn finish(self) -> Tracker {
        let rows: Vec<TrackerRow> = self
            .touched
            .iter()
            .map(|&Touched { si, bi, ordered, covered, counted, savings }| {
                let sub = &self.subs[si];
                let benefit = &sub.benefits[bi];
                let remaining_after = remaining(benefit.limit, [benefit.used, counted]);
                TrackerRow {
                    subscription_id: sub.id,
                    plan_name: sub.plan_name.clone(),
                    benefit_id: benefit.id,
                    benefit_label: benefit.label.clone(),
                    limit: benefit.limit,
                    remaining_before: benefit.remaining(),
                    ordered,
                    covered,
                    remaining_after,
                    savings,
                    badge: badge_for_draft(benefit.limit, remaining_after, ordered, covered),
                }
            })
            .collect();
        let plan_savings = rows.iter().map(|r| r.savings).sum();
        Tracker { rows, plan_savings, other_discounts: self.other, total_discount: plan_savings + self.other }
    }
}
