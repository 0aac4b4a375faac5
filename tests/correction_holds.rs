//! Voiding a correction counts again what it gave back, and a pack's
//! sessions booked since then are as good as used: the void is refused
//! rather than count more than the pack holds.

mod support;

use carecount::server::actor::Actor;
use serde_json::json;
use support::visits::*;
use support::{TestApp, desk_line as line};

#[test]
fn a_correction_is_not_voided_into_sessions_booked_since() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let pack = physio_pack(&app, client, 2, None).await;
        let physio = app.item_id("PHYSIO").await;
        let original = app.new_invoice(client).await;
        let (status, body) = app.finalize(original, json!([line(dog, physio, "1")]), "used-one").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(available(&app, pack).await, 1);

        // The session is given back by a correction…
        let (status, body) = app.call("invoice/correct", &format!("id={original}")).await;
        assert_eq!(status, 200, "{body}");
        let correction: i64 = body.parse().unwrap();
        let (status, body) = app.finalize(correction, json!([line(dog, physio, "-1")]), "given-back").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(available(&app, pack).await, 2);

        // …and both sessions are booked on the schedule.
        let desk = Actor::clinic_desk();
        for hour in [9, 11] {
            let at = at(clinic.today + chrono::Days::new(2), hour);
            app.store.book_visit(&clinic, &visit(dog, physio, at, Some(pack)), false, &desk).await.expect("booked");
        }
        assert_eq!(available(&app, pack).await, 0);

        let (status, body) = app.call("invoice/void", &format!("id={correction}&reason=Given+back+by+mistake")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("used or booked them since"), "{body}");
        assert_eq!(available(&app, pack).await, 0, "nothing counted beyond the pack");
        let status = support::text(&app, "SELECT status FROM invoices WHERE id = $1", correction).await;
        assert_eq!(status.as_deref(), Some("finalized"));
    });
}
