//! Plan templates for managers: list, load into the editor, save. Saving
//! never reaches plans already sold: they hold copies of the benefits.

use rust_decimal::Decimal;
use sqlx::FromRow;

use super::Store;
use super::audit::Audit;
use super::clinic::decimal;
use super::template_input::{Target, validate};
use crate::api::clinic::ClinicInfo;
use crate::api::error::AppError;
use crate::api::templates::{BenefitDraft, Choice, TemplateDraft, TemplateEditor, TemplateSummary};
use crate::domain::{LifeStage, Money, PlanKind};
use crate::server::actor::Actor;

/// Statuses of a plan still running (a renewal may follow).
const RUNNING: &str = "('pending', 'active', 'on_hold', 'past_due')";

#[derive(FromRow)]
struct SqlTemplateRow {
    id: i64,
    name: String,
    kind: String,
    species: Option<String>,
    life_stage: Option<String>,
    description: String,
    price: String,
    enrollment_fee: String,
    term_months: Option<i64>,
    auto_renew: bool,
    renews_into_template_id: Option<i64>,
    member_discount_percent: Option<String>,
    multi_pet_discount_percent: Option<String>,
    available_from: Option<String>,
    available_until: Option<String>,
    billing_options: String,
    active: bool,
    running: i64,
}

#[derive(FromRow)]
struct SqlBenefitRow {
    label: String,
    code: Option<String>,
    group_id: Option<i64>,
    limit_quantity: Option<i64>,
    discount_percent: String,
    resets: String,
}

const ROW: &str = "SELECT t.id, t.name, t.kind, t.species, t.life_stage, t.description, t.price, t.enrollment_fee,
        t.term_months, t.auto_renew, t.renews_into_template_id, t.member_discount_percent,
        t.multi_pet_discount_percent, t.available_from, t.available_until, t.billing_options, t.active,
        (SELECT count(*) FROM subscriptions s WHERE s.template_id = t.id AND s.status IN
           ('pending', 'active', 'on_hold', 'past_due')) AS running
     FROM plan_templates t";

fn audience(species: Option<&str>, stage: Option<&str>) -> String {
    let who = match species {
        Some("dog") => "Dogs",
        Some("cat") => "Cats",
        Some("rabbit") => "Rabbits",
        Some(_) => "Other pets",
        None => "Any pet",
    };
    match stage {
        Some(stage) if LifeStage::from_code(stage).is_some() => format!("{who} · {stage}"),
        _ => who.to_string(),
    }
}

impl Store {
    /// Every template of the organisation, on sale first.
    pub async fn template_list(&self, clinic: &ClinicInfo) -> Result<Vec<TemplateSummary>, AppError> {
        let rows: Vec<SqlTemplateRow> =
            sqlx::query_as(&format!("{ROW} WHERE t.organisation_id = ? ORDER BY t.active DESC, t.name"))
                .bind(clinic.organisation_id)
                .fetch_all(self.reader())
                .await?;
        rows.into_iter()
            .map(|t| {
                let window = match (&t.available_from, &t.available_until) {
                    (None, None) => None,
                    (from, until) => Some(format!(
                        "On sale {}{}",
                        from.as_ref().map_or(String::new(), |f| format!("from {f} ")),
                        until.as_ref().map_or(String::new(), |u| format!("until {u}"))
                    )),
                };
                Ok(TemplateSummary {
                    id: t.id,
                    kind: PlanKind::from_code(&t.kind).map_or("Plan", PlanKind::label).to_string(),
                    audience: audience(t.species.as_deref(), t.life_stage.as_deref()),
                    price: Money(decimal(&t.price)?),
                    term_months: t.term_months,
                    active: t.active,
                    running: t.running,
                    window,
                    name: t.name,
                })
            })
            .collect()
    }

