//! Regression tests for the sequences that once broke the counts: each is
//! named after the case a new user found.

mod support;

use serde_json::{Value, json};
use support::catalog::set_price;
use support::{TestApp, desk_line as line};

/// Finalizes a new invoice for the patient's household; returns its id.
async fn invoice(app: &TestApp, patient: i64, lines: Value) -> i64 {
    let id = app.new_invoice(app.client_of(patient).await).await;
    let (status, body) = app.finalize(id, lines, &format!("k-{id}")).await;
    assert_eq!(status, 200, "{body}");
    id
}

/// Starts a correction of `original` and finalizes it with `lines`.
async fn correct(app: &TestApp, original: i64, lines: Value) -> (u16, String, i64) {
    let (status, body) = app.call("invoice/correct", &format!("id={original}")).await;
    assert_eq!(status, 200, "{body}");
    let id: i64 = body.parse().unwrap();
    let (status, body) = app.finalize(id, lines, &format!("c-{id}")).await;
    (status, body, id)
}

/// The use an invoice's first line posted.
async fn posting_of(app: &TestApp, invoice: i64) -> i64 {
    app.scalar(
        "SELECT l.id FROM usage_ledger l JOIN invoice_lines il ON il.id = l.invoice_line_id
         WHERE il.invoice_id = $1 AND l.reversal_of IS NULL ORDER BY l.id LIMIT 1",
        invoice,
    )
    .await
}

async fn void(app: &TestApp, id: i64) -> (u16, String) {
    app.call("invoice/void", &format!("id={id}&reason=Wrong+client")).await
}

async fn net_of(app: &TestApp, invoice: i64) -> rust_decimal::Decimal {
    let net: String =
        sqlx::query_scalar("SELECT net FROM invoice_lines WHERE invoice_id = $1 ORDER BY position LIMIT 1")
            .bind(invoice)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
    net.parse().unwrap()
}

#[test]
fn correction_then_void_of_the_original_gives_the_use_back_once() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let before = app.benefit(rex, "Wellness exams").await;
        let a = invoice(&app, rex, json!([line(rex, exam, "1")])).await;
        let (status, body, c) = correct(&app, a, json!([line(rex, exam, "-1")])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "Wellness exams").await, before, "the correction gave the exam back");

        let (status, body) = void(&app, a).await;
        assert_eq!(status, 409, "voiding the corrected invoice would give the exam back twice: {body}");
        assert!(body.contains("Void the correction first"), "{body}");
        assert_eq!(app.benefit(rex, "Wellness exams").await, before);

        // "Remove" in the history after the correction gives nothing back either.
        let posting = posting_of(&app, a).await;
        let (status, body) =
            app.call("usage/remove", &format!("entry_id={posting}&reason=duplicate&note=Double+entry")).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(app.benefit(rex, "Wellness exams").await, before);

        // Undo in the other order: the correction, then the invoice.
        assert_eq!(void(&app, c).await.0, 200);
        assert_eq!(app.benefit(rex, "Wellness exams").await.2, before.2 + 1, "voiding the correction counts it again");
        assert_eq!(void(&app, a).await.0, 200);
        assert_eq!(app.benefit(rex, "Wellness exams").await, before, "and voiding the invoice gives it back once");
    })
}

#[test]
fn a_second_correction_of_the_same_invoice_cannot_return_an_earlier_use() {
    support::run(async {
        let app = TestApp::start().await;
        let bella = app.patient_id("Bella").await;
        let exam = app.item_id("EXAM").await;
        let (_, limit, used) = app.benefit(bella, "Wellness exams").await;
        assert!(used >= 1 && used < limit, "the demo gives Bella a use carried over and one left");
        let a = invoice(&app, bella, json!([line(bella, exam, "1")])).await;
        let (status, body, _) = correct(&app, a, json!([line(bella, exam, "-1")])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(bella, "Wellness exams").await.2, used);

        let (status, body, second) = correct(&app, a, json!([line(bella, exam, "-1")])).await;
        assert_eq!(status, 422, "the invoice has nothing left to return: {body}");
        assert!(body.contains("no exams of this item left to return"), "{body}");
        assert_eq!(app.benefit(bella, "Wellness exams").await.2, used, "Bella's carried-over use stays counted");
        let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
            .bind(second)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(status, "draft", "nothing was posted and the draft keeps what was typed");
    })
}

