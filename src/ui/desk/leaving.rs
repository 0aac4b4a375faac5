//! The browser is about to hide or drop the page (tab closed or switched,
//! reload, another site): send the unsaved draft with a request that
//! outlives the page. Browser only.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::ui::desk::pending::PendingDraft;

/// Listeners for one draft; [`LeaveWatch::stop`] removes them.
pub struct LeaveWatch(Vec<WindowListenerHandle>);

impl LeaveWatch {
    /// Stops watching (the draft's page was left inside the app).
    pub fn stop(self) {
        self.0.into_iter().for_each(WindowListenerHandle::remove);
    }
}

/// Watches the page for `draft`: on `pagehide`, and on `visibilitychange`
/// to hidden (often the last event a phone or a closing tab gives), it
/// sends the draft with a keep-alive request and also saves it the usual
/// way; on `online` a save waiting to retry goes at once.
pub fn watch(draft: Arc<dyn PendingDraft>) -> LeaveWatch {
    let part = {
        let draft = draft.clone();
        move || {
            if let Some((path, body)) = draft.parting_request() {
                send_keepalive(path, body);
            }
            draft.flush();
        }
    };
    let hidden = part.clone();
    LeaveWatch(vec![
        window_event_listener_untyped("pagehide", move |_| part()),
        // The event bubbles from the document to the window.
        window_event_listener_untyped("visibilitychange", move |_| {
            if document().hidden() {
                hidden();
            }
        }),
        window_event_listener_untyped("online", move |_| draft.flush()),
    ])
}

/// POSTs `body` as JSON to `path` with `keepalive`, so the browser finishes
/// the request after the page is gone. Same-origin: it carries the session
/// cookie and `Sec-Fetch-Site: same-origin`, as the server's guard wants.
fn send_keepalive(path: &str, body: String) {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    if let Ok(headers) = web_sys::Headers::new() {
        let _ = headers.set("content-type", "application/json");
        let _ = headers.set("accept", "application/json");
        init.set_headers(&headers);
    }
    // web-sys has no setter for `keepalive` yet.
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    let sent = window().fetch_with_str_and_init(path, &init);
    // Nobody is left to tell if it fails; the usual save also runs while
    // the page lives. Awaited only so a failure is not an unhandled rejection.
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(sent).await;
    });
}
