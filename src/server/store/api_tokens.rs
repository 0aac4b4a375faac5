//! Tokens of the integration API: made by a manager and shown once, kept
//! only as a SHA-256 hash, scoped to one organisation and clinic, revocable;
//! each use stamps the time it was last used.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Store;
use crate::domain::text::{NAME_MAX, within};
use crate::server::actor::Actor;
use crate::wire::error::AppError;
use crate::wire::sync::ApiToken;

/// Whose a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenOwner {
    pub token_id: i64,
    pub organisation_id: i64,
    pub clinic_id: i64,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Makes a token; returns it, the only time it is seen.
    pub async fn create_api_token(
        &self,
        organisation_id: i64,
        clinic_id: i64,
        name: &str,
        actor: &Actor,
    ) -> Result<String, AppError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::Invalid(
                "Name the token after what will use it, such as \"Practice system\".".into(),
            ));
        }
        within("The name", name, NAME_MAX).map_err(AppError::Invalid)?;
        let mut secret = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let token = format!("cc_{}", secret.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (organisation_id, clinic_id, name, token_hash, shown_prefix, created_by)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(organisation_id)
        .bind(clinic_id)
        .bind(name)
        .bind(hash(&token))
        .bind(&token[..10])
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The organisation's tokens, newest first.
    pub async fn api_tokens(&self, organisation_id: i64) -> Result<Vec<ApiToken>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id, name, shown_prefix, created_by, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE organisation_id = $1 ORDER BY id DESC",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?)
    }

    /// Revokes a token: every later call with it is refused.
    pub async fn revoke_api_token(&self, organisation_id: i64, id: i64) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = (SELECT now FROM carecount_clock)
             WHERE id = $1 AND organisation_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound("That token does not exist or was already revoked.".into()));
        }
        Ok(())
    }

    /// Whose a presented token is, if it is live; stamps its last use.
    pub async fn api_token_owner(&self, token: &str) -> Result<Option<TokenOwner>, AppError> {
        if !token.starts_with("cc_") || token.len() > 100 {
            return Ok(None);
        }
        // Whether the last use shown is from an earlier minute (stamps are
        // ISO text, so their first 16 characters are the minute).
        let found: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT id, organisation_id, clinic_id,
                    CAST(CASE WHEN substr(COALESCE(last_used_at, ''), 1, 16)
                                   = substr((SELECT now FROM carecount_clock), 1, 16) THEN 0 ELSE 1 END AS BIGINT)
             FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash(token))
        .fetch_optional(self.reader())
        .await?;
        let Some((token_id, organisation_id, clinic_id, stale)) = found else { return Ok(None) };
        // The stamp is a write: at most once a minute, and not waited for,
        // so a read-only call never queues behind an import or a finalize.
        if stale != 0 {
            let store = self.clone();
            tokio::spawn(async move {
                if let Err(error) = store.stamp_token_use(token_id).await {
                    tracing::error!(%error, "stamping an API token's last use");
                }
            });
        }
        Ok(Some(TokenOwner { token_id, organisation_id, clinic_id }))
    }

    async fn stamp_token_use(&self, token_id: i64) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE api_tokens SET last_used_at = (SELECT now FROM carecount_clock) WHERE id = $1")
            .bind(token_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