#[test]
fn returning_a_use_that_was_already_removed_credits_what_was_charged_not_the_regular_price() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let before = app.benefit(rex, "Wellness exams").await;
        let a = invoice(&app, rex, json!([line(rex, exam, "1")])).await;
        let posting = posting_of(&app, a).await;
        let (status, body) =
            app.call("usage/remove", &format!("entry_id={posting}&reason=duplicate&note=Entered+twice")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "Wellness exams").await, before);

        let (status, body, c) = correct(&app, a, json!([line(rex, exam, "-1")])).await;
        assert_eq!(status, 200, "{body}");
        assert!(net_of(&app, c).await.is_zero(), "the client paid nothing for that exam, so nothing is credited");
        assert_eq!(app.benefit(rex, "Wellness exams").await, before, "and nothing goes back twice");
        let note: String = sqlx::query_scalar("SELECT explanation FROM invoice_lines WHERE invoice_id = $1")
            .bind(c)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert!(note.contains("no longer counted there"), "{note}");
    })
}

#[test]
fn a_paid_unit_returned_is_credited_what_it_cost_then() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let xray = app.item_id("XRAY").await;
        let a = invoice(&app, rex, json!([line(rex, xray, "1")])).await;
        let charged = net_of(&app, a).await;
        set_price(&app, xray, "999.00").await;
        let (status, body, c) = correct(&app, a, json!([line(rex, xray, "-1")])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(net_of(&app, c).await, -charged, "credited what was charged, not today's price");
    })
}

