//! The caller of the integration API: whoever holds a live token, scoped to
//! the organisation and clinic it was made for.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::problem::Problem;
use crate::server::actor::Actor;
use crate::server::state::AppState;
use crate::server::store::api_tokens::TokenOwner;

/// A verified token's owner.
pub struct Caller(pub TokenOwner);

impl Caller {
    /// Who the ledger and the history name for the API's changes.
    pub fn actor(&self) -> Actor {
        Actor { user_id: None, name: format!("Integration API (token {})", self.0.token_id) }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(Problem::unauthorized)?;
        match state.store.api_token_owner(presented).await {
            Ok(Some(owner)) => Ok(Caller(owner)),
            Ok(None) => Err(Problem::unauthorized()),
            Err(e) => Err(e.into()),
        }
    }
}
