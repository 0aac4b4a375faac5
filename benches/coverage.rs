//! Counting-core benchmarks: coverage of a 50-line draft against five
//! subscriptions, and remaining from 10,000 ledger entries.

use std::hint::black_box;

use carecount::domain::{
    BenefitBalance, CoverageRules, CoverageSubscription, Covers, DraftLine, ItemRef, Limit, Money, Percent, PlanKind,
    Quantity, SubscriptionStatus, UnitSpec, cover, remaining,
};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn items() -> Vec<ItemRef> {
    (1..=20)
        .map(|id| ItemRef {
            id,
            code: format!("IT-{id}"),
            name: format!("Item {id}"),
            group_id: Some(id % 4),
            regular_price: Money(Decimal::new(1999 + id * 137, 2)),
            units: if id % 3 == 0 { UnitSpec::split("box", "tablet", 6) } else { UnitSpec::single("unit") },
        })
        .collect()
}

fn subscriptions() -> Vec<CoverageSubscription> {
    (1..=5)
        .map(|s| CoverageSubscription {
            id: s,
            plan_name: format!("Plan {s}"),
            kind: if s % 2 == 0 { PlanKind::Package } else { PlanKind::WellnessPlan },
            patient_id: if s % 2 == 0 { None } else { Some(1) },
            status: SubscriptionStatus::Active,
            starts_on: day(2026, 1, 1),
            ends_on: Some(day(2026, 12, 31) - chrono::Days::new(s as u64)),
            member_discount: Some(Percent::new(Decimal::TEN).expect("10%")),
            benefits: (1..=8)
                .map(|b| {
                    let item = (s * 3 + b) % 20 + 1;
                    BenefitBalance {
                        id: s * 100 + b,
                        label: format!("Benefit {b}"),
                        covers: if b % 4 == 0 { Covers::Group(b % 4) } else { Covers::Item(item) },
                        limit: if b == 8 { Limit::Unlimited } else { Limit::Counted(Quantity(12)) },
                        discount: Percent::new(Decimal::from(if b % 3 == 0 { 50 } else { 100 })).expect("percent"),
                        used: Quantity(3),
                    }
                })
                .collect(),
        })
        .collect()
}

fn draft(items: &[ItemRef]) -> Vec<DraftLine> {
    (0..50)
        .map(|n| DraftLine {
            patient_id: 1 + (n % 2),
            item: items[n as usize % items.len()].clone(),
            quantity: Quantity(if n % 11 == 10 { -1 } else { 1 + n % 4 }),
            promotion: None,
            manual_discount: None,
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let rules = CoverageRules { date: day(2026, 6, 15), minor_digits: 2, past_due_usable: false };
    let subs = subscriptions();
    let lines = draft(&items());
    c.bench_function("coverage: 50-line draft, 5 subscriptions", |b| {
        b.iter(|| cover(black_box(&rules), black_box(&subs), &[], black_box(&lines)))
    });
    let ledger: Vec<Quantity> = (0..10_000).map(|n| Quantity(if n % 7 == 0 { -1 } else { 1 })).collect();
    c.bench_function("remaining: 10,000 ledger entries", |b| {
        b.iter(|| remaining(black_box(Limit::Counted(Quantity(20_000))), black_box(ledger.iter().copied())))
    });
}

criterion_group!(counting, benches);
criterion_main!(counting);
