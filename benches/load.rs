//! The clinic desks under load, over HTTP: 50 concurrent clients for 60 s
//! against one CareCount server on SQLite, then against two servers sharing
//! one SQLite file, then (when `TEST_POSTGRES_URL` names a server, as
//! `make load` sets it) against two servers sharing a PostgreSQL database. Each client starts a draft, saves it, finalizes it (a
//! quarter of them racing for the same pet's last NexGard tablets), reads
//! what was posted, reads a patient page, and reads the owner's healthcard.
//! Prints requests per second, p50 and p99 per kind and the errors; then
//! checks that the ledger holds exactly what the clients were told was
//! covered: nothing lost, nothing doubled.
//!
//! `cargo bench --bench load` (`make load`) passes `--bench`; without it
//! (`cargo test --benches`) each setup runs for two seconds with 4 clients.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carecount::server::config::Config;
use carecount::server::startup::serve;
use carecount::server::store::Store;
use carecount::server::store::demo::DEMO_PASSWORD;
use carecount::wire::invoice_view::InvoiceView;
use serde_json::json;

/// The demo's manager and the owner of Rex and Mimi.
const STAFF: &str = "sarah@maple.example";
const OWNER: &str = "emma.devries@example.com";

/// The healthcard's server function takes no arguments.
const NO_FIELDS: [(&str, &str); 0] = [];

struct Setup {
    name: &'static str,
    servers: usize,
    /// The PostgreSQL server to make the database on; else a SQLite file.
    postgres: Option<String>,
}

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (clients, seconds) = if full { (50, 60) } else { (4, 2) };
    let mut setups = vec![
        Setup { name: "one server, SQLite", servers: 1, postgres: None },
        Setup { name: "two servers, one SQLite file", servers: 2, postgres: None },
    ];
    if let Some(url) = std::env::var("TEST_POSTGRES_URL").ok().filter(|url| !url.is_empty()) {
        setups.push(Setup { name: "two servers, one PostgreSQL database", servers: 2, postgres: Some(url) });
    }
    for setup in setups {
        run(&setup, clients, Duration::from_secs(seconds)).await;
    }
}

/// What the clients saw: latencies per kind, errors, and the coverage
/// each finalized invoice was posted with.
#[derive(Default)]
struct Seen {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<&'static str, (usize, String)>,
    finalized: Vec<i64>,
}

fn load_invoice(staff: &reqwest::Client, base: &str, invoice: i64) -> reqwest::RequestBuilder {
    staff.post(format!("{base}/api/invoice/load")).form(&[("id", invoice.to_string())])
}

