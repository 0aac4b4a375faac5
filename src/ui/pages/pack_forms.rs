//! A manager's pack forms: carrying a pack over from another system, and
//! changing what is left of one or its end date. Both keep what was typed
//! when the server refuses it, and say what to fix.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::desk::PatientBrief;
use crate::api::packs::{CarryOverForm, PackChangeForm, PackTemplateChoice, carry_over_pack, change_pack};
use crate::domain::plural;
use crate::ui::pages::client_packs::Changed;

/// Brings a client's pack over: template, number left, end date, the note
/// shown at each use, and the reason (required).
#[component]
pub fn CarryOverPanel(
    client_id: i64,
    templates: Vec<PackTemplateChoice>,
    pets: Vec<PatientBrief>,
    changed: Changed,
) -> impl IntoView {
    let template_id = RwSignal::new(templates.first().map(|t| t.id.to_string()).unwrap_or_default());
    let left = RwSignal::new(String::new());
    let ends_on = RwSignal::new(String::new());
    let use_note = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let pet = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let names = StoredValue::new(templates.clone());
    // A pack made for one pet asks which pet.
    let for_one_pet =
        move || names.with_value(|t| t.iter().any(|t| t.one_pet && t.id.to_string() == template_id.get()));
    let pets = StoredValue::new(pets);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = CarryOverForm {
            template_id: template_id.get_untracked(),
            left: left.get_untracked(),
            ends_on: ends_on.get_untracked(),
            use_note: use_note.get_untracked(),
            reason: reason.get_untracked(),
            pet: pet.get_untracked(),
        };
        // Said at once when the numbers cannot be read; the server says the rest.
        if let Err(why) = form.parse() {
            problem.set(Some(why));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match carry_over_pack(client_id, form.clone()).await {
                Ok(_) => {
                    let name = names.with_value(|t| {
                        t.iter().find(|t| t.id.to_string() == form.template_id).map(|t| t.name.clone())
                    });
                    changed.done(format!("{} carried over with {} left.", name.unwrap_or_default(), form.left.trim()));
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="panel form-panel carry-over" data-test="carry-over">
            <summary class="panel-title">"Carry over a pack from another system"</summary>
            <p class="muted small panel-note">
                "For a package or pack the client already had before CareCount: no sale, no payment. "
                "What was used before is recorded as a carried-over balance, with your reason. "
                <a href="/carry-over" data-test="carry-over-file-link">"Many clients? Carry them over from a file."</a>
            </p>
            <form class="form-grid" on:submit=submit>
                <label class="field"><span>"Becomes"</span>
                    <select data-test="carry-template" on:change=move |ev| {
                        template_id.set(event_target_value(&ev));
                        // A pet chosen for another template is not this one's.
                        pet.set(String::new());
                    }>
                        {templates.iter().map(|t| {
                            let id = t.id.to_string();
                            let shown = format!("{} ({} {})", t.name, t.size, plural(&t.unit, t.size));
                            let selected = { let id = id.clone(); move || template_id.get() == id };
                            view! { <option value=id selected=selected>{shown}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=for_one_pet>
                    <label class="field"><span>"For"</span>
                        <select data-test="carry-pet" on:change=move |ev| pet.set(event_target_value(&ev))>
                            <option value="" selected=move || pet.get().is_empty()>"Choose the pet"</option>
                            {pets.get_value().into_iter().map(|p| {
                                let id = p.id.to_string();
                                let selected = { let id = id.clone(); move || pet.get() == id };
                                view! { <option value=id selected=selected>{p.name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <label class="field"><span>"Number left"</span>
                    <input inputmode="numeric" data-test="carry-left" placeholder="7" prop:value=move || left.get()
                        on:input=move |ev| left.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Ends on (optional)"</span>
                    <input type="date" data-test="carry-ends" prop:value=move || ends_on.get()
                        on:input=move |ev| ends_on.set(event_target_value(&ev))/>
                </label>
                <label class="field wide-field"><span>"Note shown at each use (optional)"</span>
                    <input data-test="carry-note" maxlength="300" placeholder="Paid in full in the old system"
                        prop:value=move || use_note.get() on:input=move |ev| use_note.set(event_target_value(&ev))/>
                </label>
                <label class="field wide-field"><span>"Reason (required)"</span>
                    <input data-test="carry-reason" maxlength="500" placeholder="Balance from the previous practice system"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                </label>
                {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="carry-problem">{p}</p> })}
                <div class="actions">
                    <button class="button" type="submit" data-test="carry-submit" disabled=move || busy.get()>"Carry over"</button>
                </div>
            </form>
        </details>
    }
}

/// Sets what is left of a pack and its end date, with a note: recorded as
/// an entry and an audited change, never an edit of a count.
#[component]
pub fn ChangePackForm(
    subscription_id: i64,
    name: String,
    left: i64,
    ends_on: Option<NaiveDate>,
    changed: Changed,
) -> impl IntoView {
    let left_text = RwSignal::new(left.to_string());
    let end_text = RwSignal::new(ends_on.map(|d| d.to_string()).unwrap_or_default());
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = PackChangeForm {
            left: left_text.get_untracked(),
            ends_on: end_text.get_untracked(),
            note: note.get_untracked(),
        };
        if let Err(why) = form.parse() {
            problem.set(Some(why));
            return;
        }
        let name = name.clone();
        spawn_local(async move {
            match change_pack(subscription_id, form).await {
                Ok(()) => changed.done(format!("{name} changed.")),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <details class="pack-change" data-test="pack-change">
            <summary class="link-button">"Change number left or end date"</summary>
            <form class="form-grid" on:submit=submit>
                <label class="field"><span>"Number left"</span>
                    <input inputmode="numeric" data-test="change-left" prop:value=move || left_text.get()
                        on:input=move |ev| left_text.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Ends on (empty: no end)"</span>
                    <input type="date" data-test="change-ends" prop:value=move || end_text.get()
                        on:input=move |ev| end_text.set(event_target_value(&ev))/>
                </label>
                <label class="field wide-field"><span>"Why (required, kept in the history)"</span>
                    <input data-test="change-note" maxlength="500" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))/>
                </label>
                {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="change-problem">{p}</p> })}
                <div class="actions"><button class="button secondary" type="submit" data-test="change-submit">"Save change"</button></div>
            </form>
        </details>
    }
}
