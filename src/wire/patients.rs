//! Patients and their plans, as the patient list and page show them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::paging::Paging;
use crate::domain::{
    AskedLine, Authorisation, AuthorisedPack, BenefitId, CoverageSubscription, DeskLine, ItemRef, LineCoverage,
    PackBalance, Quantity, SubscriptionStatus, UnitSpec, beyond_authorisation, in_force, pack_benefit, pack_of,
    reserve_held,
};

/// One patient in the clinic's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRow {
    /// The patient.
    pub id: i64,
    /// The pet's name.
    pub name: String,
    /// dog, cat, rabbit, other.
    pub species: String,
    /// Breed, when known.
    pub breed: Option<String>,
    /// The owner.
    pub client_id: i64,
    /// The owner's full name.
    pub client_name: String,
    /// Plans that apply to this patient (its own and the client's packs).
    pub plans: Vec<PlanChip>,
}

/// A plan's name and state, for lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChip {
    /// The subscription.
    pub subscription_id: i64,
    /// The plan's name.
    pub plan_name: String,
    /// Its state.
    pub status: SubscriptionStatus,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day, if it ends.
    pub ends_on: Option<NaiveDate>,
}

impl PatientRow {
    /// True when a plan covers this patient today: the member tag shows.
    pub fn is_member(&self, clinic: &ClinicInfo) -> bool {
        self.plans.iter().any(|p| in_force(p.status, p.starts_on, p.ends_on, clinic.today, clinic.past_due_usable))
    }
}

/// One page of the clinic's patient list, as searched, with the clinic it
/// belongs to. A group holds a hundred thousand patients: the server
/// searches and pages; the browser never holds the whole list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientList {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// What was searched for, as typed; empty for every patient.
    pub search: String,
    /// This page's patients, by name.
    pub patients: Vec<PatientRow>,
    /// Where this page is among the patients that match the search.
    pub paging: Paging,
    /// Every patient of the organisation.
    pub total: u64,
    /// Patients a plan covers today.
    pub members: u64,
}

/// A patient and owner, for the patient page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientInfo {
    /// The patient.
    pub id: i64,
    /// The pet's name.
    pub name: String,
    /// Species.
    pub species: String,
    /// Breed.
    pub breed: Option<String>,
    /// Sex.
    pub sex: Option<String>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Date of death, when the patient has died.
    pub deceased_on: Option<NaiveDate>,
    /// The owner.
    pub client_id: i64,
    /// Owner's full name.
    pub client_name: String,
    /// Owner's email.
    pub client_email: Option<String>,
    /// Owner's phone.
    pub client_phone: Option<String>,
    /// The owner's healthcard portal account: none yet, or whether it is
    /// switched on.
    pub portal_active: Option<bool>,
}

/// How to show one benefit: what it covers and in which unit it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitDisplay {
    /// The benefit.
    pub benefit_id: BenefitId,
    /// The item's or group's name.
    pub covers_name: String,
    /// The benefit's own label already begins with `covers_name` (case
    /// aside), so a card need not name it twice ("Wellness exams · Wellness
    /// exam"). Decided here, on the server: comparing names case-blind in the
    /// browser would bring Unicode's case tables into every bundle.
    pub named_by_label: bool,
    /// The unit it counts in.
    pub units: UnitSpec,
    /// The limit starts again each plan year (rather than once per term).
    pub yearly: bool,
    /// The item, when the benefit covers one item (not a group): what the
    /// desk adds when staff use a pack.
    #[serde(default)]
    pub item: Option<ItemRef>,
}

/// One subscription with everything its card shows. The subscription is the
/// very value the coverage rules take, so the browser can count with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCard {
    /// The subscription and its balances.
    pub subscription: CoverageSubscription,
    /// The patient of a wellness plan.
    pub patient_name: Option<String>,
    /// Display facts for each benefit, in the subscription's order.
    pub benefits: Vec<BenefitDisplay>,
    /// For a package or session pack: how it came and what staff must see.
    #[serde(default)]
    pub pack_facts: Option<PackFacts>,
}

