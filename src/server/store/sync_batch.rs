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

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::catalog::items_by_id;
use super::ledger::{NewEntry, append_many};
use super::subscriptions::{ClientPlanRows, client_plan_rows, client_plan_rows_many};
use super::sync_batch_write::{OverUsage, write_applied, write_lines, write_over_usage};
use crate::domain::sync::{InvoiceLines, LineStatus, SourceLine};
use crate::domain::{
    CoverageRules, CoverageSubscription, DeskLine, ItemRef, LineCoverage, PricingContext, price_draft,
};
use crate::server::actor::Actor;
use crate::wire::error::AppError;

/// (applied, draws) per (patient, item) of an invoice, in smallest units.
pub(crate) type Applied = BTreeMap<(i64, i64), (i64, i64)>;

/// Invoices per statement when reading.
const ROWS_PER_STATEMENT: usize = 500;

/// A batch's reads, kept, and its writes, waiting.
pub(crate) struct BatchState {
    organisation_id: i64,
    /// The earliest day a use of this batch is counted on.
    from: NaiveDate,
    codes: HashMap<String, i64>,
    patients: HashMap<String, i64>,
    client_of: HashMap<i64, i64>,
    items: HashMap<i64, ItemRef>,
    plans: HashMap<i64, ClientPlanRows>,
    /// Each client's plans as of one date, as pricing reads them.
    cards: HashMap<i64, (NaiveDate, Vec<CoverageSubscription>)>,
    known: HashMap<String, InvoiceLines>,
    applied: HashMap<String, Applied>,
    open_exceptions: HashSet<String>,
    pending: Pending,
}

#[derive(Default)]
struct Pending {
    ledger: Vec<NewEntry<'static>>,
    lines: Vec<SourceLine>,
    applied: BTreeMap<(String, i64, i64), (i64, i64)>,
    over_usage: BTreeMap<(String, i64, i64), OverUsage>,
}

