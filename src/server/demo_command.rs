//! `carecount demo [--scale clinic|group]`: fills a new database (the one
//! `CARECOUNT_DATABASE` names, as the server reads it) with the demo clinic,
//! or with the demo grown to a group of fifty clinics, to try every page at
//! a group's size. A database that already holds a clinic is left alone.

use std::process::ExitCode;
use std::time::Instant;

use crate::server::config::Config;
use crate::server::store::demo::group::{DemoCounts, GroupSize};

const USAGE: &str = "usage: carecount demo [--scale clinic|group]";

/// How much demo to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scale {
    Clinic,
    Group,
}

/// Runs the command with the arguments after `demo`.
pub async fn run(args: &[String]) -> ExitCode {
    match demo(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("carecount demo: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<Scale, String> {
    match args {
        [] => Ok(Scale::Clinic),
        [flag, scale] if flag == "--scale" => match scale.as_str() {
            "clinic" => Ok(Scale::Clinic),
            "group" => Ok(Scale::Group),
            other => Err(format!("unknown scale {other:?}: use clinic or group\n{USAGE}")),
        },
        _ => Err(USAGE.to_string()),
    }
}

async fn demo(args: &[String]) -> Result<(), String> {
    let scale = parse_args(args)?;
    let config = Config::from_env()?;
    let path = config.database_shown();
    // How the server is pointed at this database: the same variable.
    let variable = if config.database_url.is_some() { "CARECOUNT_DATABASE_URL" } else { "CARECOUNT_DATABASE" };
    let store = config.open_store().await?;
    if !store.is_empty().await.map_err(|e| format!("cannot read {path}: {e}"))? {
        return Err(format!(
            "{path} already holds a clinic; name a new database with {variable} (the demo only fills an empty database)"
        ));
    }
    let started = Instant::now();
    let today = crate::server::store::demo::demo_today(chrono::Utc::now());
    store.seed_demo(today).await.map_err(|e| format!("cannot write the demo clinic: {e}"))?;
    if scale == Scale::Group {
        eprintln!("carecount demo: growing the demo clinic into a group of clinics; this takes a minute or two");
        let counts = store
            .grow_demo_to_group(today, GroupSize::GROUP)
            .await
            .map_err(|e| format!("cannot write the group: {e}"))?;
        println!("{}", summary(&counts));
    }
    println!(
        "Filled {path} in {:.1} s. Start the server on it with {variable}={path}.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn summary(counts: &DemoCounts) -> String {
    format!(
        "{} clinics, {} clients, {} patients, {} plans, {} payments, {} ledger entries",
        counts.clinics, counts.clients, counts.patients, counts.plans, counts.payments, counts.ledger
    )
}

#[cfg(test)]
mod tests {
    use super::{Scale, parse_args};

    #[test]
    fn the_scale_is_named_or_the_usage_is_shown() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_args(&args(&[])), Ok(Scale::Clinic));
        assert_eq!(parse_args(&args(&["--scale", "group"])), Ok(Scale::Group));
        assert!(parse_args(&args(&["--scale", "city"])).unwrap_err().contains("use clinic or group"));
        assert!(parse_args(&args(&["--size"])).unwrap_err().starts_with("usage:"));
    }
}
