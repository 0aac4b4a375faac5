//! What a finalized line leaves a correction to return: its parts.

use super::benefit::{BenefitId, ItemId};
use super::coverage::LineCoverage;
use super::money::Money;
use super::quantity::Quantity;
use super::returns::{InvoiceLineId, ReturnablePart};
use super::subscription::{PatientId, SubscriptionId};

/// A benefit's draw (or the paid units), its quantity and its savings.
type Piece = (Option<(SubscriptionId, BenefitId)>, Quantity, Money);

/// The parts of one finalized line: each benefit's draw, then the units
/// paid for. `held` starts as the covered quantity; the store lowers it to
/// what the ledger still holds. Amounts split the line's rounded totals, so
/// the parts add up to the line exactly.
pub fn parts_of(
    line_id: InvoiceLineId,
    patient_id: PatientId,
    item_id: ItemId,
    line: &LineCoverage,
    minor_digits: u32,
) -> Vec<ReturnablePart> {
    if line.quantity.0 <= 0 {
        return Vec::new();
    }
    let share = |amount: Money, units: Quantity| {
        Money(amount.0 * rust_decimal::Decimal::from(units.0) / rust_decimal::Decimal::from(line.quantity.0))
            .round(minor_digits)
    };
    let covered: Quantity = line.allocations.iter().filter(|a| a.quantity.0 > 0).map(|a| a.quantity).sum();
    let mut pieces: Vec<Piece> = line
        .allocations
        .iter()
        .filter(|a| a.quantity.0 > 0)
        .map(|a| (Some((a.subscription_id, a.benefit_id)), a.quantity, a.savings))
        .collect();
    if line.quantity.0 > covered.0 {
        pieces.push((None, line.quantity - covered, Money::ZERO));
    }
    // Gross: every piece but the last is valued by its share; the last
    // takes what remains, so the parts add up to the line's gross exactly.
    let last = pieces.len().saturating_sub(1);
    let mut gross_so_far = Money::ZERO;
    let grosses: Vec<Money> = pieces
        .iter()
        .enumerate()
        .map(|(n, &(_, quantity, _))| {
            let gross = if n == last { line.gross - gross_so_far } else { share(line.gross, quantity) };
            gross_so_far = gross_so_far + gross;
            gross
        })
        .collect();
    let charged = charged_parts(line, &pieces, minor_digits);
    pieces
        .into_iter()
        .zip(grosses.into_iter().zip(charged))
        .map(|((drawn_from, quantity, _), (gross, charged))| {
            let covered_part = drawn_from.is_some();
            ReturnablePart {
                line_id,
                patient_id,
                item_id,
                drawn_from,
                quantity,
                gross,
                charged,
                held: if covered_part { quantity } else { Quantity::ZERO },
                counts_now: covered_part,
                moved: None,
            }
        })
        .collect()
}

