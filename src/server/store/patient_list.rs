//! The clinic's patient list, searched and paged here: a group of clinics
//! holds a hundred thousand patients, so a page reads fifty of them in name
//! order (an index walk), the plans of their owners only, and three counts.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{FromRow, QueryBuilder};

use super::Store;
use super::like::{case_blind_like, like_pattern};
use super::plan_state::in_force_condition;
use crate::domain::SubscriptionStatus;
use crate::server::store::dialect::numbered;
use crate::server::store::{Backend, Db};
use crate::wire::paging::Paging;
use crate::wire::patients::{PatientRow, PlanChip};
use crate::wire::stored::Day;

/// One page of patients and the counts the list's heading shows.
#[derive(Debug)]
pub struct PatientListing {
    /// This page's patients, by name.
    pub rows: Vec<PatientRow>,
    /// Where the page is among the patients matching the search.
    pub paging: Paging,
    /// Every patient of the organisation.
    pub total: u64,
    /// Patients a plan covers on the day asked.
    pub members: u64,
}

/// What a page of the list is asked for.
pub struct ListAsk<'a> {
    /// Words typed in the search box; blank for every patient.
    pub search: &'a str,
    /// The page, from 1.
    pub page: u32,
    /// Patients per page.
    pub per_page: u32,
    /// The day plans are in force on, and whether a past-due plan counts.
    pub today: NaiveDate,
    pub past_due_usable: bool,
}

#[derive(FromRow)]
struct SqlPatientRow {
    id: i64,
    name: String,
    species: String,
    breed: Option<String>,
    client_id: i64,
    client_name: String,
}

#[derive(FromRow)]
struct SqlChip {
    subscription_id: i64,
    client_id: i64,
    patient_id: Option<i64>,
    plan_name: String,
    status: String,
    #[sqlx(try_from = "crate::wire::stored::Day")]
    starts_on: NaiveDate,
    #[sqlx(try_from = "crate::wire::stored::MaybeDay")]
    ends_on: Option<NaiveDate>,
}

/// The patients of organisation `?1`, read table by table: a search looks
/// at every row, and a scan reads each page of a table once where a walk
/// along the organisation index would jump to each row (`+` keeps SQLite
/// off that index).
const SCANNED: &str = "+p.organisation_id = $1";

/// A search matches a pet's name, its breed, its owner's name, or the name
/// of a plan that applies to it, anywhere and in any case (`like` is the
/// database's case-blind LIKE); `$2` is the pattern. Each list of owners and
/// plans is read once, not per patient.
fn matches(like: &str) -> String {
    format!(
        " AND (p.name {like} $2 ESCAPE '\\' OR p.breed {like} $2 ESCAPE '\\'
      OR p.client_id IN (SELECT c.id FROM clients c
                         WHERE +c.organisation_id = $1 AND c.first_name || ' ' || c.last_name {like} $2 ESCAPE '\\')
      OR p.id IN (SELECT s.patient_id FROM subscriptions s
                  WHERE +s.organisation_id = $1 AND s.patient_id IS NOT NULL AND s.plan_name {like} $2 ESCAPE '\\')
      OR p.client_id IN (SELECT s.client_id FROM subscriptions s
                         WHERE +s.organisation_id = $1 AND s.patient_id IS NULL AND s.plan_name {like} $2 ESCAPE '\\'))"
    )
}

