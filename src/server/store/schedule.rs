//! What the schedule, the daycare list and the booking form read: visits
//! of some days with their packs counted now, staff, services, and pets
//! found by name.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::FromRow;

use super::Store;
use super::like::{case_blind_like, like_pattern};
use super::subscriptions::client_plan_rows_many;
use crate::domain::{Span, VisitKind, VisitStatus};
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::schedule::{PetMatch, ServiceChoice, StaffColumn, VisitPack, VisitRow};
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlRow {
    id: i64,
    kind: String,
    status: String,
    #[sqlx(try_from = "crate::wire::stored::DayTime")]
    starts_at: NaiveDateTime,
    minutes: i64,
    client_id: i64,
    client_name: String,
    patient_id: i64,
    patient_name: String,
    service_name: String,
    staff_user_id: Option<i64>,
    staff_name: Option<String>,
    subscription_id: Option<i64>,
    invoice_id: Option<i64>,
    override_note: String,
}

impl Store {
    /// The visits of a clinic from `first` to `last`, by start, each with
    /// its pack as counted on `today` (every hold included).
    pub async fn visits_between(
        &self,
        clinic: &ClinicInfo,
        kind: VisitKind,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<VisitRow>, AppError> {
        let mut conn = self.reader().acquire().await?;
        let rows: Vec<SqlRow> = sqlx::query_as(
            "SELECT a.id, a.kind, a.status, a.starts_at, a.minutes, a.client_id,
                    c.first_name || ' ' || c.last_name AS client_name, a.patient_id, p.name AS patient_name,
                    i.name AS service_name, a.staff_user_id, u.display_name AS staff_name, a.subscription_id,
                    a.invoice_id, a.override_note
             FROM appointments a
             JOIN clients c ON c.id = a.client_id
             JOIN patients p ON p.id = a.patient_id
             JOIN catalog_items i ON i.id = a.item_id
             LEFT JOIN users u ON u.id = a.staff_user_id
             WHERE a.clinic_id = $1 AND a.kind = $2 AND substr(a.starts_at, 1, 10) BETWEEN $3 AND $4
             ORDER BY a.starts_at, a.id",
        )
        .bind(clinic.id)
        .bind(kind.code())
        .bind(Day(first))
        .bind(Day(last))
        .fetch_all(&mut *conn)
        .await?;
        let mut clients: Vec<i64> = rows.iter().filter(|r| r.subscription_id.is_some()).map(|r| r.client_id).collect();
        clients.sort_unstable();
        clients.dedup();
        let plans = client_plan_rows_many(&mut conn, &clients, clinic.today).await?;
        let mut cards = Vec::new();
        for rows in plans.values() {
            cards.extend(rows.on(clinic.today)?);
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let pack =
                    r.subscription_id.and_then(|id| cards.iter().find(|c| c.subscription.id == id)).map(|card| {
                        let facts = card.pack_facts.clone().unwrap_or_default();
                        let unit = card.pack_unit().unwrap_or("session").to_string();
                        let counts = card.pack().map_or_else(String::new, |p| {
                            let booked =
                                if p.held.0 > 0 { format!(" \u{b7} {} booked", p.held.0) } else { String::new() };
                            format!("{}{booked}", p.left_text(&unit))
                        });
                        VisitPack {
                            subscription_id: card.subscription.id,
                            name: card.subscription.plan_name.clone(),
                            counts,
                            use_note: facts.use_note,
                        }
                    });
                VisitRow {
                    id: r.id,
                    kind: VisitKind::from_code(&r.kind).unwrap_or(VisitKind::Appointment),
                    status: VisitStatus::from_code(&r.status).unwrap_or(VisitStatus::Cancelled),
                    span: Span { start: r.starts_at, minutes: u32::try_from(r.minutes).unwrap_or(30) },
                    client_id: r.client_id,
                    client_name: r.client_name,
                    patient_id: r.patient_id,
                    patient_name: r.patient_name,
                    service_name: r.service_name,
                    staff_id: r.staff_user_id,
                    staff_name: r.staff_name,
                    pack,
                    invoice_id: r.invoice_id,
                    override_note: r.override_note,
                }
            })
            .collect())
    }

    /// Staff who get a column: active vets, managers and receptionists;
    /// `me` first.
    pub async fn staff_columns(&self, organisation_id: i64, me: Option<i64>) -> Result<Vec<StaffColumn>, AppError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, display_name FROM users WHERE organisation_id = $1 AND active = 1 AND role <> 'owner'
             ORDER BY CASE role WHEN 'vet' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, display_name",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?;
        let mut columns: Vec<StaffColumn> =
            rows.into_iter().map(|(id, name)| StaffColumn { id, name, me: Some(id) == me }).collect();
        columns.sort_by_key(|c| !c.me);
        Ok(columns)
    }

    /// Services the schedule books: active catalog items that are services
    /// and do not sell a pack.
    pub async fn bookable_services(&self, organisation_id: i64) -> Result<Vec<ServiceChoice>, AppError> {
        let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, group_id FROM catalog_items
             WHERE organisation_id = $1 AND active = 1 AND kind = 'service' AND sells_template_id IS NULL
             ORDER BY name",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(id, name, group_id)| ServiceChoice { id, name, group_id }).collect())
    }

    /// Living pets whose name, or whose client's name, contains `query`.
    pub async fn find_pets(&self, organisation_id: i64, query: &str) -> Result<Vec<PetMatch>, AppError> {
        let query = query.trim();
        // SQLite refuses a pattern past 50,000 bytes; no name is that long.
        crate::domain::text::within("The search", query, 100).map_err(AppError::Invalid)?;
        if query.chars().count() < 2 {
            return Ok(Vec::new());
        }
        let like = like_pattern(query);
        let case_blind = case_blind_like(self.backend());
        Ok(sqlx::query_as(&format!(
            "SELECT p.id AS patient_id, p.name AS patient_name, p.species, c.id AS client_id,
                    c.first_name || ' ' || c.last_name AS client_name
             FROM patients p JOIN clients c ON c.id = p.client_id
             WHERE c.organisation_id = $1 AND p.deceased_on IS NULL
               AND (p.name {case_blind} $2 ESCAPE '\\' OR c.first_name || ' ' || c.last_name {case_blind} $3 ESCAPE '\\')
             ORDER BY lower(p.name) LIMIT 12",
        ))
        .bind(organisation_id)
        .bind(&like)
        .bind(&like)
        .fetch_all(self.reader())
        .await?)
    }
}
