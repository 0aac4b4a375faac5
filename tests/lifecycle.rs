//! One lifecycle: holds remember where they began, a death hold is never
//! resumed, a transfer keeps the status from before the death, renewals
//! pick a living pet and their own clinic, and one organisation's failure
//! does not stop the plan jobs of the others.

mod support;

use chrono::{Days, Utc};
use support::*;

async fn status_of(app: &TestApp, plan: i64) -> String {
    text(app, "SELECT status FROM subscriptions WHERE id = $1", plan).await.unwrap()
}

async fn wellness_plan(app: &TestApp, patient: &str, status: &str) -> i64 {
    let patient = app.patient_id(patient).await;
    sqlx::query_scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND kind = 'wellness' AND status = $2")
        .bind(patient)
        .bind(status)
        .fetch_one(app.store.reader())
        .await
        .unwrap()
}

async fn record_death(app: &TestApp, patient: i64) {
    let today = carecount::server::store::demo::demo_today(Utc::now());
    let (status, body) = app.call("patient/deceased", &format!("patient_id={patient}&died_on={today}")).await;
    assert_eq!(status, 200, "{body}");
}

/// A new pet in `client`'s household; returns its id.
async fn new_pet(app: &TestApp, client: i64, name: &str, species: &str, months: u32) -> i64 {
    let born = carecount::server::store::demo::demo_today(Utc::now()) - chrono::Months::new(months);
    let mut tx = app.store.begin_write().await.unwrap();
    let id = sqlx::query_scalar(
        "INSERT INTO patients (client_id, name, species, birth_date) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(client)
    .bind(name)
    .bind(species)
    .bind(carecount::wire::stored::Day(born))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A day one query reads.
async fn day(app: &TestApp, sql: &str, id: i64) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(&text(app, sql, id).await.unwrap(), "%Y-%m-%d").unwrap()
}

async fn sql(app: &TestApp, statement: &str) {
    let mut tx = app.store.begin_write().await.unwrap();
    sqlx::query(statement).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[test]
fn resume_after_past_due_hold_returns_to_past_due() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = wellness_plan(&app, "Max", "past_due").await;
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=Owner+in+hospital")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(status_of(&app, plan).await, "on_hold");
        let (status, body) = app.call("plan/resume", &format!("id={plan}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(status_of(&app, plan).await, "past_due", "the failed instalment is still unpaid");
        let memory =
            app.scalar("SELECT count(*) FROM subscriptions WHERE id = $1 AND hold_prior_status IS NULL", plan).await;
        assert_eq!(memory, 1, "nothing of the hold is left behind");
    })
}

#[test]
fn resuming_a_plan_whose_next_term_is_sold_moves_that_term_with_it() {
    support::run(async {
        let app = TestApp::start().await;
        let plan: i64 = sqlx::query_scalar(
            "SELECT s.id FROM subscriptions s JOIN plan_templates t ON t.id = s.template_id
             WHERE t.name = 'Adult Dog Plan' AND s.status = 'active' AND s.ends_on IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM subscriptions n WHERE n.renews_subscription_id = s.id)
             ORDER BY s.id LIMIT 1",
        )
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        let (status, body) = app.call("plan/renew", &format!("id={plan}")).await;
        assert_eq!(status, 200, "{body}");
        let next = app.scalar("SELECT id FROM subscriptions WHERE renews_subscription_id = $1", plan).await;
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=Owner+abroad")).await;
        assert_eq!(status, 200, "{body}");
        // Held for ten days before today.
        let today = carecount::server::store::demo::demo_today(Utc::now());
        sql(&app, &format!("UPDATE subscriptions SET hold_from = '{}' WHERE id = {plan}", today - Days::new(9))).await;
        let (end, next_start) = (
            day(&app, "SELECT ends_on FROM subscriptions WHERE id = $1", plan).await,
            day(&app, "SELECT starts_on FROM subscriptions WHERE id = $1", next).await,
        );
        let first_due = day(&app, "SELECT min(due_on) FROM payments WHERE subscription_id = $1", next).await;
        assert_eq!(next_start, end + Days::new(1));

        let (status, body) = app.call("plan/resume", &format!("id={plan}")).await;
        assert_eq!(status, 200, "{body}");
        let end_now = day(&app, "SELECT ends_on FROM subscriptions WHERE id = $1", plan).await;
        assert_eq!(end_now, end + Days::new(10), "the term grew by the days held");
        assert_eq!(
            day(&app, "SELECT starts_on FROM subscriptions WHERE id = $1", next).await,
            end_now + Days::new(1),
            "the next term begins the day after, not ten days inside it"
        );
        assert_eq!(
            day(&app, "SELECT min(due_on) FROM payments WHERE subscription_id = $1", next).await,
            first_due + Days::new(10)
        );
    })
}

#[test]
fn resume_after_pending_hold_stays_pending() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = wellness_plan(&app, "Milo", "pending").await;
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=Start+after+the+move")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("plan/resume", &format!("id={plan}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(status_of(&app, plan).await, "pending", "resuming does not stand in for the first payment");
    })
}

#[test]
fn a_plan_held_because_its_patient_died_cannot_be_resumed() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = wellness_plan(&app, "Bella", "active").await;
        record_death(&app, app.patient_id("Bella").await).await;
        let held = app.scalar("SELECT held_for_death FROM subscriptions WHERE id = $1", plan).await;
        assert_eq!(held, 1);
        let (status, body) = app.call("plan/resume", &format!("id={plan}")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("because its patient died, so it cannot be resumed"), "{body}");
        assert!(body.contains("its benefits can move to another pet"), "{body}");
        assert_eq!(status_of(&app, plan).await, "on_hold", "a refused step changes nothing");
        let (_, page) = app.get(&format!("/plans/{plan}")).await;
        assert!(page.contains("held-for-death") && !page.contains("data-test=\"resume\""), "no Resume button");
    })
}

