//! Subscriptions with their copied benefits and ledger balances.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sqlx::{FromRow, QueryBuilder};

use super::Store;
use super::clinic::decimal;
use super::visit_holds::{ClientHold, Hold, holds_as_json};
use crate::domain::{
    Authorisation, Authoriser, BenefitBalance, CoverageSubscription, Covers, ItemRef, Limit, Money, Percent, PlanKind,
    Quantity, Reset, SubscriptionStatus, Subunit, UnitSpec, plan_year,
};
use crate::server::store::dialect::{json_arrays, numbered, on_postgres};
use crate::server::store::{Conn, Db};
use crate::wire::patients::{BenefitDisplay, PackFacts, PlanCard};
use crate::wire::stored::Day;

#[derive(Clone, FromRow, Deserialize)]
struct SqlSubscription {
    client_id: i64,
    id: i64,
    plan_name: String,
    kind: String,
    patient_id: Option<i64>,
    patient_name: Option<String>,
    status: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    ends_on: Option<NaiveDate>,
    member_discount_percent: Option<String>,
    origin: String,
    use_note: String,
    authorised_by: Option<String>,
    authoriser_name: Option<String>,
    authorisation_ref: Option<String>,
}

#[derive(Clone, FromRow, Deserialize)]
struct SqlBenefit {
    client_id: i64,
    id: i64,
    subscription_id: i64,
    label: String,
    item_id: Option<i64>,
    group_id: Option<i64>,
    limit_quantity: Option<i64>,
    discount_percent: String,
    covers_name: String,
    unit_name: String,
    subunit_name: Option<String>,
    subunit_per_unit: Option<i64>,
    resets: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
    item_code: Option<String>,
    item_price: Option<String>,
    item_group: Option<i64>,
    /// Use before [`ClientPlanRows::floor`], summed.
    used_before: i64,
}

#[derive(Clone)]
struct SqlUsage {
    subscription_benefit_id: i64,
    used_on: NaiveDate,
    used: i64,
}

/// A use row with the client it belongs to, as a batch reads it: client,
/// benefit, service day and quantity.
#[derive(Deserialize)]
struct ClientUsage(i64, i64, NaiveDate, i64);

fn bad(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} \u{201c}{value}\u{201d}").into())
}

fn percent(text: &str) -> Result<Percent, sqlx::Error> {
    Percent::new(decimal(text)?).map_err(|e| sqlx::Error::Decode(e.to_string().into()))
}

impl Store {
    /// Every subscription of a client, newest first, with benefits and
    /// usage summed from the ledger (never a stored balance) as of `today`:
    /// a benefit that resets yearly counts only this plan year's use.
    pub async fn client_plans(&self, client_id: i64, today: NaiveDate) -> Result<Vec<PlanCard>, sqlx::Error> {
        let mut conn = self.reader().acquire().await?;
        client_plans_on(&mut conn, client_id, today).await
    }
}

/// [`Store::client_plans`] on a given connection, so a write transaction
/// counts with what it has locked.
pub(crate) async fn client_plans_on(
    conn: &mut Conn,
    client_id: i64,
    today: NaiveDate,
) -> Result<Vec<PlanCard>, sqlx::Error> {
    client_plan_rows(conn, client_id, today).await?.on(today)
}

/// A client's plans as stored, with the ledger's use per benefit and
/// service date: what [`client_plans_on`] reads. A batch keeps them to count
/// many lines without reading the ledger again, recording each use it adds.
///
/// Use older than a year before the first day asked for is read as one sum
/// per benefit: no plan year that contains a day asked for starts that
/// early, so a yearly benefit never counts it and a lasting one counts the
/// sum. A clinic with years of history thus reads about a year of it.
#[derive(Clone)]
pub(crate) struct ClientPlanRows {
    from: NaiveDate,
    subs: Vec<SqlSubscription>,
    benefits: Vec<SqlBenefit>,
    usage: Vec<SqlUsage>,
    holds: Vec<Hold>,
}

/// Reads a client's [`ClientPlanRows`], to be asked on `from` or later.
pub(crate) async fn client_plan_rows(
    conn: &mut Conn,
    client_id: i64,
    from: NaiveDate,
) -> Result<ClientPlanRows, sqlx::Error> {
    let mut rows = client_plan_rows_many(conn, &[client_id], from).await?;
    Ok(rows.remove(&client_id).unwrap_or_else(|| ClientPlanRows::empty(from)))
}

