//! One visit beside the schedule or the daycare list: what it is, the pack
//! it holds a session of, and what can be done next (check in, check out
//! onto the client's invoice, cancel, no-show, move).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::schedule::{MoveForm, StaffColumn, VisitRow, act_on_visit, action_label, move_visit};
use crate::domain::{VisitAction, next_visit_status};
use crate::ui::format::{field_stamp, short_day};
use crate::ui::pages::schedule::Board;

/// The actions offered for a visit, in the order staff reach for them.
fn actions(visit: &VisitRow) -> Vec<VisitAction> {
    [VisitAction::CheckIn, VisitAction::CheckOut, VisitAction::NoShow, VisitAction::Cancel]
        .into_iter()
        .filter(|a| next_visit_status(visit.kind, visit.status, *a).is_ok())
        .collect()
}

/// Runs an action on a visit; a check-out opens the client's invoice.
pub fn act(
    visit_id: i64,
    action: VisitAction,
    open_invoice: impl Fn(i64) + 'static,
    done: impl Fn(String) + 'static,
    failed: RwSignal<Option<String>>,
) {
    spawn_local(async move {
        match act_on_visit(visit_id, action).await {
            Ok(outcome) => match outcome.invoice_id {
                Some(invoice) => open_invoice(invoice),
                None => done(outcome.notice),
            },
            Err(e) => failed.set(Some(e.to_string())),
        }
    });
}

/// The panel of one visit.
#[component]
pub fn VisitPanel(visit: VisitRow, staff: Vec<StaffColumn>, board: Board) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let open_invoice = move |invoice: i64| navigate(&format!("/invoices/{invoice}"), Default::default());
    let starts_at = RwSignal::new(field_stamp(visit.span.start));
    let staff_id = RwSignal::new(visit.staff_id.map(|s| s.to_string()).unwrap_or_default());
    let id = visit.id;
    let movable = next_visit_status(visit.kind, visit.status, VisitAction::Move).is_ok();
    let move_it = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = MoveForm { starts_at: starts_at.get_untracked(), staff_id: staff_id.get_untracked().parse().ok() };
        spawn_local(async move {
            match move_visit(id, form.clone()).await {
                Ok(()) => board.done(format!("Moved to {}.", form.starts_at.replace('T', " "))),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <aside class="panel side-panel" data-test="visit-panel">
            <div class="panel-title-row">
                <h2 class="panel-title">{format!("{} · {}", visit.patient_name, visit.service_name)}</h2>
                <button class="button ghost" type="button" on:click=move |_| board.selected.set(None)>"Close"</button>
            </div>
            <dl class="facts">
                <dt>"When"</dt><dd>{format!("{} {}", short_day(visit.span.start.date()), visit.span.hours_text())}</dd>
                <dt>"Client"</dt><dd><a href=format!("/clients/{}/packs", visit.client_id)>{visit.client_name.clone()}</a></dd>
                <dt>"With"</dt><dd>{visit.staff_name.clone().unwrap_or_else(|| "Anyone".into())}</dd>
                <dt>"Status"</dt><dd data-test="visit-status">{visit.status.label()}</dd>
                {visit.pack.clone().map(|p| view! {
                    <dt>"Pack"</dt><dd data-test="visit-pack">{p.name}" · "{p.counts}</dd>
                    {(!p.use_note.is_empty()).then(|| view! { <dt>"Note"</dt><dd class="use-note" data-test="visit-use-note">{p.use_note}</dd> })}
                })}
                {(!visit.override_note.is_empty()).then(|| view! { <dt>"Override"</dt><dd>{visit.override_note.clone()}</dd> })}
                {visit.invoice_id.map(|i| view! { <dt>"Invoice"</dt><dd><a href=format!("/invoices/{i}")>"Open the invoice"</a></dd> })}
            </dl>
            <div class="actions">
                {actions(&visit).into_iter().map(|a| {
                    let class = if a == VisitAction::CheckOut || a == VisitAction::CheckIn { "button" } else { "button secondary" };
                    view! {
                        <button class=class type="button" data-test=format!("visit-{}", action_label(a).to_ascii_lowercase().replace(' ', "-"))
                            on:click={
                                let open_invoice = open_invoice.clone();
                                move |_| act(id, a, open_invoice.clone(), move |n| board.done(n), problem)
                            }>{action_label(a)}</button>
                    }
                }).collect_view()}
            </div>
            {movable.then(|| view! {
                <form class="form-stack move-form" on:submit=move_it>
                    <div class="form-row">
                        <label class="field"><span>"Move to"</span>
                            <input type="datetime-local" data-test="move-start" prop:value=starts_at on:input=move |ev| starts_at.set(event_target_value(&ev))/>
                        </label>
                        <label class="field"><span>"With"</span>
                            <select prop:value=move || staff_id.get() on:change=move |ev| staff_id.set(event_target_value(&ev))>
                                <option value="">"Anyone"</option>
                                {staff.iter().map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    <button class="button secondary" type="submit" data-test="move">"Move"</button>
                </form>
            })}
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="visit-problem">{p}</p> })}
        </aside>
    }
}
