//! A SOAP plan and the invoice made from it price the visit on the same
//! day: the day of the visit, whenever reception makes the invoice.

mod support;

use carecount::domain::price_draft;
use carecount::wire::soap::SoapView;
use chrono::Days;
use serde_json::json;
use support::{TestApp, desk_line as line};

#[test]
fn an_invoice_made_the_morning_after_a_visit_is_priced_as_its_soap_plan_was() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let soap = app.new_soap(rex).await;
        let (status, body) =
            app.call_json("soap/save", json!({ "id": soap, "plan_notes": "", "lines": [line(rex, exam, "1")] })).await;
        assert_eq!(status, 200, "{body}");

        // The visit was yesterday, the last day of Rex's plan.
        let today = app.store.clinic_of(1, None, chrono::Utc::now()).await.unwrap().today;
        let yesterday = carecount::wire::stored::Day(today - Days::new(1));
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE soap_notes SET visit_date = $1 WHERE id = $2")
            .bind(yesterday)
            .bind(soap)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE subscriptions SET ends_on = $1 WHERE patient_id = $2 AND kind = 'wellness' AND status = 'active'",
        )
        .bind(yesterday)
        .bind(rex)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let (status, body) = app.call("soap/load", &format!("id={soap}")).await;
        assert_eq!(status, 200, "{body}");
        let view: SoapView = serde_json::from_str(&body).unwrap();
        let shown = price_draft(&view.pricing(), &view.lines).finalizable(&view.lines).unwrap();
        assert_eq!(shown.lines[0].covered.0, 1, "the vet saw the exam covered on the day of the visit");

        // A SOAP plan of today goes on an invoice of its own.
        let client = app.client_of(rex).await;
        let today_soap = app.new_soap(rex).await;
        let both = json!({ "client_id": client, "soap_ids": [soap, today_soap] });
        let (status, body) = app.call_json("invoice/start", both).await;
        assert!(status == 422 && body.contains("from different days"), "{status} {body}");
        let (status, body) = app.call_json("invoice/start", json!({ "client_id": client, "soap_ids": [soap] })).await;
        assert_eq!(status, 200, "{body}");
        let invoice: i64 = body.parse().unwrap();
        let made = app.store.invoice_view(1, invoice).await.unwrap();
        assert_eq!(made.invoice_date, today - Days::new(1), "dated on the day of the visit");
        assert_eq!(made.coverage().unwrap().lines[0].covered.0, 1, "priced as the SOAP plan showed it");
    });
}
