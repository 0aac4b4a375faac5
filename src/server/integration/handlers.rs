//! The integration API's endpoints. Each takes the token's organisation and
//! clinic, and answers JSON or a problem.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::problem::Problem;
use crate::domain::sync::{LineStatus, SourceLine};
use crate::domain::{Limit, Remaining};
use crate::server::import::csv_lines::{check_quantity, check_text};
use crate::server::import::{import_csv, refused};
use crate::server::state::AppState;
use crate::server::store::sync::Batch;
use crate::wire::sync::{ExceptionRow, OverUsageFilter, OverUsageRow, SyncRun, SyncSource};

/// The most lines one push may carry.
pub const MAX_PUSHED_LINES: usize = 5_000;

/// One practice-system invoice line.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct LineIn {
    /// The practice system's invoice id.
    #[schema(example = "INV-2026-0412", min_length = 1, max_length = 100)]
    pub invoice_id: String,
    /// The line's id, unique within its invoice.
    #[schema(example = "3", min_length = 1, max_length = 100)]
    pub line_id: String,
    /// The invoice's date, the day of the use.
    pub invoice_date: chrono::NaiveDate,
    /// The practice system's patient id.
    #[schema(example = "PMS-1001", min_length = 1, max_length = 100)]
    pub patient_id: String,
    /// The practice system's item code; only codes with the clinic's prefix count.
    #[schema(example = "WP-EXAM", min_length = 1, max_length = 100)]
    pub code: String,
    /// Units in the item's unit; negative returns usage.
    #[schema(minimum = -10000, maximum = 10000)]
    pub quantity: i64,
    /// `final` (the default), `deleted` (this line) or `void` (the whole invoice).
    #[serde(default)]
    #[schema(example = "final")]
    pub status: Option<String>,
}

/// Lines to apply, as one batch.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct PushLines {
    /// At most 5,000 lines.
    #[schema(min_items = 1, max_items = 5000)]
    pub lines: Vec<LineIn>,
}

/// Pushes invoice lines: applied in one transaction, each counted once.
#[utoipa::path(post, path = "/api/v1/invoice-lines", tag = "sync", request_body = PushLines,
    responses((status = 200, description = "The run", body = SyncRun),
              (status = 401, description = "No live token", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A line to fix; nothing was applied", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn push_lines(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<PushLines>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<SyncRun>, Problem> {
    let Json(push) = body.map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()))?;
    if push.lines.is_empty() || push.lines.len() > MAX_PUSHED_LINES {
        let detail = format!("Send between 1 and {MAX_PUSHED_LINES} lines; this had {}.", push.lines.len());
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail));
    }
    let lines = push.lines.iter().enumerate().map(|(n, l)| source_line(n, l)).collect::<Result<Vec<_>, _>>()?;
    let actor = caller.actor();
    let batch = batch(&caller, SyncSource::Api, "", &actor);
    Ok(Json(state.store.import_lines(&batch, lines).await?))
}

fn source_line(n: usize, line: &LineIn) -> Result<SourceLine, Problem> {
    let field = |name: &str, result: Result<String, String>| {
        result.map_err(|m| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("lines[{n}].{name}: {m}")))
    };
    let status = match line.status.as_deref() {
        None => LineStatus::Final,
        Some(text) => LineStatus::parse(text).ok_or_else(|| {
            let detail = format!("lines[{n}].status: \"{text}\" is not a status; use final, deleted or void");
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
        })?,
    };
    Ok(SourceLine {
        invoice_id: field("invoice_id", check_text(&line.invoice_id))?,
        line_id: field("line_id", check_text(&line.line_id))?,
        invoice_date: line.invoice_date,
        patient_ref: field("patient_id", check_text(&line.patient_id))?,
        code: field("code", check_text(&line.code))?,
        quantity: check_quantity(line.quantity)
            .map_err(|m| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("lines[{n}].quantity: {m}")))?,
        status,
    })
}

fn batch<'a>(
    caller: &Caller,
    source: SyncSource,
    file_name: &'a str,
    actor: &'a crate::server::actor::Actor,
) -> Batch<'a> {
    Batch { organisation_id: caller.0.organisation_id, clinic_id: caller.0.clinic_id, source, file_name, actor }
}

/// Uploads a CSV export (the body, `text/csv`), applied as one batch.
#[utoipa::path(post, path = "/api/v1/imports", tag = "sync",
    request_body(content = String, content_type = "text/csv",
        description = "Columns invoice_id, line_id, invoice_date, patient_id, code, quantity; optional status, description. At most 20 MiB."),
    responses((status = 200, description = "The run", body = SyncRun),
              (status = 401, description = "No live token", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "Over 20 MiB; nothing of it was applied", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "The file was refused; nothing of it was applied", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "Other exports are being uploaded; try again after Retry-After seconds", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn upload_csv(State(state): State<AppState>, caller: Caller, body: Bytes) -> Result<Json<SyncRun>, Problem> {
    let actor = caller.actor();
    let run = import_csv(&state.store, &batch(&caller, SyncSource::Api, "upload.csv", &actor), &body).await?;
    match refused(&run) {
        Some(problem) => {
            Err(Problem { run_id: Some(run.id), ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, problem) })
        }
        None => Ok(Json(run)),
    }
}

/// A benefit and what is left of it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BenefitOut {
    #[schema(example = "Wellness exams")]
    pub label: String,
    /// The limit in smallest units; absent when unlimited.
    pub limit: Option<i64>,
    pub used: i64,
    /// What is left; absent when unlimited.
    pub left: Option<i64>,
    /// The same in words.
    #[schema(example = "1 out of 2 exams left")]
    pub left_text: String,
}

