//! Sessions live in the store's own database, so that any server of a
//! group can serve any request: SQLite's file, or PostgreSQL's
//! `tower_sessions.session` table. They have a small pool of their own, so
//! loading one never waits for (or deadlocks with) a request's write.

use async_trait::async_trait;
use tower_sessions::ExpiredDeletion;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store on the store's backend.
#[derive(Clone, Debug)]
pub enum Sessions {
    /// In the SQLite file.
    Sqlite(SqliteStore),
    /// In PostgreSQL.
    Postgres(PostgresStore),
}

impl Sessions {
    /// Creates the sessions table when it is missing.
    pub(super) async fn migrate(&self) -> std::result::Result<(), sqlx::Error> {
        match self {
            Sessions::Sqlite(store) => store.migrate().await,
            Sessions::Postgres(store) => store.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            Sessions::Sqlite(store) => store.create(record).await,
            Sessions::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            Sessions::Sqlite(store) => store.save(record).await,
            Sessions::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            Sessions::Sqlite(store) => store.load(id).await,
            Sessions::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            Sessions::Sqlite(store) => store.delete(id).await,
            Sessions::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> Result<()> {
        match self {
            Sessions::Sqlite(store) => store.delete_expired().await,
            Sessions::Postgres(store) => store.delete_expired().await,
        }
    }
}
