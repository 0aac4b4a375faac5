//! A subscription as the coverage rules see it: who it is for, when it is
//! usable, and the balances of its copied benefits.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::benefit::BenefitBalance;
use super::money::Percent;

/// Identifies a subscription.
pub type SubscriptionId = i64;
/// Identifies a patient (a pet).
pub type PatientId = i64;

/// What kind of thing a clinic sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanKind {
    /// Per patient: Puppy, Kitten, Adult Dog, Senior Cat.
    WellnessPlan,
    /// Per client: daycare days, dog walks, grooming.
    Package,
    /// Per client: N sessions, often a referral or insurer authorisation.
    SessionPack,
}

impl PlanKind {
    /// The word staff use.
    pub fn label(self) -> &'static str {
        match self {
            PlanKind::WellnessPlan => "Wellness plan",
            PlanKind::Package => "Package",
            PlanKind::SessionPack => "Session pack",
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            PlanKind::WellnessPlan => "wellness",
            PlanKind::Package => "package",
            PlanKind::SessionPack => "session_pack",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<PlanKind> {
        [PlanKind::WellnessPlan, PlanKind::Package, PlanKind::SessionPack].into_iter().find(|k| k.code() == code)
    }
}

/// Where a subscription is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubscriptionStatus {
    /// Sold, not started (awaiting first payment or start date).
    Pending,
    /// In force.
    Active,
    /// Paused; benefits not usable.
    OnHold,
    /// A payment failed beyond the grace period.
    PastDue,
    /// The term ended.
    Expired,
    /// Ended early.
    Cancelled,
}

impl SubscriptionStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [SubscriptionStatus; 6] = [
        SubscriptionStatus::Pending,
        SubscriptionStatus::Active,
        SubscriptionStatus::OnHold,
        SubscriptionStatus::PastDue,
        SubscriptionStatus::Expired,
        SubscriptionStatus::Cancelled,
    ];

    /// Statuses of a plan still running: sold and not yet ended. Such a
    /// plan is the pet's one wellness plan, counts for the multi-pet
    /// discount and may have a renewal coming. The store builds its SQL
    /// lists from this one constant.
    pub const RUNNING: [SubscriptionStatus; 4] = [
        SubscriptionStatus::Pending,
        SubscriptionStatus::Active,
        SubscriptionStatus::OnHold,
        SubscriptionStatus::PastDue,
    ];

    /// Statuses whose benefits may be drawn: active, and past due where the
    /// clinic lets a late payer keep using the plan. [`in_force`] and the
    /// store's SQL lists both read this one rule.
    pub fn usable(past_due_usable: bool) -> &'static [SubscriptionStatus] {
        if past_due_usable {
            &[SubscriptionStatus::Active, SubscriptionStatus::PastDue]
        } else {
            &[SubscriptionStatus::Active]
        }
    }

    /// True while the plan has not ended (see [`SubscriptionStatus::RUNNING`]).
    pub fn is_running(self) -> bool {
        SubscriptionStatus::RUNNING.contains(&self)
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            SubscriptionStatus::Pending => "pending",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::OnHold => "on_hold",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Expired => "expired",
            SubscriptionStatus::Cancelled => "cancelled",
        }
    }

    /// The word staff and owners read.
    pub fn label(self) -> &'static str {
        match self {
            SubscriptionStatus::Pending => "Pending",
            SubscriptionStatus::Active => "Active",
            SubscriptionStatus::OnHold => "On hold",
            SubscriptionStatus::PastDue => "Past due",
            SubscriptionStatus::Expired => "Expired",
            SubscriptionStatus::Cancelled => "Cancelled",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<SubscriptionStatus> {
        SubscriptionStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// True when a plan with this status and term may be drawn on `date`.
pub fn in_force(
    status: SubscriptionStatus,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    date: NaiveDate,
    past_due_usable: bool,
) -> bool {
    SubscriptionStatus::usable(past_due_usable).contains(&status)
        && starts_on <= date
        && ends_on.is_none_or(|end| date <= end)
}

/// One subscription's state as input to coverage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageSubscription {
    /// The subscription.
    pub id: SubscriptionId,
    /// The plan's name as sold ("Puppy Plan").
    pub plan_name: String,
    /// Wellness plan, package or session pack.
    pub kind: PlanKind,
    /// The patient a wellness plan is for; `None` for client-wide packs.
    pub patient_id: Option<PatientId>,
    /// Lifecycle state.
    pub status: SubscriptionStatus,
    /// First day of the term.
    pub starts_on: NaiveDate,
    /// Last day of the term; `None` when open-ended.
    pub ends_on: Option<NaiveDate>,
    /// Discount on items outside the benefits, for members.
    pub member_discount: Option<Percent>,
    /// Copied benefits with their usage.
    pub benefits: Vec<BenefitBalance>,
}

impl CoverageSubscription {
    /// True when its benefits may be drawn on `date`. Past-due plans are
    /// usable only where the clinic's setting allows it.
    pub fn usable_on(&self, date: NaiveDate, past_due_usable: bool) -> bool {
        in_force(self.status, self.starts_on, self.ends_on, date, past_due_usable)
    }

    /// True when it covers this patient: a wellness plan only its own
    /// patient, a client-wide pack every patient of the client.
    pub fn applies_to(&self, patient: PatientId) -> bool {
        self.patient_id.is_none_or(|p| p == patient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(status: SubscriptionStatus) -> CoverageSubscription {
        CoverageSubscription {
            id: 1,
            plan_name: "Puppy Plan".into(),
            kind: PlanKind::WellnessPlan,
            patient_id: Some(10),
            status,
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 31),
            member_discount: None,
            benefits: vec![],
        }
    }

    #[test]
    fn usable_only_while_active_and_in_term() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert!(plan(SubscriptionStatus::Active).usable_on(day(6, 1), false));
        assert!(plan(SubscriptionStatus::Active).usable_on(day(12, 31), false));
        assert!(!plan(SubscriptionStatus::OnHold).usable_on(day(6, 1), true));
        assert!(!plan(SubscriptionStatus::PastDue).usable_on(day(6, 1), false));
        assert!(plan(SubscriptionStatus::PastDue).usable_on(day(6, 1), true));
        let before = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert!(!plan(SubscriptionStatus::Active).usable_on(before, false));
    }

    #[test]
    fn wellness_plans_cover_their_own_patient_only() {
        let p = plan(SubscriptionStatus::Active);
        assert!(p.applies_to(10));
        assert!(!p.applies_to(11));
        for s in SubscriptionStatus::ALL {
            assert_eq!(SubscriptionStatus::from_code(s.code()), Some(s));
        }
    }
}