/// Reads the [`ClientPlanRows`] of many clients, to be asked on `from` or
/// later, in one statement per few hundred clients: how a batch reads
/// every owner it will count for.
pub(crate) async fn client_plan_rows_many(
    conn: &mut Conn,
    clients: &[i64],
    from: NaiveDate,
) -> Result<HashMap<i64, ClientPlanRows>, sqlx::Error> {
    let mut found: HashMap<i64, ClientPlanRows> = HashMap::new();
    let floor = ClientPlanRows::floor(from);
    for chunk in clients.chunks(500) {
        // Subscriptions, benefits, use and visit holds come back as one JSON
        // array each, in the order of their types' fields, all in one
        // statement: handed over row by row, the tens of thousands of
        // benefits of a batch's owners cost more in the driver than in
        // SQLite, and a finalize waits for each round trip while it holds the
        // household's plans.
        let mut plans: QueryBuilder<Db> = QueryBuilder::new(json_arrays(
            conn,
            "SELECT (SELECT CAST(json_group_array(json_array(s.client_id, s.id, s.plan_name, s.kind, s.patient_id,
                                                     p.name, s.status, s.starts_on, s.ends_on,
                                                     s.member_discount_percent, s.origin, s.use_note,
                                                     s.authorised_by, s.authoriser_name, s.authorisation_ref)
                                          ORDER BY s.client_id, s.starts_on DESC, s.id DESC) AS TEXT)
                     FROM subscriptions s LEFT JOIN patients p ON p.id = s.patient_id
                     WHERE s.client_id IN ",
        ));
        in_clients(&mut plans, chunk);
        // Use older than the floor, summed per benefit in the ledger's
        // (benefit, day) index: no sort, however long the history. A benefit
        // that resets yearly counts none of it (see `assemble`), so its
        // years of history are not read at all.
        plans.push(json_arrays(
            conn,
            "), (SELECT CAST(json_group_array(json_array(
                    s.client_id, b.id, b.subscription_id, b.label, b.item_id, b.group_id, b.limit_quantity,
                    b.discount_percent, COALESCE(i.name, g.name), COALESCE(i.unit_name, g.unit_name),
                    i.subunit_name, i.subunit_per_unit, b.resets, s.starts_on, i.code, i.regular_price, i.group_id,
                    CASE WHEN b.resets = 'year' THEN 0
                         ELSE COALESCE((SELECT CAST(SUM(l.quantity) AS BIGINT) FROM usage_ledger l
                                        WHERE l.subscription_benefit_id = b.id AND l.used_on < ",
        ));
        plans.push_bind(Day(floor)).push(
            "), 0) END)
                    ORDER BY b.subscription_id, b.position, b.id) AS TEXT)
             FROM subscription_benefits b
             JOIN subscriptions s ON s.id = b.subscription_id
             LEFT JOIN catalog_items i ON i.id = b.item_id
             LEFT JOIN item_groups g ON g.id = b.group_id
             WHERE s.client_id IN ",
        );
        in_clients(&mut plans, chunk);
        // An adjustment carries the service date of the use it adjusts, so
        // it gives back to the plan year that use was taken from. A benefit
        // has one client: MIN only names it, for PostgreSQL.
        plans.push(json_arrays(
            conn,
            "), (SELECT CAST(json_group_array(json_array(u.client_id, u.subscription_benefit_id, u.used_on, u.used))
                             AS TEXT)
                 FROM (SELECT MIN(s.client_id) AS client_id, l.subscription_benefit_id, l.used_on,
                              CAST(SUM(l.quantity) AS BIGINT) AS used
                       FROM usage_ledger l
                       JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
                       JOIN subscriptions s ON s.id = b.subscription_id
                       WHERE l.used_on >= ",
        ));
        plans.push_bind(Day(floor)).push(" AND s.client_id IN ");
        in_clients(&mut plans, chunk);
        plans.push(" GROUP BY l.subscription_benefit_id, l.used_on) u), ");
        plans.push(json_arrays(conn, &holds_as_json()));
        in_clients(&mut plans, chunk);
        plans.push(")");
        let (subs, benefits, usage, holds): PlanColumns = json_columns(conn, &mut plans).await?;
        for client in chunk {
            found.insert(*client, ClientPlanRows::empty(from));
        }
        let empty = || ClientPlanRows::empty(from);
        for row in subs {
            found.entry(row.client_id).or_insert_with(empty).subs.push(row);
        }
        for row in benefits {
            found.entry(row.client_id).or_insert_with(empty).benefits.push(row);
        }
        for ClientUsage(client_id, subscription_benefit_id, used_on, used) in usage {
            let usage = SqlUsage { subscription_benefit_id, used_on, used };
            found.entry(client_id).or_insert_with(empty).usage.push(usage);
        }
        for hold in holds {
            let (client, hold) = hold.into_hold()?;
            found.entry(client).or_insert_with(empty).holds.push(hold);
        }
    }
    Ok(found)
}

