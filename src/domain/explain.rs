//! The sentence beside each line, in words an owner understands.

use super::coverage::{DiscountSource, LineCoverage, OtherDiscount};
use super::quantity::{UnitSpec, plural};

/// Explains how a line was covered and charged. Empty for a plain line at
/// regular price, where there is nothing to explain.
pub fn explain_line(units: &UnitSpec, line: &LineCoverage) -> String {
    let name = units.smallest_name();
    let count = |n: i64| format!("{n} {}", plural(name, n));

    if line.quantity.is_negative() {
        let mut parts = Vec::new();
        if line.covered.0 < 0 {
            parts.push(format!("{} returned to your plan and available again.", count(-line.covered.0)));
        }
        if line.excess.0 < 0 {
            parts.push(format!("{} refunded at regular price.", count(-line.excess.0)));
        }
        return parts.join(" ");
    }

    let covered = line.covered.0;
    let excess = line.excess.0;
    let covered_sentence = || {
        let verb = if covered == 1 { "is" } else { "are" };
        let best = line.allocations.iter().map(|a| a.discount).max().unwrap_or_default();
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

/// "your 10% member discount", "the 15% promotion", "a 5% line discount".
fn discount_words(discount: OtherDiscount) -> String {
    let p = discount.percent;
    match discount.source {
        DiscountSource::Member => format!("your {p} member discount"),
        DiscountSource::Promotion => format!("the {p} promotion"),
        DiscountSource::Manual => format!("a {p} line discount"),
    }
}
