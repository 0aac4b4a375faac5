//! Background work on a timer: the outbox and the database's checkpoint
//! every few seconds; plan renewals, past-due checks and expiry,
//! practice-system folders and old sessions, every few minutes. Each round
//! is idempotent, so a restart simply runs it again.
//!
//! Servers sharing one database share this work through leases
//! (`store::leases`): one server at a time delivers the outbox, and each
//! periodic round runs once per period, on whichever server comes first.

use std::time::Duration;

use super::mail::Mailer;
use super::store::Store;
use super::store::leases::{Holder, KeptLease};

/// The leases' names: one for the outbox, one for the periodic round.
const OUTBOX: &str = "outbox";
const PERIODIC: &str = "periodic";

const MAIL_EVERY: Duration = Duration::from_secs(3);
/// Plan jobs, folder pulls and clean-up run once per this period.
const PERIODIC_EVERY: Duration = Duration::from_secs(300);
/// How long the outbox stays with a server that stopped renewing it: longer
/// than a slow round of SMTP deliveries, so no other server starts sending
/// the same messages while one is still at it.
const OUTBOX_HOLD: Duration = Duration::from_secs(120);
/// During a round of deliveries, the lease is renewed this often.
const RENEW_OUTBOX_EVERY: Duration = Duration::from_secs(20);

/// Runs until the server stops (the task is aborted).
pub async fn run_forever(store: Store, mailer: Mailer, plan_jobs: bool) {
    let holder = Holder::new();
    loop {
        match store.claim_period(PERIODIC, &holder, chrono::Utc::now(), PERIODIC_EVERY).await {
            Ok(true) => periodic(&store, plan_jobs).await,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "claiming the periodic jobs failed"),
        }
        // The log is this machine's file, whoever else shares the work.
        if let Err(e) = store.checkpoint().await {
            tracing::error!(error = %e, "copying the write-ahead log into the database failed");
        }
        match store.hold_lease(OUTBOX, &holder, chrono::Utc::now(), OUTBOX_HOLD).await {
            Ok(true) => {
                // A slow relay can make a round long: the lease is renewed
                // as it goes, and the round stops if it was lost.
                let mut lease = KeptLease::new(&store, OUTBOX, &holder, OUTBOX_HOLD, RENEW_OUTBOX_EVERY);
                if let Err(e) = mailer.deliver_holding(&store, &mut lease).await {
                    tracing::error!(error = %e, "outbox delivery failed");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "taking the outbox failed"),
        }
        tokio::time::sleep(MAIL_EVERY).await;
    }
}

/// The work done once per period across all servers.
async fn periodic(store: &Store, plan_jobs: bool) {
    if plan_jobs {
        match store.run_plan_jobs(chrono::Utc::now()).await {
            Ok(report) if report.changed() => tracing::info!(?report, "plan jobs"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "plan jobs failed"),
        }
    }
    super::import::folder::pull_all(store).await;
    if let Err(e) = store.delete_expired_sessions().await {
        tracing::error!(error = %e, "session clean-up failed");
    }
    if let Err(e) = store.optimize().await {
        tracing::error!(error = %e, "gathering the query planner's statistics failed");
    }
}
