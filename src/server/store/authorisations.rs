//! Recording a referral or insurer authorisation: a session pack of the
//! sessions authorised, between the authorised dates, paid by the third
//! party, that names who authorised it and their reference.

use super::Store;
use super::audit::Audit;
use super::invoices::require_client;
use super::pack_row::NewPack;
use super::template_row::template_on_sale;
use crate::domain::{Billing, Money, PlanKind};
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
            "SELECT count(*) FROM template_benefits WHERE template_id = $1 AND limit_quantity IS NOT NULL",
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
            sqlx::query_scalar("SELECT id FROM patients WHERE id = $1 AND client_id = $2 AND deceased_on IS NULL")
                .bind(input.patient_id)
                .bind(client_id)
                .fetch_optional(&mut *tx)
                .await?;
        let patient_id = living
            .ok_or_else(|| AppError::Invalid("Choose one of this client's living pets: the one referred.".into()))?;
        let a = &input.authorisation;
        let id = NewPack {
            organisation_id: clinic.organisation_id,
            clinic_id: clinic.id,
            template: &template,
            client_id,
            patient_id: Some(patient_id),
            starts_on: input.starts_on,
            ends_on: Some(input.ends_on),
            price: Money::default(),
            billing: Billing::ThirdParty,
            carried_over: false,
            use_note: "",
            authorisation: Some(a),
            sold_on_invoice_id: None,
        }
        .insert(&mut tx)
        .await?;
        // The pack stands for the sessions authorised, not the template's size.
        sqlx::query("UPDATE subscription_benefits SET limit_quantity = $1 WHERE subscription_id = $2 AND limit_quantity IS NOT NULL")
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
