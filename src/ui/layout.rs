//! The frame around every clinic page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::error::AppError;

/// Top bar: product mark and navigation.
#[component]
pub fn AppHeader() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✚"</span>
                <span class="brand-name">"CareCount"</span>
            </a>
            <nav class="topnav" aria-label="Main">
                <A href="/" exact=true>"Patients"</A>
                <A href="/lists">"Plans & payments"</A>
            </nav>
        </header>
    }
}

/// A failed load, said plainly, with the way back.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let title = match error {
        AppError::NotFound(_) => "Not found",
        AppError::Unauthorized | AppError::Forbidden => "No access",
        _ => "Something went wrong",
    };
    view! {
        <section class="panel error-panel" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <a class="button" href="/">"Back to patients"</a>
        </section>
    }
}

/// The page for an unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! { <ErrorPanel error=AppError::NotFound("There is no page at this address.".into())/> }
}
