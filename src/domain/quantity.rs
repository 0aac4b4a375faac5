//! Quantities, units and subunits.
//!
//! Every quantity is counted in the item's smallest unit (tablets, not boxes),
//! as a whole number. The ledger and the coverage rules never see a fraction,
//! so sums are exact and a reversal restores exactly what it undoes.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// A count in an item's smallest unit. Signed: ledger entries that reverse
/// usage and correction lines are negative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quantity(pub i64);

impl Quantity {
    /// Nothing.
    pub const ZERO: Quantity = Quantity(0);
    /// The most one draft line may hold, in smallest units; more is a typo.
    /// Typed amounts are bounded by it before any arithmetic, so no input,
    /// however long, can overflow.
    pub const MAX_LINE: i64 = 100_000;

    /// Parses what a person typed for a line, in the unit they picked, into
    /// smallest units. `allow_negative` is true only on correction lines.
    pub fn parse(
        input: &str,
        units: &UnitSpec,
        choice: UnitChoice,
        allow_negative: bool,
    ) -> Result<Quantity, QuantityError> {
        let amount = parse_amount(input, units)?;
        if amount.is_zero() {
            return Err(QuantityError::Zero);
        }
        if amount.is_sign_negative() && !allow_negative {
            return Err(QuantityError::Negative);
        }
        units.to_smallest(amount, choice)
    }

    /// The absolute count.
    pub fn abs(self) -> Quantity {
        Quantity(self.0.abs())
    }

    /// True for a count below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl std::ops::Add for Quantity {
    type Output = Quantity;
    fn add(self, rhs: Quantity) -> Quantity {
        Quantity(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Quantity {
    type Output = Quantity;
    fn sub(self, rhs: Quantity) -> Quantity {
        Quantity(self.0 - rhs.0)
    }
}

impl std::ops::Neg for Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        Quantity(-self.0)
    }
}

impl std::iter::Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        Quantity(iter.map(|q| q.0).sum())
    }
}

/// Why a typed quantity was refused; the text tells the person what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum QuantityError {
    /// Nothing was typed.
    #[error("Enter a quantity.")]
    Empty,
    /// The text is not a number.
    #[error("\u{201c}{0}\u{201d} is not a number. Enter a quantity such as 2 or 1.5.")]
    NotANumber(String),
    /// A minus sign outside a correction.
    #[error("Quantity can't be negative here. To give units back, use a correction invoice.")]
    Negative,
    /// Zero units.
    #[error("Quantity must be more than 0.")]
    Zero,
    /// More decimals than any unit needs.
    #[error("Use at most 3 decimal places.")]
    TooPrecise,
    /// The quantity does not come out as whole smallest units.
    #[error("That makes {amount} {unit}, and {unit} can't be split. Enter whole {unit}.")]
    NotWhole {
        /// The computed fractional amount, as text.
        amount: String,
        /// The smallest unit's name.
        unit: String,
    },
    /// Larger than any real line.
    #[error("A quantity can be at most {} {unit} on one line. Check the quantity.", grouped(*.max))]
    TooLarge {
        /// The limit, in smallest units.
        max: i64,
        /// The smallest unit's name.
        unit: String,
    },
    /// The person picked a subunit the item does not have.
    #[error("This item has no subunit; enter the quantity in {unit}.")]
    NoSubunit {
        /// The item's unit.
        unit: String,
    },
}

/// "100,000" for 100000: the limit as people write it.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn parse_amount(input: &str, units: &UnitSpec) -> Result<Decimal, QuantityError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(QuantityError::Empty);
    }
    // Many clinics type a decimal comma; accept it when there is no point.
    let normalised =
        if trimmed.contains(',') && !trimmed.contains('.') { trimmed.replace(',', ".") } else { trimmed.to_string() };
    let is_plain = normalised
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')));
    let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
    let whole = whole.trim_start_matches(['-', '+']);
    let is_number =
        whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) && !(whole.is_empty() && fraction.is_empty());
    if !is_plain || !is_number {
        return Err(QuantityError::NotANumber(trimmed.to_string()));
    }
    // Judged on the text: a decimal quietly rounds digits it cannot hold.
    if fraction.trim_end_matches('0').len() > 3 {
        return Err(QuantityError::TooPrecise);
    }
    // More whole digits than the largest line has is too large, however
    // many there are: refused before the text becomes a number.
    let max_digits = Quantity::MAX_LINE.to_string().len();
    if whole.trim_start_matches('0').len() > max_digits {
        return Err(too_large(units));
    }
    Decimal::from_str(&normalised).map_err(|_| QuantityError::NotANumber(trimmed.to_string()))
}

fn too_large(units: &UnitSpec) -> QuantityError {
    QuantityError::TooLarge { max: Quantity::MAX_LINE, unit: plural(units.smallest_name(), 2) }
}

