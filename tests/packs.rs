//! Packages and session packs brought over from another system.

mod support;

use carecount::server::actor::Actor;
use carecount::server::store::carry_over::CarryOver;
use carecount::server::store::pack_changes::PackChange;
use carecount::wire::error::AppError;
use chrono::{Days, Utc};
use serde_json::json;
use support::*;

async fn clinic(app: &TestApp) -> carecount::wire::clinic::ClinicInfo {
    app.store.clinic_of(1, None, Utc::now()).await.unwrap()
}

/// Left of the one counted benefit of a subscription: limit less its ledger.
async fn left_of(app: &TestApp, subscription: i64) -> i64 {
    app.scalar(
        "SELECT b.limit_quantity - COALESCE((SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_ledger l
                                             WHERE l.subscription_benefit_id = b.id), 0)
         FROM subscription_benefits b WHERE b.subscription_id = $1 AND b.limit_quantity IS NOT NULL",
        subscription,
    )
    .await
}

#[test]
fn seven_carried_over_daycare_days_become_six_after_one_is_invoiced() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let clinic = clinic(&app).await;
        let ends = clinic.today + Days::new(90);
        let carry = CarryOver {
            template_id: daycare,
            left: 7,
            ends_on: Some(ends),
            use_note: "Paid in full in the old system",
            reason: "Moving from the old practice system",
            patient_id: None,
        };
        let pack = app.store.carry_over(&clinic, client, &carry, &Actor::clinic_desk()).await.expect("carried over");
        assert_eq!(left_of(&app, pack).await, 7);
        let (origin, price, ends_on): (String, String, Option<carecount::wire::stored::Day>) =
            sqlx::query_as("SELECT origin, price, ends_on FROM subscriptions WHERE id = $1")
                .bind(pack)
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(
            (origin.as_str(), price.as_str(), ends_on.map(|d| d.0)),
            ("carried_over", "0", Some(ends)),
            "no fake sale"
        );
        let opening: (i64, String) = sqlx::query_as(
            "SELECT l.quantity, l.note FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             WHERE b.subscription_id = $1 AND l.source_kind = 'opening_balance'",
        )
        .bind(pack)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(
            opening,
            (3, "Moving from the old practice system".to_string()),
            "the opening balance is its own entry"
        );
        let payments = app.scalar("SELECT count(*) FROM payments WHERE subscription_id = $1", pack).await;
        assert_eq!(payments, 0, "nothing to pay for a carried-over pack");

        let day = app.item_id("DAYCARE").await;
        let invoice = app.new_invoice(client).await;
        let line =
            json!({ "patient_id": dog, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.finalize(invoice, json!([line]), "carry-1").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(left_of(&app, pack).await, 6, "the day came from the carried-over package");
    });
}

