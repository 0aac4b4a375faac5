//! The sync page's mappings panel: which practice-system code counts as
//! which catalog item, and which patient id is which patient; find, change,
//! add and remove.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::error::AppError;
use crate::api::schedule::PetMatch;
use crate::api::sync::{Choice, Mappings, map_sync_code, map_sync_patient, sync_mappings, unmap_sync};
use crate::ui::pages::pet_finder::PetFinder;

/// What the panel lists: the search, a counter that lists again after a
/// change, and the mappings found.
#[derive(Clone, Copy)]
pub struct MappingsQuery {
    search: RwSignal<String>,
    refresh: RwSignal<u32>,
    found: Resource<Result<Mappings, AppError>>,
}

impl MappingsQuery {
    /// Made by the page, outside its Suspend: a resource created in a view
    /// the server may build twice would be created twice, and the browser
    /// would hydrate from the first, cancelled one. It also keeps the search
    /// when the page's data loads again.
    pub fn new() -> Self {
        let search = RwSignal::new(String::new());
        let refresh = RwSignal::new(0u32);
        let found = Resource::new(move || (search.get(), refresh.get()), |(s, _)| sync_mappings(s));
        MappingsQuery { search, refresh, found }
    }
}

impl Default for MappingsQuery {
    fn default() -> Self {
        Self::new()
    }
}

