//! Helpers for the schedule's tests: the demo clinic, packs brought over
//! for a household, and visits booked on them.

use carecount::domain::{Span, VisitKind, VisitStatus};
use carecount::server::actor::Actor;
use carecount::server::store::carry_over::CarryOver;
use carecount::server::store::visits::NewVisit;
use carecount::wire::clinic::ClinicInfo;
use carecount::wire::schedule::PackPick;
use chrono::{NaiveDate, NaiveTime, Utc};

use super::{TestApp, template_id};

/// The demo clinic as the desk sees it now.
pub async fn clinic(app: &TestApp) -> ClinicInfo {
    app.store.clinic_of(1, None, Utc::now()).await.unwrap()
}

/// A physio pack of the household with `left` sessions, ending on `ends`.
pub async fn physio_pack(app: &TestApp, client: i64, left: i64, ends: Option<NaiveDate>) -> i64 {
    let carry = CarryOver {
        template_id: template_id(app, "Physio 6-session pack").await,
        left,
        ends_on: ends,
        use_note: "",
        reason: "Brought over for the schedule tests",
        patient_id: None,
    };
    app.store.carry_over(&clinic(app).await, client, &carry, &Actor::clinic_desk()).await.expect("pack made")
}

/// A daycare pack of the household with five days left.
pub async fn daycare_pack(app: &TestApp, client: i64) -> i64 {
    let carry = CarryOver {
        template_id: template_id(app, "Daycare 10-day pack").await,
        left: 5,
        ends_on: None,
        use_note: "",
        reason: "Brought over for the daycare test",
        patient_id: None,
    };
    app.store.carry_over(&clinic(app).await, client, &carry, &Actor::clinic_desk()).await.expect("pack made")
}

pub async fn write(app: &TestApp, sql: &str, id: i64) {
    let mut tx = app.store.begin_write().await.unwrap();
    sqlx::query(sql).bind(id).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

pub fn at(day: NaiveDate, hour: u32) -> Span {
    Span { start: day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()), minutes: 30 }
}

pub fn visit(dog: i64, service: i64, span: Span, pack: Option<i64>) -> NewVisit<'static> {
    NewVisit {
        kind: VisitKind::Appointment,
        patient_id: dog,
        item_id: service,
        span,
        staff_id: None,
        pack: pack.map_or(PackPick::NoPack, PackPick::Pack),
        override_note: "",
        status: VisitStatus::Booked,
    }
}

/// Sessions neither used nor held.
pub async fn available(app: &TestApp, pack: i64) -> i64 {
    let cards = app
        .store
        .client_plans(
            app.scalar("SELECT client_id FROM subscriptions WHERE id = $1", pack).await,
            clinic(app).await.today,
        )
        .await
        .unwrap();
    cards.iter().find(|c| c.subscription.id == pack).and_then(|c| c.pack()).expect("a pack").available().0
}