async fn run(setup: &Setup, clients: usize, length: Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("load.db");
    let database = match &setup.postgres {
        Some(server) => Some(PostgresDatabase::create(server).await),
        None => None,
    };
    let url = database.as_ref().map(|db| db.url.clone());
    let open = || async {
        match &url {
            Some(url) => Store::connect_postgres(url).await.expect("connect"),
            None => Store::open(&path).await.expect("open store"),
        }
    };
    let store = open().await;
    store.seed_demo(chrono::Utc::now().date_naive()).await.expect("seed demo");
    let mut servers = Vec::new();
    let mut addresses = Vec::new();
    for n in 0..setup.servers {
        let mut config = Config::for_database(path.clone(), "127.0.0.1:0".parse().expect("addr"));
        config.plan_jobs = false;
        config.outbox_dir = dir.path().join(format!("outbox-{n}"));
        config.database_url = url.clone();
        let served = open().await;
        let listener = tokio::net::TcpListener::bind(config.addr).await.expect("bind");
        addresses.push(listener.local_addr().expect("address"));
        servers.push(tokio::spawn(async move {
            serve(listener, served, &config, std::future::pending()).await.expect("serve");
        }));
    }
    let staff = signed_in(addresses[0], STAFF).await;
    let owner = signed_in(addresses[0], OWNER).await;
    let work = Work::read(&store).await;

    let seen = Arc::new(Mutex::new(Seen::default()));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            let (staff, owner, work, seen) = (staff.clone(), owner.clone(), work.clone(), seen.clone());
            let address = addresses[n % addresses.len()];
            tokio::spawn(async move {
                let mut round = 0;
                while started.elapsed() < length {
                    work.round(&staff, &owner, address, n, round, &seen).await;
                    round += 1;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("client");
    }
    let took = started.elapsed();
    let seen = std::mem::take(&mut *seen.lock().expect("seen"));
    report(setup, clients, took, &seen);
    let base = format!("http://{}", addresses[0]);
    let mut covered = Vec::new();
    for invoice in seen.finalized.iter().copied() {
        covered.push((invoice, covered_on(&staff, &base, invoice).await));
    }
    check_ledger(&store, &covered).await;
    for server in servers {
        server.abort();
    }
    if let Some(database) = database {
        database.drop_now().await;
    }
    assert!(seen.errors.is_empty(), "no errors under load");
}

/// A database of the run's own on a PostgreSQL server, dropped afterwards.
struct PostgresDatabase {
    server: String,
    name: String,
    url: String,
}

impl PostgresDatabase {
    async fn create(server: &str) -> PostgresDatabase {
        use sqlx::Connection;
        let name = format!("carecount_load_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(server).await.expect("connect to TEST_POSTGRES_URL");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.expect("drop");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
        let mut url = url::Url::parse(server).expect("TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        PostgresDatabase { server: server.to_string(), name, url: url.to_string() }
    }

    async fn drop_now(self) {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&self.server).await.expect("connect to TEST_POSTGRES_URL");
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        sqlx::query(&drop).execute(&mut admin).await.expect("drop database");
    }
}

async fn signed_in(address: SocketAddr, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let answer = client
        .post(format!("http://{address}/api/sign-in"))
        .form(&[("email", email), ("password", DEMO_PASSWORD), ("next", "")])
        .send()
        .await
        .expect("sign in");
    assert!(answer.status().as_u16() < 400, "sign-in as {email}: {}", answer.status());
    client
}

/// The demo's households and the items the desks sell them.
#[derive(Clone)]
struct Work {
    /// (client, one of their pets), each with a wellness plan.
    pets: Arc<Vec<(i64, i64)>>,
    items: Arc<Vec<i64>>,
    /// Rex, his owner and NexGard: the last unit everyone races for.
    race: (i64, i64, i64),
}

impl Work {
    async fn read(store: &Store) -> Work {
        let pets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT DISTINCT s.client_id, s.patient_id FROM subscriptions s
             WHERE s.kind = 'wellness' AND s.status = 'active' ORDER BY 1, 2",
        )
        .fetch_all(store.reader())
        .await
        .expect("pets");
        let items: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM catalog_items WHERE code IN ('EXAM', 'VAC-RAB', 'LAB-FEC', 'NAIL', 'VAC-FVRCP') ORDER BY id",
        )
        .fetch_all(store.reader())
        .await
        .expect("items");
        let race: (i64, i64, i64) = sqlx::query_as(
            "SELECT p.client_id, p.id, i.id FROM patients p, catalog_items i WHERE p.name = 'Rex' AND i.code = 'PAR-NXG'",
        )
        .fetch_one(store.reader())
        .await
        .expect("Rex and NexGard");
        assert!(!pets.is_empty() && !items.is_empty(), "the demo has plans and items");
        Work { pets: Arc::new(pets), items: Arc::new(items), race }
    }

    /// One client's round: a draft saved and finalized, what it posted
    /// read back, a patient page and the owner's healthcard.
    async fn round(
        &self,
        staff: &reqwest::Client,
        owner: &reqwest::Client,
        address: SocketAddr,
        client_no: usize,
        round: usize,
        seen: &Mutex<Seen>,
    ) {
        let n = client_no * 7919 + round;
        let (client, patient, item) = if n.is_multiple_of(4) {
            self.race
        } else {
            let (client, patient) = self.pets[n % self.pets.len()];
            (client, patient, self.items[n % self.items.len()])
        };
        let base = format!("http://{address}");
        let lines = json!([{ "patient_id": patient, "item_id": item, "quantity_text": "1", "unit": "Unit", "discount_text": "" }]);
        let start =
            staff.post(format!("{base}/api/invoice/start")).json(&json!({ "client_id": client, "soap_ids": [] }));
        let Some(invoice) = timed(seen, "start draft", start).await else {
            return;
        };
        let invoice: i64 = invoice.parse().expect("an invoice id");
        let save = staff.post(format!("{base}/api/invoice/save")).json(&json!({ "id": invoice, "lines": lines }));
        timed(seen, "save draft", save).await;
        let key = format!("load-{client_no}-{round}");
        let finalize = staff
            .post(format!("{base}/api/invoice/finalize"))
            .json(&json!({ "id": invoice, "lines": lines, "preview": [], "key": key }));
        if timed(seen, "finalize", finalize).await.is_some() {
            seen.lock().expect("seen").finalized.push(invoice);
            // What the desk is shown once the invoice is final.
            timed(seen, "finalized invoice", load_invoice(staff, &base, invoice)).await;
        }
        timed(seen, "patient page", staff.get(format!("{base}/patients/{patient}"))).await;
        timed(seen, "healthcard", owner.post(format!("{base}/api/healthcard")).form(&NO_FIELDS)).await;
    }
}

/// Sends a request, timed as `kind`; the answer's text when it is a 200.
async fn timed(seen: &Mutex<Seen>, kind: &'static str, request: reqwest::RequestBuilder) -> Option<String> {
    let started = Instant::now();
    let answer = match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            let text = answer.text().await.unwrap_or_default();
            if status.is_success() { Ok(text) } else { Err(format!("{status}: {text}")) }
        }
        Err(e) => Err(e.to_string()),
    };
    record(seen, kind, started.elapsed(), answer)
}

