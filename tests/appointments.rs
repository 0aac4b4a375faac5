//! Appointments and daycare days that hold, draw and release pack sessions.

mod support;

use carecount::domain::{Span, VisitAction, VisitKind, VisitStatus};
use carecount::server::actor::Actor;
use carecount::server::store::visits::NewVisit;
use carecount::wire::clinic::ClinicInfo;
use carecount::wire::error::AppError;
use chrono::{Days, NaiveDate, Utc};
use serde_json::json;
use support::visits::*;
use support::*;

#[test]
fn two_desks_booking_the_last_session_at_once_give_it_to_exactly_one() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let pack = physio_pack(&app, client, 1, None).await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        let first = visit(dog, physio, at(clinic.today, 16), Some(pack));
        let second = visit(dog, physio, at(clinic.today, 17), Some(pack));
        let (a, b) = tokio::join!(
            app.store.book_visit(&clinic, &first, false, &desk),
            app.store.book_visit(&clinic, &second, false, &desk)
        );
        let refused = match (&a, &b) {
            (Ok(_), Err(e)) | (Err(e), Ok(_)) => e.to_string(),
            other => panic!("exactly one booking must win: {other:?}"),
        };
        assert!(refused.contains("has 0 sessions available; 1 asked"), "{refused}");
        assert_eq!(available(&app, pack).await, 0);
        let booked = app.scalar("SELECT count(*) FROM appointments WHERE subscription_id = $1", pack).await;
        assert_eq!(booked, 1);
    });
}

#[test]
fn cancelling_gives_the_session_back_and_a_walk_in_never_takes_a_booked_one() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let pack = physio_pack(&app, client, 2, None).await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        let tomorrow = clinic.today + Days::new(1);
        let one = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(tomorrow, 9), Some(pack)), false, &desk)
            .await
            .unwrap();
        app.store.book_visit(&clinic, &visit(dog, physio, at(tomorrow, 11), Some(pack)), false, &desk).await.unwrap();
        assert_eq!(available(&app, pack).await, 0, "both sessions are held");

        // A walk-in today is charged in full: both sessions are booked.
        let invoice = app.new_invoice(client).await;
        let line =
            json!({ "patient_id": dog, "item_id": physio, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.finalize(invoice, json!([line]), "walk-in").await;
        assert_eq!(status, 200, "{body}");
        let covered = app.scalar("SELECT covered_quantity FROM invoice_lines WHERE invoice_id = $1", invoice).await;
        assert_eq!(covered, 0, "the walk-in did not take a booked session");

        let notice = app.store.close_visit(&clinic, one, VisitAction::Cancel, &desk).await.unwrap();
        assert!(notice.contains("went back to its pack"), "{notice}");
        assert_eq!(available(&app, pack).await, 1, "cancelling gave exactly one back");
        let again = app.store.close_visit(&clinic, one, VisitAction::Cancel, &desk).await.unwrap_err();
        assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
        assert_eq!(available(&app, pack).await, 1, "a second cancel gives nothing more");
    });
}

