//! Opening the store on its backend: the embedded SQLite file (the
//! default), or PostgreSQL for a group's servers sharing one database.
//!
//! Statements run through sqlx's `Any` driver, so each is written once for
//! both. What differs is set up here: SQLite keeps one writer connection
//! beside a read pool, with its pragmas on every connection; PostgreSQL
//! has one pool, and `Store::begin_write` serialises writers with a lock
//! (see there). Migrations and sessions use each backend's own driver.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Executor};

use super::sessions::Sessions;
use super::{Backend, Pool, Store};

/// Why the database could not be opened, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The folder for the file could not be created.
    #[error("cannot create the folder for {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    /// The file exists but is not a SQLite database, or cannot be read.
    #[error("{path} is not a CareCount SQLite database ({reason})")]
    NotSqlite { path: String, reason: String },
    /// The PostgreSQL server could not be reached or refused us.
    #[error("cannot connect to PostgreSQL at {url} ({reason})")]
    Postgres { url: String, reason: String },
    /// Migrations failed.
    #[error("cannot bring {path} up to date: {reason}")]
    Migrate { path: String, reason: String },
}

/// 64 Ki pages: 256 MiB of log.
const WAL_PAGES_BEFORE_A_COMMIT_CHECKPOINTS: &str = "65536";

/// Connections a PostgreSQL-backed server keeps for reading: a request
/// holds one while it reads.
const POSTGRES_CONNECTIONS: u32 = 16;
/// Connections it keeps for writing: one write at a time holds the write
/// lock and the others wait for it holding theirs; a draft's save, which
/// locks only its invoice, needs one of these too.
const POSTGRES_WRITERS: u32 = 8;

impl Store {
    /// Opens (creating if absent) the SQLite file and runs its migrations.
    pub async fn open(path: &Path) -> Result<Store, OpenError> {
        sqlx::any::install_default_drivers();
        let shown = path.display().to_string();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| OpenError::Folder { path: shown.clone(), source })?;
        }
        let not_sqlite = |e: sqlx::Error| OpenError::NotSqlite { path: shown.clone(), reason: short(&e) };
        let migrate = |e: &dyn std::fmt::Display| OpenError::Migrate { path: shown.clone(), reason: e.to_string() };
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(not_sqlite)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("wal_autocheckpoint", WAL_PAGES_BEFORE_A_COMMIT_CHECKPOINTS);
        // The sessions' pool opens the file first: it creates it, checks it
        // is SQLite (reading the schema is the first thing that fails on
        // another file), migrates it and gathers the planner's statistics.
        let native =
            SqlitePoolOptions::new().max_connections(2).connect_with(options.clone()).await.map_err(not_sqlite)?;
        sqlx::query("SELECT count(*) FROM sqlite_master").execute(&native).await.map_err(not_sqlite)?;
        sqlx::migrate!("./migrations/sqlite").run(&native).await.map_err(|e| migrate(&e))?;
        optimize_sqlite(&native, true).await.map_err(not_sqlite)?;
        let sessions = Sessions::sqlite(native.clone());
        sessions.migrate().await.map_err(|e| migrate(&e))?;
        // The `Any` driver takes a URL: the file's absolute path (a relative
        // one would read as the URL's host) and whether it may write.
        let absolute = std::path::absolute(path).map_err(|source| OpenError::Folder { path: shown.clone(), source })?;
        let url = |read_only: bool| {
            let options = options.clone().filename(&absolute).create_if_missing(!read_only).read_only(read_only);
            options.to_url_lossy().to_string()
        };
        // The one writer keeps 64 MiB of pages: a large import touches the
        // ledger's indexes all over, and with SQLite's default 2 MiB it
        // spends most of its time re-reading and spilling the same pages.
        // Its statement journals (the pages a statement of many rows changes,
        // kept until it ends so that it can be undone alone) stay in memory:
        // by default SQLite writes every such page to a temporary file, and
        // an import's inserts, which touch the ledger's indexes all over,
        // wrote some 200 MB there in 50,000 calls to the kernel.
        let write = sqlite_pool(&url(false), 1, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", true)
            .await
            .map_err(not_sqlite)?;
        // Readers map the file rather than copy pages into each connection's
        // own cache: a group's lists read the same indexes on every page.
        let read = sqlite_pool(&url(true), 8, "PRAGMA mmap_size = 268435456", false).await.map_err(not_sqlite)?;
        Ok(Store { write, read, sessions, sqlite: Some(native), backend: Backend::Sqlite })
    }

    /// Connects to PostgreSQL and runs its migrations.
    pub async fn connect_postgres(url: &str) -> Result<Store, OpenError> {
        sqlx::any::install_default_drivers();
        let shown = shown_url(url);
        let unreachable = |e: sqlx::Error| OpenError::Postgres { url: shown.clone(), reason: short(&e) };
        let native = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(unreachable)?;
        let migrate = |e: &dyn std::fmt::Display| OpenError::Migrate { path: shown.clone(), reason: e.to_string() };
        sqlx::migrate!("./migrations/postgres").run(&native).await.map_err(|e| migrate(&e))?;
        let sessions = Sessions::postgres(native);
        sessions.migrate().await.map_err(|e| migrate(&e))?;
        // Reads are planned for their own parameters each time: a prepared
        // statement run five times may otherwise be planned for any
        // parameters at all, and a filter such as `($2 IS NULL OR s.status
        // = $2)` then reads every plan of a group. Writes look rows up by
        // key and have no such filters, so they keep PostgreSQL's own
        // choice and spare a finalize's forty-odd statements the planning.
        // Apart, a read never waits for a connection that a writer holds
        // while it queues for the write lock.
        let read = AnyPoolOptions::new()
            .max_connections(POSTGRES_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _| {
                Box::pin(async move { conn.execute("SET plan_cache_mode = force_custom_plan").await.map(|_| ()) })
            })
            .connect(url)
            .await
            .map_err(unreachable)?;
        let write = AnyPoolOptions::new()
            .max_connections(POSTGRES_WRITERS)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(unreachable)?;
        Ok(Store { write, read, sessions, sqlite: None, backend: Backend::Postgres })
    }
}

