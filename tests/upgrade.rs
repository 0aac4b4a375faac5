//! Upgrading a clinic's database keeps what its earlier imports applied:
//! the practice-system lines and applied amounts kept one row each (before
//! migration 16) become one kept invoice each, which the next import reads.

use std::path::Path;

use carecount::server::store::Store;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

mod support;

/// Migrations up to (not including) the one that keeps invoices whole.
const BEFORE_KEPT_INVOICES: i64 = 16;

#[test]
fn an_upgrade_keeps_each_practice_system_invoice_with_its_lines_and_what_it_applied() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clinic.db");
        let mut migrator =
            Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite")).await.unwrap();
        migrator.migrations =
            migrator.migrations.iter().filter(|m| m.version < BEFORE_KEPT_INVOICES).cloned().collect();
        let mut conn = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(false)
            .connect()
            .await
            .unwrap();
        migrator.run(&mut conn).await.unwrap();
        for sql in [
            "INSERT INTO organisations (id, name) VALUES (1, 'Maple')",
            "INSERT INTO clinics (id, organisation_id, name) VALUES (1, 1, 'Maple Street')",
            "INSERT INTO sync_runs (id, organisation_id, clinic_id, source, file_name, actor_name)
             VALUES (5, 1, 1, 'command', 'export.csv', 'Clinic desk')",
            "INSERT INTO pims_lines VALUES (1, 1, 'INV-1', '1', '2026-11-01', 'PMS-1', 'WP-EXAM', 1, 'final', 5)",
            "INSERT INTO pims_lines VALUES (1, 1, 'INV-1', '2', '2026-11-02', 'PMS-1', 'WP-VAC', 2, 'deleted', 5)",
            "INSERT INTO pims_lines VALUES (1, 1, 'INV-2', '1', '2026-11-01', 'PMS-2', 'WP-EXAM', 1, 'void', 5)",
            "INSERT INTO pims_applied VALUES (1, 'INV-1', 10, 20, 1, 1)",
        ] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();

        let store = Store::open(&path).await.unwrap();
        let kept: Vec<(String, Option<String>, bool, String, String)> = sqlx::query_as(
            "SELECT invoice_ref, counts_on, voided, lines, applied FROM pims_invoices ORDER BY invoice_ref",
        )
        .fetch_all(store.reader())
        .await
        .unwrap();
        let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(kept.len(), 2, "one row per invoice: {kept:?}");
        let (invoice, counts_on, voided, lines, applied) = &kept[0];
        assert_eq!((invoice.as_str(), counts_on.as_deref(), *voided), ("INV-1", Some("2026-11-02"), false));
        assert_eq!(
            json(lines),
            serde_json::json!([
                { "line": "1", "date": "2026-11-01", "patient": "PMS-1", "code": "WP-EXAM", "quantity": 1, "status": "final" },
                { "line": "2", "date": "2026-11-02", "patient": "PMS-1", "code": "WP-VAC", "quantity": 2, "status": "deleted" },
            ])
        );
        assert_eq!(json(applied), serde_json::json!([{ "patient": 10, "item": 20, "applied": 1, "draws": 1 }]));
        let (invoice, _, voided, lines, applied) = &kept[1];
        assert_eq!((invoice.as_str(), *voided), ("INV-2", true), "a voided invoice stays void");
        assert_eq!((json(lines), json(applied)), (serde_json::json!([]), serde_json::json!([])));
    })
}
