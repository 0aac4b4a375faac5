//! The HTTP application: Leptos pages, server functions, health, files.

use axum::Router;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};

use super::api_status::api_status;
use super::state::AppState;
use super::store::Store;
use crate::ui::{App, shell};

/// Builds the router for a store and Leptos' settings.
pub fn router(store: Store, leptos_options: LeptosOptions) -> Router {
    let state = AppState { leptos_options, store };
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/health", get(health))
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(api_status))
        .with_state(state)
}

/// Liveness and readiness in one: answers once the database is open.
async fn health() -> &'static str {
    "ok"
}
