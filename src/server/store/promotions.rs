//! Promotions running on a day.

use chrono::NaiveDate;
use sqlx::{FromRow, SqliteConnection};

use super::clinic::decimal;
use crate::domain::{Covers, Percent, Promotion};

#[derive(FromRow)]
struct SqlPromotion {
    label: String,
    item_id: Option<i64>,
    group_id: Option<i64>,
    percent: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

impl super::Store {
    /// The organisation's promotions running on `date`.
    pub async fn promotions(&self, organisation_id: i64, date: NaiveDate) -> Result<Vec<Promotion>, sqlx::Error> {
        let mut conn = self.reader().acquire().await?;
        promotions_on(&mut conn, organisation_id, date).await
    }
}

/// The organisation's promotions running on `date`.
pub(crate) async fn promotions_on(
    conn: &mut SqliteConnection,
    organisation_id: i64,
    date: NaiveDate,
) -> Result<Vec<Promotion>, sqlx::Error> {
    let rows: Vec<SqlPromotion> = sqlx::query_as(
        "SELECT label, item_id, group_id, percent, starts_on, ends_on FROM promotions
         WHERE organisation_id = ? AND starts_on <= ? AND ends_on >= ?",
    )
    .bind(organisation_id)
    .bind(date)
    .bind(date)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .filter_map(|r| {
            let covers = match (r.item_id, r.group_id) {
                (Some(item), _) => Covers::Item(item),
                (None, Some(group)) => Covers::Group(group),
                (None, None) => return None,
            };
            Some(decimal(&r.percent).and_then(|d| {
                let percent = Percent::new(d).map_err(|e| sqlx::Error::Decode(e.to_string().into()))?;
                Ok(Promotion { label: r.label, covers, percent, starts_on: r.starts_on, ends_on: r.ends_on })
            }))
        })
        .collect()
}
