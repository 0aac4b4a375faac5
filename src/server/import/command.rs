//! `carecount import FILE.csv [--clinic ID]`: applies a practice system's
//! export to the database the server uses (CARECOUNT_DATABASE), for a
//! scheduler to run. It prints the run's counts; a refused file prints what
//! to fix and exits with 1, having applied nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use super::import_csv;
use crate::server::actor::Actor;
use crate::server::config::Config;
use crate::server::store::sync::Batch;
use crate::wire::sync::{SyncRun, SyncSource};

const USAGE: &str = "usage: carecount import FILE.csv [--clinic ID]";

/// Runs the command with the arguments after `import`.
pub async fn run(args: &[String]) -> ExitCode {
    match import(args).await {
        Ok(run) => {
            println!("{}", summary(&run));
            if !run.digest.is_empty() {
                println!("\n{}", run.digest.trim_end());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("carecount import: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn import(args: &[String]) -> Result<SyncRun, String> {
    let (path, clinic) = parse_args(args)?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config = Config::from_env()?;
    let store = config.open_store().await?;
    let (organisation_id, clinic_id) =
        store.clinic_ids(clinic).await.map_err(|e| format!("cannot read the database: {e}"))?.ok_or_else(|| {
            match clinic {
                Some(id) => format!("there is no clinic {id} in {}", config.database_shown()),
                None => format!("{} has no clinic yet", config.database_shown()),
            }
        })?;
    let actor = Actor { user_id: None, name: "Import command".into() };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let batch = Batch { organisation_id, clinic_id, source: SyncSource::Command, file_name: &file_name, actor: &actor };
    // A scheduler's log shows when a long import started to apply.
    eprintln!("carecount import: read {} ({} bytes); applying it as one batch", path.display(), bytes.len());
    let run = import_csv(&store, &batch, &bytes).await.map_err(|e| e.to_string())?;
    match super::refused(&run) {
        Some(problem) => Err(format!("{} was refused (sync run {}). {problem}", path.display(), run.id)),
        None => Ok(run),
    }
}

fn parse_args(args: &[String]) -> Result<(PathBuf, Option<i64>), String> {
    let mut path = None;
    let mut clinic = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--clinic" => {
                let value = rest.next().ok_or(USAGE)?;
                clinic = Some(value.parse().map_err(|_| format!("--clinic takes a clinic id, not \"{value}\""))?);
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}; {USAGE}")),
            other if path.is_none() => path = Some(PathBuf::from(other)),
            _ => return Err(USAGE.into()),
        }
    }
    Ok((path.ok_or(USAGE)?, clinic))
}

/// One line a person reads in a scheduler's log.
pub fn summary(run: &SyncRun) -> String {
    format!(
        "Sync run {}: {} lines read, {} applied, {} unchanged, {} reversed, {} not plan codes, {} over-usage, {} exceptions.",
        run.id, run.lines_read, run.applied, run.unchanged, run.reversed, run.skipped, run.over_usage, run.exceptions
    )
}
