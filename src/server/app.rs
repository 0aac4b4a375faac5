//! The HTTP application: Leptos pages, server functions, health, files.

use axum::Router;
use axum::routing::get;
use leptos::prelude::*;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};

use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer};

use super::api_status::api_status;
use super::auth::{COOKIE_NAME, IDLE_MINUTES, guard};
use super::body_limit::limit_body;
use super::headers::{security_headers, set_page_policy};
use super::state::AppState;
use super::store::Store;
use crate::ui::{App, shell};

/// Builds the router for a store, Leptos' settings and the public address.
pub fn router(
    store: Store,
    leptos_options: LeptosOptions,
    public_url: String,
    trusted_proxies: Vec<IpAddr>,
    sync_root: Option<std::path::PathBuf>,
) -> Router {
    let sessions = SessionManagerLayer::new(store.session_store())
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(public_url.starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(Duration::minutes(IDLE_MINUTES)))
        // Saved on every request, so the idle limit counts from the last
        // request rather than from sign-in; the store writes an unchanged
        // session only when its limit moves by a minute or more.
        .with_always_save(true);
    let state = AppState {
        leptos_options,
        store,
        public_url,
        throttle: Default::default(),
        hashing: Default::default(),
        trusted_proxies: Arc::new(trusted_proxies),
        sync_root: sync_root.map(Arc::new),
    };
    let routes = route_list();
    let options = state.leptos_options.clone();
    let https = state.public_url.starts_with("https://");
    // Layers run outside-in from the last added: security headers,
    // compression, cache headers, bundles as differences, body limit,
    // origin check, session, page guard, the status rewrite, then each
    // request's own reactive scope closest to the handlers.
    Router::new()
        .route("/health", get(health))
        .route("/exports/{name}", get(super::export::export_csv))
        .route(
            super::body_limit::UPLOAD_PATH,
            axum::routing::post(super::import::upload::upload).layer(super::import::upload_extractor_limit()),
        )
        .merge(super::integration::router())
        .leptos_routes_with_context(&state, routes, set_page_policy, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(super::request_scope::own_scope))
        .layer(axum::middleware::from_fn(api_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::pages))
        .layer(sessions)
        .layer(axum::middleware::from_fn(guard::same_origin))
        .layer(axum::middleware::from_fn(limit_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::delivery::bundle_deltas))
        .layer(axum::middleware::from_fn(super::delivery::cache_control))
        .layer(super::delivery::compression())
        .layer(axum::middleware::from_fn(move |request, next| security_headers(https, request, next)))
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
