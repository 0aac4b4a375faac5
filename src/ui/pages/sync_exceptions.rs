//! The sync page's "Needs a person" panel: practice-system lines with an
//! unknown code or patient, or an item in none of the pet's plans, each
//! mapped and applied again, or dismissed with a note.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use super::sync::sync_address;
use super::sync_mappings::ChoosePet;
use crate::api::sync::{
    Choice, ExceptionRow, RetryOutcome, dismiss_sync_exception, map_sync_code, map_sync_patient, retry_sync,
};
use crate::ui::format::date;
use crate::ui::pager::pager;
use crate::ui::typed_notes::TypedNotes;
use crate::ui::unbroken::unbroken_ids;
use crate::wire::paging::Paging;

#[component]
pub(super) fn ExceptionsPanel(
    rows: Vec<ExceptionRow>,
    paging: Paging,
    items: Vec<Choice>,
    changed: RwSignal<u32>,
    outcome: RwSignal<Option<Result<RetryOutcome, String>>>,
    notes: TypedNotes,
) -> impl IntoView {
    let retry = move |_| {
        spawn_local(async move {
            let result = retry_sync().await.map_err(|e| e.to_string());
            if result.is_ok() {
                changed.update(|n| *n += 1);
            }
            outcome.set(Some(result));
        })
    };
    let empty = rows.is_empty();
    let query = use_query_map();
    let chosen = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let pages = pager(paging, rows.len(), false, move |page| sync_address(&chosen, ("exceptions_page", page)));
    view! {
        <section class="panel" data-test="exceptions">
            <div class="panel-head"><h3 class="panel-title">"Needs a person"</h3>
                {(!empty).then(|| view! { <button class="button" data-test="apply-again" on:click=retry>"Apply again"</button> })}</div>
            <p class="muted small panel-note">"Lines with an unknown code or patient, or an item that is in none of the pet's plans. Map the code or the patient, then apply again; a line no mapping will clear is dismissed with a note."</p>
            {move || outcome.get().map(|o| match o {
                Ok(done) => view! { <p class="banner success" role="status" data-test="applied-again">{retry_words(&done)}</p> }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert">{e}</p> }.into_any(),
            })}
            {if empty {
                view! { <p class="empty">"Every line found its patient and plan."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Invoice"</th><th>"Patient id"</th><th>"Code"</th><th>"Qty"</th><th>"Problem"</th><th>"Map or dismiss"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|row| {
                            view! { <ExceptionLine row choices=items.clone() notes/> }
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
            {pages}
        </section>
    }
}

/// "Apply again" in words: what it cleared and what still waits.
fn retry_words(done: &RetryOutcome) -> String {
    let lines = |n: i64| if n == 1 { "1 line".to_string() } else { format!("{n} lines") };
    let waiting = match done.still_open {
        0 => "nothing still needs a person".to_string(),
        1 => "1 line still needs a person".to_string(),
        n => format!("{n} lines still need a person"),
    };
    match done.cleared {
        0 => format!("Applied again: no line cleared; {waiting}."),
        n => format!("Applied again: {} cleared; {waiting}.", lines(n)),
    }
}

#[component]
fn ExceptionLine(row: ExceptionRow, choices: Vec<Choice>, notes: TypedNotes) -> impl IntoView {
    let chosen = RwSignal::new(None::<i64>);
    let state = RwSignal::new(None::<Result<(), String>>);
    let patient = row.kind == "unknown_patient";
    let (code, pims) = (row.code.clone(), row.patient_ref.clone());
    let map = move |_| {
        let (code, pims) = (code.clone(), pims.clone());
        let Some(id) = chosen.get_untracked() else {
            state.set(Some(Err(if patient { "Choose the patient first." } else { "Choose the item first." }.into())));
            return;
        };
        spawn_local(async move {
            let result = if patient { map_sync_patient(pims, id).await } else { map_sync_code(code, id).await };
            state.set(Some(result.map_err(|e| e.to_string())));
        })
    };
    let mappable = row.kind != "over_return";
    // A line no mapping will clear: closed by a person, with a note.
    let id = row.id;
    let note = notes.note(("exception", id));
    let dismissed = RwSignal::new(None::<Result<(), String>>);
    let dismiss = move |_| {
        spawn_local(async move {
            let result = dismiss_sync_exception(id, note.get_untracked()).await;
            if result.is_ok() {
                notes.forget(("exception", id));
            }
            dismissed.set(Some(result.map_err(|e| e.to_string())));
        })
    };
    view! {
        <tr data-test="exception-row">
            <td class="nowrap">{row.invoice_ref.clone()}<div class="muted small">{date(row.invoice_date)}</div></td>
            <td class="nowrap">{row.patient_ref.clone()}</td>
            <td class="nowrap"><code>{row.code.clone()}</code></td>
            <td>{row.quantity}</td>
            <td><span class="pill pill-warn">{kind_label(&row.kind)}</span><div class="muted small">{unbroken_ids(&row.detail)}</div></td>
            <td>{mappable.then(|| view! {
                <div class="decide">
                    {if patient {
                        view! { <ChoosePet chosen test="map-pet"/> }.into_any()
                    } else {
                        view! {
                            <select data-test="map-choice" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                                <option value="">"Choose the item…"</option>
                                {choices.clone().into_iter().map(|c| view! { <option value=c.id>{c.label}</option> }).collect_view()}
                            </select>
                        }.into_any()
                    }}
                    <button class="button secondary small" data-test="map" on:click=map.clone()>"Map"</button>
                </div>
                {move || state.get().map(|s| match s {
                    Ok(()) => view! { <p class="small success-text" role="status">"Mapped. Apply again to count it."</p> }.into_any(),
                    Err(e) => view! { <p class="small error-text" role="alert">{e}</p> }.into_any(),
                })}
            })}
                <div class="decide">
                    <input type="text" class="note" data-test="dismiss-note" placeholder="Why it needs no mapping"
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button class="button secondary small" data-test="dismiss" on:click=dismiss>"Dismiss"</button>
                </div>
                {move || dismissed.get().map(|s| match s {
                    Ok(()) => view! { <p class="small success-text" role="status">"Dismissed: it is closed, and stays closed if the same line comes again."</p> }.into_any(),
                    Err(e) => view! { <p class="small error-text" role="alert">{e}</p> }.into_any(),
                })}
            </td>
        </tr>
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "unknown_code" => "Unknown code",
        "unknown_patient" => "Unknown patient",
        "not_in_plan" => "Not in plan",
        _ => "Returns too much",
    }
}
