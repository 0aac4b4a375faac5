//! Usage sync runs: a batch of practice-system lines applied in one
//! transaction, so a crash leaves nothing half-applied and running the same
//! batch again completes it; the run's counts and digest; the mappings.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::subscriptions::client_plan_rows_many;
use super::sync_apply::{InvoiceWork, Tally};
use super::sync_batch::{BatchState, Mappings};
use super::sync_pipeline::{receive_all, reconcile_all};
use super::sync_prefetch::PlanPrefetch;
use super::{Backend, Store, Tx};
use crate::domain::sync::SourceLine;
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;
use crate::wire::sync::{RetryOutcome, SyncRun, SyncSource};

const RUN_COLUMNS: &str = "id, source, file_name, actor_name, started_at, lines_read, applied, unchanged, reversed,
     skipped, over_usage, exceptions, errors, problem, digest";

/// Where a batch comes from and who sent it.
pub struct Batch<'a> {
    pub organisation_id: i64,
    pub clinic_id: i64,
    pub source: SyncSource,
    pub file_name: &'a str,
    pub actor: &'a Actor,
}

impl Store {
    /// Applies a batch of lines in one transaction and records the run.
    pub async fn import_lines(&self, batch: &Batch<'_>, lines: Vec<SourceLine>) -> Result<SyncRun, AppError> {
        self.begin_batch(batch).await?.apply(lines).await
    }

