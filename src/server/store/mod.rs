//! The store: every SQL statement lives below this module.
//!
//! On the embedded SQLite file (the default): WAL mode, one writer
//! connection and a separate read pool. Writes run in `BEGIN IMMEDIATE`
//! transactions, so a read-then-write transaction takes the write lock up
//! front and concurrent desks queue for it (busy timeout) instead of
//! failing with "database is locked". On PostgreSQL an advisory lock does
//! the same across servers (`Store::begin_write`), except that finalizes
//! hold it shared and take turns only where they meet (`finalize_locks`);
//! `open.rs` sets up each.

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
pub mod dialect;
pub(crate) mod draft_edits;
pub mod finalize;
pub(crate) mod finalize_locks;
pub mod healthcard;
pub(crate) mod invoice_lines;
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
pub(crate) mod sync_hash;
pub(crate) mod sync_invoices;
pub mod sync_mappings;
pub(crate) mod sync_pipeline;
pub(crate) mod sync_postings;
pub(crate) mod sync_prefetch;
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
mod visit_pack;
pub mod visits;
pub mod void;

mod open;
pub(crate) mod renewal_shift;
pub mod sessions;

pub use open::{OpenError, shown_url};
use sessions::Sessions;
use sqlx::{Any, SqlitePool, Transaction};

/// The database the store's statements run on: sqlx's `Any`, so every
/// statement is written once, with `$1`-style parameters, for SQLite and
/// PostgreSQL alike. Days, times and flags go through
/// [`crate::wire::stored`], which both schemas keep as the same text and
/// integers.
pub type Db = Any;
/// A connection of the store's database.
pub type Conn = <Db as sqlx::Database>::Connection;
/// A pool of the store's connections.
pub type Pool = sqlx::Pool<Db>;
/// A write transaction.
pub type Tx = Transaction<'static, Db>;

/// Which database the store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite file: one server.
    Sqlite,
    /// PostgreSQL: one or several servers.
    Postgres,
}

/// Handles to the database.
#[derive(Clone, Debug)]
pub struct Store {
    write: Pool,
    read: Pool,
    sessions: Sessions,
    /// SQLite's own pool (the sessions'), for what only SQLite does:
    /// checkpoints and the planner's statistics.
    sqlite: Option<SqlitePool>,
    backend: Backend,
}

impl Store {
    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The read pool, for queries outside a write.
    pub fn reader(&self) -> &Pool {
        &self.read
    }

    /// The session store, on its own pool.
    pub fn session_store(&self) -> Sessions {
        self.sessions.clone()
    }

    /// Starts a write transaction. On SQLite it holds the write lock from
    /// its first statement, so concurrent desks queue for it (busy timeout)
    /// instead of failing with "database is locked". On PostgreSQL a
    /// transaction-scoped advisory lock does the same across every server
    /// on the database: a write reads what it needs (what is left of a
    /// benefit, whether an invoice is finalized) and then writes, so two
    /// servers can never both take the last unit, and a finalize key seen
    /// by one is seen by the other.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => {
                let mut tx = self.write.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(&mut *tx).await?;
                Ok(tx)
            }
        }
    }

    /// Starts the write transaction of an import batch (see
    /// `sync::Store::begin_batch`). On SQLite it does not check references
    /// statement by statement: every id a batch writes (a benefit, a pet, an
    /// item, an entry it reverses, its run) was read in this transaction,
    /// under the write lock, from rows whose own references were checked
    /// when they were written, and checking each again took a tenth of a
    /// large import's time. The connection turns the checks back on when it
    /// is released, before anything else uses it
    /// (`open::checks_references_again`).
    pub async fn begin_import_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.write.begin_with("PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE").await,
            Backend::Postgres => self.begin_write().await,
        }
    }

    /// Starts a transaction that changes one draft invoice's lines and
    /// nothing else, or makes a new draft for a client and nothing else.
    /// On PostgreSQL it does not queue for the write lock: a change must
    /// read the invoice with `invoice_row::invoice_row_to_change`,
    /// whose row lock orders it with a finalize, a void or a check-out of
    /// the same invoice (each of which takes that row lock too). Saving a
    /// draft is a desk's most frequent write, and every finalize of every
    /// server waited behind it. On SQLite it is [`Store::begin_write`].
    pub async fn begin_draft_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.begin_write().await,
            Backend::Postgres => self.write.begin().await,
        }
    }

    /// Starts a finalize of an invoice that corrects no other. On SQLite it
    /// is [`Store::begin_write`]. On PostgreSQL it holds the write lock
    /// shared: finalizes run beside each other, while every other write
    /// still waits for them and they for it. What two finalizes could both
    /// change, each locks before reading it (`finalize_locks`). A correction
    /// may give units back to a plan that moved to another household since,
    /// so it takes [`Store::begin_write`].
    pub async fn begin_finalize(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.begin_write().await,
            Backend::Postgres => {
                let mut tx = self.write.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock_shared($1)").bind(WRITE_LOCK).execute(&mut *tx).await?;
                Ok(tx)
            }
        }
    }

    /// Copies what SQLite's write-ahead log holds into the database file,
    /// as far as open readers allow, without waiting for (or holding up)
    /// the writer. The background jobs call it every few seconds;
    /// PostgreSQL checkpoints by itself.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        match &self.sqlite {
            Some(pool) => sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(pool).await.map(|_| ()),
            None => Ok(()),
        }
    }

    /// Brings the query planner's statistics up to date (the background
    /// jobs call it every few minutes): tables grow from a demo clinic to a
    /// group's hundred thousand patients. PostgreSQL's autovacuum does this
    /// by itself.
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        match &self.sqlite {
            Some(pool) => open::optimize_sqlite(pool, false).await,
            None => Ok(()),
        }
    }
}

/// The advisory lock every PostgreSQL write holds (any constant works; this
/// one spells "CC" and 1).
const WRITE_LOCK: i64 = 0x4343_0001;
