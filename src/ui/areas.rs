//! The browser's code comes in six bundles, one per area of the product,
//! so an owner's phone never downloads the desk's counting or a manager's
//! template editor, the desk never downloads the manager's pages, a patient's
//! record never downloads the SOAP note's and the invoice's live counting,
//! a vet's SOAP note never downloads the invoice's finalizing, voiding and
//! corrections, and the lists and the schedule download none of them.
//!
//! The server renders every page; each bundle hydrates the pages of its own
//! area. A link into another area is followed by a full page load, which
//! brings the page with its data and the other bundle (cached after the
//! first time). Which area a page belongs to is decided here, by its path,
//! for both halves: the server picks the bundle with [`Area::of_path`], and
//! the routes of each bundle are the ones of the same area
//! (`src/ui/routes.rs`).

/// An area of the product, with its own bundle of browser code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// Signing in and the owner's healthcard portal.
    Portal,
    /// The clinic's day: the patient finder, the lists, the schedule and
    /// daycare.
    Desk,
    /// A patient's record: the patient page, selling a plan, a plan, a
    /// client's packs.
    Records,
    /// The SOAP note, which counts every line live as it is typed (the
    /// counting core's pricing, badges and autosave).
    Soap,
    /// The invoice, which counts live as the SOAP note does, and finalizes,
    /// voids, corrects and prints.
    Invoices,
    /// Templates, staff, settings, sync and carry-over files.
    Manager,
}

/// Every area, in the order their bundles are built.
pub const AREAS: [Area; 6] = [Area::Desk, Area::Portal, Area::Manager, Area::Soap, Area::Invoices, Area::Records];

impl Area {
    /// The area a page belongs to, by its path. An unknown path belongs to
    /// the desk, whose bundle then shows "not found".
    pub fn of_path(path: &str) -> Area {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "portal" | "login" | "forgot" | "reset" => Area::Portal,
            "templates" | "staff" | "settings" | "sync" | "carry-over" => Area::Manager,
            "soap" => Area::Soap,
            "invoices" => Area::Invoices,
            "patients" | "plans" | "clients" => Area::Records,
            _ => Area::Desk,
        }
    }

    /// The bundle's file name, before its content hash: `carecount.….wasm`.
    pub fn bundle_name(self) -> &'static str {
        match self {
            Area::Desk => "carecount",
            Area::Portal => "carecount-portal",
            Area::Manager => "carecount-manager",
            Area::Soap => "carecount-soap",
            Area::Invoices => "carecount-invoices",
            Area::Records => "carecount-records",
        }
    }

    /// The file beside the server that holds the bundle's content hashes.
    pub fn hash_file(self) -> &'static str {
        match self {
            Area::Desk => "hash.txt",
            Area::Portal => "hash-portal.txt",
            Area::Manager => "hash-manager.txt",
            Area::Soap => "hash-soap.txt",
            Area::Invoices => "hash-invoices.txt",
            Area::Records => "hash-records.txt",
        }
    }

    /// Whether this build carries the pages of the area: the server carries
    /// all; a browser bundle only its own (`area-portal`, `area-manager`,
    /// `area-soap`, `area-invoices`, `area-records` features; without any, the desk's).
    pub const fn is_built_in(self) -> bool {
        if cfg!(feature = "ssr") {
            return true;
        }
        match self {
            Area::Portal => cfg!(feature = "area-portal"),
            Area::Manager => cfg!(feature = "area-manager"),
            Area::Soap => cfg!(feature = "area-soap"),
            Area::Invoices => cfg!(feature = "area-invoices"),
            Area::Records => cfg!(feature = "area-records"),
            Area::Desk => {
                !cfg!(feature = "area-portal")
                    && !cfg!(feature = "area-manager")
                    && !cfg!(feature = "area-soap")
                    && !cfg!(feature = "area-invoices")
                    && !cfg!(feature = "area-records")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Area;

    #[test]
    fn each_page_belongs_to_the_area_of_its_people() {
        for path in ["/portal", "/login", "/forgot", "/reset/abc"] {
            assert_eq!(Area::of_path(path), Area::Portal, "{path}");
        }
        for path in ["/templates", "/templates/3", "/staff", "/settings", "/sync", "/carry-over"] {
            assert_eq!(Area::of_path(path), Area::Manager, "{path}");
        }
        assert_eq!(Area::of_path("/soap/4"), Area::Soap);
        for path in ["/invoices/5", "/invoices/5/print"] {
            assert_eq!(Area::of_path(path), Area::Invoices, "{path}");
        }
        for path in ["/patients/1", "/patients/1/sell", "/clients/2/packs", "/plans/6"] {
            assert_eq!(Area::of_path(path), Area::Records, "{path}");
        }
        for path in ["/", "/lists", "/schedule", "/daycare", "/nowhere"] {
            assert_eq!(Area::of_path(path), Area::Desk, "{path}");
        }
    }

    #[test]
    fn a_prefix_of_an_area_word_is_not_that_area() {
        assert_eq!(Area::of_path("/portals"), Area::Desk);
        assert_eq!(Area::of_path("/sync-later"), Area::Desk);
        assert_eq!(Area::of_path("/soaps"), Area::Desk);
    }
}
