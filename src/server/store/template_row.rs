//! A plan template's row as selling and its rules read it.

use chrono::NaiveDate;
use sqlx::FromRow;

use crate::domain::Billing;
use crate::server::store::Conn;
use crate::wire::error::AppError;

#[derive(FromRow)]
pub(crate) struct SqlTemplate {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) species: Option<String>,
    pub(crate) life_stage: Option<String>,
    pub(crate) description: String,
    pub(crate) price: String,
    pub(crate) enrollment_fee: String,
    pub(crate) term_months: Option<i64>,
    pub(crate) member_discount_percent: Option<String>,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    pub(crate) available_from: Option<NaiveDate>,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    pub(crate) available_until: Option<NaiveDate>,
    pub(crate) multi_pet_discount_percent: Option<String>,
    pub(crate) billing_options: String,
    #[sqlx(try_from = "crate::wire::stored::Flag")]
    pub(crate) one_pet: bool,
}

impl SqlTemplate {
    /// The billing choices this template offers.
    pub(crate) fn billings(&self) -> Vec<Billing> {
        self.billing_options.split(',').filter_map(Billing::from_code).collect()
    }
}

pub(crate) const TEMPLATE_COLUMNS: &str =
    "id, name, kind, species, life_stage, description, price, enrollment_fee, term_months,
     member_discount_percent, available_from, available_until, multi_pet_discount_percent, billing_options,
     one_pet FROM plan_templates";

/// A template that may be sold now, or a clear "not on sale".
pub(crate) async fn template_on_sale(
    conn: &mut Conn,
    organisation_id: i64,
    template_id: i64,
) -> Result<SqlTemplate, AppError> {
    sqlx::query_as(&format!("SELECT {TEMPLATE_COLUMNS} WHERE id = $1 AND organisation_id = $2 AND active = 1"))
        .bind(template_id)
        .bind(organisation_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Plan template number {template_id} is not on sale; pick another.")))
}
