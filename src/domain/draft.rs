//! Draft lines as people type them, and turning them into countable lines.
//! The browser runs this on every keystroke; the server runs it again on
//! save, so both refuse the same input with the same words.

use serde::{Deserialize, Serialize};

use super::benefit::ItemId;
use super::coverage::{DraftLine, ItemRef};
use super::money::Percent;
use super::quantity::{Quantity, UnitChoice};
use super::subscription::PatientId;

/// One line exactly as typed; kept as text so nothing typed is ever lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    /// The patient the line is for.
    pub patient_id: PatientId,
    /// The catalog item.
    pub item_id: ItemId,
    /// The quantity as typed, in `unit`.
    pub quantity_text: String,
    /// Which unit the quantity is in.
    pub unit: UnitChoice,
    /// A manual line discount as typed ("" for none, "10" for 10 %).
    pub discount_text: String,
}

/// Makes a countable line from typed input, or says what to fix. Negative
/// quantities are allowed only on correction invoices.
pub fn parse_line(input: &LineInput, item: &ItemRef, correction: bool) -> Result<DraftLine, String> {
    let quantity =
        Quantity::parse(&input.quantity_text, &item.units, input.unit, correction).map_err(|e| e.to_string())?;
    let manual_discount = match input.discount_text.trim() {
        "" => None,
        text => Some(Percent::parse(text).map_err(|e| format!("Discount: {e}"))?),
    };
    Ok(DraftLine { patient_id: input.patient_id, item: item.clone(), quantity, promotion: None, manual_discount })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitSpec;
    use crate::domain::fixtures::item;

    fn input(q: &str, unit: UnitChoice, discount: &str) -> LineInput {
        LineInput { patient_id: 1, item_id: 7, quantity_text: q.into(), unit, discount_text: discount.into() }
    }

    #[test]
    fn typed_lines_become_smallest_units() {
        let tabs = item(7, 72, UnitSpec::split("box", "tablet", 6));
        let line = parse_line(&input("2", UnitChoice::Unit, ""), &tabs, false).unwrap();
        assert_eq!(line.quantity, Quantity(12));
        let line = parse_line(&input("3", UnitChoice::Subunit, "10"), &tabs, false).unwrap();
        assert_eq!(line.quantity, Quantity(3));
        assert_eq!(line.manual_discount.map(|p| p.to_string()), Some("10%".into()));
    }

    #[test]
    fn bad_lines_say_what_to_fix() {
        let tabs = item(7, 72, UnitSpec::split("box", "tablet", 6));
        assert_eq!(parse_line(&input("", UnitChoice::Unit, ""), &tabs, false).unwrap_err(), "Enter a quantity.");
        assert_eq!(
            parse_line(&input("1", UnitChoice::Unit, "150"), &tabs, false).unwrap_err(),
            "Discount: A percentage must be from 0 to 100."
        );
        let negative = parse_line(&input("-1", UnitChoice::Unit, ""), &tabs, false).unwrap_err();
        assert!(negative.starts_with("Quantity can't be negative"));
        assert_eq!(parse_line(&input("-1", UnitChoice::Subunit, ""), &tabs, true).unwrap().quantity, Quantity(-1));
    }
}
