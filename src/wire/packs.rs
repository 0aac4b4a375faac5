//! A client's packages and session packs, as the client's Packs tab shows
//! them, and the forms that bring a pack over or change one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clinic::ClinicInfo;
use super::desk::PatientBrief;
use super::invoice_view::ClientBrief;
use super::patients::PlanCard;
use crate::domain::PlanKind;

/// One entry of a pack's history: a session or day used, given back, or
/// the balance brought over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackUse {
    /// The ledger entry.
    pub id: i64,
    /// The day of the service.
    pub used_on: NaiveDate,
    /// The pet it was for, when one.
    pub patient_name: Option<String>,
    /// Signed units: negative gives back.
    pub quantity: i64,
    /// Where it came from, in words ("Invoice INV-2026-00004").
    pub source: String,
    /// The invoice, when it came from one.
    pub invoice_id: Option<i64>,
    /// Who.
    pub actor_name: String,
    /// Why (adjustments, carry-over).
    pub note: String,
}

/// One pack with its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRow {
    /// The pack and its balance.
    pub card: PlanCard,
    /// Every entry, newest first.
    pub uses: Vec<PackUse>,
}

/// A package or session pack template a pack can be made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackTemplateChoice {
    /// The template.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Package or session pack.
    pub kind: PlanKind,
    /// Sessions or days it holds.
    pub size: i64,
    /// What one of them is called.
    pub unit: String,
    /// Months it lasts from the sale, when it expires.
    pub term_months: Option<i64>,
    /// Made for one pet rather than the household.
    pub one_pet: bool,
}

/// The client's Packs tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPacks {
    /// The clinic.
    pub clinic: ClinicInfo,
    /// The client.
    pub client: ClientBrief,
    /// The client's pets.
    pub pets: Vec<PatientBrief>,
    /// Every package and session pack, current ones first.
    pub packs: Vec<PackRow>,
    /// Templates a pack can be carried over or sold from.
    pub templates: Vec<PackTemplateChoice>,
    /// The viewer may carry packs over and change them (managers).
    pub may_adjust: bool,
    /// The viewer may sell a pack.
    pub may_sell: bool,
    /// The pack the client's new appointments take.
    #[serde(default)]
    pub preferred_pack: Option<i64>,
}

/// The carry-over form as typed: text, so a refusal keeps it all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryOverForm {
    /// The template, as chosen.
    pub template_id: String,
    /// Sessions or days left, as typed.
    pub left: String,
    /// The last day, as typed (empty when it does not expire).
    pub ends_on: String,
    /// Shown to staff whenever the pack is used.
    pub use_note: String,
    /// Why it is carried over (required).
    pub reason: String,
    /// The pet's id, for a pack made for one pet; empty for the household.
    #[serde(default)]
    pub pet: String,
}

/// A change to a pack's number left or end date, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackChangeForm {
    /// Sessions or days that should be left.
    pub left: String,
    /// The end date (empty: no end).
    pub ends_on: String,
    /// Why (required, audited).
    pub note: String,
}

/// A number left as typed: a whole number from 0.
pub fn parse_left(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Give the number left, such as 7.".into());
    }
    text.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("Number left is a whole number such as 7, not \u{201c}{text}\u{201d}."))
}

/// An end date as typed: empty when the pack does not expire.
pub fn parse_end(text: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    // `parse` reads chrono's one fixed form (2027-03-31); a pattern
    // (`parse_from_str`) would bring its pattern reader into the bundle.
    text.parse::<NaiveDate>()
        .map(Some)
        .map_err(|_| format!("End date is a date such as 2027-03-31, not \u{201c}{text}\u{201d}."))
}

impl CarryOverForm {
    /// The template, the number left, the end date and the pet (none for
    /// the household), or what to fix.
    pub fn parse(&self) -> Result<(i64, i64, Option<NaiveDate>, Option<i64>), String> {
        let template = self.template_id.trim().parse::<i64>().map_err(|_| "Choose the package or pack it becomes.")?;
        let pet = match self.pet.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| "Choose the pet from the list.")?),
        };
        Ok((template, parse_left(&self.left)?, parse_end(&self.ends_on)?, pet))
    }
}