/// A pool of SQLite connections through the `Any` driver, each set up as
/// the native options would (the `Any` driver takes only a URL). The
/// writer's connections check references again whenever they are released.
async fn sqlite_pool(url: &str, connections: u32, own: &'static str, writer: bool) -> Result<Pool, sqlx::Error> {
    let options = AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;
                     PRAGMA wal_autocheckpoint = 65536",
                )
                .await?;
                conn.execute(own).await?;
                Ok(())
            })
        });
    let options =
        if writer { options.after_release(|conn, _| Box::pin(checks_references_again(conn))) } else { options };
    options.connect(url).await
}

/// Turns reference checks back on after an import batch, which writes
/// without them (see [`Store::begin_import_write`]), before anything else
/// uses the connection. Only then: setting the pragma makes SQLite prepare
/// every cached statement of the connection again, a quarter of a
/// millisecond on each finalize if it were done on every release. One that
/// cannot turn them on (it would still be inside a transaction) is closed
/// rather than handed out.
async fn checks_references_again(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    if references_checked(conn).await? {
        return Ok(true);
    }
    conn.execute("PRAGMA foreign_keys = ON").await?;
    references_checked(conn).await
}

async fn references_checked(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>("PRAGMA foreign_keys").fetch_one(conn).await? == 1)
}

/// The query planner chooses among indexes by their statistics; with none,
/// or with those of a table a hundred times smaller, it may walk a large
/// index once per row of another table. SQLite's own advice: gather them
/// (from a sample of each index) on open and now and then; `all` on open
/// looks at every table, later only at those that changed much.
pub(super) async fn optimize_sqlite(pool: &sqlx::SqlitePool, all: bool) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA analysis_limit = 400").execute(pool).await?;
    let pragma = if all { "PRAGMA optimize = 0x10002" } else { "PRAGMA optimize" };
    sqlx::query(pragma).execute(pool).await?;
    Ok(())
}

/// A URL fit for a log line or an error: its password replaced.
pub fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

fn short(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
