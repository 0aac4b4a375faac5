//! The HTTP application: Leptos pages, server functions, health, files.

use axum::Router;
use axum::routing::get;
use leptos::prelude::*;
use std::sync::OnceLock;

use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};

use super::api_status::api_status;
use super::state::AppState;
use super::store::Store;
use crate::ui::{App, shell};

/// Builds the router for a store and Leptos' settings.
pub fn router(store: Store, leptos_options: LeptosOptions) -> Router {
    let state = AppState { leptos_options, store };
    let routes = route_list();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/health", get(health))
        .route("/exports/{name}", get(super::export::export_csv))
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(api_status))
        .with_state(state)
}

/// The app's routes, listed once per process. While Leptos walks the app to
/// list them it suppresses resource loads process-wide, and a page whose
/// resource is first polled in that window never finishes (leptos issue
/// 4773): listing again for every router would stall concurrent requests.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Liveness and readiness in one: answers once the database is open.
async fn health() -> &'static str {
    "ok"
}
