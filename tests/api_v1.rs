//! The integration API under /api/v1: tokens, pushing lines and files,
//! reading what is left, problem details, and the OpenAPI document.

mod support;

use carecount::server::actor::Actor;
use serde_json::{Value, json};
use support::TestApp;

/// A token made as a manager does it, on the sync page.
async fn token(app: &TestApp) -> String {
    let (status, body) = app.call("sync/token", "name=Practice+system").await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, Value) {
    let mut request = support::new_client().get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, kind, body)
}

async fn push(app: &TestApp, token: &str, lines: Value) -> (u16, Value) {
    let response = support::new_client()
        .post(app.url("/api/v1/invoice-lines"))
        .bearer_auth(token)
        .json(&json!({ "lines": lines }))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn exam_left(plans: &Value) -> i64 {
    let benefits = plans["plans"].as_array().unwrap().iter().flat_map(|p| p["benefits"].as_array().unwrap().clone());
    benefits.filter(|b| b["label"] == "Wellness exams").map(|b| b["left"].as_i64().unwrap_or(0)).sum()
}

#[test]
fn calls_without_a_live_token_of_this_organisation_are_refused_as_problems() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, kind, body) = get(&app, "/api/v1/sync-runs", None).await;
        assert_eq!((status, kind.as_str()), (401, "application/problem+json"), "{body}");
        assert!(body["detail"].as_str().unwrap().contains("Authorization: Bearer"), "{body}");
        let (status, _, _) = get(&app, "/api/v1/sync-runs", Some("cc_made-up")).await;
        assert_eq!(status, 401);

        let live = token(&app).await;
        assert_eq!(get(&app, "/api/v1/sync-runs", Some(&live)).await.0, 200);
        let id: i64 = app.scalar("SELECT id FROM api_tokens WHERE organisation_id = $1", 1).await;
        let (status, body) = app.call("sync/token/revoke", &format!("id={id}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(get(&app, "/api/v1/sync-runs", Some(&live)).await.0, 401, "a revoked token is refused");

        app.add_second_organisation().await;
        let who = Actor { user_id: None, name: "Boss Elsewhere".into() };
        let elsewhere = app.store.create_api_token(2, 2, "Their practice system", &who).await.unwrap();
        let (status, _, body) = get(&app, "/api/v1/patients/PMS-1001/plans", Some(&elsewhere)).await;
        assert_eq!(status, 404, "another organisation's token cannot see this clinic's patients: {body}");
        let (status, run) = push(
            &app,
            &elsewhere,
            json!([{ "invoice_id": "X-1", "line_id": "1", "invoice_date": "2026-11-02", "patient_id": "PMS-1001",
                     "code": "WP-EXAM", "quantity": 1 }]),
        )
        .await;
        assert_eq!(status, 200, "{run}");
        assert_eq!(run["applied"], 1);
        let ours: i64 = app.scalar("SELECT count(*) FROM pims_invoices WHERE organisation_id = $1", 1).await;
        assert_eq!(ours, 0, "nothing of it reached this organisation");
    })
}

#[test]
fn pushed_lines_and_uploaded_files_count_and_the_plans_say_what_is_left() {
    support::run(async {
        let app = TestApp::start().await;
        let token = token(&app).await;
        let (status, _, before) = get(&app, "/api/v1/patients/PMS-1001/plans", Some(&token)).await;
        assert_eq!(status, 200, "{before}");
        assert_eq!(before["patient_name"], "Rex");
        let left = exam_left(&before);
        assert!(left >= 1, "{before}");

        let line = json!({ "invoice_id": "API-1", "line_id": "1", "invoice_date": carecount::server::store::demo::demo_today(chrono::Utc::now()),
                           "patient_id": "PMS-1001", "code": "WP-EXAM", "quantity": 1 });
        let (status, run) = push(&app, &token, json!([line.clone()])).await;
        assert_eq!((status, run["applied"].as_i64()), (200, Some(1)), "{run}");
        let (_, _, after) = get(&app, "/api/v1/patients/PMS-1001/plans", Some(&token)).await;
        assert_eq!(exam_left(&after), left - 1);
        let (_, again) = push(&app, &token, json!([line])).await;
        assert_eq!(again["unchanged"], 1, "the same line twice counts once");

        let (status, problem) = push(
            &app,
            &token,
            json!([{ "invoice_id": "API-2", "line_id": "", "invoice_date": "2026-11-02", "patient_id": "PMS-1001",
                     "code": "WP-EXAM", "quantity": 1 }]),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(problem["detail"], "lines[0].line_id: is empty");

        let csv = "invoice_id,line_id,invoice_date,patient_id,code,quantity\nAPI-3,1,2026-11-02,PMS-1001,WP-EXAM,1\n";
        let response = support::new_client()
            .post(app.url("/api/v1/imports"))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let broken =
            "invoice_id,line_id,invoice_date,patient_id,code,quantity\nAPI-4,1,2026-11-02,PMS-1001,WP-EXAM,x\n";
        let response = support::new_client()
            .post(app.url("/api/v1/imports"))
            .bearer_auth(&token)
            .body(broken)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422);
        let problem: Value = response.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().contains("line 2, quantity"), "{problem}");
        assert!(problem["run_id"].as_i64().is_some(), "{problem}");

        let (status, _, runs) = get(&app, "/api/v1/sync-runs", Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(runs.as_array().unwrap().len(), 4, "{runs}");
        assert_eq!(get(&app, "/api/v1/over-usage?all=true", Some(&token)).await.0, 200);
        assert_eq!(get(&app, "/api/v1/over-usage?from=yesterday", Some(&token)).await.0, 422);
        assert_eq!(get(&app, "/api/v1/exceptions", Some(&token)).await.0, 200);
        let unknown = json!([{ "invoice_id": "API-5", "line_id": "1", "invoice_date": "2026-11-02",
                               "patient_id": "PMS-NOBODY", "code": "WP-EXAM", "quantity": 1 }]);
        assert_eq!(push(&app, &token, unknown).await.0, 200);
        let (_, _, first) = get(&app, "/api/v1/exceptions", Some(&token)).await;
        assert!(!first.as_array().unwrap().is_empty(), "{first}");
        for past in ["/api/v1/exceptions?page=2", "/api/v1/over-usage?all=true&page=2"] {
            let (status, _, rows) = get(&app, past, Some(&token)).await;
            assert_eq!((status, rows), (200, json!([])), "{past}: past the end is empty, so a reader stops");
        }
        let used: Option<String> =
            sqlx::query_scalar("SELECT last_used_at FROM api_tokens").fetch_one(app.store.reader()).await.unwrap();
        assert!(used.is_some(), "the token's last use is shown to managers");
    })
}

