//! Selling a plan: eligible templates for the patient, start date, billing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::selling::{SellPage, TemplateOffer, sell_options, sell_plan};
use crate::domain::Billing;
use crate::ui::route::{loaded, route_id};

/// Route `/patients/:id/sell`.
#[component]
pub fn SellPlanPage() -> impl IntoView {
    let options = Resource::new(route_id("A patient"), |id| async move { sell_options(id?).await });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading plans…"</p> }>
            {move || Suspend::new(async move { loaded(options.await, |page| view! { <SellForm page/> }) })}
        </Suspense>
    }
}

#[component]
fn SellForm(page: SellPage) -> impl IntoView {
    let patient = page.patient.clone();
    let picked = RwSignal::new(page.templates.iter().find(|t| t.ineligible.is_none()).map(|t| t.id));
    let starts_on = RwSignal::new(page.clinic.today.to_string());
    let billings = StoredValue::new(
        page.templates.iter().map(|t| (t.id, t.billing.clone())).collect::<Vec<(i64, Vec<Billing>)>>(),
    );
    let offered = move || {
        let picked = picked.get();
        billings.get_value().into_iter().find(|(id, _)| Some(*id) == picked).map(|(_, b)| b).unwrap_or_default()
    };
    let billing = RwSignal::new(Billing::Monthly);
    // A template offers its own ways to bill: keep the choice one of them.
    Effect::new(move |_| {
        let offered = offered();
        if !offered.contains(&billing.get_untracked())
            && let Some(first) = offered.first()
        {
            billing.set(*first);
        }
    });
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let patient_id = patient.id;
    let sell = move |_| {
        let navigate = navigate.clone();
        let Some(template) = picked.get_untracked() else {
            problem.set(Some("Pick a plan first.".into()));
            return;
        };
        spawn_local(async move {
            match sell_plan(patient_id, template, starts_on.get_untracked(), billing.get_untracked()).await {
                Ok(id) => navigate(&format!("/plans/{id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let currency = page.clinic.currency.clone();
    view! {
        <Title text=format!("Sell a plan · {}", patient.name)/>
        <nav class="crumbs"><a href="/">"Patients"</a>" / "<a href=format!("/patients/{}", patient.id)>{patient.name.clone()}</a>" / "<span>"Sell a plan"</span></nav>
        <section class="page-head"><div><h1>{format!("Sell a plan for {}", patient.name)}</h1>
            <p class="lede">{format!("Owner {}", patient.client_name)}</p></div></section>
        <section class="offers">
            {page.templates.into_iter().map(|t| view! { <OfferCard offer=t picked currency=currency.clone()/> }).collect_view()}
        </section>
        <section class="panel sell-form">
            <label class="field"><span>"Starts on"</span>
                <input type="date" data-test="sell-start" prop:value=move || starts_on.get() on:input=move |ev| starts_on.set(event_target_value(&ev))/>
            </label>
            <label class="field"><span>"Billing"</span>
                <select data-test="sell-billing" on:change=move |ev| {
                    if let Some(b) = Billing::from_code(&event_target_value(&ev)) { billing.set(b) }
                }>
                    {move || offered().into_iter().map(|b| view! {
                        <option value=b.code() selected=move || billing.get() == b>{b.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            <div class="actions"><button class="button" data-test="sell" on:click=sell>"Sell plan"</button></div>
        </section>
    }
}

#[component]
fn OfferCard(offer: TemplateOffer, picked: RwSignal<Option<i64>>, currency: crate::domain::Currency) -> impl IntoView {
    let id = offer.id;
    let blocked = offer.ineligible.is_some();
    let term = offer.term_months.map_or_else(|| "open-ended".to_string(), |m| format!("{m} months"));
    view! {
        <label class=move || format!("panel offer{}{}", if blocked { " blocked" } else { "" }, if picked.get() == Some(id) { " picked" } else { "" })
            data-test="offer" data-name=offer.name.clone()>
            <input type="radio" name="template" disabled=blocked checked=move || picked.get() == Some(id) on:change=move |_| picked.set(Some(id))/>
            <div>
                <h3>{offer.name.clone()}</h3>
                <p class="muted small">{format!("{} · {} · {}", offer.kind, offer.price.format(&currency), term)}</p>
                {offer.price_note.clone().map(|n| view! { <p class="small price-note">{n}</p> })}
                <p class="small">{offer.description.clone()}</p>
                <ul class="small benefit-list">{offer.benefits.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
                {offer.ineligible.clone().map(|why| view! { <p class="small error-text">{why}</p> })}
            </div>
        </label>
    }
}
