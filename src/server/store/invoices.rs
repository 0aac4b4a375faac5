//! Invoices: drafts, loading, and correction invoices.

use super::draft_edits::{Draft, claim, open_for_edit, refuse_stale};
use crate::wire::desk::DraftEdit;
use sqlx::FromRow;

use super::Store;
use super::catalog::items_by_id;
use super::coverage_record;
pub(crate) use super::invoice_lines::replace_lines;
pub(crate) use super::invoice_row::{SqlInvoice, invoice_row, invoice_row_to_change};
use super::pricing::{invoice_pricing, invoice_promotions};
use super::soap::{load_soap_on, unit_from_code};
use crate::domain::LineInput;
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::desk::{DeskLine, InvoiceSummary, PatientBrief};
use crate::wire::error::AppError;
use crate::wire::invoice_view::{ClientBrief, InvoiceStatus, InvoiceView, Stamp};
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlInvoiceLine {
    patient_id: i64,
    item_id: i64,
    quantity_text: String,
    unit_choice: String,
    discount_text: String,
}

/// The client's patients, for checks and the pet picker.
pub(crate) async fn client_patients(conn: &mut Conn, client_id: i64) -> Result<Vec<PatientBrief>, AppError> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, species FROM patients WHERE client_id = $1 ORDER BY lower(name)")
            .bind(client_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(id, name, species)| PatientBrief { id, name, species }).collect())
}

