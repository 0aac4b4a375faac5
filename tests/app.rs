//! The app end to end over HTTP, against a fresh database per test.

mod support;

use std::process::Command;

use support::TestApp;

#[test]
fn health_answers_once_the_database_is_open() {
    support::run(async {
        let app = TestApp::start().await;
        assert_eq!(app.get("/health").await, (200, "ok".to_string()));
    })
}

#[test]
fn home_lists_patients_with_their_plans() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, html) = app.get("/").await;
        assert_eq!(status, 200);
        for text in ["Maple Street Veterinary Clinic", "Rex", "Emma de Vries", "Puppy Plan", "Plan member"] {
            assert!(html.contains(text), "home page lacks {text:?}");
        }
        let rows = html.matches("data-test=\"patient-row\"").count();
        assert_eq!(rows, 30, "every demo patient is listed");
    })
}

#[test]
fn patient_page_shows_each_benefit_with_what_is_left() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let (status, html) = app.get(&format!("/patients/{rex}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Puppy Plan"));
        assert!(html.contains("Daycare 10-day pack"), "the owner's household pack covers Rex too");
        assert!(html.contains("of 24 tablets left"), "NexGard counts in tablets");
        assert!(html.contains("badge-unlimited"), "nail trims are unlimited");
        let badges = html.matches("data-test=\"benefit-row\"").count();
        assert_eq!(badges, 7, "six Puppy Plan benefits and one daycare benefit");
    })
}

#[test]
fn remaining_on_the_page_is_the_limit_minus_the_ledger() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let (limit, used): (i64, i64) = sqlx::query_as(
            "SELECT b.limit_quantity, COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0)
         FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
         LEFT JOIN usage_ledger l ON l.subscription_benefit_id = b.id
         WHERE s.patient_id = $1 AND b.label = 'Wellness exams' GROUP BY b.id",
        )
        .bind(rex)
        .fetch_one(app.store.reader())
        .await
        .expect("Rex's exam benefit");
        let (_, html) = app.get(&format!("/patients/{rex}")).await;
        assert!(
            html.contains(&format!("{} of {limit} left", limit - used)),
            "page shows {} of {limit} left",
            limit - used
        );
    })
}

#[test]
fn the_ledger_refuses_updates_and_deletes() {
    support::run(async {
        let app = TestApp::start().await;
        let mut tx = app.store.begin_write().await.expect("write");
        let update = sqlx::query("UPDATE usage_ledger SET quantity = 0").execute(&mut *tx).await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        // PostgreSQL ends a transaction at its first error.
        drop(tx);
        let mut tx = app.store.begin_write().await.expect("write");
        let delete = sqlx::query("DELETE FROM usage_ledger").execute(&mut *tx).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    })
}

#[test]
fn unknown_patients_and_pages_get_a_clear_not_found() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, html) = app.get("/patients/999999").await;
        assert_eq!(status, 404);
        assert!(html.contains("There is no patient number 999999 in this clinic."));
        let (status, html) = app.get("/no/such/page").await;
        assert_eq!(status, 404);
        assert!(html.contains("There is no page at this address."));
        let (status, body) = app.call("patient", "id=999999").await;
        assert_eq!(status, 404);
        assert!(body.contains("There is no patient number 999999"), "{body}");
        let (status, body) = app.call("patient", "id=rex").await;
        assert_eq!(status, 422, "{body}");
    })
}

/// Runs the server binary, which must stop by itself within 30 seconds.
fn run_binary(envs: &[(&str, &str)]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carecount"))
        .envs(envs.iter().copied())
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run carecount binary");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().expect("kill");
            panic!("the server kept running instead of stopping with an error");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn a_database_file_that_is_not_sqlite_stops_start_up_with_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(200)).expect("write file");
    let out = run_binary(&[("CARECOUNT_DATABASE", path.to_str().expect("utf-8")), ("CARECOUNT_ADDR", "127.0.0.1:0")]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line, not a panic trace: {stderr}");
    assert!(stderr.contains("is not a CareCount SQLite database"), "{stderr}");
}

#[test]
fn a_port_in_use_stops_start_up_with_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("carecount.db");
    let out = run_binary(&[("CARECOUNT_DATABASE", db.to_str().expect("utf-8")), ("CARECOUNT_ADDR", &addr)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line, not a panic trace: {stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
}
