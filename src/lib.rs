//! CareCount: wellness plans, packages and session packs, counted live.
//!
//! One crate, two halves: the `ssr` feature builds the axum server, the
//! `hydrate` feature the WebAssembly that takes over the page in the browser.
//! Both run the same counting core in [`domain`].

// Leptos view types nest deeply; computing their layout needs more room.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;
pub mod wire;

/// Entry point of the browser bundle: hydrates the server-rendered page once
/// the code of the page's route (a separate file, `#[lazy_route]`) has
/// loaded, then marks `<body data-hydrated="true">` so tests, and curious
/// people, can tell the WASM is in charge of every part of the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let app = leptos::mount::hydrate_from_async(body.clone(), ui::App).await;
        // The page stays mounted for as long as it is open.
        app.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
