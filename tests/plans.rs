//! Selling plans, payments and cancellation over HTTP.

mod support;

use serde_json::{Value, json};
use support::{TestApp, template_id};

async fn sell(app: &TestApp, patient: i64, template: &str, billing: &str) -> (u16, String) {
    let template: i64 = sqlx::query_scalar("SELECT id FROM plan_templates WHERE name = $1")
        .bind(template)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
    let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
    app.call("sell", &format!("patient_id={patient}&template_id={template}&starts_on={today}&billing={billing}")).await
}

#[test]
fn a_sold_plan_starts_pending_and_the_first_payment_makes_a_member() {
    support::run(async {
        let app = TestApp::start().await;
        let bobbie = app.patient_id("Bobbie").await;
        let (_, page) = app.get(&format!("/patients/{bobbie}")).await;
        assert!(!page.contains("member-tag"), "Bobbie has no plan yet");

        let (status, body) = sell(&app, bobbie, "Adult Dog Plan", "Monthly").await;
        assert_eq!(status, 200, "{body}");
        let plan: i64 = body.parse().unwrap();
        let (status, body) = app.call("plan", &format!("id={plan}")).await;
        assert_eq!(status, 200);
        let detail: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(detail["detail"]["card"]["subscription"]["status"], "Pending");
        let payments = detail["detail"]["payments"].as_array().unwrap();
        assert_eq!(payments.len(), 12);
        let total: rust_decimal::Decimal =
            payments.iter().map(|p| p["amount"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap()).sum();
        assert_eq!(total, rust_decimal::Decimal::new(42000, 2), "12 instalments sum exactly to the price");
        let benefits = detail["detail"]["card"]["subscription"]["benefits"].as_array().unwrap().len();
        assert_eq!(benefits, 7, "the template's benefits were copied");

        let first = payments[0]["id"].as_i64().unwrap();
        let (status, body) = app.call("payment/record", &format!("payment_id={first}&method=card&reference=")).await;
        assert_eq!(status, 422);
        assert!(body.contains("Add the card slip or transfer reference."), "{body}");
        let (status, body) =
            app.call("payment/record", &format!("payment_id={first}&method=card&reference=SLIP-0042")).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) =
            app.call("payment/record", &format!("payment_id={first}&method=card&reference=SLIP-0042")).await;
        assert_eq!(status, 409, "a payment is recorded once");
        let (_, page) = app.get(&format!("/patients/{bobbie}")).await;
        assert!(page.contains("member-tag"), "the first payment made Bobbie a member");
    })
}

#[test]
fn a_plan_for_another_life_stage_or_species_is_refused_with_the_reason() {
    support::run(async {
        let app = TestApp::start().await;
        let bobbie = app.patient_id("Bobbie").await;
        let plans_before = app.scalar("SELECT count(*) + $1 FROM subscriptions", 0).await;
        let (status, body) = sell(&app, bobbie, "Puppy Plan", "Monthly").await;
        assert_eq!(status, 422);
        assert!(body.contains("This plan is for puppies; Bobbie is an adult."), "{body}");
        let (status, body) = sell(&app, bobbie, "Kitten Plan", "Monthly").await;
        assert_eq!(status, 422);
        assert!(body.contains("This plan is for cats; Bobbie is a dog."), "{body}");
        assert_eq!(app.scalar("SELECT count(*) + $1 FROM subscriptions", 0).await, plans_before, "nothing was written");
    })
}

/// The settlement's working lines for cancelling `plan` now.
async fn settlement_working(app: &TestApp, plan: i64) -> Vec<String> {
    let (status, body) = app.call("plan/settlement", &format!("subscription_id={plan}&option=PayDifference")).await;
    assert_eq!(status, 200, "{body}");
    let preview: Value = serde_json::from_str(&body).unwrap();
    serde_json::from_value(preview["working"].clone()).unwrap()
}

