//! The save loop behind autosave: one draft's newest unsaved value, sent
//! until the server has it, retried with a growing pause when the network
//! or the server fails.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, JsonEncoding};
use leptos::server_fn::{Encodes, Http, ServerFn};
use leptos::task::spawn_local;
use serde::Serialize;

use crate::api::codec::JsonText;
use crate::api::desk::SaveReceipt;
use crate::api::error::AppError;
use crate::ui::debounce::sleep;
use crate::ui::desk::pending::{PendingDraft, register};

/// Where the draft's save stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    /// Nothing changed since loading or saving.
    Saved(Option<String>),
    /// Changed; a save is scheduled.
    Pending,
    /// A save is on its way.
    Saving,
    /// The last attempt failed for a reason that may pass (no network, a
    /// fault on the server); another follows. The text says why.
    Retrying(String),
    /// The last save was refused; the text says why. What is on screen is kept.
    Failed(String),
}

/// Pause after the first failed attempt; it doubles with every failure.
pub const RETRY_FIRST_MS: u32 = 1_000;
/// The longest pause between two attempts.
pub const RETRY_MAX_MS: u32 = 30_000;

/// Pause before the next attempt after `failures` failed ones in a row:
/// 1 s, 2 s, 4 s, … up to 30 s.
pub fn retry_pause_ms(failures: u32) -> u32 {
    let doublings = failures.saturating_sub(1).min(15);
    RETRY_FIRST_MS.saturating_mul(1 << doublings).min(RETRY_MAX_MS)
}

/// Failures that may pass by themselves. The others (invalid, conflict,
/// no access) would fail the same way again.
pub fn worth_retrying(error: &AppError) -> bool {
    matches!(error, AppError::Network(_) | AppError::Internal | AppError::TooMany(_))
}

struct State<T> {
    /// The newest value the server has not confirmed.
    unsaved: Option<T>,
    /// The save loop is running (sending, or pausing before a retry).
    running: bool,
    /// A request is on its way.
    in_flight: bool,
    /// The last attempt failed, and no new one has been asked for.
    stalled: Option<AppError>,
    /// Cut the pause before the next retry short.
    hurry: bool,
    /// Known to the page-wide list of drafts.
    registered: bool,
}

/// What the save loop does after an attempt.
enum Step {
    /// Go round again (stopping if nothing is unsaved), showing this first.
    Next(Option<SaveStatus>),
    /// Show this, pause this long, then go round again.
    Retry(SaveStatus, u32),
    /// Show this and stop.
    Stop(SaveStatus),
}

/// Saves one draft through the server function that `request` builds (a
/// JSON-in, JSON-out one, so the same body can go out as the page closes).
pub struct DraftSaver<T, R> {
    request: R,
    status: RwSignal<SaveStatus>,
    state: Mutex<State<T>>,
    me: Weak<Self>,
}

