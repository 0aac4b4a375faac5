//! CSV downloads of the clinic's lists (plain GET routes: they change nothing).

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use tower_sessions::Session;

use super::state::AppState;
use crate::domain::Permission;
use crate::server::store::lists::Portion;
use crate::wire::error::AppError;
use crate::wire::lists::PlanFilter;

/// `/exports/{plans|payments-due|renewals}.csv`, filtered like the page.
pub async fn export_csv(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(filter): Query<PlanFilter>,
    session: Session,
) -> Response {
    match build(&state, &session, &name, &filter).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            ],
            body,
        )
            .into_response(),
        Err(e) => (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string())
            .into_response(),
    }
}

/// A cell as a spreadsheet will read it: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be taken for a formula (a pet
/// named `=HYPERLINK(...)`), so it gets a leading apostrophe and stays text.
fn text_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

async fn build(state: &AppState, session: &Session, name: &str, filter: &PlanFilter) -> Result<Vec<u8>, AppError> {
    let (clinic, _) = state.staff_in(session, Permission::ClinicDesk).await?;
    let lists = state.store.lists(clinic, filter, Portion::All).await?;
    // A byte-order mark first: Excel opens a CSV without one as the
    // system's old code page, and "Zoë Müller" reads "ZoÃ« MÃ¼ller".
    let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "csv export");
        AppError::Internal
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match name {
        "plans.csv" | "renewals.csv" => {
            let rows = if name == "plans.csv" { &lists.plans } else { &lists.renewals };
            out.write_record(["plan_id", "plan", "client", "pet", "status", "starts_on", "ends_on", "billing"])
                .map_err(fail)?;
            for r in rows {
                out.write_record([
                    r.id.to_string(),
                    text_cell(&r.plan_name),
                    text_cell(&r.client_name),
                    text_cell(r.patient_name.as_deref().unwrap_or_default()),
                    text_cell(&r.status),
                    r.starts_on.to_string(),
                    date(r.ends_on),
                    text_cell(&r.billing),
                ])
                .map_err(fail)?;
            }
        }
        "payments-due.csv" => {
            out.write_record(["plan_id", "plan", "client", "instalment", "due_on", "amount", "currency", "status"])
                .map_err(fail)?;
            for r in &lists.payments_due {
                out.write_record([
                    r.subscription_id.to_string(),
                    text_cell(&r.plan_name),
                    text_cell(&r.client_name),
                    r.number.to_string(),
                    r.due_on.to_string(),
                    r.amount.clone(),
                    r.currency.clone(),
                    text_cell(&r.status),
                ])
                .map_err(fail)?;
            }
        }
        other => return Err(AppError::NotFound(format!("There is no export called {other}."))),
    }
    out.into_inner().map_err(|e| fail(e.into_error().into()))
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn cells_that_a_spreadsheet_would_run_stay_text() {
        for formula in ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\r=x", "=HYPERLINK(\"http://evil\")"] {
            assert_eq!(text_cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["Rex", "Adult Dog Wellness", "", "O'Neill", "a=b"] {
            assert_eq!(text_cell(plain), plain);
        }
    }
}