/// A plan that covers the patient.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub plan_id: i64,
    pub plan_name: String,
    /// active, on_hold, past_due, …
    pub status: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: Option<chrono::NaiveDate>,
    pub benefits: Vec<BenefitOut>,
}

/// A patient's plans today.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PatientPlans {
    /// The practice system's patient id.
    pub patient_id: String,
    pub patient_name: String,
    pub plans: Vec<PlanOut>,
}

/// A patient's plans with what is left per benefit, by the practice
/// system's patient id.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/plans", tag = "plans",
    params(("patient_id" = String, Path, description = "The practice system's patient id", example = "PMS-1001")),
    responses((status = 200, description = "The plans", body = PatientPlans),
              (status = 401, description = "No live token", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "No patient is mapped to that id", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn patient_plans(
    State(state): State<AppState>,
    caller: Caller,
    Path(patient_id): Path<String>,
) -> Result<Json<PatientPlans>, Problem> {
    let org = caller.0.organisation_id;
    let (patient, name, cards) = state.store.plans_of_pims_patient(org, caller.0.clinic_id, &patient_id).await?;
    let plans = cards
        .into_iter()
        .filter(|c| c.subscription.applies_to(patient))
        .map(|card| PlanOut {
            plan_id: card.subscription.id,
            plan_name: card.subscription.plan_name.clone(),
            status: card.subscription.status.code().to_string(),
            starts_on: card.subscription.starts_on,
            ends_on: card.subscription.ends_on,
            benefits: card
                .subscription
                .benefits
                .iter()
                .zip(&card.benefits)
                .map(|(b, shown)| {
                    let remaining = b.remaining();
                    BenefitOut {
                        label: b.label.clone(),
                        limit: match b.limit {
                            Limit::Counted(q) => Some(q.0),
                            Limit::Unlimited => None,
                        },
                        used: b.used.0,
                        left: match remaining {
                            Remaining::Counted(q) => Some(q.0.max(0)),
                            Remaining::Unlimited => None,
                        },
                        left_text: crate::domain::out_of_text(b.limit, remaining, &shown.units),
                    }
                })
                .collect(),
        })
        .collect();
    Ok(Json(PatientPlans { patient_id, patient_name: name, plans }))
}

/// Which over-usage to list.
#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct OverUsageQuery {
    /// First day, inclusive.
    pub from: Option<chrono::NaiveDate>,
    /// Last day, inclusive.
    pub until: Option<chrono::NaiveDate>,
    /// Addressed ones too.
    #[serde(default)]
    pub all: bool,
    /// The page, from 1; a page past the end is empty.
    pub page: Option<u32>,
}

/// Which page of a list.
#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// The page, from 1; a page past the end is empty.
    pub page: Option<u32>,
}

/// The rows of the page asked for: none past the last page. The staff pages
/// show the last page instead; a program reading page after page until one
/// is empty would read that one for ever.
fn page_asked<T>(asked: u32, (rows, paging): (Vec<T>, crate::wire::paging::Paging)) -> Vec<T> {
    if asked > paging.page { Vec::new() } else { rows }
}

/// Rows per page of the integration API's lists.
pub const API_PER_PAGE: u32 = 500;

/// Over-usage found by syncs, newest first, 500 a page: the unaddressed
/// only unless `all`.
#[utoipa::path(get, path = "/api/v1/over-usage", tag = "review", params(OverUsageQuery),
    responses((status = 200, description = "Over-usage", body = Vec<OverUsageRow>),
              (status = 401, description = "No live token", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A query parameter to fix", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn over_usage(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<OverUsageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<OverUsageRow>>, Problem> {
    let Query(query) = query.map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()))?;
    let filter = OverUsageFilter {
        from: query.from.map(|d| d.to_string()),
        until: query.until.map(|d| d.to_string()),
        plan: None,
        all: query.all,
        page: query.page.unwrap_or(1),
    };
    let found = state.store.over_usage(caller.0.organisation_id, caller.0.clinic_id, &filter, API_PER_PAGE).await?;
    Ok(Json(page_asked(filter.page, found)))
}

/// Lines that need a person (unknown code or patient, not in any plan),
/// oldest first, 500 a page.
#[utoipa::path(get, path = "/api/v1/exceptions", tag = "review", params(PageQuery),
    responses((status = 200, description = "Open exceptions", body = Vec<ExceptionRow>),
              (status = 401, description = "No live token", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A query parameter to fix", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn exceptions(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<ExceptionRow>>, Problem> {
    let Query(query) = query.map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()))?;
    let page = query.page.unwrap_or(1);
    let found = state.store.sync_exceptions(caller.0.organisation_id, caller.0.clinic_id, page, API_PER_PAGE).await?;
    Ok(Json(page_asked(page, found)))
}

/// The token's clinic's sync runs, newest first (the last 100).
#[utoipa::path(get, path = "/api/v1/sync-runs", tag = "sync",
    responses((status = 200, description = "Runs", body = Vec<SyncRun>),
              (status = 401, description = "No live token", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn sync_runs(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<SyncRun>>, Problem> {
    Ok(Json(state.store.clinic_sync_runs(caller.0.organisation_id, caller.0.clinic_id, 100).await?))
}
