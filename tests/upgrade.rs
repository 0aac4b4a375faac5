//! Upgrading a clinic's database keeps what its earlier imports applied:
//! the practice-system lines and applied amounts kept one row each (before
//! migration 16) become one kept invoice each, which the next import reads.

use std::path::Path;

use carecount::domain::LineInput;
use carecount::server::actor::Actor;
use carecount::server::store::Store;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

mod support;

/// Migrations up to (not including) the one that keeps invoices whole.
const BEFORE_KEPT_INVOICES: i64 = 16;
/// Migrations up to (not including) the one that rebuilds the ledger with
/// its day required by the column.
const BEFORE_LEDGER_DAY_COLUMN: i64 = 18;
/// Migrations up to (not including) the one that keeps each organisation's
/// last invoice number.
const BEFORE_INVOICE_NUMBERS: i64 = 22;

/// A clinic, Emma, her dog Rex and an exam, as in an old file: ids 1 to 4.
const CLINIC_WITH_REX: [&str; 5] = [
    "INSERT INTO organisations (id, name) VALUES (1, 'Maple')",
    "INSERT INTO clinics (id, organisation_id, name) VALUES (1, 1, 'Maple Street')",
    "INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name) VALUES (2, 1, 1, 'Emma', 'de Vries')",
    "INSERT INTO patients (id, client_id, name, species) VALUES (3, 2, 'Rex', 'dog')",
    "INSERT INTO catalog_items (id, organisation_id, code, name, kind, unit_name, regular_price)
     VALUES (4, 1, 'EXAM', 'Exam', 'service', 'exam', '45.00')",
];

/// A ledger entry as read back: id, quantity, source key, what it reverses,
/// note, when it was written and the day it counts on.
type KeptEntry = (i64, i64, String, Option<i64>, String, String, String);

/// A database brought up to (not including) migration `before`, holding
/// what `rows` insert; foreign keys are not checked, as in an old file.
async fn database_before(path: &Path, before: i64, rows: &[&str]) {
    let mut migrator = Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite")).await.unwrap();
    migrator.migrations = migrator.migrations.iter().filter(|m| m.version < before).cloned().collect();
    let mut conn =
        SqliteConnectOptions::new().filename(path).create_if_missing(true).foreign_keys(false).connect().await.unwrap();
    migrator.run(&mut conn).await.unwrap();
    for sql in rows {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

#[test]
fn an_upgrade_keeps_each_practice_system_invoice_with_its_lines_and_what_it_applied() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clinic.db");
        // Rex (patient 3) had one exam (item 4) applied by INV-1.
        let mut rows: Vec<&str> = CLINIC_WITH_REX.to_vec();
        rows.extend([
            "INSERT INTO sync_runs (id, organisation_id, clinic_id, source, file_name, actor_name)
             VALUES (5, 1, 1, 'command', 'export.csv', 'Clinic desk')",
            "INSERT INTO pims_codes VALUES (1, 'WP-EXAM', 4)",
            "INSERT INTO pims_patients VALUES (1, 'PMS-1', 3)",
            "INSERT INTO pims_lines VALUES (1, 1, 'INV-1', '1', '2026-11-01', 'PMS-1', 'WP-EXAM', 1, 'final', 5)",
            "INSERT INTO pims_lines VALUES (1, 1, 'INV-1', '2', '2026-11-02', 'PMS-1', 'WP-VAC', 2, 'deleted', 5)",
            "INSERT INTO pims_lines VALUES (1, 1, 'INV-2', '1', '2026-11-01', 'PMS-2', 'WP-EXAM', 1, 'void', 5)",
            "INSERT INTO pims_applied VALUES (1, 'INV-1', 3, 4, 1, 1)",
        ]);
        database_before(&path, BEFORE_KEPT_INVOICES, &rows).await;

        let store = Store::open(&path).await.unwrap();
        let kept: Vec<(String, Option<String>, i64, String, String)> = sqlx::query_as(
            "SELECT invoice_ref, counts_on, voided, lines, applied FROM pims_invoices ORDER BY invoice_ref",
        )
        .fetch_all(store.reader())
        .await
        .unwrap();
        let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(kept.len(), 2, "one row per invoice: {kept:?}");
        let (invoice, counts_on, voided, lines, applied) = &kept[0];
        assert_eq!((invoice.as_str(), counts_on.as_deref(), *voided), ("INV-1", Some("2026-11-02"), 0));
        // As migration 28 keeps them: [line, date, patient, code, quantity,
        // status] and [patient, item, applied, draws].
        assert_eq!(
            json(lines),
            serde_json::json!([
                ["1", "2026-11-01", "PMS-1", "WP-EXAM", 1, "final"],
                ["2", "2026-11-02", "PMS-1", "WP-VAC", 2, "deleted"],
            ])
        );
        assert_eq!(json(applied), serde_json::json!([[3, 4, 1, 1]]));
        let (invoice, _, voided, lines, applied) = &kept[1];
        assert_eq!((invoice.as_str(), *voided), ("INV-2", 1), "a voided invoice stays void");
        assert_eq!((json(lines), json(applied)), (serde_json::json!([]), serde_json::json!([])));

        // The next import reads them as kept: the same line again changes
        // nothing, and what INV-1 applied stays applied.
        let actor = Actor::clinic_desk();
        let batch = carecount::server::store::sync::Batch {
            organisation_id: 1,
            clinic_id: 1,
            source: carecount::wire::sync::SyncSource::Command,
            file_name: "again.csv",
            actor: &actor,
        };
        let again = "invoice_id,line_id,invoice_date,patient_id,code,quantity,status\n\
                     INV-1,1,2026-11-01,PMS-1,WP-EXAM,1,final\n";
        let lines = carecount::server::import::csv_lines::read(again.as_bytes()).unwrap();
        let run = store.import_lines(&batch, lines).await.unwrap();
        assert_eq!((run.lines_read, run.unchanged, run.applied), (1, 1, 0), "{run:?}");
        let still: (String,) = sqlx::query_as("SELECT applied FROM pims_invoices WHERE invoice_ref = 'INV-1'")
            .fetch_one(store.reader())
            .await
            .unwrap();
        assert_eq!(json(&still.0), serde_json::json!([[3, 4, 1, 1]]));
    })
}

