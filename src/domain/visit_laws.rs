//! Property tests: the laws of sessions booked on the schedule, for any
//! order of bookings, check-outs, cancellations, no-shows and walk-ins.
//!
//! A small model keeps each visit's status; the pack's `held` is always
//! derived from it, as the store derives it from the appointments table.

use proptest::prelude::*;

use super::fixtures::{benefit, item, line, plan, rules};
use super::pack_view::{pack_of, reserve_held};
use super::packs::PackBalance;
use super::quantity::{Quantity, UnitSpec};
use super::subscription::SubscriptionStatus;
use super::visits::{
    NoShowOutcome, NoShowRule, VisitAction, VisitKind, VisitStatus, next_visit_status, no_show_outcome,
};
use super::{CoverageSubscription, cover};

const SESSION: i64 = 7;

#[derive(Clone, Debug)]
enum Step {
    Book,
    /// Visits at even positions are appointments, odd ones daycare days.
    Act(usize, VisitAction),
    /// A walk-in at the desk asks for this many sessions.
    WalkIn(i64),
    /// The draft holding checked-out visits is finalized: their sessions
    /// are drawn.
    FinalizeDraft,
}

fn arb_step() -> impl Strategy<Value = Step> {
    let action = prop_oneof![
        Just(VisitAction::Move),
        Just(VisitAction::Cancel),
        Just(VisitAction::NoShow),
        Just(VisitAction::CheckIn),
        Just(VisitAction::CheckOut),
    ];
    prop_oneof![
        Just(Step::Book),
        (0usize..8, action).prop_map(|(i, a)| Step::Act(i, a)),
        (1i64..3).prop_map(Step::WalkIn),
        Just(Step::FinalizeDraft),
    ]
}

struct Model {
    size: i64,
    /// Sessions drawn by finalized invoices and drawing no-shows.
    used: i64,
    visits: Vec<VisitStatus>,
    /// Checked-out visits whose draft is not finalized yet.
    on_draft: i64,
}

impl Model {
    fn held(&self) -> i64 {
        self.visits.iter().filter(|s| s.holds()).count() as i64 + self.on_draft
    }

    fn sub(&self) -> CoverageSubscription {
        plan(1, None, None, vec![benefit(1, SESSION, Some(self.size), 100, self.used)])
    }

    fn pack(&self) -> PackBalance {
        pack_of(&self.sub(), Quantity(self.held()), None).expect("a session pack")
    }
}

