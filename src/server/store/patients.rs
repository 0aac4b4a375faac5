//! Patients and owners.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::Store;
use crate::wire::error::AppError;
use crate::wire::patients::PatientInfo;

#[derive(FromRow)]
struct SqlPatient {
    id: i64,
    name: String,
    species: String,
    breed: Option<String>,
    sex: Option<String>,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    birth_date: Option<NaiveDate>,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    deceased_on: Option<NaiveDate>,
    client_id: i64,
    client_name: String,
    client_email: Option<String>,
    client_phone: Option<String>,
}

impl Store {
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
             WHERE p.id = $1 AND c.organisation_id = $2",
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
