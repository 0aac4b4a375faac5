//! Property tests: the laws a pack keeps for any size, dates and order of
//! uses, returns, bookings and releases.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::packs::{ENDS_SOON_DAYS, FEW_LEFT, PackBalance, PackState, PackWarning};
use super::quantity::Quantity;

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(n)
}

fn arb_pack() -> impl Strategy<Value = PackBalance> {
    (0i64..12, 0i64..14, 0i64..6, 0u64..30, proptest::option::of(0u64..60)).prop_map(
        |(size, used, held, start, length)| PackBalance {
            size: Quantity(size),
            used: Quantity(used.min(size)),
            held: Quantity(held.min(size - used.min(size))),
            starts_on: day(start),
            ends_on: length.map(|l| day(start + l)),
            authorisation: None,
        },
    )
}

/// What a desk or the schedule does to a pack.
#[derive(Clone, Debug)]
enum Step {
    Use(i64, u64),
    Book(i64, u64),
    CheckOut(i64, u64),
    Cancel(i64),
    Return(i64),
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..4, 0u64..90).prop_map(|(q, d)| Step::Use(q, d)),
        (1i64..3, 0u64..90).prop_map(|(q, d)| Step::Book(q, d)),
        (1i64..3, 0u64..90).prop_map(|(q, d)| Step::CheckOut(q, d)),
        (1i64..3).prop_map(Step::Cancel),
        (1i64..3).prop_map(Step::Return),
    ]
}

proptest! {
    /// Available, used and held add up to the size, and none is negative.
    #[test]
    fn used_held_and_available_add_up(pack in arb_pack()) {
        prop_assert!(pack.available().0 >= 0);
        prop_assert!(pack.left().0 >= 0);
        prop_assert_eq!(pack.available().0 + pack.used.0 + pack.held.0, pack.size.0);
    }

    /// Through any sequence of permitted steps the pack never goes past its
    /// size, and giving every use back restores what was used exactly.
    #[test]
    fn permitted_steps_never_go_past_the_size(start in arb_pack(), steps in prop::collection::vec(arb_step(), 0..30)) {
        let mut pack = start.clone();
        let mut uses: Vec<i64> = Vec::new();
        for step in steps {
            match step {
                Step::Use(q, d) => {
                    if pack.check_use(day(d), Quantity(q), Quantity(0)).is_ok() {
                        pack.used.0 += q;
                        uses.push(q);
                    }
                }
                Step::Book(q, d) => {
                    if pack.check_use(day(d), Quantity(q), Quantity(0)).is_ok() {
                        pack.held.0 += q;
                    }
                }
                Step::CheckOut(q, d) => {
                    let q = q.min(pack.held.0);
                    if q > 0 && pack.check_use(day(d), Quantity(q), Quantity(q)).is_ok() {
                        pack.held.0 -= q;
                        pack.used.0 += q;
                        uses.push(q);
                    }
                }
                Step::Cancel(q) => pack.held.0 -= q.min(pack.held.0),
                Step::Return(n) => {
                    for _ in 0..n {
                        if let Some(q) = uses.pop() {
                            pack.used.0 -= q;
                        }
                    }
                }
            }
            prop_assert!(pack.used.0 + pack.held.0 <= pack.size.0, "{pack:?}");
            prop_assert!(pack.held.0 >= 0 && pack.used.0 >= start.used.0);
            prop_assert_eq!(pack.available().0 + pack.used.0 + pack.held.0, pack.size.0);
        }
        pack.used.0 -= uses.iter().sum::<i64>();
        prop_assert_eq!(pack.used, start.used);
        prop_assert_eq!((pack.size, pack.starts_on, pack.ends_on), (start.size, start.starts_on, start.ends_on));
    }

    /// A booked session can always be checked out while the pack runs,
    /// even when every other unit is used or booked.
    #[test]
    fn a_held_session_can_be_checked_out(mut pack in arb_pack(), offset in 0u64..90, booked in 1i64..4) {
        pack.held = Quantity((pack.size.0 - pack.used.0).min(booked));
        prop_assume!(pack.held.0 > 0);
        let days = pack.ends_on.map_or(90, |end| (end - pack.starts_on).num_days() as u64 + 1);
        let on = pack.starts_on + Days::new(offset % days);
        prop_assert!(pack.check_use(on, pack.held, pack.held).is_ok());
        prop_assert!(pack.check_use(on, Quantity(pack.held.0 + pack.available().0 + 1), pack.held).is_err());
    }

    /// Pickers list a pack exactly when something of it is available today.
    #[test]
    fn open_means_available_today(pack in arb_pack(), d in 0u64..90) {
        let on = day(d);
        let open = pack.is_open(on);
        let in_dates = on >= pack.starts_on && pack.ends_on.is_none_or(|end| on <= end);
        prop_assert_eq!(open, in_dates && pack.available().0 > 0);
        if let PackState::Open(available) = pack.state(on) {
            prop_assert_eq!(available, pack.available());
        }
    }

    /// Staff are warned exactly when two or fewer remain, or the end is
    /// within fourteen days, of an open pack.
    #[test]
    fn warnings_say_what_is_true(pack in arb_pack(), d in 0u64..90) {
        let on = day(d);
        let warnings = pack.warnings(on);
        let few = warnings.iter().any(|w| matches!(w, PackWarning::FewLeft(_)));
        let soon = warnings.iter().any(|w| matches!(w, PackWarning::EndsSoon(_)));
        let open = pack.is_open(on);
        prop_assert_eq!(few, open && pack.available().0 <= FEW_LEFT);
        let ends_within = pack.ends_on.is_some_and(|end| (0..=ENDS_SOON_DAYS).contains(&(end - on).num_days()));
        prop_assert_eq!(soon, open && ends_within);
    }

    /// A manager's new balance is reached exactly by one entry, from any
    /// state, overused ones included.
    #[test]
    fn one_entry_leaves_exactly_what_is_asked(mut pack in arb_pack(), over in 0i64..4, left in 0i64..20) {
        pack.used.0 += over;
        let entry = pack.entry_to_leave(Quantity(left));
        pack.used.0 += entry.0;
        prop_assert_eq!(pack.left(), Quantity(left));
        prop_assert_eq!(pack.entry_to_leave(Quantity(left)), Quantity(0));
    }

    /// A manager's "number left" changes nothing when it is the number
    /// shown, an overused pack's 0 included; any other number is reached
    /// exactly by one entry.
    #[test]
    fn the_number_shown_sent_back_changes_nothing(mut pack in arb_pack(), over in 0i64..4, left in 0i64..20) {
        pack.used.0 += over;
        let shown = pack.left();
        prop_assert_eq!(pack.entry_for_left(shown), Quantity(0));
        let entry = pack.entry_for_left(Quantity(left));
        pack.used.0 += entry.0;
        if Quantity(left) != shown {
            prop_assert_eq!(pack.left(), Quantity(left));
        }
    }

    /// A renewing pack is followed exactly when it is used up or expired.
    #[test]
    fn a_successor_follows_use_up_or_expiry(pack in arb_pack(), d in 0u64..90) {
        let on = day(d);
        let expired = pack.ends_on.is_some_and(|end| on > end);
        prop_assert_eq!(pack.needs_successor(on), expired || pack.used.0 >= pack.size.0);
    }
}

