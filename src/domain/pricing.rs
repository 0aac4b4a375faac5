//! Pricing a draft: the one path from typed lines to coverage.
//!
//! The SOAP page, the invoice page and finalizing all call [`price_draft`]:
//! parse what was typed, apply running promotions, cover with the plans and
//! (on a correction) return what the corrected invoice holds.

use serde::{Deserialize, Serialize};

use super::coverage::{Coverage, CoverageRules, ItemRef, LineCoverage, cover};
use super::draft::{LineInput, parse_line};
use super::promotion::{Promotion, apply_promotions};
use super::returns::ReturnablePart;
use super::subscription::CoverageSubscription;
use super::tracker::Tracker;

/// A draft line as saved: what was typed and the catalog item it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskLine {
    /// What was typed.
    pub input: LineInput,
    /// The item, with its units and price.
    pub item: ItemRef,
}

/// Everything a draft is priced against besides its lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricingContext {
    /// Date, currency digits and clinic switches.
    pub rules: CoverageRules,
    /// The client's plans with their balances on the draft's date.
    pub subscriptions: Vec<CoverageSubscription>,
    /// Promotions running at the clinic.
    pub promotions: Vec<Promotion>,
    /// For a correction invoice: what the corrected invoice may still give
    /// back. `None` for any other draft (negative lines are refused).
    pub returnable: Option<Vec<ReturnablePart>>,
}

/// A priced draft: per line its coverage or what to fix, and the tracker of
/// the lines that count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PricedDraft {
    /// One entry per line, in order.
    pub lines: Vec<Result<LineCoverage, String>>,
    /// The benefits tracker.
    pub tracker: Tracker,
}

/// Prices a draft. A line that does not parse, or that asks a correction to
/// return more than the corrected invoice holds, says what to fix and
/// counts nothing; the other lines are covered in order.
pub fn price_draft(context: &PricingContext, lines: &[DeskLine]) -> PricedDraft {
    let correction = context.returnable.is_some();
    let parsed: Vec<Result<_, String>> = lines.iter().map(|l| parse_line(&l.input, &l.item, correction)).collect();
    let mut valid: Vec<_> = parsed.iter().filter_map(|p| p.as_ref().ok().cloned()).collect();
    apply_promotions(&mut valid, &context.promotions, context.rules.date);
    let returnable = context.returnable.as_deref().unwrap_or_default();
    let Coverage { lines: covered, tracker } = cover(&context.rules, &context.subscriptions, returnable, &valid);
    let mut covered = covered.into_iter();
    let lines = parsed
        .into_iter()
        .map(|p| {
            p.and_then(|_| {
                let line = covered.next().ok_or_else(|| "This line could not be counted.".to_string())?;
                match &line.problem {
                    Some(problem) => Err(problem.clone()),
                    None => Ok(line),
                }
            })
        })
        .collect();
    PricedDraft { lines, tracker }
}