#[test]
fn invoice_numbers_count_per_organisation_and_in_numeric_order() {
    support::run(async {
        let app = TestApp::start().await;
        app.add_second_organisation().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let first = invoice(&app, rex, json!([line(rex, exam, "1")])).await;
        let number = |id: i64| {
            let app = &app;
            async move {
                sqlx::query_scalar::<_, String>("SELECT invoice_number FROM invoices WHERE id = $1")
                    .bind(id)
                    .fetch_one(app.store.reader())
                    .await
                    .unwrap()
            }
        };
        let ours = number(first).await;
        assert!(ours.ends_with("-00001"), "{ours}");

        // The other organisation's first invoice gets the same number, in its own series.
        let boss = app.client_for("boss@elsewhere.example").await;
        let response = boss
            .post(app.url("/api/invoice/start"))
            .json(&json!({ "client_id": 900, "soap_ids": [] }))
            .send()
            .await
            .unwrap();
        let theirs: i64 = response.text().await.unwrap().parse().unwrap();
        let exam_elsewhere: i64 = {
            let mut tx = app.store.begin_write().await.unwrap();
            let id = sqlx::query_scalar(
                "INSERT INTO catalog_items (organisation_id, code, name, kind, unit_name, regular_price)
                 VALUES (2, 'EXAM', 'Exam', 'service', 'exam', '40.00') RETURNING id",
            )
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
            id
        };
        let response = boss
            .post(app.url("/api/invoice/finalize"))
            .json(&json!({ "id": theirs, "lines": [line(900, exam_elsewhere, "1")], "preview": [], "key": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{}", response.text().await.unwrap());
        assert_eq!(number(theirs).await, ours, "each organisation counts its own invoices");

        // Past 99,999 the numbers still follow each other.
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE invoices SET number_seq = 99999, invoice_number = 'INV-X-99999' WHERE id = $1")
            .bind(first)
            .execute(&mut *tx)
            .await
            .unwrap();
        // The organisation's counter, as if it had numbered 99,999 invoices.
        sqlx::query("UPDATE invoice_numbers SET last_seq = 99999 WHERE organisation_id = 1")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let next = invoice(&app, rex, json!([line(rex, exam, "1")])).await;
        assert!(number(next).await.ends_with("-100000"), "{}", number(next).await);
        let after = invoice(&app, rex, json!([line(rex, exam, "1")])).await;
        assert!(number(after).await.ends_with("-100001"), "{}", number(after).await);
    })
}

#[test]
fn a_half_price_benefit_is_settled_at_what_it_saved() {
    support::run(async {
        let app = TestApp::start().await;
        // An adult dog whose plan includes a dental cleaning at 50 % off.
        let (plan, patient): (i64, i64) = sqlx::query_as(
            "SELECT s.id, s.patient_id FROM subscriptions s JOIN subscription_benefits b ON b.subscription_id = s.id
             WHERE b.label = 'Dental cleaning' AND b.discount_percent = '50' AND s.status = 'active' LIMIT 1",
        )
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        let dental = app.item_id("DEN-CLN").await;
        let before = settlement_used(&app, plan).await;
        invoice(&app, patient, json!([line(patient, dental, "1")])).await;
        let after = settlement_used(&app, plan).await;
        // 180.00 at 50 % off: the plan saved 90.00, and the client paid the other 90.00.
        assert_eq!(after - before, rust_decimal::Decimal::from(90), "valued at what it saved, not 180.00");
    })
}

async fn settlement_used(app: &TestApp, plan: i64) -> rust_decimal::Decimal {
    let (status, body) = app.call("plan/settlement", &format!("subscription_id={plan}&option=PayDifference")).await;
    assert_eq!(status, 200, "{body}");
    let value: Value = serde_json::from_str(&body).unwrap();
    value["used_value"].as_str().unwrap().parse().unwrap()
}

#[test]
fn what_the_plan_saved_keeps_the_prices_of_the_day_it_was_used() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        invoice(&app, rex, json!([line(rex, exam, "1")])).await;
        let before = household_saved(&app, rex).await;
        set_price(&app, exam, "99.00").await;
        assert_eq!(household_saved(&app, rex).await, before, "a price change does not rewrite what was saved");
    })
}

#[test]
fn finalize_void_and_the_invoice_page_use_the_invoices_own_clinic() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) = app
            .call("settings/clinic", "id=0&name=North+Branch&currency=USD&time_zone=Europe%2FAmsterdam&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 200, "{body}");
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let draft = app.new_invoice(app.client_of(rex).await).await;
        let north = app.scalar("SELECT id FROM clinics WHERE name = 'North Branch' AND $1 > 0", 1).await;
        let (status, body) = app.call("clinic/switch", &format!("clinic_id={north}")).await;
        assert!(status == 200 || status == 303, "{body}");
        let (status, body) = app.finalize(draft, json!([line(rex, exam, "1")]), "own-clinic").await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("invoice/load", &format!("id={draft}")).await;
        assert_eq!(status, 200, "{body}");
        let view: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(view["clinic"]["id"], 1, "the invoice belongs to the clinic it was made in");
        assert_eq!(view["clinic"]["currency"]["code"], "EUR", "and is shown in that clinic's currency");
    })
}

/// Used units of a plan's benefit by label, counted as the plan shows them today.
async fn shown_used(app: &TestApp, plan: i64, label: &str) -> i64 {
    let (status, body) = app.call("plan", &format!("id={plan}")).await;
    assert_eq!(status, 200, "{body}");
    let detail: Value = serde_json::from_str(&body).unwrap();
    let benefits = detail["detail"]["card"]["subscription"]["benefits"].as_array().unwrap();
    let found = benefits.iter().find(|b| b["label"] == label).unwrap_or_else(|| panic!("{label} on plan {plan}"));
    found["used"].as_i64().unwrap()
}

