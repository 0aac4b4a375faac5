//! Property tests: the laws the counting core must keep for any draft.

use chrono::Datelike;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::fixtures::*;
use super::*;

fn arb_units() -> impl Strategy<Value = UnitSpec> {
    prop_oneof![Just(UnitSpec::single("dose")), (2u32..=12).prop_map(|n| UnitSpec::split("box", "tablet", n)),]
}

fn arb_items() -> impl Strategy<Value = Vec<ItemRef>> {
    prop::collection::vec((arb_units(), 0i64..50_000), 1..=4).prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (units, cents))| {
                let mut it = item(i as ItemId + 1, 0, units);
                it.regular_price = Money(Decimal::new(cents, 2));
                it
            })
            .collect()
    })
}

prop_compose! {
    fn arb_benefit(id: BenefitId)(item in 1i64..=4, patient in 1i64..=2, limit in prop::option::weighted(0.85, 0i64..12),
        discount in prop::sample::select(vec![0i64, 25, 50, 100]), used in 0i64..14) -> BenefitBalance {
        // Mostly within the limit; sometimes over it, as an import may leave it.
        let used = limit.map_or(used, |l| if used > l + 1 { used % (l + 1) } else { used });
        let _ = patient;
        benefit(id, item, limit, discount, used)
    }
}

fn arb_subs() -> impl Strategy<Value = Vec<CoverageSubscription>> {
    prop::collection::vec(
        (
            prop::option::of(1i64..=2),
            prop::option::of(0u32..300),
            prop::option::of(prop::sample::select(vec![5i64, 10])),
            prop::collection::vec(arb_benefit(0), 1..=3),
        ),
        0..=5,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(si, (patient, end_offset, member, benefits))| {
                let ends = end_offset.map(|d| day(2026, 6, 15) + chrono::Days::new(d as u64));
                let benefits = benefits
                    .into_iter()
                    .enumerate()
                    .map(|(bi, mut b)| {
                        b.id = (si * 10 + bi) as BenefitId;
                        b
                    })
                    .collect();
                let mut sub = plan(si as SubscriptionId + 1, patient, ends, benefits);
                sub.member_discount = member.map(pct);
                sub
            })
            .collect()
    })
}

fn arb_lines(items: Vec<ItemRef>) -> impl Strategy<Value = Vec<DraftLine>> {
    let n = items.len();
    prop::collection::vec((1i64..=2, 0..n, -6i64..16), 0..12).prop_map(move |raw| {
        raw.into_iter().filter(|(_, _, q)| *q != 0).map(|(patient, i, q)| line(patient, &items[i], q)).collect()
    })
}

fn arb_case() -> impl Strategy<Value = (Vec<CoverageSubscription>, Vec<DraftLine>)> {
    (arb_subs(), arb_items()).prop_flat_map(|(subs, items)| (Just(subs), arb_lines(items)))
}

fn drawn_from(coverage: &Coverage, sub: SubscriptionId, benefit: BenefitId) -> Quantity {
    coverage
        .lines
        .iter()
        .flat_map(|l| &l.allocations)
        .filter(|a| a.subscription_id == sub && a.benefit_id == benefit)
        .map(|a| a.quantity)
        .sum()
}

/// What a finalized draft leaves a correction to return: every line's
/// parts, line ids counting from 1.
fn parts_after(c: &Coverage, lines: &[DraftLine]) -> Vec<ReturnablePart> {
    c.lines
        .iter()
        .zip(lines)
        .enumerate()
        .flat_map(|(n, (lc, l))| parts_of(n as i64 + 1, l.patient_id, l.item.id, lc, 2))
        .collect()
}

