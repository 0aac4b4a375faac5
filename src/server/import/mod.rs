//! Usage sync from a practice system: a CSV export read whole, then applied
//! as one batch; the `carecount import` command.

pub mod carry_over_csv;
pub mod command;
pub mod csv_lines;
pub mod folder;
pub mod upload;

use super::store::Store;
use super::store::sync::Batch;
use crate::wire::error::AppError;
use crate::wire::sync::SyncRun;

/// The largest file an upload or the folder pull takes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The most a request carrying an export may hold: the file, plus the
/// form around it.
pub const MAX_UPLOAD_BODY: usize = MAX_FILE_BYTES + 64 * 1024;

/// For the routes that take an export: axum's extractors keep a limit of
/// their own (2 MiB) under the server's, which refused a real month's export
/// as a broken upload; this lifts theirs to the export's.
pub fn upload_extractor_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BODY)
}

/// Reads a CSV export and applies it. A malformed or oversized file applies
/// nothing: its run is recorded with what to fix, line by line, in
/// `problem` (see [`refused`]).
pub async fn import_csv(store: &Store, batch: &Batch<'_>, bytes: &[u8]) -> Result<SyncRun, AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        let problem = format!(
            "This file is {:.1} MiB; CareCount takes files of at most {} MiB. Export a shorter period, or split the file.",
            bytes.len() as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        );
        return store.record_refused_import(batch, 1, &problem).await;
    }
    // The file is read on a thread of its own while the batch begins and
    // reads the organisation's mappings; a refused file drops the batch
    // begun, which leaves nothing behind.
    let owned = bytes.to_vec();
    let reading = tokio::task::spawn_blocking(move || csv_lines::read(&owned));
    let begun = store.begin_batch(batch).await;
    let read = reading.await.map_err(|_| AppError::Internal)?;
    match read {
        Ok(lines) => begun?.apply(lines).await,
        Err(refused) => {
            drop(begun);
            store.record_refused_import(batch, refused.total, &refused.to_string()).await
        }
    }
}

/// Whether a run refused its file, and if so what to fix.
pub fn refused(run: &SyncRun) -> Option<&str> {
    (!run.problem.is_empty()).then_some(run.problem.as_str())
}
