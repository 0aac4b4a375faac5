//! Badge state for a benefit: the colour a person reads at a glance, and
//! the "N of M left" words beside it.

use serde::{Deserialize, Serialize};

use super::benefit::{BenefitBalance, Limit, Remaining};
use super::quantity::{Quantity, UnitSpec, plural};

/// The colour of a benefit's badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BadgeState {
    /// Some is left after this draft (green).
    Available,
    /// This draft uses the last of it (amber).
    LastOne,
    /// Nothing left, or the draft asks for more than is left (red).
    UsedUp,
    /// No limit.
    Unlimited,
}

impl BadgeState {
    /// A stable name for styling and tests ("available", "last", ...).
    pub fn code(self) -> &'static str {
        match self {
            BadgeState::Available => "available",
            BadgeState::LastOne => "last",
            BadgeState::UsedUp => "used-up",
            BadgeState::Unlimited => "unlimited",
        }
    }
}

/// The badge for a benefit within a draft that asked `ordered` of it and
/// got `covered`.
pub fn badge_for_draft(limit: Limit, remaining_after: Remaining, ordered: Quantity, covered: Quantity) -> BadgeState {
    match (limit, remaining_after) {
        (Limit::Unlimited, _) | (_, Remaining::Unlimited) => BadgeState::Unlimited,
        (Limit::Counted(_), Remaining::Counted(left)) => {
            if left.0 < 0 || ordered.0 > covered.0 {
                BadgeState::UsedUp
            } else if left.0 == 0 && covered.0 > 0 {
                BadgeState::LastOne
            } else if left.0 == 0 {
                BadgeState::UsedUp
            } else {
                BadgeState::Available
            }
        }
    }
}

/// The badge for a benefit with no draft open (patient page, portal).
pub fn badge_for_balance(balance: &BenefitBalance) -> BadgeState {
    match balance.remaining() {
        Remaining::Unlimited => BadgeState::Unlimited,
        Remaining::Counted(left) if left.0 > 0 => BadgeState::Available,
        Remaining::Counted(_) => BadgeState::UsedUp,
    }
}

/// "2 of 3 left", "0 of 24 tablets left", "1 over the limit of 1", or
/// "Unlimited".
pub fn left_text(limit: Limit, remaining: Remaining, units: &UnitSpec) -> String {
    match (limit, remaining) {
        (Limit::Counted(max), Remaining::Counted(left)) => {
            let unit = plural(units.smallest_name(), max.0);
            let unit = if units.subunit.is_some() { format!(" {unit}") } else { String::new() };
            if left.0 < 0 {
                format!("{} over the limit of {}{unit}", -left.0, max.0)
            } else {
                format!("{} of {}{unit} left", left.0, max.0)
            }
        }
        _ => "Unlimited".to_string(),
    }
}

/// The owner's words: "0 out of 1 exam left", "24 out of 24 tablets left",
/// or "Unlimited". Counted in the smallest unit; never below zero.
pub fn out_of_text(limit: Limit, remaining: Remaining, units: &UnitSpec) -> String {
    match (limit, remaining) {
        (Limit::Counted(max), Remaining::Counted(left)) => {
            format!("{} out of {} {} left", left.0.max(0), max.0, plural(units.smallest_name(), max.0))
        }
        _ => "Unlimited".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn owners_read_out_of_words_in_the_smallest_unit() {
        use super::*;
        use crate::domain::Subunit;
        let box_of_6 = UnitSpec { unit: "box".into(), subunit: Some(Subunit { name: "tablet".into(), per_unit: 6 }) };
        let exam = UnitSpec { unit: "exam".into(), subunit: None };
        let counted = |n| Limit::Counted(Quantity(n));
        let left = |n| Remaining::Counted(Quantity(n));
        assert_eq!(out_of_text(counted(24), left(24), &box_of_6), "24 out of 24 tablets left");
        assert_eq!(out_of_text(counted(1), left(0), &exam), "0 out of 1 exam left");
        assert_eq!(out_of_text(counted(2), left(-1), &exam), "0 out of 2 exams left");
        assert_eq!(out_of_text(Limit::Unlimited, Remaining::Unlimited, &exam), "Unlimited");
    }

    use super::*;

    #[test]
    fn colours_follow_what_is_left() {
        let l = Limit::Counted(Quantity(3));
        let left = |n| Remaining::Counted(Quantity(n));
        assert_eq!(badge_for_draft(l, left(2), Quantity(1), Quantity(1)), BadgeState::Available);
        assert_eq!(badge_for_draft(l, left(0), Quantity(1), Quantity(1)), BadgeState::LastOne);
        assert_eq!(badge_for_draft(l, left(0), Quantity(2), Quantity(1)), BadgeState::UsedUp);
        assert_eq!(badge_for_draft(l, left(0), Quantity(0), Quantity(0)), BadgeState::UsedUp);
        assert_eq!(
            badge_for_draft(Limit::Unlimited, Remaining::Unlimited, Quantity(5), Quantity(5)),
            BadgeState::Unlimited
        );
    }

    #[test]
    fn words_beside_the_badge() {
        let dose = UnitSpec::single("dose");
        let tabs = UnitSpec::split("box", "tablet", 6);
        let l = |n| Limit::Counted(Quantity(n));
        let r = |n| Remaining::Counted(Quantity(n));
        assert_eq!(left_text(l(1), r(0), &dose), "0 of 1 left");
        assert_eq!(left_text(l(24), r(24), &tabs), "24 of 24 tablets left");
        assert_eq!(left_text(l(1), r(-1), &dose), "1 over the limit of 1");
        assert_eq!(left_text(Limit::Unlimited, Remaining::Unlimited, &dose), "Unlimited");
    }
}
