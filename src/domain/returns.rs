//! What a correction may give back, and what it credits.
//!
//! A negative line on a correction invoice returns units of the invoice it
//! corrects: first the units a plan covered (they go back to the posting
//! they came from, as far as that posting still holds them), then the units
//! that were paid for. It never returns more than that invoice charged for
//! that patient and item, and it credits what those units were charged, not
//! today's price: a free exam returned credits nothing.

use serde::{Deserialize, Serialize};

use super::benefit::{BenefitId, ItemId};
use super::money::Money;
use super::quantity::Quantity;
use super::subscription::{PatientId, SubscriptionId};

/// Identifies a line of a finalized invoice.
pub type InvoiceLineId = i64;

/// Units of one finalized line that a correction may still return: the part
/// one benefit covered, or the part that was paid for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnablePart {
    /// The corrected invoice's line.
    pub line_id: InvoiceLineId,
    /// The line's patient.
    pub patient_id: PatientId,
    /// The line's item.
    pub item_id: ItemId,
    /// The benefit that covered these units; `None` for the units paid for.
    pub drawn_from: Option<(SubscriptionId, BenefitId)>,
    /// Units not returned yet.
    pub quantity: Quantity,
    /// Their regular price as invoiced, not returned yet.
    pub gross: Money,
    /// What was charged for them and not credited yet.
    pub charged: Money,
    /// Of the covered units, how many the plan still counts as used (a use
    /// removed from the history or already voided is not held).
    pub held: Quantity,
    /// Whether the held units count against the plan's balance on the
    /// draft's date (false for a use in an earlier plan year).
    pub counts_now: bool,
    /// Where the held units count now, when their plan was transferred to
    /// another pet after they were used: units given back follow it.
    #[serde(default)]
    pub moved: Option<MovedUse>,
}

/// The plan that took over a transferred plan's use, as a returned unit
/// reaches it: the last benefit along the chain of transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedUse {
    /// The plan that took over.
    pub subscription_id: SubscriptionId,
    /// Its benefit that holds the moved use.
    pub benefit_id: BenefitId,
    /// The ledger entry by which the use arrived; parts that share it share
    /// its room.
    pub arrival: i64,
    /// Units that can still move on: the least any arrival along the chain
    /// still holds.
    pub room: Quantity,
    /// Whether what moves on counts in that plan's balance on the draft's
    /// date (false once that plan has started a new plan year).
    pub counts_now: bool,
}

/// Units a correction line returns from one part of the corrected invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Return {
    /// The corrected invoice's line.
    pub line_id: InvoiceLineId,
    /// The benefit the units came from; `None` for units paid for.
    pub drawn_from: Option<(SubscriptionId, BenefitId)>,
    /// Units returned (positive).
    pub quantity: Quantity,
    /// Of those, units given back to the plan (positive, at most `quantity`).
    pub to_plan: Quantity,
    /// Their regular price as invoiced (positive).
    pub gross: Money,
    /// What is credited for them (positive): what they were charged.
    pub credit: Money,
    /// Whether what went back to the plan counts in its balance on the
    /// correction's date (false for a use from an earlier plan year).
    #[serde(default)]
    pub counts_now: bool,
    /// Where the units given back move on to after a transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<MovedUse>,
}

/// Lowers the parts by what earlier corrections already returned.
pub fn subtract_returned(parts: &mut [ReturnablePart], returned: &[Return]) {
    for r in returned {
        if let Some(part) = parts.iter_mut().find(|p| p.line_id == r.line_id && p.drawn_from == r.drawn_from) {
            part.quantity = part.quantity - r.quantity;
            part.gross = part.gross - r.gross;
            part.charged = part.charged - r.credit;
        }
    }
}

/// Takes `wanted` units of this patient's item from the parts, covered parts
/// first, and lowers the parts by what was taken. Refuses in words, taking
/// nothing, when fewer units are left to return.
pub fn take_returns(
    parts: &mut [ReturnablePart],
    patient_id: PatientId,
    item_id: ItemId,
    wanted: Quantity,
    minor_digits: u32,
) -> Result<Vec<Return>, u64> {
    let mine = |p: &ReturnablePart| p.patient_id == patient_id && p.item_id == item_id && p.quantity.0 > 0;
    let available: i64 = parts.iter().filter(|p| mine(p)).map(|p| p.quantity.0).sum();
    if wanted.0 > available {
        return Err(available.max(0) as u64);
    }
    let mut order: Vec<usize> = (0..parts.len()).filter(|&i| mine(&parts[i])).collect();
    // Covered units first, in the order the line drew them; paid units last.
    order.sort_by_key(|&i| parts[i].drawn_from.is_none());
    let mut left = wanted;
    let mut taken = Vec::new();
    for i in order {
        if left.0 == 0 {
            break;
        }
        let part = &mut parts[i];
        let quantity = part.quantity.min(left);
        let (gross, credit) = if quantity == part.quantity {
            (part.gross, part.charged)
        } else {
            let share = |m: Money| {
                Money(m.0 * rust_decimal::Decimal::from(quantity.0) / rust_decimal::Decimal::from(part.quantity.0))
                    .round(minor_digits)
            };
            (share(part.gross), share(part.charged))
        };
        let to_plan = quantity.min(part.held).max(Quantity::ZERO);
        part.quantity = part.quantity - quantity;
        part.gross = part.gross - gross;
        part.charged = part.charged - credit;
        part.held = part.held - to_plan;
        taken.push(Return {
            line_id: part.line_id,
            drawn_from: part.drawn_from,
            quantity,
            to_plan,
            gross,
            credit,
            counts_now: part.counts_now,
            moved: part.moved,
        });
        left = left - quantity;
    }
    Ok(taken)
}

/// Room left on each arrival a returned unit may move on through, as the
/// draft's earlier lines used it.
#[derive(Default)]
pub(crate) struct Moving {
    rooms: Vec<(i64, Quantity)>,
}

impl Moving {
    /// Of `units` given back to a transferred plan, how many move on to the
    /// plan that took over, the way the ledger follows a transfer.
    pub(crate) fn follow(&mut self, moved: &MovedUse, units: Quantity) -> Quantity {
        let at = match self.rooms.iter().position(|(arrival, _)| *arrival == moved.arrival) {
            Some(at) => at,
            None => {
                self.rooms.push((moved.arrival, moved.room));
                self.rooms.len() - 1
            }
        };
        let room = &mut self.rooms[at].1;
        let followed = units.min(*room).max(Quantity::ZERO);
        *room = *room - followed;
        followed
    }
}
