//! Route `/lists`: plans by status and template, payments due, renewals
//! coming up; each downloadable as CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::lists::{PaymentDueRow, PlanFilter, PlanListRow, clinic_lists};
use crate::domain::{Currency, Money, SubscriptionStatus};
use crate::ui::format::{count, date, period};
use crate::ui::pager::{pager, with_query};
use crate::ui::route::loaded;

/// The lists page. The filters and the page of plans are in the address
/// (`/lists?status=past_due&page=2`): a group lists tens of thousands of
/// plans, a page at a time, and a filtered list can be shared or gone back to.
#[component]
pub fn ListsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let filter = Memo::new(move |_| PlanFilter {
        status: param("status"),
        template_id: param("template_id").and_then(|t| t.parse().ok()),
        clinic_id: param("clinic_id").and_then(|c| c.parse().ok()),
    });
    let page = Memo::new(move |_| param("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let lists = Resource::new(
        move || (filter.get(), page.get()),
        |(f, page)| clinic_lists(f.status, f.template_id, f.clinic_id, page),
    );
    let navigate = use_navigate();
    // A changed filter shows its first page.
    let set = move |name: &'static str, value: String| {
        let mut f = filter.get_untracked();
        match name {
            "status" => f.status = Some(value).filter(|v| !v.is_empty()),
            "template_id" => f.template_id = value.parse().ok(),
            _ => f.clinic_id = value.parse().ok(),
        }
        navigate(&lists_href("/lists", &f, 1), NavigateOptions { scroll: false, ..Default::default() });
    };
    let set_status = set.clone();
    let query = move || lists_href("", &filter.get(), 1);
    view! {
        <Title text="Lists"/>
        <section class="page-head"><div><h1>"Plans, payments and renewals"</h1></div></section>
        <section class="panel filters">
            <label class="inline-field"><span class="muted small">"Status"</span>
                <select data-test="filter-status" on:change=move |ev| set_status("status", event_target_value(&ev))>
                    <option value="">"All"</option>
                    {SubscriptionStatus::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=move || filter.with(|f| f.status.as_deref() == Some(s.code()))>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <Transition fallback=|| ()>
                {move || {
                    // The filters are drawn again with each answer, each with its own copy.
                    let (set_template, set_clinic) = (set.clone(), set.clone());
                    Suspend::new(async move {
                    loaded(lists.await, move |l| view! {
                        <label class="inline-field"><span class="muted small">"Plan"</span>
                            <select data-test="filter-template" on:change=move |ev| set_template("template_id", event_target_value(&ev))>
                                <option value="">"All"</option>
                                {l.templates.iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=filter.get_untracked().template_id == Some(*id)>{name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        {(l.clinics.len() > 1).then(|| view! {
                            <label class="inline-field"><span class="muted small">"Clinic"</span>
                                <select data-test="filter-clinic" on:change={
                                    let set = set_clinic.clone();
                                    move |ev| set("clinic_id", event_target_value(&ev))
                                }>
                                    <option value="">"All"</option>
                                    {l.clinics.iter().map(|(id, name)| view! {
                                        <option value=id.to_string() selected=filter.get_untracked().clinic_id == Some(*id)>{name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                        })}
                    })
                    })
                }}
            </Transition>
            <a class="button secondary small" data-test="export-plans" href=move || format!("/exports/plans.csv{}", query())>"Download CSV"</a>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                loaded(lists.await, move |l| {
                    let shown_filter = filter.get_untracked();
                    let plans_pager = pager(l.plans_paging, l.plans.len(), false, move |page| lists_href("/lists", &shown_filter, page));
                    view! {
                        <section class="panel"><h3 class="panel-title">{format!("Plans ({})", count(l.plans_paging.matching))}</h3>
                            <PlanTable rows=l.plans.clone() test="plan-list" empty="No plan matches this filter."/>
                            {plans_pager}</section>
                        <section class="panel"><h3 class="panel-title">"Payments due in 30 days or failed"
                            {first_of(l.payments_due.len(), l.payments_due_total)}
                            <a class="small export" data-test="export-payments-due" href=move || format!("/exports/payments-due.csv{}", query())>" CSV"</a></h3>
                            <table class="table" data-test="payments-due">
                                {(!l.payments_due.is_empty()).then(|| view! {
                                    <thead><tr><th>"Plan"</th><th>"Owner"</th><th>"Instalment"</th><th>"Due"</th>
                                        <th class="right">"Amount"</th><th>"Status"</th></tr></thead>
                                })}
                                <tbody>
                                {l.payments_due.is_empty().then(|| view! {
                                    <tr><td class="muted">"No payment is due in the next 30 days, and none has failed."</td></tr>
                                })}
                                {l.payments_due.iter().map(|p| view! {
                                    <tr>
                                        <td><a href=format!("/plans/{}", p.subscription_id)>{p.plan_name.clone()}</a></td>
                                        <td>{p.client_name.clone()}</td><td>{format!("#{}", p.number)}</td><td>{date(p.due_on)}</td>
                                        <td class="right">{amount(p)}</td>
                                        <td><span class=format!("pill pill-{}", if p.status == "failed" { "bad" } else { "warn" })>{p.status.clone()}</span></td>
                                    </tr>
                                }).collect_view()}
                            </tbody></table></section>
                        <section class="panel"><h3 class="panel-title">"Renewals in the next 60 days"
                            {first_of(l.renewals.len(), l.renewals_total)}
                            <a class="small export" data-test="export-renewals" href=move || format!("/exports/renewals.csv{}", query())>" CSV"</a></h3>
                            <PlanTable rows=l.renewals.clone() test="renewals" empty="No plan renews in the next 60 days."/></section>
                    }
                })
            })}
        </Transition>
    }
}

/// The lists' address for a filter and a page of plans.
fn lists_href(path: &str, filter: &PlanFilter, page: u32) -> String {
    let text = |value: Option<String>| value.unwrap_or_default();
    let page = if page > 1 { page.to_string() } else { String::new() };
    with_query(
        path,
        &[
            ("status", text(filter.status.clone())),
            ("template_id", text(filter.template_id.map(|t| t.to_string()))),
            ("clinic_id", text(filter.clinic_id.map(|c| c.to_string()))),
            ("page", page),
        ],
    )
}

/// An instalment's amount in the currency of the clinic that sold its plan.
fn amount(p: &PaymentDueRow) -> String {
    let currency = Currency::new(&p.currency, u32::try_from(p.minor_digits.clamp(0, 4)).unwrap_or(2));
    p.amount.parse().map_or_else(|_| p.amount.clone(), |a| Money(a).format(&currency))
}

/// "the first 50 of 1,234" beside a list cut short (the download holds all).
fn first_of(shown: usize, total: u64) -> Option<impl IntoView> {
    (total > shown as u64).then(|| {
        view! { <span class="muted small" data-test="first-of">{format!(" · the first {shown} of {}", count(total))}</span> }
    })
}

#[component]
fn PlanTable(rows: Vec<PlanListRow>, test: &'static str, empty: &'static str) -> impl IntoView {
    view! {
        <table class="table" data-test=test>
            <thead><tr><th>"Plan"</th><th>"Owner · pet"</th><th>"Term"</th><th>"Billing"</th><th>"Status"</th></tr></thead>
            <tbody>
                {rows.is_empty().then(|| view! { <tr><td colspan="5" class="muted">{empty}</td></tr> })}
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
