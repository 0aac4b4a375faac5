//! The clinic desk over HTTP: finalize, void, corrections, races, bad input.

mod support;

use serde_json::{Value, json};
use support::{TestApp, desk_line as line};

async fn ledger_rows(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) + $1 FROM usage_ledger", 0).await
}

#[test]
fn finalize_posts_covered_units_once_even_when_retried() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let (benefit, limit, used) = app.benefit(rex, "Wellness exams").await;
        let left = limit - used;
        assert!(left >= 1, "demo leaves Rex an exam");
        let invoice = app.new_invoice(app.client_of(rex).await).await;

        let lines = json!([line(rex, exam, &(left + 1).to_string())]);
        let (status, body) = app.finalize(invoice, lines.clone(), "k-1").await;
        assert_eq!(status, 200, "{body}");
        let outcome: Value = serde_json::from_str(&body).unwrap();
        let number = outcome["number"].as_str().unwrap().to_string();
        assert!(number.starts_with("INV-"));
        assert_eq!(app.benefit(rex, "Wellness exams").await, (benefit, limit, limit), "covered up to the limit");
        let excess_line: (i64, String) =
            sqlx::query_as("SELECT covered_quantity, explanation FROM invoice_lines WHERE invoice_id = $1")
                .bind(invoice)
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(excess_line.0, left);
        assert!(excess_line.1.contains("Additional exams get your 10% member discount."), "{}", excess_line.1);

        let rows = ledger_rows(&app).await;
        let (status, body) = app.finalize(invoice, lines.clone(), "k-1").await;
        assert_eq!(status, 200, "a retry with the same key gets the same answer: {body}");
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["number"], number);
        let (status, body) = app.finalize(invoice, lines, "k-2").await;
        assert_eq!(status, 409);
        assert!(body.contains("was already finalized"), "{body}");
        assert_eq!(ledger_rows(&app).await, rows, "nothing was posted twice");
    })
}

#[test]
fn a_retried_finalize_gets_the_first_answer_with_what_changed_since_the_preview() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let (_, limit, used) = app.benefit(rex, "Wellness exams").await;
        let left = limit - used;
        let invoice = app.new_invoice(app.client_of(rex).await).await;
        // The desk's preview covered one exam more than is left by now
        // (another desk used it meanwhile).
        let body = json!({ "id": invoice, "lines": [line(rex, exam, &(left + 1).to_string())],
                           "preview": [left + 1], "key": "lost-answer" });
        let (status, first) = app.call_json("invoice/finalize", body.clone()).await;
        assert_eq!(status, 200, "{first}");
        let changes = serde_json::from_str::<Value>(&first).unwrap()["changes"].clone();
        assert_eq!(changes.as_array().map(Vec::len), Some(1), "{first}");
        // The answer was lost; the desk sends the same request again.
        let (status, retried) = app.call_json("invoice/finalize", body).await;
        assert_eq!(status, 200, "{retried}");
        assert_eq!(retried, first, "the same answer, what changed included");
    })
}

#[test]
fn voiding_restores_every_benefit_and_cannot_happen_twice() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let nexgard = app.item_id("PAR-NXG").await;
        let before = app.benefit(rex, "NexGard chewables").await;
        let invoice = app.new_invoice(app.client_of(rex).await).await;
        let (status, body) = app.finalize(invoice, json!([line(rex, nexgard, "1")]), "k").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "NexGard chewables").await.2, before.2 + 6, "one box is six tablets");

        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=")).await;
        assert_eq!(status, 422, "a reason is required: {body}");
        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=Wrong+client")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "NexGard chewables").await, before, "the void restored the tablets exactly");
        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=again")).await;
        assert_eq!(status, 409);
        assert!(body.contains("already voided"), "{body}");
        let (status, body) = app.finalize(invoice, json!([line(rex, nexgard, "1")]), "k").await;
        assert_eq!(status, 409, "a voided invoice cannot be finalized: {body}");
    })
}

