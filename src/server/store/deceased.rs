//! When a patient dies: its wellness plans go on hold, and what is left of
//! them may move to another pet of the same household. The ledger shows
//! the move on both plans; nothing is rewritten.

use chrono::NaiveDate;

use super::Store;
use super::audit::Audit;
use super::ledger::{NewEntry, append, saved_in_period, used_in_period};
use super::plan_state::{load_state, require_step, running};
use super::sale_rules::refusal;
use super::selling::template_on_sale;
use crate::domain::{Money, Step, plural, transition};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

#[derive(sqlx::FromRow)]
struct HeldBenefit {
    id: i64,
    label: String,
    limit_quantity: Option<i64>,
    unit: Option<String>,
}

impl Store {
    /// Records a patient's death; its running wellness plans go on hold.
    pub async fn record_death(
        &self,
        clinic: &ClinicInfo,
        patient_id: i64,
        died_on: NaiveDate,
        actor: &Actor,
    ) -> Result<usize, AppError> {
        let patient = self.find_patient(clinic.organisation_id, patient_id).await?;
        if patient.deceased_on.is_some() {
            return Err(AppError::Conflict(format!("{}'s death is already recorded.", patient.name)));
        }
        if died_on > clinic.today || patient.birth_date.is_some_and(|b| died_on < b) {
            return Err(AppError::Invalid("The date of death is between the birth date and today.".into()));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE patients SET deceased_on = $1 WHERE id = $2")
            .bind(Day(died_on))
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
        let held: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM subscriptions WHERE patient_id = $1 AND kind = 'wellness' AND status IN {} ORDER BY id",
            running()
        ))
        .bind(patient_id)
        .fetch_all(&mut *tx)
        .await?;
        for id in &held {
            require_step(&mut tx, *id, Step::Death, clinic.today).await?;
        }
        let detail = format!("{} died on {died_on}; {} plan(s) put on hold", patient.name, held.len());
        Audit { action: "deceased", entity: "patient", entity_id: patient_id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(held.len())
    }

