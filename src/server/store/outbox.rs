//! The outbox: emails written with the change that causes them, delivered
//! later by the mailer, so a failed send never undoes or loses the change.

use sqlx::FromRow;

use super::Store;
use crate::server::store::Conn;
use crate::wire::error::AppError;

/// An email waiting to be sent.
#[derive(Clone, Debug, FromRow)]
pub struct OutboxEmail {
    /// The row.
    pub id: i64,
    /// Recipient.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Sends are retried this many times, then left for a person to look at.
pub const MAX_ATTEMPTS: i64 = 5;

/// Queues an email inside the caller's transaction.
pub(crate) async fn queue(
    conn: &mut Conn,
    organisation_id: i64,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO outbox (organisation_id, to_address, subject, body) VALUES ($1, $2, $3, $4)")
        .bind(organisation_id)
        .bind(to)
        .bind(subject)
        .bind(body)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Emails not yet sent, oldest first.
    pub async fn unsent_emails(&self, limit: i64) -> Result<Vec<OutboxEmail>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id, to_address, subject, body FROM outbox WHERE sent_at IS NULL AND attempts < $1 ORDER BY id LIMIT $2",
        )
        .bind(MAX_ATTEMPTS)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// Records the outcome of one delivery attempt: one statement on the
    /// writer, outside the write lock, since it changes the email's own
    /// row and counts nothing. Under the lock, every email delivered on
    /// PostgreSQL made the desks' finalizes wait for it, on every server.
    pub async fn email_attempted(&self, id: i64, error: Option<&str>) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1,
                    sent_at = CASE WHEN $2 IS NULL THEN (SELECT now FROM carecount_clock) END
             WHERE id = $3",
        )
        .bind(error)
        .bind(error)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
