//! Model-based test of sessions booked on the schedule: random sequences of
//! bookings, cancellations, no-shows, check-outs, finalized check-out
//! invoices and walk-ins at the desk go through the real store, and after
//! every step the pack's used, booked and available counts must equal a
//! small reference model's. Shrunk failures are kept in
//! `tests/visit_model.proptest-regressions` and replayed.

mod support;

use carecount::domain::{Span, VisitAction, VisitKind, VisitStatus};
use carecount::server::actor::Actor;
use carecount::server::store::carry_over::CarryOver;
use carecount::server::store::visits::NewVisit;
use carecount::wire::schedule::PackPick;
use chrono::{Days, NaiveTime, Utc};
use proptest::prelude::*;
use serde_json::json;
use support::*;

#[derive(Clone, Debug)]
enum Step {
    Book,
    Cancel(usize),
    NoShow(usize),
    CheckOut(usize),
    FinalizeDraft,
    WalkIn,
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Book),
        1 => (0usize..8).prop_map(Step::Cancel),
        1 => (0usize..8).prop_map(Step::NoShow),
        2 => (0usize..8).prop_map(Step::CheckOut),
        1 => Just(Step::FinalizeDraft),
        1 => Just(Step::WalkIn),
    ]
}

/// What the counts must be.
#[derive(Debug, Default)]
struct Model {
    size: i64,
    used: i64,
    /// Each visit with its status and whether its day has come (a no-show
    /// is recorded on or after the day).
    visits: Vec<(i64, VisitStatus, bool)>,
    /// Visits checked out onto the open draft, not yet finalized.
    on_draft: i64,
    draft: Option<i64>,
}

impl Model {
    fn held(&self) -> i64 {
        self.visits.iter().filter(|(_, s, _)| s.holds()).count() as i64 + self.on_draft
    }

    fn available(&self) -> i64 {
        (self.size - self.used - self.held()).max(0)
    }
}

fn line(dog: i64, physio: i64) -> serde_json::Value {
    json!({ "patient_id": dog, "item_id": physio, "quantity_text": "1", "unit": "Unit", "discount_text": "" })
}

async fn run_sequence(left: i64, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let app = TestApp::start().await;
    let (dog, client) = app.dog_without_pack().await;
    let clinic = app.store.clinic_of(1, None, Utc::now()).await.unwrap();
    let desk = Actor::clinic_desk();
    let carry = CarryOver {
        template_id: template_id(&app, "Physio 6-session pack").await,
        left,
        ends_on: None,
        use_note: "",
        reason: "model",
        patient_id: None,
    };
    let pack = app.store.carry_over(&clinic, client, &carry, &desk).await.unwrap();
    let physio = app.item_id("PHYSIO").await;
    let mut model = Model { size: 6, used: 6 - left, ..Model::default() };
    for (n, step) in steps.into_iter().enumerate() {
        match step {
            Step::Book => {
                // One visit an hour at half past, from today on, so a pet never clashes
                // with itself (nor with the demo's visits, which start on the hour).
                let offset = n as u64 / 10;
                let day = clinic.today + Days::new(offset);
                let start = day.and_time(NaiveTime::from_hms_opt(8 + (n % 10) as u32, 30, 0).unwrap());
                let visit = NewVisit {
                    kind: VisitKind::Appointment,
                    patient_id: dog,
                    item_id: physio,
                    span: Span { start, minutes: 30 },
                    staff_id: None,
                    pack: PackPick::Pack(pack),
                    override_note: "",
                    status: VisitStatus::Booked,
                };
                let booked = app.store.book_visit(&clinic, &visit, false, &desk).await;
                prop_assert_eq!(booked.is_ok(), model.available() >= 1, "step {}: {:?}", n, booked);
                if let Ok(id) = booked {
                    model.visits.push((id, VisitStatus::Booked, offset == 0));
                }
            }
            Step::Cancel(i) | Step::NoShow(i) => {
                let Some(&(id, status, due)) = model.visits.get(i) else { continue };
                let action = if matches!(step, Step::Cancel(_)) { VisitAction::Cancel } else { VisitAction::NoShow };
                let closed = app.store.close_visit(&clinic, id, action, &desk).await;
                let allowed = status == VisitStatus::Booked && (action == VisitAction::Cancel || due);
                prop_assert_eq!(closed.is_ok(), allowed, "step {}: {:?}", n, closed);
                if closed.is_ok() {
                    let next = if action == VisitAction::Cancel { VisitStatus::Cancelled } else { VisitStatus::NoShow };
                    model.visits[i].1 = next;
                }
            }
            Step::CheckOut(i) => {
                let Some(&(id, status, _)) = model.visits.get(i) else { continue };
                let out = app.store.check_out_visit(&clinic, id, &desk).await;
                prop_assert_eq!(out.is_ok(), status == VisitStatus::Booked, "step {}: {:?}", n, out);
                if let Ok(outcome) = out {
                    model.visits[i].1 = VisitStatus::CheckedOut;
                    model.on_draft += 1;
                    prop_assert!(model.draft.is_none_or(|d| Some(d) == outcome.invoice_id), "one draft collects them");
                    model.draft = outcome.invoice_id;
                }
            }
            Step::FinalizeDraft => {
                let Some(draft) = model.draft.take() else { continue };
                let lines: Vec<_> = (0..model.on_draft).map(|_| line(dog, physio)).collect();
                let (status, body) = app.finalize(draft, json!(lines), &format!("draft-{n}")).await;
                prop_assert_eq!(status, 200, "step {}: {}", n, body);
                let covered = app
                    .scalar(
                        "SELECT CAST(SUM(covered_quantity) AS BIGINT) FROM invoice_lines WHERE invoice_id = $1",
                        draft,
                    )
                    .await;
                prop_assert_eq!(covered, model.on_draft, "step {}: every checked-out session is covered", n);
                model.used += model.on_draft;
                model.on_draft = 0;
            }
            Step::WalkIn => {
                let invoice = app.new_invoice(client).await;
                let (status, body) = app.finalize(invoice, json!([line(dog, physio)]), &format!("walk-in-{n}")).await;
                prop_assert_eq!(status, 200, "step {}: {}", n, body);
                let covered =
                    app.scalar("SELECT covered_quantity FROM invoice_lines WHERE invoice_id = $1", invoice).await;
                prop_assert_eq!(covered, model.available().min(1), "step {}: a walk-in takes only what is free", n);
                model.used += covered;
                // A walk-in's invoice was a fresh draft: check-outs after it start another.
                if model.on_draft == 0 {
                    model.draft = None;
                }
            }
        }
        let cards = app.store.client_plans(client, clinic.today).await.unwrap();
        let counted = cards.iter().find(|c| c.subscription.id == pack).and_then(|c| c.pack()).expect("the pack");
        prop_assert_eq!(
            (counted.used.0, counted.held.0, counted.available().0),
            (model.used, model.held(), model.available()),
            "step {}: used, booked, available",
            n
        );
        prop_assert_eq!(counted.used.0 + counted.held.0 + counted.available().0, counted.size.0);
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("CARECOUNT_VISIT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 200, ..ProptestConfig::default() })]

    /// Whatever the schedule and the desk do in whatever order, the pack's
    /// used, booked and available counts match the model after every step.
    #[test]
    fn booked_sessions_count_exactly_through_the_store(left in 1i64..=6, steps in prop::collection::vec(arb_step(), 5..30)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(run_sequence(left, steps))?;
    }
}
