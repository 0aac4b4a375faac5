//! Types shared by the SOAP and invoice pages.

use serde::{Deserialize, Serialize};

/// A saved draft line with the catalog item it names (the domain's).
pub use crate::domain::DeskLine;

/// A patient as the invoice's pet picker shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientBrief {
    /// The patient.
    pub id: i64,
    /// The pet's name.
    pub name: String,
    /// Its species.
    pub species: String,
}

/// A SOAP plan not yet invoiced, for the desk's pick list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSoap {
    /// The SOAP note.
    pub id: i64,
    /// Its patient.
    pub patient_name: String,
    /// Visit date.
    pub visit_date: chrono::NaiveDate,
    /// How many plan lines it has.
    pub line_count: i64,
}

/// An invoice in a client's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InvoiceSummary {
    /// The invoice.
    pub id: i64,
    /// Its number once finalized.
    pub number: Option<String>,
    /// draft, finalized or voided.
    pub status: String,
    /// Its date.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::Day"))]
    pub invoice_date: chrono::NaiveDate,
    /// True for a correction invoice.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::wire::stored::Flag"))]
    pub correction: bool,
}

/// Which version of a draft a page edits: a save from a page opened before
/// another desk changed the draft is refused rather than overwrite it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEdit {
    /// The draft's revision when the page opened it.
    pub seen: i64,
    /// The page's own mark: its later saves are not another desk's change.
    pub editor: String,
}

/// Proof that a draft was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReceipt {
    /// When, as "14:32:05".
    pub saved_at: String,
}
