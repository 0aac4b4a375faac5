//! Saving a template. Plans already sold keep their own copy; a price
//! change reaches running plans' renewals only if the manager says so.

use rust_decimal::Decimal;

use super::Store;
use super::audit::Audit;
use super::clinic::decimal;
use super::plan_state::running;
use super::template_input::{Target, validate};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::stored::{Day, Flag};
use crate::wire::templates::TemplateDraft;

impl Store {
    /// Saves a template (new when its id is 0) and returns its id.
    pub async fn save_template(
        &self,
        clinic: &ClinicInfo,
        draft: TemplateDraft,
        apply_price_to_renewals: bool,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let org = clinic.organisation_id;
        let t = validate(&draft, &clinic.currency)?;
        let mut tx = self.begin_write().await?;
        let old_price: Option<String> = if draft.id == 0 {
            None
        } else {
            let price: Option<String> =
                sqlx::query_scalar("SELECT price FROM plan_templates WHERE id = $1 AND organisation_id = $2")
                    .bind(draft.id)
                    .bind(org)
                    .fetch_optional(&mut *tx)
                    .await?;
            Some(price.ok_or_else(|| AppError::NotFound(format!("There is no plan template number {}.", draft.id)))?)
        };
        if let Some(into) = draft.renews_into {
            let ok: Option<i64> =
                sqlx::query_scalar("SELECT id FROM plan_templates WHERE id = $1 AND organisation_id = $2 AND id <> $3")
                    .bind(into)
                    .bind(org)
                    .bind(draft.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            ok.ok_or_else(|| AppError::Invalid("Choose the template it renews into from the list.".into()))?;
        }
        let text = |d: Option<Decimal>| d.map(|d| d.to_string());
        let mut query = sqlx::query_scalar(if draft.id == 0 {
            "INSERT INTO plan_templates (name, kind, species, life_stage, description, price, enrollment_fee,
                 term_months, auto_renew, renews_into_template_id, member_discount_percent, multi_pet_discount_percent,
                 available_from, available_until, billing_options, active, one_pet, no_show, organisation_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id"
        } else {
            "UPDATE plan_templates SET name = $1, kind = $2, species = $3, life_stage = $4, description = $5, price = $6,
                 enrollment_fee = $7, term_months = $8, auto_renew = $9, renews_into_template_id = $10,
                 member_discount_percent = $11, multi_pet_discount_percent = $12, available_from = $13, available_until = $14,
                 billing_options = $15, active = $16, one_pet = $17, no_show = $18, updated_at = (SELECT now FROM carecount_clock)
             WHERE organisation_id = $19 AND id = $20 RETURNING id"
        })
        .bind(&t.name)
        .bind(t.kind.code())
        .bind(&t.species)
        .bind(&t.life_stage)
        .bind(&t.description)
        .bind(t.price.to_string())
        .bind(t.enrollment_fee.to_string())
        .bind(t.term_months)
        .bind(Flag(draft.auto_renew))
        .bind(draft.renews_into)
        .bind(text(t.member_discount))
        .bind(text(t.multi_pet_discount))
        .bind(t.available_from.map(Day))
        .bind(t.available_until.map(Day))
        .bind(t.billing_options.join(","))
        .bind(Flag(draft.active))
        .bind(Flag(draft.one_pet && t.kind != crate::domain::PlanKind::WellnessPlan))
        .bind(if draft.no_show_draws { "draw" } else { "release" })
        .bind(org);
        if draft.id != 0 {
            query = query.bind(draft.id);
        }
        let id: i64 = query.fetch_one(&mut *tx).await?;
        sqlx::query("DELETE FROM template_benefits WHERE template_id = $1").bind(id).execute(&mut *tx).await?;
        for (position, b) in t.benefits.iter().enumerate() {
            let (item_id, group_id): (Option<i64>, Option<i64>) = match &b.target {
                Target::Item(code) => {
                    let item: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM catalog_items WHERE organisation_id = $1 AND code = $2")
                            .bind(org)
                            .bind(code)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let item = item.ok_or_else(|| {
                        AppError::Invalid(format!(
                            "Benefit {} ({}): there is no item with code {code}; choose one from the list.",
                            position + 1,
                            b.label
                        ))
                    })?;
                    (Some(item), None)
                }
                Target::Group(group) => {
                    let found: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM item_groups WHERE organisation_id = $1 AND id = $2")
                            .bind(org)
                            .bind(group)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let group = found.ok_or_else(|| {
                        AppError::Invalid(format!("Benefit {}: choose its group from the list.", position + 1))
                    })?;
                    (None, Some(group))
                }
            };
            sqlx::query(
                "INSERT INTO template_benefits (template_id, label, item_id, group_id, limit_quantity,
                                                discount_percent, position, resets)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(&b.label)
            .bind(item_id)
            .bind(group_id)
            .bind(b.limit)
            .bind(b.discount.normalize().to_string())
            .bind(position as i64)
            .bind(b.resets.code())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM template_clinics WHERE template_id = $1").bind(id).execute(&mut *tx).await?;
        for clinic_id in &draft.clinic_ids {
            sqlx::query(
                "INSERT INTO template_clinics (template_id, clinic_id)
                 SELECT $1, id FROM clinics WHERE id = $2 AND organisation_id = $3",
            )
            .bind(id)
            .bind(clinic_id)
            .bind(org)
            .execute(&mut *tx)
            .await?;
        }
        let mut detail =
            format!("{} saved: {} {}, {} benefits", t.name, clinic.currency.code, t.price, t.benefits.len());
        if let Some(old) = old_price.filter(|old| decimal(old).ok() != Some(t.price)) {
            // Running contracts keep their copy; only their next term's
            // price is at stake, and the manager decides it.
            let locked = if apply_price_to_renewals {
                sqlx::query(&format!(
                    "UPDATE subscriptions SET renewal_price = NULL WHERE template_id = $1 AND status IN {}",
                    running()
                ))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                "running plans renew at the new price".to_string()
            } else {
                let kept = sqlx::query(&format!(
                    "UPDATE subscriptions SET renewal_price = $1
                     WHERE template_id = $2 AND status IN {} AND renewal_price IS NULL",
                    running()
                ))
                .bind(&old)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                format!("{kept} running plans keep {old} at renewal")
            };
            detail = format!("{detail}; price changed from {old}, {locked}");
        }
        super::pack_sale::sync_pack_item(&mut tx, id).await?;
        Audit { action: "template", entity: "plan_template", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, org, actor)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
