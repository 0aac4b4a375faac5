//! Which lifecycle steps a subscription may take from where it is.

use serde::{Deserialize, Serialize};

use super::subscription::SubscriptionStatus::{self, *};

/// A step in a subscription's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    /// First payment in: pending becomes active.
    Activate,
    /// Pause; benefits are not usable while on hold.
    Hold,
    /// Back from a hold.
    Resume,
    /// A payment failed beyond the grace period.
    MarkPastDue,
    /// The term ended.
    Expire,
    /// Ended early, with a settlement.
    Cancel,
    /// A next term is sold, linked to this one.
    Renew,
}

/// The status after `step`, or why it cannot be taken. Renewing leaves the
/// renewed plan's status as it is (the new term is a new subscription).
pub fn next_status(from: SubscriptionStatus, step: Step) -> Result<SubscriptionStatus, String> {
    let refuse = |what: &str| Err(format!("A plan that is {} cannot be {what}.", from.label().to_lowercase()));
    match (step, from) {
        (Step::Activate, Pending) => Ok(Active),
        (Step::Activate, _) => refuse("activated"),
        (Step::Hold, Active | PastDue) => Ok(OnHold),
        (Step::Hold, _) => refuse("put on hold"),
        (Step::Resume, OnHold) => Ok(Active),
        (Step::Resume, _) => refuse("resumed"),
        (Step::MarkPastDue, Active) => Ok(PastDue),
        (Step::MarkPastDue, _) => refuse("marked past due"),
        (Step::Expire, Active | PastDue | OnHold) => Ok(Expired),
        (Step::Expire, _) => refuse("expired"),
        (Step::Cancel, Pending | Active | OnHold | PastDue) => Ok(Cancelled),
        (Step::Cancel, _) => refuse("cancelled"),
        (Step::Renew, Active | PastDue | Expired | OnHold) => Ok(from),
        (Step::Renew, _) => refuse("renewed; sell a new plan instead"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_steps_move_the_status() {
        assert_eq!(next_status(Pending, Step::Activate), Ok(Active));
        assert_eq!(next_status(Active, Step::Hold), Ok(OnHold));
        assert_eq!(next_status(OnHold, Step::Resume), Ok(Active));
        assert_eq!(next_status(Expired, Step::Renew), Ok(Expired));
    }

    #[test]
    fn forbidden_steps_say_why() {
        assert_eq!(next_status(Expired, Step::Cancel), Err("A plan that is expired cannot be cancelled.".into()));
        assert_eq!(
            next_status(Cancelled, Step::Renew),
            Err("A plan that is cancelled cannot be renewed; sell a new plan instead.".into())
        );
        assert_eq!(next_status(Active, Step::Resume), Err("A plan that is active cannot be resumed.".into()));
        for from in SubscriptionStatus::ALL {
            assert!(next_status(from, Step::Cancel).is_ok() != matches!(from, Expired | Cancelled));
        }
    }
}
