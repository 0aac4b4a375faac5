//! The two databases' migrations are kept in step: after every migration of
//! `migrations/sqlite` and of `migrations/postgres`, the two schemas have the
//! same tables, columns (kind, NOT NULL, default), primary and foreign keys,
//! indexes (unique, keys, condition) and number of CHECK constraints; and the
//! rules that live in the database (the ledger is append-only, a patient
//! belongs to its owner's organisation and an instalment to its plan's,
//! keys refuse duplicates) answer the same statements the same way.
//!
//! The PostgreSQL half runs where `TEST_POSTGRES_URL` names a server, as
//! `make test` sets it when one answers on 127.0.0.1:5432.

mod schema_in_step {
    pub mod postgres;
    pub mod shape;
    pub mod sqlite;
}
mod support;

use schema_in_step::shape;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, SqliteConnection};

async fn migrated_sqlite(dir: &tempfile::TempDir) -> SqliteConnection {
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join("schema.db"))
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    sqlx::migrate!("./migrations/sqlite").run(&mut conn).await.expect("the SQLite migrations run");
    conn
}

async fn migrated_postgres(database: &support::postgres::FreshDatabase) -> PgConnection {
    let mut conn = database.connect().await;
    sqlx::migrate!("./migrations/postgres").run(&mut conn).await.expect("the PostgreSQL migrations run");
    conn
}

#[test]
fn the_sqlite_schema_reads_as_the_store_relies_on_it() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let schema = schema_in_step::sqlite::read(&mut migrated_sqlite(&dir).await).await;
        let ledger = &schema["usage_ledger"];
        let used_on = ledger.columns.iter().find(|c| c.name == "used_on").expect("used_on");
        assert!(used_on.not_null, "every ledger entry has its day: {used_on:?}");
        assert!(ledger.indexes.contains(&shape::Index {
            unique: true,
            keys: vec!["source_kind".into(), "source_key".into()],
            predicate: None,
        }));
        assert!(ledger.foreign_keys.contains(&shape::ForeignKey {
            columns: vec!["reversal_of".into()],
            table: "usage_ledger".into(),
            references: vec!["id".into()],
        }));
        let users = &schema["users"];
        assert!(users.indexes.iter().any(|i| i.unique && i.keys == ["lower(email)"]), "{:?}", users.indexes);
        assert_eq!(users.checks, 2, "the role and the owner's client");
        let outbox = &schema["outbox"];
        assert!(outbox.indexes.iter().any(|i| i.predicate.as_deref() == Some("sent_at is null")));
        assert_eq!(outbox.columns.iter().find(|c| c.name == "created_at").unwrap().default.as_deref(), Some("now"));
    })
}

#[test]
fn the_postgres_migrations_give_the_schema_of_the_sqlite_ones() {
    let Some(url) = support::postgres::server_url() else {
        eprintln!("TEST_POSTGRES_URL is not set: the PostgreSQL schema is not compared");
        return;
    };
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = schema_in_step::sqlite::read(&mut migrated_sqlite(&dir).await).await;
        let database = support::postgres::FreshDatabase::create(&url).await;
        let postgres = schema_in_step::postgres::read(&mut migrated_postgres(&database).await).await;
        database.drop_now().await;
        let differences = shape::differences(&sqlite, &postgres);
        assert!(
            differences.is_empty(),
            "the migrations are out of step; change migrations/sqlite and migrations/postgres together:\n{}",
            differences.join("\n")
        );
        assert!(sqlite.len() >= 30, "both schemas were read: {} tables", sqlite.len());
    })
}