/// Loki dies today and his plan moves to Saar, as the patient page does it;
/// returns Saar's new plan.
async fn loki_dies_and_his_plan_moves_to_saar(app: &TestApp, old_plan: i64) -> i64 {
    let (loki, saar) = (app.patient_id("Loki").await, app.patient_id("Saar").await);
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    let (status, body) = app.call("patient/deceased", &format!("patient_id={loki}&died_on={today}")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.call("plan/transfer", &format!("subscription_id={old_plan}&to_patient_id={saar}")).await;
    assert_eq!(status, 200, "{body}");
    body.parse().unwrap()
}

#[test]
fn voiding_an_invoice_from_before_a_death_gives_the_use_to_the_plan_that_took_over() {
    support::run(async {
        let app = TestApp::start().await;
        let loki = app.patient_id("Loki").await;
        let exam = app.item_id("EXAM").await;
        let old_plan =
            app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", loki).await;
        let a = invoice(&app, loki, json!([line(loki, exam, "1")])).await;
        let used_by_loki = shown_used(&app, old_plan, "Wellness exams").await;
        let new_plan = loki_dies_and_his_plan_moves_to_saar(&app, old_plan).await;
        assert_eq!(shown_used(&app, new_plan, "Wellness exams").await, used_by_loki, "Loki's uses moved along");

        assert_eq!(void(&app, a).await.0, 200);
        assert_eq!(
            shown_used(&app, new_plan, "Wellness exams").await,
            used_by_loki - 1,
            "the exam given back reaches Saar's plan instead of being lost on the cancelled one"
        );
        let (_, limit): (i64, i64) = sqlx::query_as(
            "SELECT b.id, b.limit_quantity FROM subscription_benefits b WHERE b.subscription_id = $1 AND b.label = $2",
        )
        .bind(old_plan)
        .bind("Wellness exams")
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(shown_used(&app, old_plan, "Wellness exams").await, limit, "the old plan stays fully moved");
    })
}

/// Shrunk from the ledger model: a correction returns an exam used before a
/// death and, in the same correction, books an exam for the pet whose plan
/// took over. The returned exam reaches that plan, so the new line is covered.
#[test]
fn a_correction_returning_a_use_from_before_a_death_lets_the_plan_that_took_over_cover_its_next_line() {
    support::run(async {
        let app = TestApp::start().await;
        let loki = app.patient_id("Loki").await;
        let saar = app.patient_id("Saar").await;
        let exam = app.item_id("EXAM").await;
        let old_plan =
            app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", loki).await;
        let limit = app
            .scalar(
                "SELECT limit_quantity FROM subscription_benefits WHERE subscription_id = $1 AND label = 'Wellness exams'",
                old_plan,
            )
            .await;
        let left = limit - shown_used(&app, old_plan, "Wellness exams").await;
        assert!(left >= 1, "Loki's plan has an exam left to use");
        let a = invoice(&app, loki, json!([line(loki, exam, &left.to_string())])).await;
        let new_plan = loki_dies_and_his_plan_moves_to_saar(&app, old_plan).await;
        assert_eq!(shown_used(&app, new_plan, "Wellness exams").await, limit, "Saar's plan starts full");

        let (status, body, c) = correct(&app, a, json!([line(loki, exam, "-1"), line(saar, exam, "1")])).await;
        assert_eq!(status, 200, "{body}");
        let covered =
            app.scalar("SELECT covered_quantity FROM invoice_lines WHERE invoice_id = $1 AND position = 1", c).await;
        assert_eq!(covered, 1, "Saar's exam is covered by the exam Loki's line gave back");
        assert_eq!(shown_used(&app, new_plan, "Wellness exams").await, limit, "one given back, one used");
    })
}

/// Makes Bella's plan count exams per plan year, with a plan year that
/// began today; returns the plan and the exam benefit.
async fn yearly_bella(app: &TestApp) -> (i64, i64, i64) {
    let bella = app.patient_id("Bella").await;
    let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", bella).await;
    let (benefit, _, _) = app.benefit(bella, "Wellness exams").await;
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    support::count_yearly(app, plan, benefit, today.checked_sub_months(chrono::Months::new(12)).unwrap()).await;
    (bella, plan, benefit)
}

async fn used_between(app: &TestApp, benefit: i64, from: chrono::NaiveDate, until: chrono::NaiveDate) -> i64 {
    sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE subscription_benefit_id = $1
           AND used_on >= $2 AND used_on < $3",
    )
    .bind(benefit)
    .bind(carecount::wire::stored::Day(from))
    .bind(carecount::wire::stored::Day(until))
    .fetch_one(app.store.reader())
    .await
    .unwrap()
}