/// What of a draft goes beyond an authorisation of the household's packs,
/// line by line: the desk shows it live and finalizing refuses it unless a
/// manager overrides.
pub fn authorisation_refusals(
    plans: &[PlanCard],
    lines: &[(DeskLine, Option<&LineCoverage>)],
    on: chrono::NaiveDate,
    invoice: Option<i64>,
) -> Vec<String> {
    let packs: Vec<AuthorisedPack> = plans.iter().filter_map(|p| p.authorised(invoice)).collect();
    if packs.is_empty() {
        return Vec::new();
    }
    let asked: Vec<(AskedLine, Option<&LineCoverage>)> = lines
        .iter()
        .map(|(l, c)| (AskedLine { patient: l.input.patient_id, item: l.item.id, group: l.item.group_id }, *c))
        .collect();
    beyond_authorisation(&packs, &asked, on)
}

/// What a package or session pack carries besides its counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackFacts {
    /// Brought over from another system rather than sold here.
    pub carried_over: bool,
    /// Shown to staff whenever the pack is used.
    pub use_note: String,
    /// The referral or insurer authorisation it stands for.
    pub authorisation: Option<Authorisation>,
    /// Units booked on the schedule (or checked out onto a draft invoice)
    /// and not yet drawn.
    #[serde(default)]
    pub held: Quantity,
    /// The draft invoice of each checked-out visit among `held`.
    #[serde(default)]
    pub held_on_drafts: Vec<i64>,
    /// When the booked sessions among `held` are, soonest first.
    #[serde(default)]
    pub next_booked: Vec<chrono::NaiveDateTime>,
}

impl PlanCard {
    /// The pack this card stands for (none for a wellness plan), counted by
    /// the shared rules, with what is booked and not yet drawn held.
    pub fn pack(&self) -> Option<PackBalance> {
        self.pack_on(None)
    }

    /// The pack as a draft (`invoice`, or a SOAP plan: `None`) counts it:
    /// the visits checked out onto that very invoice draw their own hold.
    pub fn pack_on(&self, invoice: Option<i64>) -> Option<PackBalance> {
        let authorisation = self.pack_facts.as_ref().and_then(|f| f.authorisation.clone());
        pack_of(&self.subscription, self.held_by_others(invoice), authorisation)
    }

    fn held_by_others(&self, invoice: Option<i64>) -> Quantity {
        Quantity(
            self.pack_facts
                .as_ref()
                .map_or(0, |f| f.held.0 - f.held_on_drafts.iter().filter(|d| Some(**d) == invoice).count() as i64),
        )
    }

    /// The subscription as coverage counts it on `invoice` (or on a SOAP
    /// plan, `None`): units other visits hold count as used.
    pub fn counted(&self, invoice: Option<i64>) -> CoverageSubscription {
        reserve_held(&self.subscription, self.held_by_others(invoice))
    }

    /// The authorisation this pack stands for, as the check of a draft's
    /// sessions needs it.
    pub fn authorised(&self, invoice: Option<i64>) -> Option<AuthorisedPack> {
        let authorisation = self.pack_facts.as_ref()?.authorisation.clone()?;
        Some(AuthorisedPack {
            subscription: self.subscription.clone(),
            balance: self.pack_on(invoice)?,
            authorisation,
            unit: self.pack_unit()?.to_string(),
        })
    }

    /// The unit the pack counts in ("session", "day"), from its benefit.
    pub fn pack_unit(&self) -> Option<&str> {
        let benefit = pack_benefit(&self.subscription)?;
        let shown = self.benefits.iter().find(|d| d.benefit_id == benefit.id)?;
        Some(shown.units.smallest_name())
    }
}

/// Everything the patient page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientDetail {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The patient and owner.
    pub patient: PatientInfo,
    /// Plans that apply to this patient, newest first.
    pub plans: Vec<PlanCard>,
}

impl PatientDetail {
    /// True when a plan covers the patient today: the member tag shows.
    pub fn is_member(&self) -> bool {
        self.plans.iter().any(|p| p.subscription.usable_on(self.clinic.today, self.clinic.past_due_usable))
    }
}
