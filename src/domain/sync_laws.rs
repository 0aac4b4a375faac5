//! Property tests: the laws usage sync keeps for any order of sendings,
//! repeats, changes, deletions and voids.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::sync::{Difference, InvoiceLines, LineStatus, SourceLine, difference, plan_give_back};

fn arb_line() -> impl Strategy<Value = SourceLine> {
    let status = prop_oneof![8 => Just(LineStatus::Final), 1 => Just(LineStatus::Deleted), 1 => Just(LineStatus::Void)];
    (0u8..3, 0u8..4, 0u8..2, 0u8..2, -3i64..=4, status).prop_map(|(invoice, line, patient, code, quantity, status)| {
        SourceLine {
            invoice_id: format!("INV-{invoice}"),
            line_id: format!("{line}"),
            invoice_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            patient_ref: format!("P-{patient}"),
            code: format!("WP-{code}"),
            quantity,
            status,
        }
    })
}

type Key = (String, String, String);

/// Applies a batch as the store does: take in every line, then move each
/// touched invoice's (patient, code) by the difference. Returns the moves.
fn apply(
    invoices: &mut BTreeMap<String, InvoiceLines>,
    applied: &mut BTreeMap<Key, i64>,
    batch: &[SourceLine],
) -> Vec<Difference> {
    let mut touched = Vec::new();
    for line in batch {
        invoices.entry(line.invoice_id.clone()).or_default().receive(line.clone());
        touched.push(line.invoice_id.clone());
    }
    touched.sort();
    touched.dedup();
    let mut moves = Vec::new();
    for invoice in touched {
        let asked = invoices[&invoice].requests();
        let keys: Vec<Key> = applied
            .keys()
            .filter(|k| k.0 == invoice)
            .cloned()
            .chain(asked.keys().map(|(p, c)| (invoice.clone(), p.clone(), c.clone())))
            .collect();
        for key in keys {
            let now = asked.get(&(key.1.clone(), key.2.clone())).copied().unwrap_or(0);
            let before = applied.get(&key).copied().unwrap_or(0);
            let change = difference(before, now);
            let after = match change {
                Difference::Same => before,
                Difference::Draw(n) => before + n,
                Difference::GiveBack(n) => before - n,
            };
            applied.insert(key, after);
            moves.push(change);
        }
    }
    moves
}

proptest! {
    /// Whatever arrives in whatever order, what is applied equals what the
    /// latest lines ask (never below zero): nothing counted twice, a void
    /// restores exactly.
    #[test]
    fn applied_always_equals_what_the_latest_lines_ask(batches in prop::collection::vec(prop::collection::vec(arb_line(), 1..8), 1..8)) {
        let (mut invoices, mut applied) = (BTreeMap::new(), BTreeMap::new());
        for batch in &batches {
            apply(&mut invoices, &mut applied, batch);
            for (key, &units) in &applied {
                let asked = invoices[&key.0].requests().get(&(key.1.clone(), key.2.clone())).copied().unwrap_or(0);
                prop_assert_eq!(units, asked.max(0), "{:?}", key);
                prop_assert!(units >= 0);
            }
        }
    }

    /// The same batch sent again changes nothing.
    #[test]
    fn a_batch_sent_twice_moves_nothing_the_second_time(batch in prop::collection::vec(arb_line(), 1..10)) {
        let (mut invoices, mut applied) = (BTreeMap::new(), BTreeMap::new());
        apply(&mut invoices, &mut applied, &batch);
        let again = apply(&mut invoices, &mut applied, &batch);
        prop_assert!(again.iter().all(|m| *m == Difference::Same), "{:?}", again);
    }

    /// Sending lines one by one or all at once ends in the same counts.
    #[test]
    fn splitting_a_batch_changes_nothing(batch in prop::collection::vec(arb_line(), 1..10)) {
        let (mut a_inv, mut a) = (BTreeMap::new(), BTreeMap::new());
        apply(&mut a_inv, &mut a, &batch);
        let (mut b_inv, mut b) = (BTreeMap::new(), BTreeMap::new());
        for line in &batch {
            apply(&mut b_inv, &mut b, std::slice::from_ref(line));
        }
        a.retain(|_, v| *v != 0);
        b.retain(|_, v| *v != 0);
        prop_assert_eq!(a, b);
    }

    /// Giving back takes exactly what is asked when there is enough, never
    /// more than a posting holds.
    #[test]
    fn giving_back_never_takes_more_than_is_held(units in 0i64..20, over in 0i64..5, held in prop::collection::vec(0i64..5, 0..5)) {
        let postings: Vec<(i64, i64)> = held.iter().enumerate().map(|(i, h)| (i as i64, *h)).collect();
        let plan = plan_give_back(units, over, &postings);
        let total: i64 = plan.from_over_usage + plan.from_postings.iter().map(|p| p.1).sum::<i64>();
        prop_assert_eq!(total, units.min(over + held.iter().sum::<i64>()));
        for (id, take) in &plan.from_postings {
            prop_assert!(*take > 0 && *take <= held[*id as usize]);
        }
    }
}
