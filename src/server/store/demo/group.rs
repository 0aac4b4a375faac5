//! The demo at a group's size: the demo clinic grown into an organisation
//! of fifty clinics with a hundred thousand patients, sixty thousand plans
//! and two million uses on the ledger, to see every page at real sizes.
//! Rows are made by SQL from a few lists of names, in one transaction: two
//! million ledger rows one by one through the driver would take minutes.

use chrono::NaiveDate;

use super::super::Store;
use super::super::dialect::Days;

/// How large a group to make.
#[derive(Clone, Copy, Debug)]
pub struct GroupSize {
    /// Clinics in the organisation, the demo clinic included.
    pub clinics: i64,
    pub clients: i64,
    pub patients: i64,
    /// Wellness plans, one per patient for the first this many patients.
    pub plans: i64,
    /// Uses on the ledger, spread over the plans' benefits within their limits.
    pub ledger: i64,
}

impl GroupSize {
    /// The size a group of clinics reaches: 50 clinics, 100,000 patients,
    /// 60,000 plans, 2,000,000 ledger entries.
    pub const GROUP: GroupSize =
        GroupSize { clinics: 50, clients: 70_000, patients: 100_000, plans: 60_000, ledger: 2_000_000 };
}

/// What a database holds, counted after growing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoCounts {
    pub clinics: i64,
    pub clients: i64,
    pub patients: i64,
    pub plans: i64,
    pub payments: i64,
    pub ledger: i64,
}

const TOWNS: [&str; 49] = [
    "Utrecht",
    "Leiden",
    "Delft",
    "Haarlem",
    "Gouda",
    "Zwolle",
    "Deventer",
    "Arnhem",
    "Nijmegen",
    "Breda",
    "Tilburg",
    "Eindhoven",
    "Maastricht",
    "Venlo",
    "Groningen",
    "Assen",
    "Leeuwarden",
    "Alkmaar",
    "Hoorn",
    "Almere",
    "Amersfoort",
    "Apeldoorn",
    "Enschede",
    "Hengelo",
    "Den Bosch",
    "Oss",
    "Roermond",
    "Heerlen",
    "Middelburg",
    "Goes",
    "Dordrecht",
    "Schiedam",
    "Vlaardingen",
    "Zoetermeer",
    "Hilversum",
    "Naarden",
    "Weesp",
    "Purmerend",
    "Zaandam",
    "Edam",
    "Lelystad",
    "Kampen",
    "Meppel",
    "Emmen",
    "Sneek",
    "Harlingen",
    "Doetinchem",
    "Zutphen",
    "Ede",
];

const FIRST_NAMES: [&str; 24] = [
    "Anna", "Bram", "Clara", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Jesse", "Kim", "Lars", "Mila", "Noah",
    "Olga", "Pim", "Quinn", "Roos", "Sem", "Tess", "Uma", "Vince", "Wies", "Yara",
];

const LAST_NAMES: [&str; 30] = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Berg",
    "van Dijk",
    "Koster",
    "Prins",
    "Huisman",
];

const PET_NAMES: [&str; 40] = [
    "Luna", "Max", "Bella", "Charlie", "Milo", "Nala", "Rocky", "Daisy", "Loki", "Coco", "Buddy", "Lola", "Simba",
    "Pip", "Teddy", "Molly", "Oscar", "Zoe", "Bailey", "Toby", "Kiki", "Bo", "Sam", "Fleur", "Guus", "Noor", "Dex",
    "Rosie", "Tijger", "Snuf", "Pluto", "Balou", "Jack", "Sophie", "Mimi", "Otto", "Juul", "Bruno", "Saar", "Fien",
];

const DOG_BREEDS: [&str; 8] =
    ["Labrador", "Border collie", "Beagle", "Dachshund", "Kooiker", "Golden retriever", "Jack Russell", "Mixed"];
const CAT_BREEDS: [&str; 5] = ["European shorthair", "Maine Coon", "British shorthair", "Siamese", "Mixed"];

/// `WITH` tables of a list's names by place: `name_list("towns", &TOWNS)`.
fn name_list(table: &str, names: &[&str]) -> String {
    let rows: Vec<String> =
        names.iter().enumerate().map(|(n, name)| format!("({n}, '{}')", name.replace('\'', "''"))).collect();
    format!("{table}(n, name) AS (VALUES {})", rows.join(", "))
}

