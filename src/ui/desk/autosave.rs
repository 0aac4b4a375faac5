//! Drafts save themselves a moment after the last change.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::desk::SaveReceipt;
use crate::api::error::AppError;
use crate::ui::debounce::Debouncer;

/// Quiet time after the last keystroke before a draft is saved.
pub const AUTOSAVE_MS: u32 = 800;

/// Where the draft's save stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    /// Nothing changed since loading or saving.
    Saved(Option<String>),
    /// Changed; a save is scheduled.
    Pending,
    /// A save is on its way.
    Saving,
    /// The last save failed; the text says why. What is on screen is kept.
    Failed(String),
}

/// Saves `snapshot` with `save` a moment after it last changed, and says how
/// that went. The first value (as loaded) is not saved again.
pub fn autosave<T, F, Fut>(snapshot: Memo<T>, save: F) -> RwSignal<SaveStatus>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    F: Fn(T) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<SaveReceipt, AppError>> + 'static,
{
    let status = RwSignal::new(SaveStatus::Saved(None));
    let debounce = Debouncer::new(AUTOSAVE_MS);
    Effect::new(move |previous: Option<()>| {
        let value = snapshot.get();
        if previous.is_none() {
            return;
        }
        status.set(SaveStatus::Pending);
        debounce.call(move || {
            status.set(SaveStatus::Saving);
            spawn_local(async move {
                match save(value).await {
                    Ok(receipt) => status.set(SaveStatus::Saved(Some(receipt.saved_at))),
                    Err(error) => status.set(SaveStatus::Failed(error.to_string())),
                }
            });
        });
    });
    status
}

/// "All changes saved at 14:32:05", "Saving…", or why saving failed.
#[component]
pub fn SaveIndicator(status: RwSignal<SaveStatus>) -> impl IntoView {
    let text = move || match status.get() {
        SaveStatus::Saved(None) => "Draft saved".to_string(),
        SaveStatus::Saved(Some(at)) => format!("All changes saved at {at}"),
        SaveStatus::Pending => "Unsaved changes…".to_string(),
        SaveStatus::Saving => "Saving…".to_string(),
        SaveStatus::Failed(why) => format!("Not saved: {why}"),
    };
    let class = move || match status.get() {
        SaveStatus::Failed(_) => "save-status failed",
        SaveStatus::Pending | SaveStatus::Saving => "save-status pending",
        SaveStatus::Saved(_) => "save-status saved",
    };
    view! { <span class=class data-test="save-status" role="status">{text}</span> }
}
