//! The demo clinic: a realistic catalog, plan templates, owners, pets,
//! subscriptions in every state and some usage history. Dates are relative
//! to the day it is created, so the demo always looks current.

use chrono::{Months, NaiveDate};
use sqlx::{Sqlite, Transaction};

use super::Store;

/// One catalog row of the demo.
struct Item {
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    unit: &'static str,
    /// Subunit name and how many make one unit.
    subunit: Option<(&'static str, i64)>,
    price: &'static str,
    group: Option<i64>,
}

const fn item(
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    unit: &'static str,
    price: &'static str,
) -> Item {
    Item { code, name, kind, unit, subunit: None, price, group: None }
}

const ITEMS: &[Item] = &[
    item("EXAM", "Wellness exam", "service", "exam", "55.00"),
    Item { group: Some(1), ..item("VAC-DHPP", "DHPP vaccine", "product", "dose", "42.00") },
    Item { group: Some(1), ..item("VAC-RAB", "Rabies vaccine", "product", "dose", "38.00") },
    Item { group: Some(1), ..item("VAC-LEP", "Leptospirosis vaccine", "product", "dose", "36.00") },
    Item { group: Some(2), ..item("VAC-FVRCP", "FVRCP vaccine", "product", "dose", "40.00") },
    Item { group: Some(2), ..item("VAC-FELV", "FeLV vaccine", "product", "dose", "39.00") },
    Item { subunit: Some(("tablet", 6)), ..item("PAR-NXG", "NexGard chewables", "product", "box", "72.00") },
    Item { subunit: Some(("tablet", 4)), ..item("PAR-MLB", "Milbemax tablets", "product", "box", "28.00") },
    item("DEN-CLN", "Dental cleaning", "service", "procedure", "180.00"),
    item("LAB-CBC", "Complete blood count", "service", "test", "65.00"),
    item("LAB-CHEM", "Senior chemistry panel", "service", "test", "95.00"),
    item("LAB-FEC", "Fecal exam", "service", "test", "32.00"),
    item("NAIL", "Nail trim", "service", "trim", "15.00"),
    item("MICRO", "Microchip", "product", "chip", "45.00"),
    item("DAYCARE", "Daycare day", "service", "day", "35.00"),
    item("PHYSIO", "Physiotherapy session", "service", "session", "70.00"),
    item("GROOM", "Full groom", "service", "groom", "60.00"),
    item("XRAY", "Radiograph", "service", "image", "120.00"),
];

/// What a benefit covers: an item (1-based index into ITEMS) or a group.
#[derive(Clone, Copy)]
enum On {
    Item(i64),
    Group(i64),
}

struct Template {
    name: &'static str,
    kind: &'static str,
    species: Option<&'static str>,
    stage: Option<&'static str>,
    description: &'static str,
    price: &'static str,
    term_months: Option<u32>,
    member_discount: Option<&'static str>,
    benefits: &'static [(&'static str, On, Option<i64>, &'static str)],
}

const TEMPLATES: &[Template] = &[
    Template {
        name: "Puppy Plan",
        kind: "wellness",
        species: Some("dog"),
        stage: Some("puppy"),
        description: "First-year care: exams, the full vaccine course and parasite control.",
        price: "348.00",
        term_months: Some(12),
        member_discount: Some("10"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(3), "100"),
            ("Core vaccines", On::Group(1), Some(4), "100"),
            ("NexGard chewables", On::Item(7), Some(24), "100"),
            ("Fecal exams", On::Item(12), Some(2), "100"),
            ("Microchip", On::Item(14), Some(1), "100"),
            ("Nail trims", On::Item(13), None, "100"),
        ],
    },
    Template {
        name: "Kitten Plan",
        kind: "wellness",
        species: Some("cat"),
        stage: Some("kitten"),
        description: "First-year care for kittens.",
        price: "312.00",
        term_months: Some(12),
        member_discount: Some("10"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(3), "100"),
            ("Cat vaccines", On::Group(2), Some(4), "100"),
            ("Milbemax tablets", On::Item(8), Some(12), "100"),
            ("Fecal exams", On::Item(12), Some(2), "100"),
            ("Microchip", On::Item(14), Some(1), "100"),
            ("Nail trims", On::Item(13), None, "100"),
        ],
    },
    Template {
        name: "Adult Dog Plan",
        kind: "wellness",
        species: Some("dog"),
        stage: Some("adult"),
        description: "Yearly care for grown dogs, with half-price dental cleaning.",
        price: "420.00",
        term_months: Some(12),
        member_discount: Some("10"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(2), "100"),
            ("Core vaccines", On::Group(1), Some(3), "100"),
            ("NexGard chewables", On::Item(7), Some(72), "100"),
            ("Dental cleaning", On::Item(9), Some(1), "50"),
            ("Blood count", On::Item(10), Some(1), "100"),
            ("Nail trims", On::Item(13), None, "100"),
            ("Fecal exam", On::Item(12), Some(1), "100"),
        ],
    },
    Template {
        name: "Senior Cat Plan",
        kind: "wellness",
        species: Some("cat"),
        stage: Some("senior"),
        description: "Twice-yearly checks and bloodwork for cats over ten.",
        price: "456.00",
        term_months: Some(12),
        member_discount: Some("15"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(2), "100"),
            ("Cat vaccines", On::Group(2), Some(2), "100"),
            ("Chemistry panels", On::Item(11), Some(2), "100"),
            ("Blood count", On::Item(10), Some(1), "100"),
            ("Dental cleaning", On::Item(9), Some(1), "100"),
            ("Milbemax tablets", On::Item(8), Some(12), "100"),
        ],
    },
    Template {
        name: "Daycare 10-day pack",
        kind: "package",
        species: None,
        stage: None,
        description: "Ten days of daycare for any dog of the household.",
        price: "315.00",
        term_months: None,
        member_discount: None,
        benefits: &[("Daycare days", On::Item(15), Some(10), "100")],
    },
    Template {
        name: "Physio 6-session pack",
        kind: "session_pack",
        species: None,
        stage: None,
        description: "Six physiotherapy sessions within six months (referral).",
        price: "378.00",
        term_months: Some(6),
        member_discount: None,
        benefits: &[("Physiotherapy sessions", On::Item(16), Some(6), "100")],
    },
];