    /// The editor's data for template `id`, or a blank one for 0.
    pub async fn template_editor(&self, clinic: &ClinicInfo, id: i64) -> Result<TemplateEditor, AppError> {
        let org = clinic.organisation_id;
        let mut conn = self.reader().acquire().await?;
        let (draft, running) = if id == 0 {
            let draft = TemplateDraft {
                kind: "wellness".into(),
                term_months: "12".into(),
                billing_options: vec!["monthly".into(), "advance".into()],
                active: true,
                benefits: vec![BenefitDraft { discount: "100".into(), resets: "term".into(), ..Default::default() }],
                ..Default::default()
            };
            (draft, 0)
        } else {
            let t: SqlTemplateRow = sqlx::query_as(&format!("{ROW} WHERE t.id = ? AND t.organisation_id = ?"))
                .bind(id)
                .bind(org)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("There is no plan template number {id}.")))?;
            let benefits: Vec<SqlBenefitRow> = sqlx::query_as(
                "SELECT b.label, i.code, b.group_id, b.limit_quantity, b.discount_percent, b.resets
                 FROM template_benefits b LEFT JOIN catalog_items i ON i.id = b.item_id
                 WHERE b.template_id = ? ORDER BY b.position",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            let clinic_ids: Vec<i64> =
                sqlx::query_scalar("SELECT clinic_id FROM template_clinics WHERE template_id = ? ORDER BY clinic_id")
                    .bind(id)
                    .fetch_all(&mut *conn)
                    .await?;
            let draft = TemplateDraft {
                id: t.id,
                name: t.name,
                kind: t.kind,
                species: t.species.unwrap_or_default(),
                life_stage: t.life_stage.unwrap_or_default(),
                description: t.description,
                price: t.price,
                enrollment_fee: t.enrollment_fee,
                term_months: t.term_months.map(|m| m.to_string()).unwrap_or_default(),
                auto_renew: t.auto_renew,
                renews_into: t.renews_into_template_id,
                member_discount: t.member_discount_percent.unwrap_or_default(),
                multi_pet_discount: t.multi_pet_discount_percent.unwrap_or_default(),
                available_from: t.available_from.unwrap_or_default(),
                available_until: t.available_until.unwrap_or_default(),
                billing_options: t.billing_options.split(',').map(str::to_string).collect(),
                clinic_ids,
                active: t.active,
                benefits: benefits
                    .into_iter()
                    .map(|b| BenefitDraft {
                        label: b.label,
                        target: b.code.unwrap_or_else(|| format!("group:{}", b.group_id.unwrap_or_default())),
                        limit: b.limit_quantity.map(|l| l.to_string()).unwrap_or_default(),
                        discount: b.discount_percent,
                        resets: b.resets,
                    })
                    .collect(),
            };
            (draft, t.running)
        };
        let choices = |rows: Vec<(String, String)>| {
            rows.into_iter().map(|(value, label)| Choice { value, label }).collect::<Vec<_>>()
        };
        let mut targets = choices(
            sqlx::query_as(
                "SELECT 'group:' || id, name || ' (any of the group)' FROM item_groups WHERE organisation_id = ? ORDER BY name",
            )
            .bind(org)
            .fetch_all(&mut *conn)
            .await?,
        );
        targets.extend(choices(
            sqlx::query_as(
                "SELECT code, name || ' (' || code || ')' FROM catalog_items
                 WHERE organisation_id = ? AND active = 1 ORDER BY name",
            )
            .bind(org)
            .fetch_all(&mut *conn)
            .await?,
        ));
        let clinics = choices(
            sqlx::query_as("SELECT CAST(id AS TEXT), name FROM clinics WHERE organisation_id = ? ORDER BY id")
                .bind(org)
                .fetch_all(&mut *conn)
                .await?,
        );
        let templates = choices(
            sqlx::query_as(
                "SELECT CAST(id AS TEXT), name FROM plan_templates WHERE organisation_id = ? AND id <> ? AND active = 1
                 ORDER BY name",
            )
            .bind(org)
            .bind(id)
            .fetch_all(&mut *conn)
            .await?,
        );
        Ok(TemplateEditor { draft, targets, clinics, templates, running, currency: clinic.currency.clone() })
    }

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
                sqlx::query_scalar("SELECT price FROM plan_templates WHERE id = ? AND organisation_id = ?")
                    .bind(draft.id)
                    .bind(org)
                    .fetch_optional(&mut *tx)
                    .await?;
            Some(price.ok_or_else(|| AppError::NotFound(format!("There is no plan template number {}.", draft.id)))?)
        };
        if let Some(into) = draft.renews_into {
            let ok: Option<i64> =
                sqlx::query_scalar("SELECT id FROM plan_templates WHERE id = ? AND organisation_id = ? AND id <> ?")
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
                 available_from, available_until, billing_options, active, organisation_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
        } else {
            "UPDATE plan_templates SET name = ?, kind = ?, species = ?, life_stage = ?, description = ?, price = ?,
                 enrollment_fee = ?, term_months = ?, auto_renew = ?, renews_into_template_id = ?,
                 member_discount_percent = ?, multi_pet_discount_percent = ?, available_from = ?, available_until = ?,
                 billing_options = ?, active = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE organisation_id = ? AND id = ? RETURNING id"
        })
        .bind(&t.name)
        .bind(t.kind.code())
        .bind(&t.species)
        .bind(&t.life_stage)
        .bind(&t.description)
        .bind(t.price.to_string())
        .bind(t.enrollment_fee.to_string())
        .bind(t.term_months)
        .bind(draft.auto_renew)
        .bind(draft.renews_into)
        .bind(text(t.member_discount))
        .bind(text(t.multi_pet_discount))
        .bind(t.available_from)
        .bind(t.available_until)
        .bind(t.billing_options.join(","))
        .bind(draft.active)
        .bind(org);
        if draft.id != 0 {
            query = query.bind(draft.id);
        }
        let id: i64 = query.fetch_one(&mut *tx).await?;
        sqlx::query("DELETE FROM template_benefits WHERE template_id = ?").bind(id).execute(&mut *tx).await?;
        for (position, b) in t.benefits.iter().enumerate() {
            let (item_id, group_id): (Option<i64>, Option<i64>) = match &b.target {
                Target::Item(code) => {
                    let item: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM catalog_items WHERE organisation_id = ? AND code = ?")
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
                        sqlx::query_scalar("SELECT id FROM item_groups WHERE organisation_id = ? AND id = ?")
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
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        sqlx::query("DELETE FROM template_clinics WHERE template_id = ?").bind(id).execute(&mut *tx).await?;
        for clinic_id in &draft.clinic_ids {
            sqlx::query(
                "INSERT INTO template_clinics (template_id, clinic_id)
                 SELECT ?, id FROM clinics WHERE id = ? AND organisation_id = ?",
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
                    "UPDATE subscriptions SET renewal_price = NULL WHERE template_id = ? AND status IN {RUNNING}"
                ))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                "running plans renew at the new price".to_string()
            } else {
                let kept = sqlx::query(&format!(
                    "UPDATE subscriptions SET renewal_price = ?
                     WHERE template_id = ? AND status IN {RUNNING} AND renewal_price IS NULL"
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
        Audit { action: "template", entity: "plan_template", entity_id: id, detail: &detail, note: None }
            .write(&mut tx, org, actor)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
