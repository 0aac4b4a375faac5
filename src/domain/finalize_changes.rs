//! What finalizing tells the desk that its screen did not show: a line
//! covered more or less than the page counted (another desk used the plan,
//! or gave a use back), or priced differently (the price list changed while
//! the page was open). Finalize charges what holds when it runs; these
//! words make sure nobody is charged a different amount unawares.

use super::coverage::Coverage;
use super::money::{Currency, Money};
use super::pricing::DeskLine;
use super::quantity::plural;

/// What the desk's page showed for each line when it asked to finalize, in
/// line order. A list shorter than the lines (an older page) leaves the rest
/// unchecked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen<'a> {
    /// Units covered by a plan, per line.
    pub covered: &'a [i64],
    /// Regular price of the whole line before discounts, per line.
    pub gross: &'a [Money],
}

/// One sentence per difference between what the page showed and what was
/// finalized, naming the line, both figures and why it may have happened.
pub fn finalize_changes(lines: &[DeskLine], coverage: &Coverage, seen: Seen<'_>, currency: &Currency) -> Vec<String> {
    let mut said = Vec::new();
    for (n, (line, result)) in lines.iter().zip(&coverage.lines).enumerate() {
        let name = format!("Line {} ({})", n + 1, line.item.name);
        if let Some(&shown) = seen.covered.get(n)
            && shown != result.covered.0
        {
            let unit = line.item.units.smallest_name();
            // Fewer: another desk used part of the plan. More: a manager's
            // override, or a use given back elsewhere.
            let why = if result.covered.0 < shown {
                "another desk used part of the plan in the meantime"
            } else {
                "a manager's override, or a use given back at another desk, left room for more"
            };
            let now = match result.covered.0 {
                1 => format!("1 {unit} was"),
                other => format!("{other} {} were", plural(unit, 2)),
            };
            said.push(format!(
                "{name}: the screen showed {shown} covered, but {now} covered when it was saved; {why}, so the line \
                 is charged as shown below."
            ));
        }
        // A correction's return is valued by what was charged, not by the
        // price list: only a line that sells can meet a new price.
        if let Some(&shown) = seen.gross.get(n)
            && result.quantity.0 > 0
            && shown.round(currency.minor_digits) != result.gross.round(currency.minor_digits)
        {
            said.push(format!(
                "{name}: the price list changed while the page was open; the screen showed {} for the line before \
                 discounts, the price now is {}, and the line is charged at the new price, as shown below.",
                shown.format(currency),
                result.gross.format(currency),
            ));
        }
    }
    said
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::{Seen, finalize_changes};
    use crate::domain::fixtures::{item, rules};
    use crate::domain::{Currency, DeskLine, LineInput, Money, PricingContext, UnitChoice, UnitSpec, price_draft};

    fn priced(quantity: &str) -> (Vec<DeskLine>, crate::domain::Coverage) {
        let mut exam = item(4, 45, UnitSpec::single("exam"));
        exam.name = "Exam".into();
        let input = LineInput {
            patient_id: 1,
            item_id: 4,
            quantity_text: quantity.into(),
            unit: UnitChoice::Unit,
            discount_text: String::new(),
        };
        let lines = vec![DeskLine { input, item: exam }];
        let context = PricingContext { rules: rules(), subscriptions: vec![], promotions: vec![], returnable: None };
        let coverage = price_draft(&context, &lines).finalizable(&lines).unwrap();
        (lines, coverage)
    }

    fn euros(n: i64) -> Money {
        Money(Decimal::from(n))
    }

    #[test]
    fn the_same_figures_say_nothing() {
        let (lines, coverage) = priced("2");
        let seen = Seen { covered: &[0], gross: &[euros(90)] };
        assert!(finalize_changes(&lines, &coverage, seen, &Currency::new("EUR", 2)).is_empty());
    }

    #[test]
    fn a_price_changed_since_the_page_opened_names_both_amounts() {
        let (lines, coverage) = priced("2");
        let seen = Seen { covered: &[0], gross: &[euros(80)] };
        let said = finalize_changes(&lines, &coverage, seen, &Currency::new("EUR", 2));
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("Line 1 (Exam): the price list changed"), "{}", said[0]);
        assert!(said[0].contains("80.00") && said[0].contains("90.00"), "{}", said[0]);
    }

    #[test]
    fn fewer_covered_than_shown_says_another_desk_used_the_plan() {
        let (lines, coverage) = priced("1");
        let said = finalize_changes(&lines, &coverage, Seen { covered: &[1], gross: &[] }, &Currency::new("EUR", 2));
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("showed 1 covered, but 0 exams were covered"), "{}", said[0]);
        assert!(said[0].contains("another desk used part of the plan"), "{}", said[0]);
    }

    #[test]
    fn an_older_page_that_sent_no_prices_is_not_told_of_a_change() {
        let (lines, coverage) = priced("1");
        assert!(finalize_changes(&lines, &coverage, Seen::default(), &Currency::new("EUR", 2)).is_empty());
    }
}
