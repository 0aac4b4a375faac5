//! What one sync batch reads once and writes once. A practice-system export
//! of a hundred thousand lines would otherwise ask the database a dozen
//! questions per line; here the mappings, the invoices' earlier lines and
//! each client's plans are read once, lines are counted against plans kept
//! in memory, and what the batch writes goes out in a few large statements.
//!
//! The one rule that keeps this exact: every use waiting to be written is
//! already counted in the plans kept here, and anything that reads the
//! ledger or the over-usage table directly (giving a use back) first writes
//! what waits ([`BatchState::flush`]) and then forgets the plans.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::catalog::items_by_id;
use super::subscriptions::ClientPlanRows;
use super::sync_apply::Tally;
use super::sync_batch_write::{ImportPosting, OverUsage, Writes};
use super::sync_db::Db;
use super::sync_exceptions::{NewException, Problem, tell};
use super::sync_hash::{SyncMap, SyncSet};
use super::sync_invoices::{KeptInvoice, counts_on, invoice_rows, read_invoices};
use crate::domain::sync::SourceLine;
use crate::domain::{CoverageSubscription, ItemRef, Quantity};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::error::AppError;

#[path = "sync_batch_plans.rs"]
mod plans;

/// (applied, draws) per (patient, item) of an invoice, in smallest units.
pub(crate) type Applied = BTreeMap<(i64, i64), (i64, i64)>;

/// A batch's reads, kept, and its writes, waiting.
pub(crate) struct BatchState {
    organisation_id: i64,
    /// The earliest day a use of this batch is counted on.
    from: NaiveDate,
    codes: SyncMap<String, i64>,
    patients: SyncMap<String, i64>,
    client_of: SyncMap<i64, i64>,
    items: SyncMap<i64, ItemRef>,
    plans: SyncMap<i64, ClientPlanRows>,
    /// Every client whose plans were ever kept in this batch (see
    /// [`BatchState::keep_read_ahead`]).
    kept_ever: SyncSet<i64>,
    /// Each client's plans as coverage reads them.
    cards: SyncMap<i64, Card>,
    /// The batch's invoices as now seen (this batch's lines included).
    invoices: SyncMap<String, KeptInvoice>,
    /// Invoices whose lines changed and that are not reconciled yet.
    changed: BTreeSet<String>,
    /// Invoices with exceptions open, or dismissed by a person.
    open_exceptions: SyncSet<String>,
    pending: Pending,
}

/// A client's plans as coverage reads them, counted as of one day.
struct Card {
    /// The day `used` is counted for; none once a use on another day may
    /// have changed it.
    on: Option<NaiveDate>,
    subscriptions: Vec<CoverageSubscription>,
}

#[derive(Default)]
struct Pending {
    ledger: Vec<ImportPosting>,
    /// The reconciled invoices changed since the last write, in key order.
    invoices: BTreeSet<String>,
    over_usage: BTreeMap<(String, i64, i64), OverUsage>,
    exceptions: Vec<NewException>,
}

impl BatchState {
    /// Reads what a batch touching `invoices` needs; it will count uses on
    /// `from` or later.
    pub(crate) async fn load(
        conn: &mut Conn,
        organisation_id: i64,
        invoices: &[String],
        from: NaiveDate,
    ) -> Result<BatchState, AppError> {
        let mappings = Mappings::read(conn, organisation_id).await?;
        BatchState::with(conn, mappings, invoices, from).await
    }

    /// The batch touching `invoices`, with the organisation's mappings as
    /// read before its lines were known.
    pub(crate) async fn with(
        conn: &mut Conn,
        mappings: Mappings,
        invoices: &[String],
        from: NaiveDate,
    ) -> Result<BatchState, AppError> {
        let Mappings { organisation_id, codes, patients, client_of, items, open_exceptions } = mappings;
        Ok(BatchState {
            organisation_id,
            from,
            codes,
            patients,
            client_of,
            items,
            plans: SyncMap::default(),
            kept_ever: SyncSet::default(),
            cards: SyncMap::default(),
            invoices: read_invoices(conn, organisation_id, invoices).await?,
            changed: BTreeSet::new(),
            open_exceptions,
            pending: Pending::default(),
        })
    }

    /// The day an invoice counts on and what it asks per (patient, code),
    /// as now seen.
    pub(crate) fn requests_of(&self, invoice_ref: &str) -> (Option<NaiveDate>, BTreeMap<(String, String), i64>) {
        match self.invoices.get(invoice_ref) {
            Some(kept) => (counts_on(&kept.lines), kept.lines.requests()),
            None => (None, BTreeMap::new()),
        }
    }