/// Which of an item's units a person is typing in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitChoice {
    /// The item's main unit (a box).
    #[default]
    Unit,
    /// The item's subunit (a tablet).
    Subunit,
}

/// A subunit: how many of them make one unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subunit {
    /// Singular name, e.g. "tablet".
    pub name: String,
    /// How many subunits one unit holds, e.g. 6 tablets in a box.
    pub per_unit: u32,
}

/// An item's unit of measure and optional subunit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitSpec {
    /// Singular name of the main unit, e.g. "box" or "dose".
    pub unit: String,
    /// The subunit, when the item is sold split.
    pub subunit: Option<Subunit>,
}

impl UnitSpec {
    /// A unit with no subunit.
    pub fn single(unit: &str) -> UnitSpec {
        UnitSpec { unit: unit.to_string(), subunit: None }
    }

    /// A unit split into `per_unit` subunits.
    pub fn split(unit: &str, subunit: &str, per_unit: u32) -> UnitSpec {
        UnitSpec { unit: unit.to_string(), subunit: Some(Subunit { name: subunit.to_string(), per_unit }) }
    }

    /// How many smallest units one main unit holds (1 without a subunit).
    pub fn per_unit(&self) -> u32 {
        self.subunit.as_ref().map_or(1, |s| s.per_unit.max(1))
    }

    /// Singular name of the smallest unit.
    pub fn smallest_name(&self) -> &str {
        self.subunit.as_ref().map_or(&self.unit, |s| &s.name)
    }

    /// Converts an amount in the chosen unit to smallest units, exactly.
    pub fn to_smallest(&self, amount: Decimal, choice: UnitChoice) -> Result<Quantity, QuantityError> {
        let factor = match (choice, &self.subunit) {
            (UnitChoice::Subunit, None) => {
                return Err(QuantityError::NoSubunit { unit: plural(&self.unit, 2) });
            }
            (UnitChoice::Subunit, Some(_)) => 1,
            (UnitChoice::Unit, _) => self.per_unit(),
        };
        let smallest = amount
            .checked_mul(Decimal::from(factor))
            .filter(|n| n.abs() <= Decimal::from(Quantity::MAX_LINE))
            .ok_or_else(|| too_large(self))?;
        if !smallest.fract().is_zero() {
            let unit = plural(self.smallest_name(), 2);
            return Err(QuantityError::NotWhole { amount: smallest.normalize().to_string(), unit });
        }
        smallest.to_i64().map(Quantity).ok_or_else(|| too_large(self))
    }

    /// The quantity in the chosen unit, for showing back in an input.
    pub fn in_unit(&self, quantity: Quantity, choice: UnitChoice) -> Decimal {
        match choice {
            UnitChoice::Subunit => Decimal::from(quantity.0),
            UnitChoice::Unit => (Decimal::from(quantity.0) / Decimal::from(self.per_unit())).normalize(),
        }
    }

    /// "24 tablets" or "1 dose", in the smallest unit.
    pub fn describe(&self, quantity: Quantity) -> String {
        format!("{} {}", quantity.0, plural(self.smallest_name(), quantity.0))
    }

    /// How much of an item, in words: "2 tablets of NexGard chewables", or
    /// "3 Physiotherapy sessions" and "1 Microchip" when the item's name ends
    /// in its unit (never "3 sessions of Physiotherapy session" or "1 chip of
    /// Microchip").
    pub fn describe_of(&self, quantity: Quantity, item: &str) -> String {
        let unit = self.smallest_name();
        let last_word = item.rsplit(' ').next().unwrap_or(item);
        let ending = last_word.len().checked_sub(unit.len()).and_then(|start| last_word.get(start..));
        if ending.is_some_and(|ending| ending.eq_ignore_ascii_case(unit)) {
            format!("{} {}", quantity.0, plural(item, quantity.0))
        } else {
            format!("{} of {item}", self.describe(quantity))
        }
    }
}

