//! The plan jobs a clinic would otherwise do by hand each morning: end
//! terms that are over, mark plans past due after the grace period, renew
//! auto-renewing plans ahead of their end. Safe to run any number of times.

use chrono::{Days, NaiveDate};

use super::audit::Audit;
use super::payments::OVERDUE_BEFORE_2;
use super::plan_state::{running, take_step};
use super::settings::plan_rules;
use super::{Store, dialect};
use crate::domain::{Step, SubscriptionStatus};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// What one round changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Plans whose term ended.
    pub expired: Vec<i64>,
    /// Plans marked past due.
    pub past_due: Vec<i64>,
    /// (plan, its new renewal) pairs.
    pub renewed: Vec<(i64, i64)>,
    /// Organisations whose round stopped part-way, with what was said; the
    /// server's log has the detail. The next round tries them again.
    pub failed: Vec<(i64, String)>,
}

impl JobReport {
    /// Whether anything changed.
    pub fn changed(&self) -> bool {
        !(self.expired.is_empty() && self.past_due.is_empty() && self.renewed.is_empty())
    }
}

/// `AND clinic_id IN (…)` for these clinics (ids read from the database).
fn in_clinics(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("AND clinic_id IN ({})", ids.join(", "))
}

/// Who the history names for automatic changes.
pub fn automatic() -> Actor {
    Actor { user_id: None, name: "CareCount (automatic)".into() }
}

impl Store {
    /// Runs every plan job for every organisation as of `now`, each on its
    /// own clinic's calendar. One organisation's failure is logged and
    /// reported, and the others' jobs still run.
    pub async fn run_plan_jobs(&self, now: chrono::DateTime<chrono::Utc>) -> Result<JobReport, AppError> {
        let organisations: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM organisations ORDER BY id").fetch_all(self.reader()).await?;
        let mut report = JobReport::default();
        for organisation_id in organisations {
            if let Err(error) = self.run_organisation_jobs(organisation_id, now, &mut report).await {
                tracing::error!(organisation_id, %error, "plan jobs failed for this organisation; going on");
                report.failed.push((organisation_id, error.to_string()));
            }
        }
        Ok(report)
    }

    async fn run_organisation_jobs(
        &self,
        organisation_id: i64,
        now: chrono::DateTime<chrono::Utc>,
        report: &mut JobReport,
    ) -> Result<(), AppError> {
        // A term ends, and a payment is late, on the plan's own clinic's
        // calendar: at midnight in Amsterdam it is still yesterday in New York.
        // Clinics are grouped by the day it is there, so a group on one
        // calendar is looked through once, as a whole.
        let clinics: Vec<i64> = sqlx::query_scalar("SELECT id FROM clinics WHERE organisation_id = $1 ORDER BY id")
            .bind(organisation_id)
            .fetch_all(self.reader())
            .await?;
        let mut by_day: std::collections::BTreeMap<NaiveDate, Vec<i64>> = Default::default();
        for clinic_id in clinics {
            let today = self.clinic_of(organisation_id, Some(clinic_id), now).await?.today;
            by_day.entry(today).or_default().push(clinic_id);
        }
        let one_calendar = by_day.len() == 1;
        for (today, clinic_ids) in by_day {
            let only = if one_calendar { String::new() } else { in_clinics(&clinic_ids) };
            self.expire_ended(organisation_id, &only, today, report).await?;
            self.mark_past_due(organisation_id, &only, today, report).await?;
        }
        let clinic = self.clinic_of(organisation_id, None, now).await?;
        self.renew_due(&clinic, now, report).await?;
        let followed = self.follow_packs(&clinic, None, &automatic()).await?;
        report.renewed.extend(followed);
        Ok(())
    }