impl<T, R, A> DraftSaver<T, R>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    R: Fn(T) -> A + Send + Sync + 'static,
    A: ServerFn<Output = SaveReceipt, Error = AppError, Protocol = Http<Json, JsonText>> + Serialize + 'static,
{
    /// A saver reporting to `status`, with nothing unsaved.
    pub fn new(request: R, status: RwSignal<SaveStatus>) -> Arc<Self> {
        let state =
            State { unsaved: None, running: false, in_flight: false, stalled: None, hurry: false, registered: false };
        Arc::new_cyclic(|me| DraftSaver { request, status, state: Mutex::new(state), me: me.clone() })
    }

    /// Notes a new value to save (the caller decides when to flush).
    pub fn changed(&self, value: T) {
        let first = {
            let mut state = self.state();
            state.unsaved = Some(value);
            !std::mem::replace(&mut state.registered, true)
        };
        if first {
            let me: Weak<dyn PendingDraft> = self.me.clone();
            register(me);
        }
        self.show(SaveStatus::Pending);
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The page may be gone by now; its status then has no one to tell.
    fn show(&self, status: SaveStatus) {
        let _ = self.status.try_set(status);
    }

    /// Sends the newest value until the server confirms it, then stops.
    async fn run(self: Arc<Self>) {
        let mut failures = 0;
        loop {
            let value = {
                let mut state = self.state();
                let Some(value) = state.unsaved.clone() else {
                    state.running = false;
                    return;
                };
                state.in_flight = true;
                value
            };
            self.show(SaveStatus::Saving);
            let result = (self.request)(value.clone()).run_on_client().await;
            match self.settle(&value, result, &mut failures) {
                Step::Next(Some(status)) => self.show(status),
                Step::Next(None) => {}
                Step::Retry(status, ms) => {
                    self.show(status);
                    self.pause(ms).await;
                }
                Step::Stop(status) => {
                    self.show(status);
                    return;
                }
            }
        }
    }

    /// Records how an attempt to save `value` went, and what comes next.
    fn settle(&self, value: &T, result: Result<SaveReceipt, AppError>, failures: &mut u32) -> Step {
        let mut state = self.state();
        state.in_flight = false;
        match result {
            Ok(receipt) => {
                *failures = 0;
                state.stalled = None;
                // Typed on meanwhile: go round again with the newer value.
                if state.unsaved.as_ref() != Some(value) {
                    return Step::Next(None);
                }
                state.unsaved = None;
                Step::Next(Some(SaveStatus::Saved(Some(receipt.saved_at))))
            }
            Err(error) if worth_retrying(&error) => {
                *failures += 1;
                state.stalled = Some(error.clone());
                Step::Retry(SaveStatus::Retrying(error.to_string()), retry_pause_ms(*failures))
            }
            Err(error) => {
                // Kept unsaved: the next change or flush tries again.
                state.stalled = Some(error.clone());
                state.running = false;
                Step::Stop(SaveStatus::Failed(error.to_string()))
            }
        }
    }

    /// Waits `ms`, or less if asked to hurry (leaving, back online, typing).
    async fn pause(&self, ms: u32) {
        const STEP_MS: u32 = 100;
        let mut waited = 0;
        while waited < ms && !self.state().hurry {
            sleep(STEP_MS).await;
            waited += STEP_MS;
        }
        self.state().hurry = false;
    }
}

impl<T, R, A> PendingDraft for DraftSaver<T, R>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    R: Fn(T) -> A + Send + Sync + 'static,
    A: ServerFn<Output = SaveReceipt, Error = AppError, Protocol = Http<Json, JsonText>> + Serialize + 'static,
{
    fn flush(&self) {
        let mut state = self.state();
        if state.unsaved.is_none() {
            return;
        }
        state.stalled = None;
        if state.running {
            state.hurry = true;
            return;
        }
        state.running = true;
        state.hurry = false;
        drop(state);
        if let Some(me) = self.me.upgrade() {
            spawn_local(me.run());
        }
    }

    fn busy(&self) -> bool {
        let state = self.state();
        state.in_flight || (state.unsaved.is_some() && state.stalled.is_none())
    }

    fn saved(&self) -> Result<(), AppError> {
        let state = self.state();
        match (&state.unsaved, &state.stalled) {
            (None, _) => Ok(()),
            (Some(_), Some(error)) => Err(error.clone()),
            (Some(_), None) => Err(AppError::Conflict("The draft is not saved yet; try again in a moment.".into())),
        }
    }

    fn discard(&self) {
        self.state().unsaved = None;
    }

    fn parting_request(&self) -> Option<(&'static str, String)> {
        let value = self.state().unsaved.clone()?;
        let body = <JsonEncoding as Encodes<A>>::encode(&(self.request)(value)).ok()?;
        Some((A::PATH, String::from_utf8(body.to_vec()).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_a_cap() {
        let pauses: Vec<u32> = (1..=8).map(retry_pause_ms).collect();
        assert_eq!(pauses, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
        assert_eq!(retry_pause_ms(u32::MAX), RETRY_MAX_MS);
    }

    #[test]
    fn only_passing_failures_are_retried() {
        assert!(worth_retrying(&AppError::Network("offline".into())));
        assert!(worth_retrying(&AppError::Internal));
        assert!(!worth_retrying(&AppError::Conflict("already on an invoice".into())));
        assert!(!worth_retrying(&AppError::Invalid("too long".into())));
        assert!(!worth_retrying(&AppError::Unauthorized));
    }
}
