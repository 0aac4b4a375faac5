//! Renewing a plan: once, from a day the plan can be used, without a second
//! joining fee; and a plan is not cancelled out from under its next term.

mod support;

use chrono::{Days, NaiveDate, Utc};
use support::*;

fn today() -> NaiveDate {
    carecount::server::store::demo::demo_today(Utc::now())
}

/// An Adult Dog Plan sold to Bobbie today, paid monthly, its first
/// instalment paid at the desk.
async fn plan_for_bobbie(app: &TestApp) -> i64 {
    let bobbie = app.patient_id("Bobbie").await;
    let adult = template_id(app, "Adult Dog Plan").await;
    let (status, body) = app
        .call("sell", &format!("patient_id={bobbie}&template_id={adult}&starts_on={}&billing=Monthly", today()))
        .await;
    assert_eq!(status, 200, "{body}");
    let plan = body.parse().unwrap();
    let first = app.scalar("SELECT id FROM payments WHERE subscription_id = $1 AND number = 1", plan).await;
    let (status, body) = app.call("payment/record", &format!("payment_id={first}&method=cash&reference=")).await;
    assert_eq!(status, 200, "{body}");
    plan
}

async fn sql(app: &TestApp, statement: &str) {
    let mut tx = app.store.begin_write().await.unwrap();
    sqlx::query(statement).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

async fn renew(app: &TestApp, plan: i64) -> i64 {
    let (status, body) = app.call("plan/renew", &format!("id={plan}")).await;
    assert_eq!(status, 200, "{body}");
    body.parse().unwrap()
}

/// The plan's instalments, in order.
async fn instalments(app: &TestApp, plan: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT due_on, amount FROM payments WHERE subscription_id = $1 ORDER BY number")
        .bind(plan)
        .fetch_all(app.store.reader())
        .await
        .unwrap()
}

#[test]
fn an_automatic_renewal_the_clinic_cancelled_is_not_made_again() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        sql(&app, &format!("UPDATE plan_templates SET auto_renew = 1 WHERE id = {adult}")).await;
        let plan = plan_for_bobbie(&app).await;
        let ends = text(&app, "SELECT ends_on FROM subscriptions WHERE id = $1", plan).await.unwrap();
        // Paid up: a late instalment would hold the renewal back.
        sql(&app, &format!("UPDATE payments SET status = 'paid' WHERE subscription_id = {plan}")).await;
        let ends = NaiveDate::parse_from_str(&ends, "%Y-%m-%d").unwrap();
        let soon = (ends - Days::new(5)).and_hms_opt(12, 0, 0).unwrap().and_utc();
        let report = app.store.run_plan_jobs(soon).await.unwrap();
        let renewal = report.renewed.iter().find(|(old, _)| *old == plan).expect("renewed ahead of its end").1;
        // The owner declines; the desk cancels the renewal.
        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={renewal}&option=Waive&note=Owner+declined")).await;
        assert_eq!(status, 200, "{body}");
        let again = app.store.run_plan_jobs(soon + chrono::Duration::minutes(10)).await.unwrap();
        assert!(!again.renewed.iter().any(|(old, _)| *old == plan), "not renewed again: {again:?}");
        assert_eq!(app.scalar("SELECT count(*) FROM subscriptions WHERE renews_subscription_id = $1", plan).await, 1);
        // Staff can still renew it by hand.
        renew(&app, plan).await;
    });
}

#[test]
fn a_plan_whose_next_term_is_sold_is_not_cancelled_before_that_term() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = plan_for_bobbie(&app).await;
        let next = renew(&app, plan).await;
        let (status, body) = app.call("plan/settlement", &format!("subscription_id={plan}&option=Waive")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains(&format!("next term is already sold (plan {next}")), "{body}");
        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={plan}&option=Waive&note=Moving+abroad")).await;
        assert_eq!(status, 409, "{body}");
        let due = app.scalar("SELECT count(*) FROM payments WHERE subscription_id = $1 AND status = 'due'", next).await;
        assert!(due > 0, "nothing changed");
        for id in [next, plan] {
            let (status, body) =
                app.call("plan/cancel", &format!("subscription_id={id}&option=Waive&note=Moving+abroad")).await;
            assert_eq!(status, 200, "{body}");
        }
    });
}

#[test]
fn renewing_a_plan_that_ended_long_ago_starts_today() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = plan_for_bobbie(&app).await;
        let (start, end) = (today() - Days::new(500), today() - Days::new(135));
        sql(
            &app,
            &format!("UPDATE subscriptions SET status = 'expired', starts_on = '{start}', ends_on = '{end}' WHERE id = {plan}"),
        )
        .await;
        let next = renew(&app, plan).await;
        let starts = text(&app, "SELECT starts_on FROM subscriptions WHERE id = $1", next).await;
        assert_eq!(starts, Some(today().to_string()), "no term is billed for days already gone");
        let first_due = instalments(&app, next).await[0].0.clone();
        assert_eq!(first_due, today().to_string());
    });
}