    /// Begins a batch before its lines are known: its transaction, its run
    /// and the organisation's mappings, so that they are read while a file
    /// is still being read (see [`crate::server::import::import_csv`]).
    /// Dropped without [`BegunBatch::apply`], it leaves nothing behind.
    pub async fn begin_batch<'a>(&'a self, batch: &'a Batch<'a>) -> Result<BegunBatch<'a>, AppError> {
        let clinic = self.clinic_of(batch.organisation_id, Some(batch.clinic_id), chrono::Utc::now()).await?;
        if clinic.id != batch.clinic_id {
            return Err(AppError::NotFound(format!("There is no clinic {} in this organisation.", batch.clinic_id)));
        }
        let mut tx = self.begin_import_write().await?;
        let run = start_run(&mut tx, batch).await?;
        let prefix: String = sqlx::query_scalar("SELECT import_code_prefix FROM clinics WHERE id = $1")
            .bind(clinic.id)
            .fetch_one(&mut *tx)
            .await?;
        let mappings = Mappings::read(&mut tx, batch.organisation_id).await?;
        Ok(BegunBatch { store: self, batch, clinic, tx, run, prefix, mappings })
    }

    /// Records a file that was refused: nothing of it was applied, and the
    /// history shows what to fix.
    pub async fn record_refused_import(
        &self,
        batch: &Batch<'_>,
        errors: usize,
        problem: &str,
    ) -> Result<SyncRun, AppError> {
        let mut tx = self.begin_write().await?;
        let run = start_run(&mut tx, batch).await?;
        sqlx::query("UPDATE sync_runs SET errors = $1, problem = $2 WHERE id = $3")
            .bind(errors as i64)
            .bind(problem)
            .bind(run)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.sync_run(batch.organisation_id, run).await
    }

    /// Tells the clinic that the folder pull refused a file, once it was
    /// moved to `refused/` (see [`super::sync_digest::tell_refused`]).
    pub async fn tell_refused_file(
        &self,
        (organisation_id, clinic_id): (i64, i64),
        run: &SyncRun,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let whose = (organisation_id, clinic_id, run.id);
        super::sync_digest::tell_refused(&mut tx, whose, &run.file_name, &run.problem).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One run of the organisation.
    pub async fn sync_run(&self, organisation_id: i64, id: i64) -> Result<SyncRun, AppError> {
        sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM sync_runs WHERE id = $1 AND organisation_id = $2"))
            .bind(id)
            .bind(organisation_id)
            .fetch_optional(self.reader())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("There is no sync run {id}.")))
    }

    /// The organisation's runs, newest first.
    pub async fn sync_runs(&self, organisation_id: i64, limit: i64) -> Result<Vec<SyncRun>, AppError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RUN_COLUMNS} FROM sync_runs WHERE organisation_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(organisation_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// One clinic's sync runs, newest first: what an integration made for
    /// that clinic may read (their digests name its patients and invoices).
    pub async fn clinic_sync_runs(
        &self,
        organisation_id: i64,
        clinic_id: i64,
        limit: i64,
    ) -> Result<Vec<SyncRun>, AppError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RUN_COLUMNS} FROM sync_runs WHERE organisation_id = $1 AND clinic_id = $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(organisation_id)
        .bind(clinic_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// Maps a practice-system code to a catalog item of the organisation.
    pub async fn map_code(&self, organisation_id: i64, code: &str, item_id: i64) -> Result<(), AppError> {
        let code = code.trim().to_uppercase();
        if code.is_empty() || code.chars().count() > 100 {
            return Err(AppError::Invalid("Give the practice system's code (at most 100 characters).".into()));
        }
        let mut tx = self.begin_write().await?;
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM catalog_items WHERE id = $1 AND organisation_id = $2")
                .bind(item_id)
                .bind(organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            return Err(AppError::Invalid("Choose an item of this clinic's catalog.".into()));
        }
        sqlx::query(
            "INSERT INTO pims_codes (organisation_id, code, item_id) VALUES ($1, $2, $3)
             ON CONFLICT (organisation_id, code) DO UPDATE SET item_id = excluded.item_id",
        )
        .bind(organisation_id)
        .bind(&code)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Maps a practice-system patient id to a patient of the organisation.
    pub async fn map_patient(&self, organisation_id: i64, pims_id: &str, patient_id: i64) -> Result<(), AppError> {
        let pims_id = pims_id.trim();
        if pims_id.is_empty() || pims_id.chars().count() > 100 {
            return Err(AppError::Invalid("Give the practice system's patient id (at most 100 characters).".into()));
        }
        let mut tx = self.begin_write().await?;
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT p.id FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.id = $1 AND c.organisation_id = $2",
        )
        .bind(patient_id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        if known.is_none() {
            return Err(AppError::Invalid("Choose a patient of this clinic.".into()));
        }
        sqlx::query(
            "INSERT INTO pims_patients (organisation_id, pims_patient_id, patient_id) VALUES ($1, $2, $3)
             ON CONFLICT (organisation_id, pims_patient_id) DO UPDATE SET patient_id = excluded.patient_id",
        )
        .bind(organisation_id)
        .bind(pims_id)
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies again every invoice with a line that needs a person, after a
    /// code or a patient was mapped.
    pub async fn retry_exceptions(&self, batch: &Batch<'_>) -> Result<RetryOutcome, AppError> {
        let clinic = self.clinic_of(batch.organisation_id, Some(batch.clinic_id), chrono::Utc::now()).await?;
        let mut tx = self.begin_write().await?;
        let run = start_run(&mut tx, batch).await?;
        let open: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT invoice_ref FROM sync_exceptions
             WHERE organisation_id = $1 AND clinic_id = $2 AND resolved_run_id IS NULL ORDER BY invoice_ref",
        )
        .bind(batch.organisation_id)
        .bind(clinic.id)
        .fetch_all(&mut *tx)
        .await?;
        let mut tally = Tally::default();
        let work = InvoiceWork { organisation_id: batch.organisation_id, clinic: &clinic, run, actor: batch.actor };
        let earliest: Option<Day> = sqlx::query_scalar(
            "SELECT MIN(counts_on) FROM pims_invoices WHERE organisation_id = $1 AND invoice_ref IN
               (SELECT invoice_ref FROM sync_exceptions WHERE organisation_id = $2 AND resolved_run_id IS NULL)",
        )
        .bind(batch.organisation_id)
        .bind(batch.organisation_id)
        .fetch_one(&mut *tx)
        .await?;
        let from = earliest.map_or(clinic.today, NaiveDate::from).min(clinic.today);
        let mut state = BatchState::load(&mut tx, batch.organisation_id, &open, from).await?;
        let mut tx = reconcile_all(tx, &work, &mut state, &open, &mut tally, &mut PlanPrefetch::none(from)).await?;
        state.flush(&mut tx, clinic.id, run, batch.actor).await?;
        super::sync_digest::finish_run(&mut tx, &work, &tally).await?;
        let (cleared, still_open): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN e.resolved_run_id = $1 AND NOT EXISTS (
                        SELECT 1 FROM sync_exceptions n WHERE n.run_id = $2 AND n.resolved_run_id IS NULL
                          AND n.organisation_id = e.organisation_id AND n.invoice_ref = e.invoice_ref
                          AND n.patient_ref = e.patient_ref AND n.code = e.code) THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN e.resolved_run_id IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM sync_exceptions e WHERE e.organisation_id = $3 AND e.clinic_id = $4",
        )
        .bind(run)
        .bind(run)
        .bind(batch.organisation_id)
        .bind(clinic.id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.follow_after_use(&clinic, None).await;
        let run = self.sync_run(batch.organisation_id, run).await?;
        Ok(RetryOutcome { run, cleared, still_open })
    }
}

/// A batch whose transaction and run are begun and whose organisation's
/// mappings are read (see [`Store::begin_batch`]).
pub struct BegunBatch<'a> {
    store: &'a Store,
    batch: &'a Batch<'a>,
    clinic: ClinicInfo,
    tx: Tx,
    run: i64,
    prefix: String,
    mappings: Mappings,
}