#[test]
fn a_draft_dated_before_the_anniversary_counts_in_its_own_plan_year_and_its_correction_gives_back_there() {
    support::run(async {
        let app = TestApp::start().await;
        let (bella, plan, benefit) = yearly_bella(&app).await;
        let exam = app.item_id("EXAM").await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        let yesterday = today.pred_opt().unwrap();
        let long_ago = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let far = chrono::NaiveDate::from_ymd_opt(2999, 1, 1).unwrap();
        let (limit, last_year) = (
            app.scalar("SELECT limit_quantity FROM subscription_benefits WHERE id = $1", benefit).await,
            used_between(&app, benefit, long_ago, today).await,
        );
        assert!(last_year < limit, "the demo leaves Bella an exam in the year that just ended");
        // The draft was started yesterday, in the plan year that ended.
        let draft = app.new_invoice(app.client_of(bella).await).await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE invoices SET invoice_date = $1 WHERE id = $2")
            .bind(carecount::wire::stored::Day(yesterday))
            .bind(draft)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let (status, body) = app.finalize(draft, json!([line(bella, exam, "1")]), "late").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used_between(&app, benefit, long_ago, today).await, last_year + 1, "counted in its own year");
        assert_eq!(used_between(&app, benefit, today, far).await, 0, "the new plan year is untouched");
        assert_eq!(shown_used(&app, plan, "Wellness exams").await, 0);

        // A correction made today gives the exam back to the year it came from.
        let (status, body, _) = correct(&app, draft, json!([line(bella, exam, "-1")])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used_between(&app, benefit, long_ago, today).await, last_year);
        assert_eq!(used_between(&app, benefit, today, far).await, 0, "this year gains nothing it never used");
    })
}

/// What the household's healthcard says its plans saved.
async fn household_saved(app: &TestApp, patient: i64) -> Value {
    let (status, body) = app.call("household", &format!("patient_id={patient}")).await;
    assert_eq!(status, 200, "{body}");
    let card: Value = serde_json::from_str(&body).unwrap();
    card["total_saved"].clone()
}

#[test]
fn a_transfer_after_a_death_moves_this_plan_years_use_only() {
    support::run(async {
        let app = TestApp::start().await;
        let loki = app.patient_id("Loki").await;
        let saar = app.patient_id("Saar").await;
        let old_plan =
            app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", loki).await;
        let (benefit, limit, used_last_year) = app.benefit(loki, "Wellness exams").await;
        assert!(used_last_year > 0, "the demo gives Loki exams used before today");
        // Exams reset each plan year, and a new plan year began today: all
        // of Loki's earlier exams belong to the year that ended.
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        support::count_yearly(&app, old_plan, benefit, today.checked_sub_months(chrono::Months::new(12)).unwrap())
            .await;
        let (status, body) = app.call("patient/deceased", &format!("patient_id={loki}&died_on={today}")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) =
            app.call("plan/transfer", &format!("subscription_id={old_plan}&to_patient_id={saar}")).await;
        assert_eq!(status, 200, "{body}");
        let new_plan: i64 = body.parse().unwrap();
        assert_eq!(shown_used(&app, new_plan, "Wellness exams").await, 0, "last year's exams do not move");
        let moved: i64 =
            sqlx::query_scalar("SELECT quantity FROM usage_ledger WHERE source_kind = 'transfer' AND source_key = $1")
                .bind(format!("transfer-out:{benefit}"))
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(moved, limit, "the whole of this year's limit moves to Saar");
    })
}