    /// Expires the plans whose term ended before `today`, of the clinics
    /// `only` names (see [`in_clinics`]; empty: all of them).
    async fn expire_ended(
        &self,
        organisation_id: i64,
        only: &str,
        today: NaiveDate,
        report: &mut JobReport,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let ended: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM subscriptions WHERE organisation_id = $1 AND status IN {} AND ends_on < $2 {only}
             ORDER BY id",
            running()
        ))
        .bind(organisation_id)
        .bind(Day(today))
        .fetch_all(&mut *tx)
        .await?;
        let mut expired = Vec::new();
        for id in ended {
            // The lifecycle refuses a plan on hold (its resume lengthens the
            // term) and one never paid for; those are left as they are.
            if take_step(&mut tx, id, Step::Expire, today).await?.is_err() {
                continue;
            }
            Audit { action: "expire", entity: "subscription", entity_id: id, detail: "The term ended", note: None }
                .write(&mut tx, organisation_id, &automatic())
                .await?;
            expired.push(id);
        }
        tx.commit().await?;
        report.expired.extend(expired);
        Ok(())
    }

    /// Marks past due the plans with a payment late beyond the grace days,
    /// of the clinics `only` names (empty: all of them).
    async fn mark_past_due(
        &self,
        organisation_id: i64,
        only: &str,
        today: NaiveDate,
        report: &mut JobReport,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let grace = plan_rules(&mut tx, organisation_id).await?.past_due_grace_days;
        let cutoff = today - Days::new(grace.max(0) as u64);
        // A plan's own few payments are looked up by plan: walking every
        // late payment for each plan instead took minutes for a group.
        // SQLite is told which index; PostgreSQL's planner takes no hints.
        let by_plan = if dialect::on_postgres(&tx) { "" } else { "INDEXED BY payments_subscription" };
        let overdue: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM subscriptions
             WHERE organisation_id = $1 AND status IN {} AND billing <> 'third_party' {only}
               AND EXISTS (SELECT 1 FROM payments p {by_plan}
                           WHERE p.subscription_id = subscriptions.id AND {OVERDUE_BEFORE_2})
             ORDER BY id",
            running()
        ))
        .bind(organisation_id)
        .bind(Day(cutoff))
        .fetch_all(&mut *tx)
        .await?;
        let detail = format!("A payment is more than {grace} days late");
        let mut late = Vec::new();
        for id in overdue {
            // Only an active plan becomes past due; the lifecycle says which.
            if take_step(&mut tx, id, Step::MarkPastDue, today).await?.is_err() {
                continue;
            }
            Audit { action: "past_due", entity: "subscription", entity_id: id, detail: &detail, note: None }
                .write(&mut tx, organisation_id, &automatic())
                .await?;
            late.push(id);
        }
        tx.commit().await?;
        report.past_due.extend(late);
        Ok(())
    }

    /// Renews auto-renewing plans ahead of their end, each at its own
    /// clinic: the renewal is that clinic's sale, on that clinic's offer.
    /// Once: a renewal the clinic cancelled (the owner declined it) is not
    /// made again; staff can still renew by hand.
    async fn renew_due(
        &self,
        clinic: &ClinicInfo,
        now: chrono::DateTime<chrono::Utc>,
        report: &mut JobReport,
    ) -> Result<(), AppError> {
        let (organisation_id, today) = (clinic.organisation_id, clinic.today);
        let lead = {
            let mut conn = self.reader().acquire().await?;
            plan_rules(&mut conn, organisation_id).await?.renewal_lead_days
        };
        let horizon = today + Days::new(lead.max(0) as u64);
        let due: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT s.id, s.clinic_id, t.renews_into_template_id FROM subscriptions s
             JOIN plan_templates t ON t.id = s.template_id
             WHERE s.organisation_id = $1 AND s.status = $2 AND COALESCE(s.auto_renew, t.auto_renew) = 1
               AND s.ends_on <= $3
               AND s.kind = 'wellness'
               AND NOT EXISTS (SELECT 1 FROM subscriptions n WHERE n.renews_subscription_id = s.id)
               AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'subscription' AND a.entity_id = s.id
                               AND a.action = 'renew_refused')",
        )
        .bind(organisation_id)
        .bind(SubscriptionStatus::Active.code())
        .bind(Day(horizon))
        .fetch_all(self.reader())
        .await?;
        for (id, clinic_id, into) in due {
            let own_clinic = self.clinic_of(organisation_id, Some(clinic_id), now).await?;
            match self.renew_plan(&own_clinic, id, into, &automatic()).await {
                Ok(new_id) => report.renewed.push((id, new_id)),
                // Not renewable any more (template withdrawn, pet no longer
                // eligible): say so once in the plan's history for staff.
                Err(AppError::Invalid(why) | AppError::NotFound(why) | AppError::Conflict(why)) => {
                    self.renewal_refused(organisation_id, id, &why, &automatic()).await?;
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// Says once, in a plan's or pack's history, why it could not be
    /// renewed by itself; the jobs do not try it again.
    pub(crate) async fn renewal_refused(
        &self,
        organisation_id: i64,
        id: i64,
        why: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let detail = format!("Automatic renewal not possible: {why}");
        Audit { action: "renew_refused", entity: "subscription", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes sessions past their expiry (the store ignores them anyway).
    pub async fn delete_expired_sessions(&self) -> Result<(), tower_sessions::session_store::Error> {
        use tower_sessions::ExpiredDeletion;
        self.sessions.delete_expired().await
    }
}
