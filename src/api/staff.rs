//! Staff accounts (managers) and owner invitations (the desk).

use leptos::prelude::*;

use super::error::AppError;
#[cfg(feature = "ssr")]
use crate::domain::Role;
pub use crate::wire::staff::*;

#[cfg(feature = "ssr")]
fn role_from(code: &str) -> Result<Role, AppError> {
    Role::from_code(code)
        .filter(|r| r.is_staff())
        .ok_or_else(|| AppError::Invalid("Choose a role: manager, vet or receptionist.".into()))
}

/// The organisation's staff.
#[server(prefix = "/api", endpoint = "staff", output = crate::api::codec::JsonText)]
pub async fn staff_list() -> Result<Vec<StaffMember>, AppError> {
    use crate::domain::Permission;
    use crate::server::clinic_clock::OnClinicClock;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageStaff).await?;
            let members = state.store.staff_members(clinic.organisation_id, actor.user_id).await?;
            Ok(members.on_clinic_clock(&clinic.time_zone))
        }
        .await,
    )
}

/// Invites a staff member by email; they choose their own password.
#[server(prefix = "/api", endpoint = "staff/invite", output = crate::api::codec::JsonText)]
pub async fn invite_staff(email: String, name: String, role: String) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::store::links::Invitation;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let role = role_from(&role)?;
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageStaff).await?;
            let invitation = Invitation { email: &email, name: &name, role, client_id: None };
            state.store.invite(clinic.organisation_id, invitation, &state.public_url, &actor).await
        }
        .await,
    )
}

/// Changes a staff member's role, or switches the account off or on.
#[server(prefix = "/api", endpoint = "staff/update", output = crate::api::codec::JsonText)]
pub async fn update_staff(user_id: i64, role: String, active: bool) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let role = role_from(&role)?;
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageStaff).await?;
            state.store.update_staff(clinic.organisation_id, user_id, role, active, &actor).await
        }
        .await,
    )
}

/// Invites a client to the healthcard portal at the email on file.
#[server(prefix = "/api", endpoint = "owner/invite", output = crate::api::codec::JsonText)]
pub async fn invite_owner(client_id: i64) -> Result<String, AppError> {
    use crate::domain::Permission;
    use crate::server::store::links::Invitation;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            let (name, email) = state.store.client_contact(clinic.organisation_id, client_id).await?;
            let email = email.ok_or_else(|| {
                AppError::Invalid(format!("{name} has no email address on file; add one to invite them."))
            })?;
            let invitation = Invitation { email: &email, name: &name, role: Role::Owner, client_id: Some(client_id) };
            state.store.invite(clinic.organisation_id, invitation, &state.public_url, &actor).await?;
            Ok(email)
        }
        .await,
    )
}

/// Switches a client's healthcard portal account off (an invitation that
/// went to a wrong address, a household that left) or on again; returns
/// the account's email.
#[server(prefix = "/api", endpoint = "owner/access", output = crate::api::codec::JsonText)]
pub async fn owner_portal_access(client_id: i64, active: bool) -> Result<String, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            state.store.set_portal_access(clinic.organisation_id, client_id, active, &actor).await
        }
        .await,
    )
}
