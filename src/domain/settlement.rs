//! Cancellation settlement: what the used benefits saved the client against what was
//! paid, with the working shown so owner and manager can check it.

use serde::{Deserialize, Serialize};

use super::money::{Currency, Money};

/// What one benefit's usage is worth: what it saved the client when used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedValue {
    /// The benefit ("Wellness exams").
    pub label: String,
    /// Units used, in words ("2 exams").
    pub units: String,
    /// What those uses saved, as posted, rounded.
    pub value: Money,
}

/// How the clinic settles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SettlementOption {
    /// The contract stands: the client pays the instalments still due.
    PayRemainingInstalments,
    /// Used value plus fee against payments: one side pays the difference.
    PayDifference,
    /// The clinic waives any balance (needs the override permission).
    Waive,
}

/// Who owes whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The client pays the clinic this much.
    ClientOwes(Money),
    /// The clinic refunds the client this much.
    ClinicOwes(Money),
    /// Nothing to pay either way.
    Even,
}

/// The result with its working.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// Sum of the used values.
    pub used_value: Money,
    /// Payments received.
    pub paid: Money,
    /// The cancellation fee charged (zero in the cooling-off period).
    pub fee: Money,
    /// Who owes whom.
    pub outcome: Outcome,
    /// Each step in words.
    pub working: Vec<String>,
}

/// The facts a settlement is made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementInput {
    /// Usage valued at what it saved, per benefit.
    pub used: Vec<UsedValue>,
    /// Payments received so far.
    pub paid: Money,
    /// Instalments not yet paid.
    pub remaining_instalments: Money,
    /// The clinic's cancellation fee.
    pub fee: Money,
    /// True within the cooling-off period: no fee.
    pub in_cooling_off: bool,
}

/// Settles a cancellation.
pub fn settle(input: &SettlementInput, option: SettlementOption, currency: &Currency) -> Settlement {
    let show = |m: Money| m.format(currency);
    let used_value: Money = input.used.iter().map(|u| u.value).sum();
    let fee = if input.in_cooling_off { Money::ZERO } else { input.fee };
    let mut working: Vec<String> =
        input.used.iter().map(|u| format!("{}: {}, which saved {}", u.label, u.units, show(u.value))).collect();
    working.push(format!("Benefits used, at what they saved: {}", show(used_value)));
    working.push(format!("Payments made: {}", show(input.paid)));
    working.push(if input.in_cooling_off {
        "No cancellation fee: within the cooling-off period".to_string()
    } else {
        format!("Cancellation fee: {}", show(fee))
    });
    let outcome = match option {
        SettlementOption::Waive => {
            working.push("Balance waived by the clinic".to_string());
            Outcome::Even
        }
        SettlementOption::PayRemainingInstalments => {
            let due = input.remaining_instalments + fee;
            working.push(format!(
                "Instalments still due: {} + fee {} = {}",
                show(input.remaining_instalments),
                show(fee),
                show(due)
            ));
            owed(due)
        }
        SettlementOption::PayDifference => {
            let balance = used_value + fee - input.paid;
            working.push(format!(
                "{} used + {} fee − {} paid = {}",
                show(used_value),
                show(fee),
                show(input.paid),
                show(Money(balance.0.abs()))
            ));
            owed(balance)
        }
    };
    working.push(match outcome {
        Outcome::ClientOwes(m) => format!("Client owes {}", show(m)),
        Outcome::ClinicOwes(m) => format!("Clinic owes {}", show(m)),
        Outcome::Even => "Even: nothing to pay either way".to_string(),
    });
    Settlement { used_value, paid: input.paid, fee, outcome, working }
}

fn owed(balance: Money) -> Outcome {
    if balance.0.is_zero() {
        Outcome::Even
    } else if balance.0.is_sign_positive() {
        Outcome::ClientOwes(balance)
    } else {
        Outcome::ClinicOwes(Money(-balance.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn eur(n: i64) -> Money {
        Money(Decimal::from(n))
    }

    fn input(used: i64, paid: i64, cooling_off: bool) -> SettlementInput {
        SettlementInput {
            used: vec![UsedValue { label: "Wellness exams".into(), units: "2 exams".into(), value: eur(used) }],
            paid: eur(paid),
            remaining_instalments: eur(200),
            fee: eur(25),
            in_cooling_off: cooling_off,
        }
    }

    #[test]
    fn used_more_than_paid_means_the_client_owes_the_difference() {
        let s = settle(&input(250, 116, false), SettlementOption::PayDifference, &Currency::new("EUR", 2));
        assert_eq!(s.outcome, Outcome::ClientOwes(eur(159)));
        assert_eq!(s.working.last().unwrap(), "Client owes € 159.00");
        assert!(s.working.contains(&"€ 250.00 used + € 25.00 fee − € 116.00 paid = € 159.00".to_string()));
    }

    #[test]
    fn paid_more_than_used_means_the_clinic_refunds() {
        let s = settle(&input(55, 116, true), SettlementOption::PayDifference, &Currency::new("EUR", 2));
        assert_eq!(s.fee, Money::ZERO, "no fee in the cooling-off period");
        assert_eq!(s.outcome, Outcome::ClinicOwes(eur(61)));
        assert!(s.working.iter().any(|w| w.contains("cooling-off")));
    }

    #[test]
    fn other_options_follow_the_contract_or_waive() {
        let eur_c = Currency::new("EUR", 2);
        assert_eq!(
            settle(&input(55, 116, false), SettlementOption::PayRemainingInstalments, &eur_c).outcome,
            Outcome::ClientOwes(eur(225))
        );
        assert_eq!(settle(&input(250, 0, false), SettlementOption::Waive, &eur_c).outcome, Outcome::Even);
        assert_eq!(settle(&input(91, 116, false), SettlementOption::PayDifference, &eur_c).outcome, Outcome::Even);
    }

    proptest! {
        /// The outcome is exactly used + fee − paid, on the right side.
        #[test]
        fn the_difference_balances(used in 0i64..100_000, paid in 0i64..100_000, cooling in any::<bool>()) {
            let s = settle(&input(used, paid, cooling), SettlementOption::PayDifference, &Currency::new("EUR", 2));
            let balance = used + if cooling { 0 } else { 25 } - paid;
            let expected = match balance.signum() { 1 => Outcome::ClientOwes(eur(balance)), -1 => Outcome::ClinicOwes(eur(-balance)), _ => Outcome::Even };
            prop_assert_eq!(s.outcome, expected);
        }
    }
}
