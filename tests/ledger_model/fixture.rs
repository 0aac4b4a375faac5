//! A small household for the model test: three dogs, two wellness plans and
//! a household package, with a yearly exam limit whose plan year rolls over
//! during a sequence, a group benefit, tablets in boxes, a 50 %-off benefit
//! and instalments to fail and pay.

use carecount::server::store::Store;
use chrono::{Days, NaiveDate};

/// Ids the fixture creates.
pub const CLIENT: i64 = 1;
pub const REX: i64 = 1;
pub const BELLA: i64 = 2;
pub const MAX: i64 = 3;
/// Rex's plan, Bella's plan, the household's grooming package.
pub const PLANS: [i64; 3] = [1, 2, 3];
/// (item id, smallest units per typed unit): exam, two vaccines of one group,
/// NexGard boxes of six tablets, dental cleaning, groom, X-ray (no plan).
pub const ITEMS: [(i64, i64); 7] = [(1, 1), (2, 1), (3, 1), (4, 6), (5, 1), (6, 1), (7, 1)];

/// Creates the household on a fresh database. Rex's plan started 300 days
/// before `today`, so its yearly exam limit starts a new plan year 65 days
/// into the sequence.
pub async fn seed(store: &Store, today: NaiveDate) {
    let rex_start = today - Days::new(300);
    let bella_start = today - Days::new(30);
    let mut tx = store.begin_write().await.expect("write");
    let statements = [
        "INSERT INTO organisations (id, name) VALUES (1, 'Model Clinic')".to_string(),
        "INSERT INTO clinics (id, organisation_id, name) VALUES (1, 1, 'Model Clinic')".into(),
        "INSERT INTO settings (organisation_id, key, value) VALUES (1, 'past_due_usable', 'false')".into(),
        "INSERT INTO item_groups (id, organisation_id, name, unit_name) VALUES (1, 1, 'Core vaccines', 'dose')".into(),
        "INSERT INTO catalog_items (id, organisation_id, code, name, kind, unit_name, subunit_name, subunit_per_unit,
                                    regular_price, group_id) VALUES
            (1, 1, 'EXAM', 'Wellness exam', 'service', 'exam', NULL, NULL, '55.00', NULL),
            (2, 1, 'VAC-A', 'DHPP vaccine', 'product', 'dose', NULL, NULL, '42.00', 1),
            (3, 1, 'VAC-B', 'Rabies vaccine', 'product', 'dose', NULL, NULL, '38.00', 1),
            (4, 1, 'NXG', 'NexGard', 'product', 'box', 'tablet', 6, '72.00', NULL),
            (5, 1, 'DEN', 'Dental cleaning', 'service', 'procedure', NULL, NULL, '180.00', NULL),
            (6, 1, 'GROOM', 'Full groom', 'service', 'groom', NULL, NULL, '60.00', NULL),
            (7, 1, 'XRAY', 'Radiograph', 'service', 'image', NULL, NULL, '120.00', NULL)"
            .into(),
        "INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name) VALUES (1, 1, 1, 'Emma', 'Model')"
            .into(),
        "INSERT INTO patients (id, client_id, name, species) VALUES (1, 1, 'Rex', 'dog'), (2, 1, 'Bella', 'dog'),
            (3, 1, 'Max', 'dog')"
            .into(),
        "INSERT INTO plan_templates (id, organisation_id, name, kind, species, price, term_months) VALUES
            (1, 1, 'Adult Dog Plan', 'wellness', 'dog', '420.00', 12),
            (2, 1, 'Grooming pack', 'package', NULL, '150.00', NULL)"
            .into(),
        format!(
            "INSERT INTO subscriptions (id, organisation_id, clinic_id, template_id, client_id, patient_id, plan_name,
                                        kind, status, starts_on, ends_on, price, member_discount_percent) VALUES
                (1, 1, 1, 1, 1, 1, 'Adult Dog Plan', 'wellness', 'active', '{rex_start}', '{}', '420.00', '10'),
                (2, 1, 1, 1, 1, 2, 'Adult Dog Plan', 'wellness', 'active', '{bella_start}', '{}', '420.00', '10'),
                (3, 1, 1, 2, 1, NULL, 'Grooming pack', 'package', 'active', '{bella_start}', NULL, '150.00', NULL)",
            rex_start + Days::new(729),
            bella_start + Days::new(364),
        ),
        "INSERT INTO subscription_benefits (id, subscription_id, label, item_id, group_id, limit_quantity,
                                            discount_percent, position, resets) VALUES
            (1, 1, 'Wellness exams', 1, NULL, 2, '100', 0, 'year'),
            (2, 1, 'Core vaccines', NULL, 1, 3, '100', 1, 'term'),
            (3, 1, 'NexGard chewables', 4, NULL, 12, '100', 2, 'term'),
            (4, 1, 'Dental cleaning', 5, NULL, 1, '50', 3, 'term'),
            (5, 2, 'Wellness exams', 1, NULL, 1, '100', 0, 'term'),
            (6, 2, 'Core vaccines', NULL, 1, 2, '100', 1, 'term'),
            (7, 3, 'Grooms', 6, NULL, 3, '100', 0, 'term')"
            .into(),
    ];
    for sql in statements {
        sqlx::query(&sql).execute(&mut *tx).await.expect("fixture statement");
    }
    // PostgreSQL hands out ids after the fixture's own.
    carecount::server::store::dialect::realign_ids(&mut tx).await.expect("ids after the fixture's");
    for plan in [1i64, 2] {
        for n in 1..=12i64 {
            let due = today + Days::new((n * 30) as u64) - Days::new(60);
            let status = if n <= 2 { "paid" } else { "due" };
            sqlx::query(
                "INSERT INTO payments (subscription_id, number, due_on, amount, status) VALUES ($1, $2, $3, '35.00', $4)",
            )
            .bind(plan)
            .bind(n)
            .bind(carecount::wire::stored::Day(due))
            .bind(status)
            .execute(&mut *tx)
            .await
            .expect("payment");
        }
    }
    tx.commit().await.expect("commit fixture");
}
