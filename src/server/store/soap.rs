//! SOAP plans: drafts that never touch the ledger.

use super::draft_edits::{Draft, changed, open_for_edit, refuse_stale};
use crate::wire::desk::DraftEdit;
use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::FromRow;

use super::Store;
use super::catalog::{StoredItem, items_by_id, stored_items_by_id};
use crate::domain::{LineInput, UnitChoice};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::desk::{DeskLine, OpenSoap};
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// A SOAP plan as stored.
#[derive(Clone, Debug)]
pub struct SoapRecord {
    pub id: i64,
    pub patient_id: i64,
    pub client_id: i64,
    pub visit_date: NaiveDate,
    pub status: String,
    pub plan_notes: String,
    pub invoice_id: Option<i64>,
    pub lines: Vec<DeskLine>,
}

#[derive(FromRow)]
struct SqlSoap {
    id: i64,
    patient_id: i64,
    client_id: i64,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    visit_date: NaiveDate,
    status: String,
    plan_notes: String,
    invoice_id: Option<i64>,
}

#[derive(FromRow)]
struct SqlLine {
    item_id: i64,
    quantity_text: String,
    unit_choice: String,
}

pub(crate) fn unit_code(unit: UnitChoice) -> &'static str {
    match unit {
        UnitChoice::Unit => "unit",
        UnitChoice::Subunit => "subunit",
    }
}

pub(crate) fn unit_from_code(code: &str) -> UnitChoice {
    if code == "subunit" { UnitChoice::Subunit } else { UnitChoice::Unit }
}

/// The most lines one draft may hold; more is a mistake, not a visit.
pub const MAX_LINES: usize = 200;

impl Store {
    /// Opens a new SOAP plan for a patient of the organisation.
    pub async fn create_soap(
        &self,
        organisation_id: i64,
        patient_id: i64,
        visit_date: NaiveDate,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        self.find_patient(organisation_id, patient_id).await?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO soap_notes (organisation_id, patient_id, visit_date, created_by_name) VALUES ($1, $2, $3, $4)
             RETURNING id",
        )
        .bind(organisation_id)
        .bind(patient_id)
        .bind(Day(visit_date))
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A SOAP plan of the organisation with its lines.
    pub async fn load_soap(&self, organisation_id: i64, soap_id: i64) -> Result<Option<SoapRecord>, AppError> {
        let mut conn = self.reader().acquire().await?;
        load_soap_on(&mut conn, organisation_id, soap_id).await
    }

    /// Replaces a SOAP plan's notes and lines with what is on screen.
    pub async fn save_soap(
        &self,
        organisation_id: i64,
        soap_id: i64,
        plan_notes: &str,
        lines: &[LineInput],
        edit: Option<&DraftEdit>,
    ) -> Result<(), AppError> {
        use crate::domain::text::{PLAN_NOTES_MAX, within};
        within("The plan notes", plan_notes, PLAN_NOTES_MAX).map_err(AppError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let soap = load_soap_on(&mut tx, organisation_id, soap_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("There is no SOAP plan number {soap_id}.")))?;
        if soap.status != "open" {
            return Err(AppError::Conflict(
                "This SOAP plan is already on an invoice; change the invoice instead.".into(),
            ));
        }
        check_lines(&mut tx, organisation_id, lines, |line| {
            (line.patient_id == soap.patient_id)
                .then_some(())
                .ok_or_else(|| AppError::Invalid("Every line of a SOAP plan is for its own patient.".into()))
        })
        .await?;
        refuse_stale(&mut tx, Draft::Soap, soap_id, edit).await?;
        changed(&mut tx, Draft::Soap, soap_id, edit.map(|e| e.editor.as_str())).await?;
        sqlx::query(
            "UPDATE soap_notes SET plan_notes = $1, updated_at = (SELECT now FROM carecount_clock) WHERE id = $2",
        )
        .bind(plan_notes)
        .bind(soap_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM soap_lines WHERE soap_id = $1").bind(soap_id).execute(&mut *tx).await?;
        for (position, line) in lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO soap_lines (soap_id, position, item_id, quantity_text, unit_choice) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(soap_id)
            .bind(position as i64)
            .bind(line.item_id)
            .bind(&line.quantity_text)
            .bind(unit_code(line.unit))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The revision a page opening SOAP plan `soap_id` edits, and its mark.
    pub async fn open_soap_for_edit(&self, soap_id: i64) -> Result<DraftEdit, AppError> {
        let mut conn = self.reader().acquire().await?;
        open_for_edit(&mut conn, Draft::Soap, soap_id).await
    }

    /// SOAP plans of a client's pets not yet on an invoice.
    pub async fn open_soaps(&self, client_id: i64) -> Result<Vec<OpenSoap>, AppError> {
        let rows: Vec<(i64, String, Day, i64)> = sqlx::query_as(
            "SELECT s.id, p.name, s.visit_date, (SELECT count(*) FROM soap_lines l WHERE l.soap_id = s.id)
             FROM soap_notes s JOIN patients p ON p.id = s.patient_id
             WHERE p.client_id = $1 AND s.status = 'open' ORDER BY s.visit_date DESC, s.id DESC",
        )
        .bind(client_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, patient_name, visit_date, line_count)| OpenSoap {
                id,
                patient_name,
                visit_date: visit_date.0,
                line_count,
            })
            .collect())
    }
}

