//! A long export applied as one batch counts exactly what its invoices,
//! each sent in a run of its own, count. One batch counts the next
//! invoices while it writes what it counted before, and reconciles on the
//! connection an invoice that gives a use back or opens an exception: this
//! holds it to the simplest way of applying the same lines.

mod support;

use carecount::server::actor::Actor;
use carecount::server::import::{import_csv, refused};
use carecount::server::store::Backend;
use carecount::server::store::sync::Batch;
use carecount::wire::sync::{SyncRun, SyncSource};
use support::TestApp;

const HEADER: &str = "invoice_id,line_id,invoice_date,patient_id,code,quantity,status\n";

async fn import(app: &TestApp, lines: &[String]) -> SyncRun {
    let who = Actor { user_id: None, name: "Import test".into() };
    let batch =
        Batch { organisation_id: 1, clinic_id: 1, source: SyncSource::Upload, file_name: "export.csv", actor: &who };
    let file = format!("{HEADER}{}", lines.concat());
    let run = import_csv(&app.store, &batch, file.as_bytes()).await.expect("import");
    assert_eq!(refused(&run), None, "{file}");
    run
}

/// A small, repeatable stream of choices.
struct Dice(u64);

impl Dice {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The demo's mapped patients and codes, two unknown ones of each beside them.
async fn names(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let texts = |sql: &'static str| async move {
        sqlx::query_scalar::<_, String>(sql).fetch_all(app.store.reader()).await.expect("names")
    };
    let mut patients = texts("SELECT pims_patient_id FROM pims_patients ORDER BY 1").await;
    let mut codes = texts("SELECT code FROM pims_codes ORDER BY 1").await;
    assert!(patients.len() >= 4 && codes.len() >= 4, "the demo maps patients and codes");
    patients.extend(["PMS-UNKNOWN-1".to_string(), "PMS-UNKNOWN-2".to_string()]);
    codes.extend(["WP-NOT-MAPPED".to_string(), "LAB-PANEL".to_string()]);
    (patients, codes)
}

/// A first export of `invoices` invoices of one to three lines, then a
/// second that changes, voids and deletes some of them among new ones.
fn exports(patients: &[String], codes: &[String], invoices: usize) -> (Vec<String>, Vec<String>) {
    let day = carecount::server::store::demo::demo_today(chrono::Utc::now());
    let mut dice = Dice(7);
    let mut first = Vec::new();
    let mut second = Vec::new();
    for n in 0..invoices {
        let patient = &patients[dice.pick(patients.len())];
        for line in 1..=1 + dice.pick(3) {
            let code = &codes[dice.pick(codes.len())];
            let quantity = 1 + dice.pick(2);
            let sent =
                |quantity: i64, status: &str| format!("INV-{n},{line},{day},{patient},{code},{quantity},{status}\n");
            first.push(sent(quantity as i64, "final"));
            match dice.pick(8) {
                0 => second.push(sent(quantity as i64, "void")),
                1 => second.push(sent(quantity as i64, "deleted")),
                2 => second.push(sent(quantity as i64 + 1, "final")),
                3 => second.push(sent(-1, "final")),
                _ => {}
            }
        }
        if dice.pick(3) == 0 {
            let code = &codes[dice.pick(codes.len())];
            second.push(format!("NEW-{n},1,{day},{patient},{code},1,final\n"));
        }
    }
    (first, second)
}

/// Lines grouped by invoice, in the order each invoice first appears.
fn by_invoice(lines: &[String]) -> Vec<Vec<String>> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        let invoice = line.split(',').next().unwrap_or_default().to_string();
        match groups.iter_mut().find(|(id, _)| *id == invoice) {
            Some((_, group)) => group.push(line.clone()),
            None => groups.push((invoice, vec![line.clone()])),
        }
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

/// What the plans, the over-usage and the exceptions hold, as text rows.
async fn holdings(app: &TestApp) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for sql in [
        "SELECT subscription_benefit_id || ' ' || patient_id || ' ' || item_id || ' ' || CAST(SUM(quantity) AS BIGINT)
           FROM usage_ledger GROUP BY subscription_benefit_id, patient_id, item_id ORDER BY 1",
        "SELECT invoice_ref || ' ' || patient_id || ' ' || item_id || ' ' || quantity || ' ' || status
           FROM over_usage ORDER BY 1",
        "SELECT invoice_ref || ' ' || patient_ref || ' ' || code || ' ' || kind || ' ' || quantity
           FROM sync_exceptions WHERE resolved_run_id IS NULL ORDER BY 1",
        "SELECT invoice_ref || ' ' || voided || ' ' || lines || ' ' || applied FROM pims_invoices ORDER BY 1",
    ] {
        all.push(sqlx::query_scalar(sql).fetch_all(app.store.reader()).await.expect("holdings"));
    }
    all
}

/// A digest's items: what went over a limit and what needs a person.
fn items(digest: &str) -> Vec<&str> {
    digest.lines().filter(|l| l.starts_with("- Over-usage") || l.starts_with("- Needs")).collect()
}

#[test]
fn a_long_export_in_one_batch_counts_what_its_invoices_count_one_run_each() {
    support::run(async {
        let (whole, one_by_one) = (TestApp::start().await, TestApp::start().await);
        let (patients, codes) = names(&whole).await;
        let (first, second) = exports(&patients, &codes, 300);
        for app in [&whole, &one_by_one] {
            import(app, &first).await;
        }
        assert_eq!(holdings(&whole).await, holdings(&one_by_one).await, "the first export, applied alike");

        let run = import(&whole, &second).await;
        let mut told = Vec::new();
        for invoice in by_invoice(&second) {
            let single = import(&one_by_one, &invoice).await;
            told.extend(items(&single.digest).into_iter().map(String::from));
        }
        assert!(
            run.reversed > 0 && run.exceptions > 0 && run.over_usage > 0,
            "the export gives back, goes over limits and needs a person: {run:?}"
        );
        assert_eq!(holdings(&whole).await, holdings(&one_by_one).await);
        // A digest lists its first hundred items in full.
        let told_whole = items(&run.digest);
        assert_eq!(told_whole.len(), told.len().min(100));
        assert_eq!(told_whole, told[..told_whole.len()], "the digest tells the same, in the order of the invoices");
    })
}

#[test]
fn a_batch_writes_only_references_that_exist_and_the_writer_checks_them_again_after_it() {
    support::run(async {
        let app = TestApp::start().await;
        // PostgreSQL checks every reference of a batch as it writes it.
        if app.store.backend() != Backend::Sqlite {
            return;
        }
        let (patients, codes) = names(&app).await;
        let (first, second) = exports(&patients, &codes, 120);
        import(&app, &first).await;
        let run = import(&app, &second).await;
        assert!(run.reversed > 0 && run.over_usage > 0 && run.exceptions > 0, "{run:?}");
        let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(app.store.reader()).await.expect("check");
        assert_eq!(broken.len(), 0, "every row the batches wrote references a row that exists");

        let mut tx = app.store.begin_write().await.expect("begin");
        let dangling = sqlx::query(
            "INSERT INTO usage_ledger (subscription_benefit_id, quantity, source_kind, source_key, actor_name, used_on)
             VALUES (987654321, 1, 'manual_adjustment', 'test:dangling', 'Test', '2026-01-01')",
        )
        .execute(&mut *tx)
        .await;
        assert!(dangling.is_err(), "after a batch, a use of a benefit that does not exist is refused");
    })
}