impl PricedDraft {
    /// The coverage to post, or the first line that must be fixed, named
    /// with its number and item.
    pub fn finalizable(self, lines: &[DeskLine]) -> Result<Coverage, String> {
        let covered = self
            .lines
            .into_iter()
            .zip(lines)
            .enumerate()
            .map(|(n, (line, desk))| line.map_err(|e| format!("Line {} ({}): {e}", n + 1, desk.item.name)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Coverage { lines: covered, tracker: self.tracker })
    }

    /// The covered quantity of every line (0 for a line to fix): what the
    /// desk saw, so the server can say where the saved result differs.
    pub fn preview(&self) -> Vec<i64> {
        self.lines.iter().map(|l| l.as_ref().map_or(0, |c| c.covered.0)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;
    use crate::domain::{Quantity, UnitChoice, UnitSpec, parts_of};

    fn typed(patient: i64, item: &ItemRef, quantity: &str) -> DeskLine {
        DeskLine {
            input: LineInput {
                patient_id: patient,
                item_id: item.id,
                quantity_text: quantity.into(),
                unit: UnitChoice::Unit,
                discount_text: String::new(),
            },
            item: item.clone(),
        }
    }

    #[test]
    fn a_correction_returns_at_most_what_the_invoice_held() {
        let exam = item(7, 45, UnitSpec::single("exam"));
        let subs = vec![plan(1, Some(10), None, vec![benefit(100, 7, Some(1), 100, 0)])];
        let mut context = PricingContext { rules: rules(), subscriptions: subs, promotions: vec![], returnable: None };
        let original = price_draft(&context, &[typed(10, &exam, "1")]);
        let line = original.lines[0].clone().unwrap();
        assert_eq!(line.covered, Quantity(1));

        context.subscriptions[0].benefits[0].used = Quantity(1);
        context.returnable = Some(parts_of(55, 10, 7, &line, 2));
        let once = price_draft(&context, &[typed(10, &exam, "-1")]);
        assert_eq!(once.lines[0].as_ref().unwrap().covered, Quantity(-1));
        assert_eq!(once.lines[0].as_ref().unwrap().net.0, rust_decimal::Decimal::ZERO, "a free exam credits nothing");
        let twice = price_draft(&context, &[typed(10, &exam, "-1"), typed(10, &exam, "-1")]);
        assert!(twice.lines[1].as_ref().unwrap_err().contains("no exams of this item left to return"));
        assert!(
            twice.finalizable(&[typed(10, &exam, "-1"), typed(10, &exam, "-1")]).unwrap_err().starts_with("Line 2")
        );
        let other_pet = price_draft(&context, &[typed(11, &exam, "-1")]);
        assert!(other_pet.lines[0].is_err(), "another pet's use cannot be given back");
    }

    #[test]
    fn a_unit_given_back_to_a_transferred_plan_covers_the_heirs_next_line() {
        let exam = item(7, 45, UnitSpec::single("exam"));
        // Pet 10's plan (1) moved to pet 11 as plan 2, its one exam used.
        let mut old = plan(1, Some(10), None, vec![benefit(100, 7, Some(1), 100, 1)]);
        old.status = crate::domain::subscription::SubscriptionStatus::Cancelled;
        let heir = plan(2, Some(11), None, vec![benefit(200, 7, Some(1), 100, 1)]);
        let original = PricingContext {
            rules: rules(),
            subscriptions: vec![plan(1, Some(10), None, vec![benefit(100, 7, Some(1), 100, 0)])],
            promotions: vec![],
            returnable: None,
        };
        let line = price_draft(&original, &[typed(10, &exam, "1")]).lines[0].clone().unwrap();
        let mut parts = parts_of(55, 10, 7, &line, 2);
        let moved = crate::domain::MovedUse {
            subscription_id: 2,
            benefit_id: 200,
            arrival: 9,
            room: Quantity(1),
            counts_now: true,
        };
        parts[0].moved = Some(moved);
        let context = PricingContext {
            rules: rules(),
            subscriptions: vec![old, heir],
            promotions: vec![],
            returnable: Some(parts),
        };
        let lines = [typed(10, &exam, "-1"), typed(11, &exam, "1")];
        let priced = price_draft(&context, &lines);
        assert_eq!(priced.lines[1].as_ref().unwrap().covered, Quantity(1), "the heir's exam is covered");
        let row = priced.tracker.rows.iter().find(|r| r.benefit_id == 200).unwrap();
        assert_eq!(row.remaining_after, row.remaining_before, "one came back to the heir and one was used");

        let mut no_room = context.clone();
        no_room.returnable.as_mut().unwrap()[0].moved = Some(crate::domain::MovedUse { room: Quantity(0), ..moved });
        let priced = price_draft(&no_room, &lines);
        assert_eq!(priced.lines[1].as_ref().unwrap().covered, Quantity(0), "nothing moves past a spent arrival");
    }
}