#[test]
fn a_renewal_charges_no_second_enrollment_fee() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        sql(&app, &format!("UPDATE plan_templates SET enrollment_fee = '25.00' WHERE id = {adult}")).await;
        let plan = plan_for_bobbie(&app).await;
        let first = instalments(&app, plan).await;
        let amount = |i: usize, of: &[(String, String)]| of[i].1.parse::<f64>().unwrap();
        assert_eq!(amount(0, &first), amount(1, &first) + 25.0, "joining is charged with the first instalment");
        let next = renew(&app, plan).await;
        let renewed = instalments(&app, next).await;
        assert_eq!(amount(0, &renewed), amount(1, &renewed), "the next term's first instalment is like the others");
        let fee = text(&app, "SELECT enrollment_fee FROM subscriptions WHERE id = $1", next).await.unwrap();
        assert_eq!(fee.parse::<f64>().unwrap(), 0.0);
    });
}

/// Runs the plan jobs five days before `plan` ends, paid up; says whether
/// they renewed it.
async fn renewed_ahead_of_its_end(app: &TestApp, plan: i64) -> bool {
    sql(app, &format!("UPDATE payments SET status = 'paid' WHERE subscription_id = {plan}")).await;
    let ends = text(app, "SELECT ends_on FROM subscriptions WHERE id = $1", plan).await.unwrap();
    let ends = NaiveDate::parse_from_str(&ends, "%Y-%m-%d").unwrap();
    let soon = (ends - Days::new(5)).and_hms_opt(12, 0, 0).unwrap().and_utc();
    let report = app.store.run_plan_jobs(soon).await.unwrap();
    report.renewed.iter().any(|(old, _)| *old == plan)
}

#[test]
fn automatic_renewal_switched_on_later_does_not_renew_a_plan_sold_without_it() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        sql(&app, &format!("UPDATE plan_templates SET auto_renew = 0 WHERE id = {adult}")).await;
        let plan = plan_for_bobbie(&app).await;
        // The clinic switches automatic renewal on for new sales.
        sql(&app, &format!("UPDATE plan_templates SET auto_renew = 1 WHERE id = {adult}")).await;
        assert!(!renewed_ahead_of_its_end(&app, plan).await, "its owner never agreed to a renewal");
        assert_eq!(app.scalar("SELECT count(*) FROM subscriptions WHERE renews_subscription_id = $1", plan).await, 0);
    });
}

#[test]
fn automatic_renewal_switched_off_later_still_renews_a_plan_sold_with_it() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        sql(&app, &format!("UPDATE plan_templates SET auto_renew = 1 WHERE id = {adult}")).await;
        let plan = plan_for_bobbie(&app).await;
        sql(&app, &format!("UPDATE plan_templates SET auto_renew = 0 WHERE id = {adult}")).await;
        assert!(renewed_ahead_of_its_end(&app, plan).await, "sold as renewing by itself");
        // The term it renewed into is a sale of today: it does not renew again.
        let next = app.scalar("SELECT id FROM subscriptions WHERE renews_subscription_id = $1", plan).await;
        assert!(!renewed_ahead_of_its_end(&app, next).await);
    });
}

#[test]
fn a_hold_counts_no_more_days_than_the_plan_was_sold_with() {
    support::run(async {
        let app = TestApp::start().await;
        let rules = |days: u32| {
            format!(
                "cancellation_fee=0&cooling_off_days=14&max_hold_days={days}&past_due_grace_days=7&renewal_lead_days=30"
            )
        };
        assert_eq!(app.call("settings/rules", &rules(3)).await.0, 200);
        let plan = plan_for_bobbie(&app).await;
        assert_eq!(app.call("settings/rules", &rules(90)).await.0, 200);
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=Owner+abroad")).await;
        assert_eq!(status, 200, "{body}");
        let end = text(&app, "SELECT ends_on FROM subscriptions WHERE id = $1", plan).await.unwrap();
        sql(&app, &format!("UPDATE subscriptions SET hold_from = '{}' WHERE id = {plan}", today() - Days::new(9)))
            .await;
        let (status, body) = app.call("plan/resume", &format!("id={plan}")).await;
        assert_eq!(status, 200, "{body}");
        let end_now = text(&app, "SELECT ends_on FROM subscriptions WHERE id = $1", plan).await.unwrap();
        let end = NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap();
        assert_eq!(end_now, (end + Days::new(3)).to_string(), "ten days held, three counted as sold");
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=Away+again")).await;
        assert!(status == 409 && body.contains("all 3 days of hold"), "{status} {body}");
    });
}
