//! The demo clinic: a realistic catalog, plan templates, owners, pets,
//! subscriptions in every state and some usage history. Dates are relative
//! to the day it is created, so the demo always looks current.

use chrono::{Months, NaiveDate};

use super::Store;
use crate::domain::Role;
use crate::server::store::Tx;
use crate::wire::stored::{Day, Flag};
use data::{CLIENTS, ITEMS, PACKS, PATIENTS, STAFF, SUBSCRIPTIONS, TEMPLATES, Template};

mod calendar;
mod data;
mod earlier_uses;
pub mod group;
mod visits;

use calendar::DEMO_TIME_ZONE;
pub use calendar::demo_today;
use earlier_uses::EarlierUse;

/// A small deterministic generator: the demo is the same on every machine.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below.max(1) as u64) as i64
    }
}

fn months_before(today: NaiveDate, months: i32) -> NaiveDate {
    if months >= 0 { today - Months::new(months as u32) } else { today + Months::new(months.unsigned_abs()) }
}

impl Store {
    /// True when no clinic exists yet.
    pub async fn is_empty(&self) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM clinics").fetch_one(self.reader()).await?;
        Ok(n == 0)
    }

    /// Fills an empty database with the demo clinic, in one transaction.
    pub async fn seed_demo(&self, today: NaiveDate) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO organisations (id, name) VALUES (1, 'Maple Street Veterinary Group')")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO clinics (id, organisation_id, name, currency, minor_digits, time_zone, member_tag_label)
             VALUES (1, 1, 'Maple Street Veterinary Clinic', 'EUR', 2, $1, 'Plan member')",
        )
        .bind(DEMO_TIME_ZONE.name())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO settings (organisation_id, key, value) VALUES (1, 'past_due_usable', 'true'),
                    (1, 'cancellation_fee', '25.00'), (1, 'cooling_off_days', '14')",
        )
        .execute(&mut *tx)
        .await?;
        seed_catalog(&mut tx).await?;
        super::dialect::realign_ids(&mut tx).await?;
        for (label, item, percent, from, until) in [
            ("Dental health month", 9, "15", today - chrono::Days::new(10), today + chrono::Days::new(20)),
            ("Senior screening weeks", 11, "10", today - chrono::Days::new(3), today + chrono::Days::new(25)),
        ] {
            sqlx::query(
                "INSERT INTO promotions (organisation_id, label, item_id, percent, starts_on, ends_on)
                 VALUES (1, $1, $2, $3, $4, $5)",
            )
            .bind(label)
            .bind(item)
            .bind(percent)
            .bind(Day(from))
            .bind(Day(until))
            .execute(&mut *tx)
            .await?;
        }
        seed_people(&mut tx).await?;
        super::dialect::realign_ids(&mut tx).await?;
        seed_subscriptions(&mut tx, today).await?;
        super::dialect::realign_ids(&mut tx).await?;
        seed_accounts(&mut tx).await?;
        super::dialect::realign_ids(&mut tx).await?;
        visits::seed_visits(&mut tx, today).await?;
        super::dialect::realign_ids(&mut tx).await?;
        // The practice system's codes and patient ids: "WP-EXAM" for EXAM,
        // "PMS-1001" for patient 1, so an export can be imported at once.
        sqlx::query(
            "INSERT INTO pims_codes (organisation_id, code, item_id) SELECT 1, 'WP-' || code, id FROM catalog_items",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO pims_patients (organisation_id, pims_patient_id, patient_id)
             SELECT 1, 'PMS-' || (1000 + id), id FROM patients",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}

async fn seed_catalog(tx: &mut Tx) -> Result<(), sqlx::Error> {
    for (id, name, unit) in [(1, "Core vaccines", "dose"), (2, "Cat vaccines", "dose")] {
        sqlx::query("INSERT INTO item_groups (id, organisation_id, name, unit_name) VALUES ($1, 1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(unit)
            .execute(&mut **tx)
            .await?;
    }
    for (n, it) in ITEMS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO catalog_items (id, organisation_id, code, name, kind, unit_name, subunit_name,
                                        subunit_per_unit, regular_price, group_id)
             VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(n as i64 + 1)
        .bind(it.code)
        .bind(it.name)
        .bind(it.kind)
        .bind(it.unit)
        .bind(it.subunit.map(|s| s.0))
        .bind(it.subunit.map(|s| s.1))
        .bind(it.price)
        .bind(it.group)
        .execute(&mut **tx)
        .await?;
    }
    // Selling a template below files its pack as a catalog item of its own.
    super::dialect::realign_ids(tx).await?;
    for (t, template) in TEMPLATES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO plan_templates (id, organisation_id, name, kind, species, life_stage, description, price,
                                         term_months, auto_renew, member_discount_percent)
             VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(t as i64 + 1)
        .bind(template.name)
        .bind(template.kind)
        .bind(template.species)
        .bind(template.stage)
        .bind(template.description)
        .bind(template.price)
        .bind(template.term_months.map(i64::from))
        .bind(Flag(template.kind == "wellness"))
        .bind(template.member_discount)
        .execute(&mut **tx)
        .await?;
        for (position, (label, on, limit, discount)) in template.benefits.iter().enumerate() {
            let (item, group) = on.columns();
            sqlx::query(
                "INSERT INTO template_benefits (template_id, label, item_id, group_id, limit_quantity,
                                                discount_percent, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(t as i64 + 1)
            .bind(label)
            .bind(item)
            .bind(group)
            .bind(limit)
            .bind(discount)
            .bind(position as i64)
            .execute(&mut **tx)
            .await?;
        }
        crate::server::store::pack_sale::sync_pack_item(tx, t as i64 + 1).await?;
    }
    Ok(())
}

async fn seed_people(tx: &mut Tx) -> Result<(), sqlx::Error> {
    for (n, (first, last, phone)) in CLIENTS.iter().enumerate() {
        let email =
            format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase().replace(' ', "")).replace('ë', "e");
        sqlx::query(
            "INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name, email, phone)
             VALUES ($1, 1, 1, $2, $3, $4, $5)",
        )
        .bind(n as i64 + 1)
        .bind(first)
        .bind(last)
        .bind(email)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn seed_subscriptions(tx: &mut Tx, today: NaiveDate) -> Result<(), sqlx::Error> {
    for (n, (client, name, species, breed, sex, age)) in PATIENTS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO patients (id, client_id, name, species, breed, sex, birth_date) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(n as i64 + 1)
        .bind(*client as i64 + 1)
        .bind(name)
        .bind(species)
        .bind(breed)
        .bind(sex)
        .bind(Day(today - Months::new(*age)))
        .execute(&mut **tx)
        .await?;
    }
    let mut dice = Dice(20_261_122);
    // The demo's earlier uses came from the practice system's invoices, one
    // per visit, numbered by day as such a system numbers them.
    let mut practice_invoice = 0;
    let wellness = SUBSCRIPTIONS.iter().map(|&(p, t, s, m)| (PATIENTS[p].0, Some(p as i64 + 1), t, s, m));
    let packs = PACKS.iter().map(|&(c, t, s, m)| (c, None, t, s, m));
    for (client, patient, t, status, months_ago) in wellness.chain(packs) {
        let template = &TEMPLATES[t];
        let starts = months_before(today, months_ago);
        let ends = template.term_months.map(|m| starts + Months::new(m) - chrono::Days::new(1));
        let sub_id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name,
                                        kind, status, starts_on, ends_on, price, member_discount_percent, billing,
                                        hold_prior_status)
             VALUES (1, 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(t as i64 + 1)
        .bind(client as i64 + 1)
        .bind(patient)
        .bind(template.name)
        .bind(template.kind)
        .bind(status)
        .bind(Day(starts))
        .bind(ends.map(Day))
        .bind(template.price)
        .bind(template.member_discount)
        .bind(if template.kind == "wellness" { "monthly" } else { "advance" })
        // The demo's held plan was paused by staff while running.
        .bind((status == "on_hold").then_some("active"))
        .fetch_one(&mut **tx)
        .await?;
        seed_payments(tx, sub_id, template, status, starts, today).await?;
        let user_patient = match patient {
            Some(p) => p,
            None => PATIENTS.iter().position(|p| p.0 == client).map_or(1, |i| i as i64 + 1),
        };
        for (position, (label, on, limit, discount)) in template.benefits.iter().enumerate() {
            let (item, group) = on.columns();
            let benefit_id: i64 = sqlx::query_scalar(
                "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                                    discount_percent, position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(sub_id)
            .bind(label)
            .bind(item)
            .bind(group)
            .bind(limit)
            .bind(discount)
            .bind(position as i64)
            .fetch_one(&mut **tx)
            .await?;
            if status == "pending" || starts > today {
                continue;
            }
            let used_item = item.unwrap_or(if group == Some(1) { 2 } else { 5 });
            let cap = limit.unwrap_or(4);
            // Every fifth benefit is used up; the rest partly used.
            let used = if (sub_id + position as i64) % 5 == 0 { cap } else { dice.roll(cap + 1) * 2 / 3 };
            let visits = used.clamp(1, 3);
            let mut left = used;
            for visit in 0..visits {
                let quantity = if visit == visits - 1 { left } else { (used / visits).max(1).min(left) };
                if quantity <= 0 {
                    break;
                }
                left -= quantity;
                let day_offset = dice.roll(i64::from(months_ago.max(1)) * 28).max(1) as u64;
                let when = (today - chrono::Days::new(day_offset)).max(starts);
                practice_invoice += 1;
                let earlier = EarlierUse {
                    benefit_id,
                    patient_id: user_patient,
                    item_id: used_item,
                    quantity,
                    on: when,
                    invoice: format!("PV-{}{:02}", when.format("%y%m%d"), practice_invoice % 100),
                    staff: STAFF[dice.roll(STAFF.len() as i64) as usize],
                    minute: dice.roll(60),
                };
                earlier.record(tx).await?;
            }
        }
    }
    // One physio pack stands for a referral, as session packs often do.
    sqlx::query(
        "UPDATE subscriptions SET authorised_by = 'referrer', authoriser_name = 'Dr Okafor, Riverside Referrals',
                authorisation_ref = 'RR-2291'
         WHERE client_id = $1 AND kind = 'session_pack'",
    )
    .bind(PACKS[3].0 as i64 + 1)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A schedule for a demo plan, paid up to today; a past-due plan's latest
/// instalment failed, a pending plan has paid nothing yet.
async fn seed_payments(
    tx: &mut Tx,
    subscription_id: i64,
    template: &Template,
    status: &str,
    starts: NaiveDate,
    today: NaiveDate,
) -> Result<(), sqlx::Error> {
    use crate::domain::{Billing, Money, schedule};
    let billing = if template.kind == "wellness" { Billing::Monthly } else { Billing::Advance };
    let price = Money(template.price.parse().unwrap_or_default());
    let due = schedule(billing, price, Money::ZERO, starts, template.term_months.unwrap_or(1), 2);
    let last_due = due.iter().rposition(|d| d.due_on <= today);
    for (n, instalment) in due.iter().enumerate() {
        let paid = status != "pending" && instalment.due_on <= today && !(status == "past_due" && Some(n) == last_due);
        let state = match (paid, status) {
            (true, _) => "paid",
            (false, "past_due") if Some(n) == last_due => "failed",
            (false, "cancelled") => "cancelled",
            _ => "due",
        };
        sqlx::query(
            "INSERT INTO payments (subscription_id, number, due_on, amount, status, paid_on, method, recorded_by_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(subscription_id)
        .bind(i64::from(instalment.number))
        .bind(Day(instalment.due_on))
        .bind(instalment.amount.0.to_string())
        .bind(state)
        .bind(paid.then_some(instalment.due_on).map(Day))
        .bind(paid.then_some("card"))
        .bind(paid.then_some("Marloes Bakker"))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The demo's sign-in password, for every demo account.
pub const DEMO_PASSWORD: &str = "carecount-demo";

/// Demo accounts: (email, name, role, client id for owners).
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, Option<i64>)] = &[
    ("sarah@maple.example", "Dr. Sarah Jansen", Role::Manager, None),
    ("pieter@maple.example", "Dr. Pieter Kok", Role::Vet, None),
    ("marloes@maple.example", "Marloes Bakker", Role::Receptionist, None),
    ("emma.devries@example.com", "Emma de Vries", Role::Owner, Some(1)),
];

async fn seed_accounts(tx: &mut Tx) -> Result<(), sqlx::Error> {
    // One hash for all: each costs tens of milliseconds by design.
    let hash = crate::server::auth::password::hash(DEMO_PASSWORD);
    for (email, name, role, client_id) in DEMO_ACCOUNTS {
        sqlx::query(
            "INSERT INTO users (organisation_id, email, display_name, role, password_hash, client_id)
             VALUES (1, $1, $2, $3, $4, $5)",
        )
        .bind(email)
        .bind(name)
        .bind(role.code())
        .bind(&hash)
        .bind(client_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