#[test]
fn an_export_larger_than_axums_own_limit_is_taken_and_one_over_the_stated_limit_is_refused() {
    support::run(async {
        let app = TestApp::start().await;
        let token = token(&app).await;
        let mut csv = String::from("invoice_id,line_id,invoice_date,patient_id,code,quantity\n");
        while csv.len() < 3 * 1024 * 1024 {
            csv.push_str("API-BIG,1,2026-11-02,PMS-1001,FOOD-12,1\n");
        }
        let send =
            |body: String| support::new_client().post(app.url("/api/v1/imports")).bearer_auth(&token).body(body).send();
        let response = send(csv).await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "a 3 MiB export imports");
        let run: Value = response.json().await.unwrap();
        assert!(run["lines_read"].as_i64().unwrap() > 70_000, "{run}");

        // Over the stated limit: refused by its declared length, before a
        // byte of it is read, as a problem document.
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST /api/v1/imports HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: text/csv\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            app.addr,
            21 * 1024 * 1024
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("application/problem+json") && answer.contains("(20 MiB)"), "{answer}");

        // Under the limit but with no credential: refused before a byte of
        // it is read, so nobody fills the server's memory unsigned.
        for (path, kind) in [("/api/v1/imports", "application/problem+json"), ("/sync/upload", "text/plain")] {
            let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                app.addr,
                10 * 1024 * 1024
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
            assert!(read.is_ok(), "{path}: the server waited for the body");
            let answer = String::from_utf8_lossy(&answer);
            assert!(answer.starts_with("HTTP/1.1 401") && answer.contains(kind), "{path}: {answer}");
        }
    })
}

#[test]
fn the_openapi_document_describes_every_endpoint_and_the_reference_page_reads_it() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let (status, _, doc) = get(&app, "/api/v1/openapi.json", None).await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        for path in [
            "/api/v1/invoice-lines",
            "/api/v1/imports",
            "/api/v1/patients/{patient_id}/plans",
            "/api/v1/over-usage",
            "/api/v1/exceptions",
            "/api/v1/sync-runs",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
        for schema in ["SyncRun", "Problem", "PushLines", "PatientPlans", "OverUsageRow", "ExceptionRow"] {
            assert!(doc["components"]["schemas"][schema].is_object(), "{schema} is described");
        }
        let page = support::new_client().get(app.url("/api/v1")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("POST /api/v1/invoice-lines") && page.contains("openapi.json"), "{page}");
    })
}

#[test]
fn a_token_reads_the_sync_runs_of_its_own_clinic_only() {
    support::run(async {
        let app = TestApp::start().await;
        let token = token(&app).await;
        let mut tx = app.store.begin_write().await.unwrap();
        for statement in [
            "INSERT INTO clinics (id, organisation_id, name) VALUES (3, 1, 'Maple North')",
            "INSERT INTO sync_runs (organisation_id, clinic_id, source, file_name, actor_name, digest)
             VALUES (1, 3, 'folder', 'north.csv', 'Maple North', 'Bello (PMS-77) over the limit on N-12')",
        ] {
            sqlx::query(statement).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        let (status, _, runs) = get(&app, "/api/v1/sync-runs", Some(&token)).await;
        assert_eq!(status, 200);
        assert!(!runs.to_string().contains("north.csv"), "another clinic's run and its digest stay there: {runs}");
        let every = app.store.sync_runs(1, 50).await.unwrap();
        assert!(every.iter().any(|r| r.file_name == "north.csv"), "the manager's sync page lists every clinic's runs");
    })
}

#[test]
fn a_read_answers_while_an_import_holds_the_database() {
    support::run(async {
        let app = TestApp::start().await;
        let token = token(&app).await;
        // A long import (or a finalize) holds the one writer: reading what
        // is left does not queue behind it to stamp the token's last use.
        let busy = app.store.begin_write().await.unwrap();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            get(&app, "/api/v1/patients/PMS-1001/plans", Some(&token)),
        )
        .await
        .expect("the read does not wait for the writer");
        assert_eq!(read.0, 200, "{}", read.2);
        drop(busy);
        let mut used: Option<String> = None;
        for _ in 0..50 {
            used =
                sqlx::query_scalar("SELECT last_used_at FROM api_tokens").fetch_one(app.store.reader()).await.unwrap();
            if used.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(used.is_some(), "the use is stamped once the writer is free");
    })
}
