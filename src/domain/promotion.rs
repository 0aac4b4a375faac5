//! Promotions: a discount on an item or group for a period. One competes
//! with member and manual discounts for units beyond the plans.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::benefit::Covers;
use super::coverage::DraftLine;
use super::money::Percent;

/// A clinic promotion ("Dental health month: 15% off dental cleaning").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    /// What people call it.
    pub label: String,
    /// The item or group it applies to.
    pub covers: Covers,
    /// Its discount.
    pub percent: Percent,
    /// First day it runs.
    pub starts_on: NaiveDate,
    /// Last day it runs.
    pub ends_on: NaiveDate,
}

/// Gives every line the best promotion running on `date` for its item.
pub fn apply_promotions(lines: &mut [DraftLine], promotions: &[Promotion], date: NaiveDate) {
    for line in lines {
        line.promotion = promotions
            .iter()
            .filter(|p| p.starts_on <= date && date <= p.ends_on)
            .filter(|p| p.covers.matches(line.item.id, line.item.group_id))
            .map(|p| p.percent)
            .max();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{day, item, line, pct, plan, rules};
    use crate::domain::{DiscountSource, Money, UnitSpec, cover};
    use rust_decimal::Decimal;

    #[test]
    fn the_best_running_promotion_competes_with_the_member_discount() {
        let dental = item(9, 180, UnitSpec::single("procedure"));
        let promo = |percent, ends| Promotion {
            label: "Dental month".into(),
            covers: Covers::Item(9),
            percent: pct(percent),
            starts_on: day(2026, 6, 1),
            ends_on: ends,
        };
        let promotions = [promo(15, day(2026, 6, 30)), promo(40, day(2026, 6, 10))];
        let mut lines = [line(10, &dental, 1)];
        apply_promotions(&mut lines, &promotions, rules().date);
        assert_eq!(lines[0].promotion, Some(pct(15)), "the 40% promotion ended on 10 June");

        let mut member = plan(1, Some(10), None, vec![]);
        member.member_discount = Some(pct(10));
        let result = cover(&rules(), &[member], &[], &lines);
        let l = &result.lines[0];
        assert_eq!(l.excess_discount.map(|d| d.source), Some(DiscountSource::Promotion));
        assert_eq!(l.net, Money(Decimal::from(153)));
        assert_eq!(l.explanation, "Not included in a plan; the 15% promotion applies.");
    }
}
