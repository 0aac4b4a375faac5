//! Which owners a sync batch counts for, and the plans it keeps of them:
//! read once (on the batch's connection, or read ahead beside it, see
//! `sync_prefetch`), then each line is covered with them.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::{BatchState, Card};
use crate::domain::sync::SourceLine;
use crate::domain::{CoverageRules, DraftLine, LineCoverage, Quantity, count_line};
use crate::server::store::Conn;
use crate::server::store::subscriptions::{ClientPlanRows, client_plan_rows};
use crate::server::store::sync_db::Db;
use crate::server::store::sync_hash::SyncSet;
use crate::wire::error::AppError;

impl BatchState {
    /// The mapped patients of these invoices as kept and of `lines`: every
    /// patient a batch of them may count for, each once, in the order the
    /// batch will count for them (an invoice's kept lines where the file
    /// first names it).
    pub(crate) fn patients_named(&self, lines: &[SourceLine]) -> Vec<i64> {
        let mut invoices: SyncSet<&str> = SyncSet::default();
        let mut refs: Vec<&str> = Vec::new();
        for line in lines {
            if invoices.insert(line.invoice_id.as_str())
                && let Some(kept) = self.invoices.get(&line.invoice_id)
            {
                refs.extend(kept.lines.lines().map(|kept| kept.patient_ref.as_str()));
            }
            refs.push(line.patient_ref.as_str());
        }
        let mut seen: SyncSet<i64> = SyncSet::default();
        refs.into_iter()
            .filter_map(|patient_ref| self.mapped_patient(patient_ref))
            .filter(|p| seen.insert(*p))
            .collect()
    }

    /// The owners of the patients these invoices name, as now seen.
    pub(crate) fn clients_of(&self, invoices: &[String]) -> SyncSet<i64> {
        let kept = invoices.iter().filter_map(|invoice_ref| self.invoices.get(invoice_ref));
        let refs = kept.flat_map(|kept| kept.lines.lines()).map(|line| line.patient_ref.as_str());
        let patients = refs.filter_map(|patient_ref| self.mapped_patient(patient_ref));
        patients.filter_map(|patient| self.client_of.get(&patient).copied()).collect()
    }

    /// Whether the plans of every owner of the patients an invoice names,
    /// as now seen, are kept.
    pub(crate) fn keeps_owners_of(&self, invoice_ref: &str) -> bool {
        let Some(kept) = self.invoices.get(invoice_ref) else { return true };
        let patients = kept.lines.lines().filter_map(|line| self.mapped_patient(&line.patient_ref));
        let mut clients = patients.filter_map(|patient| self.client_of.get(&patient));
        clients.all(|client| self.keeps_client(*client))
    }

    /// Whether a client's plans are kept.
    pub(crate) fn keeps_client(&self, client: i64) -> bool {
        self.plans.contains_key(&client)
    }

    /// The owners of these patients whose plans are not kept yet, each once.
    pub(crate) async fn clients_to_read(
        &mut self,
        conn: &mut Conn,
        patients: impl IntoIterator<Item = i64>,
    ) -> Result<Vec<i64>, AppError> {
        let mut clients: Vec<i64> = Vec::new();
        let mut seen: SyncSet<i64> = SyncSet::default();
        for patient in patients {
            let client = self.client(&mut Db::Online(&mut *conn), patient).await?;
            if !self.plans.contains_key(&client) && seen.insert(client) {
                clients.push(client);
            }
        }
        Ok(clients)
    }

    /// Keeps owners' plans as read (see [`BatchState::clients_to_read`]).
    pub(crate) fn keep_plans(&mut self, plans: HashMap<i64, ClientPlanRows>) {
        self.kept_ever.extend(plans.keys().copied());
        self.plans.extend(plans);
    }

    /// Keeps owners' plans read on another connection, as last committed
    /// (see `sync_prefetch`): only of owners this batch never kept, so
    /// never of one it may have written for.
    pub(crate) fn keep_read_ahead(&mut self, plans: HashMap<i64, ClientPlanRows>) {
        for (client, rows) in plans {
            if self.kept_ever.insert(client) {
                self.plans.insert(client, rows);
            }
        }
    }

    /// Covers one line with the plans of the patient's owner on `date`, as
    /// the desk would, with every use of this batch counted; without the
    /// sentence the desk shows beside a line, which no one reads here.
    pub(crate) async fn cover(
        &mut self,
        db: &mut Db<'_>,
        rules: CoverageRules,
        line: &DraftLine,
    ) -> Result<LineCoverage, AppError> {
        let date = rules.date;
        let client = self.client(db, line.patient_id).await?;
        if date < self.from {
            // The batch was loaded to count from a later day: a bug, and
            // counting on would read plan years wrongly.
            return Err(AppError::Internal);
        }
        if let Entry::Vacant(slot) = self.plans.entry(client) {
            slot.insert(client_plan_rows(db.conn()?, client, self.from).await?);
            self.kept_ever.insert(client);
        }
        let rows = self.plans.get(&client).ok_or(AppError::Internal)?;
        match self.cards.get_mut(&client) {
            Some(card) if card.on == Some(date) => {}
            // The plans stay as they are; only what each benefit has used
            // as of this day is counted again.
            Some(card) => {
                let used = rows.used_on(date)?;
                for benefit in card.subscriptions.iter_mut().flat_map(|s| s.benefits.iter_mut()) {
                    benefit.used = Quantity(used.get(&benefit.id).copied().unwrap_or_default());
                }
                card.on = Some(date);
            }
            None => {
                let subscriptions = rows.on(date)?.into_iter().map(|card| card.subscription).collect();
                self.cards.insert(client, Card { on: Some(date), subscriptions });
            }
        }
        let card = self.cards.get(&client).ok_or(AppError::Internal)?;
        Ok(count_line(&rules, &card.subscriptions, line))
    }

    async fn client(&mut self, db: &mut Db<'_>, patient_id: i64) -> Result<i64, AppError> {
        if let Some(client) = self.client_of.get(&patient_id) {
            return Ok(*client);
        }
        let client: i64 = sqlx::query_scalar("SELECT client_id FROM patients WHERE id = $1")
            .bind(patient_id)
            .fetch_one(db.conn()?)
            .await?;
        self.client_of.insert(patient_id, client);
        Ok(client)
    }
}
