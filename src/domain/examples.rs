//! The seed cases, written as a clinic would tell them.

use rust_decimal::Decimal;

use super::fixtures::*;
use super::*;

#[test]
fn two_vaccines_with_one_left_cover_one_and_charge_one() {
    let vaccine = item(1, 45, UnitSpec::single("unit"));
    let subs = [plan(1, Some(10), Some(day(2026, 12, 31)), vec![benefit(100, 1, Some(2), 100, 1)])];
    let result = cover(&rules(), &subs, &[], &[line(10, &vaccine, 2)]);
    let l = &result.lines[0];
    assert_eq!(l.covered, Quantity(1));
    assert_eq!(l.excess, Quantity(1));
    assert_eq!(l.gross, Money(Decimal::from(90)));
    assert_eq!(l.discount, Money(Decimal::from(45)));
    assert_eq!(l.net, Money(Decimal::from(45)));
    assert_eq!(
        l.explanation,
        "1 unit of this item is covered by your plan. Additional units are charged at regular price."
    );
    let row = &result.tracker.rows[0];
    assert_eq!((row.ordered, row.covered), (Quantity(2), Quantity(1)));
    assert_eq!(row.remaining_after, Remaining::Counted(Quantity(0)));
    assert_eq!(row.badge, BadgeState::UsedUp);
}

#[test]
fn one_box_deducts_six_tablets() {
    let tablets = item(2, 60, UnitSpec::split("box", "tablet", 6));
    let qty = Quantity::parse("1", &tablets.units, UnitChoice::Unit, false).unwrap();
    let subs = [plan(1, Some(10), None, vec![benefit(100, 2, Some(24), 100, 0)])];
    let mut l = line(10, &tablets, 0);
    l.quantity = qty;
    let result = cover(&rules(), &subs, &[], &[l]);
    assert_eq!(result.lines[0].covered, Quantity(6));
    assert_eq!(result.tracker.rows[0].remaining_after, Remaining::Counted(Quantity(18)));
    assert_eq!(result.tracker.plan_savings, Money(Decimal::from(60)));
    assert_eq!(
        left_text(Limit::Counted(Quantity(24)), Remaining::Counted(Quantity(18)), &tablets.units),
        "18 of 24 tablets left"
    );
}

#[test]
fn two_plans_covering_one_item_draw_the_better_discount_first() {
    let grooming = item(3, 40, UnitSpec::single("session"));
    let half_off_ends_late = plan(1, None, Some(day(2026, 12, 31)), vec![benefit(100, 3, Some(5), 50, 0)]);
    let included_ends_late = plan(2, None, Some(day(2026, 12, 31)), vec![benefit(200, 3, Some(1), 100, 0)]);
    let included_ends_soon = plan(3, None, Some(day(2026, 7, 1)), vec![benefit(300, 3, Some(1), 100, 0)]);
    let subs = [half_off_ends_late, included_ends_late, included_ends_soon];
    let result = cover(&rules(), &subs, &[], &[line(10, &grooming, 3)]);
    let drawn: Vec<(SubscriptionId, i64)> =
        result.lines[0].allocations.iter().map(|a| (a.subscription_id, a.quantity.0)).collect();
    assert_eq!(drawn, vec![(3, 1), (2, 1), (1, 1)]);
    assert_eq!(result.lines[0].discount, Money(Decimal::from(100)));
}

#[test]
fn excess_gets_the_single_best_other_discount() {
    let exam = item(4, 50, UnitSpec::single("exam"));
    let mut sub = plan(1, Some(10), None, vec![benefit(100, 4, Some(1), 100, 1)]);
    sub.member_discount = Some(pct(10));
    let mut l = line(10, &exam, 1);
    l.manual_discount = Some(pct(5));
    let result = cover(&rules(), &[sub.clone()], &[], std::slice::from_ref(&l));
    let first = &result.lines[0];
    assert_eq!(first.excess_discount.map(|d| d.source), Some(DiscountSource::Member));
    assert_eq!(first.net, Money(Decimal::from(45)));
    assert_eq!(first.explanation, "Your plan has none of this item left this term; your 10% member discount applies.");
    l.promotion = Some(pct(20));
    let result = cover(&rules(), &[sub], &[], &[l]);
    assert_eq!(result.lines[0].net, Money(Decimal::from(40)));
    assert_eq!(result.tracker.other_discounts, Money(Decimal::from(10)));
}