/// What the plans statement reads, column by column.
type PlanColumns = (Vec<SqlSubscription>, Vec<SqlBenefit>, Vec<ClientUsage>, Vec<ClientHold>);

/// The rows of a query selecting four `json_group_array`s of
/// `json_array`s, each in the order of its type's fields.
async fn json_columns<'q, A: DeserializeOwned, B: DeserializeOwned, C: DeserializeOwned, D: DeserializeOwned>(
    conn: &mut Conn,
    query: &'q mut QueryBuilder<'q, Db>,
) -> Result<(Vec<A>, Vec<B>, Vec<C>, Vec<D>), sqlx::Error> {
    let (sql, args) = numbered(query, on_postgres(conn))?;
    let (a, b, c, d): (Option<String>, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as_with(&sql, args).fetch_one(&mut *conn).await?;
    Ok((json_rows(a)?, json_rows(b)?, json_rows(c)?, json_rows(d)?))
}

fn json_rows<T: DeserializeOwned>(text: Option<String>) -> Result<Vec<T>, sqlx::Error> {
    // PostgreSQL's aggregate of no rows is NULL, SQLite's an empty array.
    serde_json::from_str(text.as_deref().unwrap_or("[]")).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn in_clients(query: &mut QueryBuilder<'_, Db>, clients: &[i64]) {
    query.push("(");
    let mut list = query.separated(", ");
    for client in clients {
        list.push_bind(*client);
    }
    query.push(")");
}

impl ClientPlanRows {
    fn empty(from: NaiveDate) -> ClientPlanRows {
        ClientPlanRows { from, subs: Vec::new(), benefits: Vec::new(), usage: Vec::new(), holds: Vec::new() }
    }

    /// The day before which use is read as one sum per benefit, for rows
    /// asked on `from` or later: earlier than any plan year containing such
    /// a day begins (plan years are at most 366 days long).
    fn floor(from: NaiveDate) -> NaiveDate {
        from - chrono::Days::new(367)
    }

    /// The plans as of `today` (on or after [`ClientPlanRows::from`]): a
    /// benefit that resets yearly counts only this plan year's use.
    pub(crate) fn on(&self, today: NaiveDate) -> Result<Vec<PlanCard>, sqlx::Error> {
        let used = self.used_on(today)?;
        assemble(self.subs.clone(), self.benefits.clone(), &used, &self.holds)
    }

    /// What each benefit has used as of `today`: a benefit that resets
    /// yearly counts this plan year's use, a lasting one all of it.
    pub(crate) fn used_on(&self, today: NaiveDate) -> Result<HashMap<i64, i64>, sqlx::Error> {
        if today < self.from {
            return Err(sqlx::Error::Protocol(format!("plans read from {} asked for {today}", self.from)));
        }
        // (benefit, its plan year, used): a plan has a handful of benefits,
        // and this runs for every day a batch counts on.
        type Counted = (i64, Option<(NaiveDate, NaiveDate)>, i64);
        let mut used: Vec<Counted> = self
            .benefits
            .iter()
            .map(|b| match Reset::from_code(&b.resets) {
                // Use outside this plan year counts in another one.
                Reset::Year => (b.id, Some(plan_year(b.starts_on, today)), 0),
                // A benefit that never resets counts it all the same.
                _ => (b.id, None, b.used_before),
            })
            .collect();
        for u in &self.usage {
            match used.iter_mut().find(|(id, _, _)| *id == u.subscription_benefit_id) {
                Some((_, Some((from, until)), _)) if u.used_on < *from || u.used_on >= *until => {}
                Some((_, _, sum)) => *sum += u.used,
                None => used.push((u.subscription_benefit_id, None, u.used)),
            }
        }
        let used = used.into_iter().map(|(id, _, sum)| (id, sum)).collect();
        Ok(used)
    }

    /// Records a use appended to the ledger for one of these plans.
    pub(crate) fn record_use(&mut self, benefit_id: i64, used_on: NaiveDate, quantity: i64) {
        self.usage.push(SqlUsage { subscription_benefit_id: benefit_id, used_on, used: quantity });
    }
}

fn assemble(
    subs: Vec<SqlSubscription>,
    benefits: Vec<SqlBenefit>,
    used: &HashMap<i64, i64>,
    holds: &[Hold],
) -> Result<Vec<PlanCard>, sqlx::Error> {
    let mut by_sub: HashMap<i64, Vec<(BenefitBalance, BenefitDisplay)>> = HashMap::new();
    for b in benefits {
        let covers = match (b.item_id, b.group_id) {
            (Some(item), _) => Covers::Item(item),
            (None, Some(group)) => Covers::Group(group),
            (None, None) => return Err(bad("benefit target", &b.id.to_string())),
        };
        let named_by_label = b.label.to_lowercase().starts_with(&b.covers_name.to_lowercase());
        let balance = BenefitBalance {
            id: b.id,
            label: b.label,
            covers,
            limit: b.limit_quantity.map_or(Limit::Unlimited, |n| Limit::Counted(Quantity(n))),
            discount: percent(&b.discount_percent)?,
            used: Quantity(used.get(&b.id).copied().unwrap_or_default()),
        };
        let units = UnitSpec {
            unit: b.unit_name,
            subunit: b.subunit_name.zip(b.subunit_per_unit).map(|(name, per)| Subunit { name, per_unit: per as u32 }),
        };
        let yearly = Reset::from_code(&b.resets) == Reset::Year;
        let item = match (b.item_id, b.item_code, b.item_price) {
            (Some(id), Some(code), Some(price)) => Some(ItemRef {
                id,
                code,
                name: b.covers_name.clone(),
                group_id: b.item_group,
                regular_price: Money(decimal(&price)?),
                units: units.clone(),
            }),
            _ => None,
        };
        let display =
            BenefitDisplay { benefit_id: b.id, covers_name: b.covers_name, named_by_label, units, yearly, item };
        by_sub.entry(b.subscription_id).or_default().push((balance, display));
    }
    subs.into_iter()
        .map(|s| {
            let (balances, displays) = by_sub.remove(&s.id).unwrap_or_default().into_iter().unzip();
            let kind = PlanKind::from_code(&s.kind).ok_or_else(|| bad("plan kind", &s.kind))?;
            let pack_facts = (kind != PlanKind::WellnessPlan).then(|| pack_facts(&s, holds));
            Ok(PlanCard {
                subscription: CoverageSubscription {
                    id: s.id,
                    plan_name: s.plan_name,
                    kind,
                    patient_id: s.patient_id,
                    status: SubscriptionStatus::from_code(&s.status).ok_or_else(|| bad("status", &s.status))?,
                    starts_on: s.starts_on,
                    ends_on: s.ends_on,
                    member_discount: s.member_discount_percent.as_deref().map(percent).transpose()?,
                    benefits: balances,
                },
                patient_name: s.patient_name,
                benefits: displays,
                pack_facts,
            })
        })
        .collect()
}

fn pack_facts(s: &SqlSubscription, holds: &[Hold]) -> PackFacts {
    let mine = holds.iter().filter(|h| h.subscription_id == s.id);
    let authorisation = s.authorised_by.as_deref().and_then(Authoriser::from_code).map(|by| Authorisation {
        by,
        name: s.authoriser_name.clone().unwrap_or_default(),
        reference: s.authorisation_ref.clone().unwrap_or_default(),
    });
    PackFacts {
        carried_over: s.origin == "carried_over",
        use_note: s.use_note.clone(),
        authorisation,
        held: Quantity(mine.clone().count() as i64),
        held_on_drafts: mine.clone().filter_map(|h| h.draft_invoice_id).collect(),
        next_booked: {
            let mut booked: Vec<_> = mine.filter(|h| h.booked).map(|h| h.starts_at).collect();
            booked.sort_unstable();
            booked
        },
    }
}
