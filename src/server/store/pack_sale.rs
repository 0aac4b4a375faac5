//! Packs sold on an invoice. Every package and session pack template has a
//! catalog item that stands for it (code `PACK-<template>`), kept in step
//! with the template's name, price and sale state. Put on an invoice, it is
//! priced like any item; finalizing the invoice makes the pack, and voiding
//! the invoice cancels it again, as long as nothing of it was used.

use super::audit::Audit;
use super::invoice_row::SqlInvoice;
use super::pack_row::NewPack;
use super::plan_state::take_step;
use super::template_row::template_on_sale;
use crate::domain::{Billing, Coverage, DeskLine, Step, plural, split_rounded, term_end};
use crate::server::actor::Actor;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// The most packs one invoice line may sell.
const MAX_PER_LINE: i64 = 10;

/// Keeps the catalog item of a template in step with it: a package or
/// session pack has one, on sale while the template is; a wellness plan's
/// is taken off sale (a template's kind may change).
pub(crate) async fn sync_pack_item(conn: &mut Conn, template_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO catalog_items (organisation_id, code, name, kind, unit_name, regular_price, active,
                                    sells_template_id)
         SELECT organisation_id, 'PACK-' || id, name, 'service', 'pack', price, active, id
         FROM plan_templates WHERE id = $1 AND kind <> 'wellness'
         ON CONFLICT (organisation_id, code) DO UPDATE SET
             name = excluded.name, regular_price = excluded.regular_price, active = excluded.active,
             sells_template_id = excluded.sells_template_id",
    )
    .bind(template_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE catalog_items SET active = 0
         WHERE sells_template_id = $1 AND (SELECT kind FROM plan_templates WHERE id = $2) = 'wellness'",
    )
    .bind(template_id)
    .bind(template_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A finalizing invoice that may sell packs: its clinic, itself and its
/// new number.
pub(crate) struct Sale<'a> {
    pub clinic: &'a ClinicInfo,
    pub invoice: &'a SqlInvoice,
    pub number: &'a str,
}

impl Sale<'_> {
    /// Makes the packs the invoice sells: one per unit of each line whose
    /// item stands for a pack template (`sells`, per line), for the whole
    /// household, from the invoice date, paid on the invoice. Returns the
    /// new packs.
    pub(crate) async fn sell_packs(
        &self,
        tx: &mut Conn,
        lines: &[DeskLine],
        sells: &[Option<i64>],
        coverage: &Coverage,
        actor: &Actor,
    ) -> Result<Vec<i64>, AppError> {
        let Sale { clinic, invoice, number } = *self;
        let mut made = Vec::new();
        for (position, ((line, priced), sells)) in lines.iter().zip(&coverage.lines).zip(sells).enumerate() {
            let Some(template_id) = *sells else { continue };
            let count = priced.quantity.0;
            if !(1..=MAX_PER_LINE).contains(&count) {
                return Err(AppError::Invalid(format!(
                    "Line {} ({}): an invoice sells 1 to {MAX_PER_LINE} packs a line, not {count}. A pack sold on an \
                 earlier invoice is taken back by voiding that invoice.",
                    position + 1,
                    line.item.name
                )));
            }
            let template = template_on_sale(&mut *tx, clinic.organisation_id, template_id).await?;
            let ends_on = template.term_months.and_then(|m| term_end(invoice.invoice_date, m as u32));
            // The line's charge shared out exactly: three packs for 100.00 are
            // 33.34, 33.33 and 33.33, never 99.99 in all.
            let exact = vec![priced.net.0 / rust_decimal::Decimal::from(count); count as usize];
            let prices = split_rounded(priced.net, &exact, clinic.currency.minor_digits);
            for each in prices {
                let id = NewPack {
                    organisation_id: clinic.organisation_id,
                    clinic_id: invoice.clinic_id,
                    template: &template,
                    client_id: invoice.client_id,
                    // A pack made for one pet is the line's pet's.
                    patient_id: template.one_pet.then_some(line.input.patient_id),
                    starts_on: invoice.invoice_date,
                    ends_on,
                    price: each,
                    billing: Billing::Manual,
                    carried_over: false,
                    use_note: "",
                    authorisation: None,
                    sold_on_invoice_id: Some(invoice.id),
                }
                .insert(&mut *tx)
                .await?;
                let detail = format!("Sold {} on invoice {number}", template.name);
                Audit { action: "sell", entity: "subscription", entity_id: id, detail: &detail, note: None }
                    .write(&mut *tx, clinic.organisation_id, actor)
                    .await?;
                made.push(id);
            }
        }
        Ok(made)
    }
}

