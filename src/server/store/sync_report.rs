//! The sync page's reports: unaddressed over-usage (filtered by date and
//! plan) with what a manager decides about it, the exceptions, and what a
//! mapping may point at.

use chrono::NaiveDate;
use sqlx::{FromRow, Row};

use crate::server::store::Db;

use super::Store;
use super::catalog::items_by_id;
use super::ledger::{Adjustment, give_back};
use super::sync_postings::{import_postings, posting_key_prefix};
use crate::domain::Quantity;
use crate::domain::text::required_note;
use crate::server::actor::Actor;
use crate::wire::error::AppError;
use crate::wire::paging::Paging;
use crate::wire::stored::Flag;
use crate::wire::sync::{Choice, ExceptionRow, OverUsageFilter, OverUsageRow};

#[derive(FromRow)]
struct SqlOver {
    id: i64,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    used_on: NaiveDate,
    invoice_ref: String,
    patient_id: i64,
    patient_name: String,
    client_name: String,
    item_id: i64,
    quantity: i64,
    plan_id: Option<i64>,
    plan_name: Option<String>,
    status: String,
    note: String,
    decided_by: Option<String>,
}

/// What a manager decides about over-usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The use stands; the clinic accepts it.
    Approve,
    /// The use should not count: its postings are given back.
    Remove,
}

/// Binds what [`Store::over_usage`]'s condition asks, in its order.
fn bind_filter<'q>(
    sql: &'q str,
    organisation_id: i64,
    clinic_id: i64,
    filter: &'q OverUsageFilter,
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>> {
    sqlx::query(sql)
        .bind(organisation_id)
        .bind(clinic_id)
        .bind(Flag(filter.all))
        .bind(&filter.from)
        .bind(&filter.until)
        .bind(filter.plan)
}

