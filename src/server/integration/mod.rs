//! The integration API under `/api/v1`, for practice systems and other
//! programs: token-authenticated JSON and CSV, errors as problem details,
//! and an OpenAPI 3.1 document generated from the handlers' own types.

pub mod auth;
pub mod handlers;
pub mod problem;
pub mod reference;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::state::AppState;

/// The path of the CSV upload, which has its own body limit.
pub const IMPORTS_PATH: &str = "/api/v1/imports";

#[derive(OpenApi)]
#[openapi(
    info(title = "CareCount integration API", version = "1",
         description = "Push practice-system invoice lines or CSV exports, read what is left of a patient's plans, and review over-usage and exceptions. Every call needs `Authorization: Bearer <token>`; a manager makes tokens on the sync page. Errors are RFC 9457 problem details."),
    paths(handlers::push_lines, handlers::upload_csv, handlers::patient_plans, handlers::over_usage,
          handlers::exceptions, handlers::sync_runs),
    modifiers(&BearerToken),
    tags((name = "sync", description = "Usage from the practice system"),
         (name = "plans", description = "What is left"),
         (name = "review", description = "What needs a person")))]
pub struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoice-lines", post(handlers::push_lines))
        .route(IMPORTS_PATH, post(handlers::upload_csv).layer(crate::server::import::upload_extractor_limit()))
        .route("/api/v1/patients/{patient_id}/plans", get(handlers::patient_plans))
        .route("/api/v1/over-usage", get(handlers::over_usage))
        .route("/api/v1/exceptions", get(handlers::exceptions))
        .route("/api/v1/sync-runs", get(handlers::sync_runs))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1", get(reference::page))
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
