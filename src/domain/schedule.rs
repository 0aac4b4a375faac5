//! Payment schedules: what a client pays, and when.

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::money::Money;

/// How a subscription is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Billing {
    /// Equal monthly instalments over the term.
    Monthly,
    /// The whole price at the start.
    Advance,
    /// An insurer or referrer pays; no client schedule.
    ThirdParty,
    /// The clinic invoices by hand; no schedule.
    Manual,
}

impl Billing {
    /// Every way to bill, in the order the sell page offers them.
    pub const ALL: [Billing; 4] = [Billing::Monthly, Billing::Advance, Billing::ThirdParty, Billing::Manual];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Billing::Monthly => "monthly",
            Billing::Advance => "advance",
            Billing::ThirdParty => "third_party",
            Billing::Manual => "manual",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Billing> {
        Billing::ALL.into_iter().find(|b| b.code() == code)
    }

    /// The words on the sell page.
    pub fn label(self) -> &'static str {
        match self {
            Billing::Monthly => "Monthly instalments",
            Billing::Advance => "Whole term in advance",
            Billing::ThirdParty => "Third party (insurer, referrer)",
            Billing::Manual => "Manual invoicing",
        }
    }
}

/// One payment due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1-based position in the schedule.
    pub number: u32,
    /// Due date.
    pub due_on: NaiveDate,
    /// Amount due.
    pub amount: Money,
}

/// The schedule for `price` starting on `start`: monthly in `months`
/// instalments (equal, rounded down to the minor unit, the remainder on the
/// last), in advance as one payment; none for third-party or manual billing.
/// An enrollment fee is due with the first payment.
pub fn schedule(
    billing: Billing,
    price: Money,
    enrollment_fee: Money,
    start: NaiveDate,
    months: u32,
    minor_digits: u32,
) -> Vec<Instalment> {
    let count = match billing {
        Billing::Monthly => months.max(1),
        Billing::Advance => 1,
        Billing::ThirdParty | Billing::Manual => return Vec::new(),
    };
    let each = (price.0 / Decimal::from(count)).round_dp_with_strategy(minor_digits, RoundingStrategy::ToZero);
    let last = price.0 - each * Decimal::from(count - 1);
    (0..count)
        .map(|n| Instalment {
            number: n + 1,
            due_on: start.checked_add_months(Months::new(n)).unwrap_or(start),
            amount: Money(if n + 1 == count { last } else { each }) + if n == 0 { enrollment_fee } else { Money::ZERO },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::day;
    use proptest::prelude::*;

    #[test]
    fn twelve_instalments_sum_exactly_with_the_remainder_last() {
        let plan = schedule(Billing::Monthly, Money(Decimal::new(10000, 2)), Money::ZERO, day(2026, 1, 31), 12, 2);
        assert_eq!(plan.len(), 12);
        assert!(plan[..11].iter().all(|i| i.amount == Money(Decimal::new(833, 2))));
        assert_eq!(plan[11].amount, Money(Decimal::new(837, 2)));
        assert_eq!(plan.iter().map(|i| i.amount).sum::<Money>(), Money(Decimal::from(100)));
        assert_eq!(plan[1].due_on, day(2026, 2, 28), "end of month clamps");
        assert_eq!(plan[2].due_on, day(2026, 3, 31), "and does not drift");
    }

    #[test]
    fn advance_is_one_payment_with_the_enrollment_fee() {
        let plan =
            schedule(Billing::Advance, Money(Decimal::from(348)), Money(Decimal::from(25)), day(2026, 5, 1), 12, 2);
        assert_eq!(plan, vec![Instalment { number: 1, due_on: day(2026, 5, 1), amount: Money(Decimal::from(373)) }]);
        assert!(
            schedule(Billing::ThirdParty, Money(Decimal::from(378)), Money::ZERO, day(2026, 5, 1), 6, 2).is_empty()
        );
    }

    proptest! {
        #[test]
        fn instalments_always_add_up_to_the_price(cents in 0i64..10_000_000, months in 1u32..=36, fee in 0i64..10_000) {
            let price = Money(Decimal::new(cents, 2));
            let fee = Money(Decimal::new(fee, 2));
            let plan = schedule(Billing::Monthly, price, fee, day(2026, 1, 31), months, 2);
            prop_assert_eq!(plan.len() as u32, months);
            prop_assert_eq!(plan.iter().map(|i| i.amount).sum::<Money>(), price + fee);
            let first = plan[0].amount.0 - fee.0;
            for i in plan.iter().skip(1).take(plan.len().saturating_sub(2)) {
                prop_assert_eq!(i.amount.0, first);
            }
            let last = plan[plan.len() - 1].amount.0 - if months == 1 { fee.0 } else { Decimal::ZERO };
            prop_assert!(last >= first && last - first < Decimal::new(i64::from(months), 2));
            prop_assert!(plan.windows(2).all(|w| w[0].due_on < w[1].due_on));
        }
    }
}