#[test]
fn a_carry_over_without_a_reason_or_with_a_wrong_pack_is_refused_and_writes_nothing() {
    support::run(async {
        let app = TestApp::start().await;
        let (_, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let wellness = template_id(&app, "Adult Dog Plan").await;
        let good = CarryOver {
            template_id: daycare,
            left: 4,
            ends_on: None,
            use_note: "",
            reason: "Old system",
            patient_id: None,
        };
        let subscriptions = || app.scalar("SELECT count(*) + $1 FROM subscriptions", 0);
        let before = subscriptions().await;
        for (carry, says) in [
            (CarryOver { reason: " ", ..good.clone() }, "Write a short note saying why this balance is carried over"),
            (CarryOver { left: 0, ..good.clone() }, "Number left must be between 1 and"),
            (CarryOver { ends_on: Some(clinic.today - Days::new(1)), ..good.clone() }, "has passed"),
            (CarryOver { template_id: wellness, ..good.clone() }, "is a wellness plan"),
        ] {
            match app.store.carry_over(&clinic, client, &carry, &Actor::clinic_desk()).await {
                Err(AppError::Invalid(message)) => assert!(message.contains(says), "{message}"),
                other => panic!("expected a refusal saying {says:?}, got {other:?}"),
            }
        }
        assert_eq!(subscriptions().await, before, "nothing was written");
        let pack = app.store.carry_over(&clinic, client, &good, &Actor::clinic_desk()).await.expect("the good one");
        assert_eq!(left_of(&app, pack).await, 4);
        let audited =
            app.scalar("SELECT count(*) FROM audit_log WHERE action = 'carry_over' AND entity_id = $1", pack).await;
        assert_eq!(audited, 1, "the carry-over is in the audit log with its reason");
    });
}

#[test]
fn changing_a_packs_balance_or_end_date_needs_a_note_and_is_kept_as_an_entry() {
    support::run(async {
        let app = TestApp::start().await;
        let (_, client) = app.dog_without_pack().await;
        let clinic = clinic(&app).await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let carry = CarryOver {
            template_id: daycare,
            left: 7,
            ends_on: None,
            use_note: "",
            reason: "Old system",
            patient_id: None,
        };
        let pack = app.store.carry_over(&clinic, client, &carry, &Actor::clinic_desk()).await.unwrap();
        let entries = || app.scalar("SELECT count(*) + $1 FROM usage_ledger", 0);
        let before = entries().await;
        let ends = clinic.today + Days::new(30);
        let unexplained = PackChange { left: Some(9), ends_on: Some(Some(ends)), note: "" };
        match app.store.change_pack(&clinic, pack, &unexplained, &Actor::clinic_desk()).await {
            Err(AppError::Invalid(message)) => assert!(message.contains("why the pack changes"), "{message}"),
            other => panic!("a change without a note must be refused: {other:?}"),
        }
        assert_eq!((left_of(&app, pack).await, entries().await), (7, before), "nothing changed");
        let ends_on = || text(&app, "SELECT ends_on FROM subscriptions WHERE id = $1", pack);
        assert_eq!(ends_on().await, None);

        let explained = PackChange { note: "Two days were missed in the old system", ..unexplained };
        app.store.change_pack(&clinic, pack, &explained, &Actor::clinic_desk()).await.expect("with a note");
        assert_eq!(left_of(&app, pack).await, 9);
        assert_eq!(ends_on().await, Some(ends.to_string()));
        let entry: (String, i64, String) =
            sqlx::query_as("SELECT source_kind, quantity, note FROM usage_ledger ORDER BY id DESC LIMIT 1")
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(
            entry,
            ("manual_adjustment".into(), -2, "Two days were missed in the old system".into()),
            "the balance moved by an entry, never an edit"
        );
        let audit = text(&app, "SELECT detail FROM audit_log WHERE action = 'change_pack' AND entity_id = $1", pack)
            .await
            .unwrap();
        assert!(
            audit.contains("left 7 \u{2192} 9") && audit.contains(&format!("ends no end \u{2192} {ends}")),
            "{audit}"
        );
    });
}

#[test]
fn a_manager_carries_over_on_the_packs_tab_and_the_desk_counts_it_down() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let form = json!({ "template_id": daycare.to_string(), "left": "7", "ends_on": "",
                           "use_note": "Paid in the old system", "reason": "Moving from the old system" });
        let receptionist = app.client_for(RECEPTIONIST).await;
        let (status, body) =
            app.call_as_json(&receptionist, "client/carry-over", json!({ "client_id": client, "form": form })).await;
        assert_eq!(status, 403, "only managers carry packs over: {body}");

        // The test's own client is signed in as the manager.
        let manager = &app.client;
        let (status, body) = app.call_as_json(manager, "client/carry-over", merge(client, &form, "reason", "")).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("why this balance is carried over"), "{body}");
        let (status, body) =
            app.call_as_json(manager, "client/carry-over", merge(client, &form, "left", "seven")).await;
        assert_eq!(status, 422);
        assert!(body.contains("Number left is a whole number"), "names the field: {body}");
        let (status, body) =
            app.call_as_json(manager, "client/carry-over", json!({ "client_id": client, "form": form })).await;
        assert_eq!(status, 200, "{body}");
        let pack: i64 = body.trim().parse().expect("the new pack's id");

        // The receptionist's Packs tab shows it, carried over, with its note.
        let (status, body) = app.call_as(&receptionist, "client/packs", &format!("client_id={client}")).await;
        assert_eq!(status, 200, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["may_adjust"], false, "receptionists do not adjust packs");
        let shown = page["packs"].as_array().unwrap().iter().find(|p| p["card"]["subscription"]["id"] == pack).unwrap();
        assert_eq!(shown["card"]["pack_facts"]["carried_over"], true);
        assert_eq!(shown["card"]["pack_facts"]["use_note"], "Paid in the old system");
        assert_eq!(shown["card"]["subscription"]["benefits"][0]["used"], 3, "ten days, seven left");

        let invoice = app.new_invoice(client).await;
        let day = app.item_id("DAYCARE").await;
        let line =
            json!({ "patient_id": dog, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.finalize(invoice, json!([line]), "packs-tab-1").await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.call_as(&receptionist, "client/packs", &format!("client_id={client}")).await;
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let shown = page["packs"].as_array().unwrap().iter().find(|p| p["card"]["subscription"]["id"] == pack).unwrap();
        assert_eq!(shown["card"]["subscription"]["benefits"][0]["used"], 4, "six left after the invoice");
        let uses = shown["uses"].as_array().unwrap();
        assert_eq!(uses.len(), 2, "the day used and the carried-over balance: {uses:?}");
        assert!(uses[0]["source"].as_str().unwrap().starts_with("Invoice "), "{uses:?}");
        assert!(uses[1]["source"].as_str().unwrap().starts_with("Carried over"), "{uses:?}");

        // A change needs a note, says so, and is refused to the receptionist.
        let change =
            |note: &str| json!({ "subscription_id": pack, "form": { "left": "8", "ends_on": "", "note": note } });
        assert_eq!(app.call_as_json(&receptionist, "pack/change", change("fix")).await.0, 403);
        let (status, body) = app.call_as_json(manager, "pack/change", change("")).await;
        assert_eq!(status, 422);
        assert!(body.contains("why the pack changes"), "{body}");
        let (status, body) = app.call_as_json(manager, "pack/change", change("Two days missed")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(left_of(&app, pack).await, 8);
    });
}

