//! Usage sync from a practice-management system: which lines count toward
//! plans, what an invoice asks of the plans once its lines are netted, and
//! how a change arrives as a difference.
//!
//! A practice system sends lines, each keyed by its invoice id and line id.
//! The latest state of every line is kept; what an invoice asks of a pet's
//! plan for an item is the sum of its live lines (so a −1/+1 provider
//! correction nets to one use), nothing once the invoice is voided. The
//! ledger then moves by the difference between what was applied and what is
//! asked now: the same line seen twice changes nothing, a changed line posts
//! the difference, a void gives everything back.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a practice-system line says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineStatus {
    /// A line of a live invoice.
    Final,
    /// This line was deleted from its invoice.
    Deleted,
    /// The whole invoice was voided (or deleted).
    Void,
}

impl LineStatus {
    /// Reads the status column: empty means a live line.
    pub fn parse(text: &str) -> Option<LineStatus> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "final" | "finalized" | "open" => Some(LineStatus::Final),
            "deleted" => Some(LineStatus::Deleted),
            "void" | "voided" => Some(LineStatus::Void),
            _ => None,
        }
    }

    /// The word stored and shown.
    pub fn code(self) -> &'static str {
        match self {
            LineStatus::Final => "final",
            LineStatus::Deleted => "deleted",
            LineStatus::Void => "void",
        }
    }
}

/// One line of a practice-system invoice, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLine {
    /// The practice system's invoice id.
    pub invoice_id: String,
    /// The practice system's line id, unique within the invoice.
    pub line_id: String,
    /// The invoice's date: the day the use happened.
    pub invoice_date: NaiveDate,
    /// The practice system's patient id.
    pub patient_ref: String,
    /// The practice system's item code.
    pub code: String,
    /// Units in the item's unit; negative returns usage.
    pub quantity: i64,
    /// Live, deleted, or the invoice voided.
    pub status: LineStatus,
}

/// Whether a code counts toward plans: it starts with the clinic's prefix,
/// ignoring case (an empty prefix counts every code).
pub fn counts_toward_plans(prefix: &str, code: &str) -> bool {
    let (prefix, code) = (prefix.trim(), code.trim());
    code.len() >= prefix.len() && code.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The latest state of each line: a later sending of the same line replaces
/// the earlier one, and a void on any line voids its whole invoice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvoiceLines {
    /// Ordered by line id, one per id. An invoice has a handful of lines,
    /// and an import keeps tens of thousands of invoices: a short sorted
    /// list holds them in one allocation where a map took a node each.
    lines: Vec<SourceLine>,
    voided: bool,
}

impl InvoiceLines {
    /// Takes in a sending of a line; returns whether anything changed.
    pub fn receive(&mut self, line: SourceLine) -> bool {
        if line.status == LineStatus::Void {
            let changed = !self.voided;
            self.voided = true;
            return changed;
        }
        match self.lines.binary_search_by(|kept| kept.line_id.cmp(&line.line_id)) {
            Ok(at) if self.lines[at] == line => false,
            Ok(at) => {
                self.lines[at] = line;
                true
            }
            Err(at) => {
                self.lines.insert(at, line);
                true
            }
        }
    }

    /// The line with this id, as last sent.
    fn line(&self, line_id: &str) -> Option<&SourceLine> {
        let at = self.lines.binary_search_by(|kept| kept.line_id.as_str().cmp(line_id)).ok()?;
        self.lines.get(at)
    }

    /// Voids the invoice: it asks nothing of the plans from now on.
    pub fn void(&mut self) {
        self.voided = true;
    }

    /// Whether the invoice was voided.
    pub fn voided(&self) -> bool {
        self.voided
    }

    /// Whether a line, as last sent, is live on an invoice that stands: it
    /// counts toward the plans until it is deleted, recoded or voided.
    pub fn is_live(&self, line_id: &str) -> bool {
        !self.voided && self.line(line_id).is_some_and(|l| l.status == LineStatus::Final)
    }

    /// The lines as last sent, deleted ones included, in order of line id.
    pub fn lines(&self) -> impl Iterator<Item = &SourceLine> {
        self.lines.iter()
    }

    /// What the invoice asks per (patient, code): the sum of its live lines,
    /// nothing when it was voided. A sum below zero is kept: the invoice
    /// returns more than it used, which needs a person.
    pub fn requests(&self) -> BTreeMap<(String, String), i64> {
        let mut asked = BTreeMap::new();
        if self.voided {
            return asked;
        }
        for line in self.lines.iter().filter(|l| l.status == LineStatus::Final) {
            *asked.entry((line.patient_ref.clone(), line.code.clone())).or_insert(0) += line.quantity;
        }
        asked
    }
}