/// Statements written once for both databases, with what each must answer.
const RULES: &[&str] = &[
    "INSERT INTO organisations (name) VALUES ('Maple Street Veterinary Group')",
    "INSERT INTO organisations (name) VALUES ('Oak Lane Clinics')",
    "INSERT INTO clinics (organisation_id, name) VALUES (1, 'Maple Street')",
    "INSERT INTO clients (organisation_id, clinic_id, first_name, last_name) VALUES (1, 1, 'Emma', 'de Vries')",
    "INSERT INTO clients (organisation_id, clinic_id, first_name, last_name) VALUES (2, 1, 'Noor', 'Jansen')",
    "INSERT INTO patients (client_id, name, species) VALUES (1, 'Rex', 'dog')",
    "SELECT CAST(organisation_id AS TEXT) FROM patients WHERE name = 'Rex'",
    "UPDATE patients SET client_id = 2 WHERE name = 'Rex'",
    "SELECT CAST(organisation_id AS TEXT) FROM patients WHERE name = 'Rex'",
    "INSERT INTO patients (client_id, name, species) VALUES (1, 'Tom', 'hamster')",
    "INSERT INTO users (organisation_id, email, display_name, role, password_hash)
     VALUES (1, 'sarah@maple.example', 'Sarah', 'manager', 'x')",
    "INSERT INTO users (organisation_id, email, display_name, role, password_hash)
     VALUES (1, 'Sarah@Maple.example', 'Sarah again', 'vet', 'x')",
    "INSERT INTO users (organisation_id, email, display_name, role, password_hash)
     VALUES (1, 'emma@example.com', 'Emma', 'owner', 'x')",
    "INSERT INTO plan_templates (organisation_id, name, kind, price) VALUES (1, 'Puppy pack', 'package', '120.00')",
    "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, plan_name, kind, status, starts_on, price)
     VALUES (1, 1, 1, 1, 'Puppy pack', 'package', 'active', '2026-11-01', '120.00')",
    "INSERT INTO item_groups (organisation_id, name) VALUES (1, 'Exams')",
    "INSERT INTO subscription_benefits (subscription_id, label, group_id, discount_percent) VALUES (1, 'Exams', 1, '100')",
    "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name, used_on)
     VALUES (1, 1, 'invoice_line', 'line-1', 'Pieter', '2026-11-02')",
    "SELECT CAST(length(created_at) AS TEXT) FROM usage_ledger WHERE source_key = 'line-1'",
    "SELECT CAST(length(created_at) AS TEXT) FROM organisations WHERE id = 1",
    "UPDATE usage_ledger SET note = 'changed'",
    "DELETE FROM usage_ledger",
    "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name)
     VALUES (1, 1, 'invoice_line', 'line-2', 'Pieter')",
    "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name, used_on)
     VALUES (1, 0, 'invoice_line', 'line-3', 'Pieter', '2026-11-02')",
    "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name, used_on)
     VALUES (1, 1, 'invoice_line', 'line-1', 'Pieter', '2026-11-02')",
    "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name, used_on, reversal_of)
     VALUES (1, -1, 'reversal', 'reversal-1', 'Sarah', '2026-11-02', 99)",
    "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name, used_on, reversal_of)
     VALUES (1, -1, 'reversal', 'reversal-1', 'Sarah', '2026-11-02', 1)",
    "SELECT CAST(CAST(SUM(quantity) AS BIGINT) AS TEXT) FROM usage_ledger",
    "INSERT INTO payments (subscription_id, number, due_on, amount, organisation_id) VALUES (1, 1, '2026-12-01', '10.00', 2)",
    "SELECT CAST(organisation_id AS TEXT) FROM payments WHERE number = 1",
    "UPDATE payments SET organisation_id = 2 WHERE number = 1",
    "SELECT CAST(organisation_id AS TEXT) FROM payments WHERE number = 1",
];

/// What the database answered, in words both share.
#[derive(Debug, PartialEq)]
enum Answer {
    Done,
    Row(Option<String>),
    Refused(&'static str),
}

fn answer(result: Result<Option<Option<String>>, sqlx::Error>, sql: &str) -> Answer {
    use sqlx::error::ErrorKind;
    match result {
        Ok(row) if sql.trim_start().starts_with("SELECT") => Answer::Row(row.flatten()),
        Ok(_) => Answer::Done,
        Err(sqlx::Error::Database(e)) if e.message().contains("append-only") => Answer::Refused("append-only"),
        Err(sqlx::Error::Database(e)) => Answer::Refused(match e.kind() {
            ErrorKind::UniqueViolation => "duplicate",
            ErrorKind::ForeignKeyViolation => "no such row",
            ErrorKind::NotNullViolation => "missing",
            ErrorKind::CheckViolation => "check",
            _ => "other",
        }),
        Err(e) => panic!("{sql}: {e}"),
    }
}

#[test]
fn the_rules_kept_by_the_database_answer_alike_on_both() {
    let expected = [
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Row(Some("1".into())),
        Answer::Done,
        Answer::Row(Some("2".into())),
        Answer::Refused("check"),
        Answer::Done,
        Answer::Refused("duplicate"),
        Answer::Refused("check"),
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Done,
        Answer::Row(Some("24".into())),
        Answer::Row(Some("20".into())),
        Answer::Refused("append-only"),
        Answer::Refused("append-only"),
        Answer::Refused("missing"),
        Answer::Refused("check"),
        Answer::Refused("duplicate"),
        Answer::Refused("no such row"),
        Answer::Done,
        Answer::Row(Some("0".into())),
        Answer::Done,
        Answer::Row(Some("1".into())),
        Answer::Done,
        Answer::Row(Some("1".into())),
    ];
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let mut sqlite = migrated_sqlite(&dir).await;
        let mut answers = Vec::new();
        for sql in RULES {
            let result = sqlx::query_scalar::<_, Option<String>>(sql).fetch_optional(&mut sqlite).await;
            answers.push(answer(result, sql));
        }
        sqlite.close().await.unwrap();
        assert_eq!(answers, expected, "SQLite");

        let Some(url) = support::postgres::server_url() else {
            eprintln!("TEST_POSTGRES_URL is not set: the rules are checked on SQLite only");
            return;
        };
        let database = support::postgres::FreshDatabase::create(&url).await;
        let mut postgres = migrated_postgres(&database).await;
        let mut answers = Vec::new();
        for sql in RULES {
            let result = sqlx::query_scalar::<_, Option<String>>(sql).fetch_optional(&mut postgres).await;
            answers.push(answer(result, sql));
        }
        let truncate = sqlx::query("TRUNCATE usage_ledger CASCADE").execute(&mut postgres).await;
        postgres.close().await.unwrap();
        database.drop_now().await;
        assert_eq!(answers, expected, "PostgreSQL");
        assert!(truncate.unwrap_err().to_string().contains("append-only"), "TRUNCATE cannot empty the ledger");
    })
}