pub(crate) async fn load_soap_on(
    conn: &mut Conn,
    organisation_id: i64,
    soap_id: i64,
) -> Result<Option<SoapRecord>, AppError> {
    let soap: Option<SqlSoap> = sqlx::query_as(
        "SELECT s.id, s.patient_id, p.client_id, s.visit_date, s.status, s.plan_notes, s.invoice_id
         FROM soap_notes s JOIN patients p ON p.id = s.patient_id WHERE s.id = $1 AND s.organisation_id = $2",
    )
    .bind(soap_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(soap) = soap else { return Ok(None) };
    let rows: Vec<SqlLine> = sqlx::query_as(
        "SELECT item_id, quantity_text, unit_choice FROM soap_lines WHERE soap_id = $1 ORDER BY position",
    )
    .bind(soap_id)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
    let items = items_by_id(conn, organisation_id, &ids).await?;
    let lines = rows
        .into_iter()
        .filter_map(|r| {
            Some(DeskLine {
                item: items.get(&r.item_id)?.clone(),
                input: LineInput {
                    patient_id: soap.patient_id,
                    item_id: r.item_id,
                    quantity_text: r.quantity_text,
                    unit: unit_from_code(&r.unit_choice),
                    discount_text: String::new(),
                },
            })
        })
        .collect();
    Ok(Some(SoapRecord {
        id: soap.id,
        patient_id: soap.patient_id,
        client_id: soap.client_id,
        visit_date: soap.visit_date,
        status: soap.status,
        plan_notes: soap.plan_notes,
        invoice_id: soap.invoice_id,
        lines,
    }))
}

/// Refuses lines naming items outside the catalog, too many lines, or
/// over-long text; `owner_check` adds the page's own rule per line.
/// Returns the lines' items, read once for the caller too.
pub(crate) async fn check_lines(
    conn: &mut Conn,
    organisation_id: i64,
    lines: &[LineInput],
    owner_check: impl Fn(&LineInput) -> Result<(), AppError>,
) -> Result<HashMap<i64, StoredItem>, AppError> {
    if lines.len() > MAX_LINES {
        return Err(AppError::Invalid(format!("A draft holds at most {MAX_LINES} lines; split it in two.")));
    }
    let ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
    let items = stored_items_by_id(conn, organisation_id, &ids).await?;
    for (n, line) in lines.iter().enumerate() {
        if !items.contains_key(&line.item_id) {
            return Err(AppError::Invalid(format!(
                "Line {}: item number {} is not in the catalog. Pick the item again from the search.",
                n + 1,
                line.item_id
            )));
        }
        if line.quantity_text.len() > 32 || line.discount_text.len() > 16 {
            return Err(AppError::Invalid(format!("Line {}: the quantity or discount is too long.", n + 1)));
        }
        owner_check(line)?;
    }
    Ok(items)
}
