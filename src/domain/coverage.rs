//! Coverage of a draft (SOAP plan or invoice) against a client's plans.
//!
//! One function, [`cover`], used by the browser for live badges and by the
//! server inside the finalize transaction, so the preview and the saved
//! result can only differ when the ledger changed in between.

use chrono::NaiveDate;

use super::benefit::{BenefitId, Remaining, remaining};
pub use super::coverage_types::{Allocation, Coverage, CoverageRules, DraftLine, ItemRef, LineCoverage};
pub use super::discount::{DiscountSource, OtherDiscount};
use super::explain::{explain_line, over_return};
use super::money::{Money, Percent, split_rounded};
use super::quantity::Quantity;
use super::returns::{Moving, Return, ReturnablePart, take_returns};
use super::subscription::{CoverageSubscription, SubscriptionId};
use super::tracker::TrackerBuilder;

/// Allocates coverage line by line, in order (DESIGN "Counting rules").
/// `returnable` is what a correction may give back of the invoice it
/// corrects (empty for any other draft); a negative line takes from it.
pub fn cover(
    rules: &CoverageRules,
    subs: &[CoverageSubscription],
    returnable: &[ReturnablePart],
    lines: &[DraftLine],
) -> Coverage {
    let mut run = Run::new(rules, subs, returnable);
    let covered_lines = lines.iter().map(|line| run.line(line, Words::Explained)).collect();
    Coverage { lines: covered_lines, tracker: run.tracker.finish() }
}

/// Covers one line as [`cover`] covers a draft of that line alone, but
/// without the sentence a person reads beside it: for lines counted where
/// no one reads them, such as a practice system's import. Everything else
/// (allocations, savings, excess, what was asked) is the same.
pub fn count_line(rules: &CoverageRules, subs: &[CoverageSubscription], line: &DraftLine) -> LineCoverage {
    Run::new(rules, subs, &[]).line(line, Words::Left)
}

/// Whether a covered line gets its sentence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Words {
    Explained,
    Left,
}

/// A draft being covered: the usage as it stands after the lines so far.
struct Run<'a> {
    rules: &'a CoverageRules,
    subs: &'a [CoverageSubscription],
    used: Working,
    parts: Vec<ReturnablePart>,
    moving: Moving,
    tracker: TrackerBuilder<'a>,
}

impl<'a> Run<'a> {
    fn new(rules: &'a CoverageRules, subs: &'a [CoverageSubscription], returnable: &[ReturnablePart]) -> Run<'a> {
        Run {
            rules,
            subs,
            used: Working::new(subs),
            parts: returnable.to_vec(),
            moving: Moving::default(),
            tracker: TrackerBuilder::new(subs),
        }
    }

    fn line(&mut self, line: &DraftLine, words: Words) -> LineCoverage {
        let (rules, subs) = (self.rules, self.subs);
        let candidates = candidates(rules, subs, line);
        let asked = candidates.iter().map(|&(si, bi)| (subs[si].id, subs[si].benefits[bi].id)).collect();
        let mut result = if line.quantity.is_negative() {
            let taken =
                take_returns(&mut self.parts, line.patient_id, line.item.id, line.quantity.abs(), rules.minor_digits);
            match taken {
                Ok(returns) => {
                    price_returns(subs, (&mut self.used, &mut self.moving), line, returns, &mut self.tracker)
                }
                Err(available) => refused(line, over_return(&line.item.units, available)),
            }
        } else {
            let draws = draw(subs, &mut self.used, &candidates, line, &mut self.tracker);
            price_line(rules, subs, line, draws, !candidates.is_empty(), &mut self.tracker)
        };
        result.asked = asked;
        // A refused line's sentence is already what to fix.
        if words == Words::Explained && result.problem.is_none() {
            result.explanation = explain_line(&line.item.units, &result.facts());
        }
        result
    }
}

/// Benefits that may cover this line, best first: higher discount, then the
/// plan that ends first (open-ended last), then by id for a stable order.
fn candidates(rules: &CoverageRules, subs: &[CoverageSubscription], line: &DraftLine) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = subs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.usable_on(rules.date, rules.past_due_usable) && s.applies_to(line.patient_id))
        .flat_map(|(si, s)| {
            s.benefits
                .iter()
                .enumerate()
                .filter(|(_, b)| b.covers.matches(line.item.id, line.item.group_id))
                .map(move |(bi, _)| (si, bi))
        })
        .collect();
    found.sort_by(|&(sa, ba), &(sb, bb)| {
        let (a, b) = (&subs[sa], &subs[sb]);
        let end = |s: &CoverageSubscription| s.ends_on.unwrap_or(NaiveDate::MAX);
        b.benefits[bb]
            .discount
            .cmp(&a.benefits[ba].discount)
            .then(end(a).cmp(&end(b)))
            .then(a.id.cmp(&b.id))
            .then(a.benefits[ba].id.cmp(&b.benefits[bb].id))
    });
    found
}