/// The plans after a draft was posted.
fn posted_subs(subs: &[CoverageSubscription], c: &Coverage) -> Vec<CoverageSubscription> {
    subs.iter()
        .map(|s| {
            let mut s = s.clone();
            for b in &mut s.benefits {
                b.used = b.used + drawn_from(c, s.id, b.id);
            }
            s
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Every unit of a line is either covered once or charged as excess, and
    /// the tracker counts exactly what the lines drew: nothing twice.
    #[test]
    fn nothing_is_counted_twice((subs, lines) in arb_case()) {
        let c = cover(&rules(), &subs, &[], &lines);
        prop_assert_eq!(c.lines.len(), lines.len());
        for l in &c.lines {
            let allocated: Quantity = l.allocations.iter().map(|a| a.quantity).sum();
            prop_assert_eq!(allocated, l.covered);
            prop_assert_eq!(l.covered + l.excess, l.quantity);
            prop_assert!(l.covered.0 * l.quantity.0 >= 0, "a line never draws against its own sign");
        }
        for row in &c.tracker.rows {
            prop_assert_eq!(row.covered, drawn_from(&c, row.subscription_id, row.benefit_id));
        }
        let tracked: Quantity = c.tracker.rows.iter().map(|r| r.covered).sum();
        let covered: Quantity = c.lines.iter().map(|l| l.covered).sum();
        prop_assert_eq!(tracked, covered);
    }

    /// Coverage never takes a benefit below zero, nor below where an
    /// outside import had already left it.
    #[test]
    fn remaining_never_goes_below_zero_through_coverage((subs, lines) in arb_case()) {
        let c = cover(&rules(), &subs, &[], &lines);
        for sub in &subs {
            for b in &sub.benefits {
                if let (Remaining::Counted(before), Remaining::Counted(after)) =
                    (b.remaining(), remaining(b.limit, [b.used, drawn_from(&c, sub.id, b.id)]))
                {
                    prop_assert!(after.0 >= before.0.min(0), "{:?} went from {:?} to {:?}", b.label, before, after);
                }
            }
        }
    }

    /// Voiding appends the negation of every posted entry: each benefit's
    /// remaining is restored exactly.
    #[test]
    fn a_reversal_restores_exactly((subs, lines) in arb_case()) {
        let c = cover(&rules(), &subs, &[], &lines);
        for sub in &subs {
            for b in &sub.benefits {
                let posted: Vec<Quantity> = c.lines.iter().flat_map(|l| &l.allocations)
                    .filter(|a| a.subscription_id == sub.id && a.benefit_id == b.id)
                    .map(|a| a.quantity).collect();
                let reversals = posted.iter().map(|q| -*q);
                let ledger = std::iter::once(b.used).chain(posted.iter().copied()).chain(reversals);
                prop_assert_eq!(remaining(b.limit, ledger), b.remaining());
            }
        }
    }

    /// A correction that negates a whole finalized draft gives back exactly
    /// what the draft covered and credits exactly what it charged.
    #[test]
    fn a_correction_returns_what_the_draft_covered((subs, lines) in arb_case()) {
        let positive: Vec<DraftLine> = lines.into_iter().filter(|l| l.quantity.0 > 0).collect();
        let first = cover(&rules(), &subs, &[], &positive);
        let after = posted_subs(&subs, &first);
        let negated: Vec<DraftLine> = positive.iter().map(|l| DraftLine { quantity: -l.quantity, ..l.clone() }).collect();
        let second = cover(&rules(), &after, &parts_after(&first, &positive), &negated);
        prop_assert!(second.lines.iter().all(|l| l.problem.is_none()));
        for sub in &after {
            for b in &sub.benefits {
                let restored = remaining(b.limit, [b.used, drawn_from(&second, sub.id, b.id)]);
                let before = subs.iter().find(|s| s.id == sub.id).unwrap().benefits.iter().find(|x| x.id == b.id).unwrap();
                prop_assert_eq!(restored, before.remaining());
            }
        }
        let charged: Money = first.lines.iter().map(|l| l.net).sum();
        let credited: Money = second.lines.iter().map(|l| l.net).sum();
        prop_assert_eq!(charged + credited, Money::ZERO);
    }

    /// Whatever a correction asks, it never returns more than the corrected
    /// draft invoiced for a patient and item, never credits more than was
    /// charged, and never takes a plan below zero used.
    #[test]
    fn a_correction_never_gives_back_more_than_was_posted(
        (subs, lines) in arb_case(),
        asks in prop::collection::vec((1i64..=2, 0usize..4, -8i64..4), 0..10),
    ) {
        let positive: Vec<DraftLine> = lines.into_iter().filter(|l| l.quantity.0 > 0).collect();
        let first = cover(&rules(), &subs, &[], &positive);
        let after = posted_subs(&subs, &first);
        let items: Vec<ItemRef> = positive.iter().map(|l| l.item.clone()).collect();
        let correction: Vec<DraftLine> = asks.iter().filter(|a| a.2 != 0 && !items.is_empty())
            .map(|&(patient, i, q)| line(patient, &items[i % items.len()], q)).collect();
        let second = cover(&rules(), &after, &parts_after(&first, &positive), &correction);
        for (n, orig) in first.lines.iter().enumerate() {
            let credited: Money = second.lines.iter().flat_map(|l| &l.returns)
                .filter(|r| r.line_id == n as i64 + 1).map(|r| r.credit).sum();
            prop_assert!(credited <= orig.net, "line {} credited {:?} of {:?}", n + 1, credited, orig.net);
            let returned: Quantity = second.lines.iter().flat_map(|l| &l.returns)
                .filter(|r| r.line_id == n as i64 + 1).map(|r| r.quantity).sum();
            prop_assert!(returned <= orig.quantity);
        }
        for sub in &after {
            for b in &sub.benefits {
                let posted = drawn_from(&first, sub.id, b.id);
                let given_back = drawn_from(&second, sub.id, b.id);
                let returns: Quantity = second.lines.iter().filter(|l| l.quantity.is_negative())
                    .flat_map(|l| &l.allocations).filter(|a| a.subscription_id == sub.id && a.benefit_id == b.id)
                    .map(|a| a.quantity).sum();
                prop_assert!(-returns.0 <= posted.0, "gave back {:?} of {:?} posted", returns, posted);
                prop_assert!((b.used + given_back).0 >= 0);
            }
        }
        for l in &second.lines {
            prop_assert_eq!(l.net + l.discount, l.gross);
        }
    }

    /// Totals are sums of rounded lines; plan savings are the tracker's rows.
    #[test]
    fn the_trackers_totals_add_up((subs, lines) in arb_case()) {
        let c = cover(&rules(), &subs, &[], &lines);
        for l in &c.lines {
            prop_assert_eq!(l.net + l.discount, l.gross);
            prop_assert_eq!(l.gross.round(2), l.gross);
            if l.quantity.0 > 0 {
                prop_assert!(l.net.0 >= Decimal::ZERO && l.discount.0 >= Decimal::ZERO);
            }
        }
        let row_savings: Money = c.tracker.rows.iter().map(|r| r.savings).sum();
        let allocation_savings: Money = c.lines.iter().flat_map(|l| &l.allocations).map(|a| a.savings).sum();
        prop_assert_eq!(c.tracker.plan_savings, row_savings);
        prop_assert_eq!(row_savings, allocation_savings);
        let line_discounts: Money = c.lines.iter().map(|l| l.discount).sum();
        prop_assert_eq!(c.tracker.total_discount, line_discounts);
        prop_assert_eq!(c.tracker.total_discount, c.tracker.plan_savings + c.tracker.other_discounts);
    }

    /// Counting lines one at a time, each against the plans as the lines
    /// before it left them (as an import counts), covers them exactly as
    /// the desk covers them in one draft, sentences aside.
    #[test]
    fn counting_line_by_line_covers_as_the_draft_does((subs, lines) in arb_case()) {
        let lines: Vec<DraftLine> = lines.into_iter().filter(|l| !l.quantity.is_negative()).collect();
        let draft = cover(&rules(), &subs, &[], &lines);
        let mut posted = subs.clone();
        for (line, desk) in lines.iter().zip(draft.lines) {
            let counted = count_line(&rules(), &posted, line);
            prop_assert!(counted.explanation.is_empty());
            prop_assert_eq!(&counted, &LineCoverage { explanation: String::new(), ..desk });
            posted = posted_subs(&posted, &Coverage { lines: vec![counted], tracker: Default::default() });
        }
    }

    /// The order plans are listed in does not change who pays for what.
    #[test]
    fn plan_order_does_not_matter((subs, lines) in arb_case()) {
        let mut reversed = subs.clone();
        reversed.reverse();
        let a = cover(&rules(), &subs, &[], &lines);
        let b = cover(&rules(), &reversed, &[], &lines);
        prop_assert_eq!(a.lines, b.lines);
    }

    /// Parsing never panics, whatever is typed (however long a number),
    /// and what it accepts is within a line's limit.
    #[test]
    fn quantity_parse_never_panics_on_any_text(
        text in prop_oneof!["\\PC{0,48}", "[-+]?[0-9]{0,40}([.,][0-9]{0,40})?"],
        per_unit in prop_oneof![Just(u32::MAX), 0u32..=1000],
        negative in any::<bool>(),
    ) {
        let units = UnitSpec::split("box", "tablet", per_unit);
        for choice in [UnitChoice::Unit, UnitChoice::Subunit] {
            if let Ok(q) = Quantity::parse(&text, &units, choice, negative) {
                prop_assert!(q.0.abs() <= Quantity::MAX_LINE && q.0 != 0);
            }
        }
        let _ = Quantity::parse(&text, &UnitSpec::single("dose"), UnitChoice::Subunit, negative);
    }

    /// Typed quantities convert exactly: n tablets, or n/6 boxes, are n.
    #[test]
    fn unit_conversion_is_exact(n in 1i64..5_000, per in 1u32..=24) {
        let units = UnitSpec::split("box", "tablet", per);
        let as_tablets = Quantity::parse(&n.to_string(), &units, UnitChoice::Subunit, false).unwrap();
        prop_assert_eq!(as_tablets, Quantity(n));
        let boxes = units.in_unit(Quantity(n), UnitChoice::Unit);
        if boxes.normalize().scale() <= 3 {
            prop_assert_eq!(Quantity::parse(&boxes.to_string(), &units, UnitChoice::Unit, false), Ok(Quantity(n)));
        }
    }
}

proptest! {
    /// A plan year holds the day asked about: it starts on an anniversary
    /// on or before it, and the next anniversary comes after it.
    #[test]
    fn a_plan_year_contains_its_day(start_offset in 0i64..3000, days_on in 0i64..4000) {
        let base = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let start = base + chrono::Days::new(start_offset as u64);
        let on = start + chrono::Days::new(days_on as u64);
        let year = plan_year_start(start, on);
        prop_assert!(start <= year && year <= on);
        let years = (year.year() - start.year()) as u32;
        prop_assert_eq!(Some(year), start.checked_add_months(chrono::Months::new(12 * years)));
        let next = start.checked_add_months(chrono::Months::new(12 * (years + 1))).unwrap();
        prop_assert!(next > on);
    }
}