    /// Whether a line, as now seen, is live.
    pub(crate) fn is_live(&self, invoice_ref: &str, line_id: &str) -> bool {
        self.invoices.get(invoice_ref).is_some_and(|kept| kept.lines.is_live(line_id))
    }

    /// Takes in a sending of a line; returns whether its invoice changed.
    pub(crate) fn receive(&mut self, line: SourceLine) -> bool {
        // The invoice's id is copied once per invoice, not per line.
        let unmarked = (!self.changed.contains(&line.invoice_id)).then(|| line.invoice_id.clone());
        let changed = match self.invoices.get_mut(&line.invoice_id) {
            Some(kept) => kept.lines.receive(line),
            None => {
                let mut kept = KeptInvoice::default();
                let invoice_ref = line.invoice_id.clone();
                let changed = kept.lines.receive(line);
                self.invoices.insert(invoice_ref, kept);
                changed
            }
        };
        if changed && let Some(invoice_ref) = unmarked {
            self.changed.insert(invoice_ref);
        }
        changed
    }

    /// An invoice was reconciled: as now seen, it waits to be written.
    pub(crate) fn reconciled(&mut self, invoice_ref: &str) {
        if self.changed.remove(invoice_ref) {
            self.pending.invoices.insert(invoice_ref.to_string());
        }
    }

    /// The catalog item a practice-system code is mapped to.
    pub(crate) fn mapped_item(&self, code: &str) -> Option<i64> {
        // Codes are kept in capitals; most files send them so, and those
        // are looked up without a copy.
        let code = code.trim();
        if code.is_ascii() && !code.bytes().any(|b| b.is_ascii_lowercase()) {
            return self.codes.get(code).copied();
        }
        self.codes.get(&code.to_uppercase()).copied()
    }

    /// The patient a practice-system patient id is mapped to.
    pub(crate) fn mapped_patient(&self, pims: &str) -> Option<i64> {
        self.patients.get(pims.trim()).copied()
    }

    /// A catalog item of the organisation; none when it is not kept and
    /// the database is offline.
    pub(crate) async fn item(&mut self, db: &mut Db<'_>, id: i64) -> Result<Option<ItemRef>, AppError> {
        if let Some(item) = self.items.get(&id) {
            return Ok(Some(item.clone()));
        }
        let Db::Online(conn) = db else { return Ok(None) };
        let found = items_by_id(conn, self.organisation_id, &[id]).await?;
        let item = found.get(&id).cloned().ok_or(AppError::Internal)?;
        self.items.insert(id, item.clone());
        Ok(Some(item))
    }

    /// Whether a patient's plans are kept, so that a use of them can be
    /// counted without the database.
    pub(crate) fn keeps_plans_of(&self, patient_id: i64) -> bool {
        self.client_of.get(&patient_id).is_some_and(|client| self.plans.contains_key(client))
    }

    /// What an invoice has applied so far (this batch's changes included).
    pub(crate) fn applied_of(&self, invoice_ref: &str) -> Applied {
        self.invoices.get(invoice_ref).map(|kept| kept.applied.clone()).unwrap_or_default()
    }

    /// Sets what an invoice has applied for a (patient, item).
    pub(crate) fn set_applied(&mut self, invoice_ref: &str, key: (i64, i64), applied: i64, draws: i64) {
        self.invoices.entry(invoice_ref.to_string()).or_default().applied.insert(key, (applied, draws));
        self.pending.invoices.insert(invoice_ref.to_string());
    }

    /// Whether an invoice may have open exceptions to close.
    pub(crate) fn has_open_exceptions(&self, invoice_ref: &str) -> bool {
        self.open_exceptions.contains(invoice_ref)
    }

    /// Appends a use of a patient's plans (written at the next flush) and
    /// counts it in the plans kept here. [`BatchState::cover`] was asked for
    /// the patient on the entry's date just before.
    pub(crate) fn post(&mut self, entry: ImportPosting) -> Result<(), AppError> {
        let client = *self.client_of.get(&entry.patient_id).ok_or(AppError::Internal)?;
        let rows = self.plans.get_mut(&client).ok_or(AppError::Internal)?;
        rows.record_use(entry.benefit_id, entry.used_on, entry.quantity);
        if let Some(card) = self.cards.get_mut(&client) {
            if card.on == Some(entry.used_on) {
                let benefit = card
                    .subscriptions
                    .iter_mut()
                    .flat_map(|subscription| subscription.benefits.iter_mut())
                    .find(|b| b.id == entry.benefit_id)
                    .ok_or(AppError::Internal)?;
                benefit.used = Quantity(benefit.used.0 + entry.quantity);
            } else {
                card.on = None;
            }
        }
        self.pending.ledger.push(entry);
        Ok(())
    }

