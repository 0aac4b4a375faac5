//! Every staff page of a group of clinics at its real size, on SQLite and
//! (when `TEST_POSTGRES_URL` names a server, as `make` sets it) on
//! PostgreSQL: the demo grown to 50 clinics, 100,000 patients, 60,000 plans and 2,000,000
//! ledger entries (`carecount demo --scale group` makes the same). Each page
//! is asked for again and again, one request at a time, by a signed-in
//! manager over HTTP, rendered on the server as a browser's first visit
//! gets it; the figures are p50, p99 and the slowest answer per page.
//!
//! `cargo bench` passes `--bench`; without it (`cargo test --benches`) a
//! small group is used, so a broken benchmark fails the tests.

#[path = "common/postgres.rs"]
mod postgres;

use std::time::{Duration, Instant};

use carecount::server::config::Config;
use carecount::server::startup::serve;
use carecount::server::store::Store;
use carecount::server::store::demo::group::GroupSize;

/// The demo manager, who may open every staff page.
const MANAGER: &str = "sarah@maple.example";

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (size, rounds) = if full {
        (GroupSize::GROUP, 100)
    } else {
        (GroupSize { clinics: 3, clients: 200, patients: 300, plans: 180, ledger: 2_000 }, 3)
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::for_database(dir.path().join("group.db"), "127.0.0.1:0".parse().expect("addr"));
    let store = Store::open(&config.database_path).await.expect("open store");
    measure("SQLite", store, config, size, rounds).await;
    if let Some(server) = postgres::server_url() {
        let database = postgres::PostgresDatabase::create(&server, "group").await;
        let mut config = Config::for_database(dir.path().join("unused.db"), "127.0.0.1:0".parse().expect("addr"));
        config.database_url = Some(database.url.clone());
        let store = Store::connect_postgres(&database.url).await.expect("connect");
        measure("PostgreSQL", store, config, size, rounds).await;
        database.drop_now().await;
    }
}

/// Grows the demo on `store` and asks for every page `rounds` times.
async fn measure(database: &str, store: Store, config: Config, size: GroupSize, rounds: usize) {
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    let started = Instant::now();
    store.seed_demo(today).await.expect("seed demo");
    let counts = store.grow_demo_to_group(today, size).await.expect("grow the group");
    println!(
        "{database}: grew the demo to {} clinics, {} patients, {} plans, {} ledger entries in {:.1} s",
        counts.clinics,
        counts.patients,
        counts.plans,
        counts.ledger,
        started.elapsed().as_secs_f64()
    );
    let pages = pages(&store).await;

    let listener = tokio::net::TcpListener::bind(config.addr).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = store.clone();
    tokio::spawn(async move { serve(listener, served, &config, std::future::pending()).await.expect("serve") });
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let url = |path: &str| format!("http://{addr}{path}");
    let signed_in = client
        .post(url("/api/sign-in"))
        .form(&[("email", MANAGER), ("password", carecount::server::store::demo::DEMO_PASSWORD), ("next", "")])
        .send()
        .await
        .expect("sign in");
    let status = signed_in.status();
    assert!(
        status.is_success() || status.is_redirection(),
        "sign-in: {status} {}",
        signed_in.text().await.unwrap_or_default()
    );

    println!("{:<34} {:>9} {:>9} {:>9} {:>9}", "page", "p50 ms", "p99 ms", "max ms", "KB");
    let mut slowest = Duration::ZERO;
    for (name, path) in &pages {
        let mut times = Vec::with_capacity(rounds);
        let mut bytes = 0;
        for _ in 0..rounds {
            let asked = Instant::now();
            let response = client.get(url(path)).send().await.expect("GET");
            let status = response.status();
            let body = response.bytes().await.expect("body");
            times.push(asked.elapsed());
            assert!(status.is_success(), "{name} ({path}) answered {status}");
            bytes = body.len();
        }
        times.sort_unstable();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<34} {:>9.1} {:>9.1} {:>9.1} {:>9.0}",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(at(1.0)),
            bytes as f64 / 1024.0
        );
        slowest = slowest.max(at(0.99));
    }
    println!("{database}: slowest p99 {:.1} ms (the goal is under 100 ms)", slowest.as_secs_f64() * 1000.0);
}

/// The pages a group's staff open, with ids from the grown database: its
/// last patient (deep in every index), a plan of theirs, their owner.
async fn pages(store: &Store) -> Vec<(&'static str, String)> {
    let (patient, client, plan): (i64, i64, i64) = sqlx::query_as(
        "SELECT p.id, p.client_id, s.id FROM patients p JOIN subscriptions s ON s.patient_id = p.id
         ORDER BY p.id DESC LIMIT 1",
    )
    .fetch_one(store.reader())
    .await
    .expect("a grown patient with a plan");
    let patients: i64 = sqlx::query_scalar("SELECT count(*) FROM patients").fetch_one(store.reader()).await.unwrap();
    let last_page = (patients + 49) / 50;
    vec![
        ("patients, first page", "/".to_string()),
        ("patients, last page", format!("/?page={last_page}")),
        ("patients, search a pet's name", "/?q=luna".to_string()),
        ("patients, search an owner, page 2", "/?q=jansen&page=2".to_string()),
        ("patients, search with no match", "/?q=nobody-by-this-name".to_string()),
        ("patient", format!("/patients/{patient}")),
        ("sell a plan", format!("/patients/{patient}/sell")),
        ("plan", format!("/plans/{plan}")),
        ("client's packs", format!("/clients/{client}/packs")),
        ("lists", "/lists".to_string()),
        ("schedule", "/schedule".to_string()),
        ("daycare", "/daycare".to_string()),
        ("templates", "/templates".to_string()),
        ("settings", "/settings".to_string()),
        ("staff", "/staff".to_string()),
        ("sync", "/sync".to_string()),
    ]
}
