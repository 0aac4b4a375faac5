//! What the model test reads from the store, and the checks after a step.

use std::collections::HashMap;

use carecount::server::store::Store;
use carecount::wire::stored::Day;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fixture::CLIENT;
use super::model::{Benefit, Model, Posting, Sub};

type Row<T> = Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Reads plans, benefits and transfer postings into the model.
pub async fn load_plans(store: &Store, model: &mut Model) -> Row<()> {
    #[allow(clippy::type_complexity)]
    let subs: Vec<(i64, Option<i64>, Day, Option<Day>, String, Option<i64>, Option<Day>)> = sqlx::query_as(
        "SELECT id, patient_id, starts_on, ends_on, status, transferred_to_subscription_id, cancelled_on
             FROM subscriptions ORDER BY id",
    )
    .fetch_all(store.reader())
    .await
    .map_err(err)?;
    for (id, patient, starts_on, ends_on, status, transferred_to, cancelled_on) in subs {
        let (starts_on, ends_on, cancelled_on) =
            (starts_on.0, ends_on.map(NaiveDate::from), cancelled_on.map(NaiveDate::from));
        model.subs.insert(id, Sub { patient, starts_on, ends_on, status, transferred_to, cancelled_on });
    }
    #[allow(clippy::type_complexity)]
    let benefits: Vec<(i64, i64, Option<i64>, String, Option<i64>, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, subscription_id, limit_quantity, resets, item_id, group_id, discount_percent
         FROM subscription_benefits ORDER BY id",
    )
    .fetch_all(store.reader())
    .await
    .map_err(err)?;
    for (id, sub, limit, resets, item, group, discount) in benefits {
        let discount = discount.parse::<Decimal>().map_err(err)?.trunc().try_into().map_err(err)?;
        model.benefits.insert(id, Benefit { sub, limit, yearly: resets == "year", item, group, discount });
    }
    let moves: Vec<(i64, i64, i64, Day, String)> = sqlx::query_as(
        "SELECT id, subscription_benefit_id, quantity, used_on, source_key FROM usage_ledger
         WHERE source_kind = 'transfer' AND reversal_of IS NULL
           AND (source_key LIKE 'transfer-in:%' OR source_key LIKE 'transfer-out:%')",
    )
    .fetch_all(store.reader())
    .await
    .map_err(err)?;
    for (id, benefit, quantity, Day(used_on), key) in moves {
        if model.postings.contains_key(&id) {
            continue;
        }
        model.postings.insert(id, Posting { benefit, quantity, held: quantity, used_on, removable: false });
        if let Some(old) = key.strip_prefix("transfer-in:") {
            model.arrivals.insert(old.parse().map_err(err)?, id);
        }
    }
    Ok(())
}

/// The newest plan that took over from `base` (by renewal or transfer).
pub fn latest_descendant(model: &Model, base: i64) -> i64 {
    let mut current = base;
    for _ in 0..16 {
        match model.subs[&current].transferred_to {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// True when invoice `a` was numbered (finalized) before `b`.
pub async fn finalized_before(store: &Store, a: i64, b: i64) -> Row<bool> {
    let seq = |id: i64| async move {
        sqlx::query_scalar::<_, i64>("SELECT number_seq FROM invoices WHERE id = $1")
            .bind(id)
            .fetch_one(store.reader())
            .await
            .map_err(err)
    };
    Ok(seq(a).await? < seq(b).await?)
}

/// The first payment of a plan in this status.
pub async fn payment(store: &Store, plan: i64, status: &str) -> Row<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM payments WHERE subscription_id = $1 AND status = $2 ORDER BY number LIMIT 1")
        .bind(plan)
        .bind(status)
        .fetch_optional(store.reader())
        .await
        .map_err(err)
}

/// A dead pet's wellness plans on hold.
pub async fn held_wellness_plans(store: &Store, pet: i64) -> Row<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM subscriptions WHERE patient_id = $1 AND kind = 'wellness' AND status = 'on_hold'",
    )
    .bind(pet)
    .fetch_all(store.reader())
    .await
    .map_err(err)
}

/// A finalized line with its postings.
pub struct LineRow {
    pub patient: i64,
    pub item: i64,
    pub quantity: i64,
    pub covered: i64,
    pub postings: Vec<(i64, Posting)>,
}

