//! Finding a pet by its or its owner's name, for the booking form and the
//! daycare check-in.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::schedule::{PetMatch, find_pets};

/// A search box whose results name each pet with its owner; picking one
/// calls `on_pick`. `test` prefixes the `data-test` names ("booking").
#[component]
pub fn PetFinder(
    /// The text in the box; the caller may set it (to the pet picked).
    search: RwSignal<String>,
    on_pick: Callback<PetMatch>,
    problem: RwSignal<Option<String>>,
    test: &'static str,
) -> impl IntoView {
    let found = RwSignal::new(Vec::<PetMatch>::new());
    let look = move || {
        let query = search.get_untracked();
        spawn_local(async move {
            match find_pets(query).await {
                Ok(list) if list.is_empty() => {
                    found.set(list);
                    problem.set(Some("No living pet or client by that name; type at least two letters.".into()));
                }
                Ok(list) => {
                    problem.set(None);
                    found.set(list);
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="inline">
            <input type="search" data-test=format!("{test}-search") placeholder="Name of pet or client" prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); look(); }/>
            <button class="button secondary" type="button" on:click=move |_| look()>"Find"</button>
        </div>
        <ul class="picker-results">
            {move || found.get().into_iter().map(|m| {
                let shown = format!("{} · {} ({})", m.patient_name, m.client_name, m.species);
                view! {
                    <li><button type="button" class="link" data-test=format!("{test}-pet")
                        on:click=move |_| { found.set(Vec::new()); on_pick.run(m.clone()); }>{shown}</button></li>
                }
            }).collect_view()}
        </ul>
    }
}