#[test]
fn checking_out_twice_bills_and_counts_the_session_once() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let pack = physio_pack(&app, client, 3, None).await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        let booked = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 17), Some(pack)), false, &desk)
            .await
            .unwrap();
        let first = app.store.check_out_visit(&clinic, booked, &desk).await.expect("checked out");
        let second = app.store.check_out_visit(&clinic, booked, &desk).await.unwrap_err();
        assert!(second.to_string().contains("already checked out"), "{second}");
        let invoice = first.invoice_id.expect("a draft invoice");
        let lines = app.scalar("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1", invoice).await;
        assert_eq!(lines, 1, "one line for one check-out");
        assert_eq!(available(&app, pack).await, 2, "still held while the invoice is a draft");

        // The draft's own coverage counts the visit's held session as its own.
        let view = app.store.invoice_view(1, invoice).await.unwrap();
        let coverage = view.coverage().expect("finalizable");
        assert_eq!(coverage.lines[0].covered.0, 1, "the pack covers the checked-out session");
        // A desk that opened the draft before the check-out cannot save it without the visit.
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": [] })).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("was checked out onto this invoice from the schedule"), "{body}");
        let line =
            json!({ "patient_id": dog, "item_id": physio, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.finalize(invoice, json!([line]), "check-out").await;
        assert_eq!(status, 200, "{body}");
        let used = app
            .scalar(
                "SELECT COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0) FROM usage_ledger l JOIN subscription_benefits b
               ON b.id = l.subscription_benefit_id WHERE b.subscription_id = $1 AND l.source_kind = 'invoice_line'",
                pack,
            )
            .await;
        assert_eq!(used, 1, "drawn once");
        assert_eq!(available(&app, pack).await, 2, "drawn, no longer held: 3 − 1");
    });
}

#[test]
fn a_vet_or_a_pet_booked_at_one_clinic_is_not_booked_at_the_same_hour_at_another() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, _) = app.dog_without_pack().await;
        let other_dog = app.patient_id("Rex").await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        write(&app, "INSERT INTO clinics (id, organisation_id, name) VALUES ($1, 1, 'Maple North')", 3).await;
        let north = ClinicInfo { id: 3, name: "Maple North".into(), ..clinic.clone() };
        let pieter = app.scalar("SELECT id FROM users WHERE email = 'pieter@maple.example' AND $1 = 1", 1).await;
        let at_two = at(clinic.today + Days::new(1), 14);
        let with_pieter = |pet| NewVisit { staff_id: Some(pieter), ..visit(pet, physio, at_two, None) };
        app.store.book_visit(&clinic, &with_pieter(dog), false, &desk).await.expect("booked at the first clinic");
        let refused = app.store.book_visit(&north, &with_pieter(other_dog), false, &desk).await.unwrap_err();
        assert!(refused.to_string().contains("already sees"), "{refused}");
        let refused = app.store.book_visit(&north, &visit(dog, physio, at_two, None), false, &desk).await.unwrap_err();
        assert!(refused.to_string().contains("is already booked at 14:00–14:30 at "), "{refused}");
        app.store.book_visit(&north, &visit(other_dog, physio, at_two, None), false, &desk).await.expect("another pet");
    });
}

#[test]
fn a_no_show_draws_or_releases_by_the_pack_rule() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let pack = physio_pack(&app, client, 4, None).await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        let template = template_id(&app, "Physio 6-session pack").await;

        let released = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 16), Some(pack)), false, &desk)
            .await
            .unwrap();
        app.store.close_visit(&clinic, released, VisitAction::NoShow, &desk).await.unwrap();
        assert_eq!(available(&app, pack).await, 4, "the default rule gives the session back");

        // The template's rule changes: the pack sold before keeps its own.
        write(&app, "UPDATE plan_templates SET no_show = 'draw' WHERE id = $1", template).await;
        let kept = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 13), Some(pack)), false, &desk)
            .await
            .unwrap();
        let notice = app.store.close_visit(&clinic, kept, VisitAction::NoShow, &desk).await.unwrap();
        assert!(notice.contains("went back to its pack"), "sold under the old rule: {notice}");
        let pack = physio_pack(&app, client, 4, None).await;
        let drawn = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 17), Some(pack)), false, &desk)
            .await
            .unwrap();
        let notice = app.store.close_visit(&clinic, drawn, VisitAction::NoShow, &desk).await.unwrap();
        assert!(notice.contains("uses the session"), "{notice}");
        assert_eq!(available(&app, pack).await, 3, "the no-show used one session");
        assert!(app.store.close_visit(&clinic, drawn, VisitAction::NoShow, &desk).await.is_err(), "once");
        // The session it used is worth what a use at the desk saves, so a
        // cancellation's settlement counts it; the owner reads why it went.
        let (savings, reason, price): (String, Option<String>, String) = sqlx::query_as(
            "SELECT l.savings, l.owner_reason, i.regular_price FROM usage_ledger l JOIN catalog_items i ON i.id = l.item_id
             WHERE l.source_key = $1",
        )
        .bind(format!("no-show:{drawn}"))
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(savings.parse::<f64>().unwrap(), price.parse::<f64>().unwrap(), "a free session of the pack");
        assert_eq!(reason.as_deref(), Some("a missed appointment uses its session, by the pack's rule"));
        let next_week = visit(dog, physio, at(clinic.today + Days::new(7), 16), Some(pack));
        let ahead = app.store.book_visit(&clinic, &next_week, false, &desk).await.unwrap();
        let early = app.store.close_visit(&clinic, ahead, VisitAction::NoShow, &desk).await.unwrap_err();
        assert!(early.to_string().contains("a no-show is recorded on or after its day"), "{early}");
        assert_eq!(available(&app, pack).await, 2, "the no-show used one, next week's visit holds one");
    });
}