proptest! {
    /// Through any order of steps: allocated + used + available = size,
    /// nothing is negative, nothing is drawn beyond the size, a walk-in
    /// never takes a booked session, and releasing restores exactly.
    #[test]
    fn booked_sessions_are_held_until_drawn_or_released(
        size in 0i64..8,
        rule in prop_oneof![Just(NoShowRule::Draw), Just(NoShowRule::Release)],
        steps in prop::collection::vec(arb_step(), 0..40),
    ) {
        let session = item(SESSION, 40, UnitSpec::single("session"));
        let on = rules().date;
        let mut model = Model { size, used: 0, visits: Vec::new(), on_draft: 0 };
        for step in steps {
            let before = model.pack();
            match step {
                Step::Book => {
                    if before.check_use(on, Quantity(1), Quantity(0)).is_ok() {
                        model.visits.push(VisitStatus::Booked);
                    }
                }
                Step::Act(i, action) => {
                    let Some(status) = model.visits.get(i).copied() else { continue };
                    let kind = if i % 2 == 0 { VisitKind::Appointment } else { VisitKind::Daycare };
                    let Ok(next) = next_visit_status(kind, status, action) else { continue };
                    model.visits[i] = next;
                    match (next, rule) {
                        (VisitStatus::CheckedOut, _) => model.on_draft += 1,
                        (VisitStatus::NoShow, NoShowRule::Draw) => {
                            let left = size - model.used;
                            prop_assert_eq!(no_show_outcome(rule, SubscriptionStatus::Active, left), NoShowOutcome::Used);
                            model.used += 1;
                        }
                        (VisitStatus::Cancelled | VisitStatus::NoShow, _) => {
                            let after = model.pack();
                            prop_assert_eq!(after.available().0, before.available().0 + 1, "a release gives one back");
                        }
                        _ => {}
                    }
                }
                Step::WalkIn(asked) => {
                    // What the desk's coverage gives a walk-in, with every
                    // hold reserved.
                    let counted = reserve_held(&model.sub(), Quantity(model.held()));
                    let coverage = cover(&rules(), &[counted], &[], &[line(1, &session, asked)]);
                    let covered = coverage.lines[0].covered.0;
                    prop_assert!(covered <= before.available().0, "walk-in took a held session: {covered} of {before:?}");
                    model.used += covered;
                }
                Step::FinalizeDraft => {
                    model.used += model.on_draft;
                    model.on_draft = 0;
                }
            }
            let pack = model.pack();
            prop_assert!(pack.available().0 >= 0 && pack.held.0 >= 0);
            prop_assert!(model.used + model.held() <= size, "drawn or held beyond the size: {pack:?}");
            prop_assert_eq!(pack.held.0 + pack.used.0 + pack.available().0, pack.size.0);
        }
    }

    /// A no-show uses a session only under the draw rule, only from a
    /// running pack, and only one it still has: what is left never goes
    /// below zero through a no-show, and a pack that stopped since the
    /// booking gives nothing.
    #[test]
    fn a_no_show_uses_only_a_session_a_running_pack_has(
        rule in prop_oneof![Just(NoShowRule::Draw), Just(NoShowRule::Release)],
        status in prop_oneof![
            Just(SubscriptionStatus::Pending),
            Just(SubscriptionStatus::Active),
            Just(SubscriptionStatus::OnHold),
            Just(SubscriptionStatus::PastDue),
            Just(SubscriptionStatus::Expired),
            Just(SubscriptionStatus::Cancelled),
        ],
        left in -3i64..5,
    ) {
        let outcome = no_show_outcome(rule, status, left);
        let taken = i64::from(outcome == NoShowOutcome::Used);
        prop_assert!(left - taken >= 0 || taken == 0, "a no-show took the pack below zero: {left} left");
        if rule == NoShowRule::Release {
            prop_assert_eq!(outcome, NoShowOutcome::Released);
        }
        let running = matches!(status, SubscriptionStatus::Active | SubscriptionStatus::PastDue);
        if rule == NoShowRule::Draw {
            prop_assert_eq!(outcome == NoShowOutcome::Used, running && left > 0);
        }
    }

    /// A visit is billed at most once: after a check-out no action draws
    /// or bills it again.
    #[test]
    fn a_visit_is_checked_out_once(daycare in any::<bool>(), actions in prop::collection::vec(0usize..5, 0..12)) {
        let kind = if daycare { VisitKind::Daycare } else { VisitKind::Appointment };
        let all = [VisitAction::Move, VisitAction::Cancel, VisitAction::NoShow, VisitAction::CheckIn, VisitAction::CheckOut];
        let mut status = VisitStatus::Booked;
        let mut check_outs = 0;
        for a in actions {
            if let Ok(next) = next_visit_status(kind, status, all[a]) {
                if next == VisitStatus::CheckedOut {
                    check_outs += 1;
                }
                status = next;
            }
        }
        prop_assert!(check_outs <= 1);
        if !status.holds() {
            for a in all {
                prop_assert!(next_visit_status(kind, status, a).is_err(), "{status:?} took {a:?}");
            }
        }
    }
}

#[test]
fn reserving_nothing_changes_nothing_and_a_wellness_plan_is_never_reserved() {
    let pack = plan(1, None, None, vec![benefit(1, SESSION, Some(5), 100, 2)]);
    assert_eq!(reserve_held(&pack, Quantity(0)), pack);
    assert_eq!(reserve_held(&pack, Quantity(2)).benefits[0].used, Quantity(4));
    let wellness = plan(2, Some(1), None, vec![benefit(2, SESSION, Some(5), 100, 2)]);
    assert_eq!(reserve_held(&wellness, Quantity(3)), wellness);
}
