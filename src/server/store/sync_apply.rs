//! Applying one practice-system invoice: map its codes and patients, then
//! move the ledger by the difference between what was applied and what the
//! invoice asks now. Units beyond a plan's limit are over-usage; lines that
//! cannot be counted are exceptions for a person.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::ledger::{Adjustment, give_back};
use super::sync_batch::BatchState;
use super::sync_batch_write::ImportPosting;
use super::sync_db::Db;
use super::sync_exceptions::{Problem, record_problems};
use super::sync_postings::{import_postings, posting_key_prefix};
use crate::domain::sync::{Difference, difference, plan_give_back};
use crate::domain::{CoverageRules, DraftLine, ItemRef, Quantity};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;

/// What a run did, line by line and invoice by invoice.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    pub lines_read: i64,
    pub applied: i64,
    pub unchanged: i64,
    pub reversed: i64,
    pub skipped: i64,
    pub over_usage: i64,
    pub exceptions: i64,
    /// What the digest tells, one line each.
    pub told: Vec<String>,
}

/// The run an invoice is applied in.
pub(crate) struct InvoiceWork<'a> {
    pub organisation_id: i64,
    pub clinic: &'a ClinicInfo,
    pub run: i64,
    pub actor: &'a Actor,
}

/// One (patient, item) an invoice asks of the plans.
#[derive(Clone, Debug)]
struct Asked {
    smallest: i64,
    patient_ref: String,
    code: String,
}

/// Whether an invoice was reconciled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reconciled {
    Done,
    /// Offline, it needs the database: nothing of it was done.
    NeedsDb,
}