const CLIENTS: &[(&str, &str, &str)] = &[
    ("Emma", "de Vries", "+31 6 1234 5601"),
    ("Liam", "Jansen", "+31 6 1234 5602"),
    ("Sophie", "Bakker", "+31 6 1234 5603"),
    ("Noah", "Visser", "+31 6 1234 5604"),
    ("Julia", "Smit", "+31 6 1234 5605"),
    ("Daan", "Meijer", "+31 6 1234 5606"),
    ("Tess", "de Boer", "+31 6 1234 5607"),
    ("Sem", "Mulder", "+31 6 1234 5608"),
    ("Anna", "de Groot", "+31 6 1234 5609"),
    ("Lucas", "Bos", "+31 6 1234 5610"),
    ("Mila", "Vos", "+31 6 1234 5611"),
    ("Finn", "Peters", "+31 6 1234 5612"),
    ("Sara", "Hendriks", "+31 6 1234 5613"),
    ("Levi", "van Dijk", "+31 6 1234 5614"),
    ("Zoë", "Dekker", "+31 6 1234 5615"),
    ("Milan", "Brouwer", "+31 6 1234 5616"),
    ("Eva", "de Wit", "+31 6 1234 5617"),
    ("Jesse", "Dijkstra", "+31 6 1234 5618"),
    ("Lotte", "Smits", "+31 6 1234 5619"),
    ("Thomas", "de Graaf", "+31 6 1234 5620"),
];

