//! The clinic's working lists, for the page and for CSV export.

use super::Store;
use super::plan_state::status_list;
use crate::domain::SubscriptionStatus;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::lists::{Lists, PaymentDueRow, PlanFilter};

const PLAN_ROW: &str = "SELECT s.id, s.plan_name, c.first_name || ' ' || c.last_name AS client_name,
        p.name AS patient_name, s.status, s.starts_on, s.ends_on, s.billing
     FROM subscriptions s JOIN clients c ON c.id = s.client_id LEFT JOIN patients p ON p.id = s.patient_id";

impl Store {
    /// Plans matching the filter, payments due, renewals coming up.
    pub async fn lists(&self, clinic: ClinicInfo, filter: &PlanFilter) -> Result<Lists, AppError> {
        if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty())
            && SubscriptionStatus::from_code(status).is_none()
        {
            return Err(AppError::Invalid(format!("\u{201c}{status}\u{201d} is not a plan status.")));
        }
        let org = clinic.organisation_id;
        let templates = sqlx::query_as("SELECT id, name FROM plan_templates WHERE organisation_id = ? ORDER BY name")
            .bind(org)
            .fetch_all(self.reader())
            .await?;
        let plans = sqlx::query_as(&format!(
            "{PLAN_ROW} WHERE s.organisation_id = ? AND (? IS NULL OR ? = '' OR s.status = ?)
             AND (? IS NULL OR s.template_id = ?) AND (? IS NULL OR s.clinic_id = ?)
             ORDER BY s.starts_on DESC, s.id DESC"
        ))
        .bind(org)
        .bind(&filter.status)
        .bind(&filter.status)
        .bind(&filter.status)
        .bind(filter.template_id)
        .bind(filter.template_id)
        .bind(filter.clinic_id)
        .bind(filter.clinic_id)
        .fetch_all(self.reader())
        .await?;
        let payments_due = sqlx::query_as::<_, PaymentDueRow>(
            "SELECT s.id AS subscription_id, s.plan_name, c.first_name || ' ' || c.last_name AS client_name, y.number,
                    y.due_on, y.amount, y.status
             FROM payments y JOIN subscriptions s ON s.id = y.subscription_id JOIN clients c ON c.id = s.client_id
             WHERE s.organisation_id = ? AND (y.status = 'failed' OR (y.status = 'due' AND y.due_on <= date(?, '+30 days')))
             ORDER BY y.due_on, s.id",
        )
        .bind(org)
        .bind(clinic.today)
        .fetch_all(self.reader())
        .await?;
        // Running plans up for renewal; a pending one has not begun its term.
        let renewable =
            status_list(SubscriptionStatus::RUNNING.into_iter().filter(|s| *s != SubscriptionStatus::Pending));
        let renewals = sqlx::query_as(&format!(
            "{PLAN_ROW} WHERE s.organisation_id = ? AND s.status IN {renewable}
             AND s.ends_on IS NOT NULL AND s.ends_on <= date(?, '+60 days')
             AND NOT EXISTS (SELECT 1 FROM subscriptions r WHERE r.renews_subscription_id = s.id AND r.status <> 'cancelled')
             ORDER BY s.ends_on"
        ))
        .bind(org)
        .bind(clinic.today)
        .fetch_all(self.reader())
        .await?;
        let clinics = sqlx::query_as("SELECT id, name FROM clinics WHERE organisation_id = ? ORDER BY id")
            .bind(org)
            .fetch_all(self.reader())
            .await?;
        Ok(Lists { clinic, templates, clinics, plans, payments_due, renewals })
    }
}
