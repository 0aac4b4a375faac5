//! Appointments and daycare days: what state a visit is in, what may be
//! done to it next, and whether it holds a session of its pack.
//!
//! A visit attached to a pack holds one unit from booking (or check-in)
//! until it is checked out or let go. Checking out moves that unit onto the
//! client's draft invoice, which draws it when finalized; cancelling
//! releases it; a no-show draws or releases it by the pack's rule.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::benefit::ItemId;
use super::draft::LineInput;
use super::packs::{PackBalance, UseRefusal};
use super::quantity::{Quantity, UnitChoice};
use super::subscription::{PatientId, SubscriptionStatus};

/// A booked appointment or a daycare day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisitKind {
    /// A service at a time, with a member of staff.
    Appointment,
    /// A day of daycare: checked in in the morning, out in the evening.
    Daycare,
}

/// Where a visit stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisitStatus {
    /// On the schedule, not yet arrived.
    Booked,
    /// A daycare pet that is here now.
    CheckedIn,
    /// Done: the session is on the client's invoice.
    CheckedOut,
    /// Called off; the session went back to the pack.
    Cancelled,
    /// The pet did not come.
    NoShow,
}

/// What staff do to a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisitAction {
    /// Give it another time or member of staff.
    Move,
    /// Call it off.
    Cancel,
    /// Record that the pet did not come.
    NoShow,
    /// A daycare pet arrives.
    CheckIn,
    /// The visit is done: bill it.
    CheckOut,
}

/// What a pack's no-show does with the session a visit held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NoShowRule {
    /// The session is used, as if the pet had come.
    Draw,
    /// The session goes back to the pack.
    Release,
}

impl VisitKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            VisitKind::Appointment => "appointment",
            VisitKind::Daycare => "daycare",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<VisitKind> {
        [VisitKind::Appointment, VisitKind::Daycare].into_iter().find(|k| k.code() == code)
    }
}

impl VisitStatus {
    const ALL: [VisitStatus; 5] = [
        VisitStatus::Booked,
        VisitStatus::CheckedIn,
        VisitStatus::CheckedOut,
        VisitStatus::Cancelled,
        VisitStatus::NoShow,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            VisitStatus::Booked => "booked",
            VisitStatus::CheckedIn => "checked_in",
            VisitStatus::CheckedOut => "checked_out",
            VisitStatus::Cancelled => "cancelled",
            VisitStatus::NoShow => "no_show",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<VisitStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What staff read on the schedule.
    pub fn label(self) -> &'static str {
        match self {
            VisitStatus::Booked => "Booked",
            VisitStatus::CheckedIn => "Here now",
            VisitStatus::CheckedOut => "Checked out",
            VisitStatus::Cancelled => "Cancelled",
            VisitStatus::NoShow => "No-show",
        }
    }

    /// Whether a visit in this state holds a unit of its pack: from booking
    /// until it is checked out, cancelled or marked a no-show.
    pub fn holds(self) -> bool {
        matches!(self, VisitStatus::Booked | VisitStatus::CheckedIn)
    }
}

impl NoShowRule {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            NoShowRule::Draw => "draw",
            NoShowRule::Release => "release",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<NoShowRule> {
        [NoShowRule::Draw, NoShowRule::Release].into_iter().find(|r| r.code() == code)
    }
}

