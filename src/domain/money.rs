//! Money and percentages, exact to the minor unit.
//!
//! Amounts are `Decimal`, never floating point. A line's amounts are rounded
//! once, half away from zero (what a till calls "half-up"), to the currency's
//! minor unit; totals are sums of rounded lines, so they always add up.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount in the clinic's currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money(pub Decimal);

impl Money {
    /// No money.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds to `minor_digits` decimals, half away from zero.
    pub fn round(self, minor_digits: u32) -> Money {
        Money(self.0.round_dp_with_strategy(minor_digits, RoundingStrategy::MidpointAwayFromZero))
    }

    /// Parses a price typed by a person ("45", "45.50"); refuses negatives and
    /// more decimals than the currency has.
    pub fn parse(input: &str, minor_digits: u32) -> Result<Money, MoneyError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(MoneyError::Empty);
        }
        let value =
            Decimal::from_str(&trimmed.replace(',', ".")).map_err(|_| MoneyError::NotANumber(trimmed.to_string()))?;
        if value.is_sign_negative() {
            return Err(MoneyError::Negative);
        }
        if value.normalize().scale() > minor_digits {
            return Err(MoneyError::TooPrecise(minor_digits));
        }
        Ok(Money(value))
    }

    /// Formats with exactly `minor_digits` decimals and a currency code,
    /// e.g. "EUR 45.00".
    pub fn format(self, currency: &Currency) -> String {
        let rounded = self.round(currency.minor_digits).0;
        format!("{} {:.*}", currency.symbol(), currency.minor_digits as usize, rounded)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// Why a typed amount was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MoneyError {
    /// Nothing typed.
    #[error("Enter an amount.")]
    Empty,
    /// Not a number.
    #[error("\u{201c}{0}\u{201d} is not an amount. Enter a price such as 45 or 45.50.")]
    NotANumber(String),
    /// Below zero.
    #[error("An amount can't be negative.")]
    Negative,
    /// Too many decimals for the currency.
    #[error("Use at most {0} decimal places.")]
    TooPrecise(u32),
}

/// Splits a rounded `total` into parts that follow the unrounded `exact`
/// parts and add up to `total` to the minor unit (largest remainder first).
/// All parts share the total's sign.
pub fn split_rounded(total: Money, exact: &[Decimal], minor_digits: u32) -> Vec<Money> {
    if exact.is_empty() {
        return Vec::new();
    }
    let sign = if total.0.is_sign_negative() { -Decimal::ONE } else { Decimal::ONE };
    let unit = Decimal::new(1, minor_digits);
    let floors: Vec<Decimal> = exact
        .iter()
        .map(|e| (e * sign).max(Decimal::ZERO).round_dp_with_strategy(minor_digits, RoundingStrategy::ToZero))
        .collect();
    let mut left = total.0 * sign - floors.iter().sum::<Decimal>();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| ((exact[b] * sign) - floors[b]).cmp(&((exact[a] * sign) - floors[a])).then(a.cmp(&b)));
    let mut parts = floors;
    for &i in order.iter().cycle() {
        if left < unit {
            break;
        }
        parts[i] += unit;
        left -= unit;
    }
    parts.into_iter().map(|p| Money(p * sign)).collect()
}

/// The clinic's currency: an ISO code and how many minor digits it has.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency {
    /// ISO 4217 code, e.g. "EUR".
    pub code: String,
    /// Decimal places of the minor unit (2 for cents, 0 for yen).
    pub minor_digits: u32,
}

impl Currency {
    /// A currency from its ISO code.
    pub fn new(code: &str, minor_digits: u32) -> Currency {
        Currency { code: code.to_string(), minor_digits }
    }

    /// The decimal places ISO 4217 gives a currency's minor unit: none for
    /// the yen or the króna, three for the dinars of the Gulf, two for most.
    pub fn minor_digits_of(code: &str) -> u32 {
        match code {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "VND" | "VUV"
            | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        }
    }

    /// The sign people recognise, or the code when there is none in common use.
    pub fn symbol(&self) -> &str {
        match self.code.as_str() {
            "EUR" => "€",
            "GBP" => "£",
            "USD" | "AUD" | "CAD" | "NZD" => "$",
            other => other,
        }
    }
}

/// A percentage from 0 to 100 inclusive (100 = included in the plan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Percent(Decimal);

impl Percent {
    /// 0 %.
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    /// 100 %: fully included.
    pub const FULL: Percent = Percent(Decimal::ONE_HUNDRED);

    /// A percentage, refused outside 0..=100.
    pub fn new(value: Decimal) -> Result<Percent, PercentError> {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(PercentError::OutOfRange);
        }
        Ok(Percent(value))
    }

    /// Parses "10", "12.5" or "10%".
    pub fn parse(input: &str) -> Result<Percent, PercentError> {
        let text = input.trim().trim_end_matches('%').trim();
        let value = Decimal::from_str(&text.replace(',', "."))
            .map_err(|_| PercentError::NotANumber(input.trim().to_string()))?;
        Percent::new(value)
    }

    /// The value, 0 to 100.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// This share of an amount, unrounded.
    pub fn of(self, amount: Decimal) -> Decimal {
        amount * self.0 / Decimal::ONE_HUNDRED
    }

    /// True for a full (100 %) discount.
    pub fn is_full(self) -> bool {
        self.0 == Decimal::ONE_HUNDRED
    }
}

impl std::fmt::Display for Percent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

/// Why a typed percentage was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PercentError {
    /// Not a number.
    #[error("\u{201c}{0}\u{201d} is not a percentage. Enter a number from 0 to 100.")]
    NotANumber(String),
    /// Below 0 or above 100.
    #[error("A percentage must be from 0 to 100.")]
    OutOfRange,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_once() {
        assert_eq!(Money(Decimal::new(1005, 3)).round(2), Money(Decimal::new(101, 2)));
        assert_eq!(Money(Decimal::new(-1005, 3)).round(2), Money(Decimal::new(-101, 2)));
        assert_eq!(Money(Decimal::new(1004, 3)).round(2), Money(Decimal::new(100, 2)));
    }

    #[test]
    fn parses_prices_and_percentages() {
        assert_eq!(Money::parse("45.50", 2).unwrap(), Money(Decimal::new(4550, 2)));
        assert_eq!(Money::parse("4.555", 2), Err(MoneyError::TooPrecise(2)));
        assert_eq!(Money::parse("-3", 2), Err(MoneyError::Negative));
        assert_eq!(Percent::parse("10%").unwrap().value(), Decimal::TEN);
        assert_eq!(Percent::parse("120"), Err(PercentError::OutOfRange));
        assert!(matches!(Percent::parse("lots"), Err(PercentError::NotANumber(_))));
    }

    #[test]
    fn splits_add_up_to_the_rounded_total() {
        let third = Decimal::new(22305333, 5) / Decimal::from(2);
        let parts = split_rounded(Money(Decimal::new(22305, 2)), &[third, third], 2);
        assert_eq!(parts.iter().copied().sum::<Money>(), Money(Decimal::new(22305, 2)));
        let neg = split_rounded(Money(Decimal::new(-1001, 2)), &[-Decimal::new(5005, 3), -Decimal::new(5005, 3)], 2);
        assert_eq!(neg, vec![Money(Decimal::new(-501, 2)), Money(Decimal::new(-500, 2))]);
    }

    #[test]
    fn formats_with_the_currency_sign() {
        let eur = Currency::new("EUR", 2);
        assert_eq!(Money(Decimal::new(45, 0)).format(&eur), "€ 45.00");
        assert_eq!(Money(Decimal::new(12345, 3)).format(&eur), "€ 12.35");
    }
}
