//! What decides a sale beyond the template's own rules: where it is
//! offered, one wellness plan per pet, and the price for this household.

use super::clinic::decimal;
use super::plan_state::running;
use super::template_row::SqlTemplate;
use crate::domain::Money;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::patients::PatientInfo;
use crate::wire::stored::{Day, Flag};

/// Why this template cannot be sold to this patient here, beyond species,
/// age and dates: the clinic does not offer it, or the pet already has a
/// wellness plan running (`renewing` is the plan a renewal follows).
pub(crate) async fn refusal(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    template: &SqlTemplate,
    patient: &PatientInfo,
    renewing: Option<i64>,
) -> Result<Option<String>, AppError> {
    let Flag(offered_here) = sqlx::query_scalar(
        "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM template_clinics WHERE template_id = $1)
                       OR EXISTS (SELECT 1 FROM template_clinics WHERE template_id = $1 AND clinic_id = $2)
                THEN 1 ELSE 0 END",
    )
    .bind(template.id)
    .bind(clinic.id)
    .fetch_one(&mut *conn)
    .await?;
    if !offered_here {
        return Ok(Some(format!("{} is not offered at {}.", template.name, clinic.name)));
    }
    if let Some(died) = patient.deceased_on {
        return Ok(Some(format!("{} died on {died}.", patient.name)));
    }
    if template.kind != "wellness" {
        return Ok(None);
    }
    let current: Option<(String, String, Option<Day>)> = sqlx::query_as(&format!(
        "SELECT plan_name, status, ends_on FROM subscriptions
         WHERE patient_id = $1 AND kind = 'wellness' AND status IN {} AND id IS DISTINCT FROM $2
         ORDER BY starts_on LIMIT 1",
        running()
    ))
    .bind(patient.id)
    .bind(renewing)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(current.map(|(plan, status, ends)| {
        let until = ends.map_or(String::new(), |e| format!(" until {}", e.0));
        format!(
            "{} already has the {plan} ({}{until}); one wellness plan per pet. Renew or cancel it instead.",
            patient.name,
            status.replace('_', " ")
        )
    }))
}

/// The price of selling `template` to `patient` now: a renewal keeps the
/// price its contract locked, and a wellness plan for a client's further
/// pet gets the template's multi-pet discount. The note says why it
/// differs from the list price.
pub(crate) async fn sale_price(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    template: &SqlTemplate,
    patient: &PatientInfo,
    renews: Option<i64>,
) -> Result<(Money, Option<String>), AppError> {
    let mut price = Money(decimal(&template.price)?);
    let mut notes = Vec::new();
    if let Some(previous) = renews {
        let locked: Option<String> = sqlx::query_scalar(
            "SELECT renewal_price FROM subscriptions WHERE id = $1 AND template_id = $2 AND renewal_price IS NOT NULL",
        )
        .bind(previous)
        .bind(template.id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(locked) = locked {
            price = Money(decimal(&locked)?);
            notes.push(format!("renews at the contract's price {}", price.format(&clinic.currency)));
        }
    }
    let percent = template.multi_pet_discount_percent.as_deref().map(decimal).transpose()?;
    if let Some(percent) = percent.filter(|_| template.kind == "wellness") {
        let other_pets: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM subscriptions WHERE client_id = $1 AND kind = 'wellness' AND patient_id <> $2
               AND status IN {}",
            running()
        ))
        .bind(patient.client_id)
        .bind(patient.id)
        .fetch_one(&mut *conn)
        .await?;
        if other_pets > 0 {
            // Rounded like every other amount: half away from zero.
            let off = Money(price.0 * percent / rust_decimal::Decimal::from(100)).round(clinic.currency.minor_digits).0;
            price = Money(price.0 - off);
            notes.push(format!("{}% multi-pet discount", percent.normalize()));
        }
    }
    Ok((price, (!notes.is_empty()).then(|| notes.join("; "))))
}
