//! Who is signed in: sessions, passwords, sign-in throttling, and the
//! middleware that keeps pages and state-changing requests safe.

pub mod client_address;
pub mod credentials;
pub mod guard;
pub mod password;
pub mod throttle;

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::actor::Actor;
use super::store::Store;
use super::store::accounts::SqlUser;
use crate::domain::Role;
use crate::wire::error::AppError;

/// A session ends after this long without a request.
pub const IDLE_MINUTES: i64 = 30;
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_HOURS: i64 = 12;
/// The session cookie's name.
pub const COOKIE_NAME: &str = "carecount_session";

const SIGNED_IN_KEY: &str = "signed_in";
const CLINIC_KEY: &str = "clinic_id";

/// What the session remembers about its sign-in.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    /// Unix seconds at sign-in, for the absolute timeout.
    at: i64,
    /// The password hash's fingerprint at sign-in: a new password ends it.
    fingerprint: String,
}

/// The person behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// Their account.
    pub user_id: i64,
    /// Their organisation: everything they see is scoped to it.
    pub organisation_id: i64,
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// For owners: the client whose pets they see.
    pub client_id: Option<i64>,
}

impl Viewer {
    /// The viewer as the history records them.
    pub fn actor(&self) -> Actor {
        Actor { user_id: Some(self.user_id), name: self.name.clone() }
    }
}

fn session_fault(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store");
    AppError::Internal
}

/// Whether a sign-in at `at` (Unix seconds) may still act at `now`.
fn within_absolute_limit(at: i64, now: i64) -> bool {
    now - at <= ABSOLUTE_HOURS * 3600
}

/// Starts a signed-in session under a new id (so an id planted before
/// sign-in is worth nothing after it).
pub async fn start_session(session: &Session, user: &SqlUser) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_fault)?;
    let signed_in = SignedIn {
        user_id: user.id,
        at: chrono::Utc::now().timestamp(),
        fingerprint: password::fingerprint(&user.password_hash),
    };
    session.insert(SIGNED_IN_KEY, signed_in).await.map_err(session_fault)
}

/// The clinic this session works in, if the person chose one.
pub async fn chosen_clinic(session: &Session) -> Result<Option<i64>, AppError> {
    session.get::<i64>(CLINIC_KEY).await.map_err(session_fault)
}

/// Remembers the clinic this session works in.
pub async fn choose_clinic(session: &Session, clinic_id: i64) -> Result<(), AppError> {
    session.insert(CLINIC_KEY, clinic_id).await.map_err(session_fault)
}

/// Ends the session and forgets its id.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_fault)
}

/// The signed-in viewer, or `None` when there is no session or it has run
/// past its absolute limit, the account was switched off, or its password
/// changed since. Such sessions are ended on the way.
pub async fn current_viewer(session: &Session, store: &Store) -> Result<Option<Viewer>, AppError> {
    let Some(signed_in) = session.get::<SignedIn>(SIGNED_IN_KEY).await.map_err(session_fault)? else {
        return Ok(None);
    };
    let too_old = !within_absolute_limit(signed_in.at, chrono::Utc::now().timestamp());
    let user = store.user(signed_in.user_id).await?;
    let valid =
        user.filter(|u| !too_old && u.active && password::fingerprint(&u.password_hash) == signed_in.fingerprint);
    let Some(user) = valid else {
        end_session(session).await?;
        return Ok(None);
    };
    Ok(Some(Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
        name: user.display_name.clone(),
        role: user.role()?,
        client_id: user.client_id,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_ends_twelve_hours_after_sign_in_however_busy() {
        let at = 1_800_000_000;
        assert!(super::within_absolute_limit(at, at + 12 * 3600));
        assert!(!super::within_absolute_limit(at, at + 12 * 3600 + 1));
    }
}