/// (client index, name, species, breed, sex, age in months)
const PATIENTS: &[(usize, &str, &str, &str, &str, u32)] = &[
    (0, "Rex", "dog", "Labrador Retriever", "male", 5),
    (0, "Mimi", "cat", "British Shorthair", "female", 136),
    (1, "Bella", "dog", "Border Collie", "female", 40),
    (2, "Luna", "cat", "Maine Coon", "female", 4),
    (2, "Max", "dog", "Golden Retriever", "male", 62),
    (3, "Charlie", "dog", "Beagle", "male", 7),
    (4, "Nala", "cat", "Domestic Shorthair", "female", 150),
    (5, "Bruno", "dog", "German Shepherd", "male", 30),
    (5, "Pip", "rabbit", "Holland Lop", "male", 18),
    (6, "Milo", "cat", "Siamese", "male", 3),
    (7, "Daisy", "dog", "Cavalier King Charles", "female", 55),
    (8, "Oscar", "cat", "Norwegian Forest", "male", 128),
    (9, "Loki", "dog", "Husky", "male", 9),
    (9, "Saar", "dog", "Dachshund", "female", 84),
    (10, "Simba", "cat", "Bengal", "male", 5),
    (11, "Teddy", "dog", "Poodle", "male", 26),
    (12, "Kiki", "cat", "Ragdoll", "female", 140),
    (13, "Bommel", "dog", "Bernese Mountain Dog", "male", 6),
    (14, "Fleur", "cat", "Persian", "female", 45),
    (15, "Rocky", "dog", "Boxer", "male", 70),
    (15, "Moos", "cat", "Domestic Longhair", "male", 125),
    (16, "Lola", "dog", "French Bulldog", "female", 11),
    (17, "Tommie", "cat", "Domestic Shorthair", "male", 2),
    (18, "Sam", "dog", "Jack Russell", "male", 98),
    (18, "Dribbel", "dog", "Labradoodle", "female", 4),
    (19, "Guus", "dog", "Staffordshire Terrier", "male", 48),
    (19, "Poes", "cat", "Domestic Shorthair", "female", 160),
    (3, "Bobbie", "dog", "Cocker Spaniel", "female", 36),
    (7, "Sky", "cat", "Abyssinian", "female", 8),
    (12, "Dex", "dog", "Whippet", "male", 20),
];

/// (patient index for wellness plans / client index for packs, template
/// index, status, months since the start)
const SUBSCRIPTIONS: &[(usize, usize, &str, i32)] = &[
    (0, 0, "active", 2),
    (1, 3, "active", 5),
    (2, 2, "active", 8),
    (3, 1, "active", 1),
    (4, 2, "past_due", 6),
    (5, 0, "active", 4),
    (6, 3, "active", 10),
    (7, 2, "expired", 14),
    (7, 2, "active", 2),
    (9, 1, "pending", 0),
    (10, 2, "on_hold", 5),
    (11, 3, "active", 3),
    (12, 0, "active", 7),
    (13, 2, "cancelled", 9),
    (14, 1, "active", 2),
    (15, 2, "active", 11),
    (16, 3, "active", 6),
    (17, 0, "active", 3),
    (19, 2, "active", 1),
    (20, 3, "expired", 13),
    (21, 0, "active", 9),
    (22, 1, "active", 1),
    (23, 2, "active", 4),
    (24, 0, "pending", 0),
    (25, 2, "active", 7),
    (26, 3, "active", 2),
];

/// (client index, template index, status, months since the start)
const PACKS: &[(usize, usize, &str, i32)] =
    &[(0, 4, "active", 1), (9, 4, "active", 3), (15, 4, "active", 2), (5, 5, "active", 2), (19, 5, "active", 1)];

const STAFF: &[&str] = &["Dr. Sarah Jansen", "Dr. Pieter Kok", "Front desk (Marloes)"];

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
             VALUES (1, 1, 'Maple Street Veterinary Clinic', 'EUR', 2, 'Europe/Amsterdam', 'Plan member')",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO settings (organisation_id, key, value) VALUES (1, 'past_due_usable', 'true'),
                    (1, 'cancellation_fee', '25.00'), (1, 'cooling_off_days', '14')",
        )
        .execute(&mut *tx)
        .await?;
        seed_catalog(&mut tx).await?;
        for (label, item, percent, from, until) in [
            ("Dental health month", 9, "15", today - chrono::Days::new(10), today + chrono::Days::new(20)),
            ("Senior screening weeks", 11, "10", today - chrono::Days::new(3), today + chrono::Days::new(25)),
        ] {
            sqlx::query(
                "INSERT INTO promotions (organisation_id, label, item_id, percent, starts_on, ends_on)
                 VALUES (1, ?, ?, ?, ?, ?)",
            )
            .bind(label)
            .bind(item)
            .bind(percent)
            .bind(from)
            .bind(until)
            .execute(&mut *tx)
            .await?;
        }
        seed_people(&mut tx).await?;
        seed_subscriptions(&mut tx, today).await?;
        tx.commit().await
    }
}

