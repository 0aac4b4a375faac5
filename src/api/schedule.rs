//! The schedule and daycare: reading a day or week, finding a pet,
//! booking, moving and closing visits, and a client's preferred pack. The
//! types live in [`crate::wire::schedule`].

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::error::AppError;
use crate::domain::VisitAction;
pub use crate::wire::schedule::*;

/// A clinic's schedule: `week` shows the week of `day` from its Monday.
#[server(prefix = "/api", endpoint = "schedule/view", output = crate::api::codec::JsonText)]
pub async fn schedule_page(day: Option<String>, week: bool) -> Result<ScheduleView, AppError> {
    use crate::domain::{Hours, Permission, VisitKind, allows, week_of};
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let viewer = state.viewer().await?;
            let day = parse_day(day.as_deref(), clinic.today)?;
            let days: Vec<_> = if week { week_of(day).to_vec() } else { vec![day] };
            let (first, last) = (days[0], days[days.len() - 1]);
            Ok(ScheduleView {
                visits: state.store.visits_between(&clinic, VisitKind::Appointment, first, last).await?,
                staff: state.store.staff_columns(clinic.organisation_id, Some(viewer.user_id)).await?,
                services: state.store.bookable_services(clinic.organisation_id).await?,
                may_override: allows(viewer.role, Permission::AdjustPacks),
                may_sell: allows(viewer.role, Permission::SellPlans),
                hours: Hours::default(),
                days,
                clinic,
            })
        }
        .await,
    )
}

/// A clinic's daycare day.
#[server(prefix = "/api", endpoint = "daycare/day", output = crate::api::codec::JsonText)]
pub async fn daycare_page(day: Option<String>) -> Result<DaycareDay, AppError> {
    use crate::domain::{Permission, VisitKind};
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let day = parse_day(day.as_deref(), clinic.today)?;
            Ok(DaycareDay {
                visits: state.store.visits_between(&clinic, VisitKind::Daycare, day, day).await?,
                services: state.store.bookable_services(clinic.organisation_id).await?,
                day,
                clinic,
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn parse_day(day: Option<&str>, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, AppError> {
    match day.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(today),
        Some(text) => text
            .parse()
            .ok()
            .filter(|d| crate::domain::on_calendar(*d))
            .ok_or_else(|| AppError::Invalid(format!("\u{201c}{text}\u{201d} is not a date like 2026-12-02."))),
    }
}

/// Pets whose name or whose client's name contains `query`.
#[server(prefix = "/api", endpoint = "schedule/find", output = crate::api::codec::JsonText)]
pub async fn find_pets(query: String) -> Result<Vec<PetMatch>, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            state.store.find_pets(clinic.organisation_id, &query).await
        }
        .await,
    )
}

/// What booking for a client offers: pets, packs, the preferred pack.
#[server(prefix = "/api", endpoint = "schedule/choices", output = crate::api::codec::JsonText)]
pub async fn booking_options(client_id: i64) -> Result<BookingChoices, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let rows = state.store.client_packs(&clinic, client_id).await?;
            Ok(BookingChoices {
                preferred_pack: state.store.preferred_pack(clinic.organisation_id, client_id).await?,
                client: rows.client,
                pets: rows.pets,
                packs: rows.packs.into_iter().map(|r| r.card).collect(),
                templates: rows.templates,
            })
        }
        .await,
    )
}

/// Books an appointment or a daycare day (or checks a daycare pet in
/// now); returns the visit.
#[server(prefix = "/api", endpoint = "schedule/book", input = Json, output = crate::api::codec::JsonText)]
pub async fn book_visit(form: BookingForm) -> Result<i64, AppError> {
    use crate::domain::{Permission, Span, VisitKind, VisitStatus, allows, parse_length};
    use crate::server::store::visits::NewVisit;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            let role = state.viewer().await?.role;
            let start = parse_starts_at(&form.starts_at).map_err(AppError::Invalid)?;
            let minutes = parse_length(&form.minutes).map_err(AppError::Invalid)?;
            // Starting a new pack sells one: only staff who sell plans.
            if matches!(form.pack, PackPick::NewFrom(_)) && !allows(role, Permission::SellPlans) {
                return Err(AppError::Forbidden);
            }
            let status = match form.kind {
                VisitKind::Daycare if start.date() == clinic.today => VisitStatus::CheckedIn,
                _ => VisitStatus::Booked,
            };
            let visit = NewVisit {
                kind: form.kind,
                patient_id: form.patient_id,
                item_id: form.item_id,
                span: Span { start, minutes },
                staff_id: form.staff_id,
                pack: form.pack.clone(),
                override_note: &form.override_note,
                status,
            };
            state.store.book_visit(&clinic, &visit, allows(role, Permission::AdjustPacks), &actor).await
        }
        .await,
    )
}

/// Moves a booked appointment to another time or member of staff.
#[server(prefix = "/api", endpoint = "schedule/move", input = Json, output = crate::api::codec::JsonText)]
pub async fn move_visit(visit_id: i64, form: MoveForm) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let start = parse_starts_at(&form.starts_at).map_err(AppError::Invalid)?;
            state.store.move_visit(&clinic, visit_id, start, form.staff_id).await
        }
        .await,
    )
}

/// Cancels, marks a no-show, checks in or checks out a visit.
#[server(prefix = "/api", endpoint = "schedule/close", input = Json, output = crate::api::codec::JsonText)]
pub async fn act_on_visit(visit_id: i64, action: VisitAction) -> Result<VisitOutcome, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ClinicDesk).await?;
            let store = &state.store;
            let notice = match action {
                VisitAction::CheckOut => return store.check_out_visit(&clinic, visit_id, &actor).await,
                VisitAction::CheckIn => store.check_in_visit(&clinic, visit_id).await?,
                VisitAction::Cancel | VisitAction::NoShow => {
                    store.close_visit(&clinic, visit_id, action, &actor).await?
                }
                VisitAction::Move => return Err(AppError::Invalid("Move a visit with a new time.".into())),
            };
            Ok(VisitOutcome { notice, invoice_id: None })
        }
        .await,
    )
}
