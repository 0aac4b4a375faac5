//! Route `/lists`: plans by status and template, payments due, renewals
//! coming up; each downloadable as CSV.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::lists::{PlanFilter, PlanListRow, clinic_lists};
use crate::domain::SubscriptionStatus;
use crate::ui::format::{date, period};
use crate::ui::route::loaded;

/// The lists page.
#[component]
pub fn ListsPage() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let clinic = RwSignal::new(String::new());
    let filter = move || PlanFilter {
        status: Some(status.get()).filter(|s| !s.is_empty()),
        template_id: template.get().parse().ok(),
        clinic_id: clinic.get().parse().ok(),
    };
    let lists = Resource::new(filter, |f| clinic_lists(f.status, f.template_id, f.clinic_id));
    let query = move || {
        let f = filter();
        let parts: Vec<String> = [
            f.status.map(|s| format!("status={s}")),
            f.template_id.map(|t| format!("template_id={t}")),
            f.clinic_id.map(|c| format!("clinic_id={c}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    };
    view! {
        <Title text="Lists"/>
        <section class="page-head"><div><h1>"Plans, payments and renewals"</h1></div></section>
        <section class="panel filters">
            <label class="inline-field"><span class="muted small">"Status"</span>
                <select data-test="filter-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">"All"</option>
                    {SubscriptionStatus::ALL.iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                </select>
            </label>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    loaded(lists.await, move |l| view! {
                        <label class="inline-field"><span class="muted small">"Plan"</span>
                            <select data-test="filter-template" on:change=move |ev| template.set(event_target_value(&ev))>
                                <option value="">"All"</option>
                                {l.templates.iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=template.get_untracked() == id.to_string()>{name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        {(l.clinics.len() > 1).then(|| view! {
                            <label class="inline-field"><span class="muted small">"Clinic"</span>
                                <select data-test="filter-clinic" on:change=move |ev| clinic.set(event_target_value(&ev))>
                                    <option value="">"All"</option>
                                    {l.clinics.iter().map(|(id, name)| view! {
                                        <option value=id.to_string() selected=clinic.get_untracked() == id.to_string()>{name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                        })}
                    })
                })}
            </Transition>
            <a class="button secondary small" data-test="export-plans" href=move || format!("/exports/plans.csv{}", query())>"Download CSV"</a>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                loaded(lists.await, |l| {
                    let currency = l.clinic.currency.clone();
                    view! {
                        <section class="panel"><h3 class="panel-title">{format!("Plans ({})", l.plans.len())}</h3>
                            <PlanTable rows=l.plans.clone() test="plan-list"/></section>
                        <section class="panel"><h3 class="panel-title">"Payments due in 30 days or failed"
                            <a class="small export" href="/exports/payments-due.csv">" CSV"</a></h3>
                            <table class="table" data-test="payments-due"><tbody>
                                {l.payments_due.iter().map(|p| view! {
                                    <tr>
                                        <td><a href=format!("/plans/{}", p.subscription_id)>{p.plan_name.clone()}</a></td>
                                        <td>{p.client_name.clone()}</td><td>{format!("#{}", p.number)}</td><td>{date(p.due_on)}</td>
                                        <td class="right">{p.amount.parse().map_or_else(|_| p.amount.clone(), |a| crate::domain::Money(a).format(&currency))}</td>
                                        <td><span class=format!("pill pill-{}", if p.status == "failed" { "bad" } else { "warn" })>{p.status.clone()}</span></td>
                                    </tr>
                                }).collect_view()}
                            </tbody></table></section>
                        <section class="panel"><h3 class="panel-title">"Renewals in the next 60 days"
                            <a class="small export" href="/exports/renewals.csv">" CSV"</a></h3>
                            <PlanTable rows=l.renewals.clone() test="renewals"/></section>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn PlanTable(rows: Vec<PlanListRow>, test: &'static str) -> impl IntoView {
    view! {
        <table class="table" data-test=test>
            <thead><tr><th>"Plan"</th><th>"Owner · pet"</th><th>"Term"</th><th>"Billing"</th><th>"Status"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr data-test="list-row">
                        <td><a href=format!("/plans/{}", r.id)>{r.plan_name.clone()}</a></td>
                        <td>{r.client_name.clone()}{r.patient_name.clone().map(|p| format!(" · {p}"))}</td>
                        <td class="small">{period(r.starts_on, r.ends_on)}</td>
                        <td class="small">{r.billing.replace('_', " ")}</td>
                        <td>{SubscriptionStatus::from_code(&r.status).map(|s| view! { <crate::ui::badges::StatusPill status=s/> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
