//! Background work on a timer: the outbox and the database's checkpoint
//! every few seconds; plan
//! renewals, past-due checks and expiry, practice-system folders and old
//! sessions, every few minutes. Each round is idempotent, so a restart simply runs it again.

use std::time::Duration;

use super::mail::Mailer;
use super::store::Store;

const MAIL_EVERY: Duration = Duration::from_secs(3);
/// Plan jobs run on start and then once per this many mail rounds (5 min).
const PLAN_JOBS_EVERY: u32 = 100;

/// Runs until the server stops (the task is aborted).
pub async fn run_forever(store: Store, mailer: Mailer, plan_jobs: bool) {
    let mut round: u32 = 0;
    loop {
        if round.is_multiple_of(PLAN_JOBS_EVERY) {
            if plan_jobs {
                match store.run_plan_jobs(chrono::Utc::now()).await {
                    Ok(report) if report.changed() => tracing::info!(?report, "plan jobs"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "plan jobs failed"),
                }
            }
            super::import::folder::pull_all(&store).await;
            if let Err(e) = store.delete_expired_sessions().await {
                tracing::error!(error = %e, "session clean-up failed");
            }
            if let Err(e) = store.optimize().await {
                tracing::error!(error = %e, "gathering the query planner's statistics failed");
            }
        }
        if let Err(e) = store.checkpoint().await {
            tracing::error!(error = %e, "copying the write-ahead log into the database failed");
        }
        if let Err(e) = mailer.deliver(&store).await {
            tracing::error!(error = %e, "outbox delivery failed");
        }
        round = round.wrapping_add(1);
        tokio::time::sleep(MAIL_EVERY).await;
    }
}