    /// Moves what is left of a deceased patient's wellness plan to another
    /// pet of the household: a new plan for that pet, to the same end date,
    /// with the same limits; the ledger records what the first pet had used
    /// on the new plan and closes the old one with what moved. Instalments
    /// still due follow the new plan. Returns the new plan's id.
    pub async fn transfer_plan(
        &self,
        clinic: &ClinicInfo,
        subscription_id: i64,
        to_patient_id: i64,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let mut tx = self.begin_write().await?;
        let plan: Option<(i64, i64, Option<i64>, String, String)> = sqlx::query_as(
            "SELECT template_id, client_id, patient_id, plan_name, kind
             FROM subscriptions WHERE id = $1 AND organisation_id = $2",
        )
        .bind(subscription_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (template_id, client_id, from_patient, plan_name, kind) = plan
            .ok_or_else(|| AppError::NotFound(format!("There is no plan number {subscription_id} in this clinic.")))?;
        let from = self.find_patient(clinic.organisation_id, from_patient.unwrap_or_default()).await?;
        let state = load_state(&mut tx, subscription_id).await?.ok_or(AppError::Internal)?;
        let moved = transition(state, Step::Transfer).ok().filter(|_| kind == "wellness" && from.deceased_on.is_some());
        let Some(new_state) = moved.and_then(|m| m.created) else {
            return Err(AppError::Conflict(
                "Only a wellness plan on hold after its patient died can move to another pet.".into(),
            ));
        };
        let to = self.find_patient(clinic.organisation_id, to_patient_id).await?;
        if to.client_id != client_id || to.id == from.id {
            return Err(AppError::Invalid(format!("Choose another pet of {}.", from.client_name)));
        }
        if to.deceased_on.is_some() {
            return Err(AppError::Invalid(format!("{} has died too; choose another pet.", to.name)));
        }
        let template = template_on_sale(&mut tx, clinic.organisation_id, template_id).await.ok();
        if let Some(template) = &template {
            if let Some(species) = template.species.as_deref().filter(|s| *s != to.species) {
                return Err(AppError::Invalid(format!(
                    "The {plan_name} is for {species}s; {} is a {}.",
                    to.name, to.species
                )));
            }
            if let Some(why) = refusal(&mut tx, clinic, template, &to, None).await? {
                return Err(AppError::Conflict(why));
            }
        }
        let new_id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name, kind,
                                        status, starts_on, ends_on, price, member_discount_percent, billing,
                                        enrollment_fee, no_show, cancellation_fee, cooling_off_days, auto_renew,
                                        max_hold_days)
             SELECT organisation_id, clinic_id, template_id, client_id, $1, plan_name, kind, $2, $3, ends_on, price,
                    member_discount_percent, billing, '0', no_show, cancellation_fee, cooling_off_days, auto_renew,
                    max_hold_days
             FROM subscriptions WHERE id = $4 RETURNING id",
        )
        .bind(to.id)
        .bind(new_state.status().code())
        .bind(Day(clinic.today))
        .bind(subscription_id)
        .fetch_one(&mut *tx)
        .await?;
        let benefits: Vec<HeldBenefit> = sqlx::query_as(
            "SELECT b.id, b.label, b.limit_quantity, COALESCE(i.subunit_name, i.unit_name, g.unit_name) AS unit
             FROM subscription_benefits b LEFT JOIN catalog_items i ON i.id = b.item_id
             LEFT JOIN item_groups g ON g.id = b.group_id
             WHERE b.subscription_id = $1 ORDER BY b.position",
        )
        .bind(subscription_id)
        .fetch_all(&mut *tx)
        .await?;
        for HeldBenefit { id: old_benefit, label, limit_quantity: limit, unit } in benefits {
            let new_benefit: i64 = sqlx::query_scalar(
                "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                                    discount_percent, position, resets)
                 SELECT $1, label, item_id, group_id, limit_quantity, discount_percent, position, resets
                 FROM subscription_benefits WHERE id = $2 RETURNING id",
            )
            .bind(new_id)
            .bind(old_benefit)
            .fetch_one(&mut *tx)
            .await?;
            let unit = unit.unwrap_or_else(|| "unit".into());
            let Some(limit) = limit else { continue };
            // What counts now: this plan year's use, for a yearly benefit.
            let (_, used) = used_in_period(&mut tx, old_benefit, clinic.today).await?;
            let saved = saved_in_period(&mut tx, old_benefit, clinic.today).await?;
            let left = (limit - used).max(0);
            let moves = [
                (
                    new_benefit,
                    used,
                    "transfer-in",
                    saved,
                    format!(
                        "{used} {} of {label} already used by {} before the plan moved to {}",
                        plural(&unit, used),
                        from.name,
                        to.name
                    ),
                ),
                (
                    old_benefit,
                    left,
                    "transfer-out",
                    Money::ZERO,
                    format!("{left} {} of {label} moved to {}'s plan", plural(&unit, left), to.name),
                ),
            ];
            for (benefit, quantity, direction, savings, note) in moves.into_iter().filter(|m| m.1 > 0) {
                let entry = NewEntry {
                    benefit_id: benefit,
                    patient_id: Some(from.id),
                    item_id: None,
                    quantity,
                    source_kind: "transfer",
                    source_key: format!("{direction}:{old_benefit}"),
                    reversal_of: None,
                    invoice_line_id: None,
                    note,
                    used_on: clinic.today,
                    savings,
                    owner_reason: None,
                };
                append(&mut tx, entry, actor).await?;
            }
        }
        sqlx::query(
            "UPDATE payments SET subscription_id = $1 WHERE subscription_id = $2 AND status IN ('due', 'failed')",
        )
        .bind(new_id)
        .bind(subscription_id)
        .execute(&mut *tx)
        .await?;
        require_step(&mut tx, subscription_id, Step::Transfer, clinic.today).await?;
        sqlx::query("UPDATE subscriptions SET cancelled_on = $1, transferred_to_subscription_id = $2 WHERE id = $3")
            .bind(Day(clinic.today))
            .bind(new_id)
            .bind(subscription_id)
            .execute(&mut *tx)
            .await?;
        let detail = format!("Remaining benefits moved from {} to {} (plan {new_id})", from.name, to.name);
        Audit { action: "transfer", entity: "subscription", entity_id: subscription_id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(new_id)
    }
}