#[test]
fn the_petly_correction_ends_with_exactly_one_use() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let fecal = app.item_id("LAB-FEC").await;
        let (_, _, used_before) = app.benefit(rex, "Fecal exams").await;
        let client = app.client_of(rex).await;
        let invoice = app.new_invoice(client).await;
        assert_eq!(app.finalize(invoice, json!([line(rex, fecal, "1")]), "a").await.0, 200);

        // The line was booked under the wrong provider: correct it.
        let (status, body) = app.call("invoice/correct", &format!("id={invoice}")).await;
        assert_eq!(status, 200, "{body}");
        let correction: i64 = body.parse().unwrap();
        let prefilled: String = sqlx::query_scalar("SELECT quantity_text FROM invoice_lines WHERE invoice_id = $1")
            .bind(correction)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(prefilled, "-1", "the correction starts with the original lines as returns");
        let (status, body) =
            app.finalize(correction, json!([line(rex, fecal, "-1"), line(rex, fecal, "1")]), "b").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "Fecal exams").await.2, used_before + 1, "net one use, not three");
    })
}

#[test]
fn a_correction_for_the_wrong_pet_moves_the_usage() {
    support::run(async {
        let app = TestApp::start().await;
        // Emma de Vries has Rex (Puppy Plan) and Mimi (Senior Cat Plan); both plans include exams.
        let rex = app.patient_id("Rex").await;
        let mimi = app.patient_id("Mimi").await;
        let exam = app.item_id("EXAM").await;
        let rex_before = app.benefit(rex, "Wellness exams").await;
        let mimi_before = app.benefit(mimi, "Wellness exams").await;
        let client = app.client_of(rex).await;
        let invoice = app.new_invoice(client).await;
        assert_eq!(app.finalize(invoice, json!([line(rex, exam, "1")]), "a").await.0, 200);
        let correction: i64 = app.call("invoice/correct", &format!("id={invoice}")).await.1.parse().unwrap();
        let (status, body) = app.finalize(correction, json!([line(rex, exam, "-1"), line(mimi, exam, "1")]), "b").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "Wellness exams").await, rex_before, "Rex's exam is back");
        assert_eq!(app.benefit(mimi, "Wellness exams").await.2, mimi_before.2 + 1, "Mimi used one");
    })
}

#[test]
fn concurrent_desks_never_cover_more_than_is_left() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let nexgard = app.item_id("PAR-NXG").await;
        let (benefit, limit, used) = app.benefit(rex, "NexGard chewables").await;
        let left_boxes = (limit - used) / 6;
        let client = app.client_of(rex).await;
        let desks = (left_boxes + 4) as usize;
        let mut invoices = Vec::new();
        for _ in 0..desks {
            invoices.push(app.new_invoice(client).await);
        }
        let results = futures::future::join_all(invoices.iter().enumerate().map(|(n, invoice)| {
            let app = &app;
            async move { app.finalize(*invoice, json!([line(rex, nexgard, "1")]), &format!("race-{n}")).await }
        }))
        .await;
        for (status, body) in &results {
            assert_eq!(*status, 200, "every desk's invoice is finalized: {body}");
        }
        let (_, _, used_after) = app.benefit(rex, "NexGard chewables").await;
        assert!(used_after <= limit, "ledger {used_after} never exceeds the limit {limit}");
        assert_eq!(used_after, limit, "every tablet left was used, none twice");
        let covered = app.covered_on_invoices(benefit).await;
        assert_eq!(covered, limit - used, "the desks together covered exactly what was left");
    })
}

#[test]
fn bad_lines_get_a_clear_message_and_write_nothing() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let client = app.client_of(rex).await;
        let invoice = app.new_invoice(client).await;
        let rows = ledger_rows(&app).await;
        let cases = [
            (json!([line(rex, 999_999, "1")]), "Line 1: item number 999999 is not in the catalog."),
            (json!([line(rex, exam, "0")]), "Line 1 (Wellness exam): Quantity must be more than 0."),
            (json!([line(rex, exam, "two")]), "is not a number"),
            (json!([line(rex, exam, "5000000")]), "Check the quantity."),
            (json!([line(rex, exam, "-1")]), "use a correction invoice"),
            (
                json!([{ "patient_id": rex, "item_id": exam, "quantity_text": "1", "unit": "Subunit", "discount_text": "" }]),
                "This item has no subunit; enter the quantity in exams.",
            ),
            (json!([line(999_999, exam, "1")]), "one of this client's pets"),
            (json!([]), "Add at least one line before finalizing."),
        ];
        for (lines, message) in cases {
            let (status, body) = app.finalize(invoice, lines, "k").await;
            assert_eq!(status, 422, "{body}");
            assert!(body.contains(message), "expected {message:?} in {body}");
        }
        assert_eq!(ledger_rows(&app).await, rows, "no usage was written");
        let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
            .bind(invoice)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(status, "draft");
        let (status, body) = app.call("invoice/void", &format!("id={invoice}&reason=test")).await;
        assert_eq!(status, 409, "a draft cannot be voided: {body}");
    })
}