/// The same matches on PostgreSQL, each kind found along its own trigram
/// index (`migrations/postgres/0004_trigram_search.sql`) instead of by
/// reading every name of the group. A trigram index finds nothing by a
/// pattern of fewer than three letters: those read every name, as on SQLite.
const FOUND_BY_TRIGRAMS: &str = "
    SELECT f.id FROM patients f WHERE lower(f.name) LIKE lower($2) ESCAPE '\\' OR lower(f.breed) LIKE lower($2) ESCAPE '\\'
    UNION ALL
    SELECT f.id FROM patients f WHERE f.client_id IN (
        SELECT c.id FROM clients c
        WHERE c.organisation_id = $1 AND lower(c.first_name || ' ' || c.last_name) LIKE lower($2) ESCAPE '\\')
    UNION ALL
    SELECT s.patient_id FROM subscriptions s
    WHERE s.organisation_id = $1 AND s.patient_id IS NOT NULL AND lower(s.plan_name) LIKE lower($2) ESCAPE '\\'
    UNION ALL
    SELECT f.id FROM patients f WHERE f.client_id IN (
        SELECT s.client_id FROM subscriptions s
        WHERE s.organisation_id = $1 AND s.patient_id IS NULL AND lower(s.plan_name) LIKE lower($2) ESCAPE '\\')";

impl Store {
    /// A page of the organisation's patients by name, each with the plans
    /// that apply to it (its own wellness plans and its owner's packs).
    pub async fn patient_list(&self, organisation_id: i64, ask: &ListAsk<'_>) -> Result<PatientListing, sqlx::Error> {
        let search = ask.search.trim();
        // The counts and the page are read side by side, each on its own
        // connection: a page waits for the slowest, not for their sum.
        let total = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM patients p WHERE p.organisation_id = $1")
            .bind(organisation_id)
            .fetch_one(self.reader());
        let members = self.members(organisation_id, ask.today, ask.past_due_usable);
        let (total, members, (paging, ids)) = if search.is_empty() {
            let (total, members) = tokio::try_join!(total, members)?;
            let paging = Paging::new(ask.page, ask.per_page, u64::try_from(total).unwrap_or_default());
            (total, members, (paging, self.page_in_name_order(organisation_id, paging).await?))
        } else {
            tokio::try_join!(total, members, self.search(organisation_id, search, ask))?
        };
        let patients = self.patients_by_id(&ids).await?;
        let chips = self.chips_of(patients.iter().map(|p| p.client_id)).await?;
        Ok(PatientListing {
            rows: patients.into_iter().map(|p| with_plans(p, &chips)).collect(),
            paging,
            total: u64::try_from(total).unwrap_or_default(),
            members,
        })
    }

