//! A server killed in the middle of the desks' work loses nothing that it
//! acknowledged and posts nothing twice: the desks' finalizes go to two
//! servers on one database, one of them (a real process) is killed with
//! SIGKILL while its answers are on the way, and the desks retry what got
//! no answer, with the same finalize keys, on its restarted self.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::Notify;

mod support;
use support::server_process::{ProcessDatabase, ServerProcess};
use support::{TestApp, desk_line as line};

async fn finalize(
    client: &reqwest::Client,
    base: &str,
    invoice: i64,
    lines: &Value,
    key: &str,
) -> Option<(u16, String)> {
    let body = json!({ "id": invoice, "lines": lines, "preview": [], "key": key });
    let response = client.post(format!("{base}/api/invoice/finalize")).json(&body).send().await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

#[test]
fn a_killed_server_loses_no_acknowledged_finalize_and_a_retry_posts_nothing_twice() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let nexgard = app.item_id("PAR-NXG").await;
        let (benefit, limit, used) = app.benefit(rex, "NexGard chewables").await;
        let client = app.client_of(rex).await;
        let desks = ((limit - used) / 6 + 12) as usize;
        let mut invoices = Vec::new();
        for _ in 0..desks {
            invoices.push(app.new_invoice(client).await);
        }
        let lines = json!([line(rex, nexgard, "1")]);
        // The app's own database: its SQLite file, or its PostgreSQL
        // database when the suite runs there.
        let database = match &app.database_url {
            Some(url) => ProcessDatabase::PostgresUrl(url.clone()),
            None => ProcessDatabase::SqliteFile(app.dir.path().join("carecount.db")),
        };
        let mut process = ServerProcess::start(database, &app.dir.path().join("outbox-process"));
        let process_url = process.url();
        let in_process = app.url("");

        // Every desk at once; two in three go to the process that is killed
        // as soon as it has answered one of them.
        let first_answer = Arc::new(Notify::new());
        let tasks: Vec<_> = invoices
            .iter()
            .enumerate()
            .map(|(n, invoice)| {
                let (client, lines, first_answer) = (app.client.clone(), lines.clone(), first_answer.clone());
                let (invoice, base) = (*invoice, if n % 3 == 0 { in_process.clone() } else { process_url.clone() });
                let to_process = n % 3 != 0;
                tokio::spawn(async move {
                    let answer = finalize(&client, &base, invoice, &lines, &format!("desk-{n}")).await;
                    if to_process && answer.is_some() {
                        first_answer.notify_one();
                    }
                    answer
                })
            })
            .collect();
        tokio::time::timeout(std::time::Duration::from_secs(60), first_answer.notified())
            .await
            .expect("the process answered a desk");
        process.kill();
        let answers: Vec<Option<(u16, String)>> =
            futures::future::join_all(tasks).await.into_iter().map(Result::unwrap).collect();
        let cut_off = answers.iter().filter(|a| a.is_none()).count();
        assert!(cut_off > 0, "the kill cut off requests in flight");

        // Every acknowledged finalize is in the database.
        for (invoice, answer) in invoices.iter().zip(&answers) {
            if let Some((status, body)) = answer {
                assert_eq!(*status, 200, "{body}");
                let finalized: i64 =
                    app.scalar("SELECT count(*) FROM invoices WHERE id = $1 AND status = 'finalized'", *invoice).await;
                assert_eq!(finalized, 1, "invoice {invoice} was acknowledged, so it is finalized");
            }
        }

        // The desks retry on the restarted process, with the same keys.
        process.restart();
        let restarted_url = process.url();
        for (n, (invoice, answer)) in invoices.iter().zip(&answers).enumerate() {
            let retried = finalize(&app.client, &restarted_url, *invoice, &lines, &format!("desk-{n}"))
                .await
                .expect("the restarted server answers");
            assert_eq!(retried.0, 200, "invoice {invoice}: {}", retried.1);
            if let Some(first) = answer {
                assert_eq!(&retried, first, "a retry of an acknowledged finalize gets the first answer");
            }
        }
        process.kill();

        let (_, _, used_after) = app.benefit(rex, "NexGard chewables").await;
        assert_eq!(used_after, limit, "every tablet left was used");
        let covered = app.covered_on_invoices(benefit).await;
        assert_eq!(covered, limit - used, "nothing covered twice");
        let postings: i64 = app
            .scalar(
                "SELECT count(*) FROM usage_ledger l JOIN invoice_lines il ON il.id = l.invoice_line_id
                 WHERE l.subscription_benefit_id = $1 GROUP BY il.invoice_id ORDER BY count(*) DESC LIMIT 1",
                benefit,
            )
            .await;
        assert_eq!(postings, 1, "no invoice posted twice");
    })
}

/// A server stopped in its tracks (the task serving it aborted, as tests and
/// embedding programs stop one) stops its background work too, and with it
/// every database connection it held. Left running, that work kept the
/// store open: on a PostgreSQL shared by many apps, each stopped one kept up
/// to 24 connections until the server refused new ones.
#[test]
fn a_stopped_server_closes_every_database_connection_it_held() {
    use sqlx::{ConnectOptions, postgres::PgConnectOptions};
    support::run(async {
        let app = TestApp::start().await;
        // Only PostgreSQL can be asked who is connected; the suite's
        // PostgreSQL half runs this.
        let Some(url) = app.database_url.clone() else { return };
        let database = url::Url::parse(&url).expect("database URL").path().trim_start_matches('/').to_string();
        let server: PgConnectOptions = support::postgres::server_url().expect("server").parse().expect("server URL");
        let mut admin = server.connect().await.expect("connect to the server");
        let count = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1";
        let open: i64 = sqlx::query_scalar(count).bind(&database).fetch_one(&mut admin).await.unwrap();
        assert!(open > 0, "the running app is connected");

        drop(app);
        let mut left = open;
        for _ in 0..100 {
            left = sqlx::query_scalar(count).bind(&database).fetch_one(&mut admin).await.unwrap();
            if left == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(left, 0, "connections still open 10 s after the app stopped");
    })
}
