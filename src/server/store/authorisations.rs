//! Recording a referral or insurer authorisation: a session pack of the
//! sessions authorised, between the authorised dates, paid by the third
//! party, that names who authorised it and their reference.

use super::Store;
use super::audit::Audit;
use super::invoices::require_client;
use super::selling::copy_benefits;
use super::template_row::template_on_sale;
use crate::domain::PlanKind;
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::packs::AuthorisationInput;

impl Store {
    /// Records an authorisation for a client; returns the new pack's id.
    pub async fn record_authorisation(
        &self,
        clinic: &ClinicInfo,
        client_id: i64,
        input: &AuthorisationInput,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        if input.ends_on < clinic.today {
            return Err(AppError::Invalid(format!(
                "The authorisation ended on {}; record one that still runs.",
                input.ends_on
            )));
        }
        let mut tx = self.begin_write().await?;
        require_client(&mut tx, clinic.organisation_id, client_id).await?;
        let template = template_on_sale(&mut tx, clinic.organisation_id, input.template_id).await?;
        if PlanKind::from_code(&template.kind) != Some(PlanKind::SessionPack) {
            return Err(AppError::Invalid(format!(
                "{} is not a session pack; an authorisation is recorded on a session pack.",
                template.name
            )));
        }
        let counted: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM template_benefits WHERE template_id = ? AND limit_quantity IS NOT NULL",
        )
        .bind(template.id)
        .fetch_one(&mut *tx)
        .await?;
        if counted != 1 {
            return Err(AppError::Invalid(format!(
                "{} counts {counted} things; an authorisation needs a pack that counts sessions of one kind.",
                template.name
            )));
        }
        let living: Option<i64> =
            sqlx::query_scalar("SELECT id FROM patients WHERE id = ? AND client_id = ? AND deceased_on IS NULL")
                .bind(input.patient_id)
                .bind(client_id)
                .fetch_optional(&mut *tx)
                .await?;
        let patient_id = living
            .ok_or_else(|| AppError::Invalid("Choose one of this client's living pets: the one referred.".into()))?;
        let a = &input.authorisation;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name, kind,
                                        status, starts_on, ends_on, price, member_discount_percent, billing,
                                        enrollment_fee, authorised_by, authoriser_name, authorisation_ref)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, '0', NULL, 'third_party', '0', ?, ?, ?) RETURNING id",
        )
        .bind(clinic.organisation_id)
        .bind(clinic.id)
        .bind(template.id)
        .bind(client_id)
        .bind(patient_id)
        .bind(&template.name)
        .bind(&template.kind)
        .bind(input.starts_on)
        .bind(input.ends_on)
        .bind(a.by.code())
        .bind(&a.name)
        .bind(&a.reference)
        .fetch_one(&mut *tx)
        .await?;
        copy_benefits(&mut tx, id, template.id).await?;
        // The pack stands for the sessions authorised, not the template's size.
        sqlx::query("UPDATE subscription_benefits SET limit_quantity = ? WHERE subscription_id = ? AND limit_quantity IS NOT NULL")
            .bind(input.sessions)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = format!(
            "Authorisation by {} ({}), ref. {}: {} sessions of {} from {} to {}",
            a.name,
            a.by.code(),
            a.reference,
            input.sessions,
            template.name,
            input.starts_on,
            input.ends_on
        );
        Audit { action: "authorise", entity: "subscription", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
