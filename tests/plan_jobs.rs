//! What runs by itself and what a death, a year or an over-limit visit
//! change: the plan jobs, late payments, transfers, yearly resets and
//! over-usage emails.

mod support;

use chrono::{Days, Utc};
use serde_json::{Value, json};
use support::*;

#[test]
fn the_daily_jobs_expire_mark_past_due_and_renew_automatically() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE plan_templates SET auto_renew = 1 WHERE id = $1")
            .bind(adult)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let active_adult =
            app.scalar("SELECT count(*) FROM subscriptions WHERE template_id = $1 AND status = 'active'", adult).await;
        assert!(active_adult > 0);
        // Five days before the first Adult Dog Plan ends, it has renewed.
        let ends: String =
            text(&app, "SELECT min(ends_on) FROM subscriptions WHERE template_id = $1 AND status = 'active'", adult)
                .await
                .unwrap();
        let ends = chrono::NaiveDate::parse_from_str(&ends, "%Y-%m-%d").unwrap();
        let soon = (ends - Days::new(5)).and_hms_opt(12, 0, 0).unwrap().and_utc();
        let report = app.store.run_plan_jobs(soon).await.unwrap();
        assert!(!report.renewed.is_empty(), "{report:?}");
        for (old, new) in &report.renewed {
            let linked = app.scalar("SELECT renews_subscription_id FROM subscriptions WHERE id = $1", *new).await;
            assert_eq!(linked, *old);
        }
        // Running again changes nothing new.
        let again = app.store.run_plan_jobs(soon).await.unwrap();
        assert!(again.renewed.is_empty(), "{again:?}");
        // Long after, the ended terms have expired.
        let later = app.store.run_plan_jobs(Utc::now() + chrono::Duration::days(800)).await.unwrap();
        assert!(!later.expired.is_empty(), "{later:?}");
        let who: String = sqlx::query_scalar("SELECT actor_name FROM audit_log WHERE action = 'expire' LIMIT 1")
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(who, "CareCount (automatic)");
    });
}

/// An Adult Dog Plan sold to Bobbie today, paid monthly; and today.
async fn monthly_plan_for_bobbie(app: &TestApp) -> (i64, chrono::NaiveDate) {
    let bobbie = app.patient_id("Bobbie").await;
    let adult = template_id(app, "Adult Dog Plan").await;
    let today = carecount::server::store::demo::demo_today(Utc::now());
    let (_, body) =
        app.call("sell", &format!("patient_id={bobbie}&template_id={adult}&starts_on={today}&billing=Monthly")).await;
    (body.parse().unwrap(), today)
}

