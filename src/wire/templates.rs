//! Plan templates, as managers list and edit them.

use serde::{Deserialize, Serialize};

use crate::domain::{Currency, Money};

/// A template in the managers' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    /// The template.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Wellness plan, package or session pack (words).
    pub kind: String,
    /// Who it is for ("Dogs · puppy", "Any pet").
    pub audience: String,
    /// Price for the term.
    pub price: Money,
    /// Term in months; `None` when open-ended.
    pub term_months: Option<i64>,
    /// Offered to new clients.
    pub active: bool,
    /// Plans sold from it that are still running.
    pub running: i64,
    /// The availability window in words, if limited.
    pub window: Option<String>,
}

/// One benefit row of the editor, as typed. Missing fields read as empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenefitDraft {
    /// What the tracker calls it.
    pub label: String,
    /// An item code ("EXAM") or a group ("group:1").
    pub target: String,
    /// How many, in the item's smallest unit; empty for unlimited.
    pub limit: String,
    /// Percent off the covered units (100 = free).
    pub discount: String,
    /// "term" (once per term) or "year" (each plan year).
    pub resets: String,
}

/// A template as the editor holds it: text as typed, so nothing is lost
/// when the server asks for a fix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDraft {
    /// The template; 0 for a new one.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// wellness, package or session_pack.
    pub kind: String,
    /// dog, cat, rabbit, other; empty for any.
    pub species: String,
    /// puppy, kitten, adult, senior; empty for any.
    pub life_stage: String,
    /// What it is for, shown when selling.
    pub description: String,
    /// Price for the term.
    pub price: String,
    /// Due with the first payment.
    pub enrollment_fee: String,
    /// Months; empty for open-ended.
    pub term_months: String,
    /// Renews by itself ahead of the end.
    pub auto_renew: bool,
    /// A package or session pack for the one pet it is sold for, rather
    /// than any pet of the household (wellness plans always are).
    #[serde(default)]
    pub one_pet: bool,
    /// A no-show uses the session it booked, rather than giving it back.
    #[serde(default)]
    pub no_show_draws: bool,
    /// The template a renewal moves into; `None` for the same one.
    pub renews_into: Option<i64>,
    /// Percent off other items for members; empty for none.
    pub member_discount: String,
    /// Percent off this plan for a client's second and later pets.
    pub multi_pet_discount: String,
    /// First day it may be sold (YYYY-MM-DD); empty for always.
    pub available_from: String,
    /// Last day it may be sold; empty for always.
    pub available_until: String,
    /// Billing choices offered when selling.
    pub billing_options: Vec<String>,
    /// Clinics that offer it; empty for all.
    pub clinic_ids: Vec<i64>,
    /// Offered for sale.
    pub active: bool,
    /// Its benefits, in order.
    pub benefits: Vec<BenefitDraft>,
}

/// A choice in one of the editor's lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The stored value.
    pub value: String,
    /// The words shown.
    pub label: String,
}

/// Everything the editor needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEditor {
    /// The template (or a blank one).
    pub draft: TemplateDraft,
    /// Items and groups a benefit may cover.
    pub targets: Vec<Choice>,
    /// The organisation's clinics (value = id).
    pub clinics: Vec<Choice>,
    /// Other templates a renewal may move into (value = id).
    pub templates: Vec<Choice>,
    /// Plans sold from it that are still running.
    pub running: i64,
    /// The organisation's currency.
    pub currency: Currency,
}
