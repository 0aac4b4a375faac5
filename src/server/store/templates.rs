//! Plan templates for managers: the list, and a template loaded into the
//! editor (saving is in `template_save`).

use sqlx::FromRow;

use super::Store;
use super::clinic::decimal;
use super::plan_state::running;
use crate::domain::{LifeStage, Money, PlanKind};
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::templates::{BenefitDraft, Choice, TemplateDraft, TemplateEditor, TemplateSummary};

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
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    auto_renew: bool,
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    one_pet: bool,
    no_show: String,
    renews_into_template_id: Option<i64>,
    member_discount_percent: Option<String>,
    multi_pet_discount_percent: Option<String>,
    available_from: Option<String>,
    available_until: Option<String>,
    billing_options: String,
    #[sqlx(try_from = "crate::wire::stored::Flag")]
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

/// A template with how many of its plans are running.
fn template_row() -> String {
    format!(
        "SELECT t.id, t.name, t.kind, t.species, t.life_stage, t.description, t.price, t.enrollment_fee,
            t.term_months, t.auto_renew, t.one_pet, t.no_show, t.renews_into_template_id, t.member_discount_percent,
            t.multi_pet_discount_percent, t.available_from, t.available_until, t.billing_options, t.active,
            (SELECT count(*) FROM subscriptions s WHERE s.template_id = t.id AND s.status IN {}) AS running
         FROM plan_templates t",
        running()
    )
}

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
            sqlx::query_as(&format!("{} WHERE t.organisation_id = $1 ORDER BY t.active DESC, t.name", template_row()))
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
            let t: SqlTemplateRow =
                sqlx::query_as(&format!("{} WHERE t.id = $1 AND t.organisation_id = $2", template_row()))
                    .bind(id)
                    .bind(org)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| AppError::NotFound(format!("There is no plan template number {id}.")))?;
            let benefits: Vec<SqlBenefitRow> = sqlx::query_as(
                "SELECT b.label, i.code, b.group_id, b.limit_quantity, b.discount_percent, b.resets
                 FROM template_benefits b LEFT JOIN catalog_items i ON i.id = b.item_id
                 WHERE b.template_id = $1 ORDER BY b.position",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            let clinic_ids: Vec<i64> =
                sqlx::query_scalar("SELECT clinic_id FROM template_clinics WHERE template_id = $1 ORDER BY clinic_id")
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
                one_pet: t.one_pet,
                no_show_draws: t.no_show == "draw",
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
                "SELECT 'group:' || id, name || ' (any of the group)' FROM item_groups WHERE organisation_id = $1 ORDER BY name",
            )
            .bind(org)
            .fetch_all(&mut *conn)
            .await?,
        );
        targets.extend(choices(
            sqlx::query_as(
                // An item no longer on sale stays listed, marked, while a
                // benefit of this template covers it: the editor shows what
                // the template says rather than "Choose…".
                "SELECT code, name || ' (' || code || CASE WHEN active = 1 THEN ')' ELSE ', no longer on sale)' END
                 FROM catalog_items
                 WHERE organisation_id = $1
                   AND (active = 1 OR id IN (SELECT item_id FROM template_benefits WHERE template_id = $2))
                 ORDER BY name",
            )
            .bind(org)
            .bind(id)
            .fetch_all(&mut *conn)
            .await?,
        ));
        let clinics = choices(
            sqlx::query_as("SELECT CAST(id AS TEXT), name FROM clinics WHERE organisation_id = $1 ORDER BY id")
                .bind(org)
                .fetch_all(&mut *conn)
                .await?,
        );
        let templates = choices(
            sqlx::query_as(
                // The template this one renews into stays listed, marked,
                // once it is withdrawn: the editor must not show "The same
                // template" while the stored link leads to one not on sale.
                "SELECT CAST(id AS TEXT), name || CASE WHEN active = 1 THEN '' ELSE ' (withdrawn)' END
                 FROM plan_templates
                 WHERE organisation_id = $1 AND id <> $2
                   AND (active = 1 OR id = (SELECT renews_into_template_id FROM plan_templates WHERE id = $2))
                 ORDER BY name",
            )
            .bind(org)
            .bind(id)
            .fetch_all(&mut *conn)
            .await?,
        );
        Ok(TemplateEditor { draft, targets, clinics, templates, running, currency: clinic.currency.clone() })
    }
}
