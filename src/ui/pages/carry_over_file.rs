//! Bringing many clients' packs over from another system at once: a CSV
//! file is previewed line by line, with every bad line named by number and
//! field, and nothing is applied until the manager confirms the preview.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::packs::{CarryOverFile, carry_over_from_file};
use crate::ui::format::date;

/// Route `/carry-over`.
#[component]
pub fn CarryOverFilePage() -> impl IntoView {
    let csv = RwSignal::new(String::new());
    // The preview and the very text it was made from: confirming sends
    // that text, never a file chosen since.
    let preview = RwSignal::new(None::<(CarryOverFile, String)>);
    // Any change to the text makes the preview stale.
    Effect::new(move |_| {
        csv.track();
        preview.set(None);
    });
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |apply: bool| {
        let text = match (apply, preview.get_untracked()) {
            (true, Some((_, previewed))) => previewed,
            (true, None) => return,
            (false, _) => csv.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            match carry_over_from_file(text.clone(), apply).await {
                Ok(file) => {
                    problem.set(None);
                    preview.set(Some((file, text)));
                }
                Err(e) => {
                    preview.set(None);
                    problem.set(Some(e.to_string()));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <Title text="Carry packs over from a file"/>
        <nav class="crumbs"><a href="/">"Patients"</a>" / "<span>"Carry packs over"</span></nav>
        <section class="page-head"><div>
            <h1>"Carry packs over from a file"</h1>
            <p class="lede">"Bring many clients' packages and session packs over from your previous system at once. Nothing is applied until you confirm the preview."</p>
        </div></section>
        <section class="panel form-panel">
            <p class="small">"Columns: "<code>"client"</code>" (email or CareCount number), "<code>"pack"</code>" (the template's name), "
                <code>"left"</code>", "<code>"reason"</code>"; optional "<code>"ends_on"</code>" (2027-03-31), "<code>"note"</code>" (shown at each use) and "<code>"pet"</code>" (the pet's name, for a pack made for one pet)."</p>
            <div class="form-grid">
                <label class="field wide-field"><span>"CSV file"</span>
                    <input type="file" accept=".csv,text/csv" data-test="carry-file" on:change=move |ev| read_file(ev, csv)/>
                </label>
                <label class="field wide-field"><span>"…or paste it here"</span>
                    <textarea rows="6" data-test="carry-csv" prop:value=move || csv.get()
                        on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
                </label>
                <div class="actions">
                    <button class="button secondary" data-test="carry-preview" disabled=move || busy.get() || csv.with(String::is_empty)
                        on:click=move |_| send(false)>"Preview"</button>
                </div>
            </div>
        </section>
        {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="carry-file-problem">{p}</p> })}
        {move || preview.get().map(|(file, _)| view! { <PreviewTable file busy confirm=move || send(true)/> })}
    }
}

#[component]
fn PreviewTable(
    file: CarryOverFile,
    busy: RwSignal<bool>,
    confirm: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let count = file.rows.len();
    let applied = file.applied;
    view! {
        <section class="panel carry-file" data-test="carry-file-preview">
            {if applied {
                view! { <p class="banner success" role="status" data-test="carry-file-applied">{format!("{count} packs carried over.")}</p> }.into_any()
            } else {
                view! { <p class="banner info">{format!("{count} packs will be carried over. Nothing is applied yet.")}</p> }.into_any()
            }}
            <table class="table">
                <thead><tr><th>"Line"</th><th>"Client"</th><th>"Becomes"</th><th class="right">"Left"</th><th>"Ends"</th><th>"Note at each use"</th></tr></thead>
                <tbody>
                    {file.rows.into_iter().map(|r| view! {
                        <tr data-test="carry-file-row">
                            <td>{r.line}</td>
                            <td><a href=format!("/clients/{}/packs", r.client_id)>{r.client_name}</a></td>
                            <td>{r.pack_name}</td>
                            <td class="right">{r.left}</td>
                            <td>{r.ends_on.map_or_else(|| "No end".to_string(), date)}</td>
                            <td class="muted small">
                                {r.note}
                                {r.already.then(|| view! {
                                    <span class="pill pill-warn small" data-test="carry-file-again">"Carried over for this client before"</span>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(!applied).then(|| view! {
                <div class="actions">
                    <button class="button" data-test="carry-confirm" disabled=move || busy.get() on:click=move |_| confirm()>
                        {format!("Carry over {count} packs")}
                    </button>
                </div>
            })}
        </section>
    }
}

/// Reads the chosen file's text into `into`, in the browser.
fn read_file(ev: leptos::ev::Event, into: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    into.set(text.as_string().unwrap_or_default());
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, into);
}
