//! A fresh PostgreSQL database per test, on the server `TEST_POSTGRES_URL`
//! names (`make test` sets it when one answers on 127.0.0.1:5432).

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

/// True when the suite's apps run on PostgreSQL (`TEST_BACKEND=postgres`,
/// with `TEST_POSTGRES_URL` naming the server) instead of SQLite files.
pub fn suite_on_postgres() -> bool {
    std::env::var("TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// The server the PostgreSQL half of the suite runs on, if one is set.
pub fn server_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL").ok().filter(|url| !url.trim().is_empty())
}

/// A database of its own, created empty and dropped (whoever is still
/// connected) by [`FreshDatabase::drop_now`].
pub struct FreshDatabase {
    server: PgConnectOptions,
    server_url: String,
    /// The new database's name.
    pub name: String,
    /// How to connect to it.
    pub options: PgConnectOptions,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl FreshDatabase {
    /// Creates an empty database on the server `url` names.
    pub async fn create(url: &str) -> FreshDatabase {
        let server = PgConnectOptions::from_str(url).expect("TEST_POSTGRES_URL is a postgres:// address");
        let name = format!(
            "carecount_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
        );
        let mut admin = server.connect().await.expect("connect to TEST_POSTGRES_URL");
        // With a language's collation, as most servers are set up (the
        // suite's own server compares text as bytes, which hides any query
        // that only works in byte order).
        sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"))
            .execute(&mut admin)
            .await
            .expect("create database");
        admin.close().await.expect("close");
        let options = server.clone().database(&name);
        FreshDatabase { server, server_url: url.to_string(), name, options }
    }

    /// The new database's URL, as `CARECOUNT_DATABASE_URL` takes it.
    pub fn url(&self) -> String {
        let mut url = url::Url::parse(&self.server_url).expect("TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{}", self.name));
        url.to_string()
    }

    /// A connection to the new database.
    pub async fn connect(&self) -> PgConnection {
        self.options.connect().await.expect("connect to the fresh database")
    }

    /// Drops the database, closing any connection still on it.
    pub async fn drop_now(self) {
        let mut admin = self.server.connect().await.expect("connect to TEST_POSTGRES_URL");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .execute(&mut admin)
            .await
            .expect("drop database");
        admin.close().await.expect("close");
    }
}

/// A store on a fresh database: the SQLite file `sqlite_file`, or a
/// PostgreSQL database of its own when the suite runs there
/// (`TEST_BACKEND=postgres`), to drop once done.
pub async fn fresh_store(
    sqlite_file: &std::path::Path,
) -> Result<(carecount::server::store::Store, Option<FreshDatabase>), String> {
    use carecount::server::store::Store;
    if suite_on_postgres()
        && let Some(server) = server_url()
    {
        let database = FreshDatabase::create(&server).await;
        let store = Store::connect_postgres(&database.url()).await.map_err(|e| e.to_string())?;
        return Ok((store, Some(database)));
    }
    Ok((Store::open(sqlite_file).await.map_err(|e| e.to_string())?, None))
}
