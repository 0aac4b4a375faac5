//! Packages and session packs: what is left, until when, and whether one
//! more session or day may be used.
//!
//! A pack stands for a number of units (sessions, days, walks). Everything
//! about it is derived from that size, its dates and the sum of its ledger
//! entries (a carried-over opening balance included), so a pack never holds
//! a count that could drift. Sessions booked on the schedule are *held*:
//! not used yet, but no longer available to anyone else.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::badge::out_of_text;
use super::benefit::{Limit, Remaining};
use super::quantity::{Quantity, UnitSpec, plural};

/// Remaining sessions at or below which staff are warned.
pub const FEW_LEFT: i64 = 2;
/// Days before the end date from which staff are warned.
pub const ENDS_SOON_DAYS: i64 = 14;

/// Who authorised the sessions a pack stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Authoriser {
    /// A referring vet or practitioner.
    Referrer,
    /// An insurer.
    Insurer,
}

impl Authoriser {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Authoriser::Referrer => "referrer",
            Authoriser::Insurer => "insurer",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Authoriser> {
        [Authoriser::Referrer, Authoriser::Insurer].into_iter().find(|a| a.code() == code)
    }
}

/// A referral or insurer authorisation: the pack's size and dates are the
/// sessions and dates it authorises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorisation {
    /// Referrer or insurer.
    pub by: Authoriser,
    /// Who: "Dr Okafor, Riverside Referrals", "PetCover".
    pub name: String,
    /// Their reference number.
    pub reference: String,
}

/// A pack as counting sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackBalance {
    /// Units the pack stands for (sessions, days, walks).
    pub size: Quantity,
    /// The signed sum of the pack's ledger entries, opening balance included.
    pub used: Quantity,
    /// Units booked on the schedule and not yet drawn.
    pub held: Quantity,
    /// First day it may be used.
    pub starts_on: NaiveDate,
    /// Last day it may be used; `None` when it does not expire.
    pub ends_on: Option<NaiveDate>,
    /// Set when the pack stands for an authorisation.
    pub authorisation: Option<Authorisation>,
}

/// Where a pack stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PackState {
    /// Usable from a later day.
    Upcoming,
    /// Usable: this many units are available.
    Open(Quantity),
    /// Nothing is available (all used or held).
    UsedUp,
    /// Its end date has passed.
    Expired,
}

/// Something staff should see before using a pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PackWarning {
    /// Only this many units remain available.
    FewLeft(Quantity),
    /// The pack ends in this many days (0 = today).
    EndsSoon(i64),
}

/// Why a use (or a booking) is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UseRefusal {
    /// The pack may not be used before its start.
    NotStarted(NaiveDate),
    /// The pack (or its authorisation) ended on this day.
    PastEnd(NaiveDate),
    /// Asked for more than is available.
    BeyondAvailable {
        /// What was asked.
        asked: Quantity,
        /// What is available.
        available: Quantity,
    },
}

impl PackBalance {
    /// Units not used and not held; never below zero.
    pub fn available(&self) -> Quantity {
        Quantity((self.size.0 - self.used.0 - self.held.0).max(0))
    }

    /// Units not used (held ones included); never below zero.
    pub fn left(&self) -> Quantity {
        Quantity((self.size.0 - self.used.0).max(0))
    }

    /// Where the pack stands on `on`.
    pub fn state(&self, on: NaiveDate) -> PackState {
        if self.ends_on.is_some_and(|end| on > end) {
            PackState::Expired
        } else if on < self.starts_on {
            PackState::Upcoming
        } else if self.available().0 == 0 {
            PackState::UsedUp
        } else {
            PackState::Open(self.available())
        }
    }

    /// Whether pickers list the pack on `on`: open packs only; expired and
    /// used-up ones are hidden.
    pub fn is_open(&self, on: NaiveDate) -> bool {
        matches!(self.state(on), PackState::Open(_))
    }

