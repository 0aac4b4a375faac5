//! Finalizing a 20-line invoice on SQLite, server side: the full write path
//! (BEGIN IMMEDIATE, lines, coverage, ledger entries, commit), timed per
//! invoice against the demo clinic. Prints median, p95 and mean.
//!
//! `cargo bench` passes `--bench`; without it (`cargo test --benches`) one
//! invoice is finalized, so a broken benchmark fails the tests.

use std::time::{Duration, Instant};

use carecount::domain::{LineInput, Seen, UnitChoice};
use carecount::server::actor::Actor;
use carecount::server::store::Store;

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (warm_up, runs) = if full { (10, 200) } else { (0, 1) };
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.db")).await.expect("open store");
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    store.seed_demo(today).await.expect("seed demo");
    let clinic = store.clinic_of(1, None, chrono::Utc::now()).await.expect("clinic");
    let actor = Actor::clinic_desk();
    let (rex, mimi) = (1_i64, 2_i64);
    let items = [1_i64, 2, 3, 7, 8, 9, 10, 12, 13, 18];
    let lines: Vec<LineInput> = (0..20)
        .map(|n| LineInput {
            patient_id: if n % 2 == 0 { rex } else { mimi },
            item_id: items[n % items.len()],
            quantity_text: "1".into(),
            unit: UnitChoice::Unit,
            discount_text: String::new(),
        })
        .collect();
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for run in 0..warm_up + runs {
        let invoice = store.create_invoice(&clinic, 1, &[], &actor).await.expect("draft");
        let started = Instant::now();
        let outcome = store
            .finalize_invoice_with(
                &clinic,
                invoice,
                &lines,
                Seen::default(),
                &format!("bench-{run}"),
                None,
                None,
                &actor,
            )
            .await
            .expect("finalize");
        let took = started.elapsed();
        assert!(outcome.number.starts_with("INV-"));
        if run >= warm_up {
            times.push(took);
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "finalize 20-line invoice (SQLite, {runs} runs): median {:.2} ms, p95 {:.2} ms, mean {:.2} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        mean
    );
}
