//! What every request handler and server function can reach.

use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};

use super::store::Store;
use crate::api::clinic::ClinicInfo;
use crate::api::error::AppError;

/// Shared, cheaply cloned state of the running app.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    /// Leptos' settings (site root, bundle name).
    pub leptos_options: LeptosOptions,
    /// The database.
    pub store: Store,
}

impl AppState {
    /// The clinic this request works in, with today's date.
    pub async fn clinic(&self) -> Result<ClinicInfo, AppError> {
        Ok(self.store.default_clinic(chrono::Utc::now().date_naive()).await?)
    }
}

/// The state inside a server function (Leptos provides the router state).
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("server function ran without AppState in context");
        AppError::Internal
    })
}
