//! The sync page's folder panel: the folder on the server a practice
//! system exports to, pulled every few minutes, and "Sync now".

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::sync::{save_sync_folder, sync_now};

/// Names the folder and pulls it on demand.
#[component]
pub fn FolderPanel(
    folder: String,
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let typed = RwSignal::new(folder.clone());
    let saved = RwSignal::new(folder);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let folder = typed.get_untracked();
        spawn_local(async move {
            match save_sync_folder(folder.clone()).await {
                Ok(()) => {
                    let words = if folder.trim().is_empty() {
                        "The folder pull is off.".to_string()
                    } else {
                        format!("CareCount pulls {} every few minutes.", folder.trim())
                    };
                    saved.set(folder.trim().to_string());
                    message.set(Some(Ok(words)));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    let pull = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = sync_now().await;
            busy.set(false);
            message.set(Some(match result {
                Ok(runs) if runs.is_empty() => Ok(
                    "The folder holds no new CSV files. A file changed in the last 30 seconds waits for the next pull, in case it is still being written.".into(),
                ),
                Ok(runs) => {
                    changed.update(|n| *n += 1);
                    let refused = runs.iter().filter(|r| !r.problem.is_empty()).count();
                    Ok(format!(
                        "Read {} files: {} lines applied, {} refused files (moved to refused/). The history below has each run.",
                        runs.len(),
                        runs.iter().map(|r| r.applied).sum::<i64>(),
                        refused
                    ))
                }
                Err(e) => Err(e.to_string()),
            }));
        });
    };
    view! {
        <section class="panel form-panel" data-test="sync-folder">
            <h3 class="panel-title">"Pull from a folder"</h3>
            <p class="muted small">"Point your practice system's scheduled export at a folder on this server. Every few minutes CareCount imports each new CSV file there that has not changed for 30 seconds, and moves it to imported/ (or refused/, with the reason in the history)."</p>
            <form class="form-grid" on:submit=save>
                <label class="field"><span>"Folder on the server"</span>
                    <input name="folder" placeholder="/srv/pims/exports" maxlength="500" data-test="folder"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/></label>
                <div class="actions">
                    <button class="button secondary" type="submit" data-test="save-folder">"Save folder"</button>
                    <button class="button" type="button" data-test="sync-now" disabled=move || busy.get() || saved.get().is_empty() on:click=pull>
                        {move || if busy.get() { "Syncing…" } else { "Sync now" }}</button>
                </div>
            </form>
            {move || message.get().map(|m| match m {
                Ok(words) => view! { <p class="banner success" role="status" data-test="folder-result">{words}</p> }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert" data-test="folder-result">{e}</p> }.into_any(),
            })}
        </section>
    }
}
