//! The pack a client's new appointments take unless staff pick another:
//! one of the client's own packages or session packs.

use super::Store;
use crate::wire::error::AppError;

impl Store {
    /// The pack a client's new appointments take.
    pub async fn preferred_pack(&self, organisation_id: i64, client_id: i64) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar("SELECT preferred_pack_id FROM clients WHERE id = $1 AND organisation_id = $2")
            .bind(client_id)
            .bind(organisation_id)
            .fetch_optional(self.reader())
            .await?
            .flatten())
    }

    /// Sets (or clears) the pack a client's new appointments take: one of
    /// the client's own packages or session packs.
    pub async fn set_preferred_pack(
        &self,
        organisation_id: i64,
        client_id: i64,
        pack: Option<i64>,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        if let Some(pack) = pack {
            let mine: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM subscriptions WHERE id = $1 AND client_id = $2 AND organisation_id = $3
                   AND kind <> 'wellness'",
            )
            .bind(pack)
            .bind(client_id)
            .bind(organisation_id)
            .fetch_optional(&mut *tx)
            .await?;
            mine.ok_or_else(|| AppError::Invalid("That pack is not one of this client's packs.".into()))?;
        }
        let changed = sqlx::query("UPDATE clients SET preferred_pack_id = $1 WHERE id = $2 AND organisation_id = $3")
            .bind(pack)
            .bind(client_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Err(AppError::NotFound(format!("There is no client number {client_id}.")));
        }
        tx.commit().await?;
        Ok(())
    }
}
