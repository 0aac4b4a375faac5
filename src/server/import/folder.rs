//! The scheduled pull: every `.csv` file in the folder a clinic names is
//! imported as a run of its own, then moved to `imported/` (or `refused/`,
//! when it had a mistake) beside it. A file imported again after a crash
//! counts nothing twice: its lines are keyed by the practice system's ids.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::Utc;

use super::{MAX_FILE_BYTES, import_csv, refused};
use crate::server::actor::Actor;
use crate::server::store::Store;
use crate::server::store::leases::{Holder, KeptLease};
use crate::server::store::sync::Batch;
use crate::wire::error::AppError;
use crate::wire::sync::{SyncRun, SyncSource};

/// How long a file must stand unchanged before it is read: the practice
/// system may still be writing it, and a half-written export reads as a
/// shorter file, or a line cut after its quantity (a cut `12` reads `1`, a
/// void line without its status as a use).
pub const SETTLE: Duration = Duration::from_secs(30);

/// Where imported and refused files go, inside the folder.
pub const IMPORTED: &str = "imported";
pub const REFUSED: &str = "refused";

/// A folder a manager names: an absolute path to a directory this server
/// can read, inside `root` when the server names one; kept as its real path
/// (no `..`, no links), so that no two clinics can name one folder twice
/// over. Empty switches the pull off.
pub fn check_folder(text: &str, root: Option<&Path>) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    crate::domain::text::within("The folder", text, 500).map_err(AppError::Invalid)?;
    let path = Path::new(text);
    if !path.is_absolute() {
        return Err(AppError::Invalid(format!(
            "\"{text}\" is not a full path; give the folder from the root, such as /srv/pims/exports."
        )));
    }
    if !path.is_dir() {
        return Err(AppError::Invalid(format!(
            "There is no folder {text} on the server, or CareCount may not read it."
        )));
    }
    std::fs::read_dir(path).map_err(|e| {
        AppError::Invalid(format!("CareCount may not read {text} ({e}); check the folder's permissions."))
    })?;
    let real = path.canonicalize().map_err(|e| AppError::Invalid(format!("CareCount may not read {text} ({e}).")))?;
    if let Some(root) = root
        && !real.starts_with(root)
    {
        return Err(AppError::Invalid(format!(
            "This server takes practice-system exports only from folders inside {}; name one there.",
            root.display()
        )));
    }
    real.to_str().map(str::to_string).ok_or_else(|| {
        AppError::Invalid(format!(
            "The folder {text} has a name CareCount cannot keep; rename it in letters and digits."
        ))
    })
}

/// How long a pull holds its clinic's folder without renewing the hold, and
/// how often it renews it between files: a server that stops mid-pull frees
/// the folder for the next pull after this long.
const HOLD: Duration = Duration::from_secs(600);
const RENEW_EVERY: Duration = Duration::from_secs(60);

/// Pulls every clinic's folder; problems go to the log, and the next round
/// tries again.
pub async fn pull_all(store: &Store) {
    let clinics = match store.clinics_with_sync_folder().await {
        Ok(clinics) => clinics,
        Err(e) => return tracing::error!(error = %e, "reading sync folders failed"),
    };
    for (organisation_id, clinic_id, folder) in clinics {
        match pull(store, organisation_id, clinic_id, Path::new(&folder)).await {
            Ok(_) => {}
            Err(AppError::Conflict(busy)) => tracing::info!(folder, busy, "folder pull skipped"),
            Err(e) => tracing::error!(error = %e, folder, "folder pull failed"),
        }
    }
}

/// Imports the folder's CSV files that have settled, oldest name first;
/// returns their runs. One pull at a time per clinic, across servers: two
/// at once could each read a file, and the one that applied an older
/// export after a newer one would undo the newer one's changes.
pub async fn pull(
    store: &Store,
    organisation_id: i64,
    clinic_id: i64,
    folder: &Path,
) -> Result<Vec<SyncRun>, AppError> {
    let job = format!("folder-{clinic_id}");
    let holder = Holder::new();
    if !store.hold_lease(&job, &holder, Utc::now(), HOLD).await? {
        return Err(AppError::Conflict(
            "The folder is being read right now, by the timed pull or another manager's Sync now; its runs show in \
             the history in a moment."
                .into(),
        ));
    }
    // Run apart from the request: a manager who closes the page (the
    // request is dropped) leaves the pull to finish and let go of the folder.
    let (store, folder) = (store.clone(), folder.to_path_buf());
    let pulling = tokio::spawn(async move {
        let mut lease = KeptLease::new(&store, &job, &holder, HOLD, RENEW_EVERY);
        let pulled = pull_held(&store, (organisation_id, clinic_id), &folder, &mut lease).await;
        if let Err(e) = store.release_lease(&job, &holder).await {
            tracing::warn!(error = %e, job, "letting go of a folder's hold failed; it ends by itself");
        }
        pulled
    });
    pulling.await.map_err(|e| {
        tracing::error!(error = %e, "a folder pull stopped unexpectedly");
        AppError::Internal
    })?
}

async fn pull_held(
    store: &Store,
    (organisation_id, clinic_id): (i64, i64),
    folder: &Path,
    lease: &mut KeptLease<'_>,
) -> Result<Vec<SyncRun>, AppError> {
    let actor = Actor { user_id: None, name: "Folder pull".into() };
    let mut runs = Vec::new();
    for file in csv_files(folder)? {
        // A hold lost (the database did not answer in time) leaves the
        // rest of the files to the next pull.
        if !lease.still_ours().await {
            break;
        }
        let Ok(bytes) = read_whole(&file) else { continue };
        let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let batch =
            Batch { organisation_id, clinic_id, source: SyncSource::Folder, file_name: &file_name, actor: &actor };
        let run = import_csv(store, &batch, &bytes).await?;
        let to = if refused(&run).is_some() { REFUSED } else { IMPORTED };
        move_into(folder, &file, to, run.id)?;
        // Told once it is in refused/, as the email says: one that could not
        // be moved is read again next time, and would be told again.
        if to == REFUSED {
            store.tell_refused_file((organisation_id, clinic_id), &run).await?;
        }
        runs.push(run);
    }
    Ok(runs)
}

fn csv_files(folder: &Path) -> Result<Vec<PathBuf>, AppError> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| AppError::Invalid(format!("CareCount cannot read the folder {} ({e}).", folder.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    // In name order up to the first file still being written: a later
    // export read before an earlier one would be undone by it next time.
    let now = SystemTime::now();
    Ok(files.into_iter().take_while(|file| settled(file, now)).collect())
}

/// Whether the file has stood unchanged for [`SETTLE`]; one changed "in the
/// future" (a clock set wrong) waits until that time has passed.
fn settled(file: &Path, now: SystemTime) -> bool {
    let changed = std::fs::metadata(file).and_then(|m| m.modified());
    changed.is_ok_and(|changed| now.duration_since(changed).is_ok_and(|age| age >= SETTLE))
}

/// Reads a file, at most one byte past the limit (the import then says the
/// file is too large).
fn read_whole(file: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(file)?.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn move_into(folder: &Path, file: &Path, sub: &str, run: i64) -> Result<(), AppError> {
    let target = folder.join(sub);
    let moved = std::fs::create_dir_all(&target).and_then(|()| {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        std::fs::rename(file, target.join(format!("run-{run}-{name}")))
    });
    moved.map_err(|e| {
        tracing::error!(error = %e, file = %file.display(), "moving an imported file failed");
        AppError::Invalid(format!(
            "{} was imported (run {run}) but could not be moved to {sub}/: {e}. It will be read again, and nothing counts twice.",
            file.display()
        ))
    })
}
