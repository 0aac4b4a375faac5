//! Signing in and out, and recovering an account by email.

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::account::*;

/// The signed-in person, if any.
#[server(prefix = "/api", endpoint = "me", output = crate::api::codec::JsonText)]
pub async fn who_am_i() -> Result<Option<Me>, AppError> {
    use crate::server::{auth::current_viewer, state::*};
    let state = app_state()?;
    let Ok(session) = current_session().await else { return Ok(None) };
    let Some(viewer) = current_viewer(&session, &state.store).await? else { return Ok(None) };
    let (clinic_id, clinics) = if viewer.role.is_staff() {
        let chosen = crate::server::auth::chosen_clinic(&session).await?;
        let clinic = state.store.clinic_of(viewer.organisation_id, chosen, chrono::Utc::now()).await?;
        let clinics = state.store.clinic_names(viewer.organisation_id).await?;
        (clinic.id, if clinics.len() > 1 { clinics } else { Vec::new() })
    } else {
        (0, Vec::new())
    };
    Ok(Some(Me { name: viewer.name, role: viewer.role, clinic_id, clinics }))
}

/// Switches the clinic a staff member works in for this session.
#[server(prefix = "/api", endpoint = "clinic/switch", output = crate::api::codec::JsonText)]
pub async fn switch_clinic(clinic_id: i64) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{auth::choose_clinic, error::reply, state::*};
    reply(
        async {
            let state = app_state()?;
            let session = current_session().await?;
            let (clinic, _) = state.staff_in(&session, Permission::ClinicDesk).await?;
            let ours = state.store.clinic_names(clinic.organisation_id).await?;
            if !ours.iter().any(|(id, _)| *id == clinic_id) {
                return Err(AppError::NotFound(format!("There is no clinic number {clinic_id} here.")));
            }
            choose_clinic(&session, clinic_id).await
        }
        .await,
    )
}

/// Signs in and goes on to `next` (or the person's home). Wrong password
/// and unknown email get the same words; repeated failures, per email and
/// per client address, pause sign-in.
#[server(prefix = "/api", endpoint = "sign-in", output = crate::api::codec::JsonText)]
pub async fn sign_in(email: String, password: String, next: String) -> Result<(), AppError> {
    use crate::server::auth::{credentials, guard::home_for, start_session};
    use crate::server::{error::reply, state::*};
    reply(
        async {
            let state = app_state()?;
            let from = client_address(&state).await;
            let user = credentials::check(&state, &email, password, from).await?;
            start_session(&current_session().await?, &user).await?;
            state.store.note_sign_in(user.id).await?;
            let role = user.role()?;
            // Staff go back where they were; owners only ever to the portal.
            let target =
                safe_next(&next).filter(|n| role.is_staff() != n.starts_with("/portal")).unwrap_or(home_for(role));
            leptos_axum::redirect(target);
            Ok(())
        }
        .await,
    )
}

/// Ends the session and returns to the sign-in page.
#[server(prefix = "/api", endpoint = "sign-out", output = crate::api::codec::JsonText)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{auth::end_session, state::current_session};
    if let Ok(session) = current_session().await {
        end_session(&session).await?;
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// Emails a reset link if the address has an account. The answer is the
/// same either way, and comes as soon for an address with no account.
#[server(prefix = "/api", endpoint = "forgot", output = crate::api::codec::JsonText)]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::server::auth::throttle::Limit;
    use crate::server::store::accounts::clean_email;
    use crate::server::{error::reply, state::*};
    reply(
        async {
            if email.trim().is_empty() {
                return Err(AppError::Invalid("Enter the email you sign in with.".into()));
            }
            let key = clean_email(&email)?;
            let state = app_state()?;
            // A few links per address per quarter hour: the form cannot be
            // used to flood someone's inbox. The answer stays the same.
            let limits = [Limit::email("reset", &key), Limit::address("reset", client_address(&state).await)];
            if state.throttle.begin(&limits, std::time::Instant::now()).is_err() {
                return Ok(());
            }
            // The link is made and queued after the answer: waiting for it
            // would answer a known address a write later than an unknown one,
            // and the time taken would tell who has an account.
            let (store, public_url) = (state.store.clone(), state.public_url.clone());
            tokio::spawn(async move {
                if let Err(error) = store.request_reset(&key, &public_url).await {
                    tracing::error!(%error, "queueing a password reset");
                }
            });
            Ok(())
        }
        .await,
    )
}

/// What a link is for, or why it no longer works.
#[server(prefix = "/api", endpoint = "link", output = crate::api::codec::JsonText)]
pub async fn check_link(token: String) -> Result<LinkInfo, AppError> {
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let facts = app_state()?.store.link_facts(&token).await?;
            Ok(LinkInfo { invitation: facts.purpose == "invite", email: facts.email, name: facts.name })
        }
        .await,
    )
}

/// Sets a new password through a link, then signs in.
#[server(prefix = "/api", endpoint = "reset", output = crate::api::codec::JsonText)]
pub async fn reset_password(token: String, password: String, repeat: String) -> Result<(), AppError> {
    use crate::server::auth::{guard::home_for, password as pw, start_session};
    use crate::server::{error::reply, state::*};
    reply(
        async {
            pw::check_new(&password, &repeat).map_err(AppError::Invalid)?;
            let state = app_state()?;
            // The link first: a dead or made-up token costs no hashing.
            state.store.link_facts(&token).await?;
            let new_hash = state.hashing.run(move || pw::hash(&password)).await?;
            let user = state.store.use_link(&token, &new_hash).await?;
            start_session(&current_session().await?, &user).await?;
            leptos_axum::redirect(home_for(user.role()?));
            Ok(())
        }
        .await,
    )
}