#[test]
fn a_no_show_on_a_pack_cancelled_since_the_booking_uses_nothing() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let template = template_id(&app, "Physio 6-session pack").await;
        write(&app, "UPDATE plan_templates SET no_show = 'draw' WHERE id = $1", template).await;
        let pack = physio_pack(&app, client, 2, None).await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        let booked = app
            .store
            .book_visit(&clinic, &visit(dog, physio, at(clinic.today, 15), Some(pack)), false, &desk)
            .await
            .unwrap();
        let (status, body) =
            app.call("plan/cancel", &format!("subscription_id={pack}&option=Waive&note=Household+moved")).await;
        assert_eq!(status, 200, "{body}");
        let notice = app.store.close_visit(&clinic, booked, VisitAction::NoShow, &desk).await.unwrap();
        assert!(notice.contains("no session left to use"), "{notice}");
        let used = app.scalar("SELECT count(*) FROM usage_ledger WHERE source_key = 'no-show:' || $1", booked).await;
        assert_eq!(used, 0, "a cancelled pack gains no use");
    });
}

#[test]
fn an_authorisation_refuses_a_booking_after_its_end_unless_a_manager_overrides() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let ends = clinic.today + Days::new(5);
        let pack = physio_pack(&app, client, 4, Some(ends)).await;
        write(
            &app,
            "UPDATE subscriptions SET authorised_by = 'referrer', authoriser_name = 'Dr Okafor',
                    authorisation_ref = 'RR-7' WHERE id = $1",
            pack,
        )
        .await;
        let physio = app.item_id("PHYSIO").await;
        let desk = Actor::clinic_desk();
        let late = visit(dog, physio, at(clinic.today + Days::new(10), 9), Some(pack));
        let refused = app.store.book_visit(&clinic, &late, false, &desk).await.unwrap_err();
        let words = refused.to_string();
        assert!(
            words.contains("authorised by Dr Okafor, ref. RR-7") && words.contains(&format!("ended on {ends}")),
            "{words}"
        );
        let no_note = app.store.book_visit(&clinic, &late, true, &desk).await.unwrap_err();
        assert!(matches!(no_note, AppError::Conflict(_)), "a manager still needs a note");
        assert_eq!(app.scalar("SELECT count(*) FROM appointments WHERE subscription_id = $1", pack).await, 0);
        let overridden = NewVisit { override_note: "Referrer extended by phone", ..late };
        let id = app.store.book_visit(&clinic, &overridden, true, &desk).await.expect("overridden");
        let note = text(&app, "SELECT override_note FROM appointments WHERE id = $1", id).await.unwrap_or_default();
        assert!(note.contains("Referrer extended by phone"), "{note}");

        // Once its end has passed and the plan job has marked it expired, a
        // manager's note still books past it, as the day before the job ran.
        let ended = clinic.today - Days::new(1);
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE subscriptions SET ends_on = $1 WHERE id = $2")
            .bind(carecount::wire::stored::Day(ended))
            .bind(pack)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        app.store.run_plan_jobs(Utc::now()).await.unwrap();
        let status = text(&app, "SELECT status FROM subscriptions WHERE id = $1", pack).await;
        assert_eq!(status.as_deref(), Some("expired"));
        let next_week = visit(dog, physio, at(clinic.today + Days::new(7), 11), Some(pack));
        let words = app.store.book_visit(&clinic, &next_week, false, &desk).await.unwrap_err().to_string();
        assert!(words.contains(&format!("ended on {ended}; a manager may override with a note")), "{words}");
        let overridden = NewVisit { override_note: "Insurer extended the claim", ..next_week };
        app.store.book_visit(&clinic, &overridden, true, &desk).await.expect("a manager books past an expired pack");

        // A cancelled pack was stopped on purpose: no note books on it.
        write(&app, "UPDATE subscriptions SET status = 'cancelled' WHERE id = $1", pack).await;
        let after = NewVisit {
            override_note: "Insurer extended the claim",
            ..visit(dog, physio, at(clinic.today + Days::new(8), 11), Some(pack))
        };
        let words = app.store.book_visit(&clinic, &after, true, &desk).await.unwrap_err().to_string();
        assert!(words.contains("is cancelled; pick another pack"), "{words}");
    });
}