#[test]
fn a_late_payment_makes_a_plan_past_due_only_after_the_grace_period() {
    support::run(async {
        let app = TestApp::start().await;
        let (plan, _) = monthly_plan_for_bobbie(&app).await;
        let first = app.scalar("SELECT id FROM payments WHERE subscription_id = $1 AND number = 1", plan).await;
        app.call("payment/record", &format!("payment_id={first}&method=cash&reference=")).await;
        let second: String =
            text(&app, "SELECT due_on FROM payments WHERE subscription_id = $1 AND number = 2", plan).await.unwrap();
        let second = chrono::NaiveDate::parse_from_str(&second, "%Y-%m-%d").unwrap();
        let at = |d: chrono::NaiveDate| d.and_hms_opt(12, 0, 0).unwrap().and_utc();
        let report = app.store.run_plan_jobs(at(second + Days::new(5))).await.unwrap();
        assert!(!report.past_due.contains(&plan), "within the 7-day grace");
        let report = app.store.run_plan_jobs(at(second + Days::new(9))).await.unwrap();
        assert!(report.past_due.contains(&plan), "{report:?}");
        // The desk records the declined card; paying it brings the plan back.
        let second_id = app.scalar("SELECT id FROM payments WHERE subscription_id = $1 AND number = 2", plan).await;
        let (status, body) = app.call("payment/failed", &format!("payment_id={second_id}&reason=Card+declined")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("payment/failed", &format!("payment_id={second_id}&reason=again")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("only a due payment can fail"), "{body}");
        let (status, _) = app.call("payment/record", &format!("payment_id={second_id}&method=cash&reference=")).await;
        assert_eq!(status, 200);
        assert_eq!(text(&app, "SELECT status FROM subscriptions WHERE id = $1", plan).await.unwrap(), "active");
    });
}

#[test]
fn paying_one_late_instalment_keeps_the_plan_past_due_while_another_is_still_late() {
    support::run(async {
        let app = TestApp::start().await;
        let (plan, today) = monthly_plan_for_bobbie(&app).await;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM payments WHERE subscription_id = $1 ORDER BY number")
            .bind(plan)
            .fetch_all(app.store.reader())
            .await
            .unwrap();
        let (first, second, third) = (ids[0], ids[1], ids[2]);
        app.call("payment/record", &format!("payment_id={first}&method=cash&reference=")).await;
        // Two instalments went unpaid, a month and three weeks ago.
        let mut tx = app.store.begin_write().await.unwrap();
        for (id, days_ago) in [(second, 30), (third, 21)] {
            sqlx::query("UPDATE payments SET due_on = $1 WHERE id = $2")
                .bind(carecount::wire::stored::Day(today - Days::new(days_ago)))
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let report = app.store.run_plan_jobs(Utc::now()).await.unwrap();
        assert!(report.past_due.contains(&plan), "{report:?}");

        let (status, body) = app.call("payment/record", &format!("payment_id={second}&method=cash&reference=")).await;
        assert_eq!(status, 200, "{body}");
        let status_now = || text(&app, "SELECT status FROM subscriptions WHERE id = $1", plan);
        assert_eq!(status_now().await.unwrap(), "past_due", "the other instalment is still three weeks late");
        let (status, body) = app.call("payment/record", &format!("payment_id={third}&method=cash&reference=")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(status_now().await.unwrap(), "active", "nothing is late any more");
    });
}

#[test]
fn a_term_ends_on_its_own_clinics_calendar() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) = app
            .call("settings/clinic", "id=0&name=Brooklyn&currency=USD&time_zone=America%2FNew_York&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 200, "{body}");
        let brooklyn = app.scalar("SELECT id FROM clinics WHERE name = 'Brooklyn' AND $1 > 0", 1).await;
        let plans: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM subscriptions WHERE status = 'active' AND kind = 'wellness' ORDER BY id LIMIT 2",
        )
        .fetch_all(app.store.reader())
        .await
        .unwrap();
        let (amsterdam_plan, brooklyn_plan) = (plans[0], plans[1]);
        // Both terms end on the same day, one in each clinic.
        let last_day = carecount::server::store::demo::demo_today(Utc::now()) + Days::new(30);
        let mut tx = app.store.begin_write().await.unwrap();
        for (plan, clinic) in [(amsterdam_plan, 1), (brooklyn_plan, brooklyn)] {
            sqlx::query("UPDATE subscriptions SET ends_on = $1, clinic_id = $2 WHERE id = $3")
                .bind(carecount::wire::stored::Day(last_day))
                .bind(clinic)
                .bind(plan)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();

        // 01:00 UTC the next day: past midnight in Amsterdam, 20:00 the day
        // before in New York.
        let at = (last_day + Days::new(1)).and_hms_opt(1, 0, 0).unwrap().and_utc();
        let report = app.store.run_plan_jobs(at).await.unwrap();
        assert!(report.expired.contains(&amsterdam_plan), "{report:?}");
        assert!(!report.expired.contains(&brooklyn_plan), "still its last day in New York: {report:?}");
        let report = app.store.run_plan_jobs(at + chrono::Duration::hours(6)).await.unwrap();
        assert!(report.expired.contains(&brooklyn_plan), "past midnight in New York too: {report:?}");
    });
}

