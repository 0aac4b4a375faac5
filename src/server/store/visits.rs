//! Booking, moving, cancelling and no-shows on the schedule. Each runs in
//! one `BEGIN IMMEDIATE` transaction that counts the pack with every hold
//! and then writes, so two desks booking the last session cannot both win.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::FromRow;

use super::Store;
use super::selling::sell_on;
use super::visit_pack::{hold_refusal_words, pack_for_visit, standing};
use crate::domain::text::required_note;
use crate::domain::{Hours, Quantity, Span, VisitAction, VisitKind, VisitStatus, check_hold, next_visit_status};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::schedule::PackPick;
use crate::wire::stored::{Day, DayTime, Flag};

/// A visit as the store reads it back.
#[derive(Clone, Debug, FromRow)]
pub(crate) struct SqlVisit {
    pub id: i64,
    pub clinic_id: i64,
    pub kind: String,
    pub client_id: i64,
    pub patient_id: i64,
    pub item_id: i64,
    #[sqlx(try_from = "crate::wire::stored::DayTime")]
    pub starts_at: NaiveDateTime,
    pub minutes: i64,
    pub status: String,
    pub subscription_id: Option<i64>,
    pub override_note: String,
}

impl SqlVisit {
    pub fn kind(&self) -> VisitKind {
        VisitKind::from_code(&self.kind).unwrap_or(VisitKind::Appointment)
    }

    pub fn status(&self) -> VisitStatus {
        VisitStatus::from_code(&self.status).unwrap_or(VisitStatus::Cancelled)
    }

    pub fn span(&self) -> Span {
        Span { start: self.starts_at, minutes: u32::try_from(self.minutes).unwrap_or(30) }
    }

    /// The state `action` leaves it in, or why not (a conflict).
    pub fn next(&self, action: VisitAction) -> Result<VisitStatus, AppError> {
        next_visit_status(self.kind(), self.status(), action).map_err(AppError::Conflict)
    }
}

/// A visit of this organisation, or not found in words.
pub(crate) async fn visit_on(conn: &mut Conn, organisation_id: i64, visit_id: i64) -> Result<SqlVisit, AppError> {
    sqlx::query_as(
        "SELECT id, clinic_id, kind, client_id, patient_id, item_id, starts_at, minutes, status,
                subscription_id, override_note
         FROM appointments WHERE id = $1 AND organisation_id = $2",
    )
    .bind(visit_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("There is no appointment number {visit_id}.")))
}

/// What a new visit is, checked and ready to write.
pub struct NewVisit<'a> {
    /// Appointment or daycare day.
    pub kind: VisitKind,
    /// The pet.
    pub patient_id: i64,
    /// The service.
    pub item_id: i64,
    /// When and how long.
    pub span: Span,
    /// Who sees the pet.
    pub staff_id: Option<i64>,
    /// The pack it holds a unit of: none, one of the client's, or a new
    /// one sold from a template in the same transaction as the booking.
    pub pack: PackPick,
    /// A manager's note to book beyond the pack (empty: none).
    pub override_note: &'a str,
    /// Booked (appointments, daycare days ahead) or checked in now.
    pub status: VisitStatus,
}

/// Refuses a member of staff who is not an active colleague here.
async fn require_staff(conn: &mut Conn, organisation_id: i64, staff: Option<i64>) -> Result<(), AppError> {
    let Some(staff) = staff else { return Ok(()) };
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE id = $1 AND organisation_id = $2 AND role <> 'owner' AND active = 1",
    )
    .bind(staff)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?;
    found.map(|_| ()).ok_or_else(|| AppError::Invalid("Pick the member of staff again.".into()))
}

/// The clinics of clinic `$1`'s organisation on the same clock as it,
/// itself among them.
const SAME_CLOCK: &str = "SELECT o.id FROM clinics here JOIN clinics o ON o.organisation_id = here.organisation_id
                          AND o.time_zone = here.time_zone WHERE here.id = $1";

