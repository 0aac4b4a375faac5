//! The household's open packages and session packs beside a draft: what is
//! left after this draft, warnings, the note staff must see, and a button
//! that uses one. Counted in the browser by the shared rules, so the number
//! drops as soon as a line is added.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::state::DeskState;
use crate::domain::{PackBalance, Quantity, listed_for, pack_badge, pack_benefit, pack_covers, plural};
use crate::ui::badges::BenefitBadge;
use crate::ui::format::date;
use crate::wire::patients::PlanCard;

/// A pack the desk may offer: its card, its counting state before this
/// draft, and the benefit and item it draws on.
#[derive(Clone)]
struct Offered {
    card: PlanCard,
    before: PackBalance,
    benefit_id: i64,
    item: Option<crate::domain::ItemRef>,
    unit: String,
}

/// What a catalog result would draw from: the first open pack of the
/// household that covers the item for the pet, with what is left after the
/// draft as it stands ("Daycare 10-day pack: 6 left").
pub fn pack_hint(
    plans: &[PlanCard],
    state: &DeskState,
    item: &crate::domain::ItemRef,
    pet: i64,
    on: NaiveDate,
    past_due_usable: bool,
    invoice: Option<i64>,
) -> Option<String> {
    plans.iter().find_map(|card| {
        let before = card.pack_on(invoice)?;
        let sub = &card.subscription;
        if !listed_for(sub, &before, pet, on, past_due_usable) || !pack_covers(sub, item.id, item.group_id) {
            return None;
        }
        let drawn = drawn_from(state, sub.id);
        let left = (before.left().0 - drawn).max(0);
        Some(format!("{}: {left} left", sub.plan_name))
    })
}

/// What the draft as it stands draws from a subscription.
fn drawn_from(state: &DeskState, subscription_id: i64) -> i64 {
    state.computed.with_untracked(|c| {
        c.lines
            .iter()
            .flatten()
            .flat_map(|l| &l.allocations)
            .filter(|a| a.subscription_id == subscription_id)
            .map(|a| a.quantity.0)
            .sum()
    })
}

/// The open packs that cover the pet new lines are for.
#[component]
pub fn OpenPacks(
    state: DeskState,
    plans: Vec<PlanCard>,
    /// The draft's date: packs are open or not on this day.
    date_of_draft: NaiveDate,
    past_due_usable: bool,
    /// The invoice (none on a SOAP plan): its own checked-out visits draw
    /// their holds.
    #[prop(optional)]
    invoice_id: Option<i64>,
    #[prop(into)] patient_id: Signal<i64>,
) -> impl IntoView {
    let offered: Vec<Offered> = plans
        .into_iter()
        .filter_map(|card| {
            let before = card.pack_on(invoice_id)?;
            let benefit = pack_benefit(&card.subscription)?;
            let shown = card.benefits.iter().find(|d| d.benefit_id == benefit.id)?;
            let (benefit_id, item, unit) = (benefit.id, shown.item.clone(), shown.units.smallest_name().to_string());
            Some(Offered { card, before, benefit_id, item, unit })
        })
        .collect();
    let offered = StoredValue::new(offered);
    let listed = move || {
        let pet = patient_id.get();
        offered.with_value(|all| {
            all.iter()
                .filter(|o| listed_for(&o.card.subscription, &o.before, pet, date_of_draft, past_due_usable))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !listed().is_empty()>
            <section class="open-packs" data-test="open-packs" aria-label="Open packs">
                <h3 class="panel-title">"Open packs"</h3>
                <ul>
                    <For each=listed key=|o| o.card.subscription.id let:pack>
                        <OpenPackRow pack state date_of_draft patient_id/>
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn OpenPackRow(pack: Offered, state: DeskState, date_of_draft: NaiveDate, patient_id: Signal<i64>) -> impl IntoView {
    let Offered { card, before, benefit_id, item, unit } = pack;
    let subscription_id = card.subscription.id;
    // What this draft draws from the pack, line by line, as counted now.
    let drawn = move || {
        state.computed.with(|c| {
            c.lines
                .iter()
                .flatten()
                .flat_map(|l| &l.allocations)
                .filter(|a| a.subscription_id == subscription_id && a.benefit_id == benefit_id)
                .map(|a| a.quantity.0)
                .sum::<i64>()
        })
    };
    let after = {
        let before = before.clone();
        move || PackBalance { used: Quantity(before.used.0 + drawn()), ..before.clone() }
    };
    let badge = {
        let after = after.clone();
        Signal::derive(move || pack_badge(&after(), date_of_draft))
    };
    let left_text = {
        let (after, unit) = (after.clone(), unit.clone());
        Signal::derive(move || after().left_text(&unit))
    };
    let warnings = {
        let (after, unit) = (after.clone(), unit.clone());
        move || after().warnings(date_of_draft).iter().map(|w| w.words(&unit)).collect::<Vec<_>>().join(" · ")
    };
    let facts = card.pack_facts.clone().unwrap_or_default();
    let ends = before.ends_on.map_or_else(|| "no end date".to_string(), |d| format!("until {}", date(d)));
    let whose =
        card.patient_name.clone().map_or_else(|| "any pet of the household".to_string(), |n| format!("{n} only"));
    let use_button = item.map(|item| {
        let label = format!("Use 1 {}", plural(&unit, 1));
        view! {
            <button type="button" class="button small" data-test="use-pack"
                on:click=move |_| state.add(item.clone(), patient_id.get_untracked())>{label}</button>
        }
    });
    view! {
        <li data-test="open-pack" data-pack=card.subscription.plan_name.clone()>
            <div class="grow">
                <strong>{card.subscription.plan_name.clone()}</strong>
                <span class="muted small">{format!(" · {whose} · {ends}")}</span>
                {facts.authorisation.clone().map(|a| view! {
                    <span class="muted small">{format!(" · {} ref. {}", a.name, a.reference)}</span>
                })}
            </div>
            <span data-test="open-pack-left"><BenefitBadge state=badge text=left_text/></span>
            {move || {
                let w = warnings();
                (!w.is_empty()).then(|| view! { <span class="pill pill-warn small" data-test="open-pack-warning">{w}</span> })
            }}
            {use_button}
            {(!facts.use_note.is_empty()).then(|| view! {
                <p class="use-note" data-test="use-note">{format!("Note: {}", facts.use_note)}</p>
            })}
        </li>
    }
}
