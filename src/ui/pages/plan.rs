//! One plan: its benefits and every use, newest first. "Remove" appends a
//! reversal with a note; the history keeps both.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::plans::{LedgerRow, RemovalReason, plan_page, usage_remove};
use crate::ui::format::{long_date, stamp};
use crate::ui::pages::patient::PlanCardView;
use crate::ui::pages::plan_lifecycle::LifecyclePanel;
use crate::ui::pages::plan_money::{CancelPanel, Payments, SettlementView};
use crate::ui::route::{loaded, route_id};

/// Route `/plans/:id`.
#[component]
pub fn PlanPage() -> impl IntoView {
    let id = route_id("A plan");
    let version = RwSignal::new(0u32);
    let plan = Resource::new(move || (id(), version.get()), |(id, _)| async move { plan_page(id?).await });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading plan…"</p> }>
            {move || Suspend::new(async move {
                loaded(plan.await, |page| {
                        let detail = page.detail.clone();
                        let running = detail.card.subscription.status.is_running();
                        let name = detail.card.subscription.plan_name.clone();
                        view! {
                            <Title text=name.clone()/>
                            <nav class="crumbs"><a href="/">"Patients"</a>" / "<span>{detail.client_name.clone()}</span>" / "<span>{name}</span></nav>
                            {detail.transferred_to.map(|to| view! {
                                <p class="banner info" data-test="transferred">"What was left of this plan moved to another pet after a death. "
                                    <a href=format!("/plans/{to}")>"Open the plan that took it over"</a></p>
                            })}
                            {detail.next_term.map(|(next, from)| view! {
                                <p class="banner info" data-test="next-term">{format!("The next term is sold and starts on {}. ", long_date(from))}
                                    <a href=format!("/plans/{next}")>"Open the next term"</a></p>
                            })}
                            {detail.renews.map(|before| view! {
                                <p class="muted small" data-test="renews">"This plan is the next term of an earlier one. "
                                    <a href=format!("/plans/{before}")>"Open the earlier term"</a></p>
                            })}
                            <PlanCardView card=detail.card.clone() link=false/>
                            {detail.settlement.clone().map(|s| view! {
                                <section class="panel"><h3 class="panel-title">"Cancellation settlement"</h3><SettlementView settlement=s/></section>
                            })}
                            <Payments payments=detail.payments.clone() currency=page.clinic.currency.clone() version may_record=page.may_sell/>
                            {page.may_sell.then(|| view! { <LifecyclePanel subscription_id=detail.card.subscription.id state=page.lifecycle renewed=detail.next_term.is_some() version/> })}
                            {(running && page.may_sell).then(|| view! { <CancelPanel subscription_id=detail.card.subscription.id version may_waive=page.may_waive/> })}
                            <section class="panel history" data-test="history">
                                <h3 class="panel-title">"Usage history"</h3>
                                <table class="table">
                                    <thead><tr><th>"When"</th><th>"Benefit"</th><th>"Pet · item"</th><th class="right">"Units"</th><th>"Source"</th><th>"By · note"</th><th></th></tr></thead>
                                    <tbody>
                                        {detail.history.into_iter().map(|row| view! { <HistoryRow row version/> }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }
                })
            })}
        </Transition>
    }
}

#[component]
fn HistoryRow(row: LedgerRow, version: RwSignal<u32>) -> impl IntoView {
    let removing = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let entry = row.id;
    let remove = move |_| {
        spawn_local(async move {
            match usage_remove(entry, reason.get_untracked(), note.get_untracked()).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let is_use = row.reversal_of.is_none() && row.quantity > 0;
    let removable = is_use && row.held > 0 && row.source != "Transfer";
    let class = if is_use && row.held == 0 {
        "struck"
    } else if row.reversal_of.is_some() {
        "reversal"
    } else {
        ""
    };
    view! {
        <tr class=class data-test="history-row">
            <td class="small">{stamp(&row.created_at)}</td>
            <td>{row.benefit_label.clone()}</td>
            <td class="small">{format!("{} · {}", row.patient_name.clone().unwrap_or_default(), row.item_name.clone().unwrap_or_default())}</td>
            <td class="right"><strong>{format!("{:+}", row.quantity)}</strong>
                {(is_use && row.held > 0 && row.held < row.quantity).then(|| view! {
                    <br/><span class="muted small" data-test="history-held">{format!("{} still counted", row.held)}</span>
                })}
            </td>
            <td class="small">
                {match row.invoice_id {
                    Some(id) => view! { <a href=format!("/invoices/{id}")>{row.source.clone()}</a> }.into_any(),
                    None => view! { <span>{row.source.clone()}</span> }.into_any(),
                }}
            </td>
            <td class="small">{row.actor_name.clone()}<br/><span class="muted">{row.note.clone()}</span>
                {row.owner_reason.clone().map(|r| view! {
                    <br/><span class="muted" data-test="history-owner-reason">{format!("Owner reads: {r}")}</span>
                })}
            </td>
            <td class="right">
                {removable.then(|| view! {
                    <Show when=move || removing.get() fallback=move || view! {
                        <button class="link-button" data-test="history-remove" on:click=move |_| removing.set(true)>"Remove"</button>
                    }>
                        <div class="remove-form">
                            <label class="small">"What the owner reads"
                                <select data-test="history-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                                    <option value="" selected=move || reason.get().is_empty()>"Choose…"</option>
                                    {RemovalReason::ALL.into_iter().map(|r| view! {
                                        <option value=r.code() selected=move || reason.get() == r.code()>{r.owner_words()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label class="small">"Internal note (staff only)"
                                <input type="text" placeholder="Why? (required)" data-test="history-note" maxlength="500"
                                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                            </label>
                            <button class="button danger small" data-test="history-confirm" on:click=remove>"Remove use"</button>
                            {move || problem.get().map(|p| view! { <p class="error-text small">{p}</p> })}
                        </div>
                    </Show>
                })}
            </td>
        </tr>
    }
}
