//! Drafts the server does not have yet, known to the whole page, so that a
//! page which reads drafts (a SOAP plan, an invoice, the patient's desk,
//! starting an invoice) first waits for what the last page was saving.

use std::future::Future;
use std::sync::Weak;

use crate::api::error::AppError;

/// One autosaved draft, as the rest of the app sees it.
pub trait PendingDraft: Send + Sync {
    /// Saves what is unsaved now, or retries at once if a save is waiting
    /// for its next attempt.
    fn flush(&self);
    /// Whether a save is on its way or about to start; `false` once the
    /// draft is saved or its last attempt failed.
    fn busy(&self) -> bool;
    /// Whether the server has everything; else why the last attempt failed.
    fn saved(&self) -> Result<(), AppError>;
    /// Forgets unsaved changes that another request has already taken
    /// (finalizing an invoice sends its lines itself).
    fn discard(&self);
    /// The save request for what is unsaved, to send as the page goes away:
    /// its path and JSON body.
    fn parting_request(&self) -> Option<(&'static str, String)>;
}

/// Longest a page waits for the drafts before it loads anyway: a draft that
/// cannot reach the server keeps retrying in the background meanwhile.
pub const WAIT_AT_MOST_MS: u32 = 10_000;

#[cfg(feature = "hydrate")]
thread_local! {
    static DRAFTS: std::cell::RefCell<Vec<Weak<dyn PendingDraft>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Makes `draft` known to [`drafts_saved`]; done on its first change.
pub fn register(draft: Weak<dyn PendingDraft>) {
    #[cfg(feature = "hydrate")]
    DRAFTS.with_borrow_mut(|drafts| {
        drafts.retain(|d| d.strong_count() > 0);
        drafts.push(draft);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = draft;
}

/// Sends every unsaved draft now and waits until none is on its way (at
/// most [`WAIT_AT_MOST_MS`]). Await it before loading anything a draft
/// changes. On the server there are no drafts, and it is ready at once.
pub fn drafts_saved() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(feature = "hydrate")]
    {
        send_wrapper::SendWrapper::new(async {
            const STEP_MS: u32 = 20;
            let live = || DRAFTS.with_borrow(|d| d.iter().filter_map(Weak::upgrade).collect::<Vec<_>>());
            live().iter().for_each(|d| d.flush());
            let mut waited = 0;
            while waited < WAIT_AT_MOST_MS && live().iter().any(|d| d.busy()) {
                crate::ui::debounce::sleep(STEP_MS).await;
                waited += STEP_MS;
            }
        })
    }
    #[cfg(not(feature = "hydrate"))]
    std::future::ready(())
}