#[test]
fn an_upgrade_keeps_every_ledger_entry_and_the_ledger_stays_append_only() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clinic.db");
        let entry = |id: i64, quantity: i64, kind: &str, reversal_of: &str| {
            format!(
                "INSERT INTO usage_ledger (id, subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                     source_key, reversal_of, actor_name, note, created_at, used_on, savings)
                 VALUES ({id}, 7, 3, 4, {quantity}, '{kind}', 'key-{id}', {reversal_of}, 'Pieter', 'note {id}',
                     '2026-11-0{id}T10:00:00.000Z', '2026-11-0{id}', '12.50')"
            )
        };
        let mut rows: Vec<String> = CLINIC_WITH_REX.map(String::from).to_vec();
        rows.extend(
            [
                "INSERT INTO plan_templates (id, organisation_id, name, kind, price) VALUES (5, 1, 'Puppy', 'package', '99')",
                "INSERT INTO subscriptions (id, organisation_id, clinic_id, template_id, client_id, patient_id, plan_name,
                     kind, status, starts_on, price)
                 VALUES (6, 1, 1, 5, 2, 3, 'Puppy', 'package', 'active', '2026-11-01', '99')",
                "INSERT INTO subscription_benefits (id, subscription_id, label, item_id, limit_quantity, discount_percent)
                 VALUES (7, 6, 'Exams', 4, 3, '100')",
            ]
            .map(String::from),
        );
        rows.extend([
            entry(1, 2, "invoice_line", "NULL"),
            entry(2, -2, "reversal", "1"),
            entry(5, 1, "import_line", "NULL"),
        ]);
        database_before(&path, BEFORE_LEDGER_DAY_COLUMN, &rows.iter().map(String::as_str).collect::<Vec<_>>()).await;

        let store = Store::open(&path).await.unwrap();
        let kept: Vec<KeptEntry> = sqlx::query_as(
            "SELECT id, quantity, source_key, reversal_of, note, created_at, used_on FROM usage_ledger ORDER BY id",
        )
        .fetch_all(store.reader())
        .await
        .unwrap();
        let ids: Vec<i64> = kept.iter().map(|k| k.0).collect();
        assert_eq!(ids, [1, 2, 5], "every entry keeps its id");
        assert_eq!(
            kept[1],
            (2, -2, "key-2".into(), Some(1), "note 2".into(), "2026-11-02T10:00:00.000Z".into(), "2026-11-02".into())
        );

        let mut tx = store.begin_write().await.unwrap();
        let update = sqlx::query("UPDATE usage_ledger SET quantity = 3 WHERE id = 5").execute(&mut *tx).await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let no_day = sqlx::query(
            "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name)
             VALUES (7, 1, 'invoice_line', 'key-6', 'Pieter')",
        )
        .execute(&mut *tx)
        .await;
        assert!(no_day.unwrap_err().to_string().contains("NOT NULL constraint failed: usage_ledger.used_on"));
    })
}

#[test]
fn after_an_upgrade_the_next_invoice_is_numbered_on_from_the_last_one_before_it() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clinic.db");
        let invoice = |id: i64, status: &str, date: &str, number: Option<(i64, i64)>| {
            let (text, year, seq) = match number {
                Some((year, seq)) => (format!("'INV-{year}-{seq:05}'"), year.to_string(), seq.to_string()),
                None => ("NULL".into(), "NULL".into(), "NULL".into()),
            };
            format!(
                "INSERT INTO invoices (id, organisation_id, clinic_id, client_id, status, invoice_date, created_by_name,
                     invoice_number, number_year, number_seq)
                 VALUES ({id}, 1, 1, 2, '{status}', '{date}', 'Marloes', {text}, {year}, {seq})"
            )
        };
        let mut rows: Vec<String> = CLINIC_WITH_REX.map(String::from).to_vec();
        rows.extend([
            invoice(10, "finalized", "2025-12-30", Some((2025, 31))),
            invoice(11, "finalized", "2026-11-02", Some((2026, 6))),
            invoice(12, "voided", "2026-11-03", Some((2026, 7))),
            invoice(13, "draft", "2026-11-20", None),
        ]);
        database_before(&path, BEFORE_INVOICE_NUMBERS, &rows.iter().map(String::as_str).collect::<Vec<_>>()).await;

        let store = Store::open(&path).await.unwrap();
        let lines: Vec<LineInput> = serde_json::from_value(serde_json::json!([
            { "patient_id": 3, "item_id": 4, "quantity_text": "1", "unit": "Unit", "discount_text": "" }
        ]))
        .unwrap();
        let finalized = store.finalize_invoice(1, 13, &lines, &[], "after-upgrade", &Actor::clinic_desk()).await;
        assert_eq!(
            finalized.unwrap().number,
            "INV-2026-00008",
            "the year's numbers run on after the voided 00007, with no gap and no repeat"
        );
    })
}