#[test]
fn when_a_patient_dies_the_plan_holds_and_what_is_left_moves_to_another_pet() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", rex).await;
        let today = carecount::server::store::demo::demo_today(Utc::now());
        let (status, body) = app.call("patient/deceased", &format!("patient_id={rex}&died_on={today}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(text(&app, "SELECT status FROM subscriptions WHERE id = $1", plan).await.unwrap(), "on_hold");
        // Mimi, the household's cat, cannot take a dog's plan.
        let mimi = app.patient_id("Mimi").await;
        let (status, body) = app.call("plan/transfer", &format!("subscription_id={plan}&to_patient_id={mimi}")).await;
        assert!(status == 422 || status == 409, "{body}");
        // A new puppy in the household can.
        let mut tx = app.store.begin_write().await.unwrap();
        let client = app.client_of(rex).await;
        let pup: i64 = sqlx::query_scalar(
            "INSERT INTO patients (client_id, name, species, birth_date) VALUES ($1, 'Pip', 'dog', $2) RETURNING id",
        )
        .bind(client)
        .bind(carecount::wire::stored::Day(
            carecount::server::store::demo::demo_today(Utc::now()) - chrono::Months::new(3),
        ))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let limits: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT b.label, b.limit_quantity, COALESCE((SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_ledger l WHERE l.subscription_benefit_id = b.id), 0)
             FROM subscription_benefits b WHERE b.subscription_id = $1 ORDER BY b.position",
        )
        .bind(plan)
        .fetch_all(app.store.reader())
        .await
        .unwrap();
        let (status, body) = app.call("plan/transfer", &format!("subscription_id={plan}&to_patient_id={pup}")).await;
        assert_eq!(status, 200, "{body}");
        let moved: i64 = body.parse().unwrap();
        for (label, limit, used) in limits {
            let Some(limit) = limit else { continue };
            let (new_limit, new_used): (i64, i64) = sqlx::query_as(
                "SELECT b.limit_quantity, COALESCE((SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_ledger l WHERE l.subscription_benefit_id = b.id), 0)
                 FROM subscription_benefits b WHERE b.subscription_id = $1 AND b.label = $2",
            )
            .bind(moved)
            .bind(&label)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
            assert_eq!(new_limit - new_used, (limit - used).max(0), "{label}: what was left moved");
            let old_used = app.scalar_text_sum(plan, &label).await;
            assert_eq!(old_used, limit.max(used), "{label}: the old plan shows nothing left");
        }
        let transfers =
            app.scalar("SELECT count(*) FROM usage_ledger WHERE source_kind = 'transfer' AND $1 > 0", 1).await;
        assert!(transfers > 0, "the ledger shows the move");
        assert_eq!(text(&app, "SELECT status FROM subscriptions WHERE id = $1", plan).await.unwrap(), "cancelled");
        // Rex can no longer be sold a plan.
        let (_, body) = app.call("sell/options", &format!("patient_id={rex}")).await;
        assert!(body.contains("Rex died on"), "{body}");
    });
}

#[test]
fn a_yearly_limit_counts_only_this_plan_years_use_and_reversals_go_back_to_their_year() {
    support::run(async {
        let app = TestApp::start().await;
        let bella = app.patient_id("Bella").await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", bella).await;
        let (benefit, limit, _) = app.benefit(bella, "Wellness exams").await;
        let exam = app.item_id("EXAM").await;
        let started = (Utc::now() - chrono::Duration::days(500)).date_naive();
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE subscriptions SET starts_on = $1, ends_on = NULL WHERE id = $2")
            .bind(carecount::wire::stored::Day(started))
            .bind(plan)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE subscription_benefits SET resets = 'year' WHERE id = $1")
            .bind(benefit)
            .execute(&mut *tx)
            .await
            .unwrap();
        // Last plan year: the limit used up, one of them reversed today.
        let old = (Utc::now() - chrono::Duration::days(300)).format("%Y-%m-%dT10:00:00Z").to_string();
        let last_year: i64 = sqlx::query_scalar(
            "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind, source_key,
                                       actor_name, created_at, used_on)
             VALUES ($1, $2, $3, $4, 'import_line', 'old-year', 'test', $5, date($6)) RETURNING id",
        )
        .bind(benefit)
        .bind(bella)
        .bind(exam)
        .bind(limit)
        .bind(&old)
        .bind(&old)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind, source_key,
                                       reversal_of, actor_name, note, used_on)
             VALUES ($1, $2, $3, -1, 'reversal', 'old-year-fix', $4, 'test', 'typo', date($5))",
        )
        .bind(benefit)
        .bind(bella)
        .bind(exam)
        .bind(last_year)
        .bind(&old)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // The plan year began on the first anniversary of the start.
        let year_start = started.checked_add_months(chrono::Months::new(12)).unwrap();
        let this_year: i64 = sqlx::query_scalar(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE subscription_benefit_id = $1
               AND substr(created_at, 1, 10) >= $2 AND source_key NOT LIKE 'old-year%'",
        )
        .bind(benefit)
        .bind(carecount::wire::stored::Day(year_start))
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        // Without the yearly reset, last year's uses (net of the reversal) would count too.
        let all: i64 = sqlx::query_scalar(
            "SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_ledger WHERE subscription_benefit_id = $1",
        )
        .bind(benefit)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert!(all >= this_year + limit - 1);
        let (_, body) = app.call("patient", &format!("id={bella}")).await;
        let page: Value = serde_json::from_str(&body).unwrap();
        let shown = page["plans"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["subscription"]["benefits"].as_array().unwrap().clone())
            .find(|b| b["id"] == benefit)
            .unwrap();
        assert_eq!(shown["used"], this_year, "only this plan year's use counts: {shown}");
    });
}

