//! The sentence beside each line, in words an owner understands.

use super::discount::{DiscountSource, OtherDiscount};
use super::money::Percent;
use super::quantity::{Quantity, UnitSpec, plural};
use super::returns::Return;

/// What a line's sentence is made from.
#[derive(Clone, Copy, Debug)]
pub struct LineFacts<'a> {
    /// The line's signed quantity.
    pub quantity: Quantity,
    /// Units covered (negative: given back to a plan).
    pub covered: Quantity,
    /// Units beyond the plans.
    pub excess: Quantity,
    /// The best benefit discount among the units covered.
    pub best_plan_discount: Option<Percent>,
    /// The discount on the excess, if any.
    pub excess_discount: Option<OtherDiscount>,
    /// Whether a usable plan covers the item at all.
    pub plan_applies: bool,
    /// What a negative line returns of the corrected invoice.
    pub returns: &'a [Return],
}

/// Explains how a line was covered and charged. Empty for a plain line at
/// regular price, where there is nothing to explain.
pub fn explain_line(units: &UnitSpec, line: &LineFacts<'_>) -> String {
    let name = units.smallest_name();
    let count = |n: i64| format!("{n} {}", plural(name, n));

    if line.quantity.is_negative() {
        return explain_returns(units, line.returns);
    }

    let covered = line.covered.0;
    let excess = line.excess.0;
    let covered_sentence = || {
        let verb = if covered == 1 { "is" } else { "are" };
        let best = line.best_plan_discount.unwrap_or_default();
        if best.is_full() {
            format!("{} of this item {verb} covered by your plan.", count(covered))
        } else {
            format!("{} of this item {verb} {best} off with your plan.", count(covered))
        }
    };

    match (covered > 0, excess > 0) {
        (true, false) => covered_sentence(),
        (true, true) => {
            let more = plural(name, 2);
            match line.excess_discount {
                Some(d) => format!("{} Additional {more} get {}.", covered_sentence(), discount_words(d)),
                None => format!("{} Additional {more} are charged at regular price.", covered_sentence()),
            }
        }
        (false, true) if line.plan_applies => match line.excess_discount {
            Some(d) => format!("Your plan has none of this item left this term; {} applies.", discount_words(d)),
            None => "Your plan has none of this item left this term, so it is charged at regular price.".into(),
        },
        (false, true) => line
            .excess_discount
            .map(|d| format!("Not included in a plan; {} applies.", discount_words(d)))
            .unwrap_or_default(),
        (_, false) => String::new(),
    }
}

/// A correction's negative line: what went back to a plan, what is
/// credited, and what could not go back because the plan no longer held it.
fn explain_returns(units: &UnitSpec, returns: &[Return]) -> String {
    let name = units.smallest_name();
    let count = |n: i64| format!("{n} {}", plural(name, n));
    let to_plan: i64 = returns.iter().map(|r| r.to_plan.0).sum();
    let covered: i64 = returns.iter().filter(|r| r.drawn_from.is_some()).map(|r| r.quantity.0).sum();
    let paid: i64 = returns.iter().filter(|r| r.drawn_from.is_none()).map(|r| r.quantity.0).sum();
    let mut parts = Vec::new();
    if to_plan > 0 {
        parts.push(format!("{} returned to your plan and available again.", count(to_plan)));
    }
    if covered > to_plan {
        parts.push(format!(
            "{} had been covered by your plan and {} no longer counted there, so nothing goes back to the plan for {}.",
            count(covered - to_plan),
            if covered - to_plan == 1 { "is" } else { "are" },
            if covered - to_plan == 1 { "it" } else { "them" },
        ));
    }
    if paid > 0 {
        parts.push(format!("{} credited at the price charged on the original invoice.", count(paid)));
    }
    parts.join(" ")
}

/// Why a negative line asks too much of the corrected invoice.
pub fn over_return(units: &UnitSpec, available: u64) -> String {
    let name = units.smallest_name();
    if available == 0 {
        format!(
            "The corrected invoice has no {} of this item left to return for this pet: it was not invoiced for \
             this pet, or it was returned already.",
            plural(name, 2)
        )
    } else {
        let n = available as i64;
        format!(
            "Only {n} {} of this item {} left to return for this pet on the corrected invoice; a correction \
             cannot return more than was invoiced.",
            plural(name, n),
            if n == 1 { "is" } else { "are" }
        )
    }
}

/// "your 10% member discount", "the 15% promotion", "a 5% line discount".
fn discount_words(discount: OtherDiscount) -> String {
    let p = discount.percent;
    match discount.source {
        DiscountSource::Member => format!("your {p} member discount"),
        DiscountSource::Promotion => format!("the {p} promotion"),
        DiscountSource::Manual => format!("a {p} line discount"),
    }
}
