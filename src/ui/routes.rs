//! The pages of each area (`src/ui/areas.rs`). Every build has the same
//! routes, so the server and each bundle agree on the route tree; the
//! server carries every page, and a browser bundle only the pages of its own
//! area: a route of another area shows [`Elsewhere`], which loads the page
//! from the server, so its code is not in this bundle.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::ui::areas::Area;
use crate::ui::layout::NotFound;

/// Declares an area's pages once: where the build carries the area (`$built`),
/// its pages as they are; elsewhere, each page is [`Elsewhere`].
macro_rules! area_pages {
    ($(#[$doc:meta])* $area:ident if $built:meta { $($page:ident = $path:path),* $(,)? }) => {
        $(#[$doc])*
        #[cfg($built)]
        pub mod $area {
            $(pub use $path as $page;)*
        }
        $(#[$doc])*
        #[cfg(not($built))]
        pub mod $area {
            $(pub use super::Elsewhere as $page;)*
        }
    };
}

area_pages! {
    /// Signing in and the owner's portal.
    portal if any(feature = "ssr", feature = "area-portal") {
        ForgotPage = crate::ui::pages::account::ForgotPage,
        LoginPage = crate::ui::pages::account::LoginPage,
        ResetPage = crate::ui::pages::account::ResetPage,
        PortalPage = crate::ui::pages::portal::PortalPage,
    }
}

area_pages! {
    /// The clinic's day: the patient finder, lists, schedule, daycare.
    desk if any(
        feature = "ssr",
        not(any(
            feature = "area-portal",
            feature = "area-manager",
            feature = "area-soap",
            feature = "area-invoices",
            feature = "area-records"
        ))
    ) {
        DaycarePage = crate::ui::pages::daycare::DaycarePage,
        HomePage = crate::ui::pages::home::HomePage,
        ListsPage = crate::ui::pages::lists::ListsPage,
        SchedulePage = crate::ui::pages::schedule::SchedulePage,
    }
}

area_pages! {
    /// A patient's record: the patient, selling a plan, a plan, a client's packs.
    records if any(feature = "ssr", feature = "area-records") {
        ClientPacksPage = crate::ui::pages::client_packs::ClientPacksPage,
        PatientPage = crate::ui::pages::patient::PatientPage,
        PlanPage = crate::ui::pages::plan::PlanPage,
        SellPlanPage = crate::ui::pages::sell::SellPlanPage,
    }
}

area_pages! {
    /// The SOAP note, counting live.
    soap if any(feature = "ssr", feature = "area-soap") {
        SoapPage = crate::ui::pages::soap::SoapPage,
    }
}

area_pages! {
    /// The invoice, counting live, and its printed copy.
    invoices if any(feature = "ssr", feature = "area-invoices") {
        InvoicePage = crate::ui::pages::invoice::InvoicePage,
        InvoicePrintPage = crate::ui::pages::invoice_final::InvoicePrintPage,
    }
}

area_pages! {
    /// A manager's pages.
    manager if any(feature = "ssr", feature = "area-manager") {
        CarryOverFilePage = crate::ui::pages::carry_over_file::CarryOverFilePage,
        SettingsPage = crate::ui::pages::settings::SettingsPage,
        StaffPage = crate::ui::pages::staff::StaffPage,
        SyncPage = crate::ui::pages::sync::SyncPage,
        TemplateEditorPage = crate::ui::pages::templates::TemplateEditorPage,
        TemplatesPage = crate::ui::pages::templates::TemplatesPage,
    }
}

/// A page of another area, reached by a link or the back button: the
/// browser loads it from the server, which sends it with its data and its
/// area's bundle. (Should a path ever be placed in an area whose bundle
/// lacks its page, this shows "not found" rather than loading forever.)
#[component]
pub fn Elsewhere() -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    if Area::of_path(&path).is_built_in() {
        return NotFound().into_any();
    }
    // The page is leaving: what waits for the hydrated mark waits for the next.
    if let Some(body) = document().body() {
        let _ = body.remove_attribute("data-hydrated");
    }
    let target = format!("{path}{}{}", search_part(&location.search.get_untracked()), location.hash.get_untracked());
    // The router writes the new address into the history only after this
    // view is shown; replacing that entry once it has, loads the page
    // without a second entry for it (a back button goes where it went).
    set_timeout(
        move || {
            let _ = window().location().replace(&target);
        },
        std::time::Duration::ZERO,
    );
    view! { <p class="muted" aria-busy="true">"Opening…"</p> }.into_any()
}

fn search_part(search: &str) -> String {
    if search.is_empty() || search.starts_with('?') { search.to_string() } else { format!("?{search}") }
}