/// The carry-over call for a client with one field of the form replaced.
fn merge(client: i64, form: &serde_json::Value, field: &str, value: &str) -> serde_json::Value {
    let mut form = form.clone();
    form[field] = json!(value);
    json!({ "client_id": client, "form": form })
}

#[test]
fn a_pack_sold_on_an_invoice_exists_after_finalize_and_not_after_void() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let pack_item = app.item_id(&format!("PACK-{daycare}")).await;
        let packs_of = || {
            app.scalar(
                "SELECT count(*) FROM subscriptions WHERE client_id = $1 AND kind <> 'wellness' AND status = 'active'",
                client,
            )
        };
        assert_eq!(packs_of().await, 0);
        let invoice = app.new_invoice(client).await;
        let line = json!({ "patient_id": dog, "item_id": pack_item, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": [line.clone()] })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(packs_of().await, 0, "a draft sells nothing");
        let (status, body) = app.finalize(invoice, json!([line]), "sell-pack").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(packs_of().await, 1, "finalizing made the pack");
        let (pack, price, sold_on): (i64, String, Option<i64>) = sqlx::query_as(
            "SELECT id, price, sold_on_invoice_id FROM subscriptions WHERE client_id = $1 AND kind <> 'wellness'",
        )
        .bind(client)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        let charged = text(&app, "SELECT net FROM invoice_lines WHERE invoice_id = $1", invoice).await.unwrap();
        assert_eq!((price, sold_on), (charged, Some(invoice)), "paid on the invoice, at what the line charged");
        assert_eq!(left_of(&app, pack).await, 10);

        // A use of the pack on another invoice stops the void that sold it.
        let day = app.item_id("DAYCARE").await;
        let used = app.new_invoice(client).await;
        let use_line =
            json!({ "patient_id": dog, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        assert_eq!(app.finalize(used, json!([use_line]), "use-sold").await.0, 200);
        assert_eq!(left_of(&app, pack).await, 9);
        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=sold+by+mistake")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("has 1 day used already"), "{body}");
        assert_eq!(packs_of().await, 1, "nothing changed");

        let (status, body) = app.call("invoice/void", &format!("id={used}&reason=not+given")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=sold+by+mistake")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(packs_of().await, 0, "voiding the sale cancelled the pack");
        let status = text(&app, "SELECT status FROM subscriptions WHERE id = $1", pack).await;
        assert_eq!(status.as_deref(), Some("cancelled"), "kept, as cancelled, never deleted");
    });
}

#[test]
fn a_carry_over_file_with_one_bad_line_applies_nothing_and_a_preview_changes_nothing() {
    support::run(async {
        let app = TestApp::start().await;
        let emails: Vec<String> =
            sqlx::query_scalar("SELECT email FROM clients WHERE email IS NOT NULL ORDER BY id LIMIT 3")
                .fetch_all(app.store.reader())
                .await
                .unwrap();
        let packs = || app.scalar("SELECT count(*) + $1 FROM subscriptions WHERE origin = 'carried_over'", 0);
        let ledger = || app.scalar("SELECT count(*) + $1 FROM usage_ledger", 0);
        let (packs_before, ledger_before) = (packs().await, ledger().await);
        let good = format!(
            "client,pack,left,ends_on,note,reason\n\
             {},Daycare 10-day pack,7,,\"Paid, old system\",Moving over\n\
             {},physio 6-session pack,2,2099-01-31,,Moving over\n",
            emails[0], emails[1]
        );
        let bad = format!(
            "{good}{},Grooming deluxe,3,,,Moving over\nnobody@example.com,Daycare 10-day pack,4,,,Moving over\n\
             {},Daycare 10-day pack,0,,,Moving over\n{},Daycare 10-day pack,3,2000-01-31,,Moving over\n",
            emails[2], emails[2], emails[2]
        );
        let (status, body) = app.call_json("carry-over/file", json!({ "csv": bad, "apply": true })).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("Nothing of this file was applied"), "{body}");
        assert!(
            body.contains("line 4, pack: no package or session pack on sale is called \\\"Grooming deluxe\\\""),
            "{body}"
        );
        assert!(body.contains("line 5, client: no client has the email or number"), "{body}");
        assert!(body.contains("line 6, left: Number left must be between 1"), "{body}");
        assert!(body.contains("line 7, ends_on: The end date 2000-01-31 has passed"), "{body}");
        assert_eq!((packs().await, ledger().await), (packs_before, ledger_before), "nothing was applied");

        let (status, body) = app.call_json("carry-over/file", json!({ "csv": good, "apply": false })).await;
        assert_eq!(status, 200, "{body}");
        let preview: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(preview["applied"], false);
        assert_eq!(preview["rows"].as_array().unwrap().len(), 2);
        assert_eq!(preview["rows"][0]["pack_name"], "Daycare 10-day pack");
        assert_eq!(preview["rows"][0]["note"], "Paid, old system");
        assert_eq!(preview["rows"][1]["pack_name"], "Physio 6-session pack", "matched whatever the case");
        assert_eq!((packs().await, ledger().await), (packs_before, ledger_before), "a preview applies nothing");

        let (status, body) = app.call_json("carry-over/file", json!({ "csv": good, "apply": true })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(packs().await, packs_before + 2, "both applied once confirmed");
        let receptionist = app.client_for(RECEPTIONIST).await;
        let (status, _) =
            app.call_as_json(&receptionist, "carry-over/file", json!({ "csv": good, "apply": true })).await;
        assert_eq!(status, 403, "only managers carry packs over");
        assert_eq!(packs().await, packs_before + 2);
    });
}

#[test]
fn a_pack_made_for_one_pet_needs_the_pet_and_covers_only_that_pet() {
    support::run(async {
        let app = TestApp::start().await;
        let (first, second, client): (i64, i64, i64) = sqlx::query_as(
            "SELECT MIN(p.id), MAX(p.id), p.client_id FROM patients p WHERE p.deceased_on IS NULL AND NOT EXISTS
               (SELECT 1 FROM subscriptions s WHERE s.client_id = p.client_id AND s.kind <> 'wellness')
             GROUP BY p.client_id HAVING count(*) >= 2 ORDER BY p.client_id LIMIT 1",
        )
        .fetch_one(app.store.reader())
        .await
        .expect("a household of two pets without a pack");
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE plan_templates SET one_pet = 1 WHERE id = $1")
            .bind(daycare)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let clinic = clinic(&app).await;
        let household = CarryOver {
            template_id: daycare,
            left: 5,
            ends_on: None,
            use_note: "",
            reason: "Old system",
            patient_id: None,
        };
        match app.store.carry_over(&clinic, client, &household, &Actor::clinic_desk()).await {
            Err(AppError::Invalid(message)) => assert!(message.contains("is for one pet"), "{message}"),
            other => panic!("a one-pet pack without its pet must be refused: {other:?}"),
        }
        let for_first = CarryOver { patient_id: Some(first), ..household };
        let pack = app.store.carry_over(&clinic, client, &for_first, &Actor::clinic_desk()).await.unwrap();
        let day = app.item_id("DAYCARE").await;
        let invoice = app.new_invoice(client).await;
        let for_pet = |pet: i64| json!({ "patient_id": pet, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let (status, body) = app.finalize(invoice, json!([for_pet(second), for_pet(first)]), "one-pet").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(left_of(&app, pack).await, 4, "only the day of the pet it was made for came from it");
    });
}

#[test]
fn a_vet_neither_sells_a_pack_on_an_invoice_nor_voids_its_sale() {
    support::run(async {
        let app = TestApp::start().await;
        let vet = app.client_for(support::VET).await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let pack_item = app.item_id(&format!("PACK-{daycare}")).await;
        let line = json!({ "patient_id": dog, "item_id": pack_item, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let invoice = app.new_invoice(client).await;
        let finalize = json!({ "id": invoice, "lines": [line.clone()], "preview": [], "key": "vet-sells" });
        let (status, body) = app.call_as_json(&vet, "invoice/finalize", finalize).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("selling one takes staff who sell plans"), "{body}");
        let sold =
            "SELECT count(*) FROM subscriptions WHERE client_id = $1 AND kind <> 'wellness' AND status = 'active'";
        assert_eq!(app.scalar(sold, client).await, 0, "nothing was sold");

        // Reception sells it; the vet may not cancel it by voiding the invoice.
        assert_eq!(app.finalize(invoice, json!([line]), "desk-sells").await.0, 200);
        let (status, body) = app.call_as(&vet, "invoice/void", &format!("id={invoice}&reason=by+mistake")).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("cancels the pack it sold"), "{body}");
        assert_eq!(app.scalar(sold, client).await, 1, "the pack stands");

        // A vet still finalizes and voids the desk's everyday invoices.
        let day = app.item_id("DAYCARE").await;
        let everyday = app.new_invoice(client).await;
        let line =
            json!({ "patient_id": dog, "item_id": day, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let finalize = json!({ "id": everyday, "lines": [line], "preview": [], "key": "vet-day" });
        assert_eq!(app.call_as_json(&vet, "invoice/finalize", finalize).await.0, 200);
        let (status, body) = app.call_as(&vet, "invoice/void", &format!("id={everyday}&reason=not+given")).await;
        assert_eq!(status, 200, "{body}");
    });
}

#[test]
fn voiding_the_sale_of_a_pack_on_hold_cancels_it_and_leaves_no_hold_behind() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let pack_item = app.item_id(&format!("PACK-{daycare}")).await;
        let line = json!({ "patient_id": dog, "item_id": pack_item, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        let invoice = app.new_invoice(client).await;
        assert_eq!(app.finalize(invoice, json!([line]), "sell-then-hold").await.0, 200);
        let pack = app.scalar("SELECT id FROM subscriptions WHERE sold_on_invoice_id = $1", invoice).await;
        let (status, body) = app.call("plan/hold", &format!("id={pack}&note=Owner+abroad")).await;
        assert_eq!(status, 200, "{body}");

        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=sold+by+mistake")).await;
        assert_eq!(status, 200, "{body}");
        let state: (String, Option<String>) =
            sqlx::query_as("SELECT status, hold_prior_status FROM subscriptions WHERE id = $1")
                .bind(pack)
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(state, ("cancelled".to_string(), None));
        let (status, body) = app.call("plan", &format!("id={pack}")).await;
        assert_eq!(status, 200, "the pack's page still opens: {body}");
    });
}

#[test]
fn a_correction_of_an_invoice_that_sold_a_pack_starts_without_the_pack_line() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let pack_item = app.item_id(&format!("PACK-{daycare}")).await;
        let exam = app.item_id("EXAM").await;
        let line = |item: i64, quantity: &str| json!({ "patient_id": dog, "item_id": item, "quantity_text": quantity, "unit": "Unit", "discount_text": "" });
        let invoice = app.new_invoice(client).await;
        let (status, body) =
            app.finalize(invoice, json!([line(pack_item, "1"), line(exam, "1")]), "pack-and-exam").await;
        assert_eq!(status, 200, "{body}");

        let (status, body) = app.call("invoice/correct", &format!("id={invoice}")).await;
        assert_eq!(status, 200, "{body}");
        let correction: i64 = body.parse().unwrap();
        let prefilled: Vec<(i64, String)> =
            sqlx::query_as("SELECT item_id, quantity_text FROM invoice_lines WHERE invoice_id = $1 ORDER BY id")
                .bind(correction)
                .fetch_all(app.store.reader())
                .await
                .unwrap();
        assert_eq!(prefilled, [(exam, "-1".to_string())], "the pack is taken back by a void, not a return line");
        let (status, body) = app.finalize(correction, json!([line(exam, "-1")]), "correct-exam").await;
        assert_eq!(status, 200, "the prefilled correction finalizes as it stands: {body}");

        // A correction of the correction points to the original by its number.
        let (status, body) = app.call("invoice/correct", &format!("id={correction}")).await;
        assert_eq!(status, 409, "{body}");
        let number = text(&app, "SELECT invoice_number FROM invoices WHERE id = $1", invoice).await.unwrap();
        assert!(body.contains(&format!("Correct the original (Invoice {number})")), "{body}");
    });
}

#[test]
fn a_pack_whose_balance_a_manager_changed_is_not_taken_back_by_voiding_its_sale() {
    support::run(async {
        let app = TestApp::start().await;
        let (dog, client) = app.dog_without_pack().await;
        let daycare = template_id(&app, "Daycare 10-day pack").await;
        let pack_item = app.item_id(&format!("PACK-{daycare}")).await;
        let invoice = app.new_invoice(client).await;
        let line = json!({ "patient_id": dog, "item_id": pack_item, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        assert_eq!(app.finalize(invoice, json!([line]), "sell-then-change").await.0, 200);
        let pack = app.scalar("SELECT id FROM subscriptions WHERE sold_on_invoice_id = $1", invoice).await;
        let change = PackChange { left: Some(12), ends_on: None, note: "Two free days for the trouble" };
        app.store.change_pack(&clinic(&app).await, pack, &change, &Actor::clinic_desk()).await.unwrap();
        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=wrong+client")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("A manager changed what is left of the Daycare 10-day pack"), "{body}");
        assert_eq!(left_of(&app, pack).await, 12, "nothing changed");
    });
}
