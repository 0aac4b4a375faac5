//! Servers sharing one database share its background work: one delivers
//! the outbox at a time, and a periodic round runs once per period on
//! whichever server asks first, taking over when its holder stops.

use std::time::Duration;

use carecount::server::config::Config;
use carecount::server::startup::serve;
use carecount::server::store::Store;
use carecount::server::store::leases::{Holder, KeptLease};
use chrono::{TimeZone, Utc};

mod support;

const OUTBOX_HOLD: Duration = Duration::from_secs(120);
const PERIOD: Duration = Duration::from_secs(300);

fn at(seconds: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

/// Two servers: two stores opened on one file, each with its own name.
async fn two_servers(dir: &tempfile::TempDir) -> [(Store, Holder); 2] {
    let path = dir.path().join("group.db");
    let first = Store::open(&path).await.unwrap();
    let second = Store::open(&path).await.unwrap();
    [(first, Holder::new()), (second, Holder::new())]
}

#[test]
fn one_server_holds_the_outbox_until_it_stops_renewing() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let [(a, a_name), (b, b_name)] = two_servers(&dir).await;
        assert!(a.hold_lease("outbox", &a_name, at(0), OUTBOX_HOLD).await.unwrap(), "free: the first asker takes it");
        assert!(!b.hold_lease("outbox", &b_name, at(1), OUTBOX_HOLD).await.unwrap(), "held by the other server");
        assert!(a.hold_lease("outbox", &a_name, at(3), OUTBOX_HOLD).await.unwrap(), "its holder keeps it");
        assert!(!b.hold_lease("outbox", &b_name, at(122), OUTBOX_HOLD).await.unwrap(), "renewed at 3 s, until 123 s");
        // The first server stopped after 3 s: the other takes over once its time is up.
        assert!(b.hold_lease("outbox", &b_name, at(123), OUTBOX_HOLD).await.unwrap(), "its holder's time is up");
        assert!(!a.hold_lease("outbox", &a_name, at(124), OUTBOX_HOLD).await.unwrap(), "now the other's");
    })
}

#[test]
fn a_long_round_renews_its_lease_and_stops_when_it_was_taken_over() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let [(a, a_name), (b, b_name)] = two_servers(&dir).await;
        // Held for a second only: renewing is what keeps it.
        let hold = Duration::from_secs(1);
        assert!(a.hold_lease("outbox", &a_name, Utc::now(), hold).await.unwrap());
        let mut lease = KeptLease::new(&a, "outbox", &a_name, hold, Duration::ZERO);
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(600)).await;
            assert!(lease.still_ours().await, "renewed as the round goes");
            assert!(!b.hold_lease("outbox", &b_name, Utc::now(), hold).await.unwrap(), "so the other waits");
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(b.hold_lease("outbox", &b_name, Utc::now(), OUTBOX_HOLD).await.unwrap(), "not renewed: taken over");
        assert!(!lease.still_ours().await, "the first server's round stops");
    })
}

#[test]
fn a_periodic_round_runs_once_per_period_on_whichever_server_asks_first() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let [(a, a_name), (b, b_name)] = two_servers(&dir).await;
        assert!(a.claim_period("periodic", &a_name, at(0), PERIOD).await.unwrap());
        assert!(!a.claim_period("periodic", &a_name, at(3), PERIOD).await.unwrap(), "not twice in a period");
        assert!(!b.claim_period("periodic", &b_name, at(299), PERIOD).await.unwrap(), "nor on the other server");
        assert!(b.claim_period("periodic", &b_name, at(300), PERIOD).await.unwrap(), "the next period's first asker");
        assert!(!a.claim_period("periodic", &a_name, at(301), PERIOD).await.unwrap());
        assert!(a.claim_period("other job", &a_name, at(301), PERIOD).await.unwrap(), "each job has its own lease");
    })
}

#[test]
fn servers_asking_at_the_same_moment_get_one_yes() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let [(a, _), (b, _)] = two_servers(&dir).await;
        let asks = (0..16).map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { store.claim_period("periodic", &Holder::new(), at(0), PERIOD).await.unwrap() })
        });
        let answers: Vec<bool> = futures::future::join_all(asks).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(answers.iter().filter(|yes| **yes).count(), 1, "{answers:?}");
    })
}

#[test]
fn two_servers_on_one_database_send_each_email_once() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("group.db");
        let store = Store::open(&path).await.unwrap();
        let mut tx = store.begin_write().await.unwrap();
        sqlx::query("INSERT INTO organisations (name) VALUES ('Maple Street Veterinary Group')")
            .execute(&mut *tx)
            .await
            .unwrap();
        for n in 1..=12 {
            sqlx::query("INSERT INTO outbox (organisation_id, to_address, subject, body) VALUES (1, $1, $2, 'Hello')")
                .bind(format!("owner{n}@example.com"))
                .bind(format!("Reminder {n}"))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();

        let mut servers = Vec::new();
        for name in ["a", "b"] {
            let mut config = Config::for_database(path.clone(), "127.0.0.1:0".parse().unwrap());
            config.plan_jobs = false;
            config.outbox_dir = dir.path().join(name);
            let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
            let store = Store::open(&path).await.unwrap();
            servers.push(tokio::spawn(async move {
                serve(listener, store, &config, std::future::pending()).await.unwrap();
            }));
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !store.unsent_emails(50).await.unwrap().is_empty() {
            assert!(std::time::Instant::now() < deadline, "the outbox was not delivered");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Another round of both servers: nothing is sent again.
        tokio::time::sleep(Duration::from_secs(4)).await;
        for server in &servers {
            server.abort();
        }
        let sent = |name: &str| std::fs::read_dir(dir.path().join(name)).map(|d| d.count()).unwrap_or(0);
        assert_eq!(
            sent("a") + sent("b"),
            12,
            "each email once: {} by one server, {} by the other",
            sent("a"),
            sent("b")
        );
        assert!(sent("a") == 0 || sent("b") == 0, "one server held the outbox");
    })
}