impl FromIterator<SourceLine> for InvoiceLines {
    /// The lines received in order: a void among them voids the invoice.
    fn from_iter<T: IntoIterator<Item = SourceLine>>(lines: T) -> InvoiceLines {
        let mut invoice = InvoiceLines::default();
        for line in lines {
            invoice.receive(line);
        }
        invoice
    }
}

/// How the ledger moves for one (invoice, patient, item).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    /// Nothing changed.
    Same,
    /// Draw this many more units.
    Draw(i64),
    /// Give this many units back.
    GiveBack(i64),
}

/// The difference between what was applied and what is asked now. Below
/// zero counts as nothing: an invoice never gives back more than it drew.
pub fn difference(applied: i64, asked: i64) -> Difference {
    let (applied, asked) = (applied.max(0), asked.max(0));
    match asked.cmp(&applied) {
        std::cmp::Ordering::Equal => Difference::Same,
        std::cmp::Ordering::Greater => Difference::Draw(asked - applied),
        std::cmp::Ordering::Less => Difference::GiveBack(applied - asked),
    }
}

/// Where units given back come from: first what was recorded as over-usage
/// (it was drawn last), then the postings, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GiveBackPlan {
    /// Units taken off the open over-usage.
    pub from_over_usage: i64,
    /// (posting, units) to give back.
    pub from_postings: Vec<(i64, i64)>,
}

/// Plans giving back `units`: `over_usage` open units, then `postings`
/// ((id, units still held), oldest first), never more than each holds.
pub fn plan_give_back(units: i64, over_usage: i64, postings: &[(i64, i64)]) -> GiveBackPlan {
    let mut left = units.max(0);
    let from_over_usage = left.min(over_usage.max(0));
    left -= from_over_usage;
    let mut from_postings = Vec::new();
    for &(id, held) in postings.iter().rev() {
        if left == 0 {
            break;
        }
        let take = left.min(held.max(0));
        if take > 0 {
            from_postings.push((id, take));
            left -= take;
        }
    }
    GiveBackPlan { from_over_usage, from_postings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, quantity: i64, status: LineStatus) -> SourceLine {
        SourceLine {
            invoice_id: "INV-1".into(),
            line_id: id.into(),
            invoice_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            patient_ref: "P-7".into(),
            code: "WP-EXAM".into(),
            quantity,
            status,
        }
    }

    #[test]
    fn the_prefix_decides_what_counts() {
        assert!(counts_toward_plans("WP", "WP-EXAM"));
        assert!(counts_toward_plans("wp", "Wp-exam"));
        assert!(!counts_toward_plans("WP", "EXAM"));
        assert!(!counts_toward_plans("WP", "W"));
        assert!(counts_toward_plans("", "ANYTHING"));
    }

    #[test]
    fn a_provider_correction_nets_to_one_use() {
        let mut invoice = InvoiceLines::default();
        invoice.receive(line("1", 1, LineStatus::Final));
        invoice.receive(line("2", -1, LineStatus::Final));
        invoice.receive(line("3", 1, LineStatus::Final));
        assert_eq!(invoice.requests()[&("P-7".to_string(), "WP-EXAM".to_string())], 1);
    }

    #[test]
    fn a_void_asks_nothing_and_a_repeat_changes_nothing() {
        let mut invoice = InvoiceLines::default();
        assert!(invoice.receive(line("1", 2, LineStatus::Final)));
        assert!(!invoice.receive(line("1", 2, LineStatus::Final)), "the same line seen again");
        assert!(invoice.receive(line("1", 2, LineStatus::Void)));
        assert!(invoice.requests().is_empty());
        assert_eq!(difference(2, 0), Difference::GiveBack(2));
    }

    #[test]
    fn a_line_sent_again_replaces_itself_and_lines_read_in_order_of_id() {
        let mut invoice = InvoiceLines::default();
        for (id, quantity) in [("3", 1), ("10", 1), ("1", 1), ("3", 2)] {
            invoice.receive(line(id, quantity, LineStatus::Final));
        }
        let read: Vec<(&str, i64)> = invoice.lines().map(|l| (l.line_id.as_str(), l.quantity)).collect();
        assert_eq!(read, [("1", 1), ("10", 1), ("3", 2)]);
        assert!(invoice.is_live("10") && !invoice.is_live("2"));
        assert!(invoice.receive(line("10", 1, LineStatus::Deleted)));
        assert!(!invoice.is_live("10"));
        assert_eq!(invoice.requests()[&("P-7".to_string(), "WP-EXAM".to_string())], 3);
    }

    #[test]
    fn giving_back_takes_over_usage_first_then_the_newest_posting() {
        let plan = plan_give_back(4, 1, &[(10, 2), (11, 2)]);
        assert_eq!(plan, GiveBackPlan { from_over_usage: 1, from_postings: vec![(11, 2), (10, 1)] });
    }
}