/// English plural of a unit name for a count ("1 box", "2 boxes").
pub fn plural(name: &str, count: i64) -> String {
    if count.abs() == 1 {
        return name.to_string();
    }
    let ends_with_sibilant = ["s", "x", "z", "ch", "sh"].iter().any(|end| name.ends_with(end));
    if ends_with_sibilant { format!("{name}es") } else { format!("{name}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tablets() -> UnitSpec {
        UnitSpec::split("box", "tablet", 6)
    }

    #[test]
    fn an_item_named_after_its_unit_is_counted_by_its_name() {
        let session = UnitSpec { unit: "session".into(), subunit: None };
        assert_eq!(session.describe_of(Quantity(3), "Physiotherapy session"), "3 Physiotherapy sessions");
        assert_eq!(session.describe_of(Quantity(1), "Physiotherapy Session"), "1 Physiotherapy Session");
        assert_eq!(session.describe_of(Quantity(1), "Session"), "1 Session");
        let chip = UnitSpec { unit: "chip".into(), subunit: None };
        assert_eq!(chip.describe_of(Quantity(1), "Microchip"), "1 Microchip");
        assert_eq!(chip.describe_of(Quantity(2), "Microchip"), "2 Microchips");
        assert_eq!(chip.describe_of(Quantity(1), "Chip reader"), "1 chip of Chip reader");
        // A name shorter than its unit, or ending inside a letter of more than one byte.
        assert_eq!(chip.describe_of(Quantity(1), "hip"), "1 chip of hip");
        assert_eq!(chip.describe_of(Quantity(1), "Puce é"), "1 chip of Puce é");
        assert_eq!(tablets().describe_of(Quantity(2), "NexGard chewables"), "2 tablets of NexGard chewables");
        let dose = UnitSpec { unit: "dose".into(), subunit: None };
        assert_eq!(dose.describe_of(Quantity(1), "Rabies vaccine"), "1 dose of Rabies vaccine");
    }

    #[test]
    fn one_box_is_six_tablets() {
        let q = Quantity::parse("1", &tablets(), UnitChoice::Unit, false).unwrap();
        assert_eq!(q, Quantity(6));
        let q = Quantity::parse("4", &tablets(), UnitChoice::Subunit, false).unwrap();
        assert_eq!(q, Quantity(4));
        let q = Quantity::parse("1,5", &tablets(), UnitChoice::Unit, false).unwrap();
        assert_eq!(q, Quantity(9));
        assert_eq!(tablets().in_unit(Quantity(9), UnitChoice::Unit).to_string(), "1.5");
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        let units = tablets();
        let err = |s: &str| Quantity::parse(s, &units, UnitChoice::Unit, false).unwrap_err();
        assert_eq!(err(""), QuantityError::Empty);
        assert_eq!(err("two"), QuantityError::NotANumber("two".into()));
        assert_eq!(err("1e3"), QuantityError::NotANumber("1e3".into()));
        assert_eq!(err("-1"), QuantityError::Negative);
        assert_eq!(err("0"), QuantityError::Zero);
        assert_eq!(err("0.0001"), QuantityError::TooPrecise);
        assert!(matches!(err("0.1"), QuantityError::NotWhole { .. }));
        assert!(matches!(err("99999999"), QuantityError::TooLarge { .. }));
        assert_eq!(err("two").to_string(), "\u{201c}two\u{201d} is not a number. Enter a quantity such as 2 or 1.5.");
        assert_eq!(err("0.1").to_string(), "That makes 0.6 tablets, and tablets can't be split. Enter whole tablets.");
        let dose = UnitSpec::single("dose");
        let no_sub = Quantity::parse("1", &dose, UnitChoice::Subunit, false).unwrap_err();
        assert_eq!(no_sub.to_string(), "This item has no subunit; enter the quantity in doses.");
    }

    #[test]
    fn an_absurd_quantity_is_refused_in_words() {
        let units = tablets();
        let err = |s: &str, choice| Quantity::parse(s, &units, choice, true).unwrap_err();
        let absurd = "20000000000000000000000000000";
        let expected = "A quantity can be at most 100,000 tablets on one line. Check the quantity.";
        assert_eq!(err(absurd, UnitChoice::Unit).to_string(), expected);
        assert_eq!(err(absurd, UnitChoice::Subunit).to_string(), expected);
        assert_eq!(err(&format!("-{absurd}"), UnitChoice::Unit).to_string(), expected);
        assert_eq!(err(&"9".repeat(60), UnitChoice::Unit).to_string(), expected);
        assert_eq!(err("16667", UnitChoice::Unit).to_string(), expected, "16,667 boxes are 100,002 tablets");
        assert_eq!(Quantity::parse("16666", &units, UnitChoice::Unit, false), Ok(Quantity(99_996)));
        assert_eq!(Quantity::parse("100000", &units, UnitChoice::Subunit, false), Ok(Quantity(100_000)));
        assert_eq!(err("1.00000000000000000000000000001", UnitChoice::Unit), QuantityError::TooPrecise);
        assert_eq!(err(".", UnitChoice::Unit), QuantityError::NotANumber(".".into()));
    }

    #[test]
    fn corrections_may_be_negative() {
        let q = Quantity::parse("-1", &UnitSpec::single("dose"), UnitChoice::Unit, true).unwrap();
        assert_eq!(q, Quantity(-1));
    }

    #[test]
    fn plurals_read_naturally() {
        assert_eq!(plural("box", 2), "boxes");
        assert_eq!(plural("tablet", 1), "tablet");
        assert_eq!(plural("dose", 0), "doses");
    }
}
