//! Model-based test of the ledger: random sequences of what a clinic does
//! (finalize, races, corrections, voids, removals, payments, holds,
//! renewals, deaths and transfers, time passing over a plan-year rollover)
//! run through the real store on a fresh database. After every step the
//! store's counts are compared with a small reference model, and the laws
//! of the ledger are checked. `CARECOUNT_MODEL_CASES` sets how many
//! sequences run (`make soak` runs twenty times more).

mod ledger_model {
    pub mod fixture;
    pub mod model;
    pub mod store_view;
}
#[allow(dead_code)] // the model test uses only a fresh store of these helpers
#[path = "support/postgres.rs"]
mod postgres;

use std::collections::HashMap;

use carecount::api::clinic::ClinicInfo;
use carecount::domain::{LineInput, UnitChoice};
use carecount::server::actor::Actor;
use carecount::server::store::Store;
use chrono::{Days, NaiveDate};
use ledger_model::fixture::{self, BELLA, CLIENT, ITEMS, MAX, PLANS, REX};
use ledger_model::model::{Invoice, Line, Model, Status};
use ledger_model::store_view;
use proptest::prelude::*;

/// A line as generated: pet (index), item (index), typed quantity.
type Spec = (u8, u8, i8);

#[derive(Clone, Debug)]
enum CorrectionLine {
    /// Return units of one of the corrected invoice's lines.
    Return(u8, i8),
    /// Book something new.
    Add(Spec),
}

#[derive(Clone, Debug)]
enum Op {
    Finalize(Vec<Spec>),
    Race(Vec<Spec>, Vec<Spec>),
    Correct(u8, Vec<CorrectionLine>),
    Void(u8),
    Remove(u8),
    PaymentFailed(u8),
    PaymentPaid(u8),
    Hold(u8),
    Resume(u8),
    Renew(u8),
    Advance(u8),
    Death(u8),
}

fn spec() -> impl Strategy<Value = Spec> {
    (0u8..3, 0u8..7, 1i8..=3)
}

fn op() -> impl Strategy<Value = Op> {
    let lines = || prop::collection::vec(spec(), 1..4);
    let correction_line = prop_oneof![
        3 => (any::<u8>(), 1i8..=3).prop_map(|(l, q)| CorrectionLine::Return(l, q)),
        1 => spec().prop_map(CorrectionLine::Add),
    ];
    prop_oneof![
        6 => lines().prop_map(Op::Finalize),
        1 => (lines(), lines()).prop_map(|(a, b)| Op::Race(a, b)),
        4 => (any::<u8>(), prop::collection::vec(correction_line, 1..4)).prop_map(|(i, l)| Op::Correct(i, l)),
        3 => any::<u8>().prop_map(Op::Void),
        2 => any::<u8>().prop_map(Op::Remove),
        1 => (0u8..2).prop_map(Op::PaymentFailed),
        1 => (0u8..2).prop_map(Op::PaymentPaid),
        1 => (0u8..3).prop_map(Op::Hold),
        1 => (0u8..3).prop_map(Op::Resume),
        1 => (0u8..3).prop_map(Op::Renew),
        3 => (1u8..40).prop_map(Op::Advance),
        1 => (0u8..3).prop_map(Op::Death),
    ]
}

const PETS: [i64; 3] = [REX, BELLA, MAX];

fn cases() -> u32 {
    std::env::var("CARECOUNT_MODEL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 400, ..ProptestConfig::default() })]

    /// Whatever the desk does in whatever order, every count matches the
    /// model and the ledger's laws hold after every step.
    #[test]
    fn counts_stay_exact_under_any_sequence(ops in prop::collection::vec(op(), 30..40)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(run(ops)).map_err(TestCaseError::fail)?;
    }
}

/// One sequence on a fresh database.
async fn run(ops: Vec<Op>) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (store, database) = postgres::fresh_store(&dir.path().join("model.db")).await?;
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    fixture::seed(&store, start).await;
    let mut world = World { store, today: start, model: Model::default(), step: 0 };
    world.reload().await?;
    world.check().await?;
    for op in ops {
        world.step += 1;
        world.apply(&op).await.map_err(|e| format!("step {} {op:?}: {e}", world.step))?;
        world.check().await.map_err(|e| format!("after step {} {op:?}: {e}", world.step))?;
    }
    drop(world);
    if let Some(database) = database {
        database.drop_now().await;
    }
    Ok(())
}

struct World {
    store: Store,
    today: NaiveDate,
    model: Model,
    step: usize,
}

fn actor() -> Actor {
    Actor { user_id: None, name: "Model test".into() }
}