/// Refuses a visit that clashes with another of the same member of staff
/// or the same pet, in words.
async fn refuse_clash(
    conn: &mut Conn,
    clinic_id: i64,
    span: &Span,
    staff_id: Option<i64>,
    patient_id: i64,
    except: i64,
) -> Result<(), AppError> {
    let day = span.start.date();
    #[derive(FromRow)]
    struct Other {
        #[sqlx(try_from = "crate::wire::stored::DayTime")]
        starts_at: NaiveDateTime,
        minutes: i64,
        staff_user_id: Option<i64>,
        patient_id: i64,
        pet: String,
        staff_name: Option<String>,
        clinic_id: i64,
        clinic_name: String,
    }
    // Staff and pets belong to the organisation, not to one clinic: a vet
    // booked at one clinic is not free at the same hour at another. Clinics
    // on the same clock are compared (a visit's time is its clinic's local
    // time; the clinics of a group share one zone).
    let others: Vec<Other> = sqlx::query_as(&format!(
        "SELECT a.starts_at, a.minutes, a.staff_user_id, a.patient_id, p.name AS pet, u.display_name AS staff_name,
                a.clinic_id, c.name AS clinic_name
         FROM appointments a JOIN patients p ON p.id = a.patient_id LEFT JOIN users u ON u.id = a.staff_user_id
         JOIN clinics c ON c.id = a.clinic_id
         WHERE a.clinic_id IN ({SAME_CLOCK}) AND a.kind = 'appointment' AND a.status IN ('booked', 'checked_in')
           AND a.id <> $2 AND substr(a.starts_at, 1, 10) = $3",
    ))
    .bind(clinic_id)
    .bind(except)
    .bind(Day(day))
    .fetch_all(&mut *conn)
    .await?;
    for o in others {
        let other = Span { start: o.starts_at, minutes: u32::try_from(o.minutes).unwrap_or(0) };
        if !other.overlaps(span) {
            continue;
        }
        let (pet, hours) = (o.pet, other.hours_text());
        let there = if o.clinic_id == clinic_id { String::new() } else { format!(" at {}", o.clinic_name) };
        if o.staff_user_id.is_some() && o.staff_user_id == staff_id {
            return Err(AppError::Conflict(format!(
                "{} already sees {pet} at {hours}{there}; pick another time or member of staff.",
                o.staff_name.unwrap_or_default(),
            )));
        }
        if o.patient_id == patient_id {
            return Err(AppError::Conflict(format!(
                "{pet} is already booked at {hours}{there}; move that appointment instead."
            )));
        }
    }
    Ok(())
}

/// Refuses a second daycare day for a pet that already has one on `day`
/// (besides `moving`, the day being moved there).
async fn refuse_second_day(
    conn: &mut Conn,
    clinic_id: i64,
    patient_id: i64,
    day: NaiveDate,
    moving: Option<i64>,
) -> Result<(), AppError> {
    let taken: Option<String> = sqlx::query_scalar(&format!(
        "SELECT p.name FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE a.clinic_id IN ({SAME_CLOCK}) AND a.kind = 'daycare' AND a.patient_id = $2
           AND substr(a.starts_at, 1, 10) = $3 AND a.status IN ('booked', 'checked_in', 'checked_out') AND a.id <> $4
         LIMIT 1",
    ))
    .bind(clinic_id)
    .bind(patient_id)
    .bind(Day(day))
    .bind(moving.unwrap_or(0))
    .fetch_optional(&mut *conn)
    .await?;
    match taken {
        Some(pet) => Err(AppError::Conflict(format!(
            "{pet} already has a daycare day on {day}; check that one in or out instead."
        ))),
        None => Ok(()),
    }
}