#[test]
fn drafts_keep_what_was_typed_and_touch_no_count() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let rows = ledger_rows(&app).await;
        let (status, body) = app.call("soap/start", &format!("patient_id={rex}")).await;
        assert_eq!(status, 200, "{body}");
        let soap: i64 = body.parse().unwrap();
        let typed = json!([line(rex, exam, "2,5x")]);
        let (status, body) =
            app.call_json("soap/save", json!({ "id": soap, "plan_notes": "Recheck in 2 weeks", "lines": typed })).await;
        assert_eq!(status, 200, "a draft keeps even a quantity that does not parse yet: {body}");
        let (status, body) = app.call("soap/load", &format!("id={soap}")).await;
        assert_eq!(status, 200);
        let view: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(view["lines"][0]["input"]["quantity_text"], "2,5x");
        assert_eq!(view["plan_notes"], "Recheck in 2 weeks");
        assert_eq!(ledger_rows(&app).await, rows);

        let client = app.client_of(rex).await;
        let (status, body) = app.call_json("invoice/start", json!({ "client_id": client, "soap_ids": [soap] })).await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.call("soap/load", &format!("id={soap}")).await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["status"], "invoiced");
        let (status, body) = app.call_json("soap/save", json!({ "id": soap, "plan_notes": "", "lines": [] })).await;
        assert_eq!(status, 409, "an invoiced SOAP plan is changed on its invoice: {body}");
    })
}

#[test]
fn a_finalize_posts_the_lines_it_was_sent_whether_or_not_they_were_saved_so() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let (exam, nexgard) = (app.item_id("EXAM").await, app.item_id("PAR-NXG").await);
        let client = app.client_of(rex).await;
        let count_lines =
            |invoice: i64| app.scalar("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1", invoice);
        let exams = app.benefit(rex, "Wellness exams").await.2;
        let boxes = app.benefit(rex, "NexGard chewables").await.2;

        // Finalized as saved: the saved line is posted once.
        let invoice = app.new_invoice(client).await;
        let lines = json!([line(rex, exam, "1")]);
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": lines })).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.finalize(invoice, lines, "as-saved").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(count_lines(invoice).await, 1);
        assert_eq!(app.benefit(rex, "Wellness exams").await.2, exams + 1);

        // Changed after the save: what the finalize sent counts, the saved
        // line that was taken off does not.
        let invoice = app.new_invoice(client).await;
        let saved = json!([line(rex, exam, "1"), line(rex, nexgard, "1")]);
        let (status, body) = app.call_json("invoice/save", json!({ "id": invoice, "lines": saved })).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.finalize(invoice, json!([line(rex, nexgard, "1")]), "changed").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(count_lines(invoice).await, 1);
        assert_eq!(app.benefit(rex, "Wellness exams").await.2, exams + 1, "the exam taken off is not used");
        assert_eq!(app.benefit(rex, "NexGard chewables").await.2, boxes + 6, "one box is six tablets");
    })
}

#[test]
fn removing_a_use_appends_a_reversal_with_its_note() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let (benefit, limit, used) = app.benefit(rex, "NexGard chewables").await;
        let entry = app.scalar("SELECT max(id) FROM usage_ledger WHERE subscription_benefit_id = $1", benefit).await;
        let quantity = app.scalar("SELECT quantity FROM usage_ledger WHERE id = $1", entry).await;
        let (status, body) = app.call("usage/remove", &format!("entry_id={entry}&reason=mistake&note=")).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("Write a short note"), "{body}");
        let (status, body) =
            app.call("usage/remove", &format!("entry_id={entry}&reason=mistake&note=Booked+on+the+wrong+plan")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.benefit(rex, "NexGard chewables").await, (benefit, limit, used - quantity));
        let original = app.scalar("SELECT count(*) FROM usage_ledger WHERE id = $1", entry).await;
        assert_eq!(original, 1, "the original entry stays in the history");
        let (status, _) = app.call("usage/remove", &format!("entry_id={entry}&reason=mistake&note=again")).await;
        assert_eq!(status, 409, "a use is removed once");
        let audit = app
            .scalar("SELECT count(*) FROM audit_log WHERE entity_id = $1 AND note = 'Booked on the wrong plan'", entry)
            .await;
        assert_eq!(audit, 1, "the audit log records the note");
    })
}

