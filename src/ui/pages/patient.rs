//! The patient page: each plan that covers the patient, with every benefit's
//! "N of M left" badge computed by the shared counting core.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::error::AppError;
use crate::api::patients::{BenefitDisplay, PatientDetail as Page, PlanCard, patient_page};
use crate::api::portal::{Healthcard, household_plans};
use crate::api::staff::{invite_owner, owner_portal_access};
use crate::domain::{BenefitBalance, Percent, badge_for_balance, left_text};
use crate::ui::badges::{BenefitBadge, MemberTag, PetAvatar, StatusPill};
use crate::ui::format::{age, date, period};
use crate::ui::healthcard::HealthcardView;
use crate::ui::pages::patient_deceased::{DeathPanel, HeldPlan};
use crate::ui::pages::patient_desk::{DeskPanel, DeskResource, desk_resource};
use crate::ui::route::{loaded, route_id};

/// Route `/patients/:id`.
#[component]
pub fn PatientPage() -> impl IntoView {
    let id = route_id("A patient");
    let page = Resource::new(id, |id| async move { patient_page(id?).await });
    // The panels' resources are created here, once, and not in the panels:
    // the server may build the view inside the Suspend twice, and resources
    // created there were created twice, the first ones cancelled ("not signed
    // in") and serialised under the ids the browser reads when it hydrates.
    let desk = desk_resource(id);
    let household = Resource::new(id, |id| async move { household_plans(id?).await });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading patient…"</p> }>
            {move || Suspend::new(async move {
                loaded(page.await, |page| view! { <PatientView page desk household/> })
            })}
        </Suspense>
    }
}

/// The household's healthcard, as the owner sees it on the portal.
type HouseholdResource = Resource<Result<Healthcard, AppError>>;

