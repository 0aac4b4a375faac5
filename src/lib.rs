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

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
}