type Draw = (usize, usize, Quantity);

/// Usage as it stands while a draft is being covered, line by line.
struct Working {
    used: Vec<Vec<Quantity>>,
}

impl Working {
    fn new(subs: &[CoverageSubscription]) -> Working {
        Working { used: subs.iter().map(|s| s.benefits.iter().map(|b| b.used).collect()).collect() }
    }

    fn post(&mut self, si: usize, bi: usize, quantity: Quantity) {
        self.used[si][bi] = self.used[si][bi] + quantity;
    }
}

fn draw(
    subs: &[CoverageSubscription],
    working: &mut Working,
    candidates: &[(usize, usize)],
    line: &DraftLine,
    tracker: &mut TrackerBuilder,
) -> Vec<Draw> {
    let mut need = line.quantity;
    let mut draws = Vec::new();
    for &(si, bi) in candidates {
        if need.0 == 0 {
            break;
        }
        let benefit = &subs[si].benefits[bi];
        let take = match remaining(benefit.limit, [working.used[si][bi]]).available() {
            Some(available) => available.min(need),
            None => need,
        };
        tracker.request(si, bi, need, take, take);
        if take.0 > 0 {
            working.post(si, bi, take);
            draws.push((si, bi, take));
        }
        need = need - take;
    }
    draws
}

/// A negative line: the units it returns go back to the postings they came
/// from, and it credits what they were charged. Never more than the
/// corrected invoice holds: a correction nets against earlier usage instead
/// of counting as more usage, and cannot give back another pet's usage.
/// Units given back to a plan transferred since move on to the plan that
/// took over, so a later line of the same draft may use them there.
fn price_returns(
    subs: &[CoverageSubscription],
    (working, moving): (&mut Working, &mut Moving),
    line: &DraftLine,
    returns: Vec<Return>,
    tracker: &mut TrackerBuilder,
) -> LineCoverage {
    let position = |(sub, benefit): (SubscriptionId, BenefitId)| {
        let si = subs.iter().position(|s| s.id == sub)?;
        Some((si, subs[si].benefits.iter().position(|b| b.id == benefit)?))
    };
    let mut allocations = Vec::new();
    let mut other = Money::ZERO;
    for r in &returns {
        let saved = r.gross - r.credit;
        match r.drawn_from.filter(|_| r.to_plan.0 > 0) {
            Some(drawn) => {
                let followed = r.moved.map_or(Quantity::ZERO, |m| moving.follow(&m, r.to_plan));
                let heir = r
                    .moved
                    .filter(|_| followed.0 > 0)
                    .and_then(|m| position((m.subscription_id, m.benefit_id)).map(|(si, bi)| (si, bi, m.counts_now)));
                if let Some((si, bi, counts_now)) = heir {
                    let counted = if counts_now { -followed } else { Quantity::ZERO };
                    working.post(si, bi, counted);
                    tracker.request(si, bi, Quantity::ZERO, Quantity::ZERO, counted);
                }
                let found = position(drawn);
                if let Some((si, bi)) = found {
                    let counted = if r.counts_now { followed - r.to_plan } else { Quantity::ZERO };
                    working.post(si, bi, counted);
                    tracker.request(si, bi, -r.quantity, -r.to_plan, counted);
                    tracker.save(si, bi, Money::ZERO - saved);
                }
                allocations.push(Allocation {
                    subscription_id: drawn.0,
                    benefit_id: drawn.1,
                    quantity: -r.to_plan,
                    discount: found.map_or(Percent::ZERO, |(si, bi)| subs[si].benefits[bi].discount),
                    savings: Money::ZERO - saved,
                });
            }
            None => other = other + saved,
        }
    }
    tracker.other_discount(Money::ZERO - other);
    let covered: Quantity = allocations.iter().map(|a| a.quantity).sum();
    let gross: Money = returns.iter().map(|r| r.gross).sum();
    let credit: Money = returns.iter().map(|r| r.credit).sum();
    LineCoverage {
        quantity: line.quantity,
        allocations,
        covered,
        excess: line.quantity - covered,
        excess_discount: None,
        gross: Money::ZERO - gross,
        discount: credit - gross,
        net: Money::ZERO - credit,
        plan_applies: covered.0 != 0,
        asked: Vec::new(),
        explanation: String::new(),
        returns,
        problem: None,
    }
}

