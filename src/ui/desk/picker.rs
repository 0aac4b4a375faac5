//! Catalog type-ahead: search by name or code, a moment after typing stops.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::DeskState;
use crate::api::catalog::search_catalog;
use crate::domain::{Currency, ItemRef};
use crate::ui::debounce::Debouncer;

/// A search box that adds the picked item as a new line.
#[component]
pub fn CatalogPicker(
    state: DeskState,
    currency: Currency,
    /// The pet new lines are for.
    #[prop(into)]
    patient_id: Signal<i64>,
    /// What a result draws from, when an open pack covers it ("Daycare
    /// 10-day pack: 6 left").
    #[prop(optional)]
    hint: Option<Callback<ItemRef, Option<String>>>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::<ItemRef>::new());
    let message = RwSignal::new(None::<String>);
    let debounce = Debouncer::new(250);
    let search = move |text: String| {
        query.set(text.clone());
        if text.trim().is_empty() {
            debounce.cancel();
            results.set(Vec::new());
            return;
        }
        debounce.call(move || {
            spawn_local(async move {
                match search_catalog(text.clone()).await {
                    // Ignore answers to a query the person has since changed.
                    Ok(items) if query.get_untracked() == text => {
                        message.set(
                            items
                                .is_empty()
                                .then(|| format!("Nothing in the catalog matches \u{201c}{}\u{201d}.", text.trim())),
                        );
                        results.set(items);
                    }
                    Ok(_) => {}
                    Err(e) => message.set(Some(e.to_string())),
                }
            })
        });
    };
    let pick = move |item: ItemRef| {
        state.add(item, patient_id.get_untracked());
        query.set(String::new());
        results.set(Vec::new());
        message.set(None);
    };
    let currency = StoredValue::new(currency);
    view! {
        <div class="picker">
            <input
                type="search"
                class="picker-input"
                placeholder="Add a service or product: type a name or code"
                aria-label="Search the catalog"
                data-test="catalog-search"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| search(event_target_value(&ev))
            />
            <Show when=move || !results.with(Vec::is_empty)>
                <ul class="picker-results" role="listbox" data-test="catalog-results">
                    <For each=move || results.get() key=|item| item.id let:item>
                        {
                            let shown = item.clone();
                            let from_pack = hint.and_then(|h| h.run(item.clone()));
                            view! {
                                <li role="option">
                                    <button type="button" data-test="catalog-result" on:click=move |_| pick(item.clone())>
                                        <span class="item-name">{shown.name.clone()}</span>
                                        <span class="muted small">{format!(" {} · {}", shown.code, currency.with_value(|c| shown.regular_price.format(c)))}</span>
                                        {from_pack.map(|text| view! { <span class="pill pill-good small pack-hint" data-test="pack-hint">{text}</span> })}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
            {move || message.get().map(|m| view! { <p class="muted small picker-message">{m}</p> })}
        </div>
    }
}
