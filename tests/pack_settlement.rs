//! Cancelling a pack that was sold on an invoice: the invoice's charge is
//! what the client paid for it, and the money is settled once.

mod support;

use serde_json::{Value, json};
use support::*;

#[test]
fn a_pack_paid_on_its_invoice_settles_against_that_charge_and_its_sale_is_then_not_voided() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let pack_item = app.item_id(&format!("PACK-{daycare}")).await;
        let sale = app.new_invoice(client).await;
        let line = json!({ "patient_id": dog, "item_id": pack_item, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        assert_eq!(app.finalize(sale, json!([line]), "sell-to-settle").await.0, 200);
        let pack = app.scalar("SELECT id FROM subscriptions WHERE sold_on_invoice_id = $1", sale).await;
        let charged = text(&app, "SELECT net FROM invoice_lines WHERE invoice_id = $1", sale).await.unwrap();
        let day = app.item_id("DAYCARE").await;
        let visit = app.new_invoice(client).await;
        let use_line =
            json!({ "patient_id": dog, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        assert_eq!(app.finalize(visit, json!([use_line]), "one-day").await.0, 200);

        let (status, body) = app.call("plan/settlement", &format!("subscription_id={pack}&option=PayDifference")).await;
        assert_eq!(status, 200, "{body}");
        let preview: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(preview["paid"], json!(charged), "the invoice's charge for the pack was paid: {preview}");
        assert!(preview["outcome"].get("ClinicOwes").is_some(), "nine unused days of ten come back: {preview}");

        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={pack}&option=PayDifference&note=Moving+away")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("invoice/void", &format!("id={visit}&reason=not+given")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("invoice/void", &format!("id={sale}&reason=sold+by+mistake")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("settled with the client then, so voiding would pay it back twice"), "{body}");
        let still = text(&app, "SELECT status FROM invoices WHERE id = $1", sale).await;
        assert_eq!(still.as_deref(), Some("finalized"), "nothing changed");
    });
}
