//! Route `/portal`: the pet owner's healthcard.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::portal::my_healthcard;
use crate::ui::healthcard::HealthcardView;
use crate::ui::route::loaded;

/// Route `/portal`.
#[component]
pub fn PortalPage() -> impl IntoView {
    let card = Resource::new(|| (), |_| my_healthcard());
    view! {
        <Title text="My pets' plans"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading your plans…"</p> }>
            {move || Suspend::new(async move {
                loaded(card.await, |card| view! {
                    <section class="page-head"><div>
                        <p class="eyebrow">{card.clinic.name.clone()}</p>
                        <h1>"Plans overview"</h1>
                        <p class="lede">{format!("Hello {}. Every plan of your pets, with what is left.", card.owner_name)}</p>
                    </div></section>
                    <HealthcardView card base="/portal".to_string()/>
                })
            })}
        </Suspense>
    }
}
