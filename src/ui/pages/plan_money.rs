//! A plan's payments, and cancelling it with a settlement whose working is
//! shown before anything is changed.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::selling::{PaymentRow, cancel_plan, preview_settlement, record_failed_payment, record_payment};
use crate::domain::{Currency, Money, Outcome, Settlement, SettlementOption};
use crate::ui::format::date;

/// The schedule, with "record payment" on what is due for those who may
/// take payments.
#[component]
pub fn Payments(
    payments: Vec<PaymentRow>,
    currency: Currency,
    version: RwSignal<u32>,
    may_record: bool,
) -> impl IntoView {
    view! {
        <section class="panel payments" data-test="payments">
            <h3 class="panel-title">"Payments"</h3>
            {payments.is_empty().then(|| view! { <p class="empty">"No payment schedule: billed by a third party or by hand."</p> })}
            <table class="table">
                <tbody>
                    {payments.into_iter().map(|p| view! { <PaymentLine payment=p currency=currency.clone() version may_record/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn PaymentLine(payment: PaymentRow, currency: Currency, version: RwSignal<u32>, may_record: bool) -> impl IntoView {
    let method = RwSignal::new("card".to_string());
    let reference = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let id = payment.id;
    let record = move |_| {
        spawn_local(async move {
            match record_payment(id, method.get_untracked(), reference.get_untracked()).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let failed = move |_| {
        spawn_local(async move {
            match record_failed_payment(id, reference.get_untracked()).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let can_fail = payment.status == "due";
    let open = may_record && (payment.status == "due" || payment.status == "failed");
    let tone = match payment.status.as_str() {
        "paid" => "good",
        "failed" => "bad",
        "due" => "warn",
        _ => "muted",
    };
    view! {
        <tr data-test="payment-row" data-status=payment.status.clone()>
            <td>{format!("#{}", payment.number)}</td>
            <td>{date(payment.due_on)}</td>
            <td class="right">{payment.amount.parse().map_or_else(|_| payment.amount.clone(), |a| Money(a).format(&currency))}</td>
            <td><span class=format!("pill pill-{tone}")>{payment.status.clone()}</span></td>
            <td class="small muted">{payment.paid_on.map(|d| format!("{} · {}{}", date(d), payment.method.clone().unwrap_or_default(),
                payment.reference.clone().map(|r| format!(" {r}")).unwrap_or_default()))}</td>
            <td class="right">
                {open.then(|| view! {
                    <div class="pay-form">
                        <select data-test="payment-method" on:change=move |ev| method.set(event_target_value(&ev))>
                            <option value="card">"Card"</option><option value="cash">"Cash"</option><option value="transfer">"Transfer"</option>
                        </select>
                        <input type="text" placeholder="Reference" data-test="payment-reference" prop:value=move || reference.get()
                            on:input=move |ev| reference.set(event_target_value(&ev))/>
                        <button class="button small" data-test="payment-record" on:click=record>"Record payment"</button>
                        {can_fail.then(|| view! {
                            <button class="button secondary small" data-test="payment-failed" title="The card was declined or the direct debit bounced"
                                on:click=failed>"Failed"</button>
                        })}
                        {move || problem.get().map(|p| view! { <p class="error-text small">{p}</p> })}
                    </div>
                })}
            </td>
        </tr>
    }
}

/// Cancel with a settlement: pick how, see the working, then confirm.
#[component]
pub fn CancelPanel(subscription_id: i64, version: RwSignal<u32>, may_waive: bool) -> impl IntoView {
    let option = RwSignal::new(SettlementOption::PayDifference);
    let preview = RwSignal::new(None::<Settlement>);
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let show = move |_| {
        spawn_local(async move {
            match preview_settlement(subscription_id, option.get_untracked()).await {
                Ok(s) => preview.set(Some(s)),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let confirm = move |_| {
        spawn_local(async move {
            match cancel_plan(subscription_id, option.get_untracked(), note.get_untracked()).await {
                Ok(_) => version.update(|v| *v += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="panel cancel-panel" data-test="cancel-panel">
            <h3 class="panel-title">"Cancel this plan"</h3>
            <div class="actions">
                <select data-test="settlement-option" on:change=move |ev| {
                    option.set(match event_target_value(&ev).as_str() {
                        "remaining" => SettlementOption::PayRemainingInstalments,
                        "waive" => SettlementOption::Waive,
                        _ => SettlementOption::PayDifference,
                    });
                    preview.set(None);
                }>
                    <option value="difference">"Settle the difference (used value against payments)"</option>
                    <option value="remaining">"Client pays the remaining instalments"</option>
                    {may_waive.then(|| view! { <option value="waive">"Waive the balance (manager override)"</option> })}
                </select>
                <button class="button secondary" data-test="settlement-preview" on:click=show>"Show settlement"</button>
            </div>
            {move || preview.get().map(|s| view! {
                <SettlementView settlement=s/>
                <div class="actions">
                    <input class="reason" type="text" placeholder="Why is the plan cancelled? (required)" data-test="cancel-note"
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button class="button danger" data-test="cancel-confirm" on:click=confirm>"Cancel plan"</button>
                </div>
            })}
            {(!may_waive).then(|| view! { <p class="muted small">"Only a manager can waive a balance."</p> })}
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
        </section>
    }
}

/// The settlement's working, line by line, and its result.
#[component]
pub fn SettlementView(settlement: Settlement) -> impl IntoView {
    let tone = match settlement.outcome {
        Outcome::ClientOwes(_) => "warn",
        Outcome::ClinicOwes(_) => "info",
        Outcome::Even => "success",
    };
    let (last, steps) =
        settlement.working.split_last().map_or((String::new(), vec![]), |(l, s)| (l.clone(), s.to_vec()));
    view! {
        <div class="settlement" data-test="settlement">
            <ol class="working">{steps.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ol>
            <p class=format!("banner {tone}") data-test="settlement-outcome"><strong>{last}</strong></p>
        </div>
    }
}