/// Finds and edits the mappings.
#[component]
pub fn MappingsPanel(items: Vec<Choice>, query: MappingsQuery) -> impl IntoView {
    let MappingsQuery { search, refresh, found } = query;
    let typed = RwSignal::new(search.get_untracked());
    let problem = RwSignal::new(None::<String>);
    // Every change reports its outcome the same way and lists again.
    let done = move |result: Result<(), String>| match result {
        Ok(()) => {
            problem.set(None);
            refresh.update(|n| *n += 1);
        }
        Err(e) => problem.set(Some(e)),
    };
    let items = StoredValue::new(items);
    let (new_code, new_item) = (RwSignal::new(String::new()), RwSignal::new(None::<i64>));
    let (new_pims, new_patient) = (RwSignal::new(String::new()), RwSignal::new(None::<i64>));
    let add_code = move |_| {
        let (code, item) = (new_code.get_untracked(), new_item.get_untracked());
        spawn_local(async move {
            let result = match item {
                Some(item) => map_sync_code(code, item).await.map_err(|e| e.to_string()),
                None => Err("Choose the item the code counts as.".into()),
            };
            if result.is_ok() {
                new_code.set(String::new());
            }
            done(result);
        });
    };
    let add_patient = move |_| {
        let (pims, patient) = (new_pims.get_untracked(), new_patient.get_untracked());
        spawn_local(async move {
            let result = match patient {
                Some(patient) => map_sync_patient(pims, patient).await.map_err(|e| e.to_string()),
                None => Err("Choose the patient the id stands for.".into()),
            };
            if result.is_ok() {
                new_pims.set(String::new());
            }
            done(result);
        });
    };
    view! {
        <section class="panel form-panel" data-test="mappings">
            <h3 class="panel-title">"Mappings"</h3>
            <p class="muted small">"Which practice-system code counts as which item, and which patient id is which pet. Changing one applies from the next sync of each invoice; to point a patient id at another pet, map it again below."</p>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); search.set(typed.get_untracked()); }>
                <label class="field"><span>"Find"</span><input placeholder="Code, patient id or name" maxlength="100" data-test="mapping-search"
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/></label>
                <button class="button secondary" type="submit">"Find"</button>
            </form>
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Loading mappings…"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(Mappings { codes, patients: ids }) => view! {
                            <div class="mapping-columns">
                                <table class="table" data-test="code-mappings">
                                    <thead><tr><th>"Code"</th><th>"Counts as"</th><th></th></tr></thead>
                                    <tbody>{codes.into_iter().map(|m| {
                                        let (code, again) = (m.code.clone(), m.code.clone());
                                        view! { <tr data-test="code-mapping">
                                            <td><code>{m.code.clone()}</code></td>
                                            <td><select on:change=move |ev| {
                                                let code = code.clone();
                                                if let Ok(item) = event_target_value(&ev).parse() {
                                                    spawn_local(async move { done(map_sync_code(code, item).await.map_err(|e| e.to_string())) });
                                                }
                                            }>{items.get_value().into_iter().map(|c| view! { <option value=c.id selected=c.id == m.item_id>{c.label}</option> }).collect_view()}</select></td>
                                            <td><button class="button secondary small" on:click=move |_| {
                                                let code = again.clone();
                                                spawn_local(async move { done(unmap_sync("code".into(), code).await.map_err(|e| e.to_string())) });
                                            }>"Remove"</button></td>
                                        </tr> }
                                    }).collect_view()}</tbody>
                                </table>
                                <table class="table" data-test="patient-mappings">
                                    <thead><tr><th>"Patient id"</th><th>"Is"</th><th></th></tr></thead>
                                    <tbody>{ids.into_iter().map(|m| {
                                        let again = m.pims_id.clone();
                                        view! { <tr data-test="patient-mapping">
                                            <td>{m.pims_id.clone()}</td>
                                            <td><a href=format!("/patients/{}", m.patient_id)>{m.patient_label.clone()}</a></td>
                                            <td><button class="button secondary small" on:click=move |_| {
                                                let pims = again.clone();
                                                spawn_local(async move { done(unmap_sync("patient".into(), pims).await.map_err(|e| e.to_string())) });
                                            }>"Remove"</button></td>
                                        </tr> }
                                    }).collect_view()}</tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <div class="mapping-columns add-mapping">
                <div class="decide">
                    <input placeholder="New code, e.g. WP-DENTAL" maxlength="100" data-test="new-code"
                        prop:value=move || new_code.get() on:input=move |ev| new_code.set(event_target_value(&ev))/>
                    <select data-test="new-code-item" on:change=move |ev| new_item.set(event_target_value(&ev).parse().ok())>
                        <option value="">"Counts as…"</option>
                        {items.get_value().into_iter().map(|c| view! { <option value=c.id>{c.label}</option> }).collect_view()}
                    </select>
                    <button class="button small" data-test="add-code" on:click=add_code>"Map code"</button>
                </div>
                <div class="decide">
                    <input placeholder="New patient id" maxlength="100" data-test="new-pims"
                        prop:value=move || new_pims.get() on:input=move |ev| new_pims.set(event_target_value(&ev))/>
                    <ChoosePet chosen=new_patient test="new-pims"/>
                    <button class="button small" data-test="add-pims" on:click=add_patient>"Map patient"</button>
                </div>
            </div>
        </section>
    }
}

/// Finds a pet by its or its owner's name and keeps its id in `chosen`: a
/// group has too many patients for a list to choose from.
#[component]
pub fn ChoosePet(chosen: RwSignal<Option<i64>>, test: &'static str) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    // The pet picked: its name as put in the box, and how it is shown.
    let picked = RwSignal::new(None::<(String, String)>);
    let on_pick = Callback::new(move |pet: PetMatch| {
        search.set(pet.patient_name.clone());
        picked.set(Some((pet.patient_name.clone(), format!("{} · {}", pet.patient_name, pet.client_name))));
        chosen.set(Some(pet.patient_id));
    });
    // Typing another name forgets the pet picked before.
    Effect::new(move |_| {
        let typed = search.get();
        if picked.with_untracked(|p| p.as_ref().is_some_and(|(name, _)| *name != typed)) {
            picked.set(None);
            chosen.set(None);
        }
    });
    view! {
        <div class="choose-pet">
            <PetFinder search on_pick problem test/>
            {move || picked.get().map(|(_, p)| view! { <p class="small success-text" data-test=format!("{test}-chosen")>{format!("Chosen: {p}")}</p> })}
            {move || problem.get().map(|p| view! { <p class="small error-text" role="alert">{p}</p> })}
        </div>
    }
}