async fn seed_catalog(tx: &mut Transaction<'static, Sqlite>) -> Result<(), sqlx::Error> {
    for (id, name, unit) in [(1, "Core vaccines", "dose"), (2, "Cat vaccines", "dose")] {
        sqlx::query("INSERT INTO item_groups (id, organisation_id, name, unit_name) VALUES (?, 1, ?, ?)")
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
             VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    for (t, template) in TEMPLATES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO plan_templates (id, organisation_id, name, kind, species, life_stage, description, price,
                                         term_months, auto_renew, member_discount_percent)
             VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(t as i64 + 1)
        .bind(template.name)
        .bind(template.kind)
        .bind(template.species)
        .bind(template.stage)
        .bind(template.description)
        .bind(template.price)
        .bind(template.term_months)
        .bind(template.kind == "wellness")
        .bind(template.member_discount)
        .execute(&mut **tx)
        .await?;
        for (position, (label, on, limit, discount)) in template.benefits.iter().enumerate() {
            let (item, group) = match on {
                On::Item(i) => (Some(*i), None),
                On::Group(g) => (None, Some(*g)),
            };
            sqlx::query(
                "INSERT INTO template_benefits (template_id, label, item_id, group_id, limit_quantity,
                                                discount_percent, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
    }
    Ok(())
}

async fn seed_people(tx: &mut Transaction<'static, Sqlite>) -> Result<(), sqlx::Error> {
    for (n, (first, last, phone)) in CLIENTS.iter().enumerate() {
        let email =
            format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase().replace(' ', "")).replace('ë', "e");
        sqlx::query(
            "INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name, email, phone)
             VALUES (?, 1, 1, ?, ?, ?, ?)",
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

async fn seed_subscriptions(tx: &mut Transaction<'static, Sqlite>, today: NaiveDate) -> Result<(), sqlx::Error> {
    for (n, (client, name, species, breed, sex, age)) in PATIENTS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO patients (id, client_id, name, species, breed, sex, birth_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(n as i64 + 1)
        .bind(*client as i64 + 1)
        .bind(name)
        .bind(species)
        .bind(breed)
        .bind(sex)
        .bind(today - Months::new(*age))
        .execute(&mut **tx)
        .await?;
    }
    let mut dice = Dice(20_261_122);
    let wellness = SUBSCRIPTIONS.iter().map(|&(p, t, s, m)| (PATIENTS[p].0, Some(p as i64 + 1), t, s, m));
    let packs = PACKS.iter().map(|&(c, t, s, m)| (c, None, t, s, m));
    for (client, patient, t, status, months_ago) in wellness.chain(packs) {
        let template = &TEMPLATES[t];
        let starts = months_before(today, months_ago);
        let ends = template.term_months.map(|m| starts + Months::new(m) - chrono::Days::new(1));
        let sub_id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name,
                                        kind, status, starts_on, ends_on, price, member_discount_percent, billing)
             VALUES (1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(t as i64 + 1)
        .bind(client as i64 + 1)
        .bind(patient)
        .bind(template.name)
        .bind(template.kind)
        .bind(status)
        .bind(starts)
        .bind(ends)
        .bind(template.price)
        .bind(template.member_discount)
        .bind(if template.kind == "wellness" { "monthly" } else { "advance" })
        .fetch_one(&mut **tx)
        .await?;
        seed_payments(tx, sub_id, template, status, starts, today).await?;
        let user_patient = match patient {
            Some(p) => p,
            None => PATIENTS.iter().position(|p| p.0 == client).map_or(1, |i| i as i64 + 1),
        };
        for (position, (label, on, limit, discount)) in template.benefits.iter().enumerate() {
            let (item, group) = match on {
                On::Item(i) => (Some(*i), None),
                On::Group(g) => (None, Some(*g)),
            };
            let benefit_id: i64 = sqlx::query_scalar(
                "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                                    discount_percent, position)
                 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                sqlx::query(
                    "INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                                               source_key, actor_name, note, created_at)
                     VALUES (?, ?, ?, ?, 'import_line', ?, ?, ?, ?)",
                )
                .bind(benefit_id)
                .bind(user_patient)
                .bind(used_item)
                .bind(quantity)
                .bind(format!("demo:{benefit_id}:{visit}"))
                .bind(STAFF[dice.roll(STAFF.len() as i64) as usize])
                .bind(format!("Visit on {when}"))
                .bind(format!("{when}T10:{:02}:00Z", dice.roll(60)))
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// A schedule for a demo plan, paid up to today; a past-due plan's latest
/// instalment failed, a pending plan has paid nothing yet.
async fn seed_payments(
    tx: &mut Transaction<'static, Sqlite>,
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
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(subscription_id)
        .bind(i64::from(instalment.number))
        .bind(instalment.due_on)
        .bind(instalment.amount.0.to_string())
        .bind(state)
        .bind(paid.then_some(instalment.due_on))
        .bind(paid.then_some("card"))
        .bind(paid.then_some("Front desk (Marloes)"))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