#[test]
fn a_member_of_staff_cannot_be_booked_twice_at_once() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, _) = app.dog_without_pack().await;
        let physio = app.item_id("PHYSIO").await;
        let clinic = clinic(&app).await;
        let desk = Actor::clinic_desk();
        let vet = app.scalar("SELECT id FROM users WHERE role = 'vet' ORDER BY id LIMIT $1", 1).await;
        let other_dog =
            app.scalar("SELECT id FROM patients WHERE species = 'dog' AND id <> $1 ORDER BY id LIMIT 1", dog).await;
        let first = NewVisit { staff_id: Some(vet), ..visit(dog, physio, at(clinic.today, 16), None) };
        app.store.book_visit(&clinic, &first, false, &desk).await.unwrap();
        let mut clash =
            NewVisit { staff_id: Some(vet), patient_id: other_dog, ..visit(dog, physio, at(clinic.today, 16), None) };
        clash.span.start += chrono::TimeDelta::minutes(15);
        let refused = app.store.book_visit(&clinic, &clash, false, &desk).await.unwrap_err();
        assert!(refused.to_string().contains("already sees"), "{refused}");
        let late = NewVisit {
            span: Span { minutes: 30, ..at(clinic.today, 19) },
            ..visit(dog, physio, at(clinic.today, 16), None)
        };
        let outside = app.store.book_visit(&clinic, &late, false, &desk).await.unwrap_err();
        assert!(outside.to_string().contains("between 08:00 and 19:00"), "{outside}");
    });
}

#[test]
fn a_new_pack_started_from_the_booking_form_holds_the_session_booked() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let physio = app.item_id("PHYSIO").await;
        let template = template_id(&app, "Physio 6-session pack").await;
        let day = clinic(&app).await.today + Days::new(2);
        let form = json!({ "form": {
            "kind": "Appointment", "patient_id": dog, "item_id": physio, "starts_at": format!("{day}T16:30"),
            "minutes": "45", "staff_id": null, "pack": { "NewFrom": template }, "override_note": ""
        } });
        let (status, body) = app.call_json("schedule/book", form.clone()).await;
        assert_eq!(status, 200, "{body}");
        let visit: i64 = body.parse().expect("the visit");
        let pack = app.scalar("SELECT subscription_id FROM appointments WHERE id = $1", visit).await;
        let owner = app.scalar("SELECT client_id FROM subscriptions WHERE id = $1", pack).await;
        assert_eq!(owner, client, "the new pack is the household's");
        assert_eq!(available(&app, pack).await, 5, "six sessions, one held by the booking");

        // A length that is not minutes is refused in words.
        let mut bad = form.clone();
        bad["form"]["minutes"] = json!("an hour");
        bad["form"]["pack"] = json!({ "Pack": pack });
        let (status, body) = app.call_json("schedule/book", bad).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("not a number of minutes"), "{body}");
    });
}

