//! The reference model: what every benefit has used, predicted from the
//! operations alone, and the laws of the ledger checked against the store.

use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};

/// A plan as the model knows it (its status is read from the store: the
/// lifecycle has its own tests; the model predicts counts).
#[derive(Clone, Debug)]
pub struct Sub {
    pub patient: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: String,
    pub transferred_to: Option<i64>,
    pub cancelled_on: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct Benefit {
    pub sub: i64,
    pub limit: Option<i64>,
    pub yearly: bool,
    pub item: Option<i64>,
    pub group: Option<i64>,
    pub discount: i64,
}

/// A use that counts, and what of it is still held.
#[derive(Clone, Debug)]
pub struct Posting {
    pub benefit: i64,
    pub quantity: i64,
    pub held: i64,
    pub used_on: NaiveDate,
    pub removable: bool,
}

/// A line of a finalized invoice, with what a correction may still return:
/// the covered parts (posting, units left) and the units paid for.
#[derive(Clone, Debug)]
pub struct Line {
    pub patient: i64,
    pub item: i64,
    pub parts: Vec<(i64, i64)>,
    pub paid_left: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Finalized,
    Voided,
}

#[derive(Clone, Debug)]
pub struct Invoice {
    pub id: i64,
    pub status: Status,
    pub corrects: Option<usize>,
    pub lines: Vec<Line>,
    /// The uses its own positive lines posted.
    pub postings: Vec<i64>,
    /// What it gave back to plans: (posting, units).
    pub given_back: Vec<(i64, i64)>,
    /// What it took of the corrected invoice: (line, part or None for paid, units).
    pub took: Vec<Taken>,
}

/// What a correction took of a line: (line, part or None for paid, units).
pub type Taken = (usize, Option<usize>, i64);

/// The model's whole state.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub subs: BTreeMap<i64, Sub>,
    pub benefits: BTreeMap<i64, Benefit>,
    pub postings: BTreeMap<i64, Posting>,
    pub invoices: Vec<Invoice>,
    /// The "used before the move" posting on the new plan, per old benefit.
    pub arrivals: HashMap<i64, i64>,
    /// Ids for postings the model predicts but has not read (transfers that
    /// follow a give-back); negative so they never meet a store id.
    pub next_synthetic: i64,
}

/// The first day of the plan year holding `on`.
pub fn year_start(start: NaiveDate, on: NaiveDate) -> NaiveDate {
    let mut year = start;
    let mut n = 1;
    while let Some(next) = start.checked_add_months(Months::new(12 * n)) {
        if next > on {
            break;
        }
        year = next;
        n += 1;
    }
    year
}

impl Model {
    /// The period of a benefit that holds `on`: (first day, day after last).
    pub fn period(&self, benefit: i64, on: NaiveDate) -> (NaiveDate, NaiveDate) {
        let b = &self.benefits[&benefit];
        if b.yearly {
            let from = year_start(self.subs[&b.sub].starts_on, on);
            (from, from.checked_add_months(Months::new(12)).expect("date"))
        } else {
            (NaiveDate::MIN, NaiveDate::MAX)
        }
    }

    /// Units a benefit has used in the period holding `on`.
    pub fn used(&self, benefit: i64, on: NaiveDate) -> i64 {
        let (from, until) = self.period(benefit, on);
        self.postings
            .values()
            .filter(|p| p.benefit == benefit && p.used_on >= from && p.used_on < until)
            .map(|p| p.held)
            .sum()
    }

    fn usable(&self, sub: i64, on: NaiveDate) -> bool {
        let s = &self.subs[&sub];
        s.status == "active" && s.starts_on <= on && s.ends_on.is_none_or(|end| on <= end)
    }

    /// Benefits that may cover a patient's item on a day, in drawing order.
    fn candidates(&self, patient: i64, item: i64, group: Option<i64>, on: NaiveDate) -> Vec<i64> {
        let mut found: Vec<i64> = self
            .benefits
            .iter()
            .filter(|(_, b)| self.usable(b.sub, on) && self.subs[&b.sub].patient.is_none_or(|p| p == patient))
            .filter(|(_, b)| b.item == Some(item) || (b.group.is_some() && b.group == group))
            .map(|(id, _)| *id)
            .collect();
        found.sort_by_key(|id| {
            let b = &self.benefits[id];
            (-b.discount, self.subs[&b.sub].ends_on.unwrap_or(NaiveDate::MAX), b.sub, *id)
        });
        found
    }

