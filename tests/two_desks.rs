//! Two desks on one draft: a page opened before another desk changed the
//! draft cannot save or finalize over that change; the page is told to
//! reload, and the other desk's lines stay. A page's own saves, one after
//! another, are never refused.

mod support;

use serde_json::{Value, json};
use support::{TestApp, desk_line as line};

/// Opens a page: what `invoice/load` or `soap/load` gives it to edit.
async fn open(app: &TestApp, endpoint: &str, id: i64) -> Value {
    let (status, body) = app.call(endpoint, &format!("id={id}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["edit"].clone()
}

#[test]
fn a_page_opened_before_another_desks_save_cannot_save_or_finalize_over_it() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let client = app.client_of(rex).await;
        let (exam, food) = (app.item_id("EXAM").await, app.item_id("PAR-NXG").await);
        let invoice = app.new_invoice(client).await;
        let (a, b) = (open(&app, "invoice/load", invoice).await, open(&app, "invoice/load", invoice).await);
        assert_ne!(a["editor"], b["editor"], "each page has its own mark");

        let save = |edit: &Value, lines: Value| {
            let body = json!({ "id": invoice, "lines": lines, "edit": edit });
            let app = &app;
            async move { app.call_json("invoice/save", body).await }
        };
        let (status, body) = save(&b, json!([line(rex, exam, "1")])).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = save(&a, json!([line(rex, food, "1")])).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("Another desk changed this invoice after this page opened it"), "{body}");
        let kept = app.scalar("SELECT MIN(item_id) FROM invoice_lines WHERE invoice_id = $1", invoice).await;
        assert_eq!(kept, exam, "the other desk's line stays");

        // The page that saved goes on saving.
        let (status, body) = save(&b, json!([line(rex, exam, "1"), line(rex, food, "2")])).await;
        assert_eq!(status, 200, "{body}");

        // The stale page cannot finalize either; nothing is counted.
        let entries = app.scalar("SELECT count(*) + $1 FROM usage_ledger", 0).await;
        let finalize = |edit: &Value, key: &str| {
            let body =
                json!({ "id": invoice, "lines": [line(rex, food, "1")], "preview": [], "key": key, "edit": edit });
            let app = &app;
            async move { app.call_json("invoice/finalize", body).await }
        };
        let (status, body) = finalize(&a, "stale").await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(app.scalar("SELECT count(*) + $1 FROM usage_ledger", 0).await, entries);
        let status_now = support::text(&app, "SELECT status FROM invoices WHERE id = $1", invoice).await;
        assert_eq!(status_now.as_deref(), Some("draft"));
        // A page opened now sees both lines and finalizes.
        let fresh = open(&app, "invoice/load", invoice).await;
        let body = json!({ "id": invoice, "lines": [line(rex, exam, "1"), line(rex, food, "2")], "preview": [],
                           "key": "fresh", "edit": fresh });
        let (status, body) = app.call_json("invoice/finalize", body).await;
        assert_eq!(status, 200, "{body}");
    });
}

#[test]
fn a_soap_plan_opened_twice_keeps_the_first_save_and_refuses_the_stale_page() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let soap = app.new_soap(rex).await;
        let (vet, nurse) = (open(&app, "soap/load", soap).await, open(&app, "soap/load", soap).await);
        let save = |edit: &Value, notes: &str| {
            let body = json!({ "id": soap, "plan_notes": notes, "lines": [line(rex, exam, "1")], "edit": edit });
            let app = &app;
            async move { app.call_json("soap/save", body).await }
        };
        assert_eq!(save(&vet, "Recheck in 2 weeks").await.0, 200);
        assert_eq!(save(&vet, "Recheck in 2 weeks, fasted").await.0, 200, "the vet's own saves follow each other");
        let (status, body) = save(&nurse, "Weighed").await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("Someone else changed this SOAP plan"), "{body}");
        let notes = support::text(&app, "SELECT plan_notes FROM soap_notes WHERE id = $1", soap).await;
        assert_eq!(notes.as_deref(), Some("Recheck in 2 weeks, fasted"));
    });
}
