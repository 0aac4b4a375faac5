//! The clinic desks under load, over HTTP, against one CareCount server on
//! SQLite, then two servers sharing one SQLite file, then (when
//! `TEST_POSTGRES_URL` names a server, as `make load` sets it) two servers
//! sharing a PostgreSQL database, the second a real process.
//!
//! Each client starts a draft, saves it, finalizes it (a quarter of them
//! racing for the same pet's last NexGard tablets), reads what was posted,
//! reads a patient page, and reads the owner's healthcard. Each setup runs
//! two phases of 50 clients for 60 s:
//! - **flat out**: every client sends its next request as soon as the last
//!   is answered. This finds how many requests per second the setup
//!   answers; with no pause, each request waits behind the other 49
//!   clients', so its latency is 50 / (requests per second) on average.
//! - **at a desk's pace**: every client waits 0.25 to 0.75 s before each
//!   request (a person at a desk waits far longer), about 100 requests per
//!   second in all. This is the latency a desk sees.
//!
//! On PostgreSQL the server process is killed with SIGKILL halfway through
//! the flat-out phase and started again on its address; the requests it
//! cut off are sent again, finalizes with the same key.
//!
//! Afterwards: every finalize sent again with its key gets the first answer,
//! and the ledger holds exactly what the clients were told was covered:
//! nothing lost, nothing doubled.
//!
//! `cargo bench --bench load` (`make load`) passes `--bench`; words after
//! `--` pick setups by name (`-- PostgreSQL`); without `--bench`
//! (`cargo test --benches`) each phase runs for two seconds with 4 clients.

#[path = "load/in_process.rs"]
mod in_process;
#[path = "common/postgres.rs"]
mod postgres;
#[allow(dead_code)] // the load runs its process on PostgreSQL only
#[path = "../tests/support/server_process.rs"]
mod server_process;
#[path = "load/work.rs"]
mod work;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use carecount::server::store::Store;
use carecount::server::store::demo::DEMO_PASSWORD;
use carecount::wire::invoice_view::InvoiceView;
use in_process::InProcessServer;
use postgres::PostgresDatabase;
use server_process::{ProcessDatabase, ServerProcess};
use work::{Finalized, Pace, Phase, Seen, Work, load_invoice};

/// The demo's manager and the owner of Rex and Mimi.
const STAFF: &str = "sarah@maple.example";
const OWNER: &str = "emma.devries@example.com";

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
    if let Some(url) = postgres::server_url() {
        setups.push(Setup { name: "two servers, one PostgreSQL database", servers: 2, postgres: Some(url) });
    }
    // `cargo bench --bench load -- PostgreSQL` runs the setups whose name
    // holds any word given.
    let only: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).collect();
    setups.retain(|setup| only.is_empty() || only.iter().any(|word| setup.name.contains(word.as_str())));
    for setup in setups {
        run(&setup, clients, Duration::from_secs(seconds)).await;
    }
}

async fn run(setup: &Setup, clients: usize, length: Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("load.db");
    let database = match &setup.postgres {
        Some(server) => Some(PostgresDatabase::create(server, "load").await),
        None => None,
    };
    let url = database.as_ref().map(|db| db.url.clone());
    let store = match &url {
        Some(url) => Store::connect_postgres(url).await.expect("connect"),
        None => Store::open(&path).await.expect("open store"),
    };
    store.seed_demo(carecount::server::store::demo::demo_today(chrono::Utc::now())).await.expect("seed demo");
    // The servers in this process run on runtimes of their own
    // (`load/in_process.rs`); on PostgreSQL the second server is a process
    // of its own, to be killed.
    let in_process = if url.is_some() { 1 } else { setup.servers };
    let servers: Vec<_> = (0..in_process)
        .map(|n| InProcessServer::start(path.clone(), url.clone(), dir.path().join(format!("outbox-{n}"))))
        .collect();
    let mut addresses: Vec<_> = servers.iter().map(|server| server.address).collect();
    let mut killed = None;
    if let Some(url) = &url
        && setup.servers > 1
    {
        let process =
            ServerProcess::start(ProcessDatabase::PostgresUrl(url.clone()), &dir.path().join("outbox-process"));
        addresses.push(process.address);
        killed = Some(process);
    }
    let staff = signed_in(addresses[0], STAFF).await;
    let owner = signed_in(addresses[0], OWNER).await;
    let work = Work::read(&store).await;
    let signed = (staff.clone(), owner.clone());

    // Flat out; the server process is killed and restarted halfway.
    let flat = Arc::new(Phase::new(Pace::Flat, killed.is_some()));
    let killer = killed.map(|mut process| {
        tokio::task::spawn_blocking(move || {
            std::thread::sleep(length / 2);
            process.restart();
            process
        })
    });
    let took = drive(&flat, clients, length, &work, &signed, &addresses, "flat").await;
    let process = match killer {
        Some(killer) => Some(killer.await.expect("the server process restarted")),
        None => None,
    };
    report(&format!("{}, flat out", setup.name), clients, took, &flat.seen.lock().expect("seen"));
    if process.is_some() {
        println!("  (the server process was killed with SIGKILL and restarted halfway)");
    }

    let paced =
        Arc::new(Phase::new(Pace::Desk { from: Duration::from_millis(250), span: Duration::from_millis(500) }, false));
    let took = drive(&paced, clients, length, &work, &signed, &addresses, "paced").await;
    report(&format!("{}, at a desk's pace", setup.name), clients, took, &paced.seen.lock().expect("seen"));

    let mut finalized = std::mem::take(&mut flat.seen.lock().expect("seen").finalized);
    finalized.append(&mut paced.seen.lock().expect("seen").finalized);
    let base = format!("http://{}", addresses[addresses.len() - 1]);
    check_first_answers(&staff, &base, &finalized).await;
    let mut covered = Vec::new();
    for done in &finalized {
        covered.push((done.invoice, covered_on(&staff, &base, done.invoice).await));
    }
    check_ledger(&store, &covered).await;
    drop(process);
    // Stopping a server waits for its thread.
    tokio::task::spawn_blocking(move || drop(servers)).await.expect("the servers stopped");
    if let Some(database) = database {
        database.drop_now().await;
    }
    for phase in [&flat, &paced] {
        let seen = phase.seen.lock().expect("seen");
        assert!(seen.errors.is_empty(), "no errors under load");
    }
}