#[test]
fn a_carried_over_pack_reads_as_staff_say_it() {
    let pack = PackBalance {
        size: Quantity(10),
        used: Quantity(3),
        held: Quantity(0),
        starts_on: day(0),
        ends_on: Some(day(40)),
        authorisation: None,
    };
    assert_eq!(pack.left_text("day"), "7 of 10 days left");
    assert_eq!(pack.out_of_text("day"), "7 out of 10 days left");
    assert_eq!(pack.state(day(41)), PackState::Expired);
    assert_eq!(pack.warnings(day(30)), vec![PackWarning::EndsSoon(10)]);
    let refusal = pack.check_use(day(41), Quantity(1), Quantity(0)).unwrap_err();
    assert_eq!(
        refusal.words("Daycare 10", "day", None),
        "Daycare 10 ended on 2026-02-10; a manager may override with a note."
    );
    let beyond = pack.check_use(day(5), Quantity(8), Quantity(0)).unwrap_err();
    assert_eq!(
        beyond.words("Daycare 10", "day", None),
        "Daycare 10 has 7 days available; 8 asked. A manager may override with a note."
    );
}

proptest! {
    /// A pack read off its subscription leaves what the coverage rules say
    /// its benefit has left (never below zero), so the desk's pack list and
    /// a line's badge always agree.
    #[test]
    fn a_pack_leaves_what_its_benefit_leaves(size in 0i64..20, used in -3i64..25, unlimited_too in any::<bool>()) {
        use super::benefit::{BenefitBalance, Covers, Limit};
        use super::money::Percent;
        use super::subscription::{CoverageSubscription, PlanKind, SubscriptionStatus};
        let counted = BenefitBalance {
            id: 1, label: "Days".into(), covers: Covers::Item(9), limit: Limit::Counted(Quantity(size)),
            discount: Percent::FULL, used: Quantity(used),
        };
        let mut benefits = vec![counted.clone()];
        if unlimited_too {
            benefits.push(BenefitBalance { id: 2, limit: Limit::Unlimited, ..counted.clone() });
        }
        let sub = CoverageSubscription {
            id: 4, plan_name: "Daycare".into(), kind: PlanKind::Package, patient_id: None,
            status: SubscriptionStatus::Active, starts_on: day(0), ends_on: None, member_discount: None, benefits,
        };
        let pack = super::pack_view::pack_of(&sub, Quantity(0), None).expect("one counted benefit");
        let left = counted.remaining().available().map(|q| q.0);
        prop_assert_eq!(Some(pack.left().0), left);
        let wellness = CoverageSubscription { kind: PlanKind::WellnessPlan, patient_id: Some(1), ..sub };
        prop_assert!(super::pack_view::pack_of(&wellness, Quantity(0), None).is_none(), "a wellness plan is no pack");
    }
}
