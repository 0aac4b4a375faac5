//! Drafts save themselves a moment after the last change, and at once when
//! the page is left, hidden or closed. A failed save is retried until it
//! goes through, and the page says so meanwhile.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos::server_fn::{Http, ServerFn};
use serde::Serialize;

use crate::api::codec::JsonText;
use crate::api::desk::SaveReceipt;
use crate::api::error::AppError;
use crate::ui::debounce::{Debouncer, sleep};
use crate::ui::desk::pending::PendingDraft;
use crate::ui::desk::saver::DraftSaver;

/// Quiet time after the last keystroke before a draft is saved.
pub const AUTOSAVE_MS: u32 = 800;

pub use super::saver::SaveStatus;

/// A page's autosaving draft: its status, and ways to save or drop it now.
#[derive(Clone, Copy)]
pub struct Autosave {
    /// Where the save stands, for [`SaveIndicator`].
    pub status: RwSignal<SaveStatus>,
    draft: StoredValue<Arc<dyn PendingDraft>>,
}

impl Autosave {
    /// Saves what is unsaved now and waits for the server's answer, for an
    /// action that reads the saved draft next (making an invoice of it).
    pub async fn save_now(self) -> Result<(), AppError> {
        let draft = self.draft.get_value();
        draft.flush();
        while draft.busy() {
            sleep(50).await;
        }
        draft.saved()
    }

    /// Drops unsaved changes another request has already sent.
    pub fn discard(self) {
        self.draft.with_value(|d| d.discard());
    }
}

/// Saves `snapshot` a moment after it last changed, through the server
/// function that `request` builds from it, and says how that went. The
/// first value (as loaded) is not saved again.
///
/// Nothing typed is lost on the way out: leaving the page in the app saves
/// at once (pages that read drafts wait for it, see
/// [`drafts_saved`](crate::ui::desk::pending::drafts_saved)); hiding or
/// closing the tab also sends the draft with a request that outlives the
/// page.
pub fn autosave<T, R, A>(snapshot: Memo<T>, request: R) -> Autosave
where
    T: Clone + PartialEq + Send + Sync + 'static,
    R: Fn(T) -> A + Send + Sync + 'static,
    A: ServerFn<Output = SaveReceipt, Error = AppError, Protocol = Http<Json, JsonText>> + Serialize + 'static,
{
    let status = RwSignal::new(SaveStatus::Saved(None));
    let saver = DraftSaver::new(request, status);
    let draft: Arc<dyn PendingDraft> = saver.clone();
    let debounce = Debouncer::new(AUTOSAVE_MS);
    Effect::new(move |previous: Option<()>| {
        let value = snapshot.get();
        if previous.is_none() {
            return;
        }
        saver.changed(value);
        let saver = saver.clone();
        debounce.call(move || saver.flush());
    });
    #[cfg(feature = "hydrate")]
    let leaving = crate::ui::desk::leaving::watch(draft.clone());
    on_cleanup({
        let draft = draft.clone();
        move || {
            // The page is being left inside the app: no waiting for the
            // quiet time, and the save outlives the page's components.
            debounce.cancel();
            draft.flush();
            #[cfg(feature = "hydrate")]
            leaving.stop();
        }
    });
    Autosave { status, draft: StoredValue::new(draft) }
}

/// "All changes saved at 14:32:05", "Saving…", "Not saved yet — retrying…",
/// or why saving failed.
#[component]
pub fn SaveIndicator(status: RwSignal<SaveStatus>) -> impl IntoView {
    let text = move || match status.get() {
        SaveStatus::Saved(None) => "Draft saved".to_string(),
        SaveStatus::Saved(Some(at)) => format!("All changes saved at {at}"),
        SaveStatus::Pending => "Unsaved changes…".to_string(),
        SaveStatus::Saving => "Saving…".to_string(),
        SaveStatus::Retrying(_) => "Not saved yet — retrying…".to_string(),
        SaveStatus::Failed(why) => format!("Not saved: {why}"),
    };
    let why = move || match status.get() {
        SaveStatus::Retrying(why) => Some(why),
        _ => None,
    };
    let class = move || match status.get() {
        SaveStatus::Failed(_) | SaveStatus::Retrying(_) => "save-status failed",
        SaveStatus::Pending | SaveStatus::Saving => "save-status pending",
        SaveStatus::Saved(_) => "save-status saved",
    };
    view! { <span class=class title=why data-test="save-status" role="status">{text}</span> }
}