#[test]
fn transfer_from_pending_plan_stays_pending() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = wellness_plan(&app, "Dribbel", "pending").await;
        let dribbel = app.patient_id("Dribbel").await;
        let client = app.client_of(dribbel).await;
        record_death(&app, dribbel).await;
        let pup = new_pet(&app, client, "Kobus", "dog", 3).await;
        let (status, body) = app.call("plan/transfer", &format!("subscription_id={plan}&to_patient_id={pup}")).await;
        assert_eq!(status, 200, "{body}");
        let moved: i64 = body.parse().unwrap();
        assert_eq!(
            status_of(&app, moved).await,
            "pending",
            "nothing was paid yet: the new plan waits as the old one did"
        );
        assert_eq!(status_of(&app, plan).await, "cancelled");
        let due =
            app.scalar("SELECT count(*) FROM payments WHERE subscription_id = $1 AND status = 'due'", moved).await;
        assert!(due > 0, "the instalments still due follow the new plan");
    })
}

#[test]
fn transfer_from_past_due_plan_stays_past_due() {
    support::run(async {
        let app = TestApp::start().await;
        let plan = wellness_plan(&app, "Max", "past_due").await;
        let max = app.patient_id("Max").await;
        let client = app.client_of(max).await;
        record_death(&app, max).await;
        let dog = new_pet(&app, client, "Flip", "dog", 40).await;
        let (status, body) = app.call("plan/transfer", &format!("subscription_id={plan}&to_patient_id={dog}")).await;
        assert_eq!(status, 200, "{body}");
        let moved: i64 = body.parse().unwrap();
        assert_eq!(status_of(&app, moved).await, "past_due");
    })
}

#[test]
fn renewing_household_package_skips_dead_pet() {
    support::run(async {
        let app = TestApp::start().await;
        let physio = template_id(&app, "Physio 6-session pack").await;
        let bruno = app.patient_id("Bruno").await;
        let client = app.client_of(bruno).await;
        let pack: i64 = sqlx::query_scalar(
            "SELECT id FROM subscriptions WHERE client_id = $1 AND template_id = $2 AND patient_id IS NULL",
        )
        .bind(client)
        .bind(physio)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        let first: i64 = app.scalar("SELECT min(id) FROM patients WHERE client_id = $1", client).await;
        assert_eq!(first, bruno, "the household's first pet");
        record_death(&app, bruno).await;
        let (status, body) = app.call("plan/renew", &format!("id={pack}")).await;
        assert_eq!(status, 200, "Pip is alive and the pack renews: {body}");

        // A household with no living pet left is told so.
        let guus = app.patient_id("Guus").await;
        let other = app.client_of(guus).await;
        let pack: i64 = sqlx::query_scalar("SELECT id FROM subscriptions WHERE client_id = $1 AND template_id = $2")
            .bind(other)
            .bind(physio)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        sql(&app, &format!("UPDATE patients SET deceased_on = '{today}' WHERE client_id = {other}")).await;
        let (status, body) = app.call("plan/renew", &format!("id={pack}")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("No pet of this household is alive any more"), "{body}");
    })
}

#[test]
fn one_failing_organisation_does_not_stop_jobs_for_others() {
    support::run(async {
        let app = TestApp::start().await;
        // An organisation set up without a clinic has no calendar: its round
        // fails, and it comes first.
        sql(&app, "INSERT INTO organisations (id, name) VALUES (0, 'Half set up')").await;
        let later = Utc::now() + chrono::Duration::days(800);
        let report = app.store.run_plan_jobs(later).await.expect("the round as a whole goes on");
        assert_eq!(report.failed.iter().map(|(org, _)| *org).collect::<Vec<_>>(), vec![0], "{report:?}");
        assert!(!report.expired.is_empty(), "the demo clinic's ended terms still expired: {report:?}");
        let held = wellness_plan(&app, "Daisy", "on_hold").await;
        assert!(!report.expired.contains(&held), "a held plan waits for its resume");
    })
}

#[test]
fn automatic_renewal_is_recorded_under_the_plans_own_clinic() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        sql(&app, &format!("UPDATE plan_templates SET auto_renew = 1 WHERE id = {adult}")).await;
        sql(&app, "INSERT INTO clinics (id, organisation_id, name) VALUES (3, 1, 'Maple North')").await;
        let (plan, carecount::wire::stored::Day(ends)): (i64, carecount::wire::stored::Day) = sqlx::query_as(
            "SELECT id, ends_on FROM subscriptions WHERE template_id = $1 AND status = 'active' ORDER BY ends_on LIMIT 1",
        )
        .bind(adult)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        sql(&app, &format!("UPDATE subscriptions SET clinic_id = 3 WHERE id = {plan}")).await;
        let soon = (ends - Days::new(5)).and_hms_opt(12, 0, 0).unwrap().and_utc();
        let report = app.store.run_plan_jobs(soon).await.unwrap();
        let renewal = report.renewed.iter().find(|(old, _)| *old == plan).map(|(_, new)| *new);
        let renewal = renewal.unwrap_or_else(|| panic!("plan {plan} renewed: {report:?}"));
        assert_eq!(app.scalar("SELECT clinic_id FROM subscriptions WHERE id = $1", renewal).await, 3);
    })
}