fn record(seen: &Mutex<Seen>, kind: &'static str, took: Duration, answer: Result<String, String>) -> Option<String> {
    let mut seen = seen.lock().expect("seen");
    seen.latencies.entry(kind).or_default().push(took);
    match answer {
        Ok(text) => Some(text),
        Err(what) => {
            let error = seen.errors.entry(kind).or_insert((0, what));
            error.0 += 1;
            None
        }
    }
}

fn report(setup: &Setup, clients: usize, took: Duration, seen: &Seen) {
    let total: usize = seen.latencies.values().map(Vec::len).sum();
    println!(
        "{} ({clients} clients, {:.0} s): {total} requests, {:.0} per second",
        setup.name,
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
    for (kind, times) in &seen.latencies {
        let mut times = times.clone();
        times.sort();
        let at = |share: f64| times[((times.len() as f64 * share) as usize).min(times.len() - 1)];
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let errors = seen.errors.get(kind).map(|e| e.0).unwrap_or(0);
        println!(
            "  {kind}: {} requests, p50 {:.1} ms, p99 {:.1} ms, {errors} errors",
            times.len(),
            ms(at(0.5)),
            ms(at(0.99))
        );
    }
    for (kind, (count, first)) in &seen.errors {
        println!("  {kind}: {count} errors, the first: {first}");
    }
}

/// What a finalized invoice's desk was shown as covered: the coverage
/// frozen when it was finalized, read once the load is over.
async fn covered_on(staff: &reqwest::Client, base: &str, invoice: i64) -> i64 {
    let view = load_invoice(staff, base, invoice).send().await.expect("load the invoice");
    let view: InvoiceView = view.json().await.expect("an invoice");
    view.frozen.expect("a finalized invoice's coverage").lines.iter().map(|l| l.covered.0).sum()
}

/// The ledger holds what each finalized invoice told its desk it covered.
async fn check_ledger(store: &Store, covered: &[(i64, i64)]) {
    let told: i64 = covered.iter().map(|(_, units)| units).sum();
    let mut posted = 0;
    for chunk in covered.chunks(500) {
        let ids = chunk.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(",");
        let sum: i64 = sqlx::query_scalar(&format!(
            "SELECT COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0) FROM usage_ledger l JOIN invoice_lines il ON il.id = l.invoice_line_id
             WHERE il.invoice_id IN ({ids})"
        ))
        .fetch_one(store.reader())
        .await
        .expect("ledger");
        posted += sum;
    }
    println!(
        "  ledger check: {} finalized invoices told their desks {told} units covered; the ledger holds {posted}",
        covered.len()
    );
    assert_eq!(posted, told, "the ledger holds exactly what the desks were told: nothing lost, nothing doubled");
}
