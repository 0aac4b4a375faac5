//! Patients and their plans: wire types and server functions.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::error::AppError;
use crate::domain::{BenefitId, CoverageSubscription, SubscriptionStatus, UnitSpec, in_force};

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

/// The patient list with the clinic it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientList {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// Patients by name.
    pub patients: Vec<PatientRow>,
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
}

/// How to show one benefit: what it covers and in which unit it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitDisplay {
    /// The benefit.
    pub benefit_id: BenefitId,
    /// The item's or group's name.
    pub covers_name: String,
    /// The unit it counts in.
    pub units: UnitSpec,
    /// The limit starts again each plan year (rather than once per term).
    pub yearly: bool,
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

/// The clinic's patients with their plans.
#[server(prefix = "/api", endpoint = "patients")]
pub async fn list_patients() -> Result<PatientList, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let patients = state.store.list_patients(clinic.organisation_id).await?;
            Ok(PatientList { clinic, patients })
        }
        .await,
    )
}

/// One patient with every plan that applies to it.
#[server(prefix = "/api", endpoint = "patient")]
pub async fn patient_page(id: i64) -> Result<PatientDetail, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ClinicDesk).await?;
            let patient = state.store.find_patient(clinic.organisation_id, id).await?;
            let plans = state
                .store
                .client_plans(patient.client_id, clinic.today)
                .await?
                .into_iter()
                .filter(|p| p.subscription.applies_to(patient.id))
                .collect();
            Ok(PatientDetail { clinic, patient, plans })
        }
        .await,
    )
}
