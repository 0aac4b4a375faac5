//! Usage sync as pages, the integration API and the import command see it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::paging::Paging;

/// Where an import came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncSource {
    /// A file a manager uploaded.
    Upload,
    /// Lines pushed through the integration API.
    Api,
    /// The scheduled pull from the clinic's folder.
    Folder,
    /// `carecount import FILE.csv`.
    Command,
    /// Exceptions applied again after a mapping was fixed.
    Retry,
}

impl SyncSource {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            SyncSource::Upload => "upload",
            SyncSource::Api => "api",
            SyncSource::Folder => "folder",
            SyncSource::Command => "command",
            SyncSource::Retry => "retry",
        }
    }
}

/// What "Apply again" did: its run, how many of the lines that needed a
/// person it cleared, and how many still do (the run's own `exceptions`
/// counts only lines it newly found).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryOutcome {
    pub run: SyncRun,
    /// Lines that needed a person before and count now (or were closed as
    /// dismissed); one that only turned into another problem still waits.
    pub cleared: i64,
    /// Lines of the clinic's that still need a person.
    pub still_open: i64,
}

/// One sync run: what it read and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct SyncRun {
    pub id: i64,
    /// upload, api, folder, command or retry.
    pub source: String,
    pub file_name: String,
    pub actor_name: String,
    /// When it ran (UTC, ISO 8601).
    pub started_at: String,
    /// Lines in the file or request.
    pub lines_read: i64,
    /// Lines that were new or changed and counted.
    pub applied: i64,
    /// Lines seen before exactly as they are.
    pub unchanged: i64,
    /// Lines deleted or voided since they were counted.
    pub reversed: i64,
    /// Lines whose code is not a plan code (no clinic prefix).
    pub skipped: i64,
    /// Invoice items that used more than a plan had left.
    pub over_usage: i64,
    /// New lines that need a person: unknown code or patient, not in plan.
    pub exceptions: i64,
    /// Lines refused as malformed (nothing of the file was applied).
    pub errors: i64,
    /// What to fix, when the file was refused.
    pub problem: String,
    /// The digest emailed to the clinic, when there was anything to tell.
    pub digest: String,
}

/// A practice-system invoice item that used more than a plan had left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OverUsageRow {
    pub id: i64,
    /// The day of the use.
    pub used_on: NaiveDate,
    pub invoice_ref: String,
    pub patient_id: i64,
    pub patient_name: String,
    pub client_name: String,
    pub item_name: String,
    /// "1 exam", "3 tablets": the units beyond the plan.
    pub beyond: String,
    pub plan_id: Option<i64>,
    pub plan_name: Option<String>,
    /// open, approved or removed.
    pub status: String,
    pub note: String,
    pub decided_by: Option<String>,
}

/// A practice-system line that needs a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ExceptionRow {
    pub id: i64,
    pub invoice_ref: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::Day"))]
    pub invoice_date: NaiveDate,
    pub patient_ref: String,
    pub code: String,
    pub quantity: i64,
    /// unknown_code, unknown_patient, not_in_plan or over_return.
    pub kind: String,
    pub detail: String,
}

/// Something to choose in a mapping: an item or a patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// Which over-usage the report shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverUsageFilter {
    /// First day (ISO date), inclusive.
    pub from: Option<String>,
    /// Last day (ISO date), inclusive.
    pub until: Option<String>,
    /// One plan template's plans only.
    pub plan: Option<i64>,
    /// Addressed ones too, not only the unaddressed.
    pub all: bool,
    /// The page asked for, from 1.
    #[serde(default)]
    pub page: u32,
}

/// Everything the sync page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPage {
    pub clinic_name: String,
    /// Codes starting with this count toward plans.
    pub prefix: String,
    /// The folder on the server pulled every few minutes ("" for none).
    pub folder: String,
    /// The largest file an upload takes, in MiB.
    pub max_file_mib: usize,
    /// The run just made, when the page was opened from an upload.
    pub shown_run: Option<SyncRun>,
    pub runs: Vec<SyncRun>,
    /// A page of the over-usage report.
    pub over_usage: Vec<OverUsageRow>,
    pub over_usage_paging: Paging,
    /// A page of the open exceptions.
    pub exceptions: Vec<ExceptionRow>,
    pub exceptions_paging: Paging,
    pub items: Vec<Choice>,
    /// Plan templates, for the report's filter.
    pub plans: Vec<Choice>,
    /// The integration API's tokens, newest first.
    pub tokens: Vec<ApiToken>,
}

/// A token of the integration API, as a manager sees it (never the token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub shown_prefix: String,
    pub created_by: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A practice-system code and the catalog item it counts as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CodeMapping {
    pub code: String,
    pub item_id: i64,
    pub item_label: String,
}

/// A practice-system patient id and the patient it stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PatientMapping {
    pub pims_id: String,
    pub patient_id: i64,
    pub patient_label: String,
}

/// The mappings a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mappings {
    pub codes: Vec<CodeMapping>,
    pub patients: Vec<PatientMapping>,
}