    /// Units each positive line is covered for, drawing in order; `extra`
    /// carries what earlier lines of the same draft drew.
    pub fn predict_draws(
        &self,
        lines: &[(i64, i64, Option<i64>, i64)],
        on: NaiveDate,
        extra: &mut HashMap<i64, i64>,
    ) -> Vec<i64> {
        lines
            .iter()
            .map(|&(patient, item, group, quantity)| {
                if quantity <= 0 {
                    return 0;
                }
                let mut need = quantity;
                for b in self.candidates(patient, item, group, on) {
                    let used = self.used(b, on) + extra.get(&b).copied().unwrap_or(0);
                    let take = match self.benefits[&b].limit {
                        Some(limit) => (limit - used).max(0).min(need),
                        None => need,
                    };
                    *extra.entry(b).or_default() += take;
                    need -= take;
                }
                quantity - need
            })
            .collect()
    }

    /// Units a correction of invoice `index` may still return for a
    /// patient's item.
    pub fn returnable(&self, index: usize, patient: i64, item: i64) -> i64 {
        self.invoices[index]
            .lines
            .iter()
            .filter(|l| l.patient == patient && l.item == item)
            .map(|l| l.parts.iter().map(|p| p.1).sum::<i64>() + l.paid_left)
            .sum()
    }

    /// Takes `wanted` units of a patient's item from invoice `index`,
    /// covered parts first; returns (posting, units to give back) pairs and
    /// what was taken.
    pub fn take_returns(
        &mut self,
        index: usize,
        patient: i64,
        item: i64,
        wanted: i64,
    ) -> (Vec<(i64, i64)>, Vec<Taken>) {
        let mut left = wanted;
        let (mut give, mut took) = (Vec::new(), Vec::new());
        let line_count = self.invoices[index].lines.len();
        for li in 0..line_count {
            let line = &self.invoices[index].lines[li];
            if line.patient != patient || line.item != item {
                continue;
            }
            for pi in 0..line.parts.len() {
                let (posting, units) = self.invoices[index].lines[li].parts[pi];
                let take = units.min(left);
                if take == 0 {
                    continue;
                }
                self.invoices[index].lines[li].parts[pi].1 -= take;
                let to_plan = take.min(self.postings[&posting].held);
                if to_plan > 0 {
                    give.push((posting, to_plan));
                }
                took.push((li, Some(pi), take));
                left -= take;
            }
        }
        for li in 0..line_count {
            let line = &mut self.invoices[index].lines[li];
            if line.patient != patient || line.item != item {
                continue;
            }
            let take = line.paid_left.min(left);
            if take > 0 {
                line.paid_left -= take;
                took.push((li, None, take));
                left -= take;
            }
        }
        (give, took)
    }

    /// Gives back units a posting holds; after a transfer they follow the
    /// plan that took over.
    pub fn give_back(&mut self, posting: i64, units: i64) {
        let p = self.postings.get_mut(&posting).expect("known posting");
        let units = units.min(p.held);
        p.held -= units;
        let (mut benefit, mut used_on, mut units) = (p.benefit, p.used_on, units);
        while units > 0 {
            let sub = &self.subs[&self.benefits[&benefit].sub];
            let (Some(_), Some(moved_on)) = (sub.transferred_to, sub.cancelled_on) else { return };
            if self.benefits[&benefit].yearly && used_on < year_start(sub.starts_on, moved_on) {
                return;
            }
            let Some(&arrived) = self.arrivals.get(&benefit) else { return };
            let take = units.min(self.postings[&arrived].held);
            if take == 0 {
                return;
            }
            self.next_synthetic -= 1;
            let moved = Posting { benefit, quantity: take, held: take, used_on: moved_on, removable: false };
            self.postings.insert(self.next_synthetic, moved);
            let a = self.postings.get_mut(&arrived).expect("arrival");
            a.held -= take;
            (benefit, used_on, units) = (a.benefit, a.used_on, take);
        }
    }
}
