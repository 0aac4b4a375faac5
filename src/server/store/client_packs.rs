//! What a client's Packs tab reads: the client, their pets, every package
//! and session pack with its history, and the templates a pack can be made
//! from.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::FromRow;

use super::Store;
use super::usage::source_words;
use crate::domain::PlanKind;
use crate::wire::clinic::ClinicInfo;
use crate::wire::desk::PatientBrief;
use crate::wire::error::AppError;
use crate::wire::invoice_view::ClientBrief;
use crate::wire::packs::{PackRow, PackTemplateChoice, PackUse};

#[derive(FromRow)]
struct SqlUse {
    subscription_id: i64,
    id: i64,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    used_on: NaiveDate,
    patient_name: Option<String>,
    quantity: i64,
    source_kind: String,
    invoice_id: Option<i64>,
    invoice_number: Option<String>,
    source_key: String,
    actor_name: String,
    note: String,
}

#[derive(FromRow)]
struct SqlChoice {
    id: i64,
    name: String,
    kind: String,
    size: i64,
    unit: String,
    term_months: Option<i64>,
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    one_pet: bool,
}

/// Everything the Packs tab shows, apart from the clinic and the viewer.
pub struct ClientPackRows {
    /// The client.
    pub client: ClientBrief,
    /// Their pets, by name.
    pub pets: Vec<PatientBrief>,
    /// Packs: current first, then by start, newest first.
    pub packs: Vec<PackRow>,
    /// Active package and session pack templates that count one thing.
    pub templates: Vec<PackTemplateChoice>,
}

impl Store {
    /// A client's packs with their histories, counted as of the clinic's today.
    pub async fn client_packs(&self, clinic: &ClinicInfo, client_id: i64) -> Result<ClientPackRows, AppError> {
        let mut conn = self.reader().acquire().await?;
        let client: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT first_name || ' ' || last_name, email, phone FROM clients WHERE id = $1 AND organisation_id = $2",
        )
        .bind(client_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *conn)
        .await?;
        let (name, email, phone) = client
            .ok_or_else(|| AppError::NotFound(format!("There is no client number {client_id} in this clinic.")))?;
        let pets = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT id, name, species FROM patients WHERE client_id = $1 AND deceased_on IS NULL ORDER BY name",
        )
        .bind(client_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, name, species)| PatientBrief { id, name, species })
        .collect();
        let mut uses: HashMap<i64, Vec<PackUse>> = HashMap::new();
        let rows: Vec<SqlUse> = sqlx::query_as(
            "SELECT b.subscription_id, l.id, l.used_on, p.name AS patient_name, l.quantity, l.source_kind,
                    il.invoice_id, inv.invoice_number, l.actor_name, l.note,
                    COALESCE(given_back.source_key, l.source_key) AS source_key
             FROM usage_ledger l
             JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             JOIN subscriptions s ON s.id = b.subscription_id
             LEFT JOIN usage_ledger given_back ON given_back.id = l.reversal_of
             LEFT JOIN patients p ON p.id = l.patient_id
             LEFT JOIN invoice_lines il ON il.id = l.invoice_line_id
             LEFT JOIN invoices inv ON inv.id = il.invoice_id
             WHERE s.client_id = $1 AND s.kind <> 'wellness'
             ORDER BY l.used_on DESC, l.id DESC",
        )
        .bind(client_id)
        .fetch_all(&mut *conn)
        .await?;
        for r in rows {
            uses.entry(r.subscription_id).or_default().push(PackUse {
                id: r.id,
                used_on: r.used_on,
                patient_name: r.patient_name,
                quantity: r.quantity,
                source: source_words(&r.source_kind, r.invoice_number.as_deref(), &r.source_key),
                invoice_id: r.invoice_id,
                actor_name: r.actor_name,
                note: r.note,
            });
        }
        let mut packs: Vec<PackRow> = super::subscriptions::client_plans_on(&mut conn, client_id, clinic.today)
            .await?
            .into_iter()
            .filter(|card| card.subscription.kind != PlanKind::WellnessPlan)
            .map(|card| {
                let uses = uses.remove(&card.subscription.id).unwrap_or_default();
                PackRow { card, uses }
            })
            .collect();
        // Current packs first; the query already orders by start, newest first.
        packs.sort_by_key(|p| !p.card.subscription.status.is_running());
        let templates = sqlx::query_as::<_, SqlChoice>(
            "SELECT t.id, t.name, t.kind, b.limit_quantity AS size,
                    COALESCE(i.subunit_name, i.unit_name, g.unit_name) AS unit, t.term_months, t.one_pet
             FROM plan_templates t
             JOIN template_benefits b ON b.template_id = t.id AND b.limit_quantity IS NOT NULL
             LEFT JOIN catalog_items i ON i.id = b.item_id
             LEFT JOIN item_groups g ON g.id = b.group_id
             WHERE t.organisation_id = $1 AND t.active = 1 AND t.kind <> 'wellness'
               AND (SELECT count(*) FROM template_benefits c
                    WHERE c.template_id = t.id AND c.limit_quantity IS NOT NULL) = 1
             ORDER BY t.name",
        )
        .bind(clinic.organisation_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .filter_map(|t| {
            Some(PackTemplateChoice {
                id: t.id,
                name: t.name,
                kind: PlanKind::from_code(&t.kind)?,
                size: t.size,
                unit: t.unit,
                term_months: t.term_months,
                one_pet: t.one_pet,
            })
        })
        .collect();
        Ok(ClientPackRows { client: ClientBrief { id: client_id, name, email, phone }, pets, packs, templates })
    }
}