impl Store {
    /// Books a visit (or checks a daycare pet in); returns it. A pack's unit
    /// is held from now on; beyond what the pack allows (used up, past its
    /// or its authorisation's end) the booking is refused in words unless
    /// `may_override` and a note are given.
    pub async fn book_visit(
        &self,
        clinic: &ClinicInfo,
        visit: &NewVisit<'_>,
        may_override: bool,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        if visit.kind == VisitKind::Appointment && !Hours::default().contains(&visit.span) {
            let hours = Hours::default();
            return Err(AppError::Invalid(format!(
                "Appointments are booked between {} and {}; {} is outside.",
                hours.opens.format("%H:%M"),
                hours.closes.format("%H:%M"),
                visit.span.hours_text()
            )));
        }
        // A page left open overnight still shows yesterday: its check-in
        // would book a day gone by, holding a day of the pack for good.
        if visit.kind == VisitKind::Daycare && visit.span.start.date() < clinic.today {
            return Err(AppError::Invalid(format!(
                "{} has passed, so a daycare day cannot be booked on it. Reload the page for today's list.",
                visit.span.start.date()
            )));
        }
        let mut tx = self.begin_write().await?;
        let client_id: Option<i64> = sqlx::query_scalar(
            "SELECT p.client_id FROM patients p JOIN clients c ON c.id = p.client_id
             WHERE p.id = $1 AND c.organisation_id = $2 AND p.deceased_on IS NULL",
        )
        .bind(visit.patient_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let client_id = client_id.ok_or_else(|| AppError::Invalid("Pick the pet again: it was not found.".into()))?;
        let item: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, group_id FROM catalog_items WHERE id = $1 AND organisation_id = $2 AND active = 1
               AND sells_template_id IS NULL",
        )
        .bind(visit.item_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let item = item.ok_or_else(|| AppError::Invalid("Pick the service again: it is not in the catalog.".into()))?;
        require_staff(&mut tx, clinic.organisation_id, visit.staff_id).await?;
        if visit.kind == VisitKind::Appointment {
            refuse_clash(&mut tx, clinic.id, &visit.span, visit.staff_id, visit.patient_id, 0).await?;
        } else {
            refuse_second_day(&mut tx, clinic.id, visit.patient_id, visit.span.start.date(), None).await?;
        }
        let pack = match visit.pack {
            PackPick::NoPack => None,
            PackPick::Pack(id) => Some(id),
            PackPick::NewFrom(template) => {
                let patient = self.find_patient(clinic.organisation_id, visit.patient_id).await?;
                let starts = clinic.today.min(visit.span.start.date());
                Some(sell_on(&mut tx, clinic, &patient, template, starts, None, actor).await?)
            }
        };
        let mut override_note = String::new();
        if let Some(pack_id) = pack {
            let on = visit.span.start.date();
            let (card, balance) = pack_for_visit(&mut tx, client_id, visit.patient_id, item, pack_id, on).await?;
            let status = standing(&mut tx, clinic, &card).await?;
            let hold = check_hold(status, clinic.past_due_usable, &balance, on, Quantity(0));
            if let Err(refusal) = hold {
                let words = hold_refusal_words(&card, &balance, refusal)?;
                match (may_override, required_note(visit.override_note, "why")) {
                    (true, Ok(note)) => override_note = format!("{words} Overridden: {note}"),
                    _ => return Err(AppError::Conflict(words)),
                }
            }
        }
        let checked_in = visit.status == VisitStatus::CheckedIn;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO appointments (organisation_id, clinic_id, kind, client_id, patient_id, item_id, staff_user_id,
                                       starts_at, minutes, status, subscription_id, override_note, created_by_name,
                                       checked_in_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                     CASE WHEN $14 = 1 THEN (SELECT now FROM carecount_clock) END) RETURNING id",
        )
        .bind(clinic.organisation_id)
        .bind(clinic.id)
        .bind(visit.kind.code())
        .bind(client_id)
        .bind(visit.patient_id)
        .bind(visit.item_id)
        .bind(visit.staff_id)
        .bind(DayTime(visit.span.start))
        .bind(i64::from(visit.span.minutes))
        .bind(visit.status.code())
        .bind(pack)
        .bind(&override_note)
        .bind(&actor.name)
        .bind(Flag(checked_in))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a booked appointment to another time or member of staff. A
    /// pack's hold moves with it, refused past the pack's end.
    pub async fn move_visit(
        &self,
        clinic: &ClinicInfo,
        visit_id: i64,
        starts_at: NaiveDateTime,
        staff_id: Option<i64>,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let visit = visit_on(&mut tx, clinic.organisation_id, visit_id).await?;
        visit.next(VisitAction::Move)?;
        let span = Span { start: starts_at, ..visit.span() };
        require_staff(&mut tx, clinic.organisation_id, staff_id).await?;
        if visit.kind() == VisitKind::Appointment {
            if !Hours::default().contains(&span) {
                return Err(AppError::Invalid(format!("{} is outside the clinic's hours.", span.hours_text())));
            }
            refuse_clash(&mut tx, visit.clinic_id, &span, staff_id, visit.patient_id, visit.id).await?;
        } else {
            refuse_second_day(&mut tx, visit.clinic_id, visit.patient_id, starts_at.date(), Some(visit.id)).await?;
        }
        // A booking a manager overrode keeps its override when it moves.
        if let Some(pack_id) = visit.subscription_id.filter(|_| visit.override_note.is_empty()) {
            let item: (i64, Option<i64>) = sqlx::query_as("SELECT id, group_id FROM catalog_items WHERE id = $1")
                .bind(visit.item_id)
                .fetch_one(&mut *tx)
                .await?;
            let on = starts_at.date();
            let (card, balance) = pack_for_visit(&mut tx, visit.client_id, visit.patient_id, item, pack_id, on).await?;
            let status = standing(&mut tx, clinic, &card).await?;
            let hold = check_hold(status, clinic.past_due_usable, &balance, on, Quantity(1));
            if let Err(refusal) = hold {
                let words = hold_refusal_words(&card, &balance, refusal)?;
                let words = words.replace("; a manager may override with a note.", ".");
                let words = words.replace(" A manager may override with a note.", "");
                return Err(AppError::Conflict(format!("It cannot move to {}: {words}", span.hours_text())));
            }
        }
        sqlx::query("UPDATE appointments SET starts_at = $1, staff_user_id = $2 WHERE id = $3")
            .bind(DayTime(starts_at))
            .bind(staff_id)
            .bind(visit.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
