//! What every request handler and server function can reach, and the one
//! place that decides who a request acts for.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};
use tower_sessions::Session;

use super::actor::Actor;
use super::auth::password::HashGate;
use super::auth::throttle::LoginThrottle;
use super::auth::{Viewer, chosen_clinic, current_viewer};
use super::store::Store;
use crate::domain::{Permission, allows};
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;

/// Shared, cheaply cloned state of the running app.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    /// Leptos' settings (site root, bundle name).
    pub leptos_options: LeptosOptions,
    /// The database.
    pub store: Store,
    /// The address people reach the app at, for links in emails.
    pub public_url: String,
    /// Failed sign-ins, to slow down guessing.
    pub throttle: Arc<LoginThrottle>,
    /// Password hashing, off the async workers and a few at a time.
    pub hashing: Arc<HashGate>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    /// The folder sync folders must lie in, when the server names one.
    pub sync_root: Option<Arc<std::path::PathBuf>>,
}

impl AppState {
    /// The session's viewer, or 401 when nobody (valid) is signed in.
    pub async fn viewer_in(&self, session: &Session) -> Result<Viewer, AppError> {
        current_viewer(session, &self.store).await?.ok_or(AppError::Unauthorized)
    }

    /// The viewer of the current server function's request.
    pub async fn viewer(&self) -> Result<Viewer, AppError> {
        let session = current_session().await?;
        self.viewer_in(&session).await
    }

    /// A staff member allowed `permission`: their clinic (scoped to their
    /// organisation) and who they are for the history. 401 without a
    /// session, 403 for owners and for staff without the permission.
    pub async fn staff_in(&self, session: &Session, permission: Permission) -> Result<(ClinicInfo, Actor), AppError> {
        let viewer = self.viewer_in(session).await?;
        if !viewer.role.is_staff() || !allows(viewer.role, permission) {
            return Err(AppError::Forbidden);
        }
        let chosen = chosen_clinic(session).await?;
        let clinic = self.store.clinic_of(viewer.organisation_id, chosen, chrono::Utc::now()).await?;
        Ok((clinic, viewer.actor()))
    }

    /// [`AppState::staff_in`] for the current server function's request.
    pub async fn staff(&self, permission: Permission) -> Result<(ClinicInfo, Actor), AppError> {
        let session = current_session().await?;
        self.staff_in(&session, permission).await
    }

    /// Like [`AppState::staff`] when the caller records nothing.
    pub async fn staff_clinic(&self, permission: Permission) -> Result<ClinicInfo, AppError> {
        Ok(self.staff(permission).await?.0)
    }

    /// A signed-in pet owner: their clinic and client record.
    pub async fn owner(&self) -> Result<(ClinicInfo, i64), AppError> {
        let viewer = self.viewer().await?;
        let client_id = viewer.client_id.filter(|_| allows(viewer.role, Permission::OwnHealthcard));
        let client_id = client_id.ok_or(AppError::Forbidden)?;
        // The household's own clinic: its currency, its calendar, its name.
        let home = self.store.home_clinic(viewer.organisation_id, client_id).await?;
        let clinic = self.store.clinic_of(viewer.organisation_id, home, chrono::Utc::now()).await?;
        Ok((clinic, client_id))
    }
}

/// The address the current server function's request comes from (see
/// [`super::auth::client_address`]).
pub async fn client_address(state: &AppState) -> IpAddr {
    use axum::extract::ConnectInfo;
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| addr.ip());
    let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.unwrap_or_default();
    use super::auth::client_address::{client_address as from, forwarded_for};
    let forwarded = forwarded_for(headers.get_all("x-forwarded-for").iter().map(|v| v.as_bytes()));
    from(peer, forwarded.as_deref(), &state.trusted_proxies)
}

/// The session of the current server function's request.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|_| AppError::Unauthorized)
}

/// The state inside a server function (Leptos provides the router state).
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("server function ran without AppState in context");
        AppError::Internal
    })
}
