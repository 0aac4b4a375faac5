//! Patients and owners.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::FromRow;

use super::Store;
use crate::domain::SubscriptionStatus;
use crate::wire::error::AppError;
use crate::wire::patients::{PatientInfo, PatientRow, PlanChip};

#[derive(FromRow)]
struct SqlPatientRow {
    id: i64,
    name: String,
    species: String,
    breed: Option<String>,
    client_id: i64,
    client_name: String,
}

#[derive(FromRow)]
struct SqlChip {
    subscription_id: i64,
    client_id: i64,
    patient_id: Option<i64>,
    plan_name: String,
    status: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
}

#[derive(FromRow)]
struct SqlPatient {
    id: i64,
    name: String,
    species: String,
    breed: Option<String>,
    sex: Option<String>,
    birth_date: Option<NaiveDate>,
    deceased_on: Option<NaiveDate>,
    client_id: i64,
    client_name: String,
    client_email: Option<String>,
    client_phone: Option<String>,
}

impl Store {
    /// Every patient of the organisation by name, with the plans that apply
    /// to each (its own wellness plans and its owner's packs).
    pub async fn list_patients(&self, organisation_id: i64) -> Result<Vec<PatientRow>, sqlx::Error> {
        let patients: Vec<SqlPatientRow> = sqlx::query_as(
            "SELECT p.id, p.name, p.species, p.breed, c.id AS client_id,
                    c.first_name || ' ' || c.last_name AS client_name
             FROM patients p JOIN clients c ON c.id = p.client_id
             WHERE c.organisation_id = ? ORDER BY p.name COLLATE NOCASE, p.id",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?;
        let chips: Vec<SqlChip> = sqlx::query_as(
            "SELECT id AS subscription_id, client_id, patient_id, plan_name, status, starts_on, ends_on
             FROM subscriptions WHERE organisation_id = ? ORDER BY starts_on DESC, id DESC",
        )
        .bind(organisation_id)
        .fetch_all(self.reader())
        .await?;
        let mut by_client: HashMap<i64, Vec<SqlChip>> = HashMap::new();
        for chip in chips {
            by_client.entry(chip.client_id).or_default().push(chip);
        }
        Ok(patients
            .into_iter()
            .map(|p| {
                let plans = by_client
                    .get(&p.client_id)
                    .into_iter()
                    .flatten()
                    .filter(|c| c.patient_id.is_none_or(|id| id == p.id))
                    .filter_map(|c| {
                        Some(PlanChip {
                            subscription_id: c.subscription_id,
                            plan_name: c.plan_name.clone(),
                            status: SubscriptionStatus::from_code(&c.status)?,
                            starts_on: c.starts_on,
                            ends_on: c.ends_on,
                        })
                    })
                    .collect();
                PatientRow {
                    id: p.id,
                    name: p.name,
                    species: p.species,
                    breed: p.breed,
                    client_id: p.client_id,
                    client_name: p.client_name,
                    plans,
                }
            })
            .collect())
    }

    /// One patient of the organisation, or a "not found" that names the number.
    pub async fn find_patient(&self, organisation_id: i64, patient_id: i64) -> Result<PatientInfo, AppError> {
        self.patient(organisation_id, patient_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("There is no patient number {patient_id} in this clinic.")))
    }

    /// One patient of the organisation, or `None` (also for another
    /// organisation's patient: its existence is not revealed).
    pub async fn patient(&self, organisation_id: i64, patient_id: i64) -> Result<Option<PatientInfo>, sqlx::Error> {
        let row: Option<SqlPatient> = sqlx::query_as(
            "SELECT p.id, p.name, p.species, p.breed, p.sex, p.birth_date, p.deceased_on,
                    c.id AS client_id, c.first_name || ' ' || c.last_name AS client_name,
                    c.email AS client_email, c.phone AS client_phone
             FROM patients p JOIN clients c ON c.id = p.client_id
             WHERE p.id = ? AND c.organisation_id = ?",
        )
        .bind(patient_id)
        .bind(organisation_id)
        .fetch_optional(self.reader())
        .await?;
        Ok(row.map(|p| PatientInfo {
            id: p.id,
            name: p.name,
            species: p.species,
            breed: p.breed,
            sex: p.sex,
            birth_date: p.birth_date,
            deceased_on: p.deceased_on,
            client_id: p.client_id,
            client_name: p.client_name,
            client_email: p.client_email,
            client_phone: p.client_phone,
        }))
    }
}