#[test]
fn a_running_promotion_applies_when_no_plan_covers_the_item() {
    support::run(async {
        let app = TestApp::start().await;
        let bobbie = app.patient_id("Bobbie").await;
        let dental = app.item_id("DEN-CLN").await;
        let invoice = app.new_invoice(app.client_of(bobbie).await).await;
        let (status, body) = app.finalize(invoice, json!([line(bobbie, dental, "1")]), "k").await;
        assert_eq!(status, 200, "{body}");
        let (net, explanation): (String, String) =
            sqlx::query_as("SELECT net, explanation FROM invoice_lines WHERE invoice_id = $1")
                .bind(invoice)
                .fetch_one(app.store.reader())
                .await
                .unwrap();
        assert_eq!(net, "153.00", "180.00 less the 15% Dental health month promotion");
        assert_eq!(explanation, "Not included in a plan; the 15% promotion applies.");
    })
}

#[test]
fn many_desks_opening_and_finalizing_invoices_at_once_are_all_answered() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let client = app.client_of(rex).await;
        let finalized = app.new_invoice(client).await;
        assert_eq!(app.finalize(finalized, json!([line(rex, exam, "1")]), "open-me").await.0, 200);
        let mut drafts = Vec::new();
        for _ in 0..8 {
            drafts.push(app.new_invoice(client).await);
        }
        // More desks than the server has read connections: opening an
        // invoice once held one connection while it waited for another.
        let open = format!("id={finalized}");
        let keys: Vec<String> = (0..drafts.len()).map(|n| format!("busy-{n}")).collect();
        let opens = (0..40).map(|_| app.call("invoice/load", &open));
        let finalizes = drafts.iter().zip(&keys).map(|(d, key)| app.finalize(*d, json!([line(rex, exam, "1")]), key));
        let all = async {
            futures::future::join(futures::future::join_all(opens), futures::future::join_all(finalizes)).await
        };
        let (opened, finalized) = tokio::time::timeout(std::time::Duration::from_secs(20), all)
            .await
            .expect("every desk is answered within seconds, not after a pool's time-out");
        for (status, body) in opened.iter().chain(&finalized) {
            assert_eq!(*status, 200, "{body}");
        }
    })
}

#[test]
fn a_past_due_plan_covers_at_the_desk_only_while_the_clinic_allows_it() {
    support::run(async {
        let app = TestApp::start().await;
        let max = app.patient_id("Max").await;
        let client = app.client_of(max).await;
        // An item of Max's past-due plan with room left on its benefit.
        let item = app
            .scalar(
                "SELECT MIN(b.item_id) FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
                 WHERE s.patient_id = $1 AND s.status = 'past_due' AND b.item_id IS NOT NULL
                   AND (b.limit_quantity IS NULL OR b.limit_quantity > COALESCE((SELECT SUM(l.quantity)
                        FROM usage_ledger l WHERE l.subscription_benefit_id = b.id), 0))",
                max,
            )
            .await;
        let covered = |invoice: i64| {
            app.scalar(
                "SELECT COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0) FROM usage_ledger l
                 JOIN invoice_lines il ON il.id = l.invoice_line_id WHERE il.invoice_id = $1",
                invoice,
            )
        };
        let lines = json!([line(max, item, "1")]);

        // The demo clinic lets a past-due plan be used.
        let invoice = app.new_invoice(client).await;
        let (status, body) = app.finalize(invoice, lines.clone(), "allowed").await;
        assert_eq!(status, 200, "{body}");
        assert!(covered(invoice).await > 0, "the past-due plan covers while the clinic allows it");

        // A manager unticks it: the next finalize charges the line instead.
        let (status, body) = app
            .call(
                "settings/rules",
                "cancellation_fee=0&cooling_off_days=14&max_hold_days=60&past_due_grace_days=10&renewal_lead_days=30",
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let invoice = app.new_invoice(client).await;
        let (status, body) = app.finalize(invoice, lines, "not-allowed").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(covered(invoice).await, 0, "a past-due plan covers nothing once the clinic says so");
    })
}