    /// Adds units of over-usage for an (invoice, patient, item).
    pub(crate) fn add_over_usage(
        &mut self,
        invoice_ref: &str,
        (patient_id, item_id): (i64, i64),
        plan: Option<i64>,
        units: i64,
        used_on: NaiveDate,
    ) {
        let waiting = self
            .pending
            .over_usage
            .entry((invoice_ref.to_string(), patient_id, item_id))
            .or_insert(OverUsage { plan, units: 0, used_on });
        waiting.units += units;
        waiting.plan = plan;
        waiting.used_on = used_on;
    }

    /// Forgets the plans kept, after the ledger was written directly.
    pub(crate) fn forget_plans(&mut self) {
        self.plans.clear();
        self.cards.clear();
    }

    /// Keeps new exceptions of an invoice to open at the next write (see
    /// [`Db::Offline`]); the invoice had none open.
    pub(crate) fn defer_problems(
        &mut self,
        invoice_ref: &str,
        date: NaiveDate,
        problems: BTreeSet<Problem>,
        tally: &mut Tally,
    ) {
        for problem in problems {
            let opened = NewException { invoice_ref: invoice_ref.to_string(), date, problem };
            tell(tally, &opened);
            self.pending.exceptions.push(opened);
        }
    }

    /// Takes out what waits to be written: what was counted, and with
    /// `Portion::All` also the invoices received but not reconciled yet.
    pub(crate) fn take_writes(&mut self, portion: Portion) -> Result<Writes, AppError> {
        let mut pending = std::mem::take(&mut self.pending);
        if portion == Portion::All {
            pending.invoices.extend(std::mem::take(&mut self.changed));
        }
        let invoices: Vec<(&str, &KeptInvoice)> = pending
            .invoices
            .iter()
            .filter_map(|invoice_ref| Some((invoice_ref.as_str(), self.invoices.get(invoice_ref)?)))
            .collect();
        Ok(Writes {
            ledger: pending.ledger,
            invoices: invoice_rows(&invoices)?,
            over_usage: pending.over_usage.into_iter().collect(),
            exceptions: pending.exceptions,
        })
    }

    /// Writes everything that waits, in the order it was asked.
    pub(crate) async fn flush(
        &mut self,
        conn: &mut Conn,
        clinic_id: i64,
        run: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        self.take_writes(Portion::All)?.write(conn, (self.organisation_id, clinic_id, run), actor).await
    }
}

/// What a batch reads of its organisation whatever its lines: the
/// practice system's codes and patients as mapped, each patient's owner,
/// the mapped items, and the invoices a person still has to look at. It
/// can be read while the file is still being read.
pub(crate) struct Mappings {
    organisation_id: i64,
    codes: SyncMap<String, i64>,
    patients: SyncMap<String, i64>,
    client_of: SyncMap<i64, i64>,
    items: SyncMap<i64, ItemRef>,
    open_exceptions: SyncSet<String>,
}

impl Mappings {
    /// Reads the organisation's mappings.
    pub(crate) async fn read(conn: &mut Conn, organisation_id: i64) -> Result<Mappings, AppError> {
        let codes: Vec<(String, i64)> =
            sqlx::query_as("SELECT code, item_id FROM pims_codes WHERE organisation_id = $1")
                .bind(organisation_id)
                .fetch_all(&mut *conn)
                .await?;
        let patients: Vec<(String, i64)> =
            sqlx::query_as("SELECT pims_patient_id, patient_id FROM pims_patients WHERE organisation_id = $1")
                .bind(organisation_id)
                .fetch_all(&mut *conn)
                .await?;
        let client_of: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT p.id, p.client_id FROM patients p JOIN clients c ON c.id = p.client_id WHERE c.organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
        let item_ids: Vec<i64> = codes.iter().map(|(_, item)| *item).collect();
        let items = items_by_id(conn, organisation_id, &item_ids).await?;
        // With the invoices whose exceptions a person dismissed: those are
        // reconciled against the database too, where a dismissed line seen
        // again stays closed.
        let open_exceptions: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT invoice_ref FROM sync_exceptions
             WHERE organisation_id = $1 AND (resolved_run_id IS NULL OR dismissed_note IS NOT NULL)",
        )
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Mappings {
            organisation_id,
            codes: codes.into_iter().collect(),
            patients: patients.into_iter().collect(),
            client_of: client_of.into_iter().collect(),
            items: items.into_iter().collect(),
            open_exceptions: open_exceptions.into_iter().collect(),
        })
    }
}

/// How much of what waits [`BatchState::take_writes`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Portion {
    /// What reconciled invoices counted.
    Counted,
    /// Everything, invoices received but not reconciled included.
    All,
}