#[test]
fn a_plan_that_moved_after_a_death_settles_with_what_was_paid_before_the_move() {
    support::run(async {
        let app = TestApp::start().await;
        let loki = app.patient_id("Loki").await;
        let saar = app.patient_id("Saar").await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", loki).await;
        let before = settlement_working(&app, plan).await;
        let paid = before.iter().find(|w| w.starts_with("Payments made: €")).expect("payments").clone();
        assert_ne!(paid, "Payments made: € 0.00", "the demo's plan for Loki has been paid for");
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        let (status, body) = app.call("patient/deceased", &format!("patient_id={loki}&died_on={today}")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("plan/transfer", &format!("subscription_id={plan}&to_patient_id={saar}")).await;
        assert_eq!(status, 200, "{body}");
        let moved: i64 = body.parse().unwrap();
        let after = settlement_working(&app, moved).await;
        assert!(after.contains(&paid), "what the household paid for the plan still counts: {after:?}");
        assert!(
            after.iter().any(|w| w == "Cancellation fee: € 25.00"),
            "the cooling-off period ended long ago and does not begin again with the move: {after:?}"
        );
        assert_eq!(after, before, "the move changes who holds the plan, not what cancelling it settles");
    })
}

#[test]
fn cancelling_settles_used_value_against_payments_and_refuses_ended_plans() {
    support::run(async {
        let app = TestApp::start().await;
        let bella = app.patient_id("Bella").await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", bella).await;
        let (status, body) = app.call("plan/settlement", &format!("subscription_id={plan}&option=PayDifference")).await;
        assert_eq!(status, 200, "{body}");
        let preview: Value = serde_json::from_str(&body).unwrap();
        let working: Vec<String> = serde_json::from_value(preview["working"].clone()).unwrap();
        assert!(working.iter().any(|w| w.starts_with("Benefits used, at what they saved: €")), "{working:?}");
        assert!(working.iter().any(|w| w.starts_with("Payments made: €")), "{working:?}");
        assert!(working.iter().any(|w| w == "Cancellation fee: € 25.00"), "{working:?}");

        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={plan}&option=PayDifference&note=")).await;
        assert_eq!(status, 422, "a note is required: {body}");
        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={plan}&option=PayDifference&note=Moving+abroad")).await;
        assert_eq!(status, 200, "{body}");
        let cancelled: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(cancelled["working"], preview["working"], "the settlement is the one previewed");
        let open =
            app.scalar("SELECT count(*) FROM payments WHERE subscription_id = $1 AND status = 'due'", plan).await;
        assert_eq!(open, 0, "instalments still due were cancelled");
        let audit =
            app.scalar("SELECT count(*) FROM audit_log WHERE entity_id = $1 AND note = 'Moving abroad'", plan).await;
        assert_eq!(audit, 1);

        let (status, body) = app.call("plan/cancel", &format!("subscription_id={plan}&option=Waive&note=again")).await;
        assert_eq!(status, 409);
        assert!(body.contains("A plan that is cancelled cannot be cancelled."), "{body}");
        let expired = app.scalar("SELECT id FROM subscriptions WHERE status = 'expired' AND $1 = 1 LIMIT 1", 1).await;
        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={expired}&option=Waive&note=test")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("A plan that is expired cannot be cancelled."), "{body}");
    })
}

#[test]
fn paying_the_failed_instalment_brings_a_past_due_plan_back() {
    support::run(async {
        let app = TestApp::start().await;
        let max = app.patient_id("Max").await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'past_due'", max).await;
        let failed = app.scalar("SELECT id FROM payments WHERE subscription_id = $1 AND status = 'failed'", plan).await;
        let (status, body) = app.call("payment/record", &format!("payment_id={failed}&method=cash&reference=")).await;
        assert_eq!(status, 200, "{body}");
        let status: String = sqlx::query_scalar("SELECT status FROM subscriptions WHERE id = $1")
            .bind(plan)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(status, "active");
    })
}

#[test]
fn hold_resume_and_renew_follow_the_lifecycle_and_refuse_what_it_forbids() {
    support::run(async {
        let app = TestApp::start().await;
        let kiki = app.patient_id("Kiki").await;
        let plan = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", kiki).await;
        let end_before: String = sqlx::query_scalar("SELECT ends_on FROM subscriptions WHERE id = $1")
            .bind(plan)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=")).await;
        assert_eq!(status, 422, "a hold needs a note: {body}");
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=Owner+abroad")).await;
        assert_eq!(status, 200, "{body}");
        let (_, page) = app.get(&format!("/patients/{kiki}")).await;
        assert!(!page.contains("member-tag"), "a plan on hold covers nothing");
        let (status, body) = app.call("plan/hold", &format!("id={plan}&note=again")).await;
        assert_eq!(status, 409);
        assert!(body.contains("A plan that is on hold cannot be put on hold."), "{body}");
        let (status, body) = app.call("plan/resume", &format!("id={plan}")).await;
        assert_eq!(status, 200, "{body}");
        let end_after: String = sqlx::query_scalar("SELECT ends_on FROM subscriptions WHERE id = $1")
            .bind(plan)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day(&end_after) - day(&end_before), chrono::Duration::days(1), "one day on hold, one day longer");

        let expired = app.scalar("SELECT id FROM subscriptions WHERE status = 'expired' AND $1 = 1 LIMIT 1", 1).await;
        let (status, body) = app.call("plan/hold", &format!("id={expired}&note=test")).await;
        assert_eq!(status, 409);
        assert!(body.contains("A plan that is expired cannot be put on hold."), "{body}");
        let cancelled =
            app.scalar("SELECT id FROM subscriptions WHERE status = 'cancelled' AND $1 = 1 LIMIT 1", 1).await;
        let (status, body) = app.call("plan/renew", &format!("id={cancelled}")).await;
        assert_eq!(status, 409);
        assert!(body.contains("A plan that is cancelled cannot be renewed; sell a new plan instead."), "{body}");
    })
}

