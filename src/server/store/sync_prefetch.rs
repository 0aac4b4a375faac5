//! Owners' plans read ahead on a reader connection while a batch counts
//! and writes: on SQLite, SQLite's one writer thread is what a large import
//! waits for, so its plans are better read beside it than before it.
//!
//! Plans read this way are only as fresh as the last commit. They are the
//! batch's own view of an owner as long as the batch has written nothing
//! for that owner: on SQLite the batch holds the database's only write lock
//! from its first statement, and it writes uses only for owners whose plans
//! it keeps. So a batch takes read-ahead plans only for owners it has never
//! kept, and takes none once it has written to the ledger directly (giving
//! a use back may touch any owner): from then on it reads what is left on
//! its own connection, as before.

use std::collections::HashMap;

use chrono::NaiveDate;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::subscriptions::{ClientPlanRows, client_plan_rows_many};
use super::sync_batch::BatchState;
use sqlx::pool::PoolConnection;

use crate::server::store::{Conn, Db};
use crate::wire::error::AppError;

/// Owners read in the first statement: few, so the first invoices can be
/// counted soon.
const FIRST_READ: usize = 64;
/// Owners read per statement after that.
const READ: usize = 500;

type Read = Result<HashMap<i64, ClientPlanRows>, AppError>;

/// Plans on their way from a reader connection, in the order asked.
pub(crate) struct PlanPrefetch {
    arriving: Option<mpsc::Receiver<Read>>,
    task: Option<JoinHandle<()>>,
    from: NaiveDate,
}

impl PlanPrefetch {
    /// Nothing read ahead: the batch reads every plan on its own connection.
    pub(crate) fn none(from: NaiveDate) -> PlanPrefetch {
        PlanPrefetch { arriving: None, task: None, from }
    }

    /// Starts reading the plans of `clients` on `reader`, in that order, to
    /// be asked on `from` or later. The reader is taken, not waited for: a
    /// batch holding the writer must not wait for a reader.
    pub(crate) fn start(mut reader: PoolConnection<Db>, clients: Vec<i64>, from: NaiveDate) -> PlanPrefetch {
        let (send, arriving) = mpsc::channel(4);
        let task = tokio::spawn(async move {
            let (mut at, mut size) = (0, FIRST_READ);
            while at < clients.len() {
                let end = (at + size).min(clients.len());
                let read = client_plan_rows_many(&mut reader, &clients[at..end], from).await.map_err(AppError::from);
                let failed = read.is_err();
                if send.send(read).await.is_err() || failed {
                    return;
                }
                (at, size) = (end, READ);
            }
        });
        PlanPrefetch { arriving: Some(arriving), task: Some(task), from }
    }

    /// Waits until the plans of every owner of `invoices` are kept, or no
    /// more will come.
    pub(crate) async fn wait_for(&mut self, state: &mut BatchState, invoices: &[String]) -> Result<(), AppError> {
        let Some(arriving) = self.arriving.as_mut() else { return Ok(()) };
        // Invoice by invoice, so that each owner is looked up once however
        // many reads arrive meanwhile.
        for invoice_ref in invoices {
            while !state.keeps_owners_of(invoice_ref) {
                match arriving.recv().await {
                    Some(read) => state.keep_read_ahead(read?),
                    None => return Ok(()),
                }
            }
        }
        Ok(())
    }

    /// Stops reading ahead, before the batch writes to the ledger directly,
    /// and reads on `conn` the plans of every owner of `invoices` that are
    /// not kept.
    pub(crate) async fn stop(
        &mut self,
        conn: &mut Conn,
        state: &mut BatchState,
        invoices: &[String],
    ) -> Result<(), AppError> {
        if self.arriving.take().is_none() {
            return Ok(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let wanted: Vec<i64> =
            state.clients_of(invoices).into_iter().filter(|client| !state.keeps_client(*client)).collect();
        state.keep_plans(client_plan_rows_many(conn, &wanted, self.from).await?);
        Ok(())
    }
}

impl Drop for PlanPrefetch {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