impl Store {
    /// Creates a draft invoice for a client, copying the lines of the
    /// given open SOAP plans (which are then marked invoiced).
    pub async fn create_invoice(
        &self,
        clinic: &ClinicInfo,
        client_id: i64,
        soap_ids: &[i64],
        actor: &Actor,
    ) -> Result<i64, AppError> {
        // A SOAP plan named twice is invoiced once: its lines must not double.
        let mut seen = std::collections::HashSet::new();
        let soap_ids: Vec<i64> = soap_ids.iter().copied().filter(|id| seen.insert(*id)).collect();
        // A draft that takes SOAP plans marks them invoiced, and so queues
        // with every write that could change them; one made for the client
        // alone adds rows nothing else reads yet.
        let mut tx = if soap_ids.is_empty() { self.begin_draft_write().await? } else { self.begin_write().await? };
        require_client(&mut tx, clinic.organisation_id, client_id).await?;
        let mut lines = Vec::new();
        // Dated on the day of the visits, as the SOAP plans were priced:
        // made the next morning, it would price them on a day a plan or a
        // promotion may no longer cover. Visits of different days go on an
        // invoice each, every one priced on its own day.
        let mut on = None::<chrono::NaiveDate>;
        for soap_id in &soap_ids {
            let soap = load_soap_on(&mut tx, clinic.organisation_id, *soap_id)
                .await?
                .filter(|s| s.client_id == client_id)
                .ok_or_else(|| AppError::NotFound(format!("SOAP plan {soap_id} is not one of this client's.")))?;
            if soap.status != "open" {
                return Err(AppError::Conflict(format!("SOAP plan {soap_id} is already on an invoice.")));
            }
            if let Some(other) = on.filter(|day| *day != soap.visit_date) {
                return Err(AppError::Invalid(format!(
                    "These SOAP plans are from different days ({other} and {}); make an invoice for each day, so \
                     each visit is priced on its own day.",
                    soap.visit_date
                )));
            }
            on = Some(soap.visit_date);
            lines.extend(soap.lines.into_iter().map(|l| l.input));
        }
        let on = on.map_or(clinic.today, |visit| visit.min(clinic.today));
        let invoice_id =
            insert_invoice(&mut tx, &ClinicInfo { today: on, ..clinic.clone() }, client_id, None, actor).await?;
        let invoice = invoice_row(&mut tx, clinic.organisation_id, invoice_id).await?;
        replace_lines(&mut tx, clinic.organisation_id, &invoice, &lines).await?;
        for soap_id in &soap_ids {
            sqlx::query("UPDATE soap_notes SET status = 'invoiced', invoice_id = $1 WHERE id = $2")
                .bind(invoice_id)
                .bind(soap_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(invoice_id)
    }

    /// Starts a correction of a finalized invoice, pre-filled with its
    /// lines as returns: keep the returns that were wrong, add what is right.
    pub async fn create_correction(
        &self,
        clinic: &ClinicInfo,
        invoice_id: i64,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let mut tx = self.begin_write().await?;
        let original = invoice_row(&mut tx, clinic.organisation_id, invoice_id).await?;
        if original.status() != InvoiceStatus::Finalized {
            return Err(AppError::Conflict(format!(
                "{} is not finalized; only a finalized invoice can be corrected.",
                original.name()
            )));
        }
        if let Some(first) = original.corrects_invoice_id {
            let first = invoice_row(&mut tx, clinic.organisation_id, first).await?;
            return Err(AppError::Conflict(format!(
                "{} is itself a correction. Correct the original ({}) again instead, or void this correction.",
                original.name(),
                first.name()
            )));
        }
        // The correction belongs to the corrected invoice's clinic, dated
        // today as the desk sees it.
        let clinic = &ClinicInfo { today: clinic.today, ..super::finalize::invoice_clinic(&mut tx, &original).await? };
        // A pack sold on the invoice is taken back by voiding it, never by a
        // return line (which finalizing refuses): its line is left out.
        let lines = invoice_lines_on(&mut tx, original.id).await?;
        let ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
        let items = super::catalog::stored_items_by_id(&mut tx, clinic.organisation_id, &ids).await?;
        let sells_a_pack = |l: &LineInput| items.get(&l.item_id).is_some_and(|i| i.sells_template_id.is_some());
        let lines: Vec<LineInput> = lines
            .into_iter()
            .filter(|l| !sells_a_pack(l))
            .map(|l| LineInput { quantity_text: negate(&l.quantity_text), ..l })
            .collect();
        let id = insert_invoice(&mut tx, clinic, original.client_id, Some(original.id), actor).await?;
        let invoice = invoice_row(&mut tx, clinic.organisation_id, id).await?;
        replace_lines(&mut tx, clinic.organisation_id, &invoice, &lines).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a draft's lines; the ledger is not touched.
    pub async fn save_invoice_draft(
        &self,
        organisation_id: i64,
        invoice_id: i64,
        lines: &[LineInput],
        edit: Option<&DraftEdit>,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_draft_write().await?;
        let invoice = invoice_row_to_change(&mut tx, organisation_id, invoice_id).await?;
        if invoice.status() != InvoiceStatus::Draft {
            return Err(AppError::Conflict(format!(
                "{} is {}; it can no longer be edited.",
                invoice.name(),
                invoice.status().label().to_lowercase()
            )));
        }
        let from = refuse_stale(&mut tx, Draft::Invoice, invoice.id, edit).await?;
        replace_lines(&mut tx, organisation_id, &invoice, lines).await?;
        claim(&mut tx, Draft::Invoice, invoice.id, from, edit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Everything the invoice page shows, in the invoice's own clinic.
    pub async fn invoice_view(&self, organisation_id: i64, invoice_id: i64) -> Result<InvoiceView, AppError> {
        let mut conn = self.reader().acquire().await?;
        let invoice = invoice_row(&mut conn, organisation_id, invoice_id).await?;
        // The revision before the lines: a save landing between the two
        // reads then only asks this page to reload, never lets it overwrite.
        let edit = open_for_edit(&mut conn, Draft::Invoice, invoice.id).await?;
        let clinic = super::finalize::invoice_clinic(&mut conn, &invoice).await?;
        let client: (String, Option<String>, Option<String>) =
            sqlx::query_as("SELECT first_name || ' ' || last_name, email, phone FROM clients WHERE id = $1")
                .bind(invoice.client_id)
                .fetch_one(&mut *conn)
                .await?;
        let inputs = invoice_lines_on(&mut conn, invoice.id).await?;
        let ids: Vec<i64> = inputs.iter().map(|l| l.item_id).collect();
        let items = items_by_id(&mut conn, clinic.organisation_id, &ids).await?;
        let lines = inputs
            .into_iter()
            .filter_map(|input| Some(DeskLine { item: items.get(&input.item_id)?.clone(), input }))
            .collect();
        let corrects = match invoice.corrects_invoice_id {
            Some(id) => {
                let number: Option<String> = sqlx::query_scalar("SELECT invoice_number FROM invoices WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
                Some((id, number))
            }
            None => None,
        };
        let corrected_by = sqlx::query_as(
            "SELECT id, invoice_number FROM invoices WHERE corrects_invoice_id = $1 AND status = 'finalized' ORDER BY id",
        )
        .bind(invoice.id)
        .fetch_all(&mut *conn)
        .await?;
        let frozen = match (&invoice.coverage_json, invoice.status()) {
            (Some(record), InvoiceStatus::Finalized | InvoiceStatus::Voided) => {
                Some(coverage_record::decode(invoice.id, record)?)
            }
            _ => None,
        };
        let promotions = invoice_promotions(&mut conn, &invoice).await?;
        let (pricing, plans) = invoice_pricing(&mut conn, &clinic, &invoice, promotions).await?;
        Ok(InvoiceView {
            id: invoice.id,
            number: invoice.number.clone(),
            status: invoice.status(),
            invoice_date: invoice.invoice_date,
            clinic,
            client: ClientBrief { id: invoice.client_id, name: client.0, email: client.1, phone: client.2 },
            patients: client_patients(&mut conn, invoice.client_id).await?,
            plans,
            lines,
            corrects,
            returnable: pricing.returnable.unwrap_or_default(),
            corrected_by,
            finalized: invoice
                .finalized_at
                .clone()
                .map(|at| Stamp { at, by: invoice.finalized_by_name.clone().unwrap_or_default() }),
            voided: invoice.voided_at.clone().map(|at| {
                (
                    Stamp { at, by: invoice.voided_by_name.clone().unwrap_or_default() },
                    invoice.void_reason.clone().unwrap_or_default(),
                )
            }),
            frozen,
            promotions: pricing.promotions,
            may_override: false,
            edit,
        })
    }

    /// A client's invoices, newest first.
    pub async fn client_invoices(&self, client_id: i64) -> Result<Vec<InvoiceSummary>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id, invoice_number AS number, status, invoice_date, corrects_invoice_id IS NOT NULL AS correction
             FROM invoices WHERE client_id = $1 ORDER BY id DESC",
        )
        .bind(client_id)
        .fetch_all(self.reader())
        .await?)
    }
}

pub(crate) async fn insert_invoice(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    client_id: i64,
    corrects: Option<i64>,
    actor: &Actor,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO invoices (organisation_id, clinic_id, client_id, status, invoice_date, corrects_invoice_id,
                               created_by_name) VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING id",
    )
    .bind(clinic.organisation_id)
    .bind(clinic.id)
    .bind(client_id)
    .bind(Day(clinic.today))
    .bind(corrects)
    .bind(&actor.name)
    .fetch_one(&mut *conn)
    .await?)
}

pub(crate) async fn invoice_lines_on(conn: &mut Conn, invoice_id: i64) -> Result<Vec<LineInput>, AppError> {
    let rows: Vec<SqlInvoiceLine> = sqlx::query_as(
        "SELECT patient_id, item_id, quantity_text, unit_choice, discount_text FROM invoice_lines
         WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LineInput {
            patient_id: r.patient_id,
            item_id: r.item_id,
            quantity_text: r.quantity_text,
            unit: unit_from_code(&r.unit_choice),
            discount_text: r.discount_text,
        })
        .collect())
}

fn negate(text: &str) -> String {
    match text.trim().strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None => format!("-{}", text.trim()),
    }
}

/// Refuses a client that is not the organisation's, in words.
pub(crate) async fn require_client(conn: &mut Conn, organisation_id: i64, client_id: i64) -> Result<(), AppError> {
    let client: Option<i64> = sqlx::query_scalar("SELECT id FROM clients WHERE id = $1 AND organisation_id = $2")
        .bind(client_id)
        .bind(organisation_id)
        .fetch_optional(&mut *conn)
        .await?;
    match client {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound(format!("There is no client number {client_id} in this clinic."))),
    }
}
