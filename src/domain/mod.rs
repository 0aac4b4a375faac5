//! The counting core: pure, shared by the server and the browser.
//!
//! No I/O, no clock (dates are arguments), no framework types. It compiles
//! for `wasm32-unknown-unknown` so the SOAP page computes badges locally with
//! the very function the server runs when it finalizes an invoice.

pub mod access;
pub mod authorised_use;
pub mod badge;
pub mod benefit;
pub mod coverage;
pub mod coverage_types;
pub mod discount;
pub mod draft;
pub mod eligibility;
pub mod explain;
pub mod finalize_changes;
pub mod lifecycle;
pub mod line_parts;
pub mod money;
pub mod over_usage;
pub mod pack_view;
pub mod packs;
pub mod plan_rules;
pub mod pricing;
pub mod promotion;
pub mod quantity;
pub mod returns;
pub mod schedule;
pub mod settlement;
pub mod slots;
pub mod subscription;
pub mod sync;
pub mod term;
pub mod text;
pub mod tracker;
pub mod visits;

#[cfg(test)]
mod authorised_use_laws;
#[cfg(test)]
mod examples;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod laws;
#[cfg(test)]
mod lifecycle_laws;
#[cfg(test)]
mod pack_laws;
#[cfg(test)]
mod sync_laws;
#[cfg(test)]
mod visit_laws;

pub use access::{Permission, Role, allows};
pub use authorised_use::{AskedLine, AuthorisedPack, beyond_authorisation, stretch_for_override};
pub use badge::{BadgeState, badge_for_balance, badge_for_draft, left_text, out_of_text};
pub use benefit::{BenefitBalance, BenefitId, Covers, GroupId, ItemId, Limit, Remaining, remaining};
pub use coverage::{
    Allocation, Coverage, CoverageRules, DiscountSource, DraftLine, ItemRef, LineCoverage, OtherDiscount, count_line,
    cover,
};
pub use draft::{LineInput, parse_line};
pub use eligibility::{LifeStage, Offer, eligible, life_stage};
pub use finalize_changes::{Seen, finalize_changes};
pub use lifecycle::{Change, Hold, PlanState, Step, next_status, transition};
pub use line_parts::parts_of;
pub use money::{Currency, Money, MoneyError, Percent, PercentError, split_rounded};
pub use pack_view::{listed_for, pack_badge, pack_benefit, pack_covers, pack_of, reserve_held};
pub use packs::{Authorisation, Authoriser, PackBalance, PackState, PackWarning, UseRefusal};
pub use plan_rules::PlanRules;
pub use pricing::{DeskLine, PricedDraft, PricingContext, price_draft};
pub use promotion::{Promotion, apply_promotions};
pub use quantity::{Quantity, QuantityError, Subunit, UnitChoice, UnitSpec, plural};
pub use returns::{InvoiceLineId, MovedUse, Return, ReturnablePart, subtract_returned, take_returns};
pub use schedule::{Billing, Instalment, schedule};
pub use settlement::{Outcome, Settlement, SettlementInput, SettlementOption, UsedValue, settle};
pub use slots::{Hours, SLOT_MINUTES, Span, parse_length, week_of};
pub use subscription::{CoverageSubscription, PatientId, PlanKind, SubscriptionId, SubscriptionStatus, in_force};
pub use term::{
    CALENDAR_YEARS, Reset, extend_for_hold, on_calendar, plan_year, plan_year_start, renewal_start, term_end,
};
pub use tracker::{Tracker, TrackerRow};
pub use visits::{
    HoldRefusal, NoShowOutcome, NoShowRule, VisitAction, VisitKind, VisitStatus, check_hold,
    checkout_claims_draft_line, may_hold, may_hold_with_override, next_visit_status, no_show_outcome, standing,
};
