//! Two CareCount servers on one database, as a group of clinics runs them
//! behind a load balancer: any server serves any request of a session, two
//! desks on different servers never cover the same last unit, and a
//! finalize retried on the other server gets the first answer.
//! Finalizes of different households run side by side on PostgreSQL; their
//! invoice numbers still run without gaps or repeats.

use serde_json::json;

mod support;
use support::{TestApp, desk_line as line};

/// Two servers on one database, and what a desk needs to bill Rex an exam.
struct ExamDesks {
    first: TestApp,
    second: TestApp,
    rex: i64,
    exam: i64,
    client: i64,
}

impl ExamDesks {
    async fn start() -> ExamDesks {
        let first = TestApp::start().await;
        let second = first.second_server().await;
        let rex = first.patient_id("Rex").await;
        let exam = first.item_id("EXAM").await;
        let client = first.client_of(rex).await;
        ExamDesks { first, second, rex, exam, client }
    }
}

#[test]
fn a_session_begun_on_one_server_is_served_by_the_other() {
    support::run(async {
        let first = TestApp::start().await;
        let second = first.second_server().await;
        let rex = first.patient_id("Rex").await;
        let (status, html) = second.get(&format!("/patients/{rex}")).await;
        assert_eq!(status, 200, "the manager signed in on the first server: {html}");
        assert!(html.contains("Rex"), "the second server shows the patient page");
        let (status, _) = second.call("sign-out", "").await;
        assert!(status < 400, "signed out on the second server: {status}");
        let (status, _) = first.get(&format!("/patients/{rex}")).await;
        assert_eq!(status, 303, "and so on the first: back to sign-in");
    })
}

#[test]
fn desks_on_two_servers_never_cover_more_than_is_left() {
    support::run(async {
        let first = TestApp::start().await;
        let second = first.second_server().await;
        let rex = first.patient_id("Rex").await;
        let nexgard = first.item_id("PAR-NXG").await;
        let (benefit, limit, used) = first.benefit(rex, "NexGard chewables").await;
        let client = first.client_of(rex).await;
        let desks = ((limit - used) / 6 + 4) as usize;
        let mut invoices = Vec::new();
        for _ in 0..desks {
            invoices.push(first.new_invoice(client).await);
        }
        let results = futures::future::join_all(invoices.iter().enumerate().map(|(n, invoice)| {
            let server = if n % 2 == 0 { &first } else { &second };
            async move { server.finalize(*invoice, json!([line(rex, nexgard, "1")]), &format!("desk-{n}")).await }
        }))
        .await;
        for (status, body) in &results {
            assert_eq!(*status, 200, "every desk's invoice is finalized: {body}");
        }
        let (_, _, used_after) = first.benefit(rex, "NexGard chewables").await;
        assert_eq!(used_after, limit, "every tablet left was used, none twice");
        let covered = first.covered_on_invoices(benefit).await;
        assert_eq!(covered, limit - used, "the two servers' desks together covered exactly what was left");
    })
}

#[test]
fn a_finalize_retried_on_the_other_server_gets_the_first_answer() {
    support::run(async {
        let ExamDesks { first, second, rex, exam, client } = ExamDesks::start().await;
        let invoice = first.new_invoice(client).await;
        let (status, answer) = first.finalize(invoice, json!([line(rex, exam, "1")]), "front-desk-1").await;
        assert_eq!(status, 200, "{answer}");
        let entries: i64 = first.scalar("SELECT count(*) + $1 FROM usage_ledger", 0).await;
        // The load balancer sends the retry (the answer was lost) elsewhere.
        let (status, retried) = second.finalize(invoice, json!([line(rex, exam, "1")]), "front-desk-1").await;
        assert_eq!(status, 200, "{retried}");
        assert_eq!(retried, answer, "the retry gets the first answer");
        assert_eq!(first.scalar("SELECT count(*) + $1 FROM usage_ledger", 0).await, entries, "nothing posted twice");
        let (status, body) = second.finalize(invoice, json!([line(rex, exam, "2")]), "front-desk-2").await;
        assert_eq!(status, 409, "another finalize of the same invoice is refused: {body}");
    })
}

#[test]
fn a_draft_saved_while_another_server_finalizes_it_is_saved_before_or_refused_after() {
    support::run(async {
        let ExamDesks { first, second, rex, exam, client } = ExamDesks::start().await;
        for round in 0..12 {
            let invoice = first.new_invoice(client).await;
            let key = format!("race-{round}");
            let finalizing = first.finalize(invoice, json!([line(rex, exam, "1")]), &key);
            let saving = second.call_json("invoice/save", json!({ "id": invoice, "lines": [line(rex, exam, "3")] }));
            let ((finalized, answer), (saved, refusal)) = futures::future::join(finalizing, saving).await;
            assert_eq!(finalized, 200, "the finalize goes through: {answer}");
            assert!(
                saved == 200 || (saved == 409 && refusal.contains("can no longer be edited")),
                "the save comes before the finalize or is refused after it: {saved} {refusal}"
            );
            let lines = first.scalar("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1", invoice).await;
            assert_eq!(lines, 1, "round {round}: the finalized invoice holds the one line it was finalized with");
            let quantity = first
                .scalar("SELECT CAST(max(quantity_text) AS BIGINT) FROM invoice_lines WHERE invoice_id = $1", invoice)
                .await;
            assert_eq!(quantity, 1, "round {round}: with the quantity it was finalized with");
        }
    })
}

#[test]
fn households_finalized_at_once_on_two_servers_get_the_next_numbers_in_turn() {
    support::run(async {
        let ExamDesks { first, second, exam, .. } = ExamDesks::start().await;
        let households: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT client_id, MIN(patient_id) FROM subscriptions
             WHERE kind = 'wellness' AND status = 'active' GROUP BY client_id ORDER BY client_id LIMIT 10",
        )
        .fetch_all(first.store.reader())
        .await
        .expect("households with plans");
        assert!(households.len() >= 4, "the demo has households with plans: {households:?}");
        let mut invoices = Vec::new();
        for (client, patient) in &households {
            invoices.push((first.new_invoice(*client).await, *patient));
        }
        let results =
            futures::future::join_all(
                invoices.iter().enumerate().map(|(n, (invoice, patient))| {
                    let server = if n % 2 == 0 { &first } else { &second };
                    async move {
                        server.finalize(*invoice, json!([line(*patient, exam, "1")]), &format!("household-{n}")).await
                    }
                }),
            )
            .await;
        let mut numbers = Vec::new();
        for (status, body) in &results {
            assert_eq!(*status, 200, "every household's invoice is finalized: {body}");
            let answer: serde_json::Value = serde_json::from_str(body).expect("an answer");
            numbers.push(answer["number"].as_str().expect("a number").to_string());
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), households.len(), "no two invoices share a number: {numbers:?}");
        let sequence: Vec<i64> = sqlx::query_scalar(
            "SELECT number_seq FROM invoices
             WHERE number_year = (SELECT number_year FROM invoices WHERE id = $1) ORDER BY number_seq",
        )
        .bind(invoices[0].0)
        .fetch_all(first.store.reader())
        .await
        .expect("numbers");
        let expected: Vec<i64> = (1..=sequence.len() as i64).collect();
        assert_eq!(sequence, expected, "the year's numbers run on without a gap or a repeat");
    })
}
