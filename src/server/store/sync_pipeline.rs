//! A batch's work, two things at a time. While the connection reads the
//! owners' plans, the file's lines are taken in; and in reconciling the
//! invoices in order, counting hands each stretch of invoices' writes to
//! the writing as it ends, and the writing takes whatever waits, so the
//! connection (SQLite writes on its own thread) and the counting each go on
//! without waiting for the other: on two cores a large import takes about
//! as long as the longer of the two instead of their sum.
//!
//! Order is kept exactly: every table's rows are written in the order they
//! were counted, and an invoice that needs the database (to give a use
//! back, to read what is not kept, to close an exception) ends the
//! counting; what waits is written, and that invoice is reconciled on the
//! connection before counting goes on.

use tokio::sync::mpsc;

use super::sync_apply::{InvoiceWork, Reconciled, Tally, reconcile};
use super::sync_batch::{BatchState, Portion};
use super::sync_batch_write::{RunKey, Writes};
use super::sync_db::Db;
use super::sync_hash::SyncSet;
use super::sync_prefetch::PlanPrefetch;
use crate::domain::sync::{LineStatus, SourceLine, counts_toward_plans};
use crate::server::actor::Actor;
use crate::server::store::Tx;
use crate::wire::error::AppError;

/// Invoices in a stretch handed to the writing, at most. The first stretch
/// is counted with nothing to write beside it, so stretches start short
/// and double.
const STRETCH: usize = 1_024;
const FIRST_STRETCH: usize = 4;

/// Invoices counted between two looks at the writes: each look lets the
/// connection start its next statement.
const LOOK_EVERY: usize = 25;

/// Lines taken in between two looks at the connection's reads.
const LINES_BETWEEN_LOOKS: usize = 2_000;

/// Takes in a file's lines (kept as the invoices now stand, not copied);
/// returns the invoices of its lines that count (plan codes, voids, and
/// lines that no longer count but did), in the order first seen.
pub(crate) async fn receive_all(
    state: &mut BatchState,
    prefix: &str,
    lines: Vec<SourceLine>,
    tally: &mut Tally,
) -> Vec<String> {
    let mut touched: Vec<String> = Vec::new();
    let mut first_seen: SyncSet<String> = SyncSet::default();
    for (n, sent) in lines.into_iter().enumerate() {
        if n % LINES_BETWEEN_LOOKS == LINES_BETWEEN_LOOKS - 1 {
            tokio::task::yield_now().await;
        }
        // A line that is not (or no longer) a plan code still voids its
        // invoice, and takes back what it counted while it was one (as
        // last seen: earlier in this file, or in an earlier run).
        let line = if counts_toward_plans(prefix, &sent.code) || sent.status == LineStatus::Void {
            sent
        } else if state.is_live(&sent.invoice_id, &sent.line_id) {
            SourceLine { status: LineStatus::Deleted, ..sent }
        } else {
            tally.skipped += 1;
            continue;
        };
        if !first_seen.contains(line.invoice_id.as_str()) {
            first_seen.insert(line.invoice_id.clone());
            touched.push(line.invoice_id.clone());
        }
        let status = line.status;
        if !state.receive(line) {
            tally.unchanged += 1;
            continue;
        }
        match status {
            LineStatus::Final => tally.applied += 1,
            LineStatus::Deleted | LineStatus::Void => tally.reversed += 1,
        }
    }
    touched
}

/// Reconciles `invoices` in order and writes what they counted, in the
/// batch's transaction `tx`, which it hands back; what `state` received but
/// did not reconcile is left waiting in it (see [`BatchState::flush`]).
pub(crate) async fn reconcile_all(
    mut tx: Tx,
    work: &InvoiceWork<'_>,
    state: &mut BatchState,
    invoices: &[String],
    tally: &mut Tally,
    prefetch: &mut PlanPrefetch,
) -> Result<Tx, AppError> {
    let run = (work.organisation_id, work.clinic.id, work.run);
    let mut next = 0;
    while next < invoices.len() {
        // Counting hands each stretch's writes over as it ends; the writing
        // takes whatever waits and never waits for the next stretch to end.
        // It is a task of its own, holding the transaction until counting
        // stops: polled as soon as the connection has run a statement, it
        // hands over the next at once instead of when counting next looks
        // up, and it builds statements on another thread than counting's.
        let (hand_over, handed) = mpsc::unbounded_channel();
        let writing = tokio::spawn(write_as_handed(tx, handed, run, work.actor.clone()));
        let counted = count_ahead(work, &mut *state, &invoices[next..], &mut *tally, &mut *prefetch, hand_over).await;
        let (returned, written) = writing.await.map_err(|_| AppError::Internal)?;
        tx = returned;
        written?;
        next += counted?;
        if next < invoices.len() {
            // This invoice needs the database. What was counted before it
            // is written; from here on the batch may write for any owner.
            prefetch.stop(&mut tx, state, &invoices[next..]).await?;
            let done = reconcile(&mut Db::Online(&mut tx), work, state, &invoices[next], tally).await?;
            if done != Reconciled::Done {
                return Err(AppError::Internal);
            }
            next += 1;
        }
    }
    Ok(tx)
}

/// Counts `invoices` in stretches without the database, handing each
/// stretch's writes over, until one needs the database or all are counted;
/// returns how many were counted. Stops early once the writing has failed.
async fn count_ahead(
    work: &InvoiceWork<'_>,
    state: &mut BatchState,
    invoices: &[String],
    tally: &mut Tally,
    prefetch: &mut PlanPrefetch,
    hand_over: mpsc::UnboundedSender<Writes>,
) -> Result<usize, AppError> {
    let (mut next, mut stretch) = (0, FIRST_STRETCH);
    while next < invoices.len() {
        let ahead = &invoices[next..invoices.len().min(next + stretch)];
        stretch = (stretch * 2).min(STRETCH);
        prefetch.wait_for(state, ahead).await?;
        let counted = count_offline(work, state, ahead, tally).await?;
        next += counted;
        if hand_over.send(state.take_writes(Portion::Counted)?).is_err() || counted < ahead.len() {
            break;
        }
    }
    Ok(next)
}

/// Writes what counting hands over, in order, until counting stops: all
/// that waits at once, so the connection is never idle while rows wait.
/// Hands the transaction back with how the writing went; on a failure it
/// stops taking writes, and counting stops at its next hand-over.
async fn write_as_handed(
    mut tx: Tx,
    mut handed: mpsc::UnboundedReceiver<Writes>,
    run: RunKey,
    actor: Actor,
) -> (Tx, Result<(), AppError>) {
    while let Some(mut writes) = handed.recv().await {
        while let Ok(more) = handed.try_recv() {
            writes.append(more);
        }
        if let Err(failed) = writes.write(&mut tx, run, &actor).await {
            return (tx, Err(failed));
        }
    }
    (tx, Ok(()))
}

/// Reconciles invoices without the database until one needs it; returns
/// how many were reconciled.
async fn count_offline(
    work: &InvoiceWork<'_>,
    state: &mut BatchState,
    invoices: &[String],
    tally: &mut Tally,
) -> Result<usize, AppError> {
    for (done, invoice_ref) in invoices.iter().enumerate() {
        if done % LOOK_EVERY == LOOK_EVERY - 1 {
            // Counting never waits on its own: this is where the writes move on.
            tokio::task::yield_now().await;
        }
        if reconcile(&mut Db::Offline, work, state, invoice_ref, tally).await? == Reconciled::NeedsDb {
            return Ok(done);
        }
    }
    Ok(invoices.len())
}
