//! Pages and components, rendered on the server and hydrated in the browser.

pub mod areas;
pub mod badges;
pub mod debounce;
pub mod desk;
pub mod format;
pub mod healthcard;
pub mod layout;
pub mod pager;
pub mod pages;
pub mod post_form;
pub mod route;
pub mod routes;
pub mod typed_notes;
pub mod unbroken;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use areas::Area;
use layout::{AppHeader, NotFound};
use routes::desk::{DaycarePage, HomePage, ListsPage, SchedulePage};
use routes::invoices::{InvoicePage, InvoicePrintPage};
use routes::manager::{CarryOverFilePage, SettingsPage, StaffPage, SyncPage, TemplateEditorPage, TemplatesPage};
use routes::portal::{ForgotPage, LoginPage, PortalPage, ResetPage};
use routes::records::{ClientPacksPage, PatientPage, PlanPage, SellPlanPage};
use routes::soap::SoapPage;

/// The HTML document around the app (server only renders it).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                // The WASM is preloaded at low priority and hydrates when the
                // browser is idle: on a slow line the CSS and the first paint
                // go first. (Not preloading at all pleased Lighthouse's model
                // but made pages interactive a second later in a throttled
                // Chromium, for the same first paint.)
                <HydrationScripts options=area_bundle(&options) defer=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The options that point the hydration scripts at the bundle of the
/// requested page's area (`areas.rs`).
fn area_bundle(options: &LeptosOptions) -> LeptosOptions {
    // The browser never renders the document around the app.
    #[cfg(feature = "ssr")]
    let area = use_context::<axum::http::request::Parts>().map_or(Area::Desk, |parts| Area::of_path(parts.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let area = Area::Desk;
    let mut options = options.clone();
    options.output_name = area.bundle_name().into();
    options.hash_file = area.hash_file().into();
    options
}

/// The application: header and routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: mark the page so
    // tests (and curious people) can tell the WASM is in charge. The mark
    // waits one frame, so the pages' suspended parts (whose data came with
    // the HTML, resolved in the tasks hydration queued) have their handlers
    // too: a click right after the mark is not lost to a part still hydrating.
    Effect::new(|_| {
        request_animation_frame(|| {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        });
    });
    view! {
        <Title formatter=|page: String| if page.is_empty() { "CareCount".to_string() } else { format!("{page} · CareCount") }/>
        <Router>
            <AppHeader/>
            <main class="page">
                // One route tree for the server and every bundle; a bundle
                // carries only its own area's pages (routes.rs).
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/patients/:id") view=PatientPage ssr=SsrMode::Async/>
                    <Route path=path!("/clients/:id/packs") view=ClientPacksPage ssr=SsrMode::Async/>
                    <Route path=path!("/carry-over") view=CarryOverFilePage/>
                    <Route path=path!("/lists") view=ListsPage ssr=SsrMode::Async/>
                    <Route path=path!("/schedule") view=SchedulePage ssr=SsrMode::Async/>
                    <Route path=path!("/daycare") view=DaycarePage ssr=SsrMode::Async/>
                    <Route path=path!("/patients/:id/sell") view=SellPlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/soap/:id") view=SoapPage ssr=SsrMode::Async/>
                    <Route path=path!("/invoices/:id") view=InvoicePage ssr=SsrMode::Async/>
                    <Route path=path!("/invoices/:id/print") view=InvoicePrintPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:id") view=PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot") view=ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset/:token") view=ResetPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/templates") view=TemplatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff") view=StaffPage ssr=SsrMode::Async/>
                    <Route path=path!("/sync") view=SyncPage ssr=SsrMode::Async/>
                    <Route path=path!("/portal") view=PortalPage ssr=SsrMode::Async/>
                    <Route path=path!("/templates/:id") view=TemplateEditorPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
