//! Small builders shared by the domain's example and property tests.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

pub fn rules() -> CoverageRules {
    CoverageRules { date: day(2026, 6, 15), minor_digits: 2, past_due_usable: false }
}

pub fn pct(n: i64) -> Percent {
    Percent::new(Decimal::from(n)).expect("valid test percent")
}

pub fn item(id: ItemId, price: i64, units: UnitSpec) -> ItemRef {
    ItemRef {
        id,
        code: format!("IT-{id}"),
        name: format!("Item {id}"),
        group_id: None,
        regular_price: Money(Decimal::from(price)),
        units,
    }
}

/// A benefit on `item` with `used` units counted so far.
pub fn benefit(id: BenefitId, item: ItemId, limit: Option<i64>, discount: i64, used: i64) -> BenefitBalance {
    BenefitBalance {
        id,
        label: format!("Benefit {id}"),
        covers: Covers::Item(item),
        limit: limit.map_or(Limit::Unlimited, |n| Limit::Counted(Quantity(n))),
        discount: pct(discount),
        used: Quantity(used),
    }
}

pub fn plan(
    id: SubscriptionId,
    patient: Option<PatientId>,
    ends: Option<NaiveDate>,
    benefits: Vec<BenefitBalance>,
) -> CoverageSubscription {
    CoverageSubscription {
        id,
        plan_name: format!("Plan {id}"),
        kind: if patient.is_some() { PlanKind::WellnessPlan } else { PlanKind::Package },
        patient_id: patient,
        status: SubscriptionStatus::Active,
        starts_on: day(2026, 1, 1),
        ends_on: ends,
        member_discount: None,
        benefits,
    }
}

pub fn line(patient: PatientId, item: &ItemRef, quantity: i64) -> DraftLine {
    DraftLine {
        patient_id: patient,
        item: item.clone(),
        quantity: Quantity(quantity),
        promotion: None,
        manual_discount: None,
    }
}

/// A use an earlier invoice line posted at 100 % off: what a correction of
/// that invoice may return.
pub fn posted(
    line_id: i64,
    patient: PatientId,
    item: &ItemRef,
    drawn_from: (SubscriptionId, BenefitId),
    quantity: i64,
) -> ReturnablePart {
    ReturnablePart {
        line_id,
        patient_id: patient,
        item_id: item.id,
        drawn_from: Some(drawn_from),
        quantity: Quantity(quantity),
        gross: Money(item.price_of(Quantity(quantity))),
        charged: Money::ZERO,
        held: Quantity(quantity),
        counts_now: true,
        moved: None,
    }
}