fn input(pet: i64, item_index: usize, quantity: i64) -> LineInput {
    LineInput {
        patient_id: pet,
        item_id: ITEMS[item_index].0,
        quantity_text: quantity.to_string(),
        unit: UnitChoice::Unit,
        discount_text: String::new(),
    }
}

fn group_of(item: i64) -> Option<i64> {
    matches!(item, 2 | 3).then_some(1)
}

impl World {
    async fn clinic(&self) -> Result<ClinicInfo, String> {
        let now = self.today.and_hms_opt(12, 0, 0).expect("time").and_utc();
        let clinic = self.store.clinic_of(1, None, now).await.map_err(|e| e.to_string())?;
        Ok(ClinicInfo { today: self.today, ..clinic })
    }

    /// Reads what the model does not predict: plan statuses, plans and
    /// benefits created by renewals and transfers, and transfer postings.
    async fn reload(&mut self) -> Result<(), String> {
        store_view::load_plans(&self.store, &mut self.model).await
    }

    async fn apply(&mut self, op: &Op) -> Result<(), String> {
        let clinic = self.clinic().await?;
        match op {
            Op::Finalize(specs) => {
                let lines = self.inputs(specs);
                let expected = self.model.predict_draws(&self.draw_specs(&lines), self.today, &mut HashMap::new());
                let id = self.finalize_new(&clinic, &lines, "k").await?;
                self.learn_invoice(id, None, &expected).await?;
            }
            Op::Race(a, b) => {
                let (a, b) = (self.inputs(a), self.inputs(b));
                let ia = self.store.create_invoice(&clinic, CLIENT, &[], &actor()).await.map_err(|e| e.to_string())?;
                let ib = self.store.create_invoice(&clinic, CLIENT, &[], &actor()).await.map_err(|e| e.to_string())?;
                let who = actor();
                let (ra, rb) = tokio::join!(
                    self.store.finalize_invoice(1, ia, &a, &[], "race-a", &who),
                    self.store.finalize_invoice(1, ib, &b, &[], "race-b", &who),
                );
                ra.map_err(|e| e.to_string())?;
                rb.map_err(|e| e.to_string())?;
                // The store serialised them: one of the two orders happened.
                let (first, second) = match store_view::finalized_before(&self.store, ia, ib).await? {
                    true => ((ia, a), (ib, b)),
                    false => ((ib, b), (ia, a)),
                };
                let mut extra = HashMap::new();
                let e1 = self.model.predict_draws(&self.draw_specs(&first.1), self.today, &mut extra);
                self.learn_invoice(first.0, None, &e1).await?;
                let e2 = self.model.predict_draws(&self.draw_specs(&second.1), self.today, &mut HashMap::new());
                self.learn_invoice(second.0, None, &e2).await?;
            }
            Op::Correct(pick, lines) => self.correct(&clinic, *pick, lines).await?,
            Op::Void(pick) => self.void(*pick).await?,
            Op::Remove(pick) => self.remove(*pick).await?,
            Op::PaymentFailed(plan) => {
                if let Some(payment) = store_view::payment(&self.store, PLANS[*plan as usize], "due").await? {
                    let _ = self.store.record_failed_payment(&clinic, payment, "declined", &actor()).await;
                }
            }
            Op::PaymentPaid(plan) => {
                if let Some(payment) = store_view::payment(&self.store, PLANS[*plan as usize], "failed").await? {
                    let _ = self.store.record_payment(&clinic, payment, "cash", "", &actor()).await;
                }
            }
            Op::Hold(plan) => {
                let _ = self.store.hold_plan(&clinic, self.plan(*plan), "model hold", &actor()).await;
            }
            Op::Resume(plan) => {
                let _ = self.store.resume_plan(&clinic, self.plan(*plan), &actor()).await;
            }
            Op::Renew(plan) => {
                let _ = self.store.renew_plan(&clinic, self.plan(*plan), None, &actor()).await;
            }
            Op::Advance(days) => {
                self.today = self.today + Days::new(u64::from(*days));
                let now = self.today.and_hms_opt(12, 0, 0).expect("time").and_utc();
                self.store.run_plan_jobs(now).await.map_err(|e| e.to_string())?;
            }
            Op::Death(pet) => {
                let pet = PETS[*pet as usize];
                if self.store.record_death(&clinic, pet, self.today, &actor()).await.is_ok() {
                    let heir = PETS.iter().rev().copied().find(|p| *p != pet);
                    self.reload().await?;
                    for plan in store_view::held_wellness_plans(&self.store, pet).await? {
                        let Some(heir) = heir else { continue };
                        // What moves is this plan year's use, and what is left of it.
                        let expected: Vec<(i64, i64, i64)> = self
                            .model
                            .benefits
                            .iter()
                            .filter(|(_, b)| b.sub == plan)
                            .filter_map(|(id, b)| {
                                let used = self.model.used(*id, self.today);
                                Some((*id, used, (b.limit? - used).max(0)))
                            })
                            .collect();
                        if self.store.transfer_plan(&clinic, plan, heir, &actor()).await.is_ok() {
                            for (benefit, used, left) in expected {
                                let moved = store_view::transfer_quantities(&self.store, benefit).await?;
                                if moved != (used, left) {
                                    return Err(format!(
                                        "benefit {benefit} moved {moved:?}; the model expected ({used}, {left})"
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        self.reload().await
    }

    /// The newest plan descended from one of the fixture's plans (a renewal
    /// or a transfer takes over), so later steps act on what is current.
    fn plan(&self, index: u8) -> i64 {
        let base = PLANS[index as usize];
        store_view::latest_descendant(&self.model, base)
    }

    fn inputs(&self, specs: &[Spec]) -> Vec<LineInput> {
        specs.iter().map(|&(pet, item, q)| input(PETS[pet as usize], item as usize, i64::from(q))).collect()
    }

    /// (patient, item, group, smallest units) of lines.
    fn draw_specs(&self, lines: &[LineInput]) -> Vec<(i64, i64, Option<i64>, i64)> {
        lines
            .iter()
            .map(|l| {
                let per = ITEMS.iter().find(|i| i.0 == l.item_id).map_or(1, |i| i.1);
                let typed: i64 = l.quantity_text.parse().unwrap_or(0);
                (l.patient_id, l.item_id, group_of(l.item_id), typed * per)
            })
            .collect()
    }

    async fn finalize_new(&self, clinic: &ClinicInfo, lines: &[LineInput], key: &str) -> Result<i64, String> {
        let id = self.store.create_invoice(clinic, CLIENT, &[], &actor()).await.map_err(|e| e.to_string())?;
        self.store.finalize_invoice(1, id, lines, &[], key, &actor()).await.map_err(|e| e.to_string())?;
        Ok(id)
    }

    /// Records a finalized invoice in the model after checking every
    /// positive line was covered as predicted, from benefits that may cover it.
    async fn learn_invoice(&mut self, id: i64, corrects: Option<usize>, expected: &[i64]) -> Result<usize, String> {
        let lines = store_view::invoice_lines(&self.store, id).await?;
        let mut invoice = Invoice {
            id,
            status: Status::Finalized,
            corrects,
            lines: Vec::new(),
            postings: Vec::new(),
            given_back: Vec::new(),
            took: Vec::new(),
        };
        for (n, line) in lines.iter().enumerate() {
            if line.quantity > 0 && line.covered != expected[n] {
                return Err(format!(
                    "invoice {id} line {}: covered {} but the model expected {}",
                    n + 1,
                    line.covered,
                    expected[n]
                ));
            }
            let mut parts = Vec::new();
            for posting in &line.postings {
                self.model.postings.insert(posting.0, posting.1.clone());
                parts.push((posting.0, posting.1.quantity));
                invoice.postings.push(posting.0);
            }
            let paid_left = if line.quantity > 0 { line.quantity - line.covered } else { 0 };
            invoice.lines.push(Line { patient: line.patient, item: line.item, parts, paid_left });
        }
        self.model.invoices.push(invoice);
        Ok(self.model.invoices.len() - 1)
    }

    async fn correct(&mut self, clinic: &ClinicInfo, pick: u8, lines: &[CorrectionLine]) -> Result<(), String> {
        let originals: Vec<usize> = (0..self.model.invoices.len())
            .filter(|&i| {
                self.model.invoices[i].corrects.is_none() && self.model.invoices[i].status == Status::Finalized
            })
            .collect();
        if originals.is_empty() {
            return Ok(());
        }
        let index = originals[pick as usize % originals.len()];
        let original = self.model.invoices[index].clone();
        let typed: Vec<LineInput> = lines
            .iter()
            .map(|l| match *l {
                CorrectionLine::Return(which, q) => {
                    let line = &original.lines[which as usize % original.lines.len()];
                    let item = ITEMS.iter().position(|i| i.0 == line.item).expect("item");
                    let per = ITEMS[item].1;
                    // Tablets are returned by the tablet.
                    LineInput {
                        unit: if per > 1 { UnitChoice::Subunit } else { UnitChoice::Unit },
                        ..input(line.patient, item, -i64::from(q))
                    }
                }
                CorrectionLine::Add((pet, item, q)) => input(PETS[pet as usize], item as usize, i64::from(q)),
            })
            .collect();
        let id = self.store.create_correction(clinic, original.id, &actor()).await.map_err(|e| e.to_string())?;
        // The model: returns in order, then new draws with what came back.
        let mut trial = self.model.clone();
        let mut over = false;
        let (mut given, mut took) = (Vec::new(), Vec::new());
        let mut expected = Vec::new();
        let mut extra = HashMap::new();
        for line in &typed {
            let units: i64 = line.quantity_text.parse().expect("number");
            if units < 0 {
                if trial.returnable(index, line.patient_id, line.item_id) < -units {
                    over = true;
                    break;
                }
                let (give, taken) = trial.take_returns(index, line.patient_id, line.item_id, -units);
                for &(posting, n) in &give {
                    trial.give_back(posting, n);
                }
                expected.push(-give.iter().map(|g| g.1).sum::<i64>());
                given.extend(give);
                took.extend(taken);
            } else {
                let draws = trial.predict_draws(&self.draw_specs(std::slice::from_ref(line)), self.today, &mut extra);
                expected.push(draws[0]);
            }
        }
        let result = self.store.finalize_invoice(1, id, &typed, &[], "c", &actor()).await;
        match (over, result) {
            (true, Err(e)) if e.to_string().contains("left to return") => return Ok(()),
            (true, other) => return Err(format!("an over-return was not refused: {other:?}")),
            (false, Err(e)) => return Err(format!("the correction was refused: {e}")),
            (false, Ok(_)) => {}
        }
        self.model = trial;
        let covered = store_view::invoice_lines(&self.store, id).await?;
        for (n, line) in covered.iter().enumerate().filter(|(_, l)| l.quantity < 0) {
            if line.covered != expected[n] {
                return Err(format!(
                    "correction line {}: gave back {} but the model expected {}",
                    n + 1,
                    line.covered,
                    expected[n]
                ));
            }
        }
        let at = self.learn_invoice(id, Some(index), &expected).await?;
        self.model.invoices[at].given_back = given;
        self.model.invoices[at].took = took;
        Ok(())
    }

    async fn void(&mut self, pick: u8) -> Result<(), String> {
        let open: Vec<usize> =
            (0..self.model.invoices.len()).filter(|&i| self.model.invoices[i].status == Status::Finalized).collect();
        if open.is_empty() {
            return Ok(());
        }
        let index = open[pick as usize % open.len()];
        let invoice = self.model.invoices[index].clone();
        let corrected = self.model.invoices.iter().any(|i| i.corrects == Some(index) && i.status == Status::Finalized);
        let mut trial = self.model.clone();
        let mut refused = corrected;
        for &posting in &invoice.postings {
            let held = trial.postings[&posting].held;
            trial.give_back(posting, held);
        }
        for &(posting, units) in &invoice.given_back {
            let p = trial.postings[&posting].clone();
            let sub = &trial.subs[&trial.benefits[&p.benefit].sub];
            let room = trial.benefits[&p.benefit].limit.is_none_or(|l| trial.used(p.benefit, p.used_on) + units <= l);
            if sub.transferred_to.is_some() || !room {
                refused = true;
                break;
            }
            trial.postings.get_mut(&posting).expect("posting").held += units;
        }
        let result = self.store.void_invoice(1, invoice.id, "model void", &actor()).await;
        match (refused, result) {
            (true, Err(_)) => Ok(()),
            (true, Ok(())) => Err(format!("voiding invoice {} should have been refused", invoice.id)),
            (false, Err(e)) => Err(format!("voiding invoice {} was refused: {e}", invoice.id)),
            (false, Ok(())) => {
                if let Some(original) = invoice.corrects {
                    for &(line, part, units) in &invoice.took {
                        let l = &mut trial.invoices[original].lines[line];
                        match part {
                            Some(p) => l.parts[p].1 += units,
                            None => l.paid_left += units,
                        }
                    }
                }
                trial.invoices[index].status = Status::Voided;
                self.model = trial;
                Ok(())
            }
        }
    }

    async fn remove(&mut self, pick: u8) -> Result<(), String> {
        let removable: Vec<i64> =
            self.model.postings.iter().filter(|(id, p)| **id > 0 && p.removable).map(|(id, _)| *id).collect();
        if removable.is_empty() {
            return Ok(());
        }
        let posting = removable[pick as usize % removable.len()];
        let held = self.model.postings[&posting].held;
        let result = self
            .store
            .remove_usage(1, posting, carecount::wire::plans::RemovalReason::Mistake, "model removal", &actor())
            .await;
        match (held > 0, result) {
            (true, Ok(())) => {
                self.model.give_back(posting, held);
                Ok(())
            }
            (false, Err(_)) => Ok(()),
            (true, Err(e)) => Err(format!("removing entry {posting} was refused: {e}")),
            (false, Ok(())) => Err(format!("entry {posting} held nothing, yet removing it was accepted")),
        }
    }

    /// The store against the model, and the laws.
    async fn check(&self) -> Result<(), String> {
        store_view::check(&self.store, &self.model, self.today).await
    }
}
