//! Clinic home: the patients with the plans that cover them, searched and
//! paged on the server (a group holds a hundred thousand). The address
//! holds the search and the page (`/?q=luna&page=2`), so a search can be
//! shared, reloaded and gone back to; the box works before the page's code
//! has loaded, as a plain form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::patients::{PatientList, PatientRow, list_patients};
use crate::ui::badges::{MemberTag, PetAvatar, StatusPill};
use crate::ui::debounce::Debouncer;
use crate::ui::format::count;
use crate::ui::layout::ErrorPanel;
use crate::ui::pager::{pager, with_query};

/// The patient list.
#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1)));
    let patients = Resource::new(move || (search.get(), page.get()), |(search, page)| list_patients(search, page));
    let typed = RwSignal::new(search.get_untracked());
    // Going back to an earlier search puts its words back in the box.
    Effect::new(move |_| typed.set(search.get()));
    let navigate = use_navigate();
    let show = move |words: String| {
        let options = NavigateOptions { replace: true, scroll: false, ..Default::default() };
        navigate(&list_href(&words, 1), options);
    };
    let typing = Debouncer::new(250);
    let on_input = {
        let show = show.clone();
        move |ev| {
            let words = event_target_value(&ev);
            typed.set(words.clone());
            let show = show.clone();
            typing.call(move || show(words));
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        typing.cancel();
        show(typed.get_untracked());
    };
    view! {
        <Title text="Patients"/>
        <section class="page-head">
            <Transition fallback=|| view! { <div><h1>"Patients"</h1></div> }>
                {move || Suspend::new(async move {
                    patients.await.ok().map(|list| view! { <ListHeading list/> })
                })}
            </Transition>
            <form class="search" method="get" action="/" role="search" on:submit=on_submit>
                <label>
                    <span class="sr-only">"Search patients"</span>
                    <input
                        type="search"
                        name="q"
                        placeholder="Search by pet, owner, breed or plan"
                        prop:value=typed
                        on:input=on_input
                        data-test="patient-search"
                    />
                </label>
            </form>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading patients…"</p> }>
            {move || Suspend::new(async move {
                match patients.await {
                    Ok(list) => view! { <PatientDirectory list/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The list's address for a search and page.
fn list_href(search: &str, page: u32) -> String {
    let page = if page > 1 { page.to_string() } else { String::new() };
    with_query("/", &[("q", search.trim().to_string()), ("page", page)])
}

#[component]
fn ListHeading(list: PatientList) -> impl IntoView {
    let summary = format!("{} patients · {} with a plan in force", count(list.total), count(list.members));
    view! {
        <div>
            <p class="eyebrow">{list.clinic.name.clone()}</p>
            <h1>"Patients"</h1>
            <p class="lede" data-test="patient-summary">{summary}</p>
        </div>
    }
}

#[component]
fn PatientDirectory(list: PatientList) -> impl IntoView {
    let label = list.clinic.member_tag_label.clone();
    let search = list.search.clone();
    let rows = list
        .patients
        .iter()
        .map(|row| view! { <PatientLine row=row.clone() member=row.is_member(&list.clinic) label=label.clone()/> })
        .collect_view();
    let empty = list.patients.is_empty().then(|| {
        let text = if list.search.trim().is_empty() {
            "No patients yet.".to_string()
        } else {
            format!("No patient matches \u{201c}{}\u{201d}.", list.search.trim())
        };
        view! { <p class="empty">{text}</p> }
    });
    view! {
        <section class="panel">
            <table class="table patients">
                <thead>
                    <tr><th>"Patient"</th><th>"Owner"</th><th>"Plans"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty}
            {pager(list.paging, list.patients.len(), !list.search.trim().is_empty(), move |page| list_href(&search, page))}
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

#[cfg(test)]
mod tests {
    use super::list_href;

    #[test]
    fn the_address_holds_the_search_and_the_page() {
        assert_eq!(list_href("", 1), "/");
        assert_eq!(list_href("  senior cat ", 1), "/?q=senior+cat");
        assert_eq!(list_href("", 2), "/?page=2");
    }
}
