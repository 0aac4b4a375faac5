//! Sessions beyond a referral or insurer authorisation, shown live beside
//! a draft with the same words finalizing would refuse with; a manager
//! writes the note that lets it through.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::state::DeskState;
use crate::domain::DeskLine;
use crate::wire::patients::{PlanCard, authorisation_refusals};

/// The live check, and a manager's override note.
#[component]
pub fn AuthorisationCheck(
    state: DeskState,
    plans: Vec<PlanCard>,
    date_of_draft: NaiveDate,
    /// The invoice: its own checked-out visits draw their holds.
    invoice_id: i64,
    may_override: bool,
    /// What a manager writes to finalize anyway; sent with Finalize.
    override_note: RwSignal<String>,
) -> impl IntoView {
    let plans = StoredValue::new(plans);
    let refusals = Memo::new(move |_| {
        let typed: Vec<DeskLine> = state
            .lines
            .with(|lines| lines.iter().map(|l| DeskLine { input: l.input(), item: l.item.clone() }).collect());
        state.computed.with(|c| {
            let asked: Vec<_> = typed.into_iter().zip(c.lines.iter().map(|l| l.as_ref().ok())).collect();
            plans.with_value(|p| authorisation_refusals(p, &asked, date_of_draft, Some(invoice_id)))
        })
    });
    view! {
        <Show when=move || !refusals.with(Vec::is_empty)>
            <section class="banner warn authorisation-check" role="alert" data-test="authorisation-check">
                <strong>"Beyond what was authorised"</strong>
                <ul>{move || refusals.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                {if may_override {
                    view! {
                        <label class="field">
                            <span>"To count them on the authorisation anyway, say why (kept in the history)"</span>
                            <input data-test="override-note" maxlength="500" placeholder="Insurer extended the claim by phone"
                                prop:value=move || override_note.get() on:input=move |ev| override_note.set(event_target_value(&ev))/>
                        </label>
                    }.into_any()
                } else {
                    view! { <p class="small">"A manager may finalize it with a note that says why."</p> }.into_any()
                }}
            </section>
        </Show>
    }
}
