//! One-time account links: password reset (an hour) and invitations (a
//! week). Only a hash of the token is stored; using a link spends it.

use chrono::{DateTime, Duration, Utc};

use crate::wire::stored::Stamp;
use sqlx::FromRow;

use super::Store;
use super::accounts::{SqlUser, clean_email, clean_name, close_links, insert_user};
use super::audit::Audit;
use super::outbox::queue;
use crate::domain::Role;
use crate::server::actor::Actor;
use crate::server::auth::password;
use crate::server::store::Conn;
use crate::wire::error::AppError;

/// How long a reset link works.
pub const RESET_TTL: Duration = Duration::hours(1);
/// How long an invitation works.
pub const INVITE_TTL: Duration = Duration::days(7);

/// Who is invited, as what.
pub struct Invitation<'a> {
    /// Their email, as typed.
    pub email: &'a str,
    /// Their name, as typed.
    pub name: &'a str,
    /// Their role.
    pub role: Role,
    /// For owners: their client record.
    pub client_id: Option<i64>,
}

/// What a link is for, as its page needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkFacts {
    /// "reset" or "invite".
    pub purpose: String,
    /// The account's email.
    pub email: String,
    /// The account's name.
    pub name: String,
}

#[derive(FromRow)]
struct SqlLink {
    user_id: i64,
    purpose: String,
    #[sqlx(try_from = "Stamp")]
    expires_at: DateTime<Utc>,
    used_at: Option<String>,
    email: String,
    display_name: String,
}

fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a link for `user_id` and returns the token for the email.
async fn issue(conn: &mut Conn, user_id: i64, purpose: &str, ttl: Duration) -> Result<String, AppError> {
    let token = new_token();
    sqlx::query("INSERT INTO account_links (user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(purpose)
        .bind(token_hash(&token))
        .bind(Stamp(Utc::now() + ttl))
        .execute(&mut *conn)
        .await?;
    Ok(token)
}

async fn link(conn: &mut Conn, token: &str) -> Result<SqlLink, AppError> {
    let found: Option<SqlLink> = sqlx::query_as(
        "SELECT l.user_id, l.purpose, l.expires_at, l.used_at, u.email, u.display_name
         FROM account_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1 AND u.active = 1",
    )
    .bind(token_hash(token))
    .fetch_optional(&mut *conn)
    .await?;
    let link = found.ok_or_else(|| {
        AppError::NotFound("This link is not valid. Check that the whole link was copied, or ask for a new one.".into())
    })?;
    if link.used_at.is_some() {
        return Err(AppError::Conflict(
            "This link has already been used. Sign in, or ask for a new link if you forgot the password.".into(),
        ));
    }
    if link.expires_at < Utc::now() {
        return Err(AppError::Conflict("This link has expired. Ask for a new one below.".into()));
    }
    Ok(link)
}

impl Store {
    /// Emails a reset link when the address has an active account; says
    /// nothing either way, so the form cannot tell who has an account.
    pub async fn request_reset(&self, email: &str, public_url: &str) -> Result<(), AppError> {
        let Ok(email) = clean_email(email) else { return Ok(()) };
        let mut tx = self.begin_write().await?;
        let user: Option<(i64, i64, String)> =
            sqlx::query_as("SELECT id, organisation_id, display_name FROM users WHERE email = $1 AND active = 1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((user_id, organisation_id, name)) = user {
            let token = issue(&mut tx, user_id, "reset", RESET_TTL).await?;
            let body = format!(
                "Hello {name},\n\nSomeone asked to reset the CareCount password for {email}.\n\
                 Choose a new password here (the link works once, for one hour):\n\n{public_url}/reset/{token}\n\n\
                 If it was not you, ignore this email: your password stays as it is.\n"
            );
            queue(&mut tx, organisation_id, &email, "Reset your CareCount password", &body).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// What a link is for, or why it no longer works.
    pub async fn link_facts(&self, token: &str) -> Result<LinkFacts, AppError> {
        let mut conn = self.reader().acquire().await?;
        let l = link(&mut conn, token).await?;
        Ok(LinkFacts { purpose: l.purpose, email: l.email, name: l.display_name })
    }

    /// Sets a new password through a link and spends it (and every other
    /// open link of the account).
    pub async fn use_link(&self, token: &str, new_hash: &str) -> Result<SqlUser, AppError> {
        let mut tx = self.begin_write().await?;
        let l = link(&mut tx, token).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(new_hash)
            .bind(l.user_id)
            .execute(&mut *tx)
            .await?;
        close_links(&mut tx, l.user_id).await?;
        let user: SqlUser = sqlx::query_as(
            "SELECT id, organisation_id, email, display_name, role, password_hash, client_id, active FROM users WHERE id = $1",
        )
        .bind(l.user_id)
        .fetch_one(&mut *tx)
        .await?;
        let actor = Actor { user_id: Some(user.id), name: user.display_name.clone() };
        let detail = if l.purpose == "invite" { "Accepted the invitation" } else { "Reset the password by email" };
        Audit { action: "password", entity: "user", entity_id: l.user_id, detail, note: None }
            .write(&mut tx, user.organisation_id, &actor)
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Creates an account without a password and emails an invitation to
    /// choose one. Owners are invited for their client record.
    pub async fn invite(
        &self,
        organisation_id: i64,
        invitation: Invitation<'_>,
        public_url: &str,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let Invitation { email, name, role, client_id } = invitation;
        let email = clean_email(email)?;
        let name = clean_name(name)?;
        let mut tx = self.begin_write().await?;
        let user_id = insert_user(&mut tx, organisation_id, &email, &name, role, client_id, password::UNUSABLE).await?;
        let token = issue(&mut tx, user_id, "invite", INVITE_TTL).await?;
        let clinic: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&mut *tx)
            .await?;
        let (subject, why) = if role == Role::Owner {
            (format!("Your pets' healthcard at {clinic}"), "see your pets' plans, what is left and what you saved")
        } else {
            (format!("You are invited to CareCount at {clinic}"), "work in CareCount")
        };
        let body = format!(
            "Hello {name},\n\n{} invited you to {why}.\nChoose your password here (the link works for 7 days):\n\n\
             {public_url}/reset/{token}\n\nYou then sign in with {email}.\n",
            actor.name
        );
        queue(&mut tx, organisation_id, &email, &subject, &body).await?;
        let detail = format!("Invited {name} <{email}> as {}", role.label().to_lowercase());
        Audit { action: "invite", entity: "user", entity_id: user_id, detail: &detail, note: None }
            .write(&mut tx, organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(user_id)
    }
}
