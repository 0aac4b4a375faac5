//! The state of a draft on screen, and its live coverage.
//!
//! Every keystroke changes a signal; one memo parses the lines and runs the
//! shared counting core. No request leaves the browser for that.

use leptos::prelude::*;

use crate::domain::{
    DeskLine, ItemRef, LineCoverage, LineInput, Money, PricingContext, Tracker, UnitChoice, price_draft,
};

/// One line being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct LineState {
    /// Stable identity for the list.
    pub key: usize,
    /// The item.
    pub item: ItemRef,
    /// The patient.
    pub patient_id: RwSignal<i64>,
    /// The quantity as typed.
    pub quantity: RwSignal<String>,
    /// The unit it is typed in.
    pub unit: RwSignal<UnitChoice>,
    /// A manual discount as typed.
    pub discount: RwSignal<String>,
}

impl LineState {
    /// What was typed, as the server stores it.
    pub fn input(&self) -> LineInput {
        LineInput {
            patient_id: self.patient_id.get(),
            item_id: self.item.id,
            quantity_text: self.quantity.get(),
            unit: self.unit.get(),
            discount_text: self.discount.get(),
        }
    }
}

/// What the counting core made of the lines.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Computed {
    /// Per line: its coverage, or what to fix in it.
    pub lines: Vec<Result<LineCoverage, String>>,
    /// The benefits tracker of the valid lines.
    pub tracker: Tracker,
}

/// Signals and the live computation of one draft.
#[derive(Clone, Copy)]
pub struct DeskState {
    /// The lines.
    pub lines: RwSignal<Vec<LineState>>,
    /// Live coverage.
    pub computed: Memo<Computed>,
    /// The benefits tracker of the live coverage: its readers need not copy
    /// it, and a keystroke that leaves it as it was redraws none of it.
    pub tracker: Memo<Tracker>,
    next_key: StoredValue<usize>,
    /// The editor's reactive owner: new lines' signals must live as long as
    /// the editor, not as long as the search result that was clicked.
    owner: StoredValue<Owner>,
}

impl DeskState {
    /// State for a draft loaded from the server.
    pub fn new(pricing: PricingContext, initial: Vec<DeskLine>) -> DeskState {
        let lines: Vec<LineState> = initial.into_iter().enumerate().map(|(key, l)| line_state(key, l)).collect();
        let next_key = StoredValue::new(lines.len());
        let lines = RwSignal::new(lines);
        // What was typed is read in a memo of its own, so the pricing memo
        // has one source instead of four signals per line: every read of a
        // memo copies its list of sources, and each row reads the pricing
        // on every keystroke (with 50 lines, copying that list took 15 % of
        // a keystroke's time in Chromium's profiler).
        let typed = Memo::new(move |_| lines.with(|lines| typed_lines(lines)));
        let computed = Memo::new(move |_| typed.with(|typed| compute(&pricing, typed)));
        let tracker = Memo::new(move |_| computed.with(|c| c.tracker.clone()));
        DeskState { lines, computed, tracker, next_key, owner: StoredValue::new(Owner::current().unwrap_or_default()) }
    }

    /// Adds a line for an item, one main unit by default.
    pub fn add(&self, item: ItemRef, patient_id: i64) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let input = LineInput {
            patient_id,
            item_id: item.id,
            quantity_text: "1".into(),
            unit: UnitChoice::Unit,
            discount_text: String::new(),
        };
        let line = self.owner.with_value(|owner| owner.with(|| line_state(key, DeskLine { input, item })));
        self.lines.update(|lines| lines.push(line));
    }

    /// Removes a line.
    pub fn remove(&self, key: usize) {
        self.lines.update(|lines| lines.retain(|l| l.key != key));
    }

    /// Every line as typed.
    pub fn inputs(&self) -> Vec<LineInput> {
        self.lines.get().iter().map(LineState::input).collect()
    }

    /// The covered quantity of every line as this screen shows it (0 for a
    /// line that does not parse): the server reports where it differs.
    pub fn preview(&self) -> Vec<i64> {
        self.computed.get().lines.iter().map(|l| l.as_ref().map_or(0, |c| c.covered.0)).collect()
    }

    /// Each line's price before discounts as shown, for finalize to say
    /// whether the price list changed since the page was opened.
    pub fn gross_seen(&self) -> Vec<Money> {
        self.computed.get().lines.iter().map(|l| l.as_ref().map_or(Money::ZERO, |c| c.gross)).collect()
    }
}

fn line_state(key: usize, line: DeskLine) -> LineState {
    LineState {
        key,
        item: line.item,
        patient_id: RwSignal::new(line.input.patient_id),
        quantity: RwSignal::new(line.input.quantity_text),
        unit: RwSignal::new(line.input.unit),
        discount: RwSignal::new(line.input.discount_text),
    }
}

/// The lines as typed, with their items.
fn typed_lines(lines: &[LineState]) -> Vec<DeskLine> {
    lines.iter().map(|l| DeskLine { input: l.input(), item: l.item.clone() }).collect()
}

/// Prices the lines as typed with the shared pricing path.
pub fn compute(pricing: &PricingContext, typed: &[DeskLine]) -> Computed {
    let priced = price_draft(pricing, typed);
    Computed { lines: priced.lines, tracker: priced.tracker }
}
