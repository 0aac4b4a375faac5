//! The laws of usage sync, checked on random exports: any sendings of
//! practice-system lines (new, changed, deleted, voided, negative, unknown
//! codes, recoded away from the plan), split into runs in any way, through the real store. After every
//! run, each practice-system invoice holds on the plans, covered and
//! over-usage together, exactly what its lines ask now, never below zero;
//! and no plan has used more than its limit. A batch counts many lines
//! against plans it keeps in memory: these laws are what it must keep.

#[allow(dead_code)] // the law test uses only a fresh store of these helpers
#[path = "support/postgres.rs"]
mod postgres;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use carecount::domain::sync::{InvoiceLines, LineStatus, SourceLine};
use carecount::domain::{Limit, Quantity};
use carecount::server::actor::Actor;
use carecount::server::import::import_csv;
use carecount::server::store::Store;
use carecount::server::store::sync::Batch;
use carecount::wire::sync::SyncSource;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

/// One sending of a line: invoice, line, (pet, code) pair, quantity, status.
#[derive(Clone, Debug)]
struct Sending {
    invoice: u8,
    line: u8,
    pair: u8,
    quantity: i8,
    status: LineStatus,
    days_ago: u8,
}

fn sending() -> impl Strategy<Value = Sending> {
    let status = prop_oneof![8 => Just(LineStatus::Final), 1 => Just(LineStatus::Deleted), 1 => Just(LineStatus::Void)];
    (0u8..6, 0u8..3, any::<u8>(), -1i8..=3, status, 0u8..3).prop_map(
        |(invoice, line, pair, quantity, status, days_ago)| Sending { invoice, line, pair, quantity, status, days_ago },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_invoice_holds_what_its_lines_ask_and_no_plan_goes_past_its_limit(
        runs in prop::collection::vec(prop::collection::vec(sending(), 1..14), 1..5)
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(check(runs)).map_err(TestCaseError::fail)?;
    }
}

/// A pet with an item its plan counts, as the practice system names them.
#[derive(Clone, Debug)]
struct Pair {
    patient_id: i64,
    client_id: i64,
    item_id: i64,
    pims: String,
    code: String,
}

async fn check(runs: Vec<Vec<Sending>>) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (store, database) = postgres::fresh_store(&dir.path().join("laws.db")).await?;
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    store.seed_demo(today).await.map_err(|e| e.to_string())?;
    let pairs = pairs(&store).await;
    let actor = Actor { user_id: None, name: "Import laws".into() };
    let mut known: HashMap<String, InvoiceLines> = HashMap::new();
    // What each (invoice, pet, item) should hold: what its lines ask now.
    let mut expected: BTreeMap<(String, i64, i64), i64> = BTreeMap::new();
    for (number, run) in runs.iter().enumerate() {
        let file = export(run, &pairs, today);
        let batch = Batch {
            organisation_id: 1,
            clinic_id: 1,
            source: SyncSource::Upload,
            file_name: "laws.csv",
            actor: &actor,
        };
        let done = import_csv(&store, &batch, file.as_bytes()).await.map_err(|e| e.to_string())?;
        if !done.problem.is_empty() {
            return Err(format!("run {number} refused: {}", done.problem));
        }
        for line in lines_of(run, &pairs, today) {
            known.entry(line.invoice_id.clone()).or_default().receive(line);
        }
        for invoice in run.iter().map(|s| invoice_id(s.invoice)) {
            let asked = known[&invoice].requests();
            for pair in &pairs {
                let now = asked.get(&(pair.pims.clone(), pair.code.clone())).copied().unwrap_or(0).max(0);
                let key = (invoice.clone(), pair.patient_id, pair.item_id);
                if now > 0 || expected.contains_key(&key) {
                    expected.insert(key, now);
                }
            }
        }
        for ((invoice, patient, item), want) in &expected {
            let held = held(&store, invoice, *patient, *item).await;
            if held != *want {
                return Err(format!(
                    "after run {number}: invoice {invoice}, patient {patient}, item {item} holds {held} \
                     (covered and over-usage), its lines ask {want}\n{file}"
                ));
            }
        }
        for client in pairs.iter().map(|p| p.client_id) {
            for card in store.client_plans(client, today).await.map_err(|e| e.to_string())? {
                for benefit in &card.subscription.benefits {
                    let within = match benefit.limit {
                        Limit::Counted(limit) => benefit.used <= limit,
                        Limit::Unlimited => true,
                    };
                    if !within || benefit.used < Quantity(0) {
                        return Err(format!(
                            "after run {number}: {} on {} has used {:?} of {:?}\n{file}",
                            benefit.label, card.subscription.plan_name, benefit.used, benefit.limit
                        ));
                    }
                }
            }
        }
    }
    drop(store);
    if let Some(database) = database {
        database.drop_now().await;
    }
    Ok(())
}

