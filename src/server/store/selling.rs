//! Selling plans, payments, and cancelling with a settlement.

use chrono::{Days, NaiveDate};
use sqlx::{FromRow, SqliteConnection};

use super::Store;
use super::audit::Audit;
use super::clinic::decimal;
use crate::api::clinic::ClinicInfo;
use crate::api::error::AppError;
use crate::api::patients::PatientInfo;
use crate::api::selling::TemplateOffer;
use crate::domain::{
    Billing, LifeStage, Money, Offer, PlanKind, Settlement, SettlementOption, eligible, plural, schedule, term_end,
};
use crate::server::actor::Actor;

#[derive(FromRow)]
pub(crate) struct SqlTemplate {
    id: i64,
    pub(crate) name: String,
    kind: String,
    pub(crate) species: Option<String>,
    life_stage: Option<String>,
    description: String,
    price: String,
    enrollment_fee: String,
    term_months: Option<i64>,
    member_discount_percent: Option<String>,
    available_from: Option<NaiveDate>,
    available_until: Option<NaiveDate>,
    multi_pet_discount_percent: Option<String>,
    billing_options: String,
}

impl SqlTemplate {
    /// The billing choices this template offers.
    pub(crate) fn billings(&self) -> Vec<Billing> {
        self.billing_options.split(',').filter_map(Billing::from_code).collect()
    }
}

#[derive(FromRow)]
struct SqlTemplateBenefit {
    label: String,
    limit_quantity: Option<i64>,
    discount_percent: String,
    unit_name: String,
    subunit_name: Option<String>,
    resets: String,
}

const TEMPLATE_COLUMNS: &str = "id, name, kind, species, life_stage, description, price, enrollment_fee, term_months,
     member_discount_percent, available_from, available_until, multi_pet_discount_percent, billing_options
     FROM plan_templates";

