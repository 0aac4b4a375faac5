//! A plan's usage history, and removing a use by appending its reversal.

use sqlx::FromRow;

use super::Store;
use super::audit::Audit;
use super::ledger::{Adjustment, give_back, posting};
use super::sync_postings::invoice_ref_of_key;
use crate::server::actor::Actor;
use crate::wire::error::AppError;
use crate::wire::plans::{LedgerRow, PlanDetail, RemovalReason};
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlEntry {
    id: i64,
    benefit_label: String,
    patient_name: Option<String>,
    item_name: Option<String>,
    quantity: i64,
    source_kind: String,
    invoice_id: Option<i64>,
    invoice_number: Option<String>,
    /// For a give-back, the key of the use it gives back.
    source_key: String,
    reversal_of: Option<i64>,
    held: i64,
    actor_name: String,
    note: String,
    owner_reason: Option<String>,
    created_at: String,
}

impl Store {
    /// One subscription with its benefits and its full usage history.
    pub async fn plan_detail(
        &self,
        organisation_id: i64,
        subscription_id: i64,
        today: chrono::NaiveDate,
    ) -> Result<PlanDetail, AppError> {
        let owner: Option<(i64, String)> = sqlx::query_as(
            "SELECT c.id, c.first_name || ' ' || c.last_name FROM subscriptions s JOIN clients c ON c.id = s.client_id
             WHERE s.id = $1 AND s.organisation_id = $2",
        )
        .bind(subscription_id)
        .bind(organisation_id)
        .fetch_optional(self.reader())
        .await?;
        let (client_id, client_name) = owner
            .ok_or_else(|| AppError::NotFound(format!("There is no plan number {subscription_id} in this clinic.")))?;
        let card = self
            .client_plans(client_id, today)
            .await?
            .into_iter()
            .find(|p| p.subscription.id == subscription_id)
            .ok_or(AppError::Internal)?;
        let rows: Vec<SqlEntry> = sqlx::query_as(
            "SELECT l.id, b.label AS benefit_label, p.name AS patient_name, i.name AS item_name, l.quantity,
                    l.source_kind, il.invoice_id, inv.invoice_number, l.reversal_of,
                    COALESCE(given_back.source_key, l.source_key) AS source_key,
                    CASE WHEN l.reversal_of IS NULL
                         THEN l.quantity + COALESCE((SELECT CAST(SUM(r.quantity) AS BIGINT) FROM usage_ledger r
                                                     WHERE r.reversal_of = l.id), 0)
                         ELSE 0 END AS held,
                    l.actor_name, l.note, l.owner_reason, l.created_at
             FROM usage_ledger l
             JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             LEFT JOIN usage_ledger given_back ON given_back.id = l.reversal_of
             LEFT JOIN patients p ON p.id = l.patient_id
             LEFT JOIN catalog_items i ON i.id = l.item_id
             LEFT JOIN invoice_lines il ON il.id = l.invoice_line_id
             LEFT JOIN invoices inv ON inv.id = il.invoice_id
             WHERE b.subscription_id = $1 ORDER BY l.created_at DESC, l.id DESC",
        )
        .bind(subscription_id)
        .fetch_all(self.reader())
        .await?;
        let history = rows
            .into_iter()
            .map(|r| LedgerRow {
                id: r.id,
                benefit_label: r.benefit_label,
                patient_name: r.patient_name,
                item_name: r.item_name,
                quantity: r.quantity,
                source: source_words(&r.source_kind, r.invoice_number.as_deref(), &r.source_key),
                invoice_id: r.invoice_id,
                reversal_of: r.reversal_of,
                held: r.held,
                actor_name: r.actor_name,
                note: r.note,
                owner_reason: r.owner_reason,
                created_at: r.created_at,
            })
            .collect();
        let payments = sqlx::query_as(
            "SELECT id, number, due_on, amount, status, paid_on, method, reference FROM payments
             WHERE subscription_id = $1 ORDER BY number",
        )
        .bind(subscription_id)
        .fetch_all(self.reader())
        .await?;
        let (settlement, transferred_to, renews): (Option<String>, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT settlement_json, transferred_to_subscription_id, renews_subscription_id FROM subscriptions
             WHERE id = $1",
        )
        .bind(subscription_id)
        .fetch_one(self.reader())
        .await?;
        let next_term: Option<(i64, Day)> = sqlx::query_as(
            "SELECT id, starts_on FROM subscriptions WHERE renews_subscription_id = $1 AND status <> 'cancelled'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(subscription_id)
        .fetch_optional(self.reader())
        .await?;
        let settlement = settlement.as_deref().and_then(|j| serde_json::from_str(j).ok());
        let next_term = next_term.map(|(id, Day(from))| (id, from));
        Ok(PlanDetail {
            client_id,
            client_name,
            card,
            history,
            payments,
            settlement,
            transferred_to,
            renews,
            next_term,
        })
    }

    /// Removes a use from the history by appending its reversal, with the
    /// staff's internal note that says why and the reason the owner reads.
    /// The original entry stays, marked as reversed.
    pub async fn remove_usage(
        &self,
        organisation_id: i64,
        entry_id: i64,
        reason: RemovalReason,
        note: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let note = crate::domain::text::required_note(note, "why this use is removed").map_err(AppError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let entry: Option<(Option<i64>, String)> = sqlx::query_as(
            "SELECT l.reversal_of, l.source_kind FROM usage_ledger l
             JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             JOIN subscriptions s ON s.id = b.subscription_id WHERE l.id = $1 AND s.organisation_id = $2",
        )
        .bind(entry_id)
        .bind(organisation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (reversal_of, source_kind) =
            entry.ok_or_else(|| AppError::NotFound(format!("There is no usage entry number {entry_id}.")))?;
        if source_kind == "transfer" {
            return Err(AppError::Conflict(
                "This entry records a move between plans after a death; it cannot be removed on its own.".into(),
            ));
        }
        if reversal_of.is_some() {
            return Err(AppError::Conflict("This entry is itself a correction; it cannot be removed again.".into()));
        }
        let posting = posting(&mut tx, entry_id)
            .await?
            .ok_or_else(|| AppError::Conflict("This entry gives units back; only a use can be removed.".into()))?;
        if posting.held <= 0 {
            return Err(AppError::Conflict("This use was already removed or given back; nothing was changed.".into()));
        }
        let quantity = posting.held;
        let how = Adjustment {
            source_kind: "reversal",
            source_key: "remove",
            invoice_line_id: None,
            note: note.to_string(),
            savings: posting.savings_held,
            owner_reason: Some(reason.owner_words()),
        };
        give_back(&mut tx, &posting, quantity, how, actor).await?;
        let detail = format!("Removed usage entry {entry_id} ({quantity:+})");
        Audit { action: "remove_usage", entity: "usage_entry", entity_id: entry_id, detail: &detail, note: Some(note) }
            .write(&mut tx, organisation_id, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Where a ledger entry came from, in staff's words. `source_key` is, for a
/// give-back, the key of the use it gives back: a synced use names its
/// practice-system invoice either way, as one of CareCount's names its own.
pub(crate) fn source_words(kind: &str, invoice_number: Option<&str>, source_key: &str) -> String {
    match (kind, invoice_number) {
        ("invoice_line", Some(n)) => format!("Invoice {n}"),
        ("invoice_void", Some(n)) => format!("Invoice {n} voided"),
        ("import_line", _) => match invoice_ref_of_key(source_key) {
            Some(invoice) => format!("Practice system invoice {invoice}"),
            None => "Imported from the practice system".into(),
        },
        ("opening_balance", _) => "Carried over: used before, in the previous system".into(),
        ("manual_adjustment", _) => "Manual adjustment".into(),
        ("reversal", _) => "Removed from history".into(),
        ("transfer", _) => "Transfer".into(),
        (other, _) => other.replace('_', " "),
    }
}
