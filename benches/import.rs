//! Importing a practice system's export on SQLite: 100,000 lines into a
//! database already holding 1,000,000 ledger entries (10,000 pets with a
//! wellness plan and years of history), timed from the file's bytes to the
//! committed run; then a plain bulk insert of the same rows, in the same
//! run, as the yardstick. Prints lines per second and the ratio.
//!
//! `cargo bench` passes `--bench`; without it (`cargo test --benches`) a
//! small version runs, so a broken benchmark fails the tests.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use carecount::server::actor::Actor;
use carecount::server::import::{csv_lines, import_csv};
use carecount::server::store::Store;
use carecount::server::store::sync::Batch;
use carecount::wire::sync::SyncSource;
use chrono::{Datelike, Days, NaiveDate};
use sqlx::QueryBuilder;

/// The first id of the benchmark's owners, pets and plans.
const FIRST: i64 = 100_000;

struct Size {
    pets: i64,
    ledger: i64,
    lines: usize,
}

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let size = if full {
        Size { pets: 10_000, ledger: 1_000_000, lines: 100_000 }
    } else {
        Size { pets: 200, ledger: 20_000, lines: 2_000 }
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.db")).await.expect("open store");
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    store.seed_demo(today).await.expect("seed demo");
    let started = Instant::now();
    let codes = grow(&store, &size, today).await;
    println!(
        "seeded {} pets with a wellness plan and {} ledger entries in {:.1} s",
        size.pets,
        size.ledger,
        started.elapsed().as_secs_f64()
    );
    let file = export(&size, &codes, today);

    // As the server's background jobs would, between the seeding and the
    // import: each timed run starts with an empty write-ahead log.
    store.checkpoint().await.expect("checkpoint");
    let actor = Actor::clinic_desk();
    let batch =
        Batch { organisation_id: 1, clinic_id: 1, source: SyncSource::Command, file_name: "bench.csv", actor: &actor };
    let started = Instant::now();
    let run = import_csv(&store, &batch, file.as_bytes()).await.expect("import");
    let import = started.elapsed();
    assert!(run.problem.is_empty(), "{}", run.problem);
    assert_eq!(run.lines_read as usize, size.lines);
    assert!(run.applied as usize > size.lines * 8 / 10, "{run:?}");

    store.checkpoint().await.expect("checkpoint");
    let bulk = bulk_insert(&store, file.as_bytes()).await;
    let per_second = |d: Duration| size.lines as f64 / d.as_secs_f64();
    println!(
        "import {} lines into {} ledger entries (SQLite): {:.2} s, {:.0} lines/s \
         (applied {}, skipped {}, over-usage {}, exceptions {})",
        size.lines,
        size.ledger,
        import.as_secs_f64(),
        per_second(import),
        run.applied,
        run.skipped,
        run.over_usage,
        run.exceptions
    );
    println!(
        "plain bulk insert of the same rows: {:.2} s, {:.0} rows/s; the import runs at {:.0} % of it",
        bulk.as_secs_f64(),
        per_second(bulk),
        100.0 * bulk.as_secs_f64() / import.as_secs_f64()
    );
}

