//! Checking a visit out onto an invoice: priced on the visit's own day, and
//! only from a pack that can cover it.

mod support;

use carecount::domain::{VisitKind, VisitStatus};
use carecount::server::actor::Actor;
use carecount::server::store::visits::NewVisit;
use carecount::wire::clinic::ClinicInfo;
use chrono::Days;
use serde_json::json;
use support::visits::*;
use support::*;

#[test]
fn a_session_checked_out_the_next_morning_is_priced_on_its_own_day() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        // The pack's last day is today; its last session is this evening.
        let pack = physio_pack(&app, client, 3, Some(clinic.today)).await;
        let physio = app.item_id("PHYSIO").await;
        let desk = Actor::clinic_desk();
        let booked = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 17), Some(pack)), false, &desk)
            .await
            .unwrap();
        let tomorrow = ClinicInfo { today: clinic.today + Days::new(1), ..clinic.clone() };
        let out = app.store.check_out_visit(&tomorrow, booked, &desk).await.expect("checked out");
        let invoice = out.invoice_id.expect("a draft");
        let dated = text(&app, "SELECT invoice_date FROM invoices WHERE id = $1", invoice).await;
        assert_eq!(dated, Some(clinic.today.to_string()), "the invoice is dated on the day of the session");
        let view = app.store.invoice_view(1, invoice).await.unwrap();
        let coverage = view.coverage().expect("finalizable");
        assert_eq!(coverage.lines[0].covered.0, 1, "the pack covered its last day's session");

        // A second visit today joins that draft; one tomorrow gets its own.
        let later = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 18), Some(pack)), false, &desk)
            .await
            .unwrap();
        let same = app.store.check_out_visit(&tomorrow, later, &desk).await.unwrap();
        assert_eq!(same.invoice_id, Some(invoice));
    });
}

#[test]
fn a_pack_waiting_for_its_first_payment_is_not_checked_out_from() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let pack = physio_pack(&app, client, 3, None).await;
        let physio = app.item_id("PHYSIO").await;
        let desk = Actor::clinic_desk();
        write(&app, "UPDATE subscriptions SET status = 'pending' WHERE id = $1", pack).await;
        let booked = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 10), Some(pack)), false, &desk)
            .await
            .expect("a pack awaiting payment may hold a booking");
        let refused = app.store.check_out_visit(&clinic, booked, &desk).await.unwrap_err();
        assert!(refused.to_string().contains("is waiting for its first payment"), "{refused}");
        assert_eq!(available(&app, pack).await, 2, "the session is still held");

        write(&app, "UPDATE subscriptions SET status = 'active' WHERE id = $1", pack).await;
        let out = app.store.check_out_visit(&clinic, booked, &desk).await.expect("paid: checked out");
        let view = app.store.invoice_view(1, out.invoice_id.unwrap()).await.unwrap();
        assert_eq!(view.coverage().expect("finalizable").lines[0].covered.0, 1);
    });
}

#[test]
fn checking_out_a_day_the_desk_already_put_on_the_draft_bills_and_draws_it_once() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let pack = daycare_pack(&app, client).await;
        let day = app.item_id("DAYCARE").await;
        let desk = Actor::clinic_desk();
        let here = NewVisit {
            kind: VisitKind::Daycare,
            status: VisitStatus::CheckedIn,
            ..visit(dog, day, at(clinic.today, 8), Some(pack))
        };
        let visit_id = app.store.book_visit(&clinic, &here, false, &desk).await.expect("checked in");

        // The receptionist clicks "Use 1 day" on today's invoice first.
        let invoice = app.new_invoice(client).await;
        let line =
            json!({ "patient_id": dog, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": [line.clone()] })).await;
        assert_eq!(status, 200, "{body}");
        // Then checks the dog out, so it no longer shows as here.
        let out = app.store.check_out_visit(&clinic, visit_id, &desk).await.expect("checked out");
        assert_eq!(out.invoice_id, Some(invoice), "today's draft");
        assert!(out.notice.contains("already on"), "{}", out.notice);
        let lines = app.scalar("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1", invoice).await;
        assert_eq!(lines, 1, "one day, one line");

        // The desk's page, opened before the check-out, saves the same line.
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": [line.clone()] })).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.finalize(invoice, json!([line]), "one-day").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(available(&app, pack).await, 4, "one day of five drawn, nothing still held");
    });
}

#[test]
fn an_appointment_checked_out_adds_its_own_line_beside_one_the_desk_added() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let pack = physio_pack(&app, client, 4, None).await;
        let physio = app.item_id("PHYSIO").await;
        let desk = Actor::clinic_desk();
        let booked = visit(dog, physio, at(clinic.today, 10), Some(pack));
        let visit_id = app.store.book_visit(&clinic, &booked, false, &desk).await.expect("booked");
        // A walk-in session this morning, on the draft already.
        let invoice = app.new_invoice(client).await;
        let line =
            json!({ "patient_id": dog, "item_id": physio, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": [line] })).await;
        assert_eq!(status, 200, "{body}");
        app.store.check_out_visit(&clinic, visit_id, &desk).await.expect("checked out");
        let lines = app.scalar("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1", invoice).await;
        assert_eq!(lines, 2, "two sessions in a day are two lines");
    });
}
