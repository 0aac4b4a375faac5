//! The pages of each area (`src/ui/areas.rs`). Every build has the same
//! routes, so the server and each bundle agree on the route tree; the
//! server carries every page, and a browser bundle only the pages of its own
//! area: a route of another area shows [`Elsewhere`], which loads the page
//! from the server, so its code is not in this bundle.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::ui::areas::Area;
use crate::ui::layout::NotFound;

/// Signing in and the owner's portal.
#[cfg(any(feature = "ssr", feature = "area-portal"))]
pub mod portal {
    pub use crate::ui::pages::account::{ForgotPage, LoginPage, ResetPage};
    pub use crate::ui::pages::portal::PortalPage;
}
#[cfg(not(any(feature = "ssr", feature = "area-portal")))]
pub mod portal {
    pub use super::Elsewhere as ForgotPage;
    pub use super::Elsewhere as LoginPage;
    pub use super::Elsewhere as PortalPage;
    pub use super::Elsewhere as ResetPage;
}

/// The clinic's day: the patient finder, lists, schedule, daycare.
#[cfg(any(
    feature = "ssr",
    not(any(feature = "area-portal", feature = "area-manager", feature = "area-counting", feature = "area-records"))
))]
pub mod desk {
    pub use crate::ui::pages::daycare::DaycarePage;
    pub use crate::ui::pages::home::HomePage;
    pub use crate::ui::pages::lists::ListsPage;
    pub use crate::ui::pages::schedule::SchedulePage;
}
#[cfg(not(any(
    feature = "ssr",
    not(any(feature = "area-portal", feature = "area-manager", feature = "area-counting", feature = "area-records"))
)))]
pub mod desk {
    pub use super::Elsewhere as DaycarePage;
    pub use super::Elsewhere as HomePage;
    pub use super::Elsewhere as ListsPage;
    pub use super::Elsewhere as SchedulePage;
}

/// A patient's record: the patient, selling a plan, a plan, a client's packs.
#[cfg(any(feature = "ssr", feature = "area-records"))]
pub mod records {
    pub use crate::ui::pages::client_packs::ClientPacksPage;
    pub use crate::ui::pages::patient::PatientPage;
    pub use crate::ui::pages::plan::PlanPage;
    pub use crate::ui::pages::sell::SellPlanPage;
}
#[cfg(not(any(feature = "ssr", feature = "area-records")))]
pub mod records {
    pub use super::Elsewhere as ClientPacksPage;
    pub use super::Elsewhere as PatientPage;
    pub use super::Elsewhere as PlanPage;
    pub use super::Elsewhere as SellPlanPage;
}

/// The SOAP note and the invoice, counting live.
#[cfg(any(feature = "ssr", feature = "area-counting"))]
pub mod counting {
    pub use crate::ui::pages::invoice::InvoicePage;
    pub use crate::ui::pages::invoice_final::InvoicePrintPage;
    pub use crate::ui::pages::soap::SoapPage;
}
#[cfg(not(any(feature = "ssr", feature = "area-counting")))]
pub mod counting {
    pub use super::Elsewhere as InvoicePage;
    pub use super::Elsewhere as InvoicePrintPage;
    pub use super::Elsewhere as SoapPage;
}

/// A manager's pages.
#[cfg(any(feature = "ssr", feature = "area-manager"))]
pub mod manager {
    pub use crate::ui::pages::carry_over_file::CarryOverFilePage;
    pub use crate::ui::pages::settings::SettingsPage;
    pub use crate::ui::pages::staff::StaffPage;
    pub use crate::ui::pages::sync::SyncPage;
    pub use crate::ui::pages::templates::{TemplateEditorPage, TemplatesPage};
}
#[cfg(not(any(feature = "ssr", feature = "area-manager")))]
pub mod manager {
    pub use super::Elsewhere as CarryOverFilePage;
    pub use super::Elsewhere as SettingsPage;
    pub use super::Elsewhere as StaffPage;
    pub use super::Elsewhere as SyncPage;
    pub use super::Elsewhere as TemplateEditorPage;
    pub use super::Elsewhere as TemplatesPage;
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
