//! The schedule and the daycare day list as their pages show them, and
//! the forms that book, move and close a visit.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::desk::PatientBrief;
use super::invoice_view::ClientBrief;
use super::packs::PackTemplateChoice;
use super::patients::PlanCard;
use crate::domain::{Hours, Span, VisitAction, VisitKind, VisitStatus};

/// A member of staff with a column on the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffColumn {
    /// The user.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// The person looking at the schedule.
    pub me: bool,
}

/// The pack a visit holds a unit of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPack {
    /// The pack.
    pub subscription_id: i64,
    /// Its name.
    pub name: String,
    /// "4 of 10 sessions left · 2 booked".
    pub counts: String,
    /// The carry-over or use note staff must see.
    pub use_note: String,
}

/// One appointment or daycare day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRow {
    /// The visit.
    pub id: i64,
    /// Appointment or daycare.
    pub kind: VisitKind,
    /// Where it stands.
    pub status: VisitStatus,
    /// When, in the clinic's time.
    pub span: Span,
    /// The client.
    pub client_id: i64,
    /// "Jamie Lee".
    pub client_name: String,
    /// The pet.
    pub patient_id: i64,
    /// Its name.
    pub patient_name: String,
    /// The service booked.
    pub service_name: String,
    /// Who sees the pet.
    pub staff_id: Option<i64>,
    /// Their name.
    pub staff_name: Option<String>,
    /// The pack it draws from.
    pub pack: Option<VisitPack>,
    /// The invoice it was checked out onto.
    pub invoice_id: Option<i64>,
    /// A manager's note when it was booked beyond what a pack allows.
    pub override_note: String,
}

/// A service the schedule books.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChoice {
    /// The catalog item.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its group, for packs that cover a group.
    pub group_id: Option<i64>,
}

/// The schedule of one clinic for a day or a week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleView {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The days shown: one, or a week from its Monday.
    pub days: Vec<NaiveDate>,
    /// The hours the grid shows.
    pub hours: Hours,
    /// Staff columns, the viewer's first.
    pub staff: Vec<StaffColumn>,
    /// Every visit of those days, cancelled ones included.
    pub visits: Vec<VisitRow>,
    /// What can be booked.
    pub services: Vec<ServiceChoice>,
    /// The viewer may book beyond a pack with a note.
    pub may_override: bool,
    /// The viewer may start a new pack from the booking form.
    #[serde(default)]
    pub may_sell: bool,
}

/// A pet found by the booking search, with its household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PetMatch {
    /// The pet.
    pub patient_id: i64,
    /// Its name.
    pub patient_name: String,
    /// Its species.
    pub species: String,
    /// The client.
    pub client_id: i64,
    /// "Jamie Lee".
    pub client_name: String,
}

/// What booking for a client offers: their pets, their packs (with what is
/// booked), the pack they prefer, and templates to start a new pack from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingChoices {
    /// The client.
    pub client: ClientBrief,
    /// Their pets.
    pub pets: Vec<PatientBrief>,
    /// Their packages and session packs, as counted today.
    pub packs: Vec<PlanCard>,
    /// The pack new appointments take.
    pub preferred_pack: Option<i64>,
    /// Templates a new pack can be started from.
    pub templates: Vec<PackTemplateChoice>,
}

/// Which pack a booking draws on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PackPick {
    /// Billed as a plain service.
    NoPack,
    /// One of the client's packs.
    Pack(i64),
    /// A new pack sold now from this template.
    NewFrom(i64),
}

/// A booking as the desk sends it; texts as typed, so a refusal loses
/// nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingForm {
    /// Appointment or daycare day.
    pub kind: VisitKind,
    /// The pet (its client follows).
    pub patient_id: i64,
    /// The service.
    pub item_id: i64,
    /// "2026-12-02T09:30".
    pub starts_at: String,
    /// Minutes, as typed.
    pub minutes: String,
    /// Who sees the pet.
    pub staff_id: Option<i64>,
    /// The pack it draws on.
    pub pack: PackPick,
    /// A manager's note to book beyond the pack.
    pub override_note: String,
}

/// Moving a visit: a new time or member of staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveForm {
    /// "2026-12-02T10:00".
    pub starts_at: String,
    /// Who sees the pet.
    pub staff_id: Option<i64>,
}

/// What closing a visit did, for the page to say and to follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitOutcome {
    /// In words: "Checked out onto invoice draft #12".
    pub notice: String,
    /// The invoice to open, after a check-out.
    pub invoice_id: Option<i64>,
}

/// A daycare day list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaycareDay {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The day.
    pub day: NaiveDate,
    /// Its visits, by arrival.
    pub visits: Vec<VisitRow>,
    /// The daycare service (the item daycare packages cover).
    pub services: Vec<ServiceChoice>,
}

/// Reads a date and time typed as "2026-12-02T09:30" (a browser's
/// datetime-local) or with a space.
pub fn parse_starts_at(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim().replace(' ', "T");
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .filter(|at| crate::domain::on_calendar(at.date()))
        .ok_or_else(|| format!("Start: \u{201c}{text}\u{201d} is not a date and time like 2026-12-02T09:30."))
}

/// The words of a visit action's button.
pub fn action_label(action: VisitAction) -> &'static str {
    match action {
        VisitAction::Move => "Move",
        VisitAction::Cancel => "Cancel",
        VisitAction::NoShow => "No-show",
        VisitAction::CheckIn => "Check in",
        VisitAction::CheckOut => "Check out",
    }
}
