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
    let excess_sentence = |subject: &str| match line.excess_discount {
        Some(d) => format!("{subject}: {}.", applies(d)),
        None => format!("{subject} charged at regular price."),
    };

    match (covered > 0, excess > 0) {
        (true, false) => covered_sentence(),
        (true, true) => {
            let subject = match line.excess_discount {
                Some(_) => format!("Additional {}", plural(name, 2)),
                None => format!("Additional {} are", plural(name, 2)),
            };
            format!("{} {}", covered_sentence(), excess_sentence(&subject))
        }
        (false, true) if line.plan_applies => match line.excess_discount {
            Some(d) => format!("Your plan has none of this item left this term; {}.", applies(d)),
            None => "Your plan has none of this item left this term, so it is charged at regular price.".into(),
        },
        (false, true) => {
            line.excess_discount.map(|d| format!("Not included in a plan; {}.", applies(d))).unwrap_or_default()
        }
        (_, false) => String::new(),
    }
}

fn applies(discount: OtherDiscount) -> String {
    let p = discount.percent;
    match discount.source {
        DiscountSource::Member => format!("your {p} member discount applies"),
        DiscountSource::Promotion => format!("the {p} promotion applies"),
        DiscountSource::Manual => format!("a {p} line discount applies"),
    }
}