#[test]
fn a_puppy_plan_renews_into_an_adult_plan_linked_to_the_last_term() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let puppy = app.scalar("SELECT id FROM subscriptions WHERE patient_id = $1 AND status = 'active'", rex).await;
        let (status, body) = app.call("plan/renew", &format!("id={puppy}")).await;
        assert_eq!(status, 422, "Rex will be grown up when the next term starts: {body}");
        assert!(body.contains("This plan is for puppies; Rex is an adult."), "{body}");
        let adult: i64 = sqlx::query_scalar("SELECT id FROM plan_templates WHERE name = 'Adult Dog Plan'")
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        let (status, body) = app.call("plan/renew", &format!("id={puppy}&template_id={adult}")).await;
        assert_eq!(status, 200, "{body}");
        let renewal: i64 = body.parse().unwrap();
        let (links, starts, old_end): (i64, String, String) = sqlx::query_as(
            "SELECT n.renews_subscription_id, n.starts_on, o.ends_on FROM subscriptions n JOIN subscriptions o
             ON o.id = n.renews_subscription_id WHERE n.id = $1",
        )
        .bind(renewal)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(links, puppy);
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day(&starts) - day(&old_end), chrono::Duration::days(1), "the new term starts the day after");
        let (status, body) = app.call("plan/renew", &format!("id={puppy}&template_id={adult}")).await;
        assert_eq!(status, 409, "a term is renewed once: {body}");
    })
}

#[test]
fn lists_filter_plans_and_download_as_csv() {
    support::run(async {
        let app = TestApp::start().await;
        let response = app.client.get(app.url("/exports/plans.csv?status=past_due")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = response.bytes().await.unwrap();
        let body = std::str::from_utf8(&bytes).unwrap();
        let body = body.strip_prefix('\u{feff}').expect("a byte-order mark, so Excel reads the names as UTF-8");
        let mut lines = body.lines();
        assert_eq!(lines.next(), Some("plan_id,plan,client,pet,status,starts_on,ends_on,billing"));
        let rows: Vec<&str> = lines.collect();
        assert!(!rows.is_empty(), "the demo has a past-due plan");
        assert!(rows.iter().all(|r| r.contains(",past_due,")), "{rows:?}");

        let (status, body) = app.get("/exports/plans.csv?status=nonsense").await;
        assert_eq!(status, 422);
        assert!(body.contains("\u{201c}nonsense\u{201d} is not a plan status."), "{body}");
        let (status, body) = app.get("/exports/payments-due.csv").await;
        assert_eq!(status, 200);
        assert!(body.lines().any(|l| l.ends_with(",failed")), "Max's failed instalment is listed: {body}");
        assert_eq!(app.get("/exports/renewals.csv").await.0, 200);
        assert_eq!(app.get("/exports/secrets.csv").await.0, 404);

        let (status, body) = app.call("lists", "status=active").await;
        assert_eq!(status, 200, "{body}");
        let lists: serde_json::Value = serde_json::from_str(&body).unwrap();
        let plans = lists["plans"].as_array().unwrap();
        assert!(!plans.is_empty() && plans.iter().all(|p| p["status"] == "active"));
        let (_, page) = app.get("/lists").await;
        assert!(page.contains("Payments due in 30 days or failed"));
    })
}

#[test]
fn a_plan_is_cancelled_on_the_terms_it_was_sold_under_and_a_new_sale_takes_the_new_ones() {
    support::run(async {
        let app = TestApp::start().await;
        let rules = |fee: &str, days: u32| {
            format!(
                "cancellation_fee={fee}&cooling_off_days={days}&max_hold_days=90&past_due_grace_days=7&renewal_lead_days=30"
            )
        };
        let (status, body) = app.call("settings/rules", &rules("40.00", 0)).await;
        assert_eq!(status, 200, "{body}");
        let bobbie = app.patient_id("Bobbie").await;
        let (status, body) = sell(&app, bobbie, "Adult Dog Plan", "Manual").await;
        assert_eq!(status, 200, "{body}");
        let plan: i64 = body.parse().unwrap();

        // The manager raises the fee and lengthens the cooling-off period.
        let (status, body) = app.call("settings/rules", &rules("90.00", 30)).await;
        assert_eq!(status, 200, "{body}");
        let working = settlement_working(&app, plan).await;
        assert!(
            working.iter().any(|w| w == "Cancellation fee: € 40.00"),
            "sold with a € 40 fee and no cooling-off, it is settled so: {working:?}"
        );

        // A pack sold after the change is sold on the new terms.
        let (_, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let carry = json!({ "client_id": client, "form": { "template_id": daycare.to_string(), "left": "4",
                            "ends_on": "", "use_note": "", "reason": "Sold on paper last week", "pet": "" } });
        let (status, body) = app.call_json("client/carry-over", carry).await;
        assert_eq!(status, 200, "{body}");
        let pack: i64 = body.trim().parse().unwrap();
        let working = settlement_working(&app, pack).await;
        assert!(
            working.iter().any(|w| w == "No cancellation fee: within the cooling-off period"),
            "within the new 30 days: {working:?}"
        );
    })
}
