//! The clinic's working lists, for the page and for CSV export.

use chrono::Days;

use super::Store;
use super::plan_state::status_list;
use crate::domain::SubscriptionStatus;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::lists::{Lists, PaymentDueRow, PlanFilter};
use crate::wire::paging::{PER_PAGE, Paging};
use crate::wire::stored::Day;

const PLAN_ROW: &str = "SELECT s.id, s.plan_name, c.first_name || ' ' || c.last_name AS client_name,
        p.name AS patient_name, s.status, s.starts_on, s.ends_on, s.billing
     FROM subscriptions s JOIN clients c ON c.id = s.client_id LEFT JOIN patients p ON p.id = s.patient_id";

/// How much of each list to read: a page of it for the page, or all of it
/// for a download.
#[derive(Clone, Copy, Debug)]
pub enum Portion {
    /// This page of plans, and the first page's worth of payments due and
    /// renewals.
    Page(u32),
    /// Every row.
    All,
}

/// Plans matching a filter (`?1` organisation, `?2` status, `?3` template,
/// `?4` clinic; a missing one matches all).
const PLAN_FILTER: &str = "WHERE s.organisation_id = $1 AND ($2 IS NULL OR $2 = '' OR s.status = $2)
     AND ($3 IS NULL OR s.template_id = $3) AND ($4 IS NULL OR s.clinic_id = $4)";

/// Instalments of organisation `$1` failed (`{failed}` true), or due by
/// `$2` (30 days ahead), of plans sold at clinic `${clinic}` (a missing one:
/// every clinic): each kind a range of the (organisation, status, due, plan)
/// index, walked in order without visiting a plan unless a clinic is asked.
fn payments_due(failed: bool, clinic: u8) -> String {
    let which = if failed { "y.status = 'failed'" } else { "y.status = 'due' AND y.due_on <= $2" };
    format!(
        "FROM payments y WHERE y.organisation_id = $1 AND {which}
         AND (${clinic} IS NULL OR y.subscription_id IN (SELECT id FROM subscriptions WHERE clinic_id = ${clinic}))"
    )
}

impl Store {
    /// Plans matching the filter, payments due, renewals coming up.
    pub async fn lists(&self, clinic: ClinicInfo, filter: &PlanFilter, portion: Portion) -> Result<Lists, AppError> {
        if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty())
            && SubscriptionStatus::from_code(status).is_none()
        {
            return Err(AppError::Invalid(format!("\u{201c}{status}\u{201d} is not a plan status.")));
        }
        let org = clinic.organisation_id;
        // Every row: the largest LIMIT both databases read.
        let (asked, limit) = match portion {
            Portion::Page(page) => (page, i64::from(PER_PAGE)),
            Portion::All => (1, i64::MAX),
        };
        let templates = sqlx::query_as("SELECT id, name FROM plan_templates WHERE organisation_id = $1 ORDER BY name")
            .bind(org)
            .fetch_all(self.reader())
            .await?;
        let matching: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM subscriptions s {PLAN_FILTER}"))
            .bind(org)
            .bind(&filter.status)
            .bind(filter.template_id)
            .bind(filter.clinic_id)
            .fetch_one(self.reader())
            .await?;
        let plans_paging = Paging::new(asked, PER_PAGE, u64::try_from(matching).unwrap_or_default());
        let plans = sqlx::query_as(&format!(
            "{PLAN_ROW} {PLAN_FILTER} ORDER BY s.starts_on DESC, s.id DESC LIMIT $5 OFFSET $6"
        ))
        .bind(org)
        .bind(&filter.status)
        .bind(filter.template_id)
        .bind(filter.clinic_id)
        .bind(limit)
        .bind(i64::try_from(plans_paging.offset()).unwrap_or(i64::MAX))
        .fetch_all(self.reader())
        .await?;
        // Failed and due are counted and listed apart, each along its own
        // part of the index, then merged: one condition joining the two
        // would read and sort every instalment due in the month.
        let payments_due_total: i64 = sqlx::query_scalar(&format!(
            "SELECT (SELECT count(*) {}) + (SELECT count(*) {})",
            payments_due(true, 3),
            payments_due(false, 3)
        ))
        .bind(org)
        .bind(Day(clinic.today + Days::new(30)))
        .bind(filter.clinic_id)
        .fetch_one(self.reader())
        .await?;
        let (failed, due) = (payments_due(true, 4), payments_due(false, 4));
        let first = |from: &str| {
            format!("SELECT id FROM (SELECT y.id {from} ORDER BY y.due_on, y.subscription_id LIMIT $3) AS earliest")
        };
        let payments_due = sqlx::query_as::<_, PaymentDueRow>(&format!(
            "SELECT s.id AS subscription_id, s.plan_name, c.first_name || ' ' || c.last_name AS client_name, y.number,
                    y.due_on, y.amount, y.status, k.currency, k.minor_digits
             FROM payments y JOIN subscriptions s ON s.id = y.subscription_id JOIN clients c ON c.id = s.client_id
                  JOIN clinics k ON k.id = s.clinic_id
             WHERE y.id IN ({} UNION ALL {})
             ORDER BY y.due_on, s.id, y.number LIMIT $3",
            first(&failed),
            first(&due)
        ))
        .bind(org)
        .bind(Day(clinic.today + Days::new(30)))
        .bind(limit)
        .bind(filter.clinic_id)
        .fetch_all(self.reader())
        .await?;
        // Running plans up for renewal; a pending one has not begun its term.
        let renewable =
            status_list(SubscriptionStatus::RUNNING.into_iter().filter(|s| *s != SubscriptionStatus::Pending));
        let renewal_filter = format!(
            "WHERE s.organisation_id = $1 AND s.status IN {renewable}
             AND s.ends_on IS NOT NULL AND s.ends_on <= $2 AND ($3 IS NULL OR s.clinic_id = $3)
             AND NOT EXISTS (SELECT 1 FROM subscriptions r WHERE r.renews_subscription_id = s.id AND r.status <> 'cancelled')"
        );
        let renewals_total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM subscriptions s {renewal_filter}"))
            .bind(org)
            .bind(Day(clinic.today + Days::new(60)))
            .bind(filter.clinic_id)
            .fetch_one(self.reader())
            .await?;
        let renewals = sqlx::query_as(&format!("{PLAN_ROW} {renewal_filter} ORDER BY s.ends_on, s.id LIMIT $4"))
            .bind(org)
            .bind(Day(clinic.today + Days::new(60)))
            .bind(filter.clinic_id)
            .bind(limit)
            .fetch_all(self.reader())
            .await?;
        let clinics = sqlx::query_as("SELECT id, name FROM clinics WHERE organisation_id = $1 ORDER BY id")
            .bind(org)
            .fetch_all(self.reader())
            .await?;
        Ok(Lists {
            clinic,
            templates,
            clinics,
            plans,
            plans_paging,
            payments_due,
            payments_due_total: u64::try_from(payments_due_total).unwrap_or_default(),
            renewals,
            renewals_total: u64::try_from(renewals_total).unwrap_or_default(),
        })
    }
}
