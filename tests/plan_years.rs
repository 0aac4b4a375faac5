//! A benefit that resets yearly counts each plan year apart, on every path:
//! a draft made before the plan's anniversary and finalized after it is
//! priced against its own year, not the new year's uses.

mod support;

use carecount::wire::stored::Day;
use chrono::{Days, NaiveDate};
use serde_json::json;
use support::TestApp;

/// Exams used on Rex's benefit with `from <= used_on < until`.
async fn used_between(app: &TestApp, benefit: i64, from: NaiveDate, until: NaiveDate) -> i64 {
    sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger
         WHERE subscription_benefit_id = $1 AND used_on >= $2 AND used_on < $3",
    )
    .bind(benefit)
    .bind(Day(from))
    .bind(Day(until))
    .fetch_one(app.store.reader())
    .await
    .unwrap()
}

#[test]
fn a_draft_from_last_plan_year_finalized_after_the_anniversary_counts_in_its_own_year() {
    support::run(async {
        let app = TestApp::start().await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let (plan, benefit): (i64, i64) = sqlx::query_as(
            "SELECT s.id, b.id FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
             WHERE s.patient_id = $1 AND s.status = 'active' AND b.item_id = $2",
        )
        .bind(rex)
        .bind(exam)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        // The plan turned a year old 35 days ago, and its exams reset yearly.
        let starts_on = today - Days::new(400);
        let anniversary = carecount::domain::plan_year(starts_on, today).0;
        assert_eq!(anniversary, starts_on.checked_add_months(chrono::Months::new(12)).unwrap());
        let (last_year, this_year) = (
            used_between(&app, benefit, starts_on, anniversary).await,
            used_between(&app, benefit, anniversary, today + Days::new(1)).await,
        );
        let limit = last_year.max(this_year) + 1;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE subscriptions SET starts_on = $1 WHERE id = $2")
            .bind(Day(starts_on))
            .bind(plan)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE subscription_benefits SET resets = 'year', limit_quantity = $1 WHERE id = $2")
            .bind(limit)
            .bind(benefit)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // A draft from before the anniversary, left open over it.
        let client = app.client_of(rex).await;
        let old = app.new_invoice(client).await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE invoices SET invoice_date = $1 WHERE id = $2")
            .bind(Day(anniversary - Days::new(5)))
            .bind(old)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // This year's exams are all used meanwhile.
        let line = |quantity: i64| json!({ "patient_id": rex, "item_id": exam, "quantity_text": quantity.to_string(), "unit": "Unit", "discount_text": "" });
        let now = app.new_invoice(client).await;
        let (status, body) = app.finalize(now, json!([line(limit - this_year)]), "this-year").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used_between(&app, benefit, anniversary, today + Days::new(1)).await, limit);

        // Last year had one exam left: the old draft's exam is covered by it.
        let (status, body) = app.finalize(old, json!([line(1)]), "last-year").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used_between(&app, benefit, starts_on, anniversary).await, last_year + 1, "{body}");
    })
}