/// Adds the benchmark's pets, each with a copy of a demo wellness plan whose
/// benefits reset yearly, started three years ago, and spreads the ledger
/// history over their earlier plan years. Returns the practice-system codes
/// of the plan's items.
async fn grow(store: &Store, size: &Size, today: NaiveDate) -> Vec<String> {
    let mut tx = store.begin_write().await.expect("begin");
    let model: i64 = sqlx::query_scalar(
        "SELECT s.id FROM subscriptions s WHERE s.kind = 'wellness' AND s.status = 'active'
           AND EXISTS (SELECT 1 FROM subscription_benefits b WHERE b.subscription_id = s.id AND b.item_id IS NOT NULL)
         ORDER BY s.id LIMIT 1",
    )
    .fetch_one(&mut *tx)
    .await
    .expect("a demo wellness plan");
    let starts_on = today.with_year(today.year() - 3).unwrap_or(today - Days::new(3 * 365)) - Days::new(40);
    let last = FIRST + size.pets - 1;
    let numbers = format!("WITH RECURSIVE n(i) AS (SELECT {FIRST} UNION ALL SELECT i + 1 FROM n WHERE i < {last})");
    for sql in [
        format!(
            "INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name)
             {numbers} SELECT i, 1, 1, 'Bench', 'Owner ' || i FROM n"
        ),
        format!("INSERT INTO patients (id, client_id, name, species) {numbers} SELECT i, i, 'Pet ' || i, 'dog' FROM n"),
        format!(
            "INSERT INTO subscriptions (id, organisation_id, clinic_id, template_id, client_id, patient_id, plan_name,
                                        kind, status, starts_on, ends_on, price, member_discount_percent, billing)
             {numbers} SELECT i, 1, 1, s.template_id, i, i, s.plan_name, 'wellness', 'active', '{starts_on}', NULL, s.price,
                              s.member_discount_percent, s.billing
             FROM n, subscriptions s WHERE s.id = {model}"
        ),
        format!(
            "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                                discount_percent, position, resets)
             {numbers} SELECT i, b.label, b.item_id, b.group_id, b.limit_quantity, b.discount_percent, b.position,
                              'year'
             FROM n, subscription_benefits b WHERE b.subscription_id = {model} ORDER BY i, b.position, b.id"
        ),
        format!(
            "INSERT INTO pims_patients (organisation_id, pims_patient_id, patient_id)
             {numbers} SELECT 1, 'PMS-' || (1000 + i), i FROM n"
        ),
    ] {
        sqlx::query(&sql).execute(&mut *tx).await.expect("grow the clinic");
    }
    // History: each benefit of the benchmark's plans gets its share of
    // entries, dated in the plan's earlier years.
    sqlx::query(
        "CREATE TEMP TABLE bench_benefits AS
         SELECT row_number() OVER (ORDER BY b.id) - 1 AS n, b.id, s.patient_id, b.item_id
         FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id WHERE s.id >= $1",
    )
    .bind(FIRST)
    .execute(&mut *tx)
    .await
    .expect("benefits");
    let benefits: i64 = sqlx::query_scalar("SELECT count(*) FROM bench_benefits").fetch_one(&mut *tx).await.unwrap();
    sqlx::query(&format!(
        "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind, source_key,
                                   actor_name, note, used_on, savings)
         WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < {})
         SELECT b.id, b.patient_id, b.item_id, 1, 'opening_balance', 'bench:' || k.i, 'Earlier system', '',
                date($1, '+' || (k.i % 700) || ' days'), '0'
         FROM k JOIN bench_benefits b ON b.n = k.i % {benefits}",
        size.ledger - 1
    ))
    .bind(carecount::wire::stored::Day(starts_on))
    .execute(&mut *tx)
    .await
    .expect("history");
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT 'WP-' || i.code FROM subscription_benefits b
         JOIN catalog_items i ON i.id = b.item_id OR i.group_id = b.group_id
         WHERE b.subscription_id = $1 ORDER BY 1",
    )
    .bind(model)
    .fetch_all(&mut *tx)
    .await
    .expect("codes");
    tx.commit().await.expect("commit");
    assert!(!codes.is_empty());
    codes
}

/// The practice system's export: invoices of three lines for one pet, in
/// the last month; one line in twenty is not a plan code.
fn export(size: &Size, codes: &[String], today: NaiveDate) -> String {
    let mut file = String::from("invoice_id,line_id,invoice_date,patient_id,code,quantity,status\n");
    for n in 0..size.lines {
        let invoice = n / 3;
        let pet = FIRST + (invoice as i64 % size.pets);
        let date = today - Days::new((invoice % 28) as u64);
        let code = if n % 20 == 19 { "LAB-PANEL" } else { codes[(n / 7 + n) % codes.len()].as_str() };
        writeln!(file, "INV-{invoice},{},{date},PMS-{},{code},1,final", n % 3 + 1, 1000 + pet).unwrap();
    }
    file
}

/// The same rows, read from the same bytes, inserted as they are into a
/// table shaped like the import's own, in one transaction.
async fn bulk_insert(store: &Store, bytes: &[u8]) -> Duration {
    let mut tx = store.begin_write().await.expect("begin");
    sqlx::query(
        "CREATE TABLE bench_bulk (invoice_ref TEXT NOT NULL, line_ref TEXT NOT NULL, invoice_date TEXT NOT NULL,
             patient_ref TEXT NOT NULL, code TEXT NOT NULL, quantity INTEGER NOT NULL, status TEXT NOT NULL,
             PRIMARY KEY (invoice_ref, line_ref))",
    )
    .execute(&mut *tx)
    .await
    .expect("bulk table");
    tx.commit().await.expect("commit");
    let started = Instant::now();
    let lines = csv_lines::read(bytes).expect("the same file reads");
    let mut tx = store.begin_write().await.expect("begin");
    for chunk in lines.chunks(1000) {
        let mut insert: QueryBuilder<sqlx::Any> = QueryBuilder::new(
            "INSERT INTO bench_bulk (invoice_ref, line_ref, invoice_date, patient_ref, code, quantity, status) ",
        );
        insert.push_values(chunk, |mut row, line| {
            row.push_bind(&line.invoice_id)
                .push_bind(&line.line_id)
                .push_bind(carecount::wire::stored::Day(line.invoice_date))
                .push_bind(&line.patient_ref)
                .push_bind(&line.code)
                .push_bind(line.quantity)
                .push_bind(line.status.code());
        });
        insert.build().execute(&mut *tx).await.expect("bulk insert");
    }
    tx.commit().await.expect("commit");
    started.elapsed()
}
