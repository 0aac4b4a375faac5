//! Promotions running on a day.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::clinic::decimal;
use crate::domain::{Covers, Percent, Promotion};
use crate::server::store::Conn;
use crate::wire::stored::Day;

#[derive(FromRow)]
struct SqlPromotion {
    label: String,
    item_id: Option<i64>,
    group_id: Option<i64>,
    percent: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
    #[sqlx(try_from = "crate::wire::stored::Day")]
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
    conn: &mut Conn,
    organisation_id: i64,
    date: NaiveDate,
) -> Result<Vec<Promotion>, sqlx::Error> {
    let rows: Vec<SqlPromotion> = sqlx::query_as(
        "SELECT label, item_id, group_id, percent, starts_on, ends_on FROM promotions
         WHERE organisation_id = $1 AND starts_on <= $2 AND ends_on >= $3",
    )
    .bind(organisation_id)
    .bind(Day(date))
    .bind(Day(date))
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
