//! A week of the demo schedule: exams with each vet, a physio client's
//! booked sessions held from their pack (their preferred one), and a dog
//! at daycare today.

use chrono::{Days, NaiveDate, NaiveTime};

use super::data::PACKS;
use crate::server::store::Tx;
use crate::wire::stored::DayTime;

/// (days from today, hour, minute, minutes, pet index, item code, vet index)
const EXAMS: &[(u64, u32, u32, i64, i64, &str, usize)] = &[
    (0, 9, 0, 30, 3, "EXAM", 0),
    (0, 11, 30, 30, 7, "NAIL", 1),
    (1, 9, 30, 45, 11, "DEN-CLN", 0),
    (2, 14, 0, 30, 13, "EXAM", 1),
    (3, 10, 0, 30, 17, "LAB-CBC", 0),
];

/// Books the demo's visits from `today` on.
pub(super) async fn seed_visits(tx: &mut Tx, today: NaiveDate) -> Result<(), sqlx::Error> {
    let vets: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'vet' ORDER BY id").fetch_all(&mut **tx).await?;
    let at = |days: u64, hour: u32, minute: u32| {
        (today + Days::new(days)).and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default())
    };
    for &(days, hour, minute, minutes, pet, code, vet) in EXAMS {
        sqlx::query(
            "INSERT INTO appointments (organisation_id, clinic_id, kind, client_id, patient_id, item_id, staff_user_id,
                                       starts_at, minutes, created_by_name)
             SELECT 1, 1, 'appointment', p.client_id, p.id, i.id, $1, $2, $3, 'Front desk'
             FROM patients p, catalog_items i WHERE p.id = $4 AND i.code = $5",
        )
        .bind(vets.get(vet).copied())
        .bind(DayTime(at(days, hour, minute)))
        .bind(minutes)
        .bind(pet)
        .bind(code)
        .execute(&mut **tx)
        .await?;
    }
    // The last physio client comes twice this week, on their pack.
    let physio_client = PACKS[4].0 as i64 + 1;
    for (days, hour) in [(0, 15), (2, 15)] {
        book_on_pack(tx, physio_client, "PHYSIO", "appointment", at(days, hour, 0), 45, vets.first().copied()).await?;
    }
    sqlx::query(
        "UPDATE clients SET preferred_pack_id =
           (SELECT id FROM subscriptions WHERE client_id = $1 AND kind <> 'wellness' ORDER BY id LIMIT 1)
         WHERE id = $1",
    )
    .bind(physio_client)
    .execute(&mut **tx)
    .await?;
    // A daycare dog is here today.
    let daycare_client = PACKS[2].0 as i64 + 1;
    book_on_pack(tx, daycare_client, "DAYCARE", "daycare", at(0, 8, 0), 600, None).await?;
    sqlx::query("UPDATE appointments SET status = 'checked_in', checked_in_at = $1 WHERE kind = 'daycare'")
        .bind(DayTime(at(0, 8, 5)))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn book_on_pack(
    tx: &mut Tx,
    client: i64,
    code: &str,
    kind: &str,
    starts_at: chrono::NaiveDateTime,
    minutes: i64,
    staff: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO appointments (organisation_id, clinic_id, kind, client_id, patient_id, item_id, staff_user_id,
                                   starts_at, minutes, subscription_id, created_by_name)
         SELECT 1, 1, $1, $2, (SELECT id FROM patients WHERE client_id = $3 ORDER BY id LIMIT 1), i.id, $4, $5, $6,
                (SELECT id FROM subscriptions WHERE client_id = $7 AND kind <> 'wellness' ORDER BY id LIMIT 1),
                'Front desk'
         FROM catalog_items i WHERE i.code = $8",
    )
    .bind(kind)
    .bind(client)
    .bind(client)
    .bind(staff)
    .bind(DayTime(starts_at))
    .bind(minutes)
    .bind(client)
    .bind(code)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
