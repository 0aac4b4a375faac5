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

/// The stored keys, as the settings table names them.
pub const KEYS: [&str; 6] = [
    "cancellation_fee",
    "cooling_off_days",
    "max_hold_days",
    "past_due_grace_days",
    "past_due_usable",
    "renewal_lead_days",
];

impl PlanRules {
    /// Reads stored (key, value) pairs over the defaults; a value that does
    /// not parse keeps the default (the settings form refuses such values).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> PlanRules {
        let mut rules = PlanRules::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "cancellation_fee" => {
                    if let Ok(fee) = value.parse() {
                        rules.cancellation_fee = Money(fee);
                    }
                }
                "cooling_off_days" => rules.cooling_off_days = value.parse().unwrap_or(rules.cooling_off_days),
                "max_hold_days" => rules.max_hold_days = value.parse().unwrap_or(rules.max_hold_days),
                "past_due_grace_days" => rules.past_due_grace_days = value.parse().unwrap_or(rules.past_due_grace_days),
                "past_due_usable" => rules.past_due_usable = value == "true",
                "renewal_lead_days" => rules.renewal_lead_days = value.parse().unwrap_or(rules.renewal_lead_days),
                _ => {}
            }
        }
        rules
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
}