    /// What staff should be told on `on`, when the pack is open.
    pub fn warnings(&self, on: NaiveDate) -> Vec<PackWarning> {
        let mut warnings = Vec::new();
        if !self.is_open(on) {
            return warnings;
        }
        if self.available().0 <= FEW_LEFT {
            warnings.push(PackWarning::FewLeft(self.available()));
        }
        if let Some(end) = self.ends_on {
            let days = (end - on).num_days();
            if (0..=ENDS_SOON_DAYS).contains(&days) {
                warnings.push(PackWarning::EndsSoon(days));
            }
        }
        warnings
    }

    /// Whether `quantity` units may be used (or booked) on `on`. Units this
    /// very use already held (a booked session being checked out) are given
    /// in `releasing` so they count as available to it.
    pub fn check_use(&self, on: NaiveDate, quantity: Quantity, releasing: Quantity) -> Result<(), UseRefusal> {
        if let Some(end) = self.ends_on.filter(|end| on > *end) {
            return Err(UseRefusal::PastEnd(end));
        }
        if on < self.starts_on {
            return Err(UseRefusal::NotStarted(self.starts_on));
        }
        let available = Quantity((self.size.0 - self.used.0 - (self.held.0 - releasing.0).max(0)).max(0));
        if quantity > available {
            return Err(UseRefusal::BeyondAvailable { asked: quantity, available });
        }
        Ok(())
    }

    /// The ledger entry that leaves exactly `left` units: positive counts
    /// like a use, negative gives units back. Exact even when the pack was
    /// used past its size (where [`PackBalance::left`] shows zero).
    pub fn entry_to_leave(&self, left: Quantity) -> Quantity {
        Quantity(self.size.0 - left.0 - self.used.0)
    }

    /// The ledger entry a manager's "number left" asks for: none when it is
    /// the number shown. A pack used past its size (an authorisation a
    /// manager overrode) shows 0 left; the form sends that 0 back when only
    /// the end date changes, and the use beyond must stay counted.
    pub fn entry_for_left(&self, left: Quantity) -> Quantity {
        if left == self.left() { Quantity(0) } else { self.entry_to_leave(left) }
    }

    /// Whether a pack set to renew itself should now be followed by a new
    /// one: it is used up or has expired.
    pub fn needs_successor(&self, on: NaiveDate) -> bool {
        self.left().0 == 0 || self.ends_on.is_some_and(|end| on > end)
    }

    /// "3 of 10 sessions left".
    pub fn left_text(&self, unit: &str) -> String {
        format!("{} of {} {} left", self.left().0, self.size.0, plural(unit, self.size.0))
    }

    /// The owner's words, the same rule as their plans' benefits: "3 out
    /// of 10 sessions left".
    pub fn out_of_text(&self, unit: &str) -> String {
        out_of_text(Limit::Counted(self.size), Remaining::Counted(self.left()), &UnitSpec::single(unit))
    }
}

impl UseRefusal {
    /// The refusal in words, for a pack named `pack` counted in `unit`.
    pub fn words(&self, pack: &str, unit: &str, authorisation: Option<&Authorisation>) -> String {
        let whose = match authorisation {
            Some(a) => format!("{pack} (authorised by {}, ref. {})", a.name, a.reference),
            None => pack.to_string(),
        };
        match self {
            UseRefusal::NotStarted(day) => {
                format!("{whose} starts on {day}; a manager may override with a note.")
            }
            UseRefusal::PastEnd(day) => format!("{whose} ended on {day}; a manager may override with a note."),
            UseRefusal::BeyondAvailable { asked, available } => format!(
                "{whose} has {} {} available; {} asked. A manager may override with a note.",
                available.0,
                plural(unit, available.0),
                asked.0
            ),
        }
    }
}

impl PackWarning {
    /// The warning in words.
    pub fn words(&self, unit: &str) -> String {
        match self {
            PackWarning::FewLeft(left) => format!("Only {} {} left", left.0, plural(unit, left.0)),
            PackWarning::EndsSoon(0) => "Ends today".to_string(),
            PackWarning::EndsSoon(1) => "Ends tomorrow".to_string(),
            PackWarning::EndsSoon(days) => format!("Ends in {days} days"),
        }
    }
}
