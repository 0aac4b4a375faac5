//! Sessions live in the store's own database, so that any server of a
//! group can serve any request: SQLite's file, or PostgreSQL's
//! `tower_sessions.session` table. They have a small pool of their own, so
//! loading one never waits for (or deadlocks with) a request's write.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tower_sessions::ExpiredDeletion;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store on the store's backend.
#[derive(Clone, Debug)]
pub struct Sessions {
    backend: SessionBackend,
    /// What each session last read or wrote here holds, and until when.
    known: Arc<Mutex<HashMap<Id, Record>>>,
}

#[derive(Clone, Debug)]
enum SessionBackend {
    /// The store, and its pool for the update-only save.
    Sqlite(SqliteStore, sqlx::SqlitePool),
    Postgres(PostgresStore, sqlx::PgPool),
}

/// A session whose data is unchanged is written again only when its idle
/// limit moves by more than this. Every request pushes the limit out, and
/// writing it every time made each page view and each read a database
/// write, queued behind the desks' own writes: the idle limit now counts
/// from the last request to within a minute.
const EXPIRY_STEP: Duration = Duration::minutes(1);

/// Sessions remembered before the ended ones are forgotten: what is
/// remembered only spares writes, so forgetting costs one write each.
const KNOWN_BEFORE_PRUNING: usize = 10_000;

impl Sessions {
    /// Sessions in the SQLite file.
    pub(super) fn sqlite(pool: sqlx::SqlitePool) -> Sessions {
        Sessions { backend: SessionBackend::Sqlite(SqliteStore::new(pool.clone()), pool), known: Arc::default() }
    }

    /// Sessions in PostgreSQL.
    pub(super) fn postgres(pool: sqlx::PgPool) -> Sessions {
        Sessions { backend: SessionBackend::Postgres(PostgresStore::new(pool.clone()), pool), known: Arc::default() }
    }

    /// Creates the sessions table when it is missing.
    pub(super) async fn migrate(&self) -> std::result::Result<(), sqlx::Error> {
        match &self.backend {
            SessionBackend::Sqlite(store, _) => store.migrate().await,
            SessionBackend::Postgres(store, _) => store.migrate().await,
        }
    }

    fn store(&self) -> &dyn SessionStore {
        match &self.backend {
            SessionBackend::Sqlite(store, _) => store,
            SessionBackend::Postgres(store, _) => store,
        }
    }

    /// Writes a session that is still in the database; one that ended
    /// (signed out, or swept after its limit) stays ended. The store's own
    /// save inserts when the row is gone, so a request that loaded the
    /// session before its sign-out and answered after it wrote the signed-in
    /// session back. Sessions are made by `create` alone. Same table and
    /// encoding as `tower-sessions-sqlx-store`.
    async fn update(&self, record: &Record) -> std::result::Result<bool, sqlx::Error> {
        let data = rmp_serde::to_vec(record).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let id = record.id.to_string();
        let updated = match &self.backend {
            SessionBackend::Sqlite(_, pool) => {
                sqlx::query("UPDATE tower_sessions SET data = ?, expiry_date = ? WHERE id = ?")
                    .bind(data)
                    .bind(record.expiry_date)
                    .bind(id)
                    .execute(pool)
                    .await?
                    .rows_affected()
            }
            SessionBackend::Postgres(_, pool) => {
                sqlx::query(r#"UPDATE "tower_sessions"."session" SET data = $1, expiry_date = $2 WHERE id = $3"#)
                    .bind(data)
                    .bind(record.expiry_date)
                    .bind(id)
                    .execute(pool)
                    .await?
                    .rows_affected()
            }
        };
        Ok(updated > 0)
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Record>> {
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn remember(&self, record: &Record) {
        let mut known = self.known();
        if known.len() >= KNOWN_BEFORE_PRUNING {
            let now = OffsetDateTime::now_utc();
            known.retain(|_, kept| kept.expiry_date > now);
            // So many sessions still running: forget them all rather than
            // sweep them on every request (each is written once more).
            if known.len() >= KNOWN_BEFORE_PRUNING {
                known.clear();
            }
        }
        known.insert(record.id, record.clone());
    }

    /// Whether the database already holds this record but for an idle
    /// limit less than [`EXPIRY_STEP`] sooner.
    fn held_already(&self, record: &Record) -> bool {
        self.known().get(&record.id).is_some_and(|kept| {
            kept.data == record.data
                && kept.expiry_date <= record.expiry_date
                && record.expiry_date - kept.expiry_date < EXPIRY_STEP
        })
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.store().create(record).await?;
        self.remember(record);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        if self.held_already(record) {
            return Ok(());
        }
        match self.update(record).await.map_err(|e| tower_sessions::session_store::Error::Backend(e.to_string()))? {
            true => self.remember(record),
            false => {
                self.known().remove(&record.id);
            }
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let record = self.store().load(id).await?;
        match &record {
            Some(record) => self.remember(record),
            None => {
                self.known().remove(id);
            }
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.known().remove(id);
        self.store().delete(id).await
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> Result<()> {
        match &self.backend {
            SessionBackend::Sqlite(store, _) => store.delete_expired().await,
            SessionBackend::Postgres(store, _) => store.delete_expired().await,
        }
    }
}