impl BatchState {
    /// Reads what a batch touching `invoices` needs; it will count uses on
    /// `from` or later.
    pub(crate) async fn load(
        conn: &mut SqliteConnection,
        organisation_id: i64,
        invoices: &[String],
        from: NaiveDate,
    ) -> Result<BatchState, AppError> {
        let codes: Vec<(String, i64)> =
            sqlx::query_as("SELECT code, item_id FROM pims_codes WHERE organisation_id = ?")
                .bind(organisation_id)
                .fetch_all(&mut *conn)
                .await?;
        let patients: Vec<(String, i64)> =
            sqlx::query_as("SELECT pims_patient_id, patient_id FROM pims_patients WHERE organisation_id = ?")
                .bind(organisation_id)
                .fetch_all(&mut *conn)
                .await?;
        let client_of: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT p.id, p.client_id FROM patients p JOIN clients c ON c.id = p.client_id WHERE c.organisation_id = ?",
        )
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
        let item_ids: Vec<i64> = codes.iter().map(|(_, item)| *item).collect();
        let items = items_by_id(conn, organisation_id, &item_ids).await?;
        let open_exceptions: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT invoice_ref FROM sync_exceptions WHERE organisation_id = ? AND resolved_run_id IS NULL",
        )
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut state = BatchState {
            organisation_id,
            from,
            codes: codes.into_iter().collect(),
            patients: patients.into_iter().collect(),
            client_of: client_of.into_iter().collect(),
            items,
            plans: HashMap::new(),
            cards: HashMap::new(),
            known: HashMap::new(),
            applied: HashMap::new(),
            open_exceptions: open_exceptions.into_iter().collect(),
            pending: Pending::default(),
        };
        for chunk in invoices.chunks(ROWS_PER_STATEMENT) {
            state.load_invoices(conn, chunk).await?;
        }
        Ok(state)
    }

    async fn load_invoices(&mut self, conn: &mut SqliteConnection, invoices: &[String]) -> Result<(), AppError> {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT invoice_ref, line_ref, invoice_date, patient_ref, code, quantity, status FROM pims_lines
             WHERE organisation_id = ",
        );
        query.push_bind(self.organisation_id).push(" AND invoice_ref IN ");
        in_list(&mut query, invoices);
        query.push(" ORDER BY invoice_ref, line_ref");
        let rows: Vec<SqlLine> = query.build_query_as().fetch_all(&mut *conn).await?;
        for row in rows {
            let status = LineStatus::parse(&row.status).ok_or(AppError::Internal)?;
            self.known.entry(row.invoice_ref.clone()).or_default().receive(SourceLine {
                invoice_id: row.invoice_ref,
                line_id: row.line_ref,
                invoice_date: row.invoice_date,
                patient_ref: row.patient_ref,
                code: row.code,
                quantity: row.quantity,
                status,
            });
        }
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT invoice_ref, patient_id, item_id, applied, draws FROM pims_applied WHERE organisation_id = ",
        );
        query.push_bind(self.organisation_id).push(" AND invoice_ref IN ");
        in_list(&mut query, invoices);
        let rows: Vec<(String, i64, i64, i64, i64)> = query.build_query_as().fetch_all(&mut *conn).await?;
        for (invoice, patient, item, applied, draws) in rows {
            self.applied.entry(invoice).or_default().insert((patient, item), (applied, draws));
        }
        Ok(())
    }

    /// The invoice's lines as last seen before this batch.
    pub(crate) fn known_lines(&self, invoice_ref: &str) -> InvoiceLines {
        self.known.get(invoice_ref).cloned().unwrap_or_default()
    }

    /// Whether a line was live before this batch.
    pub(crate) fn was_live(&self, invoice_ref: &str, line_id: &str) -> bool {
        self.known.get(invoice_ref).is_some_and(|known| known.is_live(line_id))
    }

    /// The catalog item a practice-system code is mapped to.
    pub(crate) fn mapped_item(&self, code: &str) -> Option<i64> {
        self.codes.get(&code.trim().to_uppercase()).copied()
    }

    /// The patient a practice-system patient id is mapped to.
    pub(crate) fn mapped_patient(&self, pims: &str) -> Option<i64> {
        self.patients.get(pims.trim()).copied()
    }

    /// A catalog item of the organisation.
    pub(crate) async fn item(&mut self, conn: &mut SqliteConnection, id: i64) -> Result<ItemRef, AppError> {
        if let Some(item) = self.items.get(&id) {
            return Ok(item.clone());
        }
        let found = items_by_id(conn, self.organisation_id, &[id]).await?;
        let item = found.get(&id).cloned().ok_or(AppError::Internal)?;
        self.items.insert(id, item.clone());
        Ok(item)
    }

    /// What an invoice has applied so far (this batch's changes included).
    pub(crate) fn applied_of(&self, invoice_ref: &str) -> Applied {
        self.applied.get(invoice_ref).cloned().unwrap_or_default()
    }

    /// Sets what an invoice has applied for a (patient, item).
    pub(crate) fn set_applied(&mut self, invoice_ref: &str, key: (i64, i64), applied: i64, draws: i64) {
        self.applied.entry(invoice_ref.to_string()).or_default().insert(key, (applied, draws));
        self.pending.applied.insert((invoice_ref.to_string(), key.0, key.1), (applied, draws));
    }

    /// Keeps a line as now seen.
    pub(crate) fn save_line(&mut self, line: &SourceLine) {
        self.pending.lines.push(line.clone());
    }

    /// Whether an invoice may have open exceptions to close.
    pub(crate) fn has_open_exceptions(&self, invoice_ref: &str) -> bool {
        self.open_exceptions.contains(invoice_ref)
    }

    /// Reads at once the plans of the owners of these patients, unless kept.
    pub(crate) async fn read_plans_of(
        &mut self,
        conn: &mut SqliteConnection,
        patients: impl IntoIterator<Item = i64>,
    ) -> Result<(), AppError> {
        let mut clients: Vec<i64> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        for patient in patients {
            let client = self.client(conn, patient).await?;
            if !self.plans.contains_key(&client) && seen.insert(client) {
                clients.push(client);
            }
        }
        self.plans.extend(client_plan_rows_many(conn, &clients, self.from).await?);
        Ok(())
    }

    /// Covers one line with the plans of the patient's owner on `date`, as
    /// the desk would, with every use of this batch counted.
    pub(crate) async fn cover(
        &mut self,
        conn: &mut SqliteConnection,
        rules: CoverageRules,
        line: &DeskLine,
    ) -> Result<LineCoverage, AppError> {
        let date = rules.date;
        let client = self.client(conn, line.input.patient_id).await?;
        if date < self.from {
            // The batch was loaded to count from a later day: a bug, and
            // counting on would read plan years wrongly.
            return Err(AppError::Internal);
        }
        if let Entry::Vacant(slot) = self.plans.entry(client) {
            slot.insert(client_plan_rows(conn, client, self.from).await?);
        }
        if self.cards.get(&client).is_none_or(|(on, _)| *on != date) {
            let rows = self.plans.get(&client).ok_or(AppError::Internal)?;
            let subscriptions = rows.on(date)?.into_iter().map(|card| card.subscription).collect();
            self.cards.insert(client, (date, subscriptions));
        }
        // The plans are lent to the pricing and put back: a line costs no copy.
        let (_, subscriptions) = self.cards.get_mut(&client).ok_or(AppError::Internal)?;
        let context = PricingContext {
            rules,
            subscriptions: std::mem::take(subscriptions),
            promotions: Vec::new(),
            returnable: None,
        };
        let priced = price_draft(&context, std::slice::from_ref(line));
        if let Some((_, subscriptions)) = self.cards.get_mut(&client) {
            *subscriptions = context.subscriptions;
        }
        priced.lines.into_iter().next().ok_or(AppError::Internal)?.map_err(AppError::Invalid)
    }

    async fn client(&mut self, conn: &mut SqliteConnection, patient_id: i64) -> Result<i64, AppError> {
        if let Some(client) = self.client_of.get(&patient_id) {
            return Ok(*client);
        }
        let client: i64 = sqlx::query_scalar("SELECT client_id FROM patients WHERE id = ?")
            .bind(patient_id)
            .fetch_one(&mut *conn)
            .await?;
        self.client_of.insert(patient_id, client);
        Ok(client)
    }

    /// Appends a use of a patient's plans (written at the next flush) and
    /// counts it in the plans kept here. [`BatchState::cover`] was asked for
    /// the patient on the entry's date just before.
    pub(crate) fn post(&mut self, entry: NewEntry<'static>) -> Result<(), AppError> {
        let patient = entry.patient_id.ok_or(AppError::Internal)?;
        let client = *self.client_of.get(&patient).ok_or(AppError::Internal)?;
        let rows = self.plans.get_mut(&client).ok_or(AppError::Internal)?;
        rows.record_use(entry.benefit_id, entry.used_on, entry.quantity);
        match self.cards.get_mut(&client) {
            Some((on, subscriptions)) if *on == entry.used_on => {
                let benefit = subscriptions
                    .iter_mut()
                    .flat_map(|subscription| subscription.benefits.iter_mut())
                    .find(|b| b.id == entry.benefit_id)
                    .ok_or(AppError::Internal)?;
                benefit.used = crate::domain::Quantity(benefit.used.0 + entry.quantity);
            }
            _ => {
                self.cards.remove(&client);
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

    /// Writes everything that waits, in the order it was asked.
    pub(crate) async fn flush(
        &mut self,
        conn: &mut SqliteConnection,
        clinic_id: i64,
        run: i64,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let pending = std::mem::take(&mut self.pending);
        for chunk in pending.ledger.chunks(ROWS_PER_STATEMENT) {
            append_many(conn, chunk, actor).await?;
        }
        let org = self.organisation_id;
        write_lines(conn, org, clinic_id, run, &pending.lines).await?;
        write_applied(conn, org, pending.applied.into_iter().collect()).await?;
        write_over_usage(conn, org, clinic_id, run, pending.over_usage.into_iter().collect()).await?;
        Ok(())
    }
}

fn in_list(query: &mut QueryBuilder<Sqlite>, values: &[String]) {
    query.push("(");
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(value.clone());
    }
    query.push(")");
}

#[derive(sqlx::FromRow)]
struct SqlLine {
    invoice_ref: String,
    line_ref: String,
    invoice_date: NaiveDate,
    patient_ref: String,
    code: String,
    quantity: i64,
    status: String,
}