impl PackChangeForm {
    /// The number left and the end date asked for, or what to fix.
    pub fn parse(&self) -> Result<(i64, Option<NaiveDate>), String> {
        Ok((parse_left(&self.left)?, parse_end(&self.ends_on)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_say_what_to_fix() {
        let mut form = CarryOverForm { template_id: "4".into(), left: "7".into(), ..Default::default() };
        assert_eq!(form.parse(), Ok((4, 7, None, None)));
        form.left = "seven".into();
        assert!(form.parse().unwrap_err().contains("\u{201c}seven\u{201d}"));
        form.left = "7".into();
        form.ends_on = "31/03/2027".into();
        assert!(form.parse().unwrap_err().starts_with("End date is a date"));
        form.template_id.clear();
        assert!(form.parse().unwrap_err().contains("Choose"));
        let change = PackChangeForm { left: "-1".into(), ends_on: "2027-01-31".into(), note: String::new() };
        assert!(change.parse().is_err());
        let change = PackChangeForm { left: "0".into(), ..change };
        assert_eq!(change.parse(), Ok((0, NaiveDate::from_ymd_opt(2027, 1, 31))));
    }
}

/// A referral or insurer authorisation as typed: it becomes a session pack
/// of that many sessions between the two dates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorisationForm {
    /// The session pack template, as chosen.
    pub template_id: String,
    /// Sessions authorised, as typed.
    pub sessions: String,
    /// First day, as typed.
    pub starts_on: String,
    /// Last day, as typed.
    pub ends_on: String,
    /// "referrer" or "insurer".
    pub by: String,
    /// Who: the referring practice or the insurer.
    pub name: String,
    /// Their reference number.
    pub reference: String,
    /// The pet it is for, as chosen (a referral or a claim is for one animal).
    #[serde(default)]
    pub pet: String,
}

/// An [`AuthorisationForm`] read: what to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorisationInput {
    /// The template.
    pub template_id: i64,
    /// Sessions authorised.
    pub sessions: i64,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Who authorised it, and their reference.
    pub authorisation: crate::domain::Authorisation,
    /// The pet it is for.
    pub patient_id: i64,
}

impl AuthorisationForm {
    /// The authorisation, or what to fix.
    pub fn parse(&self) -> Result<AuthorisationInput, String> {
        let template_id = self.template_id.trim().parse::<i64>().map_err(|_| "Choose the session pack it is for.")?;
        let patient_id = self.pet.trim().parse::<i64>().map_err(|_| "Choose the pet it is for.")?;
        let sessions = self.sessions.trim().parse::<i64>().ok().filter(|n| (1..=100).contains(n)).ok_or_else(|| {
            format!("Sessions is a whole number from 1 to 100, not \u{201c}{}\u{201d}.", self.sessions.trim())
        })?;
        let day = |text: &str, what: &str| {
            text.trim()
                .parse::<NaiveDate>()
                .map_err(|_| format!("{what} is a date such as 2027-03-31, not \u{201c}{}\u{201d}.", text.trim()))
        };
        let starts_on = day(&self.starts_on, "From")?;
        let ends_on = day(&self.ends_on, "Until")?;
        if ends_on < starts_on {
            return Err(format!("Until ({ends_on}) is before From ({starts_on})."));
        }
        let by = crate::domain::Authoriser::from_code(self.by.trim())
            .ok_or("Say whether a referrer or an insurer authorised it.")?;
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err("Give who authorised it (up to 120 characters): the referring practice or the insurer.".into());
        }
        let reference = self.reference.trim();
        if reference.is_empty() || reference.chars().count() > 60 {
            return Err("Give their reference number (up to 60 characters).".into());
        }
        Ok(AuthorisationInput {
            template_id,
            sessions,
            starts_on,
            ends_on,
            authorisation: crate::domain::Authorisation { by, name: name.into(), reference: reference.into() },
            patient_id,
        })
    }
}

/// What one line of a carry-over file becomes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryPreviewRow {
    /// Its line number in the file.
    pub line: u64,
    /// The client it was matched to.
    pub client_id: i64,
    /// Their name.
    pub client_name: String,
    /// The template it becomes.
    pub pack_name: String,
    /// Sessions or days left.
    pub left: i64,
    /// The last day, when it expires.
    pub ends_on: Option<NaiveDate>,
    /// Shown at each use.
    pub note: String,
    /// The client already had this pack carried over (before this line):
    /// a file applied twice shows it on every line.
    pub already: bool,
}

/// A carry-over file's preview, or what was applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryOverFile {
    /// Every line, in file order.
    pub rows: Vec<CarryPreviewRow>,
    /// True once applied; false for a preview.
    pub applied: bool,
}
