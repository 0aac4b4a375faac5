//! What the invoice pages show and send.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::desk::{DeskLine, PatientBrief};
use super::patients::PlanCard;
use crate::domain::{
    Coverage, CoverageRules, CoverageSubscription, LineInput, PricingContext, Promotion, ReturnablePart, price_draft,
};

/// Where an invoice is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceStatus {
    /// Being built; saving it changes no count.
    Draft,
    /// Posted: its covered units are in the ledger.
    Finalized,
    /// Cancelled after finalizing: reversals restored every count.
    Voided,
}

impl InvoiceStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Finalized => "finalized",
            InvoiceStatus::Voided => "voided",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<InvoiceStatus> {
        [InvoiceStatus::Draft, InvoiceStatus::Finalized, InvoiceStatus::Voided].into_iter().find(|s| s.code() == code)
    }

    /// The word on screen.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "Draft",
            InvoiceStatus::Finalized => "Finalized",
            InvoiceStatus::Voided => "Voided",
        }
    }
}

/// Who did something, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// When: on the clinic's clock once a page reads it, else as stored (UTC).
    pub at: String,
    /// Who.
    pub by: String,
}

/// The client an invoice is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientBrief {
    /// The client.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// Everything the invoice page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    /// The invoice.
    pub id: i64,
    /// Its number once finalized ("INV-2026-00012").
    pub number: Option<String>,
    /// Draft, finalized or voided.
    pub status: InvoiceStatus,
    /// The invoice date: plans are matched as of this day.
    pub invoice_date: NaiveDate,
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The client.
    pub client: ClientBrief,
    /// The client's pets.
    pub patients: Vec<PatientBrief>,
    /// All the client's plans with current balances.
    pub plans: Vec<PlanCard>,
    /// The lines, as typed.
    pub lines: Vec<DeskLine>,
    /// The invoice this one corrects (id and number).
    pub corrects: Option<(i64, Option<String>)>,
    /// On a correction draft: what the corrected invoice may still give back.
    pub returnable: Vec<ReturnablePart>,
    /// Finalized corrections of this invoice (id and number): while one
    /// stands, voiding this invoice is refused.
    pub corrected_by: Vec<(i64, Option<String>)>,
    /// When and by whom it was finalized.
    pub finalized: Option<Stamp>,
    /// When, by whom and why it was voided.
    pub voided: Option<(Stamp, String)>,
    /// The coverage the server posted when finalizing.
    pub frozen: Option<Coverage>,
    /// Promotions running on the invoice date.
    pub promotions: Vec<Promotion>,
    /// The viewer may finalize sessions beyond an authorisation with a note.
    #[serde(default)]
    pub may_override: bool,
    /// The revision this page edits, and its mark.
    pub edit: crate::wire::desk::DraftEdit,
}

impl InvoiceView {
    /// True for a correction invoice: negative quantities are allowed.
    pub fn is_correction(&self) -> bool {
        self.corrects.is_some()
    }

    /// The rules coverage runs with for this invoice.
    pub fn rules(&self) -> CoverageRules {
        CoverageRules {
            date: self.invoice_date,
            minor_digits: self.clinic.currency.minor_digits,
            past_due_usable: self.clinic.past_due_usable,
        }
    }

    /// The subscriptions coverage draws on, with what other visits hold
    /// reserved.
    pub fn subscriptions(&self) -> Vec<CoverageSubscription> {
        self.plans.iter().map(|p| p.counted(Some(self.id))).collect()
    }

    /// Everything the draft is priced against.
    pub fn pricing(&self) -> PricingContext {
        PricingContext {
            rules: self.rules(),
            subscriptions: self.subscriptions(),
            promotions: self.promotions.clone(),
            returnable: self.is_correction().then(|| self.returnable.clone()),
        }
    }

    /// The coverage to show: as posted once finalized, else as it would be
    /// now (or the first line to fix).
    pub fn coverage(&self) -> Result<Coverage, String> {
        match (&self.frozen, self.status) {
            (Some(frozen), InvoiceStatus::Finalized | InvoiceStatus::Voided) => Ok(frozen.clone()),
            _ => price_draft(&self.pricing(), &self.lines).finalizable(&self.lines),
        }
    }
}

/// What the server says after finalizing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalizeOutcome {
    /// The invoice number given.
    pub number: String,
    /// Lines whose coverage differs from the preview the desk saw, in words.
    pub changes: Vec<String>,
}

/// Lines as the browser sends them to save or finalize.
pub type LinesInput = Vec<LineInput>;
