//! A pack that ended owing a payment, at a clinic where past-due plans
//! cannot be used, is stopped: a manager's note books past a pack's end,
//! but not past what its owner owes.

mod support;

use carecount::server::actor::Actor;
use carecount::server::store::visits::NewVisit;
use chrono::Days;
use support::visits::*;
use support::*;

/// The clinic's rules, with past-due plans usable or not.
async fn past_due_usable(app: &TestApp, usable: bool) {
    let usable = if usable { "&past_due_usable=on" } else { "" };
    let rules = format!(
        "cancellation_fee=0&cooling_off_days=14&max_hold_days=90&past_due_grace_days=7&renewal_lead_days=30{usable}"
    );
    let (status, body) = app.call("settings/rules", &rules).await;
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_pack_that_ended_owing_a_payment_takes_no_override_where_past_due_plans_stop() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let today = clinic(&app).await.today;
        let pack = physio_pack(&app, client, 4, Some(today)).await;
        // Its instalment of a month ago was never paid, and the plan job
        // has since marked the ended pack expired.
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query(
            "INSERT INTO payments (subscription_id, number, due_on, amount, status) VALUES ($1, 1, $2, '60.00', 'due')",
        )
        .bind(pack)
        .bind(carecount::wire::stored::Day(today - Days::new(30)))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("UPDATE subscriptions SET status = 'expired' WHERE id = $1")
            .bind(pack)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let physio = app.item_id("PHYSIO").await;
        let manager = Actor::clinic_desk();
        let booking = NewVisit {
            override_note: "Owner promised to pay on Friday",
            ..visit(dog, physio, at(today + Days::new(3), 10), Some(pack))
        };
        past_due_usable(&app, false).await;
        let words = app.store.book_visit(&clinic(&app).await, &booking, true, &manager).await.unwrap_err().to_string();
        assert!(words.contains("ended with a payment overdue; record the payment"), "{words}");
        assert_eq!(app.scalar("SELECT count(*) FROM appointments WHERE subscription_id = $1", pack).await, 0);

        // Where past-due plans may be used, it is only past its end.
        past_due_usable(&app, true).await;
        app.store.book_visit(&clinic(&app).await, &booking, true, &manager).await.expect("overridden past its end");
    });
}

#[test]
fn a_paid_up_pack_that_ended_still_takes_a_managers_note() {
    support::run(async {
        let app = TestApp::start().await;
        past_due_usable(&app, false).await;
        let (dog, client) = app.dog_without_pack().await;
        let today = clinic(&app).await.today;
        let pack = physio_pack(&app, client, 4, Some(today)).await;
        let yesterday = today - Days::new(1);
        let ended = format!("UPDATE subscriptions SET status = 'expired', ends_on = '{yesterday}' WHERE id = $1");
        write(&app, &ended, pack).await;
        let booking = NewVisit {
            override_note: "Insurer extended the claim",
            ..visit(dog, app.item_id("PHYSIO").await, at(today + Days::new(3), 10), Some(pack))
        };
        let clinic = clinic(&app).await;
        app.store.book_visit(&clinic, &booking, true, &Actor::clinic_desk()).await.expect("overridden past its end");
    });
}
