//! Session packs that renew themselves: exactly one new pack follows one
//! that is used up or has expired, however many desks or job rounds ask.

mod support;

use carecount::server::actor::Actor;
use carecount::server::store::carry_over::CarryOver;
use chrono::{Days, Utc};
use serde_json::json;
use support::*;

/// A household with no pack, a dog of it, and a carried-over renewing
/// physio pack with `left` sessions ending on `ends_on`.
async fn renewing_physio(app: &TestApp, left: i64, ends_on: Option<chrono::NaiveDate>) -> (i64, i64, i64) {
    physio_pack(app, left, ends_on, true).await
}

/// A physio pack carried over for a dog without one, sold when the template
/// did or did not make the next pack by itself.
async fn physio_pack(app: &TestApp, left: i64, ends_on: Option<chrono::NaiveDate>, renews: bool) -> (i64, i64, i64) {
    let (dog, client) = app.dog_without_pack().await;
    let physio = template_id(app, "Physio 6-session pack").await;
    write(app, "UPDATE plan_templates SET auto_renew = $1 WHERE id = $2", i64::from(renews), Some(physio)).await;
    let clinic = app.store.clinic_of(1, None, Utc::now()).await.unwrap();
    let carry = CarryOver {
        template_id: physio,
        left,
        ends_on,
        use_note: "",
        reason: "Referral from the old system",
        patient_id: None,
    };
    let pack = app.store.carry_over(&clinic, client, &carry, &Actor::clinic_desk()).await.unwrap();
    (dog, client, pack)
}

/// Runs one statement in its own write transaction.
async fn write<T>(app: &TestApp, sql: &str, first: T, second: Option<i64>)
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
{
    let mut tx = app.store.begin_write().await.unwrap();
    let mut query = sqlx::query(sql).bind(first);
    if let Some(second) = second {
        query = query.bind(second);
    }
    query.execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

async fn successors(app: &TestApp, pack: i64) -> Vec<(i64, String, String)> {
    sqlx::query_as("SELECT id, plan_name, starts_on FROM subscriptions WHERE renews_subscription_id = $1")
        .bind(pack)
        .fetch_all(app.store.reader())
        .await
        .unwrap()
}

#[test]
fn two_desks_using_the_last_sessions_at_once_make_exactly_one_new_pack() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client, pack) = renewing_physio(&app, 2, None).await;
        let physio = app.item_id("PHYSIO").await;
        let line = json!([{ "patient_id": dog, "item_id": physio, "quantity_text": "1", "unit": "Unit", "discount_text": "" }]);
        let (first, second) = (app.new_invoice(client).await, app.new_invoice(client).await);
        let (a, b) =
            tokio::join!(app.finalize(first, line.clone(), "desk-a"), app.finalize(second, line.clone(), "desk-b"));
        assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
        let made = successors(&app, pack).await;
        assert_eq!(made.len(), 1, "one new pack follows the used-up one: {made:?}");
        let today = app.store.clinic_of(1, None, Utc::now()).await.unwrap().today;
        assert_eq!(made[0].1, "Physio 6-session pack");
        assert_eq!(made[0].2, today.to_string(), "it starts the day the last session was used");

        // Asking again, from many places at once, changes nothing.
        let clinic = app.store.clinic_of(1, None, Utc::now()).await.unwrap();
        let desk = Actor::clinic_desk();
        let asks = (0..6).map(|_| app.store.follow_packs(&clinic, Some(client), &desk));
        for made in futures::future::join_all(asks).await {
            assert!(made.unwrap().is_empty(), "nothing more to follow");
        }
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        assert_eq!(successors(&app, pack).await.len(), 1);
        let new_pack = made[0].0;
        let size = app
            .scalar("SELECT limit_quantity FROM subscription_benefits WHERE subscription_id = $1 AND limit_quantity IS NOT NULL", new_pack)
            .await;
        assert_eq!(size, 6, "the new pack is a whole pack of its template");
        let (status, billing): (String, String) =
            sqlx::query_as("SELECT status, billing FROM subscriptions WHERE id = $1")
                .bind(new_pack)
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(
            (status.as_str(), billing.as_str()),
            ("pending", "advance"),
            "the client pays for the next pack, though the first was carried over"
        );

        // Staff cancel the new pack the client did not want: it is not made again.
        write(&app, "UPDATE subscriptions SET status = 'cancelled' WHERE id = $1", new_pack, None).await;
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        assert!(app.store.follow_packs(&clinic, Some(client), &desk).await.unwrap().is_empty());
        assert_eq!(successors(&app, pack).await.len(), 1, "a cancelled successor is not made again");
    });
}

#[test]
fn an_expired_renewing_pack_is_followed_once_by_the_daily_jobs() {
    support::run(async {
        let app = TestApp::start().await;
        let today = app.store.clinic_of(1, None, Utc::now()).await.unwrap().today;
        let (_, _, pack) = renewing_physio(&app, 3, Some(today + Days::new(10))).await;
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        assert!(successors(&app, pack).await.is_empty(), "three sessions left and ten days to go: no new pack yet");
        let yesterday = (today - Days::new(1)).to_string();
        write(&app, "UPDATE subscriptions SET ends_on = $1 WHERE id = $2", yesterday, Some(pack)).await;
        let report = app.store.run_plan_jobs(Utc::now()).await.unwrap();
        let made = successors(&app, pack).await;
        assert_eq!(made.len(), 1, "{report:?}");
        assert!(report.renewed.contains(&(pack, made[0].0)), "{report:?}");
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        assert_eq!(successors(&app, pack).await.len(), 1, "a second round makes no second pack");
        let said =
            text(&app, "SELECT detail FROM audit_log WHERE action = 'renew' AND entity_id = $1", pack).await.unwrap();
        assert!(said.starts_with("Pack expired: followed by pack"), "{said}");
    });
}

#[test]
fn a_pack_sold_without_renewal_is_left_alone_when_used_up() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client, pack) = physio_pack(&app, 1, None, false).await;
        // Switched on after the sale: the pack keeps what it was sold with.
        let physio = template_id(&app, "Physio 6-session pack").await;
        write(&app, "UPDATE plan_templates SET auto_renew = 1 WHERE id = $1", physio, None).await;
        let session = app.item_id("PHYSIO").await;
        let line = json!([{ "patient_id": dog, "item_id": session, "quantity_text": "1", "unit": "Unit", "discount_text": "" }]);
        let invoice = app.new_invoice(client).await;
        assert_eq!(app.finalize(invoice, line, "last-one").await.0, 200);
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        assert!(successors(&app, pack).await.is_empty());
    });
}
