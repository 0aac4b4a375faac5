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
    portal_active: Option<i64>,
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
                    c.email AS client_email, c.phone AS client_phone,
                    (SELECT MAX(u.active) FROM users u WHERE u.client_id = c.id AND u.role = 'owner') AS portal_active
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
            portal_active: p.portal_active.map(|active| active != 0),
        }))
    }
}

impl Store {
    /// Switches a client's healthcard portal account off (their sessions end
    /// at their next request) or on again. Returns the account's email.
    pub async fn set_portal_access(
        &self,
        organisation_id: i64,
        client_id: i64,
        active: bool,
        actor: &crate::server::actor::Actor,
    ) -> Result<String, AppError> {
        let mut tx = self.begin_write().await?;
        let account: Option<(i64, String)> = sqlx::query_as(
            "SELECT u.id, u.email FROM users u JOIN clients c ON c.id = u.client_id
             WHERE u.client_id = $1 AND u.role = 'owner' AND c.organisation_id = $2",
        )
        .bind(client_id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id, email) = account.ok_or_else(|| {
            AppError::NotFound("This owner has no healthcard portal account; invite them first.".into())
        })?;
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(crate::wire::stored::Flag(active))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        super::accounts::close_links(&mut tx, user_id).await?;
        let detail = format!("Healthcard portal for {email} switched {}", if active { "on" } else { "off" });
        super::audit::Audit {
            action: "portal_access",
            entity: "user",
            entity_id: user_id,
            detail: &detail,
            note: None,
        }
        .write(&mut tx, organisation_id, actor)
        .await?;
        tx.commit().await?;
        Ok(email)
    }
}
