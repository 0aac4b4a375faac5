//! On the patient page: recording a death, and moving a held plan's
//! remaining benefits to another pet of the household.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::deceased::{record_death, transfer_plan};
use crate::api::error::AppError;
use crate::api::portal::{Healthcard, Pet};
use crate::ui::format::date;

/// A wellness plan on hold that could move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldPlan {
    /// The subscription.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// The panel: "Record death" for a living pet; the transfer for a deceased
/// one with plans on hold.
#[component]
pub fn DeathPanel(
    patient_id: i64,
    name: String,
    deceased_on: Option<NaiveDate>,
    today: NaiveDate,
    held: Vec<HeldPlan>,
    /// The household, whose other living pets a held plan can move to.
    household: Resource<Result<Healthcard, AppError>>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    match deceased_on {
        None => {
            let died = RwSignal::new(today.to_string());
            let record = move |_| {
                spawn_local(async move {
                    match record_death(patient_id, died.get_untracked()).await {
                        // The page shows a different patient now: reload it.
                        Ok(_) => {
                            let _ = window().location().reload();
                        }
                        Err(e) => problem.set(Some(e.to_string())),
                    }
                })
            };
            view! {
                <details class="panel death-panel no-print">
                    <summary class="muted small">"Record that " {name.clone()} " died"</summary>
                    <div class="actions">
                        <label class="inline-field"><span class="muted small">"Date of death"</span>
                            <input type="date" data-test="died-on" prop:value=move || died.get() on:input=move |ev| died.set(event_target_value(&ev))/></label>
                        <button class="button danger small" data-test="record-death" on:click=record>"Record death"</button>
                    </div>
                    <p class="muted small">"Wellness plans go on hold; what is left can then move to another pet of the household."</p>
                    {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                </details>
            }
            .into_any()
        }
        Some(died_on) => {
            view! {
                <section class="panel death-panel" data-test="deceased">
                    <p class="banner info">{format!("{name} died on {}. We are sorry for the loss.", date(died_on))}</p>
                    {held.into_iter().map(|plan| view! {
                        <Suspense fallback=|| ()>
                            {move || {
                                let plan = plan.clone();
                                Suspend::new(async move {
                                    let pets = household.await.map(|card| others_alive(card, patient_id)).unwrap_or_default();
                                    view! { <TransferForm plan pets/> }
                                })
                            }}
                        </Suspense>
                    }).collect_view()}
                </section>
            }
            .into_any()
        }
    }
}

/// The household's other living pets.
fn others_alive(card: Healthcard, patient_id: i64) -> Vec<Pet> {
    card.pets.into_iter().filter(|p| p.id != patient_id && p.deceased_on.is_none()).collect()
}

#[component]
fn TransferForm(plan: HeldPlan, pets: Vec<Pet>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let to = RwSignal::new(pets.first().map(|p| p.id));
    let navigate = use_navigate();
    let id = plan.id;
    let go = move |_| {
        let navigate = navigate.clone();
        let Some(target) = to.get_untracked() else { return };
        spawn_local(async move {
            match transfer_plan(id, target).await {
                Ok(new_id) => navigate(&format!("/plans/{new_id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    if pets.is_empty() {
        return view! { <p class="muted small">{format!("The {} is on hold. The household has no other pet to move it to.", plan.name)}</p> }.into_any();
    }
    view! {
        <div class="actions" data-test="transfer">
            <span>{format!("Move what is left of the {} to", plan.name)}</span>
            <select data-test="transfer-to" on:change=move |ev| to.set(event_target_value(&ev).parse().ok())>
                {pets.into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
            </select>
            <button class="button small" data-test="transfer-go" on:click=go>"Move benefits"</button>
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
        </div>
    }
    .into_any()
}