/// Plans are read with use older than a year summed per benefit: a benefit
/// that never resets still counts it all, a yearly one none of it.
#[test]
fn use_from_years_ago_counts_for_the_term_and_not_for_a_yearly_limit() {
    support::run(async {
        let app = TestApp::start().await;
        let bella = app.patient_id("Bella").await;
        let client = app.client_of(bella).await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", bella).await;
        let benefits: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, label, item_id FROM subscription_benefits WHERE subscription_id = $1 ORDER BY position LIMIT 2",
        )
        .bind(plan)
        .fetch_all(app.store.reader())
        .await
        .unwrap();
        let [(yearly, _, yearly_item), (lasting, _, lasting_item)] = benefits.as_slice() else {
            panic!("Bella's plan has two benefits: {benefits:?}");
        };
        let today = carecount::server::store::demo::demo_today(Utc::now());
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE subscriptions SET starts_on = $1, ends_on = NULL WHERE id = $2")
            .bind(carecount::wire::stored::Day(today - Days::new(900)))
            .bind(plan)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE subscription_benefits SET resets = CASE id WHEN $1 THEN 'year' ELSE 'term' END WHERE id IN ($2, $3)",
        )
        .bind(yearly)
        .bind(yearly)
        .bind(lasting)
        .execute(&mut *tx)
        .await
        .unwrap();
        let before: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT subscription_benefit_id, CAST(SUM(quantity) AS BIGINT) FROM usage_ledger WHERE subscription_benefit_id IN ($1, $2)
             GROUP BY 1",
        )
        .bind(yearly)
        .bind(lasting)
        .fetch_all(&mut *tx)
        .await
        .unwrap();
        // Two years ago, a day before the floor, on the floor, and last week.
        for (n, days_ago) in [730u64, 368, 367, 7].into_iter().enumerate() {
            for (benefit, item) in [(yearly, yearly_item), (lasting, lasting_item)] {
                sqlx::query(
                    "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                                               source_key, actor_name, used_on)
                     VALUES ($1, $2, $3, 1, 'opening_balance', $4, 'test', $5)",
                )
                .bind(benefit)
                .bind(bella)
                .bind(item)
                .bind(format!("old-{benefit}-{n}"))
                .bind(carecount::wire::stored::Day(today - Days::new(days_ago)))
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
        tx.commit().await.unwrap();
        let earlier = |id: i64| before.iter().find(|(b, _)| *b == id).map_or(0, |(_, used)| *used);
        let plans = app.store.client_plans(client, today).await.unwrap();
        let used = |id: i64| {
            plans.iter().flat_map(|p| &p.subscription.benefits).find(|b| b.id == id).map(|b| b.used.0).unwrap()
        };
        assert_eq!(used(*lasting), earlier(*lasting) + 4, "a benefit for the whole term counts every use");
        // The plan year began on the second anniversary, about 170 days ago.
        let year_start = carecount::domain::plan_year_start(today - Days::new(900), today);
        let this_year: i64 = sqlx::query_scalar(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE subscription_benefit_id = $1 AND used_on >= $2",
        )
        .bind(yearly)
        .bind(carecount::wire::stored::Day(year_start))
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert!(this_year >= 1, "last week's use is in this plan year");
        assert_eq!(used(*yearly), this_year, "a yearly benefit counts this plan year's use only");
    });
}

#[test]
fn using_more_than_a_plan_has_left_emails_the_over_usage_recipients() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) = app
            .call("settings/clinic", "id=1&name=Maple&currency=EUR&time_zone=Europe%2FAmsterdam&member_tag_label=Plan+member&import_code_prefix=WP&over_usage_emails=boss%40maple.example")
            .await;
        assert_eq!(status, 200, "{body}");
        let rex = app.patient_id("Rex").await;
        let client = app.client_of(rex).await;
        let chip = app.item_id("MICRO").await;
        // Rex's Microchip benefit (1) is used up in the demo: one more is over.
        let (_, limit, used) = app.benefit(rex, "Microchip").await;
        assert_eq!(used, limit);
        let invoice = app.new_invoice(client).await;
        let lines =
            json!([{ "patient_id": rex, "item_id": chip, "quantity_text": "1", "unit": "Unit", "discount_text": "" }]);
        let (status, body) = app.finalize(invoice, lines, "over-1").await;
        assert_eq!(status, 200, "{body}");
        let (to, text): (String, String) =
            sqlx::query_as("SELECT to_address, body FROM outbox WHERE subject LIKE 'Over-usage%'")
                .fetch_one(app.store.reader())
                .await
                .expect("an over-usage email");
        assert_eq!(to, "boss@maple.example");
        assert!(text.contains("Microchip: 1 chip beyond the plan"), "{text}");
    });
}