impl Store {
    /// Grows the demo clinic (seeded just before) into a group of `size`.
    /// Plans copy the demo's active wellness plans of the pet's species;
    /// every use is within its benefit's limit and dated in the plan's term.
    pub async fn grow_demo_to_group(&self, today: NaiveDate, size: GroupSize) -> Result<DemoCounts, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let base: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT max(id) FROM clinics), (SELECT max(id) FROM clients), (SELECT max(id) FROM patients)",
        )
        .fetch_one(&mut *tx)
        .await?;
        let (clinic_base, client_base, patient_base) = base;
        let numbers =
            |count: i64| format!("n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {})", count.max(1));
        let towns = name_list("towns", &TOWNS);
        let firsts = name_list("firsts", &FIRST_NAMES);
        let lasts = name_list("lasts", &LAST_NAMES);
        let pets = name_list("pets", &PET_NAMES);
        let dogs = name_list("dogs", &DOG_BREEDS);
        let cats = name_list("cats", &CAT_BREEDS);
        let days = Days::of(&tx);
        let on_today = format!("'{today}'");
        let born = days.plus(&on_today, "-(200 + i * 37 % 5000)");
        let started = days.plus(&on_today, "-((p.id * 13) % 360)");
        let month_ago = days.plus_months(&on_today, "-1");
        let due = days.plus_months("g.starts_on", "y.number - 1");
        let used_on = days.plus(
            "s.starts_on",
            &format!("(k.j * 37 + b.id) % {}", days.between_at_least_one("s.starts_on", &on_today)),
        );
        let statements = [
            format!(
                "WITH RECURSIVE {}, {towns}
                 INSERT INTO clinics (id, organisation_id, name, member_tag_label)
                 SELECT {clinic_base} + 1 + i, 1, 'Maple Street Veterinary Clinic ' || t.name, 'Plan member'
                 FROM n JOIN towns t ON t.n = i % {}",
                numbers(size.clinics - 1),
                TOWNS.len()
            ),
            format!(
                "WITH RECURSIVE {}, {firsts}, {lasts}
                 INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name, phone)
                 SELECT {client_base} + 1 + i, 1, 1 + i % {}, f.name, l.name, '06-' || (10000000 + i * 7919 % 89999999)
                 FROM n JOIN firsts f ON f.n = i % {} JOIN lasts l ON l.n = (i / {}) % {}",
                numbers(size.clients),
                size.clinics.max(1),
                FIRST_NAMES.len(),
                FIRST_NAMES.len(),
                LAST_NAMES.len()
            ),
            // Two pets in five are cats; every owner has one or two pets.
            format!(
                "WITH RECURSIVE {}, {pets}, {dogs}, {cats}
                 INSERT INTO patients (id, client_id, name, species, breed, sex, birth_date)
                 SELECT {patient_base} + 1 + i, {client_base} + 1 + i % {}, p.name,
                        CASE WHEN i % 5 < 3 THEN 'dog' ELSE 'cat' END,
                        CASE WHEN i % 5 < 3 THEN d.name ELSE c.name END,
                        CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END,
                        {born}
                 FROM n JOIN pets p ON p.n = (i * 7) % {}
                 JOIN dogs d ON d.n = i % {} JOIN cats c ON c.n = i % {}",
                numbers(size.patients),
                size.clients.max(1),
                PET_NAMES.len(),
                DOG_BREEDS.len(),
                CAT_BREEDS.len()
            ),
            format!(
                "INSERT INTO pims_patients (organisation_id, pims_patient_id, patient_id)
                 SELECT 1, 'PMS-' || (1000 + id), id FROM patients WHERE id > {patient_base}"
            ),
            // The demo's active wellness plans, numbered per species, are
            // what the group's plans are copies of.
            "CREATE TEMP TABLE group_models AS
             SELECT p.species, row_number() OVER (PARTITION BY p.species ORDER BY s.id) - 1 AS n,
                    count(*) OVER (PARTITION BY p.species) AS k, s.id
             FROM subscriptions s JOIN patients p ON p.id = s.patient_id
             WHERE s.kind = 'wellness' AND s.status = 'active'"
                .to_string(),
            // One in twenty is past due; each started within the last year.
            format!(
                "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name,
                                            kind, status, starts_on, ends_on, price, member_discount_percent, billing)
                 SELECT 1, c.clinic_id, s.template_id, p.client_id, p.id, s.plan_name, 'wellness',
                        CASE WHEN p.id % 20 = 0 THEN 'past_due' ELSE 'active' END,
                        {started}, NULL, s.price,
                        s.member_discount_percent, s.billing
                 FROM patients p JOIN clients c ON c.id = p.client_id
                 JOIN group_models m ON m.species = p.species AND m.n = p.id % m.k
                 JOIN subscriptions s ON s.id = m.id
                 WHERE p.id > {patient_base} AND p.id <= {patient_base} + {}
                 ORDER BY p.id",
                size.plans
            ),
            format!(
                "INSERT INTO subscription_benefits (subscription_id, label, item_id, group_id, limit_quantity,
                                                    discount_percent, position, resets)
                 SELECT g.id, b.label, b.item_id, b.group_id, b.limit_quantity, b.discount_percent, b.position, b.resets
                 FROM subscriptions g JOIN group_models m ON m.species = (SELECT species FROM patients WHERE id = g.patient_id)
                                                      AND m.n = g.patient_id % m.k
                 JOIN subscription_benefits b ON b.subscription_id = m.id
                 WHERE g.patient_id > {patient_base}
                 ORDER BY g.id, b.position"
            ),
            // Each plan pays as its model does, month by month from its own
            // start: paid up to today, a past-due plan's latest failed.
            format!(
                "INSERT INTO payments (subscription_id, number, due_on, amount, status, paid_on, method, recorded_by_name)
                 SELECT id, number, due_on, amount,
                        CASE WHEN due_on > '{today}' THEN 'due'
                             WHEN late AND due_on > {month_ago} THEN 'failed' ELSE 'paid' END,
                        CASE WHEN due_on <= '{today}' AND NOT (late AND due_on > {month_ago}) THEN due_on END,
                        CASE WHEN due_on <= '{today}' AND NOT (late AND due_on > {month_ago}) THEN 'card' END,
                        CASE WHEN due_on <= '{today}' AND NOT (late AND due_on > {month_ago}) THEN 'Front desk' END
                 FROM (SELECT g.id, y.number, {due} AS due_on, y.amount,
                              g.status = 'past_due' AS late
                       FROM subscriptions g
                       JOIN group_models m ON m.species = (SELECT species FROM patients WHERE id = g.patient_id)
                                          AND m.n = g.patient_id % m.k
                       JOIN payments y ON y.subscription_id = m.id
                       WHERE g.patient_id > {patient_base}) AS instalments
                 ORDER BY id, number"
            ),
            // Uses of a benefit: as many as its limit allows (up to 24;
            // twelve of an unlimited one), each dated in the plan's term;
            // every benefit gets its first use before any gets a second.
            format!(
                "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 23)
                 INSERT INTO usage_ledger (subscription_benefit_id, patient_id, item_id, quantity, source_kind,
                                           source_key, actor_name, note, used_on, savings)
                 SELECT b.id, s.patient_id,
                        COALESCE(b.item_id, (SELECT min(i.id) FROM catalog_items i WHERE i.group_id = b.group_id)), 1,
                        'opening_balance', 'group:' || b.id || ':' || k.j, 'Earlier system', '',
                        {used_on}, '0'
                 FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
                 JOIN k ON k.j < COALESCE(b.limit_quantity, 12)
                 WHERE s.patient_id > {patient_base}
                 ORDER BY k.j, b.id
                 LIMIT {}",
                size.ledger
            ),
            "DROP TABLE group_models".to_string(),
        ];
        for sql in &statements {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        super::super::dialect::realign_ids(&mut tx).await?;
        let counts: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM clinics), (SELECT count(*) FROM clients), (SELECT count(*) FROM patients),
                    (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM payments),
                    (SELECT count(*) FROM usage_ledger)",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        // Every table grew a hundredfold: the planner's statistics are
        // gathered again, as a server does on start. On PostgreSQL a vacuum
        // also marks the new rows visible to all, so that an index answers
        // without the table, as autovacuum would have done by now in a
        // group that grew over years.
        let gather = match self.backend() {
            super::super::Backend::Sqlite => {
                sqlx::query("PRAGMA analysis_limit = 400").execute(&self.write).await?;
                "ANALYZE"
            }
            super::super::Backend::Postgres => "VACUUM ANALYZE",
        };
        sqlx::query(gather).execute(&self.write).await?;
        let (clinics, clients, patients, plans, payments, ledger) = counts;
        Ok(DemoCounts { clinics, clients, patients, plans, payments, ledger })
    }
}