    /// The ids of one page of every patient, in name order: a walk along
    /// the (organisation, name) index.
    async fn page_in_name_order(&self, organisation_id: i64, paging: Paging) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT p.id FROM patients p WHERE p.organisation_id = $1
             ORDER BY lower(p.name), p.id LIMIT $2 OFFSET $3",
        )
        .bind(organisation_id)
        .bind(i64::from(paging.per_page))
        .bind(i64::try_from(paging.offset()).unwrap_or(i64::MAX))
        .fetch_all(self.reader())
        .await
    }

    /// Every patient matching a search, found in one pass, in name order:
    /// how many there are, and the ids of the page asked for.
    async fn search(
        &self,
        organisation_id: i64,
        search: &str,
        ask: &ListAsk<'_>,
    ) -> Result<(Paging, Vec<i64>), sqlx::Error> {
        let sql = if self.backend() == Backend::Postgres && search.chars().count() >= 3 {
            format!("SELECT p.id FROM patients p WHERE p.organisation_id = $1 AND p.id IN ({FOUND_BY_TRIGRAMS})")
        } else {
            format!("SELECT p.id FROM patients p WHERE {SCANNED}{}", matches(case_blind_like(self.backend())))
        };
        let found: Vec<i64> = sqlx::query_scalar(&format!("{sql} ORDER BY lower(p.name), p.id"))
            .bind(organisation_id)
            .bind(like_pattern(search))
            .fetch_all(self.reader())
            .await?;
        let paging = Paging::new(ask.page, ask.per_page, found.len() as u64);
        let start = usize::try_from(paging.offset()).unwrap_or(usize::MAX).min(found.len());
        let end = start.saturating_add(paging.per_page as usize).min(found.len());
        Ok((paging, found[start..end].to_vec()))
    }

    /// These patients with their owners' names, in the order of `ids`.
    async fn patients_by_id(&self, ids: &[i64]) -> Result<Vec<SqlPatientRow>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT p.id, p.name, p.species, p.breed, c.id AS client_id,
                    c.first_name || ' ' || c.last_name AS client_name
             FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.id IN (",
        );
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        query.push(")");
        let (sql, args) = numbered(&mut query, self.backend() == crate::server::store::Backend::Postgres)?;
        let mut rows: HashMap<i64, SqlPatientRow> = sqlx::query_as_with::<_, SqlPatientRow, _>(&sql, args)
            .fetch_all(self.reader())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
    }

    /// Patients a plan covers on `today`: their own wellness plan, or a pack
    /// of their owner's.
    async fn members(&self, organisation_id: i64, today: NaiveDate, past_due_usable: bool) -> Result<u64, sqlx::Error> {
        // A pet has one wellness plan in force at most; a pack covers the
        // pets of its household that no plan of their own covers.
        let own = in_force_condition("s", "$2", past_due_usable);
        let other = in_force_condition("o", "$2", past_due_usable);
        let members: i64 = sqlx::query_scalar(&format!(
            "SELECT (SELECT count(DISTINCT s.patient_id) FROM subscriptions s
                     WHERE s.organisation_id = $1 AND s.patient_id IS NOT NULL AND {own})
                  + (SELECT count(*) FROM patients p
                     WHERE p.client_id IN (SELECT s.client_id FROM subscriptions s
                                           WHERE s.organisation_id = $1 AND s.patient_id IS NULL AND {own})
                       AND NOT EXISTS (SELECT 1 FROM subscriptions o WHERE o.patient_id = p.id AND {other}))"
        ))
        .bind(organisation_id)
        .bind(Day(today))
        .fetch_one(self.reader())
        .await?;
        Ok(u64::try_from(members).unwrap_or_default())
    }

    /// The plans of these owners, newest first, by owner.
    async fn chips_of(&self, clients: impl Iterator<Item = i64>) -> Result<HashMap<i64, Vec<SqlChip>>, sqlx::Error> {
        let mut clients: Vec<i64> = clients.collect();
        clients.sort_unstable();
        clients.dedup();
        let mut by_client: HashMap<i64, Vec<SqlChip>> = HashMap::new();
        if clients.is_empty() {
            return Ok(by_client);
        }
        let mut query: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT id AS subscription_id, client_id, patient_id, plan_name, status, starts_on, ends_on
             FROM subscriptions WHERE client_id IN (",
        );
        let mut list = query.separated(", ");
        for client in clients {
            list.push_bind(client);
        }
        query.push(") ORDER BY starts_on DESC, id DESC");
        let (sql, args) = numbered(&mut query, self.backend() == crate::server::store::Backend::Postgres)?;
        for chip in sqlx::query_as_with::<_, SqlChip, _>(&sql, args).fetch_all(self.reader()).await? {
            by_client.entry(chip.client_id).or_default().push(chip);
        }
        Ok(by_client)
    }
}

/// A patient with the plans of its owner's that apply to it.
fn with_plans(p: SqlPatientRow, chips: &HashMap<i64, Vec<SqlChip>>) -> PatientRow {
    let plans = chips
        .get(&p.client_id)
        .into_iter()
        .flatten()
        .filter(|c| c.patient_id.is_none_or(|id| id == p.id))
        .filter_map(|c| {
            Some(PlanChip {
                subscription_id: c.subscription_id,
                plan_name: c.plan_name.clone(),
                status: SubscriptionStatus::from_code(&c.status)?,
                starts_on: c.starts_on,
                ends_on: c.ends_on,
            })
        })
        .collect();
    PatientRow {
        id: p.id,
        name: p.name,
        species: p.species,
        breed: p.breed,
        client_id: p.client_id,
        client_name: p.client_name,
        plans,
    }
}
