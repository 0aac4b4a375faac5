//! A price list changed while the desk's invoice page was open: finalize
//! charges today's price and says so, line by line, instead of billing a
//! different amount than the screen showed without a word.

mod support;

use serde_json::{Value, json};
use support::catalog::set_price;
use support::{TestApp, desk_line as line};

/// Rex's household with a draft invoice opened while an X-ray (in none of
/// Rex's plans: charged in full) cost 80.00.
async fn xray_draft(app: &TestApp) -> (i64, i64, i64) {
    let rex = app.patient_id("Rex").await;
    let xray = app.item_id("XRAY").await;
    set_price(app, xray, "80.00").await;
    (rex, xray, app.new_invoice(app.client_of(rex).await).await)
}

async fn finalize_seen(app: &TestApp, invoice: i64, lines: Value, gross_seen: Value) -> Vec<String> {
    let body = json!({ "id": invoice, "lines": lines, "preview": [0], "key": format!("price-{invoice}"),
                       "gross_seen": gross_seen });
    let (status, answer) = app.call_json("invoice/finalize", body).await;
    assert_eq!(status, 200, "{answer}");
    serde_json::from_str::<Value>(&answer).unwrap()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_price_raised_while_the_page_was_open_is_charged_and_said() {
    support::run(async {
        let app = TestApp::start().await;
        let (rex, xray, invoice) = xray_draft(&app).await;
        // The page showed 2 × 80.00; a manager raised the price to 95.00.
        set_price(&app, xray, "95.00").await;
        let changes = finalize_seen(&app, invoice, json!([line(rex, xray, "2")]), json!(["160.00"])).await;
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0].starts_with("Line 1 (") && changes[0].contains("price list changed"), "{}", changes[0]);
        assert!(changes[0].contains("160.00") && changes[0].contains("190.00"), "{}", changes[0]);
        let gross: String = sqlx::query_scalar("SELECT gross FROM invoice_lines WHERE invoice_id = $1")
            .bind(invoice)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(gross.parse::<f64>().unwrap(), 190.0, "charged at the price of the day it was finalized");
    })
}

#[test]
fn the_price_the_page_showed_finalizes_without_a_word() {
    support::run(async {
        let app = TestApp::start().await;
        let (rex, xray, invoice) = xray_draft(&app).await;
        let changes = finalize_seen(&app, invoice, json!([line(rex, xray, "2")]), json!(["160.00"])).await;
        assert!(changes.is_empty(), "{changes:?}");
    })
}