/// A line that counts nothing until what it asks is fixed.
fn refused(line: &DraftLine, problem: String) -> LineCoverage {
    LineCoverage {
        quantity: line.quantity,
        allocations: Vec::new(),
        covered: Quantity::ZERO,
        excess: line.quantity,
        excess_discount: None,
        gross: Money::ZERO,
        discount: Money::ZERO,
        net: Money::ZERO,
        plan_applies: false,
        asked: Vec::new(),
        explanation: problem.clone(),
        returns: Vec::new(),
        problem: Some(problem),
    }
}

fn price_line(
    rules: &CoverageRules,
    subs: &[CoverageSubscription],
    line: &DraftLine,
    draws: Vec<Draw>,
    plan_applies: bool,
    tracker: &mut TrackerBuilder,
) -> LineCoverage {
    let round = |d: rust_decimal::Decimal| Money(d).round(rules.minor_digits);
    let exact_savings: Vec<rust_decimal::Decimal> = draws
        .iter()
        .map(|&(si, bi, quantity)| subs[si].benefits[bi].discount.of(line.item.price_of(quantity)))
        .collect();
    let covered: Quantity = draws.iter().map(|d| d.2).sum();
    let excess = line.quantity - covered;
    let excess_discount = if excess.0 == 0 { None } else { best_other_discount(rules, subs, line) };
    let exact_excess =
        excess_discount.map_or(rust_decimal::Decimal::ZERO, |d| d.percent.of(line.item.price_of(excess)));
    let exact_plan: rust_decimal::Decimal = exact_savings.iter().sum();
    // Round the line's discount once; the plan's share can never exceed it,
    // so net = gross − discount is never off by a cent.
    let gross = round(line.item.price_of(line.quantity));
    let discount = round(exact_plan + exact_excess);
    let plan = round(exact_plan);
    let plan = if plan.0.abs() > discount.0.abs() { discount } else { plan };
    let excess_savings = discount - plan;
    let savings = split_rounded(plan, &exact_savings, rules.minor_digits);
    let allocations: Vec<Allocation> = draws
        .into_iter()
        .zip(savings)
        .map(|((si, bi, quantity), savings)| {
            let benefit = &subs[si].benefits[bi];
            tracker.save(si, bi, savings);
            Allocation {
                subscription_id: subs[si].id,
                benefit_id: benefit.id,
                quantity,
                discount: benefit.discount,
                savings,
            }
        })
        .collect();
    let result = LineCoverage {
        quantity: line.quantity,
        allocations,
        covered,
        excess,
        excess_discount,
        gross,
        discount,
        net: gross - discount,
        plan_applies,
        asked: Vec::new(),
        explanation: String::new(),
        returns: Vec::new(),
        problem: None,
    };
    tracker.other_discount(excess_savings);
    result
}

/// Member discounts of usable plans for this patient, a promotion and a
/// manual discount compete; the single best wins and nothing stacks.
fn best_other_discount(
    rules: &CoverageRules,
    subs: &[CoverageSubscription],
    line: &DraftLine,
) -> Option<OtherDiscount> {
    let member = subs
        .iter()
        .filter(|s| s.usable_on(rules.date, rules.past_due_usable) && s.applies_to(line.patient_id))
        .filter_map(|s| s.member_discount)
        .max()
        .map(|percent| OtherDiscount { source: DiscountSource::Member, percent });
    let promotion = line.promotion.map(|percent| OtherDiscount { source: DiscountSource::Promotion, percent });
    let manual = line.manual_discount.map(|percent| OtherDiscount { source: DiscountSource::Manual, percent });
    [manual, promotion, member]
        .into_iter()
        .flatten()
        .filter(|d| d.percent > Percent::ZERO)
        .max_by(|a, b| a.percent.cmp(&b.percent))
}

/// What is left of every benefit after the draft, for badges outside a
/// tracker row (e.g. a plan card beside the SOAP).
pub fn remaining_after(
    subs: &[CoverageSubscription],
    coverage: &Coverage,
) -> Vec<(SubscriptionId, BenefitId, Remaining)> {
    subs.iter()
        .flat_map(|s| {
            s.benefits.iter().map(move |b| {
                let drawn: Quantity = coverage
                    .lines
                    .iter()
                    .flat_map(|l| &l.allocations)
                    .filter(|a| a.subscription_id == s.id && a.benefit_id == b.id)
                    .map(|a| a.quantity)
                    .sum();
                (s.id, b.id, remaining(b.limit, [b.used, drawn]))
            })
        })
        .collect()
}
