//! The audit log: who changed what, with the note where one is required.

use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::error::AppError;

/// One audit row, written in the same transaction as the change it records.
pub(crate) struct Audit<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub detail: &'a str,
    pub note: Option<&'a str>,
}

impl Audit<'_> {
    pub(crate) async fn write(&self, conn: &mut Conn, organisation_id: i64, actor: &Actor) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO audit_log (organisation_id, actor_user_id, actor_name, action, entity, entity_id, detail, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(organisation_id)
        .bind(actor.user_id)
        .bind(&actor.name)
        .bind(self.action)
        .bind(self.entity)
        .bind(self.entity_id)
        .bind(self.detail)
        .bind(self.note)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
