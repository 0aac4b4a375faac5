//! A plan's life: the one function every status change goes through.
//!
//! The store reads a plan's [`PlanState`], asks [`transition`] what a step
//! makes of it, and writes back exactly what comes out; a refusal is a
//! sentence for the person who asked, and nothing is written.

use serde::{Deserialize, Serialize};

use super::subscription::SubscriptionStatus::{self, *};

/// A step (an event) in a plan's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    /// A payment came in. The first starts a pending plan; paying while no
    /// failed instalment is left (`overdue_left` false) brings a past-due
    /// plan back. Money owed on an ended plan changes nothing.
    Paid {
        /// Failed instalments are still unpaid after this one.
        overdue_left: bool,
    },
    /// A payment is late beyond the grace period.
    MarkPastDue,
    /// Staff pause the plan; benefits are not usable while on hold.
    Hold,
    /// Staff end a hold: the plan goes back to where it was.
    Resume,
    /// The term ended.
    Expire,
    /// Ended early, with a settlement.
    Cancel,
    /// The patient died: the plan holds until what is left moves to another
    /// pet or the plan is cancelled.
    Death,
    /// What was left moved to another pet: this plan closes and the new
    /// one starts where this one was before the death.
    Transfer,
    /// A next term is sold, linked to this one; this plan stays as it is.
    Renew,
}

/// What a hold remembers so that it can be undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hold {
    /// The status when the hold began (pending, active or past due).
    pub before: SubscriptionStatus,
    /// The hold is because the patient died: it is never resumed.
    pub for_death: bool,
}

/// A plan's status, and while it is on hold what the hold remembers.
/// The fields stay private so that only consistent states exist: a hold
/// exactly when the status is on hold, held from a status a hold may begin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlanState {
    status: SubscriptionStatus,
    hold: Option<Hold>,
}

impl PlanState {
    /// A plan that is not on hold; `None` for [`OnHold`], which needs a [`Hold`].
    pub fn new(status: SubscriptionStatus) -> Option<PlanState> {
        (status != OnHold).then_some(PlanState { status, hold: None })
    }

    /// A plan on hold from `before`; `None` when a hold cannot begin there.
    pub fn held(before: SubscriptionStatus, for_death: bool) -> Option<PlanState> {
        HOLDS_FROM.contains(&before).then_some(PlanState { status: OnHold, hold: Some(Hold { before, for_death }) })
    }

    /// Reads the stored columns; `None` when they contradict each other.
    pub fn stored(
        status: SubscriptionStatus,
        hold_before: Option<SubscriptionStatus>,
        held_for_death: bool,
    ) -> Option<PlanState> {
        match (status, hold_before) {
            (OnHold, Some(before)) => PlanState::held(before, held_for_death),
            (_, None) if !held_for_death => PlanState::new(status),
            _ => None,
        }
    }

    /// The status.
    pub fn status(self) -> SubscriptionStatus {
        self.status
    }

    /// What the hold remembers, while on hold.
    pub fn hold(self) -> Option<Hold> {
        self.hold
    }

    /// True while held because the patient died.
    pub fn held_for_death(self) -> bool {
        self.hold.is_some_and(|h| h.for_death)
    }

    fn with_status(status: SubscriptionStatus) -> PlanState {
        PlanState { status, hold: None }
    }
}

/// Statuses a hold may begin from, by staff or by a death.
const HOLDS_FROM: [SubscriptionStatus; 3] = [Pending, Active, PastDue];

/// What a step leaves: the plan's new state, and the state of a plan the
/// step creates (a transfer's new plan for another pet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Change {
    /// The plan's state after the step.
    pub state: PlanState,
    /// The state a plan created by the step starts in.
    pub created: Option<PlanState>,
}

/// The state after `step`, or why it cannot be taken, in words.
pub fn transition(from: PlanState, step: Step) -> Result<Change, String> {
    let to = |state| Ok(Change { state, created: None });
    let refuse =
        |what: &str| Err(format!("A plan that is {} cannot be {what}.", from.status.label().to_ascii_lowercase()));
    let died = |what: &str| {
        Err(format!(
            "This plan is on hold because its patient died, so it cannot be {what}; \
             its benefits can move to another pet of the household instead."
        ))
    };
    match (step, from.status, from.hold) {
        (Step::Paid { .. }, Pending, _) => to(PlanState::with_status(Active)),
        (Step::Paid { overdue_left: false }, PastDue, _) => to(PlanState::with_status(Active)),
        // Paid while held: the hold remembers the plan as it now stands.
        (Step::Paid { overdue_left }, OnHold, Some(hold)) => {
            let before = transition(PlanState::with_status(hold.before), Step::Paid { overdue_left })?.state.status;
            to(PlanState { status: OnHold, hold: Some(Hold { before, ..hold }) })
        }
        (Step::Paid { .. }, _, _) => to(from),
        (Step::MarkPastDue, Active, _) => to(PlanState::with_status(PastDue)),
        (Step::MarkPastDue, _, _) => refuse("marked past due"),
        (Step::Hold, status, _) if HOLDS_FROM.contains(&status) => {
            to(PlanState { status: OnHold, hold: Some(Hold { before: status, for_death: false }) })
        }
        (Step::Hold, _, _) => refuse("put on hold"),
        (Step::Resume, OnHold, Some(Hold { for_death: true, .. })) => died("resumed"),
        (Step::Resume, OnHold, Some(hold)) => to(PlanState::with_status(hold.before)),
        (Step::Resume, _, _) => refuse("resumed"),
        (Step::Expire, Active | PastDue, _) => to(PlanState::with_status(Expired)),
        (Step::Expire, OnHold, _) => {
            Err("A plan on hold does not expire; resuming it extends its term by the days held.".into())
        }
        (Step::Expire, _, _) => refuse("expired"),
        (Step::Cancel, Pending | Active | OnHold | PastDue, _) => to(PlanState::with_status(Cancelled)),
        (Step::Cancel, _, _) => refuse("cancelled"),
        (Step::Death, status, _) if HOLDS_FROM.contains(&status) => {
            to(PlanState { status: OnHold, hold: Some(Hold { before: status, for_death: true }) })
        }
        (Step::Death, OnHold, Some(Hold { for_death: true, .. })) => {
            Err("This plan is already on hold because its patient died.".into())
        }
        // A plan paused by staff stays paused, now for good.
        (Step::Death, OnHold, Some(hold)) => {
            to(PlanState { status: OnHold, hold: Some(Hold { for_death: true, ..hold }) })
        }
        (Step::Death, _, _) => refuse("held for a death"),
        (Step::Transfer, OnHold, Some(hold @ Hold { for_death: true, .. })) => {
            Ok(Change { state: PlanState::with_status(Cancelled), created: Some(PlanState::with_status(hold.before)) })
        }
        (Step::Transfer, _, _) => Err("Only a plan on hold after its patient died can move to another pet.".into()),
        (Step::Renew, OnHold, Some(Hold { for_death: true, .. })) => died("renewed"),
        (Step::Renew, Active | PastDue | Expired | OnHold, _) => to(from),
        (Step::Renew, _, _) => refuse("renewed; sell a new plan instead"),
    }
}