impl Store {
    /// A page of the clinic's over-usage, newest first: the unaddressed
    /// only unless the filter asks for all.
    pub async fn over_usage(
        &self,
        organisation_id: i64,
        clinic_id: i64,
        filter: &OverUsageFilter,
        per_page: u32,
    ) -> Result<(Vec<OverUsageRow>, Paging), AppError> {
        const PLAN: &str = "LEFT JOIN subscriptions s ON s.id = o.subscription_id";
        const CONDITION: &str = "WHERE o.organisation_id = $1 AND o.clinic_id = $2 AND o.quantity > 0
               AND ($3 = 1 OR o.status = 'open')
               AND ($4 IS NULL OR o.used_on >= $4) AND ($5 IS NULL OR o.used_on <= $5)
               AND ($6 IS NULL OR s.template_id = $6)";
        // Patients and owners always exist (foreign keys): the count needs
        // only the plan, for its template.
        let count = format!("SELECT count(*) FROM over_usage o {PLAN} {CONDITION}");
        let matching: i64 =
            bind_filter(&count, organisation_id, clinic_id, filter).fetch_one(self.reader()).await?.get(0);
        let paging = Paging::new(filter.page, per_page, matching as u64);
        let page = format!(
            "SELECT o.id, o.used_on, o.invoice_ref, o.patient_id, p.name AS patient_name,
                    c.first_name || ' ' || c.last_name AS client_name, o.item_id, o.quantity,
                    o.subscription_id AS plan_id, s.plan_name, o.status, o.note, o.decided_by
             FROM over_usage o JOIN patients p ON p.id = o.patient_id JOIN clients c ON c.id = p.client_id {PLAN}
             {CONDITION} ORDER BY o.used_on DESC, o.id DESC LIMIT $7 OFFSET $8"
        );
        let rows: Vec<SqlOver> = bind_filter(&page, organisation_id, clinic_id, filter)
            .bind(i64::from(paging.per_page))
            .bind(paging.offset() as i64)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(SqlOver::from_row)
            .collect::<Result<_, _>>()?;
        let ids: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
        let items = items_by_id(&mut *self.reader().acquire().await?, organisation_id, &ids).await?;
        rows.into_iter()
            .map(|r| {
                let item = items.get(&r.item_id).ok_or(AppError::Internal)?;
                Ok(OverUsageRow {
                    id: r.id,
                    used_on: r.used_on,
                    invoice_ref: r.invoice_ref,
                    patient_id: r.patient_id,
                    patient_name: r.patient_name,
                    client_name: r.client_name,
                    item_name: item.name.clone(),
                    beyond: item.units.describe(Quantity(r.quantity)),
                    plan_id: r.plan_id,
                    plan_name: r.plan_name,
                    status: r.status,
                    note: r.note,
                    decided_by: r.decided_by,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()
            .map(|rows| (rows, paging))
    }

    /// Approves over-usage, or removes the use (its postings are given back
    /// with the note). Either way the note says why, and it is addressed.
    pub async fn decide_over_usage(
        &self,
        organisation_id: i64,
        id: i64,
        decision: Decision,
        note: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let note = required_note(note, "why the use stands or goes").map_err(AppError::Invalid)?.to_string();
        let mut tx = self.begin_write().await?;
        let found: Option<(String, i64, i64, String, i64)> = sqlx::query_as(
            "SELECT invoice_ref, patient_id, item_id, status, quantity FROM over_usage WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (invoice_ref, patient_id, item_id, status, beyond) =
            found.ok_or_else(|| AppError::NotFound("That over-usage is not on the report any more.".into()))?;
        if status != "open" {
            return Err(AppError::Conflict(format!("Someone already marked this over-usage {status}.")));
        }
        // A later sync took the units beyond the plan back (the practice
        // system corrected its invoice): what is left on the plan is a use
        // the invoice still asks for, not over-usage to remove.
        if beyond <= 0 {
            return Err(AppError::Conflict(format!(
                "Invoice {invoice_ref} no longer goes beyond the plan (the practice system corrected it), \
                 so there is nothing left to decide. Reload the report."
            )));
        }
        if decision == Decision::Remove {
            let prefix = posting_key_prefix(organisation_id, &invoice_ref, patient_id, item_id);
            for held in import_postings(&mut tx, &prefix).await?.into_iter().filter(|p| p.held > 0) {
                // A correction of a use, as removing it on the plan page is:
                // the owner reads why, and a pack counts it as a use given back.
                let how = Adjustment {
                    source_kind: "reversal",
                    source_key: &format!("over-usage-removed:{id}"),
                    invoice_line_id: None,
                    note: format!("Removed from over-usage review: {note}"),
                    savings: held.savings_held,
                    owner_reason: Some("taken off the plan after the clinic's review"),
                };
                give_back(&mut tx, &held, held.held, how, actor).await?;
            }
        }
        let status = match decision {
            Decision::Approve => "approved",
            Decision::Remove => "removed",
        };
        sqlx::query(
            "UPDATE over_usage SET status = $1, note = $2, decided_by = $3,
                    decided_at = (SELECT now FROM carecount_clock) WHERE id = $4",
        )
        .bind(status)
        .bind(&note)
        .bind(&actor.name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of the clinic's open exceptions, oldest first.
    pub async fn sync_exceptions(
        &self,
        organisation_id: i64,
        clinic_id: i64,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<ExceptionRow>, Paging), AppError> {
        const MATCHING: &str =
            "FROM sync_exceptions WHERE organisation_id = $1 AND clinic_id = $2 AND resolved_run_id IS NULL";
        let matching: i64 = sqlx::query_scalar(&format!("SELECT count(*) {MATCHING}"))
            .bind(organisation_id)
            .bind(clinic_id)
            .fetch_one(self.reader())
            .await?;
        let paging = Paging::new(page, per_page, matching as u64);
        let rows = sqlx::query_as(&format!(
            "SELECT id, invoice_ref, invoice_date, patient_ref, code, quantity, kind, detail {MATCHING}
             ORDER BY id LIMIT $3 OFFSET $4"
        ))
        .bind(organisation_id)
        .bind(clinic_id)
        .bind(i64::from(paging.per_page))
        .bind(paging.offset() as i64)
        .fetch_all(self.reader())
        .await?;
        Ok((rows, paging))
    }

    /// What a code and the report's plan filter may point at. A patient id
    /// is mapped to a pet found by name: a group has too many for a list.
    pub async fn sync_choices(&self, organisation_id: i64) -> Result<[Vec<Choice>; 2], AppError> {
        let items = sqlx::query_as(
            "SELECT id, name || ' (' || code || ')' AS label FROM catalog_items WHERE organisation_id = $1 ORDER BY name",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?;
        let plans =
            sqlx::query_as("SELECT id, name AS label FROM plan_templates WHERE organisation_id = $1 ORDER BY name")
                .bind(organisation_id)
                .fetch_all(self.reader())
                .await?;
        Ok([items, plans])
    }

    /// The clinic's code prefix and the folder it pulls from.
    pub async fn import_settings(&self, clinic_id: i64) -> Result<(String, String), AppError> {
        Ok(sqlx::query_as("SELECT import_code_prefix, sync_folder FROM clinics WHERE id = $1")
            .bind(clinic_id)
            .fetch_one(self.reader())
            .await?)
    }

    /// Sets the folder a clinic pulls from (already checked; empty for none).
    /// A folder another clinic pulls from, or one inside or around it, is
    /// refused: its pull would take that clinic's files into this one.
    pub async fn set_sync_folder(&self, organisation_id: i64, clinic_id: i64, folder: &str) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let others: Vec<String> =
            sqlx::query_scalar("SELECT sync_folder FROM clinics WHERE id <> $1 AND sync_folder <> ''")
                .bind(clinic_id)
                .fetch_all(&mut *tx)
                .await?;
        if !folder.is_empty() && others.iter().any(|other| overlap(folder, other)) {
            return Err(AppError::Invalid(
                "Another clinic already takes its exports from this folder, or from one inside or around it; \
                 give this clinic a folder of its own."
                    .into(),
            ));
        }
        sqlx::query("UPDATE clinics SET sync_folder = $1 WHERE id = $2 AND organisation_id = $3")
            .bind(folder)
            .bind(clinic_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// (organisation, clinic, folder) of every clinic that pulls a folder.
    pub async fn clinics_with_sync_folder(&self) -> Result<Vec<(i64, i64, String)>, AppError> {
        Ok(sqlx::query_as("SELECT organisation_id, id, sync_folder FROM clinics WHERE sync_folder <> '' ORDER BY id")
            .fetch_all(self.reader())
            .await?)
    }
}

impl Store {
    /// A patient by the practice system's id, with the household's plans as
    /// of today in the clinic.
    pub async fn plans_of_pims_patient(
        &self,
        organisation_id: i64,
        clinic_id: i64,
        pims_id: &str,
    ) -> Result<(i64, String, Vec<crate::wire::patients::PlanCard>), AppError> {
        let found: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT p.id, p.name, p.client_id FROM pims_patients m JOIN patients p ON p.id = m.patient_id
             WHERE m.organisation_id = $1 AND m.pims_patient_id = $2",
        )
        .bind(organisation_id)
        .bind(pims_id.trim())
        .fetch_optional(self.reader())
        .await?;
        let (patient, name, client) = found.ok_or_else(|| {
            AppError::NotFound(format!("No patient is mapped to the practice system's id {pims_id}."))
        })?;
        let today = self.clinic_of(organisation_id, Some(clinic_id), chrono::Utc::now()).await?.today;
        let mut conn = self.reader().acquire().await?;
        let plans = super::subscriptions::client_plans_on(&mut conn, client, today).await?;
        Ok((patient, name, plans))
    }
}

/// Whether two folders are one, or one holds the other: a pull of either
/// would take (and move away) the other's files.
fn overlap(a: &str, b: &str) -> bool {
    let (a, b) = (std::path::Path::new(a), std::path::Path::new(b));
    a.starts_with(b) || b.starts_with(a)
}
