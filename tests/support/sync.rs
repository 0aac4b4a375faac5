//! Helpers for the tests of usage sync: a practice-system export imported
//! through the real store as the demo clinic's, and what the ledger holds.

use carecount::server::actor::Actor;
use carecount::server::import::import_csv;
use carecount::server::store::sync::Batch;
use carecount::wire::sync::{SyncRun, SyncSource};

use super::TestApp;

/// The columns of the practice system's export.
pub const HEADER: &str = "invoice_id,line_id,invoice_date,patient_id,code,quantity,status,description\n";

/// Who imports in these tests.
pub fn actor() -> Actor {
    Actor { user_id: None, name: "Import test".into() }
}

/// Imports an export; a refused file is its problem in words.
pub async fn import(app: &TestApp, file: &str) -> Result<SyncRun, String> {
    import_bytes(app, file.as_bytes()).await
}

/// Imports an export's bytes as they are.
pub async fn import_bytes(app: &TestApp, bytes: &[u8]) -> Result<SyncRun, String> {
    let who = actor();
    let batch =
        Batch { organisation_id: 1, clinic_id: 1, source: SyncSource::Upload, file_name: "export.csv", actor: &who };
    let run = import_csv(&app.store, &batch, bytes).await.map_err(|e| e.to_string())?;
    match carecount::server::import::refused(&run) {
        Some(problem) => Err(problem.to_string()),
        None => Ok(run),
    }
}

/// The demo's practice-system id of a patient ("PMS-1001" for patient 1).
pub async fn pims(app: &TestApp, name: &str) -> String {
    format!("PMS-{}", 1000 + app.patient_id(name).await)
}

/// What the ledger holds for a patient's item: Σ of every entry.
pub async fn used(app: &TestApp, patient: &str, code: &str) -> i64 {
    let patient = app.patient_id(patient).await;
    let item = app.item_id(code).await;
    sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE patient_id = $1 AND item_id = $2",
    )
    .bind(patient)
    .bind(item)
    .fetch_one(app.store.reader())
    .await
    .unwrap()
}

/// The date on the practice system's invoice lines: today, which every demo
/// plan that is active covers (the demo is seeded relative to today).
pub fn visit_day() -> String {
    carecount::server::store::demo::demo_today(chrono::Utc::now()).to_string()
}

/// One number the query reads.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.store.reader()).await.unwrap()
}

/// Dates a file's last change a minute back, as an export finished then.
pub fn settle(file: &std::path::Path) {
    let file = std::fs::File::options().write(true).open(file).expect("the file");
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(60)).expect("dated back");
}
