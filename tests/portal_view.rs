//! What the owner's healthcard carries: the household's own clinic, and
//! nothing written for staff.

mod support;

use carecount::server::actor::Actor;
use carecount::server::store::carry_over::CarryOver;
use support::visits::clinic;
use support::*;

#[test]
fn the_owner_reads_the_pack_without_the_note_to_the_desk() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let rex = app.patient_id("Rex").await;
        let household = app.client_of(rex).await;
        let carry = CarryOver {
            template_id: template_id(&app, "Daycare 10-day pack").await,
            left: 4,
            ends_on: None,
            use_note: "Collect the old system's balance first",
            reason: "Moving from the old practice system",
            patient_id: None,
        };
        app.store.carry_over(&clinic(&app).await, household, &carry, &Actor::clinic_desk()).await.unwrap();
        let desk = app.client_for(RECEPTIONIST).await;
        let (status, staff) = app.call_as(&desk, "household", &format!("patient_id={rex}")).await;
        assert_eq!(status, 200, "{staff}");
        assert!(staff.contains("Collect the old system"), "the desk sees its note: {staff}");
        let owner = app.client_for(OWNER).await;
        let (status, card) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200, "{card}");
        assert!(card.contains("Daycare 10-day pack"), "the owner sees the pack: {card}");
        assert!(!card.contains("Collect the old system"), "the note to the desk reached the owner: {card}");
        let portal = owner.get(app.url("/portal")).send().await.unwrap().text().await.unwrap();
        assert!(!portal.contains("Collect the old system"), "nor in the page's data");
    });
}

#[test]
fn the_owner_reads_the_healthcard_of_the_households_own_clinic() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let household = app.client_of(app.patient_id("Rex").await).await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query(
            "INSERT INTO clinics (id, organisation_id, name, currency, time_zone)
             VALUES (3, 1, 'Maple North', 'GBP', 'Europe/London')",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("UPDATE clients SET clinic_id = 3 WHERE id = $1").bind(household).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let owner = app.client_for(OWNER).await;
        let (status, card) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200, "{card}");
        let card: serde_json::Value = serde_json::from_str(&card).unwrap();
        assert_eq!(card["clinic"]["name"], "Maple North", "{card}");
        assert_eq!(card["clinic"]["currency"]["code"], "GBP");
    });
}
