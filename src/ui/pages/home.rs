//! Clinic home: every patient with the plans that cover it. The search box
//! filters in the browser as you type.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::patients::{PatientList, PatientRow, list_patients};
use crate::ui::badges::{MemberTag, PetAvatar, StatusPill};
use crate::ui::layout::ErrorPanel;

/// The patient list.
#[component]
pub fn HomePage() -> impl IntoView {
    let patients = Resource::new(|| (), |_| list_patients());
    view! {
        <Title text="Patients"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading patients…"</p> }>
            {move || Suspend::new(async move {
                match patients.await {
                    Ok(list) => view! { <PatientDirectory list/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn matches(row: &PatientRow, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || [row.name.as_str(), row.client_name.as_str(), row.breed.as_deref().unwrap_or("")]
            .iter()
            .any(|field| field.to_lowercase().contains(&query))
        || row.plans.iter().any(|p| p.plan_name.to_lowercase().contains(&query))
}

#[component]
fn PatientDirectory(list: PatientList) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let PatientList { clinic, patients } = list;
    let members = patients.iter().filter(|p| p.is_member(&clinic)).count();
    let total = patients.len();
    let rows = StoredValue::new(patients);
    let clinic = StoredValue::new(clinic);
    let shown =
        move || rows.with_value(|rows| rows.iter().filter(|r| matches(r, &query.get())).cloned().collect::<Vec<_>>());
    view! {
        <section class="page-head">
            <div>
                <p class="eyebrow">{clinic.with_value(|c| c.name.clone())}</p>
                <h1>"Patients"</h1>
                <p class="lede">{format!("{total} patients · {members} with a plan in force")}</p>
            </div>
            <label class="search">
                <span class="sr-only">"Search patients"</span>
                <input
                    type="search"
                    placeholder="Search by pet, owner, breed or plan"
                    bind:value=query
                    data-test="patient-search"
                />
            </label>
        </section>
        <section class="panel">
            <table class="table patients">
                <thead>
                    <tr><th>"Patient"</th><th>"Owner"</th><th>"Plans"</th></tr>
                </thead>
                <tbody>
                    <For each=shown key=|row| row.id let:row>
                        <PatientLine row=row.clone() member=clinic.with_value(|c| row.is_member(c)) label=clinic.with_value(|c| c.member_tag_label.clone())/>
                    </For>
                </tbody>
            </table>
            <Show when=move || shown().is_empty()>
                <p class="empty">"No patient matches \u{201c}" {move || query.get()} "\u{201d}."</p>
            </Show>
        </section>
    }
}

#[component]
fn PatientLine(row: PatientRow, member: bool, label: String) -> impl IntoView {
    let href = format!("/patients/{}", row.id);
    view! {
        <tr data-test="patient-row">
            <td>
                <a class="patient-link" href=href>
                    <PetAvatar name=row.name.clone() species=row.species.clone()/>
                    <span class="patient-name">{row.name.clone()}</span>
                </a>
                <span class="muted small">{row.breed.clone().unwrap_or_default()}</span>
                {member.then(|| view! { <MemberTag label=label.clone()/> })}
            </td>
            <td>{row.client_name.clone()}</td>
            <td class="chips">
                {row.plans.iter().map(|p| view! {
                    <span class="chip"><span class="chip-name">{p.plan_name.clone()}</span><StatusPill status=p.status/></span>
                }).collect_view()}
                {row.plans.is_empty().then(|| view! { <span class="muted small">"No plan"</span> })}
            </td>
        </tr>
    }
}