/// The state `action` leaves a `kind` visit in, or why it may not be done.
/// A visit that is over (checked out, cancelled, a no-show) takes no action:
/// a second check-out is refused, so a session is billed once.
pub fn next_visit_status(kind: VisitKind, status: VisitStatus, action: VisitAction) -> Result<VisitStatus, String> {
    use VisitAction as A;
    use VisitStatus as S;
    let next = match (kind, status, action) {
        (_, S::Booked, A::Move) => S::Booked,
        (_, S::Booked, A::Cancel) => S::Cancelled,
        (_, S::Booked, A::NoShow) => S::NoShow,
        (VisitKind::Daycare, S::Booked, A::CheckIn) => S::CheckedIn,
        (VisitKind::Appointment, S::Booked, A::CheckOut) => S::CheckedOut,
        (VisitKind::Daycare, S::CheckedIn, A::CheckOut) => S::CheckedOut,
        (VisitKind::Daycare, S::CheckedIn, A::Cancel) => S::Cancelled,
        (_, S::CheckedOut, A::CheckOut) => {
            return Err("This visit is already checked out; its session is on the client's invoice.".into());
        }
        (_, S::CheckedIn, A::CheckIn) => return Err("This pet is already checked in.".into()),
        (VisitKind::Appointment, _, A::CheckIn) => {
            return Err("Appointments are checked out, not in; check-in is for daycare.".into());
        }
        (VisitKind::Daycare, S::Booked, A::CheckOut) => {
            return Err("Check the pet in before checking it out.".into());
        }
        (_, S::CheckedIn, _) => return Err("The pet is here now: check it out, or cancel the day.".into()),
        (_, over, _) => {
            return Err(format!(
                "This visit is {}; nothing more can be done to it.",
                over.label().to_ascii_lowercase()
            ));
        }
    };
    Ok(next)
}

/// What a no-show does with the session its visit held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoShowOutcome {
    /// The session goes back to the pack.
    Released,
    /// The session is used, as if the pet had come.
    Used,
    /// The rule would use the session, but the pack has none to give: it was
    /// cancelled, ended or put on hold since the booking, or a manager booked
    /// beyond its last session. Nothing is taken.
    NothingLeft,
}

/// What a no-show does under the rule the pack was sold with, given the
/// pack's state now and the sessions it has left. Only a running pack
/// (active, or past due: the session was booked while it could be used)
/// with a session left gives one up.
pub fn no_show_outcome(rule: NoShowRule, status: SubscriptionStatus, left: i64) -> NoShowOutcome {
    let running = matches!(status, SubscriptionStatus::Active | SubscriptionStatus::PastDue);
    match rule {
        NoShowRule::Release => NoShowOutcome::Released,
        NoShowRule::Draw if running && left > 0 => NoShowOutcome::Used,
        NoShowRule::Draw => NoShowOutcome::NothingLeft,
    }
}

/// Whether a pack in this state may hold a booked session: a running pack,
/// one awaiting its first payment (it is paid at the desk), or one past due
/// where the clinic lets past-due plans be used. On hold, cancelled and
/// ended packs may not.
pub fn may_hold(status: SubscriptionStatus, past_due_usable: bool) -> bool {
    match status {
        SubscriptionStatus::Active | SubscriptionStatus::Pending => true,
        SubscriptionStatus::PastDue => past_due_usable,
        _ => false,
    }
}

/// Whether a manager's override may book on a pack in this state: any that
/// [`may_hold`] a session, and one whose term ended (booking past a pack's
/// end is what an override is for). A cancelled pack, one on hold, or one
/// past due where the clinic does not let such plans be used, no.
pub fn may_hold_with_override(status: SubscriptionStatus, past_due_usable: bool) -> bool {
    may_hold(status, past_due_usable) || status == SubscriptionStatus::Expired
}

/// How a pack stands for holding a booking. The plan job keeps only that a
/// pack's term ended; one that ended owing a payment past the grace days
/// (`owes_overdue`) was past due as well, and where past-due plans cannot be
/// used it stays stopped: no manager's note books on it until it is paid.
pub fn standing(status: SubscriptionStatus, past_due_usable: bool, owes_overdue: bool) -> SubscriptionStatus {
    match status {
        SubscriptionStatus::Expired if owes_overdue && !past_due_usable => SubscriptionStatus::PastDue,
        other => other,
    }
}

/// Why a pack may not hold a booked session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoldRefusal {
    /// Cancelled, on hold, or past due where the clinic does not let such
    /// plans be used: stopped on purpose, so no override books on it.
    Stopped(SubscriptionStatus),
    /// Beyond what the pack allows (not started, ended, nothing available):
    /// a manager's override with a note may book on it anyway.
    Beyond(UseRefusal),
}