#[test]
fn petly_correction_nets_to_one_use() {
    let dental = item(5, 120, UnitSpec::single("cleaning"));
    let subs = [plan(1, Some(10), None, vec![benefit(100, 5, Some(1), 100, 1)])];
    // Invoice 1 already used the cleaning under the wrong provider; the
    // correction invoice returns it and books it again.
    let returnable = [posted(1, 10, &dental, (1, 100), 1)];
    let result = cover(&rules(), &subs, &returnable, &[line(10, &dental, -1), line(10, &dental, 1)]);
    assert_eq!(result.lines[0].covered, Quantity(-1));
    assert_eq!(result.lines[1].covered, Quantity(1));
    let net_use: i64 = 1 + result.lines.iter().map(|l| l.covered.0).sum::<i64>();
    assert_eq!(net_use, 1);
    assert_eq!(result.lines[0].net, Money::ZERO);
    assert_eq!(result.lines[0].explanation, "1 cleaning returned to your plan and available again.");
}

#[test]
fn correction_for_the_wrong_pet_moves_the_usage() {
    let exam = item(6, 50, UnitSpec::single("exam"));
    let rex = plan(1, Some(10), None, vec![benefit(100, 6, Some(2), 100, 1)]);
    let bella = plan(2, Some(11), None, vec![benefit(200, 6, Some(2), 100, 0)]);
    let returnable = [posted(1, 10, &exam, (1, 100), 1)];
    let result = cover(&rules(), &[rex, bella], &returnable, &[line(10, &exam, -1), line(11, &exam, 1)]);
    let rows: Vec<(SubscriptionId, Remaining)> =
        result.tracker.rows.iter().map(|r| (r.subscription_id, r.remaining_after)).collect();
    assert_eq!(rows, vec![(1, Remaining::Counted(Quantity(2))), (2, Remaining::Counted(Quantity(1)))]);
}

#[test]
fn plans_on_hold_or_for_another_pet_cover_nothing() {
    let exam = item(7, 50, UnitSpec::single("exam"));
    let mut held = plan(1, Some(10), None, vec![benefit(100, 7, Some(2), 100, 0)]);
    held.status = SubscriptionStatus::OnHold;
    let other_pet = plan(2, Some(11), None, vec![benefit(200, 7, Some(2), 100, 0)]);
    let result = cover(&rules(), &[held, other_pet], &[], &[line(10, &exam, 1)]);
    assert_eq!(result.lines[0].covered, Quantity(0));
    assert!(!result.lines[0].plan_applies);
    assert_eq!(result.lines[0].explanation, "");
    assert!(result.tracker.rows.is_empty());
}

#[test]
fn drawing_the_last_unit_turns_the_badge_amber() {
    let exam = item(8, 50, UnitSpec::single("exam"));
    let subs = [plan(1, Some(10), None, vec![benefit(100, 8, Some(2), 100, 1)])];
    let result = cover(&rules(), &subs, &[], &[line(10, &exam, 1)]);
    assert_eq!(result.tracker.rows[0].badge, BadgeState::LastOne);
}

#[test]
fn a_line_beyond_the_limit_is_over_usage_and_one_within_it_is_not() {
    let vaccine = item(1, 45, UnitSpec::single("unit"));
    let subs = [plan(1, Some(10), Some(day(2026, 12, 31)), vec![benefit(100, 1, Some(2), 100, 1)])];
    let within = cover(&rules(), &subs, &[], &[line(10, &vaccine, 1)]);
    assert!(within.over_limit().is_empty());
    let beyond = cover(&rules(), &subs, &[], &[line(10, &vaccine, 1), line(10, &vaccine, 3)]);
    assert_eq!(beyond.over_limit(), vec![(1, Quantity(3))]);
    let no_plan_item = item(9, 20, UnitSpec::single("unit"));
    assert!(cover(&rules(), &subs, &[], &[line(10, &no_plan_item, 4)]).over_limit().is_empty());
}
