//! A practice system corrects its invoices in every way a clinic sees:
//! a line moved to another item of the same benefit, a return under another
//! code, a correction that clears over-usage before a manager decides, and
//! a removal the owner reads. Each ends with the counts a person would
//! expect, and an export too large for axum's own limit still imports.

mod support;

use support::TestApp;
use support::sync::{HEADER, count, import, pims, used, visit_day};

/// What an invoice holds on the plans: (covered, over-usage).
async fn held_by(app: &TestApp, invoice: &str) -> (i64, i64) {
    let covered = count(
        app,
        &format!(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE source_key LIKE 'pims:1:{invoice}:%'
                OR reversal_of IN (SELECT id FROM usage_ledger WHERE source_key LIKE 'pims:1:{invoice}:%')"
        ),
    )
    .await;
    let over = count(
        app,
        &format!("SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage WHERE invoice_ref = '{invoice}'"),
    )
    .await;
    (covered, over)
}

#[test]
fn a_line_recoded_to_another_vaccine_of_the_same_benefit_keeps_its_place_in_the_plan() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let (dhpp, lepto) = (used(&app, "Rex", "VAC-DHPP").await, used(&app, "Rex", "VAC-LEP").await);
        // More than the plan's core vaccines: the plan fills, the rest is over-usage.
        import(&app, &format!("{HEADER}INV-8000,1,{day},{rex},WP-VAC-LEP,40,,\n")).await.unwrap();
        let (covered, over) = held_by(&app, "INV-8000").await;
        assert!(covered > 0 && covered + over == 40, "{covered} covered, {over} over");

        // The practice system recodes the line to DHPP, an item of the same
        // group (and of a lower id, so its key sorts first).
        import(&app, &format!("{HEADER}INV-8000,1,{day},{rex},WP-VAC-DHPP,40,,\n")).await.unwrap();
        assert_eq!(held_by(&app, "INV-8000").await, (covered, over), "the same place in the plan, not all over-usage");
        assert_eq!(used(&app, "Rex", "VAC-DHPP").await, dhpp + covered);
        assert_eq!(used(&app, "Rex", "VAC-LEP").await, lepto);
    })
}

#[test]
fn a_return_under_another_code_of_the_same_item_nets_against_its_use() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        app.store.map_code(1, "WP-EXAM-BOOSTER", app.item_id("EXAM").await).await.unwrap();
        let before = used(&app, "Rex", "EXAM").await;
        let file = format!(
            "{HEADER}INV-8100,1,{day},{rex},WP-EXAM,2,,\nINV-8100,2,{day},{rex},WP-EXAM-BOOSTER,-1,,Returned\n"
        );
        let run = import(&app, &file).await.unwrap();
        assert_eq!(run.exceptions, 0, "{run:?}");
        let (covered, over) = held_by(&app, "INV-8100").await;
        assert_eq!(covered + over, 1, "two exams less one returned is one");
        assert_eq!(used(&app, "Rex", "EXAM").await, before + covered);

        // More returned than used still goes to a person, named by the line.
        let file = format!("{HEADER}INV-8100,2,{day},{rex},WP-EXAM-BOOSTER,-3,,Returned\n");
        let run = import(&app, &file).await.unwrap();
        assert_eq!(run.exceptions, 1, "{run:?}");
        let detail: String = sqlx::query_scalar(
            "SELECT detail FROM sync_exceptions WHERE invoice_ref = 'INV-8100' AND resolved_run_id IS NULL",
        )
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(detail, "returns 1 more than this invoice used; remove the use on the plan page");
        assert_eq!(held_by(&app, "INV-8100").await, (0, 0), "the invoice asks nothing of the exam");
        assert_eq!(used(&app, "Rex", "EXAM").await, before);
    })
}

#[test]
fn over_usage_the_practice_system_cleared_cannot_be_removed_from_an_old_page() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        import(&app, &format!("{HEADER}INV-8200,1,{day},{rex},WP-EXAM,30,,\n")).await.unwrap();
        let (covered, over) = held_by(&app, "INV-8200").await;
        assert!(covered > 0 && over > 0, "{covered} covered, {over} over");
        let id: i64 = count(&app, "SELECT id FROM over_usage WHERE invoice_ref = 'INV-8200'").await;

        // The practice system corrects the invoice to what the plan covers,
        // while a manager still has the report open.
        import(&app, &format!("{HEADER}INV-8200,1,{day},{rex},WP-EXAM,{covered},,\n")).await.unwrap();
        assert_eq!(held_by(&app, "INV-8200").await, (covered, 0));
        let (status, body) = app.call("sync/over-usage", &format!("id={id}&decision=remove&note=Booked+twice")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("no longer goes beyond the plan"), "{body}");
        assert_eq!(held_by(&app, "INV-8200").await, (covered, 0), "the uses the invoice asks for stay");
    })
}

#[test]
fn the_owner_reads_a_use_removed_in_the_over_usage_review_as_a_correction() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        import(&app, &format!("{HEADER}INV-8300,1,{day},{rex},WP-EXAM,30,,\n")).await.unwrap();
        let id: i64 = count(&app, "SELECT id FROM over_usage WHERE invoice_ref = 'INV-8300'").await;
        let (status, body) =
            app.call("sync/over-usage", &format!("id={id}&decision=remove&note=Charged+to+the+client")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(held_by(&app, "INV-8300").await.0, 0, "every covered exam was given back");

        let owner = app.client_for(support::OWNER).await;
        let (status, body) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200, "{body}");
        let card: serde_json::Value = serde_json::from_str(&body).unwrap();
        let given_back: Vec<&str> = card["plans"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|plan| plan["history"].as_array().unwrap().iter())
            .filter(|u| u["text"].as_str().unwrap().contains("given back"))
            .map(|u| u["source"].as_str().unwrap())
            .collect();
        assert!(
            given_back.contains(&"corrected by the clinic: taken off the plan after the clinic's review"),
            "{given_back:?}"
        );
    })
}

#[test]
fn an_export_larger_than_two_mebibytes_uploads_and_imports() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let mut file = format!("{HEADER}INV-8400,1,{day},{rex},WP-EXAM,1,,\n");
        let mut n = 0;
        while file.len() < 3 * 1024 * 1024 {
            n += 1;
            file.push_str(&format!("INV-9{n:06},1,{day},{rex},FOOD-12,1,,Senior dry food 12 kg bag\n"));
        }
        let part = reqwest::multipart::Part::text(file).file_name("month.csv").mime_str("text/csv").unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let response = app.client.post(app.url("/sync/upload")).multipart(form).send().await.unwrap();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        assert_eq!(response.status().as_u16(), 303);
        assert!(location.starts_with("/sync?run=") && !location.contains("problem="), "{location}");
        let read: i64 = count(&app, "SELECT lines_read FROM sync_runs ORDER BY id DESC LIMIT 1").await;
        assert_eq!(read, n + 1, "every line of the file was read");
    })
}