/// A template that may be sold now, or a clear "not on sale".
pub(crate) async fn template_on_sale(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    template_id: i64,
) -> Result<SqlTemplate, AppError> {
    sqlx::query_as(&format!("SELECT {TEMPLATE_COLUMNS} WHERE id = ? AND organisation_id = ? AND active = 1"))
        .bind(template_id)
        .bind(organisation_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Plan template number {template_id} is not on sale; pick another.")))
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
            "SELECT {TEMPLATE_COLUMNS} WHERE organisation_id = ? AND active = 1 ORDER BY name"
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
                 LEFT JOIN item_groups g ON g.id = b.group_id WHERE b.template_id = ? ORDER BY b.position",
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
        let template = template_on_sale(&mut tx, clinic.organisation_id, template_id).await?;
        if let Some(why) = refusal(&mut tx, clinic, &template, &patient, None).await? {
            return Err(AppError::Conflict(why));
        }
        eligible(&offer(&template), &patient.name, &patient.species, patient.birth_date, starts_on)
            .map_err(AppError::Invalid)?;
        if !template.billings().contains(&billing) {
            return Err(AppError::Invalid(format!(
                "{} is not billed by {}; choose one of the ways offered.",
                template.name,
                billing.label().to_lowercase()
            )));
        }
        let subscription_id = write_sale(&mut tx, clinic, &template, &patient, starts_on, billing, None).await?;
        let detail = format!("Sold {} to {} ({})", template.name, patient.name, billing.code());
        Audit { action: "sell", entity: "subscription", entity_id: subscription_id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(subscription_id)
    }

    /// Records a payment; the first one makes a pending plan active.
    pub async fn record_payment(
        &self,
        clinic: &ClinicInfo,
        payment_id: i64,
        method: &str,
        reference: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let reference = reference.trim();
        if !["cash", "card", "transfer"].contains(&method) {
            return Err(AppError::Invalid("Choose how it was paid: cash, card or transfer.".into()));
        }
        if method != "cash" && reference.is_empty() {
            return Err(AppError::Invalid("Add the card slip or transfer reference.".into()));
        }
        if reference.chars().count() > 64 {
            return Err(AppError::Invalid("Keep the reference under 64 characters.".into()));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT p.subscription_id, p.status, s.status FROM payments p JOIN subscriptions s ON s.id = p.subscription_id
             WHERE p.id = ? AND s.organisation_id = ?",
        )
        .bind(payment_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (subscription_id, payment_status, plan_status) =
            row.ok_or_else(|| AppError::NotFound(format!("There is no payment number {payment_id}.")))?;
        match payment_status.as_str() {
            "paid" => return Err(AppError::Conflict("This payment is already recorded; nothing was changed.".into())),
            "cancelled" => return Err(AppError::Conflict("This payment was cancelled with the plan.".into())),
            _ => {}
        }
        sqlx::query(
            "UPDATE payments SET status = 'paid', paid_on = ?, method = ?, reference = ?, recorded_by_name = ? WHERE id = ?",
        )
        .bind(clinic.today)
        .bind(method)
        .bind((!reference.is_empty()).then_some(reference))
        .bind(&actor.name)
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
        // The first payment starts a pending plan; paying the last failed
        // instalment brings a past-due plan back.
        let failed: i64 =
            sqlx::query_scalar("SELECT count(*) FROM payments WHERE subscription_id = ? AND status = 'failed'")
                .bind(subscription_id)
                .fetch_one(&mut *tx)
                .await?;
        if plan_status == "pending" || (plan_status == "past_due" && failed == 0) {
            sqlx::query("UPDATE subscriptions SET status = 'active' WHERE id = ?")
                .bind(subscription_id)
                .execute(&mut *tx)
                .await?;
        }
        let detail = format!("Payment {payment_id} received by {method}");
        Audit { action: "payment", entity: "subscription", entity_id: subscription_id, detail: &detail, note: None }
            .write(&mut tx, clinic.organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a due payment as failed, with what the bank or terminal said.
    pub async fn record_failed_payment(
        &self,
        clinic: &ClinicInfo,
        payment_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.chars().count() > 64 {
            return Err(AppError::Invalid("Keep the reason under 64 characters.".into()));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT p.subscription_id, p.status FROM payments p JOIN subscriptions s ON s.id = p.subscription_id
             WHERE p.id = ? AND s.organisation_id = ?",
        )
        .bind(payment_id)
        .bind(clinic.organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (subscription_id, status) =
            row.ok_or_else(|| AppError::NotFound(format!("There is no payment number {payment_id}.")))?;
        if status != "due" {
            return Err(AppError::Conflict(format!("This payment is {status}; only a due payment can fail.")));
        }
        sqlx::query("UPDATE payments SET status = 'failed', reference = ?, recorded_by_name = ? WHERE id = ?")
            .bind((!reason.is_empty()).then_some(reason))
            .bind(&actor.name)
            .bind(payment_id)
            .execute(&mut *tx)
            .await?;
        let detail = format!("Payment {payment_id} failed");
        Audit {
            action: "payment_failed",
            entity: "subscription",
            entity_id: subscription_id,
            detail: &detail,
            note: (!reason.is_empty()).then_some(reason),
        }
        .write(&mut tx, clinic.organisation_id, actor)
        .await?;
        tx.commit().await?;
        Ok(())
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
        let note = note.trim();
        if note.chars().count() < 3 {
            return Err(AppError::Invalid("Write a short note saying why the plan is cancelled.".into()));
        }
        let mut tx = self.begin_write().await?;
        let settlement = super::settlement::settlement_on(&mut tx, clinic, subscription_id, option).await?;
        let json = serde_json::to_string(&settlement).map_err(|_| AppError::Internal)?;
        sqlx::query(
            "UPDATE subscriptions SET status = 'cancelled', cancelled_on = ?, settlement_json = ? WHERE id = ?",
        )
        .bind(clinic.today)
        .bind(json)
        .bind(subscription_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE payments SET status = 'cancelled' WHERE subscription_id = ? AND status IN ('due', 'failed')",
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

/// Writes a sold subscription: the contract, its copied benefits, its
/// payment schedule. `renews` links a renewal to the term it follows.
pub(crate) async fn write_sale(
    tx: &mut SqliteConnection,
    clinic: &ClinicInfo,
    template: &SqlTemplate,
    patient: &PatientInfo,
    starts_on: NaiveDate,
    billing: Billing,
    renews: Option<i64>,
) -> Result<i64, AppError> {
    let months = template.term_months.map(|m| m as u32);
    let ends_on = months.and_then(|m| term_end(starts_on, m));
    let status = match billing {
        Billing::Monthly | Billing::Advance => "pending",
        Billing::ThirdParty | Billing::Manual => "active",
    };
    let wellness = template.kind == "wellness";
    let (price, _) = sale_price(&mut *tx, clinic, template, patient, renews).await?;
    let subscription_id: i64 = sqlx::query_scalar(
        "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name, kind,
                                    status, starts_on, ends_on, price, member_discount_percent, billing, enrollment_fee,
                                    renews_subscription_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(clinic.organisation_id)
    .bind(clinic.id)
    .bind(template.id)
    .bind(patient.client_id)
    .bind(wellness.then_some(patient.id))
    .bind(&template.name)
    .bind(&template.kind)
    .bind(status)
    .bind(starts_on)
    .bind(ends_on)
    .bind(price.0.to_string())
    .bind(&template.member_discount_percent)
    .bind(billing.code())
    .bind(&template.enrollment_fee)
    .bind(renews)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                            discount_percent, position, resets)
         SELECT ?, label, item_id, group_id, limit_quantity, discount_percent, position, resets
         FROM template_benefits WHERE template_id = ?",
    )
    .bind(subscription_id)
    .bind(template.id)
    .execute(&mut *tx)
    .await?;
    let fee = Money(decimal(&template.enrollment_fee)?);
    for due in schedule(billing, price, fee, starts_on, months.unwrap_or(1), clinic.currency.minor_digits) {
        sqlx::query("INSERT INTO payments (subscription_id, number, due_on, amount) VALUES (?, ?, ?, ?)")
            .bind(subscription_id)
            .bind(i64::from(due.number))
            .bind(due.due_on)
            .bind(due.amount.0.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(subscription_id)
}

/// Why this template cannot be sold to this patient here, beyond species,
/// age and dates: the clinic does not offer it, or the pet already has a
/// wellness plan running (`renewing` is the plan a renewal follows).
pub(crate) async fn refusal(
    conn: &mut SqliteConnection,
    clinic: &ClinicInfo,
    template: &SqlTemplate,
    patient: &PatientInfo,
    renewing: Option<i64>,
) -> Result<Option<String>, AppError> {
    let offered_here: bool = sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM template_clinics WHERE template_id = ?)
             OR EXISTS (SELECT 1 FROM template_clinics WHERE template_id = ? AND clinic_id = ?)",
    )
    .bind(template.id)
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
    let running: Option<(String, String, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT plan_name, status, ends_on FROM subscriptions
         WHERE patient_id = ? AND kind = 'wellness' AND status IN ('pending', 'active', 'on_hold', 'past_due')
           AND id IS NOT ?
         ORDER BY starts_on LIMIT 1",
    )
    .bind(patient.id)
    .bind(renewing)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(running.map(|(plan, status, ends)| {
        let until = ends.map_or(String::new(), |e| format!(" until {e}"));
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
    conn: &mut SqliteConnection,
    clinic: &ClinicInfo,
    template: &SqlTemplate,
    patient: &PatientInfo,
    renews: Option<i64>,
) -> Result<(Money, Option<String>), AppError> {
    let mut price = Money(decimal(&template.price)?);
    let mut notes = Vec::new();
    if let Some(previous) = renews {
        let locked: Option<String> = sqlx::query_scalar(
            "SELECT renewal_price FROM subscriptions WHERE id = ? AND template_id = ? AND renewal_price IS NOT NULL",
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
        let other_pets: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM subscriptions WHERE client_id = ? AND kind = 'wellness' AND patient_id <> ?
               AND status IN ('pending', 'active', 'on_hold', 'past_due')",
        )
        .bind(patient.client_id)
        .bind(patient.id)
        .fetch_one(&mut *conn)
        .await?;
        if other_pets > 0 {
            let off = (price.0 * percent / rust_decimal::Decimal::from(100)).round_dp(clinic.currency.minor_digits);
            price = Money(price.0 - off);
            notes.push(format!("{}% multi-pet discount", percent.normalize()));
        }
    }
    Ok((price, (!notes.is_empty()).then(|| notes.join("; "))))
}
