//! A form that posts to a server function. Before the WASM has arrived (or
//! without it) it is a plain HTML form: the browser posts it, and the server
//! answers with the next page, or with this one and the error. Once the page
//! is hydrated, the form posts through its action instead, so the page
//! stays, keeps what was typed and shows the answer where the form is.
//!
//! Leptos' `ActionForm` does the same, but reads any form through a generic
//! query-string reader (serde_qs). With the sign-in, password and sign-out
//! forms, which every owner's phone loads, that reader and its copies per
//! form were a tenth of the portal's bundle; each form here names its fields
//! instead.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement, SubmitEvent};

/// The fields of a submitted form, by name.
pub struct Fields(FormData);

impl Fields {
    /// The text of the field `name`; empty when the form has no such field.
    pub fn text(&self, name: &str) -> String {
        self.optional(name).unwrap_or_default()
    }

    /// The text of the field `name`, if the form sends one (an unticked
    /// checkbox sends none).
    pub fn optional(&self, name: &str) -> Option<String> {
        self.0.get(name).as_string()
    }

    /// The whole number in the field `name`, if it holds one.
    pub fn number(&self, name: &str) -> Option<i64> {
        self.text(name).trim().parse().ok()
    }
}

/// A form posting to `action`'s server function; `read` makes its input
/// from the form's fields. A form it cannot read (a field that should hold a
/// number does not) is posted by the browser itself, and the server says
/// what to fix.
#[component]
pub fn PostForm<S>(
    action: ServerAction<S>,
    read: fn(&Fields) -> Option<S>,
    #[prop(into)] class: String,
    children: Children,
) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let submit = move |ev: SubmitEvent| {
        let form = ev.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok());
        let Some(input) =
            form.and_then(|form| FormData::new_with_form(&form).ok()).and_then(|data| read(&Fields(data)))
        else {
            return;
        };
        ev.prevent_default();
        action.dispatch(input);
    };
    // The answer shown (what to fix, or "saved") is about what was sent: the
    // first edit after it makes it stale, so it steps aside.
    let edited = move |_| {
        if action.value().with_untracked(Option::is_some) {
            action.value().set(None);
        }
    };
    view! {
        <form method="post" action=S::url() class=class on:submit=submit on:input=edited on:change=edited>
            {children()}
        </form>
    }
}
