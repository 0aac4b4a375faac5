//! Accounts: staff and pet owners who sign in.

use sqlx::FromRow;

use super::Store;
use super::audit::Audit;
use crate::domain::Role;
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::stored::Flag;

/// An account as the server sees it (never sent to a browser).
#[derive(Clone, Debug, FromRow)]
pub struct SqlUser {
    /// The account.
    pub id: i64,
    /// Its organisation.
    pub organisation_id: i64,
    /// Sign-in email.
    pub email: String,
    /// Name shown in the header and the history.
    pub display_name: String,
    /// Stored role code.
    pub role: String,
    /// Argon2id PHC string, or the unusable marker.
    pub password_hash: String,
    /// For owners: the client whose pets they see.
    pub client_id: Option<i64>,
    /// Deactivated accounts cannot sign in.
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    pub active: bool,
}

impl SqlUser {
    /// The role, read from its code.
    pub fn role(&self) -> Result<Role, AppError> {
        Role::from_code(&self.role).ok_or(AppError::Internal)
    }
}

const USER_COLUMNS: &str =
    "id, organisation_id, email, display_name, role, password_hash, client_id, active FROM users";

/// Longest email and name accepted.
pub const MAX_EMAIL: usize = 254;
/// See [`MAX_EMAIL`].
pub const MAX_NAME: usize = 80;

/// A cleaned email, or what is wrong with it.
pub fn clean_email(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL {
        return Err(AppError::Invalid(format!("An email address has at most {MAX_EMAIL} characters.")));
    }
    let (local, domain) = email.split_once('@').unwrap_or(("", ""));
    if local.is_empty() || !domain.contains('.') || email.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(AppError::Invalid("Enter an email address such as name@example.com.".into()));
    }
    Ok(email)
}

/// A cleaned display name, or what is wrong with it.
pub fn clean_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(AppError::Invalid("Enter the person's name.".into())),
        n if n > MAX_NAME => Err(AppError::Invalid(format!("Keep the name under {MAX_NAME} characters."))),
        _ => Ok(name.to_string()),
    }
}