/// Cancels the packs a voided invoice sold. A pack already used is not
/// taken away silently: the void is refused in words.
pub(crate) async fn cancel_sold_packs(
    tx: &mut Conn,
    clinic: &ClinicInfo,
    invoice: &SqlInvoice,
    reason: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    // A pack cancelled on its plan page was settled there, against what this
    // invoice charged for it: voiding would give that money back again.
    let settled: Option<(String, Day)> = sqlx::query_as(
        "SELECT plan_name, cancelled_on FROM subscriptions
         WHERE sold_on_invoice_id = $1 AND status = 'cancelled' AND settlement_json IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(invoice.id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((name, Day(on))) = settled {
        return Err(AppError::Conflict(format!(
            "The {name} sold on {} was cancelled on {on} and settled with the client then, so voiding would pay it \
             back twice. Make a correction invoice for anything else that was wrong.",
            invoice.number.as_deref().unwrap_or("this invoice"),
        )));
    }
    // Uses count what the desk, an import or a no-show took; a manager's
    // change of the balance is not a use, but it too stops the void.
    let sold: Vec<(i64, String, i64, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.plan_name,
                COALESCE((SELECT CAST(SUM(l.quantity) AS BIGINT) FROM usage_ledger l JOIN subscription_benefits b
                          ON b.id = l.subscription_benefit_id WHERE b.subscription_id = s.id
                          AND (l.source_kind <> 'manual_adjustment' OR l.source_key LIKE $2)), 0),
                COALESCE((SELECT COALESCE(i.subunit_name, i.unit_name) FROM subscription_benefits b
                          JOIN catalog_items i ON i.id = b.item_id
                          WHERE b.subscription_id = s.id AND b.limit_quantity IS NOT NULL), 'session'),
                (SELECT count(*) FROM usage_ledger l JOIN subscription_benefits b
                 ON b.id = l.subscription_benefit_id WHERE b.subscription_id = s.id
                 AND l.source_kind = 'manual_adjustment' AND l.source_key NOT LIKE $2)
         FROM subscriptions s WHERE s.sold_on_invoice_id = $1 AND s.status <> 'cancelled' ORDER BY s.id",
    )
    .bind(invoice.id)
    .bind(format!("{}%", super::visit_close::NO_SHOW_KEY))
    .fetch_all(&mut *tx)
    .await?;
    if let Some((_, name, used, unit, _)) = sold.iter().find(|(_, _, used, _, _)| *used != 0) {
        return Err(AppError::Conflict(format!(
            "The {name} sold on {} has {used} {} used already, so the invoice cannot be voided. Remove those uses \
             from the pack's history first, or make a correction invoice for what was wrong.",
            invoice.number.as_deref().unwrap_or("this invoice"),
            plural(unit, *used)
        )));
    }
    if let Some((_, name, ..)) = sold.iter().find(|(.., changed)| *changed > 0) {
        return Err(AppError::Conflict(format!(
            "A manager changed what is left of the {name} sold on {}, so voiding cannot take it back cleanly. \
             Make a correction invoice for what was wrong, or cancel the pack on its plan page.",
            invoice.number.as_deref().unwrap_or("this invoice")
        )));
    }
    for (id, name, ..) in sold {
        // Through the plan's lifecycle, as every cancellation: a pack on hold
        // leaves its hold behind, and one that already expired stays as it
        // ended (nobody can use it either way).
        let detail = match take_step(&mut *tx, id, Step::Cancel, clinic.today).await? {
            Ok(_) => {
                sqlx::query("UPDATE subscriptions SET cancelled_on = $1 WHERE id = $2")
                    .bind(Day(clinic.today))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                format!("{name} cancelled: the invoice that sold it was voided")
            }
            Err(_) => format!("{name} kept as it ended: the invoice that sold it was voided afterwards"),
        };
        Audit { action: "cancel", entity: "subscription", entity_id: id, detail: &detail, note: Some(reason) }
            .write(&mut *tx, clinic.organisation_id, actor)
            .await?;
    }
    Ok(())
}