#[test]
fn a_daycare_pet_is_checked_in_once_a_day() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let (clinic, desk) = (clinic(&app).await, Actor::clinic_desk());
        let pack = daycare_pack(&app, client).await;
        let day = NewVisit {
            kind: VisitKind::Daycare,
            item_id: app.item_id("DAYCARE").await,
            status: VisitStatus::CheckedIn,
            ..visit(dog, 0, Span { minutes: 480, ..at(clinic.today, 8) }, Some(pack))
        };
        // A daycare page left open since yesterday checks in on its own day.
        let stale = NewVisit {
            kind: VisitKind::Daycare,
            item_id: day.item_id,
            status: VisitStatus::CheckedIn,
            ..visit(dog, 0, Span { minutes: 480, ..at(clinic.today - Days::new(1), 8) }, Some(pack))
        };
        let refused = app.store.book_visit(&clinic, &stale, false, &desk).await.unwrap_err();
        assert!(refused.to_string().contains("Reload the page for today's list"), "{refused}");
        assert_eq!(available(&app, pack).await, 5, "no day gone by holds a day of the pack");
        let first = app.store.book_visit(&clinic, &day, false, &desk).await.expect("checked in");
        let twice = app.store.book_visit(&clinic, &day, false, &desk).await.unwrap_err();
        assert!(twice.to_string().contains("already has a daycare day"), "{twice}");
        assert_eq!(available(&app, pack).await, 4, "one day held");
        let out = app.store.check_out_visit(&clinic, first, &desk).await.unwrap();
        assert!(out.invoice_id.is_some());
        let checked_in_at = text(&app, "SELECT checked_in_at FROM appointments WHERE id = $1", first).await.unwrap();
        assert!(checked_in_at.ends_with('Z'), "a time, not a date: {checked_in_at}");
    });
}

#[test]
fn a_daycare_day_cannot_move_onto_a_day_the_pet_already_has() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let (clinic, desk) = (clinic(&app).await, Actor::clinic_desk());
        let pack = daycare_pack(&app, client).await;
        let booked = |day: NaiveDate| NewVisit {
            kind: VisitKind::Daycare,
            item_id: 0,
            ..visit(dog, 0, Span { minutes: 480, ..at(day, 8) }, Some(pack))
        };
        let item = app.item_id("DAYCARE").await;
        let (monday, tuesday) = (clinic.today + Days::new(7), clinic.today + Days::new(8));
        let first =
            app.store.book_visit(&clinic, &NewVisit { item_id: item, ..booked(monday) }, false, &desk).await.unwrap();
        app.store.book_visit(&clinic, &NewVisit { item_id: item, ..booked(tuesday) }, false, &desk).await.unwrap();
        assert_eq!(available(&app, pack).await, 3, "two days held");

        let onto = app.store.move_visit(&clinic, first, tuesday.and_hms_opt(8, 0, 0).unwrap(), None).await.unwrap_err();
        assert!(onto.to_string().contains("already has a daycare day"), "{onto}");
        // Moving it to the same day at another hour, or to a free day, is fine.
        app.store.move_visit(&clinic, first, monday.and_hms_opt(9, 0, 0).unwrap(), None).await.unwrap();
        app.store.move_visit(&clinic, first, tuesday.and_hms_opt(8, 0, 0).unwrap() + Days::new(1), None).await.unwrap();
        assert_eq!(available(&app, pack).await, 3, "still two days held");
    });
}
