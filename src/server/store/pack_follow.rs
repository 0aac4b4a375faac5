//! Packs that renew themselves: when one set to renew is used up or has
//! expired, exactly one new pack of its template follows it, starting that
//! day. The desk asks right after it uses a pack, the daily jobs ask for
//! every pack; whichever comes first makes the new one, and a unique index
//! on "what it follows" makes a second one impossible even when two desks
//! use the last session at once.
//!
//! A pack is followed once: a successor cancelled by staff is not made
//! again. Only packs used up or ended in the last week are followed, so
//! switching renewal on does not renew a clinic's whole history, and a
//! pack that stands for a referral or an insurer's authorisation is never
//! followed (the next one is authorised anew).

use chrono::NaiveDate;

use super::Store;
use super::audit::Audit;
use super::selling::write_sale;
use super::template_row::template_on_sale;
use crate::domain::{Billing, PackBalance, Quantity};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;

/// How long after a pack is used up or ends it is still followed.
const RECENT_DAYS: i64 = 7;

/// A pack set to renew with no successor yet, and what counting needs.
#[derive(sqlx::FromRow)]
struct Candidate {
    id: i64,
    clinic_id: i64,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    last_used: Option<NaiveDate>,
    template_id: i64,
    client_id: i64,
    patient_id: Option<i64>,
    billing: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    ends_on: Option<NaiveDate>,
    size: i64,
    used: i64,
}

const CANDIDATES: &str = "
    SELECT s.id, s.clinic_id, s.template_id, s.client_id, s.patient_id, s.billing, s.starts_on, s.ends_on,
           b.limit_quantity AS size,
           COALESCE((SELECT CAST(SUM(l.quantity) AS BIGINT) FROM usage_ledger l WHERE l.subscription_benefit_id = b.id), 0) AS used,
           (SELECT MAX(l.used_on) FROM usage_ledger l WHERE l.subscription_benefit_id = b.id) AS last_used
    FROM subscriptions s
    JOIN plan_templates t ON t.id = s.template_id
    JOIN subscription_benefits b ON b.subscription_id = s.id AND b.limit_quantity IS NOT NULL
    WHERE s.organisation_id = $1 AND s.kind <> 'wellness' AND COALESCE(s.auto_renew, t.auto_renew) = 1
      AND s.authorised_by IS NULL
      AND s.status IN ('active', 'past_due', 'expired')
      AND (SELECT count(*) FROM subscription_benefits c
           WHERE c.subscription_id = s.id AND c.limit_quantity IS NOT NULL) = 1
      AND NOT EXISTS (SELECT 1 FROM subscriptions n WHERE n.renews_subscription_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'subscription' AND a.entity_id = s.id
                      AND a.action = 'renew_refused')";

impl Candidate {
    /// Whether it should be followed on `today`: used up or ended, and
    /// that recently.
    fn due(&self, today: NaiveDate) -> bool {
        let recent = |day: NaiveDate| (today - day).num_days() <= RECENT_DAYS;
        let balance = self.balance();
        let ended = balance.ends_on.is_some_and(|end| today > end && recent(end));
        let used_up = balance.left().0 == 0 && self.last_used.is_some_and(recent);
        balance.needs_successor(today) && (ended || used_up)
    }

    fn balance(&self) -> PackBalance {
        PackBalance {
            size: Quantity(self.size),
            used: Quantity(self.used),
            held: Quantity(0),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            authorisation: None,
        }
    }
}

impl Store {
    /// [`Store::follow_packs`] right after a use was committed: the use
    /// stands whatever happens here, so a failure is logged and left to the
    /// daily jobs, which ask again.
    pub(crate) async fn follow_after_use(&self, clinic: &ClinicInfo, client_id: Option<i64>) {
        if let Err(error) = self.follow_packs(clinic, client_id, &super::jobs::automatic()).await {
            tracing::error!(%error, ?client_id, "following used-up packs failed; the daily jobs will try again");
        }
    }

    /// Follows each renewing pack of the organisation (of one client, when
    /// given) that is used up or has expired, with one new pack starting
    /// today. Returns (pack, its successor) pairs made by this call.
    pub async fn follow_packs(
        &self,
        clinic: &ClinicInfo,
        client_id: Option<i64>,
        actor: &Actor,
    ) -> Result<Vec<(i64, i64)>, AppError> {
        let mut made = Vec::new();
        let sql = format!("{CANDIDATES} AND ($2 IS NULL OR s.client_id = $2) ORDER BY s.id");
        let candidates: Vec<i64> = sqlx::query_as::<_, Candidate>(&sql)
            .bind(clinic.organisation_id)
            .bind(client_id)
            .fetch_all(self.reader())
            .await?
            .into_iter()
            .filter(|c| c.due(clinic.today))
            .map(|c| c.id)
            .collect();
        for id in candidates {
            match self.follow_pack(clinic, id, actor).await {
                Ok(Some(new_id)) => made.push((id, new_id)),
                Ok(None) => {}
                // Not renewable any more (template withdrawn, no pet left):
                // said once in the pack's history, for staff.
                Err(AppError::Invalid(why) | AppError::NotFound(why) | AppError::Conflict(why)) => {
                    self.renewal_refused(clinic.organisation_id, id, &why, actor).await?;
                }
                Err(other) => return Err(other),
            }
        }
        Ok(made)
    }

    /// One pack's successor, decided again under the write lock: `None`
    /// when another desk made it first or the pack no longer needs one.
    async fn follow_pack(&self, clinic: &ClinicInfo, id: i64, actor: &Actor) -> Result<Option<i64>, AppError> {
        let mut tx = self.begin_write().await?;
        let sql = format!("{CANDIDATES} AND s.id = $2");
        let candidate: Option<Candidate> =
            sqlx::query_as(&sql).bind(clinic.organisation_id).bind(id).fetch_optional(&mut *tx).await?;
        let Some(pack) = candidate else { return Ok(None) };
        // The new pack is its own clinic's sale, on that clinic's calendar.
        let clinic = &self.clinic_of(clinic.organisation_id, Some(pack.clinic_id), chrono::Utc::now()).await?;
        if !pack.due(clinic.today) {
            return Ok(None);
        }
        let template = template_on_sale(&mut tx, clinic.organisation_id, pack.template_id).await?;
        let patient_id = match pack.patient_id {
            Some(p) => p,
            None => sqlx::query_scalar(
                "SELECT id FROM patients WHERE client_id = $1 AND deceased_on IS NULL ORDER BY id LIMIT 1",
            )
            .bind(pack.client_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::Conflict("No pet of this household is alive any more.".into()))?,
        };
        let patient = self.patient(clinic.organisation_id, patient_id).await?.ok_or(AppError::Internal)?;
        // The client pays for the next pack, whatever paid for this one (an
        // invoice, another system): it starts once paid.
        let offered = template.billings();
        let billing = [Billing::Advance, Billing::Monthly]
            .into_iter()
            .find(|b| offered.contains(b))
            .or(Billing::from_code(&pack.billing).filter(|b| offered.contains(b)))
            .or(offered.first().copied())
            .unwrap_or(Billing::Advance);
        let new_id = write_sale(&mut tx, clinic, &template, &patient, clinic.today, billing, Some(id)).await?;
        let why = if pack.balance().left().0 == 0 { "used up" } else { "expired" };
        let detail = format!("Pack {why}: followed by pack {new_id} ({}) from {}", template.name, clinic.today);
        Audit { action: "renew", entity: "subscription", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(Some(new_id))
    }
}
