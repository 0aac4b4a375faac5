//! The sync page's token panel: tokens of the integration API, made and
//! shown once, with their last use, revocable.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::sync::{ApiToken, create_api_token, revoke_api_token};
use crate::ui::format::stamp;

/// Lists, makes and revokes tokens.
#[component]
pub fn TokensPanel(
    tokens: Vec<ApiToken>,
    changed: RwSignal<u32>,
    made: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            let result = create_api_token(name.get_untracked()).await.map_err(|e| e.to_string());
            if result.is_ok() {
                name.set(String::new());
                changed.update(|n| *n += 1);
            }
            made.set(Some(result));
        });
    };
    view! {
        <section class="panel form-panel" data-test="api-tokens">
            <h3 class="panel-title">"Integration API"</h3>
            <p class="muted small">"A practice system can push lines and read what is left through the API at "
                <a href="/api/v1">"/api/v1"</a>" (reference; machine-readable at "<a href="/api/v1/openapi.json">"openapi.json"</a>
                "). It sends a token as \"Authorization: Bearer …\". A token is shown once; revoke one you no longer trust."</p>
            <form class="form-grid" on:submit=create>
                <label class="field"><span>"New token for"</span>
                    <input placeholder="Practice system" maxlength="80" data-test="token-name"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <div class="actions"><button class="button secondary" type="submit" data-test="make-token">"Make token"</button></div>
            </form>
            {move || made.get().map(|m| match m {
                Ok(token) => view! { <div class="banner success" role="status" data-test="new-token">
                    "Copy this token now; it is not shown again: " <code class="token">{token}</code></div> }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert">{e}</p> }.into_any(),
            })}
            {(!tokens.is_empty()).then(|| view! {
                <table class="table">
                    <thead><tr><th>"Name"</th><th>"Token"</th><th>"Made"</th><th>"Last used"</th><th></th></tr></thead>
                    <tbody>{tokens.into_iter().map(|t| view! { <TokenRow token=t changed/> }).collect_view()}</tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn TokenRow(token: ApiToken, changed: RwSignal<u32>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let id = token.id;
    let revoke = move |_| {
        spawn_local(async move {
            match revoke_api_token(id).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        })
    };
    let live = token.revoked_at.is_none();
    view! {
        <tr data-test="token-row">
            <td><strong>{token.name.clone()}</strong></td>
            <td><code>{format!("{}…", token.shown_prefix)}</code></td>
            <td class="muted small">{format!("{} · {}", stamp(&token.created_at), token.created_by)}</td>
            <td class="muted small">{token.last_used_at.as_deref().map(stamp).unwrap_or_else(|| "Never".into())}</td>
            <td>{if live {
                view! { <button class="button secondary small" data-test="revoke" on:click=revoke>"Revoke"</button> }.into_any()
            } else {
                view! { <span class="pill pill-muted">"Revoked"</span> }.into_any()
            }}
            {move || problem.get().map(|p| view! { <p class="small error-text" role="alert">{p}</p> })}</td>
        </tr>
    }
}