/// Whether a pack may hold one more session on `on` (`releasing`: the
/// session a moved visit already holds). A pack whose term ended and that
/// the plan job has since marked expired is beyond its end, as it was the
/// day before the job ran: an override may still book on it.
pub fn check_hold(
    status: SubscriptionStatus,
    past_due_usable: bool,
    balance: &PackBalance,
    on: NaiveDate,
    releasing: Quantity,
) -> Result<(), HoldRefusal> {
    let ended = status == SubscriptionStatus::Expired;
    if !may_hold_with_override(status, past_due_usable) {
        return Err(HoldRefusal::Stopped(status));
    }
    balance.check_use(on, Quantity(1), releasing).map_err(HoldRefusal::Beyond)?;
    match balance.ends_on {
        // Booked on a day of its term, though the term is over.
        Some(end) if ended => Err(HoldRefusal::Beyond(UseRefusal::PastEnd(end))),
        None if ended => Err(HoldRefusal::Beyond(UseRefusal::PastEnd(on))),
        _ => Ok(()),
    }
}

/// Whether checking out a visit claims a line the desk already put on the
/// client's draft rather than adding its own: only for a daycare day, and
/// only while the draft holds more one-unit lines of the pet's day than
/// daycare days already checked out onto it (`claimed`). A pet has one
/// daycare day a date, so adding another line would bill and draw it
/// twice; an appointment's service may be used twice a day (a walk-in
/// beside the booked session), so its line is always added.
pub fn checkout_claims_draft_line(
    kind: VisitKind,
    patient_id: PatientId,
    item_id: ItemId,
    lines: &[LineInput],
    claimed: u64,
) -> bool {
    if kind != VisitKind::Daycare {
        return false;
    }
    let one_day = lines
        .iter()
        .filter(|l| {
            l.patient_id == patient_id
                && l.item_id == item_id
                && l.unit == UnitChoice::Unit
                && l.quantity_text.trim() == "1"
        })
        .count();
    u64::try_from(one_day).unwrap_or(u64::MAX) > claimed
}

#[cfg(test)]
mod standing_tests {
    use super::{SubscriptionStatus::*, standing};

    #[test]
    fn only_an_ended_pack_that_owes_is_stopped_and_only_where_past_due_plans_stop() {
        assert_eq!(standing(Expired, false, true), PastDue);
        assert_eq!(standing(Expired, true, true), Expired, "past-due plans usable: only past its end");
        assert_eq!(standing(Expired, false, false), Expired, "paid up: only past its end");
        assert_eq!(standing(Active, false, true), Active, "a running pack's status is the past-due job's");
    }
}

#[cfg(test)]
mod checkout_tests {
    use super::{VisitKind, checkout_claims_draft_line};
    use crate::domain::{LineInput, UnitChoice};

    fn line(patient_id: i64, item_id: i64, quantity_text: &str, whole_units: bool) -> LineInput {
        let unit = if whole_units { UnitChoice::Unit } else { UnitChoice::Subunit };
        LineInput { patient_id, item_id, quantity_text: quantity_text.into(), unit, discount_text: String::new() }
    }

    #[test]
    fn a_daycare_day_claims_the_desks_one_unit_line_once() {
        let lines = [line(1, 9, " 1 ", true)];
        assert!(checkout_claims_draft_line(VisitKind::Daycare, 1, 9, &lines, 0));
        // A second day checked out onto the same draft adds its own line.
        assert!(!checkout_claims_draft_line(VisitKind::Daycare, 1, 9, &lines, 1));
    }

    #[test]
    fn an_appointment_always_adds_its_line() {
        let lines = [line(1, 9, "1", true)];
        assert!(!checkout_claims_draft_line(VisitKind::Appointment, 1, 9, &lines, 0));
    }

    #[test]
    fn only_a_line_of_one_whole_unit_for_the_same_pet_and_service_is_claimed() {
        for other in [line(2, 9, "1", true), line(1, 8, "1", true), line(1, 9, "2", true), line(1, 9, "1", false)] {
            assert!(
                !checkout_claims_draft_line(VisitKind::Daycare, 1, 9, std::slice::from_ref(&other), 0),
                "{other:?}"
            );
        }
    }
}