pub async fn invoice_lines(store: &Store, invoice: i64) -> Row<Vec<LineRow>> {
    let lines: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, patient_id, item_id, quantity, covered_quantity FROM invoice_lines WHERE invoice_id = $1
         ORDER BY position",
    )
    .bind(invoice)
    .fetch_all(store.reader())
    .await
    .map_err(err)?;
    let mut rows = Vec::new();
    for (id, patient, item, quantity, covered) in lines {
        let postings: Vec<(i64, i64, i64, Day)> = sqlx::query_as(
            "SELECT id, subscription_benefit_id, quantity, used_on FROM usage_ledger
             WHERE invoice_line_id = $1 AND reversal_of IS NULL AND quantity > 0 ORDER BY id",
        )
        .bind(id)
        .fetch_all(store.reader())
        .await
        .map_err(err)?;
        let postings = postings
            .into_iter()
            .map(|(pid, benefit, q, Day(used_on))| {
                (pid, Posting { benefit, quantity: q, held: q, used_on, removable: true })
            })
            .collect();
        rows.push(LineRow { patient, item, quantity, covered, postings });
    }
    Ok(rows)
}

/// Compares the store with the model and checks the laws of the ledger.
pub async fn check(store: &Store, model: &Model, today: NaiveDate) -> Row<()> {
    // What every plan shows today is what the model predicts.
    let plans = store.client_plans(CLIENT, today).await.map_err(err)?;
    for card in &plans {
        for b in &card.subscription.benefits {
            let expected = model.used(b.id, today);
            if b.used.0 != expected {
                return Err(format!(
                    "benefit {} ({}) shows {} used; the model says {expected}",
                    b.id, b.label, b.used.0
                ));
            }
        }
    }
    // Every posting holds between nothing and itself, as the model says.
    let held: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.quantity, p.quantity + COALESCE((SELECT CAST(SUM(a.quantity) AS BIGINT) FROM usage_ledger a
                                                          WHERE a.reversal_of = p.id), 0)
         FROM usage_ledger p WHERE p.reversal_of IS NULL",
    )
    .fetch_all(store.reader())
    .await
    .map_err(err)?;
    for (id, quantity, h) in held {
        if h < 0 || h > quantity.max(0) {
            return Err(format!("posting {id} of {quantity} holds {h}"));
        }
        if let Some(p) = model.postings.get(&id)
            && p.held != h
        {
            return Err(format!("posting {id} holds {h}; the model says {}", p.held));
        }
    }
    // Per benefit and period: never below zero, never above the limit.
    let entries: Vec<(i64, Day, i64)> =
        sqlx::query_as("SELECT subscription_benefit_id, used_on, quantity FROM usage_ledger")
            .fetch_all(store.reader())
            .await
            .map_err(err)?;
    let mut per_period: HashMap<(i64, NaiveDate), i64> = HashMap::new();
    for (benefit, Day(used_on), quantity) in entries {
        *per_period.entry((benefit, model.period(benefit, used_on).0)).or_default() += quantity;
    }
    for ((benefit, from), used) in per_period {
        let limit = model.benefits[&benefit].limit;
        if used < 0 || limit.is_some_and(|l| used > l) {
            return Err(format!("benefit {benefit} used {used} of {limit:?} in the period from {from}"));
        }
    }
    // No invoice line is credited more than it charged.
    let records: Vec<String> = sqlx::query_scalar(
        "SELECT coverage_json FROM invoices WHERE corrects_invoice_id IS NOT NULL AND status = 'finalized'",
    )
    .fetch_all(store.reader())
    .await
    .map_err(err)?;
    let mut credited: HashMap<i64, Decimal> = HashMap::new();
    for record in records {
        let value: serde_json::Value = serde_json::from_str(&record).map_err(err)?;
        for line in value["coverage"]["lines"].as_array().into_iter().flatten() {
            for r in line["returns"].as_array().into_iter().flatten() {
                let credit: Decimal = match &r["credit"] {
                    serde_json::Value::String(text) => text.parse().map_err(err)?,
                    other => other.to_string().parse().map_err(err)?,
                };
                *credited.entry(r["line_id"].as_i64().unwrap_or(0)).or_default() += credit;
            }
        }
    }
    for (line, credit) in credited {
        let net: String = sqlx::query_scalar("SELECT net FROM invoice_lines WHERE id = $1")
            .bind(line)
            .fetch_one(store.reader())
            .await
            .map_err(err)?;
        let net: Decimal = net.parse().map_err(err)?;
        if credit > net {
            return Err(format!("line {line} charged {net} but corrections credited {credit}"));
        }
    }
    Ok(())
}

/// What a transfer recorded for an old benefit: (used before the move,
/// moved on); 0 where nothing was recorded.
pub async fn transfer_quantities(store: &Store, old_benefit: i64) -> Row<(i64, i64)> {
    let quantity = |key: String| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE source_kind = 'transfer' AND source_key = $1",
        )
        .bind(key)
        .fetch_one(store.reader())
        .await
        .map_err(err)
    };
    Ok((quantity(format!("transfer-in:{old_benefit}")).await?, quantity(format!("transfer-out:{old_benefit}")).await?))
}