/// Runs `clients` clients for `length`, spread over the servers; returns
/// how long they took.
async fn drive(
    phase: &Arc<Phase>,
    clients: usize,
    length: Duration,
    work: &Work,
    (staff, owner): &(reqwest::Client, reqwest::Client),
    addresses: &[SocketAddr],
    tag: &'static str,
) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            let (staff, owner, work, phase) = (staff.clone(), owner.clone(), work.clone(), phase.clone());
            let address = addresses[n % addresses.len()];
            tokio::spawn(async move {
                let mut round = 0;
                while started.elapsed() < length {
                    work.round(&phase, (&staff, &owner), address, tag, n, round).await;
                    round += 1;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("client");
    }
    started.elapsed()
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

fn report(name: &str, clients: usize, took: Duration, seen: &Seen) {
    let total: usize = seen.latencies.values().map(Vec::len).sum();
    println!(
        "{name} ({clients} clients, {:.0} s): {total} requests, {:.0} per second",
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
    for (kind, (count, longest)) in &seen.retried {
        println!(
            "  {kind}: {count} cut off by the kill and answered on a retry, the longest after {:.1} s",
            longest.as_secs_f64()
        );
    }
    for (kind, (count, first)) in &seen.errors {
        println!("  {kind}: {count} errors, the first: {first}");
    }
}

/// Every finalize, sent again with its key, gets the answer it got first.
async fn check_first_answers(staff: &reqwest::Client, base: &str, finalized: &[Finalized]) {
    for done in finalized {
        let again = staff.post(format!("{base}/api/invoice/finalize")).json(&done.body).send().await;
        let again = again.expect("finalize again").text().await.expect("an answer");
        assert_eq!(again, done.answer, "invoice {}: a finalize sent again gets its first answer", done.invoice);
    }
    println!("  finalize keys: {} finalizes sent again, each got its first answer", finalized.len());
}

/// What a finalized invoice's desk was shown as covered: the coverage
/// frozen when it was finalized, read once the load is over.
async fn covered_on(staff: &reqwest::Client, base: &str, invoice: i64) -> i64 {
    let view = load_invoice(staff, base, invoice).send().await.expect("load the invoice");
    let view: InvoiceView = view.json().await.expect("an invoice");
    view.frozen.expect("a finalized invoice's coverage").lines.iter().map(|l| l.covered.0).sum()
}

/// The ledger holds, for each finalized invoice, what it told its desk it
/// covered.
async fn check_ledger(store: &Store, covered: &[(i64, i64)]) {
    let told: i64 = covered.iter().map(|(_, units)| units).sum();
    let mut posted = std::collections::BTreeMap::new();
    for chunk in covered.chunks(500) {
        let ids = chunk.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(",");
        let sums: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT il.invoice_id, CAST(SUM(l.quantity) AS BIGINT) FROM usage_ledger l
             JOIN invoice_lines il ON il.id = l.invoice_line_id
             WHERE il.invoice_id IN ({ids}) GROUP BY il.invoice_id"
        ))
        .fetch_all(store.reader())
        .await
        .expect("ledger");
        posted.extend(sums);
    }
    println!(
        "  ledger check: {} finalized invoices told their desks {told} units covered; the ledger holds {}",
        covered.len(),
        posted.values().sum::<i64>()
    );
    for (invoice, units) in covered {
        let held = posted.get(invoice).copied().unwrap_or(0);
        assert_eq!(
            held, *units,
            "invoice {invoice}: the ledger holds what its desk was told: nothing lost, nothing doubled"
        );
    }
}