/// Up to four (pet, item) pairs the demo's active wellness plans count in
/// whole units, across at least two owners.
async fn pairs(store: &Store) -> Vec<Pair> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT s.patient_id, s.client_id, i.id, i.code FROM subscription_benefits b
         JOIN subscriptions s ON s.id = b.subscription_id JOIN catalog_items i ON i.id = b.item_id
         WHERE s.kind = 'wellness' AND s.status = 'active' AND i.subunit_per_unit IS NULL
           AND b.limit_quantity IS NOT NULL
         ORDER BY s.client_id, s.patient_id, b.position",
    )
    .fetch_all(store.reader())
    .await
    .expect("demo plans");
    let mut chosen: Vec<Pair> = Vec::new();
    for (patient_id, client_id, item_id, code) in rows {
        let per_client = chosen.iter().filter(|p| p.client_id == client_id).count();
        if per_client < 2 && chosen.len() < 4 {
            chosen.push(Pair {
                patient_id,
                client_id,
                item_id,
                pims: format!("PMS-{}", 1000 + patient_id),
                code: format!("WP-{code}"),
            });
        }
    }
    assert!(chosen.len() >= 3, "the demo has plans to count against");
    chosen
}

fn invoice_id(n: u8) -> String {
    format!("A{n}")
}

/// The lines a run sends; of every eight pairs, one is a code nobody mapped
/// and one is not a plan code at all (a line recoded away from the plan).
fn lines_of(run: &[Sending], pairs: &[Pair], today: NaiveDate) -> Vec<SourceLine> {
    run.iter()
        .map(|s| {
            let pair = &pairs[s.pair as usize % pairs.len()];
            let code = match s.pair % 8 {
                7 => "WP-NOT-MAPPED".to_string(),
                6 => "FOOD-12".to_string(),
                _ => pair.code.clone(),
            };
            SourceLine {
                invoice_id: invoice_id(s.invoice),
                line_id: format!("L{}", s.line),
                invoice_date: today - Days::new(u64::from(s.days_ago)),
                patient_ref: pair.pims.clone(),
                code,
                quantity: i64::from(s.quantity),
                status: s.status,
            }
        })
        .collect()
}

fn export(run: &[Sending], pairs: &[Pair], today: NaiveDate) -> String {
    let mut file = String::from("invoice_id,line_id,invoice_date,patient_id,code,quantity,status\n");
    for line in lines_of(run, pairs, today) {
        let (invoice, id, date, pims, code, qty) =
            (&line.invoice_id, &line.line_id, line.invoice_date, &line.patient_ref, &line.code, line.quantity);
        writeln!(file, "{invoice},{id},{date},{pims},{code},{qty},{}", line.status.code()).unwrap();
    }
    file
}

/// What an (invoice, pet, item) holds: its postings with their adjustments,
/// plus its over-usage.
async fn held(store: &Store, invoice: &str, patient: i64, item: i64) -> i64 {
    let prefix = format!("pims:1:{invoice}:{patient}:{item}:");
    let covered: i64 = sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger
         WHERE id IN (SELECT id FROM usage_ledger WHERE source_kind = 'import_line'
                        AND substr(source_key, 1, length($1)) = $1)
            OR reversal_of IN (SELECT id FROM usage_ledger WHERE source_kind = 'import_line'
                                 AND substr(source_key, 1, length($1)) = $1)",
    )
    .bind(&prefix)
    .fetch_one(store.reader())
    .await
    .expect("ledger");
    let over: i64 = sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage
         WHERE organisation_id = 1 AND invoice_ref = $1 AND patient_id = $2 AND item_id = $3",
    )
    .bind(invoice)
    .bind(patient)
    .bind(item)
    .fetch_one(store.reader())
    .await
    .expect("over-usage");
    covered + over
}
