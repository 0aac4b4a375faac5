//! Referral and insurer authorisations: a session pack of N sessions between
//! two dates; a session past its end or beyond N is refused in words unless
//! a manager overrides with a note.

mod support;

use carecount::server::actor::Actor;
use carecount::server::store::pack_changes::PackChange;
use chrono::{Days, Utc};
use serde_json::json;
use support::*;

#[test]
fn an_authorisation_refuses_sessions_beyond_n_and_after_its_end_unless_a_manager_overrides() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let today = app.store.clinic_of(1, None, Utc::now()).await.unwrap().today;
        let physio = template_id(&app, "Physio 6-session pack").await;
        let receptionist = app.client_for(RECEPTIONIST).await;
        let form = |sessions: &str, until: chrono::NaiveDate| {
            json!({ "client_id": client, "form": {
                "template_id": physio.to_string(), "sessions": sessions, "starts_on": (today - Days::new(10)).to_string(),
                "ends_on": until.to_string(), "by": "referrer", "name": "Dr Okafor, Riverside Referrals",
                "reference": "RR-2291", "pet": dog.to_string() } })
        };
        let (status, body) = app.call_as_json(&receptionist, "client/authorise", form("two", today)).await;
        assert_eq!(status, 422);
        assert!(body.contains("Sessions is a whole number"), "{body}");
        let (status, body) =
            app.call_as_json(&receptionist, "client/authorise", form("2", today + Days::new(20))).await;
        assert_eq!(status, 200, "{body}");
        let pack: i64 = body.trim().parse().unwrap();
        let size = app
            .scalar("SELECT limit_quantity FROM subscription_benefits WHERE subscription_id = $1 AND limit_quantity IS NOT NULL", pack)
            .await;
        assert_eq!(size, 2, "the pack stands for the sessions authorised");

        let session = app.item_id("PHYSIO").await;
        let lines = |n: &str| json!([{ "patient_id": dog, "item_id": session, "quantity_text": n, "unit": "Unit", "discount_text": "" }]);
        let app = &app;
        let finalize = |who: &reqwest::Client, invoice: i64, n: &str, note: Option<&str>, key: &str| {
            let body = json!({ "id": invoice, "lines": lines(n), "preview": [], "key": key, "override_note": note });
            let who = who.clone();
            async move { app.call_as_json(&who, "invoice/finalize", body).await }
        };
        let invoice = app.new_invoice(client).await;
        let (status, body) = finalize(&receptionist, invoice, "3", None, "three").await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body.contains("Line 1: Physio 6-session pack (authorised by Dr Okafor, Riverside Referrals, ref. RR-2291) has 0 sessions available; 1 asked"),
            "{body}"
        );
        let used = || {
            app.scalar("SELECT COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0) FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id WHERE b.subscription_id = $1", pack)
        };
        assert_eq!(used().await, 0, "nothing was finalized");
        let (status, _) = finalize(&receptionist, invoice, "3", Some("the referrer said yes"), "three-r").await;
        assert_eq!(status, 403, "only a manager overrides");
        let manager = app.client.clone();
        let (status, body) = finalize(&manager, invoice, "3", Some("Referrer extended by phone"), "three-m").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used().await, 3, "overridden, all three count on the authorisation, one beyond it");
        let said =
            text(app, "SELECT note FROM audit_log WHERE action = 'authorisation_override' AND entity_id = $1", invoice)
                .await;
        assert_eq!(said.as_deref(), Some("Referrer extended by phone"));

        // Past its end, a session is refused too.
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE subscriptions SET ends_on = $1 WHERE id = $2")
            .bind(carecount::wire::stored::Day(today - Days::new(1)))
            .bind(pack)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE subscription_benefits SET limit_quantity = 6 WHERE subscription_id = $1")
            .bind(pack)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let late = app.new_invoice(client).await;
        let (status, body) = finalize(&receptionist, late, "1", None, "late").await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains(&format!("ended on {}", today - Days::new(1))), "{body}");
        let (status, body) =
            finalize(&manager, late, "1", Some("Insurer extended the claim by a week"), "late-m").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used().await, 4, "the late session counted on the authorisation it was overridden for");

        // An authorisation is never renewed by itself: the next one is authorised anew.
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE plan_templates SET auto_renew = 1 WHERE id = $1")
            .bind(physio)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        let followed = app.scalar("SELECT count(*) FROM subscriptions WHERE renews_subscription_id = $1", pack).await;
        assert_eq!(followed, 0);
    });
}

#[test]
fn extending_an_overused_authorisation_keeps_the_sessions_used_beyond_it() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = app.store.clinic_of(1, None, Utc::now()).await.unwrap();
        let physio = template_id(&app, "Physio 6-session pack").await;
        let form = json!({ "client_id": client, "form": {
            "template_id": physio.to_string(), "sessions": "1", "starts_on": clinic.today.to_string(),
            "ends_on": (clinic.today + Days::new(10)).to_string(), "by": "insurer", "name": "PetSure",
            "reference": "PS-88", "pet": dog.to_string() } });
        let (status, body) = app.call_json("client/authorise", form).await;
        assert_eq!(status, 200, "{body}");
        let pack: i64 = body.trim().parse().unwrap();
        let session = app.item_id("PHYSIO").await;
        let two = json!([{ "patient_id": dog, "item_id": session, "quantity_text": "2", "unit": "Unit", "discount_text": "" }]);
        let invoice = app.new_invoice(client).await;
        // The screen showed one of the two covered, the other charged.
        let body = json!({ "id": invoice, "lines": two, "preview": [1], "key": "two", "override_note": "Insurer agreed by phone" });
        let (status, body) = app.call_json("invoice/finalize", body).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("a manager's override") && !body.contains("another desk used"), "{body}");
        let used = || {
            app.scalar("SELECT COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0) FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id WHERE b.subscription_id = $1", pack)
        };
        assert_eq!(used().await, 2, "one authorised, one beyond it");

        // The insurer extends the claim: the Packs tab sends the end date and
        // the number it shows left, 0.
        let later = clinic.today + Days::new(40);
        let change = PackChange { left: Some(0), ends_on: Some(Some(later)), note: "PetSure extended PS-88" };
        app.store.change_pack(&clinic, pack, &change, &Actor::clinic_desk()).await.expect("extended");
        assert_eq!(used().await, 2, "the session used beyond the authorisation still counts");
        let detail = text(&app, "SELECT detail FROM audit_log WHERE action = 'change_pack' AND entity_id = $1", pack)
            .await
            .unwrap_or_default();
        assert!(detail.contains(&format!("\u{2192} {later}")) && !detail.contains("left"), "{detail}");
    });
}
