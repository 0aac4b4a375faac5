//! The mappings a manager keeps for usage sync: practice-system codes to
//! catalog items and practice-system patient ids to patients, found by
//! search, changed, or removed.

use super::Store;
use super::like::like_pattern;
use crate::wire::error::AppError;
use crate::wire::sync::{CodeMapping, Mappings, PatientMapping};

/// At most this many of each kind are listed for one search.
const SHOWN: i64 = 50;

impl Store {
    /// Mappings whose code, patient id, item or patient name holds `search`
    /// (all when it is empty), codes and ids in order.
    pub async fn sync_mappings(&self, organisation_id: i64, search: &str) -> Result<Mappings, AppError> {
        let search = search.trim();
        crate::domain::text::within("The search", search, 100).map_err(AppError::Invalid)?;
        let like = like_pattern(search);
        let codes: Vec<CodeMapping> = sqlx::query_as(
            "SELECT m.code, m.item_id, i.name || ' (' || i.code || ')' AS item_label
             FROM pims_codes m JOIN catalog_items i ON i.id = m.item_id
             WHERE m.organisation_id = $1 AND (lower(m.code) LIKE lower($2) ESCAPE '\\' OR lower(i.name) LIKE lower($3) ESCAPE '\\')
             ORDER BY m.code LIMIT $4",
        )
        .bind(organisation_id)
        .bind(&like)
        .bind(&like)
        .bind(SHOWN)
        .fetch_all(self.reader())
        .await?;
        let patients: Vec<PatientMapping> = sqlx::query_as(
            "SELECT m.pims_patient_id AS pims_id, m.patient_id,
                    p.name || ' (' || c.first_name || ' ' || c.last_name || ')' AS patient_label
             FROM pims_patients m JOIN patients p ON p.id = m.patient_id JOIN clients c ON c.id = p.client_id
             WHERE m.organisation_id = $1 AND (lower(m.pims_patient_id) LIKE lower($2) ESCAPE '\\' OR lower(p.name) LIKE lower($3) ESCAPE '\\'
                                              OR lower(c.last_name) LIKE lower($4) ESCAPE '\\')
             ORDER BY m.pims_patient_id LIMIT $5",
        )
        .bind(organisation_id)
        .bind(&like)
        .bind(&like)
        .bind(&like)
        .bind(SHOWN)
        .fetch_all(self.reader())
        .await?;
        Ok(Mappings { codes, patients })
    }

    /// Removes a code's mapping: its lines wait under "Needs a person" at the
    /// next sync of their invoice.
    pub async fn unmap_code(&self, organisation_id: i64, code: &str) -> Result<(), AppError> {
        self.unmap(
            "DELETE FROM pims_codes WHERE organisation_id = $1 AND code = $2",
            organisation_id,
            &code.trim().to_uppercase(),
        )
        .await
    }

    /// Removes a patient id's mapping.
    pub async fn unmap_patient(&self, organisation_id: i64, pims_id: &str) -> Result<(), AppError> {
        self.unmap(
            "DELETE FROM pims_patients WHERE organisation_id = $1 AND pims_patient_id = $2",
            organisation_id,
            pims_id.trim(),
        )
        .await
    }

    async fn unmap(&self, sql: &str, organisation_id: i64, key: &str) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(sql).bind(organisation_id).bind(key).execute(&mut *tx).await?;
        tx.commit().await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound(format!("There is no mapping for {key} any more.")));
        }
        Ok(())
    }
}