/// Brings the ledger in line with what the invoice asks now. Offline (see
/// [`Db::Offline`]), an invoice that needs the database (to give a use
/// back, to read what is not kept, to close an exception) is left as it was.
pub(crate) async fn reconcile(
    db: &mut Db<'_>,
    work: &InvoiceWork<'_>,
    state: &mut BatchState,
    invoice_ref: &str,
    tally: &mut Tally,
) -> Result<Reconciled, AppError> {
    let offline = matches!(db, Db::Offline);
    if offline && state.has_open_exceptions(invoice_ref) {
        return Ok(Reconciled::NeedsDb);
    }
    let (counts_on, requests) = state.requests_of(invoice_ref);
    let date = counts_on.unwrap_or(work.clinic.today);
    let mut problems = BTreeSet::new();
    let mut asked: BTreeMap<(i64, i64), Asked> = BTreeMap::new();
    let mut items: BTreeMap<i64, ItemRef> = BTreeMap::new();
    for ((patient_ref, code), quantity) in requests {
        let problem = |kind, detail: String| Problem {
            patient_ref: patient_ref.clone(),
            code: code.clone(),
            quantity,
            kind,
            detail,
        };
        let item = state.mapped_item(&code);
        let patient = state.mapped_patient(&patient_ref);
        // One exception per line: the code first, since mapping it may be
        // all a person has to do.
        let (item, patient) = match (item, patient) {
            (Some(item), Some(patient)) => (item, patient),
            (None, Some(_)) => {
                problems.insert(problem("unknown_code", format!("no catalog item is mapped to code {code}")));
                continue;
            }
            (None, None) => {
                let detail = format!("no catalog item is mapped to code {code}, and no patient to id {patient_ref}");
                problems.insert(problem("unknown_code", detail));
                continue;
            }
            (Some(_), None) => {
                problems.insert(problem("unknown_patient", format!("no patient is mapped to id {patient_ref}")));
                continue;
            }
        };
        let Some(known) = state.item(db, item).await? else { return Ok(Reconciled::NeedsDb) };
        let per = i64::from(known.units.per_unit());
        items.insert(item, known);
        let entry = asked.entry((patient, item)).or_insert(Asked { smallest: 0, patient_ref, code });
        entry.smallest += quantity * per;
    }
    // Returns net against uses of the same pet and item, whatever code (or
    // spelling of it) each line carries; only what is left below zero needs
    // a person, and the invoice then asks nothing of that item.
    for ((_, item), asked) in asked.iter_mut().filter(|(_, a)| a.smallest < 0) {
        let per = items.get(item).map_or(1, |i| i64::from(i.units.per_unit()));
        let returned = -std::mem::take(&mut asked.smallest) / per;
        problems.insert(Problem {
            patient_ref: asked.patient_ref.clone(),
            code: asked.code.clone(),
            quantity: -returned,
            kind: "over_return",
            detail: format!("returns {returned} more than this invoice used; remove the use on the plan page"),
        });
    }
    let applied = state.applied_of(invoice_ref);
    let keys: BTreeSet<(i64, i64)> = asked.keys().copied().chain(applied.keys().copied()).collect();
    let moves = |key: &(i64, i64)| {
        let now = asked.get(key).map_or(0, |a| a.smallest);
        let (before, draws) = applied.get(key).copied().unwrap_or((0, 0));
        (before, draws, difference(before, now))
    };
    // Everything that could need the database is checked before anything changes.
    let counts_offline = |key: &(i64, i64)| match moves(key).2 {
        Difference::Same => true,
        Difference::Draw(_) => state.keeps_plans_of(key.0),
        Difference::GiveBack(_) => false,
    };
    if offline && !keys.iter().all(counts_offline) {
        return Ok(Reconciled::NeedsDb);
    }
    // Every give-back before any draw: a line moved to the household's other
    // pet, or recoded to another item of one benefit, must free its units
    // before the new use asks for them, or that use would be over-usage
    // beside a plan with room (keys sort by pet and item, not by move).
    let (give_backs, others): (Vec<_>, Vec<_>) =
        keys.into_iter().partition(|key| matches!(moves(key).2, Difference::GiveBack(_)));
    for key in give_backs.into_iter().chain(others) {
        let (before, draws, difference) = moves(&key);
        match difference {
            Difference::Same => {}
            Difference::Draw(units) => {
                let Some(wanted) = asked.get(&key) else { continue };
                let item = items.get(&key.1).cloned().ok_or(AppError::Internal)?;
                let target = Target { invoice_ref, patient_id: key.0, item, date, draw: draws + 1 };
                match draw(db, work, state, &target, units, tally).await? {
                    true => state.set_applied(invoice_ref, key, before + units, target.draw),
                    false => {
                        let detail = format!("{} is not in any of this pet's plans", target.item.name);
                        problems.insert(Problem {
                            patient_ref: wanted.patient_ref.clone(),
                            code: wanted.code.clone(),
                            quantity: units / i64::from(target.item.units.per_unit()),
                            kind: "not_in_plan",
                            detail,
                        });
                    }
                }
            }
            Difference::GiveBack(units) => {
                let conn = db.conn()?;
                let item = state.item(&mut Db::Online(&mut *conn), key.1).await?.ok_or(AppError::Internal)?;
                let target = Target { invoice_ref, patient_id: key.0, item, date, draw: draws };
                // Giving back reads the ledger and the over-usage as stored,
                // and may move a use to another owner's plan.
                state.flush(conn, work.clinic.id, work.run, work.actor).await?;
                give_back_units(conn, work, &target, units).await?;
                state.forget_plans();
                state.set_applied(invoice_ref, key, before - units, target.draw);
            }
        }
    }
    state.reconciled(invoice_ref);
    if problems.is_empty() && !state.has_open_exceptions(invoice_ref) {
        return Ok(Reconciled::Done);
    }
    match db {
        Db::Online(conn) => record_problems(conn, work, invoice_ref, date, &problems, tally).await?,
        Db::Offline => state.defer_problems(invoice_ref, date, problems, tally),
    }
    Ok(Reconciled::Done)
}

