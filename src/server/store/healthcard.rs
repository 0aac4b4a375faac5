//! The healthcard: a household's plans with payments, savings and usage
//! in plain words.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::FromRow;

use super::Store;
use super::clinic::decimal;
use super::sync_postings::invoice_ref_of_key;
use crate::domain::{Money, Quantity, SubscriptionStatus, Subunit, UnitSpec};
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::portal::{HealthPlan, Healthcard, Pet, UsageWords};
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlUse {
    #[sqlx(try_from = "crate::wire::stored::Day")]
    used_on: NaiveDate,
    quantity: i64,
    patient_name: Option<String>,
    item_name: Option<String>,
    unit_name: Option<String>,
    subunit_name: Option<String>,
    subunit_per_unit: Option<i64>,
    source_kind: String,
    invoice_number: Option<String>,
    note: String,
    owner_reason: Option<String>,
    /// The key of the use itself, or of the use a give-back returns.
    source_key: String,
}

fn words(u: SqlUse) -> Option<UsageWords> {
    let on = u.used_on;
    let units = UnitSpec {
        unit: u.unit_name.unwrap_or_else(|| "unit".into()),
        subunit: u.subunit_name.zip(u.subunit_per_unit).map(|(name, per)| Subunit { name, per_unit: per as u32 }),
    };
    let item = u.item_name.unwrap_or_else(|| "care".into());
    let amount = units.describe_of(Quantity(u.quantity.abs()), &item);
    let pet = u.patient_name.unwrap_or_else(|| "Your pet".into());
    let text = match (u.source_kind.as_str(), u.quantity > 0) {
        ("transfer", _) => u.note.clone(),
        // Nobody's pet in particular: what the earlier system had counted.
        ("opening_balance", true) => format!("{amount} used before"),
        ("opening_balance", false) => format!("{amount} added to the balance"),
        (_, true) => format!("{pet} used {amount}"),
        (_, false) => format!("{amount} given back to the plan"),
    };
    // A use the practice system invoiced names that invoice, as a use of
    // CareCount's own invoices does: the owner knows one clinic, not its
    // systems.
    let practice_invoice = match u.source_kind.as_str() {
        "import_line" => invoice_ref_of_key(&u.source_key),
        _ => None,
    };
    let source = match (u.source_kind.as_str(), u.invoice_number) {
        ("import_line", _) => match (practice_invoice, u.quantity > 0) {
            (Some(invoice), true) => format!("invoice {invoice}"),
            (Some(invoice), false) => format!("invoice {invoice} was changed or cancelled"),
            (None, _) => "recorded by the clinic".into(),
        },
        ("invoice_line", Some(n)) => format!("invoice {n}"),
        ("invoice_void", Some(n)) => format!("invoice {n} was cancelled"),
        // Staff's note is internal; the owner reads the reason given for them.
        ("reversal", _) => match u.owner_reason {
            Some(reason) => format!("corrected by the clinic: {reason}"),
            None => "corrected by the clinic".into(),
        },
        ("transfer", _) => "the plan moved after a pet died".into(),
        ("opening_balance", _) => "carried over from the clinic's earlier system".into(),
        ("manual_adjustment", _) => match u.owner_reason {
            Some(reason) => reason,
            None => "balance set by the clinic".into(),
        },
        _ => "recorded by the clinic".into(),
    };
    Some(UsageWords { on, text, source })
}

impl Store {
    /// The clinic a client belongs to.
    pub async fn home_clinic(&self, organisation_id: i64, client_id: i64) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar("SELECT clinic_id FROM clients WHERE id = $1 AND organisation_id = $2")
            .bind(client_id)
            .bind(organisation_id)
            .fetch_optional(self.reader())
            .await?)
    }

    /// A household's healthcard: its pets and every plan, current first.
    pub async fn healthcard(&self, clinic: ClinicInfo, client_id: i64) -> Result<Healthcard, AppError> {
        let (owner_name, _) = self.client_contact(clinic.organisation_id, client_id).await?;
        let pets: Vec<(i64, String, String, Option<Day>)> =
            sqlx::query_as("SELECT id, name, species, deceased_on FROM patients WHERE client_id = $1 ORDER BY name")
                .bind(client_id)
                .fetch_all(self.reader())
                .await?;
        let mut cards = self.client_plans(client_id, clinic.today).await?;
        let current = |s: SubscriptionStatus| !matches!(s, SubscriptionStatus::Expired | SubscriptionStatus::Cancelled);
        cards.sort_by_key(|c| (!current(c.subscription.status), std::cmp::Reverse(c.subscription.starts_on)));
        let mut plans = Vec::new();
        let mut total_saved = Money::ZERO;
        for card in cards {
            let plan = self.health_plan(&clinic, card).await?;
            total_saved = Money(total_saved.0 + plan.saved.0);
            plans.push(plan);
        }
        Ok(Healthcard {
            pets: pets
                .into_iter()
                .map(|(id, name, species, deceased_on)| Pet {
                    id,
                    name,
                    species,
                    deceased_on: deceased_on.map(NaiveDate::from),
                })
                .collect(),
            clinic,
            client_id,
            owner_name,
            plans,
            total_saved,
        })
    }

    async fn health_plan(
        &self,
        clinic: &ClinicInfo,
        card: crate::wire::patients::PlanCard,
    ) -> Result<HealthPlan, AppError> {
        let id = card.subscription.id;
        let payments: Vec<(Day, String, String)> =
            sqlx::query_as("SELECT due_on, amount, status FROM payments WHERE subscription_id = $1 ORDER BY number")
                .bind(id)
                .fetch_all(self.reader())
                .await?;
        let (mut paid, mut due, mut next_due) = (Decimal::ZERO, Decimal::ZERO, None);
        for (Day(due_on), amount, status) in payments {
            let amount = decimal(&amount)?;
            match status.as_str() {
                "paid" => paid += amount,
                "due" | "failed" => {
                    due += amount;
                    next_due = next_due.or(Some((due_on, Money(amount))));
                }
                _ => {}
            }
        }
        // What the plan saved is what was posted when each use was counted,
        // never recomputed from today's prices. A transfer's entries only
        // carry usage from one plan to the next, not new savings.
        let savings: Vec<String> = sqlx::query_scalar(
            "SELECT l.savings FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             WHERE b.subscription_id = $1 AND l.source_kind <> 'transfer'",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await?;
        let saved = savings.iter().try_fold(Decimal::ZERO, |sum, s| decimal(s).map(|d| sum + d))?;
        let uses: Vec<SqlUse> = sqlx::query_as(
            "SELECT l.used_on, l.quantity, p.name AS patient_name, i.name AS item_name, i.unit_name,
                    i.subunit_name, i.subunit_per_unit, l.source_kind, inv.invoice_number, l.note,
                    l.owner_reason, COALESCE(given_back.source_key, l.source_key) AS source_key
             FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             LEFT JOIN usage_ledger given_back ON given_back.id = l.reversal_of
             LEFT JOIN patients p ON p.id = l.patient_id
             LEFT JOIN catalog_items i ON i.id = l.item_id
             LEFT JOIN invoice_lines il ON il.id = l.invoice_line_id
             LEFT JOIN invoices inv ON inv.id = il.invoice_id
             WHERE b.subscription_id = $1 ORDER BY l.created_at DESC, l.id DESC",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await?;
        Ok(HealthPlan {
            card,
            paid: Money(paid),
            due: Money(due),
            next_due,
            saved: Money(saved).round(clinic.currency.minor_digits),
            history: uses.into_iter().filter_map(words).collect(),
        })
    }
}