#[component]
fn PatientView(page: Page, desk: DeskResource, household: HouseholdResource) -> impl IntoView {
    let member = page.is_member();
    let Page { clinic, patient, plans } = page;
    let today = clinic.today;
    let held: Vec<HeldPlan> = plans
        .iter()
        .filter(|p| {
            p.subscription.status == crate::domain::SubscriptionStatus::OnHold
                && p.subscription.patient_id == Some(patient.id)
        })
        .map(|p| HeldPlan { id: p.subscription.id, name: p.subscription.plan_name.clone() })
        .collect();
    let (current, past): (Vec<PlanCard>, Vec<PlanCard>) = plans.into_iter().partition(|p| {
        use crate::domain::SubscriptionStatus::*;
        matches!(p.subscription.status, Active | PastDue | OnHold | Pending)
    });
    let facts = [
        Some(patient.species.clone()),
        patient.breed.clone(),
        patient.sex.clone(),
        patient.birth_date.map(|b| age(b, today)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <Title text=patient.name.clone()/>
        <nav class="crumbs"><a href="/">"Patients"</a>" / "<span>{patient.name.clone()}</span></nav>
        <section class="page-head patient-head">
            <PetAvatar name=patient.name.clone() species=patient.species.clone() large=true/>
            <div>
                <h1>
                    {patient.name.clone()}
                    {member.then(|| view! { <MemberTag label=clinic.member_tag_label.clone()/> })}
                </h1>
                <p class="lede">{facts}</p>
                <p class="owner">
                    "Owner: " <strong>{patient.client_name.clone()}</strong>
                    {patient.client_phone.clone().map(|p| view! { <span class="muted">" · " {p}</span> })}
                    {patient.client_email.clone().map(|e| view! { <span class="muted">" · " {e}</span> })}
                    <PortalAccess client_id=patient.client_id portal=patient.portal_active/>
                </p>
                <p class="small no-print">
                    <a href=format!("/clients/{}/packs", patient.client_id) data-test="client-packs-link">"Packages and session packs of the household"</a>
                </p>
            </div>
        </section>
        <DeathPanel patient_id=patient.id name=patient.name.clone() deceased_on=patient.deceased_on today held household/>
        {patient.deceased_on.is_none().then(|| view! { <DeskPanel patient_id=patient.id desk/> })}
        <section class="plans">
            <h2>"Plans"</h2>
            {current.is_empty().then(|| view! {
                <p class="panel empty">"No current plan. Plans sold to this patient or its owner show here."</p>
            })}
            {current.into_iter().map(|card| view! { <PlanCardView card/> }).collect_view()}
        </section>
        <HouseholdPlans patient_id=patient.id card=household/>
        {(!past.is_empty()).then(|| view! {
            <section class="plans past">
                <h2>"Earlier plans"</h2>
                <table class="table">
                    <thead><tr><th>"Plan"</th><th>"Term"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {past.into_iter().map(|card| view! {
                            <tr>
                                <td>{card.subscription.plan_name.clone()}</td>
                                <td>{period(card.subscription.starts_on, card.subscription.ends_on)}</td>
                                <td><StatusPill status=card.subscription.status/></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}

/// The owner's way into the healthcard portal: an invitation when they have
/// no account, else whether it is on, with the switch.
#[component]
fn PortalAccess(client_id: i64, portal: Option<bool>) -> impl IntoView {
    let portal = RwSignal::new(portal);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let invite = move |_| {
        leptos::task::spawn_local(async move {
            outcome.set(Some(
                invite_owner(client_id)
                    .await
                    .map(|email| format!("Invitation sent to {email}"))
                    .map_err(|e| e.to_string()),
            ));
        })
    };
    let switch = move |active: bool| {
        leptos::task::spawn_local(async move {
            match owner_portal_access(client_id, active).await {
                Ok(_) => {
                    portal.set(Some(active));
                    outcome.set(None);
                }
                Err(e) => outcome.set(Some(Err(e.to_string()))),
            }
        })
    };
    view! {
        <span class="invite-owner no-print" data-test="portal-access">
            {move || match portal.get() {
                None => view! { <button class="link-button plain" data-test="invite-owner" on:click=invite>"Invite to the healthcard portal"</button> }.into_any(),
                Some(true) => view! {
                    <span class="small pill pill-good">"Healthcard portal on"</span>
                    <button class="link-button plain" data-test="portal-off" on:click=move |_| switch(false)>"Switch off"</button>
                }.into_any(),
                Some(false) => view! {
                    <span class="small pill pill-warn">"Healthcard portal off"</span>
                    <button class="link-button plain" data-test="portal-on" on:click=move |_| switch(true)>"Switch on"</button>
                }.into_any(),
            }}
            {move || outcome.get().map(|result| match result {
                Ok(words) => view! { <span class="small pill pill-good" role="status">{words}</span> }.into_any(),
                Err(e) => view! { <span class="small error-text" role="alert">{e}</span> }.into_any(),
            })}
        </span>
    }
}

/// Every plan of the patient's household, as the owner sees it on the
/// portal, filterable by pet and status.
#[component]
fn HouseholdPlans(patient_id: i64, card: HouseholdResource) -> impl IntoView {
    view! {
        <section class="plans household">
            <h2>"Household overview"</h2>
            <p class="muted small">"All pets of this owner, as the owner sees them on the healthcard portal."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading the household…"</p> }>
                {move || Suspend::new(async move {
                    loaded(card.await, move |card| view! { <HealthcardView card base=format!("/patients/{patient_id}")/> })
                })}
            </Suspense>
        </section>
    }
}

/// A plan with its benefits and "N of M left" badges.
#[component]
pub fn PlanCardView(card: PlanCard, #[prop(default = true)] link: bool) -> impl IntoView {
    let sub = card.subscription;
    let whose = match (&card.patient_name, sub.patient_id) {
        (Some(name), Some(_)) => format!("for {name}"),
        _ => "for every pet of the household".to_string(),
    };
    let member_discount = sub.member_discount.map(|p| format!("{p} member discount on other items"));
    view! {
        <article class="panel plan-card" data-test="plan-card" data-plan=sub.plan_name.clone()>
            <header class="plan-card-head">
                <div>
                    <h3>{sub.plan_name.clone()}</h3>
                    <p class="muted small">{format!("{} {whose} · {}", sub.kind.label(), period(sub.starts_on, sub.ends_on))}</p>
                </div>
                <div class="plan-card-side">
                    <StatusPill status=sub.status/>
                    {link.then(|| view! { <a class="small" href=format!("/plans/{}", sub.id) data-test="plan-history-link">"Usage history"</a> })}
                </div>
            </header>
            <table class="table benefits">
                <thead><tr><th>"Benefit"</th><th>"Covers"</th><th>"Discount"</th><th class="right">"Left"</th></tr></thead>
                <tbody>
                    {sub.benefits.iter().zip(card.benefits.iter()).map(|(balance, shown)| view! {
                        <BenefitRow balance=balance.clone() shown=shown.clone()/>
                    }).collect_view()}
                </tbody>
            </table>
            {member_discount.map(|text| view! { <p class="muted small plan-foot">{text}</p> })}
            {(sub.status == crate::domain::SubscriptionStatus::Pending).then(|| view! {
                <p class="muted small plan-foot">{format!("Starts {} once the first payment is in.", date(sub.starts_on))}</p>
            })}
        </article>
    }
}

#[component]
fn BenefitRow(balance: BenefitBalance, shown: BenefitDisplay) -> impl IntoView {
    let state = badge_for_balance(&balance);
    let text = left_text(balance.limit, balance.remaining(), &shown.units);
    let discount =
        if balance.discount == Percent::FULL { "Included".to_string() } else { format!("{} off", balance.discount) };
    view! {
        <tr data-test="benefit-row">
            <td class="benefit-label">{balance.label.clone()}</td>
            <td class="muted">{shown.covers_name.clone()}{shown.yearly.then_some(" · per plan year")}</td>
            <td>{discount}</td>
            <td class="right"><BenefitBadge state=state text=text/></td>
        </tr>
    }
}
