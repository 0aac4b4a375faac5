//! A package or session pack that is not a plain sale: carried over from
//! another system, standing for an authorisation, or sold on an invoice
//! line. One row shape and one benefit copy for all three, so a pack is
//! made the same way whichever door it comes in by.

use chrono::NaiveDate;

use super::selling::copy_benefits;
use super::settings::plan_rules;
use super::template_row::SqlTemplate;
use crate::domain::{Authorisation, Billing, Money};
use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::stored::Day;

/// What differs between the ways a pack is made.
pub(crate) struct NewPack<'a> {
    /// Its organisation and clinic.
    pub organisation_id: i64,
    pub clinic_id: i64,
    /// The template it is made from.
    pub template: &'a SqlTemplate,
    /// The household, and the pet for a pack made for one pet.
    pub client_id: i64,
    pub patient_id: Option<i64>,
    /// Its dates.
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// What it cost here (nothing when carried over or authorised).
    pub price: Money,
    /// How it is paid: `Manual` when settled elsewhere (an invoice, another
    /// system), `ThirdParty` for an insurer or referrer.
    pub billing: Billing,
    /// True when brought over from another system.
    pub carried_over: bool,
    /// Shown to staff at each use.
    pub use_note: &'a str,
    /// The referral or insurer authorisation it stands for.
    pub authorisation: Option<&'a Authorisation>,
    /// The invoice whose finalizing made it.
    pub sold_on_invoice_id: Option<i64>,
}

impl NewPack<'_> {
    /// Writes the pack, active from its start, with the template's benefits
    /// copied; returns its id.
    pub(crate) async fn insert(&self, conn: &mut Conn) -> Result<i64, AppError> {
        let t = self.template;
        // The pack keeps the terms it was sold under: cancellation,
        // automatic renewal and the longest hold.
        let terms = plan_rules(&mut *conn, self.organisation_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (organisation_id, clinic_id, template_id, client_id, patient_id, plan_name, kind,
                                        status, starts_on, ends_on, price, member_discount_percent, billing,
                                        enrollment_fee, origin, use_note, authorised_by, authoriser_name,
                                        authorisation_ref, sold_on_invoice_id, no_show, cancellation_fee,
                                        cooling_off_days, auto_renew, max_hold_days)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $11, $12, '0', $13, $14, $15, $16, $17, $18,
                     (SELECT no_show FROM plan_templates WHERE id = $3), $19, $20,
                     (SELECT auto_renew FROM plan_templates WHERE id = $3), $21) RETURNING id",
        )
        .bind(self.organisation_id)
        .bind(self.clinic_id)
        .bind(t.id)
        .bind(self.client_id)
        .bind(self.patient_id)
        .bind(&t.name)
        .bind(&t.kind)
        .bind(Day(self.starts_on))
        .bind(self.ends_on.map(Day))
        .bind(self.price.0.to_string())
        .bind(&t.member_discount_percent)
        .bind(self.billing.code())
        .bind(if self.carried_over { "carried_over" } else { "sold" })
        .bind(self.use_note)
        .bind(self.authorisation.map(|a| a.by.code()))
        .bind(self.authorisation.map(|a| a.name.as_str()))
        .bind(self.authorisation.map(|a| a.reference.as_str()))
        .bind(self.sold_on_invoice_id)
        .bind(terms.cancellation_fee.0.to_string())
        .bind(i64::from(terms.cooling_off_days))
        .bind(terms.max_hold_days)
        .fetch_one(&mut *conn)
        .await?;
        copy_benefits(conn, id, t.id).await?;
        Ok(id)
    }
}