/// The (invoice, patient, item) being moved, and the number of its draw.
pub(crate) struct Target<'a> {
    invoice_ref: &'a str,
    patient_id: i64,
    item: ItemRef,
    date: NaiveDate,
    draw: i64,
}

impl Target<'_> {
    /// The start of every posting key of this (invoice, patient, item).
    fn key_prefix(&self, organisation_id: i64) -> String {
        posting_key_prefix(organisation_id, self.invoice_ref, self.patient_id, self.item.id)
    }
}

/// Draws `units` (smallest) from the pet's plans as the desk would; what is
/// beyond the limits is over-usage. False when no plan covers the item.
async fn draw(
    db: &mut Db<'_>,
    work: &InvoiceWork<'_>,
    state: &mut BatchState,
    target: &Target<'_>,
    units: i64,
    tally: &mut Tally,
) -> Result<bool, AppError> {
    let rules = CoverageRules {
        date: target.date,
        minor_digits: work.clinic.currency.minor_digits,
        past_due_usable: work.clinic.past_due_usable,
    };
    let line = DraftLine {
        patient_id: target.patient_id,
        item: target.item.clone(),
        quantity: Quantity(units),
        promotion: None,
        manual_discount: None,
    };
    let coverage = state.cover(db, rules, &line).await?;
    if coverage.asked.is_empty() {
        return Ok(false);
    }
    let note = format!("Practice system invoice {}: {}", target.invoice_ref, target.item.name);
    let prefix = target.key_prefix(work.organisation_id);
    for allocation in coverage.allocations.iter().filter(|a| a.quantity.0 > 0) {
        state.post(ImportPosting {
            benefit_id: allocation.benefit_id,
            patient_id: target.patient_id,
            item_id: target.item.id,
            quantity: allocation.quantity.0,
            source_key: format!("{prefix}{}:{}", target.draw, allocation.benefit_id),
            note: note.clone(),
            used_on: target.date,
            savings: allocation.savings,
        })?;
    }
    let beyond = units - coverage.covered.0;
    if beyond > 0 {
        let plan = coverage.asked.first().map(|a| a.0);
        state.add_over_usage(target.invoice_ref, (target.patient_id, target.item.id), plan, beyond, target.date);
        tally.over_usage += 1;
        tally.told.push(format!(
            "Over-usage: invoice {}, {} beyond the plan",
            target.invoice_ref,
            target.item.units.describe_of(Quantity(beyond), &target.item.name),
        ));
    }
    Ok(true)
}

/// Gives `units` (smallest) back: open over-usage first, then the newest
/// postings of this (invoice, patient, item).
async fn give_back_units(
    conn: &mut Conn,
    work: &InvoiceWork<'_>,
    target: &Target<'_>,
    units: i64,
) -> Result<(), AppError> {
    let key = (target.patient_id, target.item.id);
    let over = super::sync_digest::over_usage_of(conn, work.organisation_id, target.invoice_ref, key).await?;
    let postings = import_postings(conn, &target.key_prefix(work.organisation_id)).await?;
    let held: Vec<(i64, i64)> = postings.iter().map(|p| (p.id, p.held)).collect();
    let plan = plan_give_back(units, over, &held);
    if plan.from_over_usage > 0 {
        super::sync_digest::take_over_usage(conn, work.organisation_id, target.invoice_ref, key, plan.from_over_usage)
            .await?;
    }
    let note = format!("Practice system invoice {} changed or voided: {}", target.invoice_ref, target.item.name);
    for (id, take) in plan.from_postings {
        let posting = postings.iter().find(|p| p.id == id).ok_or(AppError::Internal)?;
        let how = Adjustment {
            source_kind: "import_line",
            source_key: &format!("pims-back:{}", work.run),
            invoice_line_id: None,
            note: note.clone(),
            savings: posting.savings_of(take, work.clinic.currency.minor_digits),
            owner_reason: None,
        };
        give_back(conn, posting, take, how, work.actor).await?;
    }
    Ok(())
}