impl Store {
    /// The organisation's staff, managers first.
    pub async fn staff_members(
        &self,
        organisation_id: i64,
        me: Option<i64>,
    ) -> Result<Vec<crate::wire::staff::StaffMember>, AppError> {
        #[derive(FromRow)]
        struct SqlStaff {
            id: i64,
            display_name: String,
            email: String,
            role: String,
            #[sqlx(try_from = "crate::wire::stored::Flag")]
            active: bool,
            password_hash: String,
            last_sign_in_at: Option<String>,
        }
        let rows: Vec<SqlStaff> = sqlx::query_as(
            "SELECT id, display_name, email, role, active, password_hash, last_sign_in_at FROM users
             WHERE organisation_id = $1 AND role <> 'owner'
             ORDER BY CASE role WHEN 'manager' THEN 0 WHEN 'vet' THEN 1 ELSE 2 END, display_name",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(crate::wire::staff::StaffMember {
                    id: r.id,
                    name: r.display_name,
                    email: r.email,
                    role: Role::from_code(&r.role).ok_or(AppError::Internal)?,
                    active: r.active,
                    invited: r.password_hash == crate::server::auth::password::UNUSABLE,
                    last_sign_in_at: r.last_sign_in_at,
                    is_me: me == Some(r.id),
                })
            })
            .collect()
    }

    /// A client's name and email, within the organisation.
    pub async fn client_contact(
        &self,
        organisation_id: i64,
        client_id: i64,
    ) -> Result<(String, Option<String>), AppError> {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT first_name || ' ' || last_name, email FROM clients WHERE id = $1 AND organisation_id = $2",
        )
        .bind(client_id)
        .bind(organisation_id)
        .fetch_optional(self.reader())
        .await?;
        row.ok_or_else(|| AppError::NotFound(format!("There is no client number {client_id}.")))
    }

    /// The account with this email (any case), if there is one.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<SqlUser>, AppError> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE email = $1"))
            .bind(email)
            .fetch_optional(self.reader())
            .await?)
    }

    /// The account with this id.
    pub async fn user(&self, id: i64) -> Result<Option<SqlUser>, AppError> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.reader())
            .await?)
    }

    /// Notes a successful sign-in.
    pub async fn note_sign_in(&self, id: i64) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET last_sign_in_at = (SELECT now FROM carecount_clock) WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an account with a password hash (demo data, tests, invitations).
    pub async fn create_user(
        &self,
        organisation_id: i64,
        email: &str,
        name: &str,
        role: Role,
        client_id: Option<i64>,
        password_hash: &str,
    ) -> Result<i64, AppError> {
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, organisation_id, email, name, role, client_id, password_hash).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a staff member's role or switches the account off. The last
    /// active manager cannot be demoted or switched off, nor can one's self.
    pub async fn update_staff(
        &self,
        organisation_id: i64,
        user_id: i64,
        role: Role,
        active: bool,
        actor: &Actor,
    ) -> Result<(), AppError> {
        if !role.is_staff() {
            return Err(AppError::Invalid("Staff are managers, vets or receptionists.".into()));
        }
        if actor.user_id == Some(user_id) {
            return Err(AppError::Conflict("You cannot change your own account here; ask another manager.".into()));
        }
        let mut tx = self.begin_write().await?;
        let current: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT role, display_name, active FROM users WHERE id = $1 AND organisation_id = $2 AND role <> 'owner'",
        )
        .bind(user_id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (old_role, name, was_active) =
            current.ok_or_else(|| AppError::NotFound("There is no such staff member.".into()))?;
        // The staff page changes one thing at a time and sends the other as
        // it showed it. Both differing means another manager changed the
        // account since: a role change from an old page would switch back on
        // an account switched off meanwhile.
        if old_role != role.code() && (was_active != 0) != active {
            return Err(AppError::Conflict(format!(
                "Someone changed {name}'s account since this page was opened. Reload the staff page and try again."
            )));
        }
        if old_role == "manager" && (role != Role::Manager || !active) {
            let managers: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM users WHERE organisation_id = $1 AND role = 'manager' AND active = 1 AND id <> $2",
            )
            .bind(organisation_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            if managers == 0 {
                return Err(AppError::Conflict("The clinic needs at least one active manager.".into()));
            }
        }
        sqlx::query("UPDATE users SET role = $1, active = $2 WHERE id = $3")
            .bind(role.code())
            .bind(Flag(active))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !active {
            close_links(&mut tx, user_id).await?;
        }
        let detail = format!("{name}: {}, {}", role.label(), if active { "active" } else { "switched off" });
        Audit { action: "staff", entity: "user", entity_id: user_id, detail: &detail, note: None }
            .write(&mut tx, organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Inserts an account; a taken email is a clear conflict.
pub(crate) async fn insert_user(
    conn: &mut Conn,
    organisation_id: i64,
    email: &str,
    name: &str,
    role: Role,
    client_id: Option<i64>,
    password_hash: &str,
) -> Result<i64, AppError> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT organisation_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *conn)
        .await?;
    match taken {
        Some(theirs) if theirs == organisation_id => {
            return Err(AppError::Conflict(format!("{email} already has an account.")));
        }
        // Whether someone has an account with another organisation on this
        // server is not this one's to learn.
        Some(_) => {
            return Err(AppError::Conflict(format!(
                "{email} cannot be invited here; ask them for another email address."
            )));
        }
        None => {}
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO users (organisation_id, email, display_name, role, password_hash, client_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(organisation_id)
    .bind(email)
    .bind(name)
    .bind(role.code())
    .bind(password_hash)
    .bind(client_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Spends every open link of an account: after its password is set, or when
/// it is switched off (a link sent before must not work once it is switched
/// on again).
pub(crate) async fn close_links(conn: &mut Conn, user_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE account_links SET used_at = (SELECT now FROM carecount_clock)
         WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(clean_email("  Maria@Maple.Example ").unwrap(), "maria@maple.example");
        assert!(clean_email("maria").is_err());
        assert!(clean_email("maria@local").is_err());
        assert!(clean_email("ma\u{0}ria@maple.example").is_err());
        assert!(clean_email(&format!("{}@x.nl", "a".repeat(260))).unwrap_err().to_string().contains("254"));
    }
}
