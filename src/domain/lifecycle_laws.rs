//! Property tests: the laws a plan's lifecycle keeps for any state and any
//! sequence of steps.

use proptest::prelude::*;

use super::SubscriptionStatus::{self, *};
use super::lifecycle::{PlanState, Step, transition};

fn arb_state() -> impl Strategy<Value = PlanState> {
    prop_oneof![
        prop::sample::select(vec![Pending, Active, PastDue, Expired, Cancelled])
            .prop_map(|s| PlanState::new(s).unwrap()),
        (prop::sample::select(vec![Pending, Active, PastDue]), any::<bool>())
            .prop_map(|(before, died)| PlanState::held(before, died).unwrap()),
    ]
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<bool>().prop_map(|overdue_left| Step::Paid { overdue_left }),
        Just(Step::MarkPastDue),
        Just(Step::Hold),
        Just(Step::Resume),
        Just(Step::Expire),
        Just(Step::Cancel),
        Just(Step::Death),
        Just(Step::Transfer),
        Just(Step::Renew),
    ]
}

/// What the store keeps after a step: what the step returns, or on a
/// refusal the state as it was.
fn kept(state: PlanState, step: Step) -> PlanState {
    transition(state, step).map_or(state, |o| o.state)
}

fn storable(state: PlanState) -> bool {
    let hold = state.hold();
    PlanState::stored(state.status(), hold.map(|h| h.before), state.held_for_death()) == Some(state)
}

proptest! {
    /// Hold then resume brings back the very state held from: a past-due
    /// plan is past due again, a pending one pending, never straight active.
    #[test]
    fn hold_then_resume_restores_the_status_held_from(state in arb_state()) {
        if let Ok(held) = transition(state, Step::Hold) {
            prop_assert_eq!(held.state.status(), OnHold);
            prop_assert_eq!(transition(held.state, Step::Resume).map(|o| o.state), Ok(state));
        }
    }

    /// Resume returns to what the hold remembers, and only a staff hold resumes.
    #[test]
    fn resume_goes_back_to_where_the_hold_began(state in arb_state()) {
        match (state.hold(), transition(state, Step::Resume)) {
            (Some(hold), Ok(o)) => {
                prop_assert!(!hold.for_death);
                prop_assert_eq!(o.state.status(), hold.before);
            }
            (Some(hold), Err(why)) => {
                prop_assert!(hold.for_death);
                prop_assert!(why.contains("move to another pet"), "{}", why);
            }
            (None, result) => prop_assert!(result.is_err()),
        }
    }

    /// A death then a transfer starts the new plan as the old one was.
    #[test]
    fn a_transfer_after_a_death_keeps_the_status_before_it(state in arb_state()) {
        if let Ok(held) = transition(state, Step::Death) {
            let moved = transition(held.state, Step::Transfer).unwrap();
            prop_assert_eq!(moved.state.status(), Cancelled);
            let before = state.hold().map_or(state.status(), |h| h.before);
            prop_assert_eq!(moved.created.map(|c| c.status()), Some(before));
        }
    }

    /// Expired and cancelled are final: every step is refused or leaves
    /// them exactly as they are, and creates nothing.
    #[test]
    fn no_step_leaves_an_ended_plan(ended in prop::sample::select(vec![Expired, Cancelled]), step in arb_step()) {
        let state = PlanState::new(ended).unwrap();
        if let Ok(o) = transition(state, step) {
            prop_assert_eq!(o.state, state);
            prop_assert_eq!(o.created, None);
        }
    }

    /// A plan held for a death stays so until it moves or is cancelled.
    #[test]
    fn a_death_hold_ends_only_by_transfer_or_cancel(before in prop::sample::select(vec![Pending, Active, PastDue]), step in arb_step()) {
        let state = PlanState::held(before, true).unwrap();
        if let Ok(o) = transition(state, step) {
            if matches!(step, Step::Transfer | Step::Cancel) {
                prop_assert_eq!(o.state.status(), Cancelled);
            } else {
                prop_assert!(o.state.held_for_death(), "{:?} left the death hold", step);
            }
        }
    }

    /// Along any sequence of steps, a refused step keeps the state as it
    /// was and says why in a sentence; every state reached can be stored
    /// and read back; only a transfer creates a plan.
    #[test]
    fn every_refused_step_leaves_the_state_unchanged(start in arb_state(), steps in prop::collection::vec(arb_step(), 0..24)) {
        let mut state = start;
        prop_assert!(storable(state));
        for step in steps {
            match transition(state, step) {
                Ok(o) => {
                    prop_assert!(o.created.is_none() || step == Step::Transfer);
                    state = o.state;
                }
                Err(why) => {
                    prop_assert!(why.len() > 10 && why.ends_with('.'), "{}", why);
                    prop_assert_eq!(transition(state, step), Err(why), "refused the same way again");
                    prop_assert_eq!(kept(state, step), state);
                }
            }
            prop_assert!(storable(state), "{:?}", state);
            prop_assert_eq!(state.hold().is_some(), state.status() == OnHold);
        }
    }

    /// Renewing never changes the renewed plan; the running statuses are
    /// exactly those a plan can still be cancelled from.
    #[test]
    fn renewing_changes_nothing_and_running_means_cancellable(state in arb_state()) {
        if let Ok(o) = transition(state, Step::Renew) {
            prop_assert_eq!(o.state, state);
        }
        let status: SubscriptionStatus = state.status();
        prop_assert_eq!(status.is_running(), transition(state, Step::Cancel).is_ok());
    }
}
