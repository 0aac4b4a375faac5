//! Hold, resume and renew: lifecycle steps taken through the domain's
//! `transition`, with what a hold adds (its days, the longer term).

use chrono::NaiveDate;
use sqlx::FromRow;

use super::Store;
use super::audit::Audit;
use super::plan_state::{load_state, require_step};
use super::renewal_shift::{Extension, move_renewal};
use super::sale_rules::refusal;
use super::selling::{offer, template_on_sale, write_sale};
use super::settings::plan_rules;
use crate::domain::{Billing, PlanState, Step, eligible, renewal_start, transition};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlPlanTerms {
    template_id: i64,
    patient_id: Option<i64>,
    client_id: i64,
    billing: String,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    ends_on: Option<NaiveDate>,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    hold_from: Option<NaiveDate>,
    held_days: i64,
}

async fn plan_state(conn: &mut Conn, organisation_id: i64, id: i64) -> Result<(SqlPlanTerms, PlanState), AppError> {
    let plan: SqlPlanTerms = sqlx::query_as(
        "SELECT template_id, patient_id, client_id, billing, ends_on, hold_from, held_days
         FROM subscriptions WHERE id = $1 AND organisation_id = $2",
    )
    .bind(id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("There is no plan number {id} in this clinic.")))?;
    let state = load_state(conn, id).await?.ok_or(AppError::Internal)?;
    Ok((plan, state))
}

/// The longest hold per term the plan was sold with; one kept without it
/// follows the organisation's rules of today.
async fn max_hold_days(conn: &mut Conn, organisation_id: i64, id: i64) -> Result<i64, AppError> {
    let sold: Option<i64> = sqlx::query_scalar("SELECT max_hold_days FROM subscriptions WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    match sold {
        Some(days) => Ok(days),
        None => Ok(plan_rules(conn, organisation_id).await?.max_hold_days),
    }
}

impl Store {
    /// Puts a plan on hold from today; benefits are not usable meanwhile.
    pub async fn hold_plan(&self, clinic: &ClinicInfo, id: i64, note: &str, actor: &Actor) -> Result<(), AppError> {
        let note = required_note(note, "why the plan is put on hold")?;
        let mut tx = self.begin_write().await?;
        let (plan, state) = plan_state(&mut tx, clinic.organisation_id, id).await?;
        // Asked first so that a plan that cannot be held says why, not how many days it held.
        transition(state, Step::Hold).map_err(AppError::Conflict)?;
        let max = max_hold_days(&mut tx, clinic.organisation_id, id).await?;
        if plan.held_days >= max {
            return Err(AppError::Conflict(format!("This plan has used all {max} days of hold this term.")));
        }
        require_step(&mut tx, id, Step::Hold, clinic.today).await?;
        Audit { action: "hold", entity: "subscription", entity_id: id, detail: "Put on hold", note: Some(note) }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a hold; the term is extended by the days held, within the
    /// clinic's maximum per term.
    pub async fn resume_plan(&self, clinic: &ClinicInfo, id: i64, actor: &Actor) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let (plan, _) = plan_state(&mut tx, clinic.organisation_id, id).await?;
        let resumed = require_step(&mut tx, id, Step::Resume, clinic.today).await?;
        let max = max_hold_days(&mut tx, clinic.organisation_id, id).await?;
        let held = plan.hold_from.map_or(0, |from| (clinic.today - from).num_days().max(0) + 1);
        let mut counted = held.min((max - plan.held_days).max(0));
        let mut next_term = String::new();
        if plan.ends_on.is_some() {
            match move_renewal(&mut tx, id, counted as u64, clinic.today).await? {
                Extension::Extend { moved_renewal: Some(next) } => {
                    next_term = format!("; its next term (plan {next}) starts {counted} days later too");
                }
                Extension::Extend { moved_renewal: None } => {}
                Extension::Kept { renewal, started } => {
                    counted = 0;
                    next_term = format!("; not extended, since its next term (plan {renewal}) began on {started}");
                }
            }
        }
        let new_end = plan.ends_on.map(|end| end + chrono::Days::new(counted as u64));
        sqlx::query("UPDATE subscriptions SET held_days = $1, ends_on = $2 WHERE id = $3")
            .bind(plan.held_days + counted)
            .bind(new_end.map(Day))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = format!(
            "Resumed as {} after {held} days on hold; term extended by {counted} days{next_term}",
            resumed.state.status().label().to_lowercase()
        );
        Audit { action: "resume", entity: "subscription", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sells the next term, of the same template or another, starting the
    /// day after this term ends (or today, for a plan that has ended) and
    /// linked to it.
    pub async fn renew_plan(
        &self,
        clinic: &ClinicInfo,
        id: i64,
        template_id: Option<i64>,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let mut tx = self.begin_write().await?;
        let (plan, _) = plan_state(&mut tx, clinic.organisation_id, id).await?;
        require_step(&mut tx, id, Step::Renew, clinic.today).await?;
        let renewed: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM subscriptions WHERE renews_subscription_id = $1 AND status <> 'cancelled'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if renewed.is_some() {
            return Err(AppError::Conflict("This plan is already renewed; open the renewal instead.".into()));
        }
        // A plan that already ended is renewed from today: a term that began
        // in the past would be billed for days no one could use.
        let starts_on = plan
            .ends_on
            .and_then(renewal_start)
            .map(|start| start.max(clinic.today))
            .ok_or_else(|| AppError::Conflict("An open-ended plan has no term to renew.".into()))?;
        let template =
            template_on_sale(&mut tx, clinic.organisation_id, template_id.unwrap_or(plan.template_id)).await?;
        let patient_id = match plan.patient_id {
            Some(p) => p,
            // A household package is sold through one of the household's
            // pets; a pet that has died cannot be that one.
            None => sqlx::query_scalar(
                "SELECT id FROM patients WHERE client_id = $1 AND deceased_on IS NULL ORDER BY id LIMIT 1",
            )
            .bind(plan.client_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "No pet of this household is alive any more, so the package cannot be renewed.".into(),
                )
            })?,
        };
        let patient = self.patient(clinic.organisation_id, patient_id).await?.ok_or(AppError::Internal)?;
        if let Some(why) = refusal(&mut tx, clinic, &template, &patient, Some(id)).await? {
            return Err(AppError::Conflict(why));
        }
        eligible(&offer(&template), &patient.name, &patient.species, patient.birth_date, starts_on)
            .map_err(AppError::Invalid)?;
        // The same billing as this term, if the next template offers it.
        let offered = template.billings();
        let billing = Billing::from_code(&plan.billing)
            .filter(|b| offered.contains(b))
            .or(offered.first().copied())
            .unwrap_or(Billing::Monthly);
        let new_id = write_sale(&mut tx, clinic, &template, &patient, starts_on, billing, Some(id)).await?;
        let detail = format!("Renewed as plan {new_id} ({}) from {starts_on}", template.name);
        Audit { action: "renew", entity: "subscription", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(new_id)
    }
}

fn required_note<'a>(note: &'a str, why: &str) -> Result<&'a str, AppError> {
    crate::domain::text::required_note(note, why).map_err(AppError::Invalid)
}
