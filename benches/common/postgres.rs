//! A PostgreSQL database of a benchmark's own, on the server
//! `TEST_POSTGRES_URL` names (`make` sets it when one answers on
//! 127.0.0.1:5432).

/// The server the PostgreSQL half of a benchmark runs on, if one is set.
pub fn server_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL").ok().filter(|url| !url.trim().is_empty())
}

/// A database of the run's own on a PostgreSQL server, dropped afterwards.
pub struct PostgresDatabase {
    server: String,
    name: String,
    pub url: String,
}

impl PostgresDatabase {
    pub async fn create(server: &str, purpose: &str) -> PostgresDatabase {
        use sqlx::Connection;
        let name = format!("carecount_{purpose}_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(server).await.expect("connect to TEST_POSTGRES_URL");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.expect("drop");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
        let mut url = url::Url::parse(server).expect("TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        PostgresDatabase { server: server.to_string(), name, url: url.to_string() }
    }

    pub async fn drop_now(self) {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&self.server).await.expect("connect to TEST_POSTGRES_URL");
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        sqlx::query(&drop).execute(&mut admin).await.expect("drop database");
    }
}