/// What each piece was charged: never below nothing, adding up to what the
/// line charged to the minor unit. A piece a benefit made free is charged
/// nothing; the cent a rounding leaves goes to the paid units, else to the
/// covered piece it belongs to most. (A covered piece valued as its gross
/// share less its rounded savings could be charged a cent, and the next
/// piece minus that cent: a correction returning the first credited a cent
/// the line never charged.)
fn charged_parts(line: &LineCoverage, pieces: &[Piece], minor_digits: u32) -> Vec<Money> {
    use rust_decimal::{Decimal, RoundingStrategy};
    let unit = Decimal::new(1, minor_digits);
    let per_unit = line.gross.0 / Decimal::from(line.quantity.0);
    let plan_savings: Decimal = pieces.iter().map(|p| p.2.0).sum();
    let other_discounts = (line.discount.0 - plan_savings).max(Decimal::ZERO);
    let exact: Vec<Decimal> = pieces
        .iter()
        .map(|&(drawn_from, quantity, _)| {
            let gross = per_unit * Decimal::from(quantity.0);
            let charged = match (
                drawn_from,
                line.allocations.iter().find(|a| Some((a.subscription_id, a.benefit_id)) == drawn_from),
            ) {
                (Some(_), Some(allocation)) => gross - allocation.discount.of(gross),
                _ => gross - other_discounts,
            };
            charged.max(Decimal::ZERO)
        })
        .collect();
    let mut parts: Vec<Decimal> =
        exact.iter().map(|e| e.round_dp_with_strategy(minor_digits, RoundingStrategy::ToZero)).collect();
    let paid = pieces.iter().position(|p| p.0.is_none());
    let mut left = line.net.0 - parts.iter().sum::<Decimal>();
    while left >= unit {
        let to = paid.unwrap_or_else(|| {
            (0..parts.len())
                .max_by(|&a, &b| (exact[a] - parts[a]).cmp(&(exact[b] - parts[b])).then(b.cmp(&a)))
                .unwrap_or(0)
        });
        parts[to] += unit;
        left -= unit;
    }
    while left <= -unit {
        let Some(from) =
            (0..parts.len()).filter(|&i| parts[i] >= unit).max_by(|&a, &b| parts[a].cmp(&parts[b]).then(b.cmp(&a)))
        else {
            break;
        };
        parts[from] -= unit;
        left += unit;
    }
    parts.into_iter().map(Money).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coverage::Allocation;
    use crate::domain::fixtures::*;
    use crate::domain::returns::{subtract_returned, take_returns};
    use crate::domain::{CoverageRules, cover};

    fn exam_line(quantity: i64, limit: i64) -> LineCoverage {
        let exam = item(7, 45, crate::domain::UnitSpec::single("exam"));
        let plan = plan(1, Some(10), None, vec![benefit(100, 7, Some(limit), 100, 0)]);
        let rules = CoverageRules { minor_digits: 2, ..rules() };
        cover(&rules, &[plan], &[], &[line(10, &exam, quantity)]).lines.remove(0)
    }

    #[test]
    fn a_free_exam_returned_credits_nothing_and_goes_back_to_the_plan() {
        let mut parts = parts_of(1, 10, 7, &exam_line(2, 1), 2);
        assert_eq!(parts.len(), 2, "one covered part, one paid part");
        let first = take_returns(&mut parts, 10, 7, Quantity(1), 2).unwrap();
        assert_eq!(first[0].to_plan, Quantity(1));
        assert_eq!(first[0].credit, Money::ZERO);
        let second = take_returns(&mut parts, 10, 7, Quantity(1), 2).unwrap();
        assert_eq!(second[0].drawn_from, None);
        assert_eq!(second[0].credit.0, rust_decimal::Decimal::from(45), "the paid exam is credited what it cost");
        assert_eq!(take_returns(&mut parts, 10, 7, Quantity(1), 2), Err(0), "nothing is left to return");
    }

    #[test]
    fn a_use_no_longer_held_credits_what_was_charged_and_gives_nothing_back() {
        let mut parts = parts_of(1, 10, 7, &exam_line(1, 1), 2);
        parts[0].held = Quantity::ZERO;
        let taken = take_returns(&mut parts, 10, 7, Quantity(1), 2).unwrap();
        assert_eq!((taken[0].to_plan, taken[0].credit), (Quantity::ZERO, Money::ZERO));
    }

    #[test]
    fn earlier_returns_are_subtracted() {
        let line = exam_line(3, 1);
        let mut parts = parts_of(1, 10, 7, &line, 2);
        let earlier = take_returns(&mut parts.clone(), 10, 7, Quantity(2), 2).unwrap();
        subtract_returned(&mut parts, &earlier);
        assert_eq!(take_returns(&mut parts.clone(), 10, 7, Quantity(2), 2), Err(1));
        let last = take_returns(&mut parts, 10, 7, Quantity(1), 2).unwrap();
        let credited: Money = earlier.iter().chain(&last).map(|r| r.credit).sum();
        assert_eq!(credited, line.net, "all returns together credit exactly what the line charged");
    }

    #[test]
    fn a_line_its_benefits_made_free_leaves_no_part_charged() {
        use rust_decimal::Decimal;
        let mut line = exam_line(3, 3);
        // Two draws whose rounded savings split the line unevenly, as
        // rounding across benefits can: a third of 1.00 is 0.33, saved 0.34.
        let cents = |n: i64| Money(Decimal::new(n, 2));
        (line.gross, line.discount, line.net) = (cents(100), cents(100), Money::ZERO);
        let first = line.allocations[0].clone();
        line.allocations = vec![
            Allocation { quantity: Quantity(1), savings: cents(34), ..first.clone() },
            Allocation { benefit_id: first.benefit_id + 1, quantity: Quantity(2), savings: cents(66), ..first },
        ];
        let parts = parts_of(1, 10, 7, &line, 2);
        assert!(parts.iter().all(|p| p.charged == Money::ZERO), "{parts:?}");
        assert_eq!(parts.iter().map(|p| p.gross).sum::<Money>(), line.gross);
    }
}
