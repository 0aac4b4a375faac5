//! The store: every SQL statement lives below this module.
//!
//! SQLite in WAL mode with one writer connection and a separate read pool.
//! Writes run in `BEGIN IMMEDIATE` transactions, so a read-then-write
//! transaction takes the write lock up front and concurrent desks queue for
//! it (busy timeout) instead of failing with "database is locked".

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod authorisations;
pub mod carry_over;
pub mod carry_over_file;
pub mod catalog;
pub mod client_packs;
pub mod clinic;
pub mod coverage_record;
pub mod deceased;
pub mod demo;
pub mod finalize;
pub mod healthcard;
pub mod invoice_row;
pub mod invoices;
pub mod jobs;
pub mod leases;
pub mod ledger;
pub mod lifecycle;
mod like;
pub mod links;
pub mod lists;
pub mod outbox;
pub mod over_usage;
pub mod pack_changes;
pub mod pack_follow;
pub(crate) mod pack_row;
pub(crate) mod pack_sale;
pub mod patient_list;
pub mod patients;
pub mod payments;
pub mod plan_state;
pub mod preferred_pack;
pub mod pricing;
pub mod promotions;
pub mod sale_rules;
pub mod schedule;
pub mod selling;
pub mod settings;
pub mod settlement;
pub mod soap;
pub mod subscriptions;
pub mod sync;
pub(crate) mod sync_apply;
pub(crate) mod sync_batch;
pub(crate) mod sync_batch_write;
pub(crate) mod sync_db;
pub(crate) mod sync_digest;
pub(crate) mod sync_exceptions;
pub(crate) mod sync_invoices;
pub mod sync_mappings;
pub(crate) mod sync_pipeline;
pub(crate) mod sync_postings;
pub mod sync_report;
pub mod template_input;
pub mod template_row;
pub mod template_save;
pub mod templates;
pub mod transfer_follow;
pub mod usage;
pub mod visit_checkout;
pub mod visit_close;
pub(crate) mod visit_holds;
pub mod visits;
pub mod void;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// The database the store's statements run on. Every statement is written
/// once, with `$1`-style parameters, and only through these names, so the
/// store can move to a second backend in one place.
pub type Db = Sqlite;
/// A connection of the store's database.
pub type Conn = <Db as sqlx::Database>::Connection;
/// A pool of the store's connections.
pub type Pool = sqlx::Pool<Db>;
/// A write transaction.
pub type Tx = Transaction<'static, Db>;

/// Handles to the database.
#[derive(Clone, Debug)]
pub struct Store {
    write: SqlitePool,
    read: SqlitePool,
    sessions: SqlitePool,
}

/// Why the database could not be opened, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The folder for the file could not be created.
    #[error("cannot create the folder for {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    /// The file exists but is not a SQLite database, or cannot be read.
    #[error("{path} is not a CareCount SQLite database ({reason})")]
    NotSqlite { path: String, reason: String },
    /// Migrations failed.
    #[error("cannot bring {path} up to date: {reason}")]
    Migrate { path: String, reason: String },
}

impl Store {
    /// Opens (creating if absent) the database file and runs migrations.
    pub async fn open(path: &Path) -> Result<Store, OpenError> {
        let shown = path.display().to_string();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| OpenError::Folder { path: shown.clone(), source })?;
        }
        let not_sqlite = |e: sqlx::Error| OpenError::NotSqlite { path: shown.clone(), reason: short(&e) };
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(not_sqlite)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // The background jobs copy the log into the file every few
            // seconds (`Store::checkpoint`), so a commit does not: with
            // SQLite's default a large import's commit also copied its 50 MB
            // of pages, in the request. This is the limit where a commit
            // still does it, for a process without the jobs.
            .pragma("wal_autocheckpoint", WAL_PAGES_BEFORE_A_COMMIT_CHECKPOINTS);
        // The one writer keeps 64 MiB of pages: a large import touches the
        // ledger's indexes all over, and with SQLite's default 2 MiB it
        // spends most of its time re-reading and spilling the same pages.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone().pragma("cache_size", "-65536"))
            .await
            .map_err(not_sqlite)?;
        // Reading the schema is the first thing that fails on a non-SQLite file.
        sqlx::query("SELECT count(*) FROM sqlite_master").execute(&write).await.map_err(not_sqlite)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&write)
            .await
            .map_err(|e| OpenError::Migrate { path: shown.clone(), reason: e.to_string() })?;
        optimize(&write, true).await.map_err(not_sqlite)?;
        // Readers map the file rather than copy pages into each connection's
        // own cache: a group's lists read the same indexes on every page.
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone().read_only(true).pragma("mmap_size", "268435456"))
            .await
            .map_err(not_sqlite)?;
        // Sessions have their own small pool: loading one never waits for
        // (or deadlocks with) a request's own write transaction.
        let sessions = SqlitePoolOptions::new().max_connections(2).connect_with(options).await.map_err(not_sqlite)?;
        tower_sessions_sqlx_store::SqliteStore::new(sessions.clone())
            .migrate()
            .await
            .map_err(|e| OpenError::Migrate { path: shown.clone(), reason: e.to_string() })?;
        Ok(Store { write, read, sessions })
    }

    /// The read pool, for queries outside a write.
    pub fn reader(&self) -> &Pool {
        &self.read
    }

    /// The sessions' pool (tests age sessions through it).
    pub fn session_pool(&self) -> SqlitePool {
        self.sessions.clone()
    }

    /// The session store, on its own pool.
    pub fn session_store(&self) -> tower_sessions_sqlx_store::SqliteStore {
        tower_sessions_sqlx_store::SqliteStore::new(self.sessions.clone())
    }

    /// Starts a write transaction holding SQLite's write lock from its first
    /// statement.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        self.write.begin_with("BEGIN IMMEDIATE").await
    }
}

/// 64 Ki pages: 256 MiB of log.
const WAL_PAGES_BEFORE_A_COMMIT_CHECKPOINTS: &str = "65536";

impl Store {
    /// Copies what the write-ahead log holds into the database file, as far
    /// as open readers allow, without waiting for (or holding up) the
    /// writer. The background jobs call it every few seconds.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&self.sessions).await.map(|_| ())
    }

    /// Brings the query planner's statistics up to date (the background
    /// jobs call it every few minutes): tables grow from a demo clinic to a
    /// group's hundred thousand patients.
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        optimize(&self.write, false).await
    }
}

/// The query planner chooses among indexes by their statistics; with none,
/// or with those of a table a hundred times smaller, it may walk a large
/// index once per row of another table. SQLite's own advice: gather them
/// (from a sample of each index) on open and now and then; `all` on open
/// looks at every table, later only at those that changed much.
async fn optimize(write: &SqlitePool, all: bool) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA analysis_limit = 400").execute(write).await?;
    let pragma = if all { "PRAGMA optimize = 0x10002" } else { "PRAGMA optimize" };
    sqlx::query(pragma).execute(write).await?;
    Ok(())
}

fn short(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