/// The status after `step` for a caller that knows only the status (a
/// quote before cancelling). A plan on hold is taken as paused by staff
/// from active; anything that writes a status uses [`transition`].
pub fn next_status(from: SubscriptionStatus, step: Step) -> Result<SubscriptionStatus, String> {
    let staff_hold = PlanState { status: OnHold, hold: Some(Hold { before: Active, for_death: false }) };
    let state = PlanState::new(from).unwrap_or(staff_hold);
    transition(state, step).map(|o| o.state.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(status: SubscriptionStatus) -> PlanState {
        PlanState::new(status).unwrap()
    }

    fn after(from: PlanState, step: Step) -> PlanState {
        transition(from, step).unwrap().state
    }

    #[test]
    fn payments_start_a_plan_and_bring_a_past_due_one_back() {
        assert_eq!(after(at(Pending), Step::Paid { overdue_left: false }), at(Active));
        assert_eq!(after(at(PastDue), Step::Paid { overdue_left: false }), at(Active));
        assert_eq!(after(at(PastDue), Step::Paid { overdue_left: true }), at(PastDue));
        assert_eq!(after(at(Expired), Step::Paid { overdue_left: false }), at(Expired));
        let held = PlanState::held(Pending, true).unwrap();
        assert_eq!(after(held, Step::Paid { overdue_left: false }), PlanState::held(Active, true).unwrap());
    }

    #[test]
    fn resume_returns_to_the_status_held_from() {
        for from in [Pending, Active, PastDue] {
            assert_eq!(after(after(at(from), Step::Hold), Step::Resume), at(from));
        }
        assert_eq!(after(at(Active), Step::Hold), PlanState::held(Active, false).unwrap());
    }

    #[test]
    fn a_plan_held_for_a_death_is_not_resumed_but_moves() {
        let held = after(at(Pending), Step::Death);
        assert!(held.held_for_death());
        assert_eq!(
            transition(held, Step::Resume).unwrap_err(),
            "This plan is on hold because its patient died, so it cannot be resumed; \
             its benefits can move to another pet of the household instead."
        );
        let moved = transition(held, Step::Transfer).unwrap();
        assert_eq!(moved.state, at(Cancelled));
        assert_eq!(moved.created, Some(at(Pending)), "the new plan starts as the old one was");
        // A staff hold becomes a death hold and keeps what it remembers.
        let paused = after(at(PastDue), Step::Hold);
        assert_eq!(after(paused, Step::Death), PlanState::held(PastDue, true).unwrap());
        assert_eq!(
            transition(paused, Step::Transfer).unwrap_err(),
            "Only a plan on hold after its patient died can move to another pet."
        );
    }

    #[test]
    fn forbidden_steps_say_why() {
        assert_eq!(next_status(Expired, Step::Cancel), Err("A plan that is expired cannot be cancelled.".into()));
        assert_eq!(
            next_status(Cancelled, Step::Renew),
            Err("A plan that is cancelled cannot be renewed; sell a new plan instead.".into())
        );
        assert_eq!(next_status(Active, Step::Resume), Err("A plan that is active cannot be resumed.".into()));
        assert_eq!(next_status(OnHold, Step::Resume), Ok(Active));
        assert!(transition(PlanState::held(Active, false).unwrap(), Step::Expire).is_err());
        assert!(transition(PlanState::held(Active, true).unwrap(), Step::Renew).is_err());
    }

    #[test]
    fn stored_columns_must_agree() {
        assert_eq!(PlanState::stored(OnHold, Some(PastDue), false), PlanState::held(PastDue, false));
        assert_eq!(PlanState::stored(Active, None, false), Some(at(Active)));
        assert_eq!(PlanState::stored(OnHold, None, false), None);
        assert_eq!(PlanState::stored(Active, Some(Active), false), None);
        assert_eq!(PlanState::stored(Active, None, true), None);
        assert_eq!(PlanState::stored(OnHold, Some(Expired), false), None);
    }
}
