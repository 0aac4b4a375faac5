//! The catalog: items with their units and regular prices.

use std::collections::HashMap;

use sqlx::FromRow;

use super::Store;
use super::clinic::decimal;
use crate::domain::{ItemRef, Money, Subunit, UnitSpec};
use crate::server::store::Conn;
use crate::wire::error::AppError;

#[derive(FromRow)]
struct SqlItem {
    id: i64,
    code: String,
    name: String,
    group_id: Option<i64>,
    regular_price: String,
    unit_name: String,
    subunit_name: Option<String>,
    subunit_per_unit: Option<i64>,
    sells_template_id: Option<i64>,
}

impl SqlItem {
    fn into_item(self) -> Result<ItemRef, sqlx::Error> {
        Ok(ItemRef {
            id: self.id,
            code: self.code,
            name: self.name,
            group_id: self.group_id,
            regular_price: Money(decimal(&self.regular_price)?),
            units: UnitSpec {
                unit: self.unit_name,
                subunit: self
                    .subunit_name
                    .zip(self.subunit_per_unit)
                    .map(|(name, per)| Subunit { name, per_unit: per.clamp(1, i64::from(u32::MAX)) as u32 }),
            },
        })
    }
}

const ITEM_COLUMNS: &str = "id, code, name, group_id, regular_price, unit_name, subunit_name, subunit_per_unit,
                            sells_template_id FROM catalog_items";

impl Store {
    /// Active items whose name or code contains `query`, best matches first.
    pub async fn search_catalog(&self, organisation_id: i64, query: &str) -> Result<Vec<ItemRef>, sqlx::Error> {
        // Control characters match no item, and PostgreSQL refuses NUL in text.
        let query: String = query.chars().filter(|c| !c.is_control()).collect();
        let query = query.as_str();
        let pattern = format!("%{}%", query.trim().replace(['%', '_'], ""));
        let prefix = format!("{}%", query.trim());
        let rows: Vec<SqlItem> = sqlx::query_as(&format!(
            "SELECT {ITEM_COLUMNS} WHERE organisation_id = $1 AND active = 1 AND (lower(name) LIKE lower($2) OR lower(code) LIKE lower($3))
             ORDER BY (lower(name) LIKE lower($4) OR lower(code) LIKE lower($5)) DESC, lower(name) LIMIT 12"
        ))
        .bind(organisation_id)
        .bind(&pattern)
        .bind(&pattern)
        .bind(&prefix)
        .bind(&prefix)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(SqlItem::into_item).collect()
    }
}

/// A catalog item as stored: the item the pricing sees, and the package or
/// session pack template it stands for, if any.
pub(crate) struct StoredItem {
    pub item: ItemRef,
    pub sells_template_id: Option<i64>,
}

/// The organisation's items with these ids (unknown ids are left out).
pub(crate) async fn items_by_id(
    conn: &mut Conn,
    organisation_id: i64,
    ids: &[i64],
) -> Result<HashMap<i64, ItemRef>, sqlx::Error> {
    let stored = stored_items_by_id(conn, organisation_id, ids).await?;
    Ok(stored.into_iter().map(|(id, stored)| (id, stored.item)).collect())
}

/// [`items_by_id`] with the pack template each item sells.
pub(crate) async fn stored_items_by_id(
    conn: &mut Conn,
    organisation_id: i64,
    ids: &[i64],
) -> Result<HashMap<i64, StoredItem>, sqlx::Error> {
    let mut found = HashMap::new();
    for id in ids {
        if found.contains_key(id) {
            continue;
        }
        let row: Option<SqlItem> =
            sqlx::query_as(&format!("SELECT {ITEM_COLUMNS} WHERE id = $1 AND organisation_id = $2"))
                .bind(id)
                .bind(organisation_id)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(row) = row {
            let sells_template_id = row.sells_template_id;
            found.insert(*id, StoredItem { item: row.into_item()?, sells_template_id });
        }
    }
    Ok(found)
}

impl Store {
    /// The name of the first of these items that sells a package or session
    /// pack, if one does: selling one is selling a plan, whoever finalizes.
    pub async fn first_item_selling_a_pack(
        &self,
        organisation_id: i64,
        ids: &[i64],
    ) -> Result<Option<String>, AppError> {
        let mut conn = self.reader().acquire().await?;
        let stored = stored_items_by_id(&mut conn, organisation_id, ids).await?;
        Ok(ids
            .iter()
            .find_map(|id| stored.get(id).filter(|s| s.sells_template_id.is_some()).map(|s| s.item.name.clone())))
    }

    /// Whether voiding this invoice would cancel a pack it sold.
    pub async fn invoice_sold_packs(&self, organisation_id: i64, invoice_id: i64) -> Result<bool, AppError> {
        let sold: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM subscriptions WHERE sold_on_invoice_id = $1 AND organisation_id = $2 AND status <> 'cancelled'",
        )
        .bind(invoice_id)
        .bind(organisation_id)
        .fetch_one(self.reader())
        .await?;
        Ok(sold > 0)
    }
}
