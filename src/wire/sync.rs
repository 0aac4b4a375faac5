//! Usage sync as pages, the integration API and the import command see it.

use serde::{Deserialize, Serialize};

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

/// One sync run: what it read and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
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
