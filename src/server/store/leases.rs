//! Leases on background work, so that servers sharing one database never
//! do it twice: the outbox is delivered by one server at a time, and a
//! periodic job runs once per period, on whichever server asks first.
//!
//! A lease is one row per job, taken by one statement that the database
//! runs atomically: an insert, or an update of a lease whose time is up.
//! Two servers asking at once get one yes and one no.

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Store;

/// How a server names itself in the leases it holds: unique per process,
/// so that a restarted server never takes its former self's lease for its
/// own before that lease's time is up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder(String);

impl Holder {
    /// A new name: the process id and 64 random bits.
    pub fn new() -> Holder {
        use rand::RngCore;
        Holder(format!("{}-{:016x}", std::process::id(), rand::rngs::OsRng.next_u64()))
    }
}

impl Default for Holder {
    fn default() -> Holder {
        Holder::new()
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the holder of a lease whose time is not up may take it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Renew {
    /// Work one server does continuously: its holder keeps it.
    ByHolder,
    /// Work done once per period: no one takes it before the period ends.
    Never,
}

impl Store {
    /// Takes or keeps the lease on continuous work (the outbox) for `hold`
    /// from `now`. Yes when no one holds it, its holder's time is up, or
    /// `holder` holds it already; the lease then runs until `now + hold`.
    pub async fn hold_lease(
        &self,
        job: &str,
        holder: &Holder,
        now: DateTime<Utc>,
        hold: Duration,
    ) -> Result<bool, sqlx::Error> {
        self.take_lease(job, holder, now, hold, Renew::ByHolder).await
    }

    /// Claims this period's run of a periodic job: yes for the first server
    /// to ask once the previous run's `period` is over, no to everyone else
    /// (its own asker included) until the next.
    pub async fn claim_period(
        &self,
        job: &str,
        holder: &Holder,
        now: DateTime<Utc>,
        period: Duration,
    ) -> Result<bool, sqlx::Error> {
        self.take_lease(job, holder, now, period, Renew::Never).await
    }

    /// Lets go of a lease on work done before its time is up, so the next
    /// asker need not wait for it; a lease someone else holds stays theirs.
    pub async fn release_lease(&self, job: &str, holder: &Holder) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM job_leases WHERE job = $1 AND holder = $2")
            .bind(job)
            .bind(&holder.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn take_lease(
        &self,
        job: &str,
        holder: &Holder,
        now: DateTime<Utc>,
        hold: Duration,
        renew: Renew,
    ) -> Result<bool, sqlx::Error> {
        let until = chrono::Duration::from_std(hold)
            .ok()
            .and_then(|hold| now.checked_add_signed(hold))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let taken: Option<String> = sqlx::query_scalar(
            "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $4)
             ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE job_leases.expires_at <= $3 OR ($5 = 1 AND job_leases.holder = excluded.holder)
             RETURNING holder",
        )
        .bind(job)
        .bind(&holder.0)
        .bind(lease_time(now))
        .bind(lease_time(until))
        .bind(i64::from(renew == Renew::ByHolder))
        .fetch_optional(&self.write)
        .await?;
        Ok(taken.is_some())
    }
}

/// A lease on continuous work, kept while a long round of it runs.
pub struct KeptLease<'a> {
    store: &'a Store,
    job: &'a str,
    holder: &'a Holder,
    hold: Duration,
    renew_every: Duration,
    renewed: Instant,
}

impl<'a> KeptLease<'a> {
    /// A lease just taken (by [`Store::hold_lease`]) for `hold`, to renew
    /// every `renew_every` while the work goes on.
    pub fn new(
        store: &'a Store,
        job: &'a str,
        holder: &'a Holder,
        hold: Duration,
        renew_every: Duration,
    ) -> KeptLease<'a> {
        KeptLease { store, job, holder, hold, renew_every, renewed: Instant::now() }
    }

    /// Whether the work is still this server's, renewing the lease when
    /// it is due; a database that does not answer counts as a no.
    pub async fn still_ours(&mut self) -> bool {
        if self.renewed.elapsed() < self.renew_every {
            return true;
        }
        self.renewed = Instant::now();
        match self.store.hold_lease(self.job, self.holder, Utc::now(), self.hold).await {
            Ok(ours) => ours,
            Err(e) => {
                tracing::warn!(error = %e, job = self.job, "renewing a lease failed");
                false
            }
        }
    }
}

/// A time as leases keep it: text that sorts as time does.
fn lease_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
