//! The organisation's plan rules, typed, with their defaults in one place.
//!
//! Settings are stored as text by key; they are read once into this type
//! (per transaction, where a write depends on them) and nowhere else.

use serde::{Deserialize, Serialize};

use super::money::Money;

/// How an organisation runs its plans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRules {
    /// Fee charged on cancellation, outside the cooling-off period.
    pub cancellation_fee: Money,
    /// Days after the start when cancelling is free of fees.
    pub cooling_off_days: u32,
    /// Most days a plan may spend on hold per term.
    pub max_hold_days: i64,
    /// Days a payment may be late before the plan is past due.
    pub past_due_grace_days: i64,
    /// Whether benefits stay usable while a plan is past due.
    pub past_due_usable: bool,
    /// Days before the end that auto-renewing plans renew.
    pub renewal_lead_days: i64,
}

impl Default for PlanRules {
    fn default() -> PlanRules {
        PlanRules {
            cancellation_fee: Money::ZERO,
            cooling_off_days: 14,
            max_hold_days: 90,
            past_due_grace_days: 7,
            past_due_usable: false,
            renewal_lead_days: 30,
        }
    }
}

/// The settings table's key for [`PlanRules::cancellation_fee`].
pub const CANCELLATION_FEE: &str = "cancellation_fee";
/// The settings table's key for [`PlanRules::cooling_off_days`].
pub const COOLING_OFF_DAYS: &str = "cooling_off_days";
/// The settings table's key for [`PlanRules::max_hold_days`].
pub const MAX_HOLD_DAYS: &str = "max_hold_days";
/// The settings table's key for [`PlanRules::past_due_grace_days`].
pub const PAST_DUE_GRACE_DAYS: &str = "past_due_grace_days";
/// The settings table's key for [`PlanRules::past_due_usable`]: the one rule
/// every request reads with its clinic.
pub const PAST_DUE_USABLE: &str = "past_due_usable";
/// The settings table's key for [`PlanRules::renewal_lead_days`].
pub const RENEWAL_LEAD_DAYS: &str = "renewal_lead_days";

impl PlanRules {
    /// Reads stored (key, value) pairs over the defaults; a value that does
    /// not parse keeps the default (the settings form refuses such values).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> PlanRules {
        let mut rules = PlanRules::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                CANCELLATION_FEE => {
                    if let Ok(fee) = value.parse() {
                        rules.cancellation_fee = Money(fee);
                    }
                }
                COOLING_OFF_DAYS => rules.cooling_off_days = value.parse().unwrap_or(rules.cooling_off_days),
                MAX_HOLD_DAYS => rules.max_hold_days = value.parse().unwrap_or(rules.max_hold_days),
                PAST_DUE_GRACE_DAYS => rules.past_due_grace_days = value.parse().unwrap_or(rules.past_due_grace_days),
                PAST_DUE_USABLE => rules.past_due_usable = value == "true",
                RENEWAL_LEAD_DAYS => rules.renewal_lead_days = value.parse().unwrap_or(rules.renewal_lead_days),
                _ => {}
            }
        }
        rules
    }

    /// The rules as the settings table stores them: what
    /// [`PlanRules::from_pairs`] reads back to the same rules.
    pub fn to_pairs(&self) -> [(&'static str, String); 6] {
        [
            (CANCELLATION_FEE, self.cancellation_fee.0.to_string()),
            (COOLING_OFF_DAYS, self.cooling_off_days.to_string()),
            (MAX_HOLD_DAYS, self.max_hold_days.to_string()),
            (PAST_DUE_GRACE_DAYS, self.past_due_grace_days.to_string()),
            (PAST_DUE_USABLE, self.past_due_usable.to_string()),
            (RENEWAL_LEAD_DAYS, self.renewal_lead_days.to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_override_the_defaults_and_bad_ones_keep_them() {
        let rules = PlanRules::from_pairs([("max_hold_days", "30"), ("cooling_off_days", "soon"), ("x", "1")]);
        assert_eq!(rules.max_hold_days, 30);
        assert_eq!(rules.cooling_off_days, 14);
        assert!(PlanRules::from_pairs([("past_due_usable", "true")]).past_due_usable);
        assert_eq!(PlanRules::from_pairs([]), PlanRules::default());
    }

    proptest::proptest! {
        /// What is saved is what is read back, for every rule at once.
        #[test]
        fn saved_rules_read_back_unchanged(
            fee_cents in 0i64..10_000_000,
            cooling_off_days in 0u32..400,
            max_hold_days in 0i64..400,
            past_due_grace_days in 0i64..400,
            past_due_usable: bool,
            renewal_lead_days in 0i64..400,
        ) {
            let rules = PlanRules {
                cancellation_fee: Money(rust_decimal::Decimal::new(fee_cents, 2)),
                cooling_off_days,
                max_hold_days,
                past_due_grace_days,
                past_due_usable,
                renewal_lead_days,
            };
            let pairs = rules.to_pairs();
            let read = PlanRules::from_pairs(pairs.iter().map(|(key, value)| (*key, value.as_str())));
            proptest::prop_assert_eq!(read, rules);
        }
    }
}