impl BegunBatch<'_> {
    /// Applies the batch's lines and records the run, in the one
    /// transaction.
    pub async fn apply(self, lines: Vec<SourceLine>) -> Result<SyncRun, AppError> {
        let BegunBatch { store, batch, clinic, mut tx, run, prefix, mappings } = self;
        let mut tally = Tally { lines_read: lines.len() as i64, ..Tally::default() };
        let mut seen: HashSet<&str> = HashSet::new();
        let named: Vec<String> =
            lines.iter().filter(|l| seen.insert(l.invoice_id.as_str())).map(|l| l.invoice_id.clone()).collect();
        // Each invoice counts on its latest line's date, never before this.
        let from = lines.iter().map(|l| l.invoice_date).min().unwrap_or(clinic.today).min(clinic.today);
        let mut state = BatchState::with(&mut tx, mappings, &named, from).await?;
        // The plans of every owner the file may count for are read while
        // its lines are taken in and counted: on SQLite, where the batch
        // holds the only write lock, on a reader beside the writer (see
        // `sync_prefetch`) when one is free; otherwise on the batch's own
        // connection, before counting.
        let clients = state.clients_to_read(&mut tx, state.patients_named(&lines)).await?;
        let reader = if store.backend() == Backend::Sqlite { store.reader().try_acquire() } else { None };
        let (mut prefetch, touched) = match reader {
            Some(reader) => {
                let prefetch = PlanPrefetch::start(reader, clients, from);
                (prefetch, receive_all(&mut state, &prefix, lines, &mut tally).await)
            }
            None => {
                let (plans, touched) = tokio::join!(
                    client_plan_rows_many(&mut tx, &clients, from),
                    receive_all(&mut state, &prefix, lines, &mut tally)
                );
                state.keep_plans(plans?);
                (PlanPrefetch::none(from), touched)
            }
        };
        let work = InvoiceWork { organisation_id: batch.organisation_id, clinic: &clinic, run, actor: batch.actor };
        let mut tx = reconcile_all(tx, &work, &mut state, &touched, &mut tally, &mut prefetch).await?;
        state.flush(&mut tx, clinic.id, run, batch.actor).await?;
        super::sync_digest::finish_run(&mut tx, &work, &tally).await?;
        tx.commit().await?;
        crate::server::drop_later::drop_later(state);
        store.follow_after_use(&clinic, None).await;
        store.sync_run(batch.organisation_id, run).await
    }
}

async fn start_run(conn: &mut Conn, batch: &Batch<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sync_runs (organisation_id, clinic_id, source, file_name, actor_name) VALUES ($1, $2, $3, $4, $5)
         RETURNING id",
    )
    .bind(batch.organisation_id)
    .bind(batch.clinic_id)
    .bind(batch.source.code())
    .bind(batch.file_name)
    .bind(&batch.actor.name)
    .fetch_one(&mut *conn)
    .await?)
}
