//! Selling plans, payments, and cancelling with a settlement.

use chrono::{Days, NaiveDate};
use sqlx::FromRow;

use super::Store;
use super::audit::Audit;
use super::clinic::decimal;
use super::plan_state::require_step;
use super::settings::plan_rules;
use crate::domain::{
    Billing, LifeStage, Money, Offer, PlanKind, Settlement, SettlementOption, Step, SubscriptionStatus, eligible,
    plural, schedule, term_end,
};
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::patients::PatientInfo;
use crate::wire::selling::TemplateOffer;

use super::sale_rules::{refusal, sale_price};
pub(crate) use super::template_row::{SqlTemplate, TEMPLATE_COLUMNS, template_on_sale};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlTemplateBenefit {
    label: String,
    limit_quantity: Option<i64>,
    discount_percent: String,
    unit_name: String,
    subunit_name: Option<String>,
    resets: String,
}

pub(crate) fn offer(t: &SqlTemplate) -> Offer {
    Offer {
        species: t.species.clone(),
        life_stage: t.life_stage.as_deref().and_then(LifeStage::from_code),
        available_from: t.available_from,
        available_until: t.available_until,
    }
}

impl Store {
    /// Active templates with their benefits, and whether each may be sold
    /// to this patient today (eligible first).
    pub async fn template_offers(
        &self,
        clinic: &ClinicInfo,
        patient: &PatientInfo,
    ) -> Result<Vec<TemplateOffer>, AppError> {
        let mut conn = self.reader().acquire().await?;
        let templates: Vec<SqlTemplate> = sqlx::query_as(&format!(
            "SELECT {TEMPLATE_COLUMNS} WHERE organisation_id = $1 AND active = 1 ORDER BY name"
        ))
        .bind(clinic.organisation_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut offers = Vec::new();
        for t in templates {
            let benefits: Vec<SqlTemplateBenefit> = sqlx::query_as(
                "SELECT b.label, b.limit_quantity, b.discount_percent, b.resets,
                        COALESCE(i.unit_name, g.unit_name) AS unit_name, i.subunit_name
                 FROM template_benefits b LEFT JOIN catalog_items i ON i.id = b.item_id
                 LEFT JOIN item_groups g ON g.id = b.group_id WHERE b.template_id = $1 ORDER BY b.position",
            )
            .bind(t.id)
            .fetch_all(&mut *conn)
            .await?;
            let words = benefits
                .iter()
                .map(|b| {
                    let unit = b.subunit_name.as_deref().unwrap_or(&b.unit_name);
                    let amount = b
                        .limit_quantity
                        .map_or_else(|| "Unlimited".to_string(), |n| format!("{n} {}", plural(unit, n)));
                    let off = if b.discount_percent == "100" {
                        String::new()
                    } else {
                        format!(" at {}% off", b.discount_percent)
                    };
                    let yearly = if b.resets == "year" && b.limit_quantity.is_some() { " a year" } else { "" };
                    format!("{}: {amount}{yearly}{off}", b.label)
                })
                .collect();
            let ineligible = match refusal(&mut conn, clinic, &t, patient, None).await? {
                Some(why) => Some(why),
                None => eligible(&offer(&t), &patient.name, &patient.species, patient.birth_date, clinic.today).err(),
            };
            let (price, price_note) = sale_price(&mut conn, clinic, &t, patient, None).await?;
            offers.push(TemplateOffer {
                id: t.id,
                name: t.name.clone(),
                kind: PlanKind::from_code(&t.kind).map_or("Plan", PlanKind::label).to_string(),
                description: t.description.clone(),
                price,
                price_note,
                billing: t.billings(),
                enrollment_fee: Money(decimal(&t.enrollment_fee)?),
                term_months: t.term_months.map(|m| m as u32),
                benefits: words,
                ineligible,
            });
        }
        offers.sort_by_key(|o| o.ineligible.is_some());
        Ok(offers)
    }

    /// Sells a template to a patient (wellness plan) or its household
    /// (package, session pack): copies the benefits, writes the schedule.
    /// Plans paid by the client start pending until the first payment.
    pub async fn sell_plan(
        &self,
        clinic: &ClinicInfo,
        patient_id: i64,
        template_id: i64,
        starts_on: NaiveDate,
        billing: Billing,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let patient = self.find_patient(clinic.organisation_id, patient_id).await?;
        if starts_on < clinic.today - Days::new(31) || starts_on > clinic.today + Days::new(366) {
            return Err(AppError::Invalid("A plan starts within a month before or a year after today.".into()));
        }
        let mut tx = self.begin_write().await?;
        let subscription_id = sell_on(&mut tx, clinic, &patient, template_id, starts_on, Some(billing), actor).await?;
        tx.commit().await?;
        Ok(subscription_id)
    }

    /// Cancels a plan with the chosen settlement, recorded with its working.
    pub async fn cancel_plan(
        &self,
        clinic: &ClinicInfo,
        subscription_id: i64,
        option: SettlementOption,
        note: &str,
        actor: &Actor,
    ) -> Result<Settlement, AppError> {
        let note = crate::domain::text::required_note(note, "why the plan is cancelled").map_err(AppError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let settlement = super::settlement::settlement_on(&mut tx, clinic, subscription_id, option).await?;
        let json = serde_json::to_string(&settlement).map_err(|_| AppError::Internal)?;
        require_step(&mut tx, subscription_id, Step::Cancel, clinic.today).await?;
        sqlx::query("UPDATE subscriptions SET cancelled_on = $1, settlement_json = $2 WHERE id = $3")
            .bind(Day(clinic.today))
            .bind(json)
            .bind(subscription_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE payments SET status = 'cancelled' WHERE subscription_id = $1 AND status IN ('due', 'failed')",
        )
        .bind(subscription_id)
        .execute(&mut *tx)
        .await?;
        let detail = settlement.working.last().cloned().unwrap_or_default();
        Audit {
            action: "cancel",
            entity: "subscription",
            entity_id: subscription_id,
            detail: &detail,
            note: Some(note),
        }
        .write(&mut tx, clinic.organisation_id, actor)
        .await?;
        tx.commit().await?;
        Ok(settlement)
    }
}

/// [`Store::sell_plan`] inside a write transaction the caller holds, so a
/// sale can be one step of something larger (a booking that starts a new
/// pack: both happen or neither). `billing: None` takes the template's
/// first way to bill, paying in advance first.
pub(crate) async fn sell_on(
    tx: &mut Conn,
    clinic: &ClinicInfo,
    patient: &PatientInfo,
    template_id: i64,
    starts_on: NaiveDate,
    billing: Option<Billing>,
    actor: &Actor,
) -> Result<i64, AppError> {
    let template = template_on_sale(tx, clinic.organisation_id, template_id).await?;
    if let Some(why) = refusal(tx, clinic, &template, patient, None).await? {
        return Err(AppError::Conflict(why));
    }
    eligible(&offer(&template), &patient.name, &patient.species, patient.birth_date, starts_on)
        .map_err(AppError::Invalid)?;
    let offered = template.billings();
    let billing = match billing {
        Some(billing) => billing,
        None => Billing::ALL
            .into_iter()
            .filter(|b| offered.contains(b))
            .min_by_key(|b| *b != Billing::Advance)
            .ok_or_else(|| AppError::Invalid(format!("{} has no way to bill set.", template.name)))?,
    };
    if !offered.contains(&billing) {
        return Err(AppError::Invalid(format!(
            "{} is not billed by {}; choose one of the ways offered.",
            template.name,
            billing.label().to_lowercase()
        )));
    }
    let subscription_id = write_sale(tx, clinic, &template, patient, starts_on, billing, None).await?;
    let detail = format!("Sold {} to {} ({})", template.name, patient.name, billing.code());
    Audit { action: "sell", entity: "subscription", entity_id: subscription_id, detail: &detail, note: None }
        .write(tx, clinic.organisation_id, actor)
        .await?;
    Ok(subscription_id)
}

/// Writes a sold subscription: the contract, its copied benefits, its
/// payment schedule. `renews` links a renewal to the term it follows.
pub(crate) async fn write_sale(
    tx: &mut Conn,
    clinic: &ClinicInfo,
    template: &SqlTemplate,
    patient: &PatientInfo,
    starts_on: NaiveDate,
    billing: Billing,
    renews: Option<i64>,
) -> Result<i64, AppError> {
    let months = template.term_months.map(|m| m as u32);
    let ends_on = months.and_then(|m| term_end(starts_on, m));
    // Paid by the client: it starts with the first payment. Paid by a third
    // party or settled by hand: it runs from the sale.
    let status = match billing {
        Billing::Monthly | Billing::Advance => SubscriptionStatus::Pending,
        Billing::ThirdParty | Billing::Manual => SubscriptionStatus::Active,
    };
    // A wellness plan, and a pack made for one pet, belong to that pet.
    let for_the_pet = template.kind == "wellness" || template.one_pet;
    let (price, _) = sale_price(&mut *tx, clinic, template, patient, renews).await?;
    // Joining is charged once: a renewal, made by hand or automatically,
    // carries no enrollment fee.
    let fee = if renews.is_some() { Money::ZERO } else { Money(decimal(&template.enrollment_fee)?) };
    // The plan keeps the terms it was sold under: cancellation, automatic
    // renewal and the longest hold.
    let terms = plan_rules(&mut *tx, clinic.organisation_id).await?;
    let subscription_id: i64 = sqlx::query_scalar(
        "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name, kind,
                                    status, starts_on, ends_on, price, member_discount_percent, billing, enrollment_fee,
                                    renews_subscription_id, no_show, cancellation_fee, cooling_off_days,
                                    auto_renew, max_hold_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                 (SELECT no_show FROM plan_templates WHERE id = $3), $16, $17,
                 (SELECT auto_renew FROM plan_templates WHERE id = $3), $18) RETURNING id",
    )
    .bind(clinic.organisation_id)
    .bind(clinic.id)
    .bind(template.id)
    .bind(patient.client_id)
    .bind(for_the_pet.then_some(patient.id))
    .bind(&template.name)
    .bind(&template.kind)
    .bind(status.code())
    .bind(Day(starts_on))
    .bind(ends_on.map(Day))
    .bind(price.0.to_string())
    .bind(&template.member_discount_percent)
    .bind(billing.code())
    .bind(fee.0.to_string())
    .bind(renews)
    .bind(terms.cancellation_fee.0.to_string())
    .bind(i64::from(terms.cooling_off_days))
    .bind(terms.max_hold_days)
    .fetch_one(&mut *tx)
    .await?;
    copy_benefits(&mut *tx, subscription_id, template.id).await?;
    for due in schedule(billing, price, fee, starts_on, months.unwrap_or(1), clinic.currency.minor_digits) {
        sqlx::query("INSERT INTO payments (subscription_id, number, due_on, amount) VALUES ($1, $2, $3, $4)")
            .bind(subscription_id)
            .bind(i64::from(due.number))
            .bind(Day(due.due_on))
            .bind(due.amount.0.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(subscription_id)
}

/// Copies a template's benefits onto a new subscription: later edits of the
/// template never change what was sold.
pub(crate) async fn copy_benefits(conn: &mut Conn, subscription_id: i64, template_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                            discount_percent, position, resets)
         SELECT $1, label, item_id, group_id, limit_quantity, discount_percent, position, resets
         FROM template_benefits WHERE template_id = $2",
    )
    .bind(subscription_id)
    .bind(template_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
