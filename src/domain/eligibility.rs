//! Which plans a patient may be sold: species, life stage, and the window
//! a plan is offered in.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A pet's stage of life, as plans are made for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LifeStage {
    /// Under a year: puppy or kitten.
    Young,
    /// Grown.
    Adult,
    /// Dogs from 8 years, cats from 10.
    Senior,
}

impl LifeStage {
    /// The stored code ("puppy" and "kitten" both read as young).
    pub fn from_code(code: &str) -> Option<LifeStage> {
        match code {
            "puppy" | "kitten" | "young" => Some(LifeStage::Young),
            "adult" => Some(LifeStage::Adult),
            "senior" => Some(LifeStage::Senior),
            _ => None,
        }
    }

    /// Who a plan for this stage is for ("puppies", "seniors").
    fn group(self, species: &str) -> &'static str {
        match (self, species) {
            (LifeStage::Young, "dog") => "puppies",
            (LifeStage::Young, "cat") => "kittens",
            (LifeStage::Young, _) => "young animals",
            (LifeStage::Adult, _) => "adults",
            (LifeStage::Senior, _) => "seniors",
        }
    }

    fn words(self, species: &str) -> &'static str {
        match (self, species) {
            (LifeStage::Young, "dog") => "a puppy",
            (LifeStage::Young, "cat") => "a kitten",
            (LifeStage::Young, _) => "young",
            (LifeStage::Adult, _) => "an adult",
            (LifeStage::Senior, _) => "a senior",
        }
    }
}

/// Whole months from `birth` to `today`.
pub fn age_in_months(birth: NaiveDate, today: NaiveDate) -> i32 {
    let months = (today.year() - birth.year()) * 12 + today.month() as i32 - birth.month() as i32;
    months - i32::from(today.day() < birth.day())
}

/// The life stage of a pet of `species` born on `birth`.
pub fn life_stage(species: &str, birth: NaiveDate, today: NaiveDate) -> LifeStage {
    let months = age_in_months(birth, today);
    let senior_from = if species == "cat" { 120 } else { 96 };
    if months < 12 {
        LifeStage::Young
    } else if months >= senior_from {
        LifeStage::Senior
    } else {
        LifeStage::Adult
    }
}

/// Who a plan template is for, and when it is offered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// "dog", "cat", …; `None` for any species.
    pub species: Option<String>,
    /// The life stage; `None` for any age.
    pub life_stage: Option<LifeStage>,
    /// First day it may be sold.
    pub available_from: Option<NaiveDate>,
    /// Last day it may be sold.
    pub available_until: Option<NaiveDate>,
}

/// Whether a pet may be sold the plan on `today`, or why not.
pub fn eligible(
    offer: &Offer,
    name: &str,
    species: &str,
    birth: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), String> {
    let show = |d: NaiveDate| d.format("%-d %b %Y").to_string();
    if let Some(from) = offer.available_from.filter(|from| today < *from) {
        return Err(format!("This plan is offered from {}.", show(from)));
    }
    if let Some(until) = offer.available_until.filter(|until| today > *until) {
        return Err(format!("This plan was offered until {}.", show(until)));
    }
    if let Some(wanted) = offer.species.as_deref().filter(|s| *s != species) {
        return Err(format!("This plan is for {wanted}s; {name} is a {species}."));
    }
    if let Some(stage) = offer.life_stage {
        let Some(birth) = birth else {
            return Err(format!("This plan depends on age; add {name}'s date of birth first."));
        };
        let actual = life_stage(species, birth, today);
        if actual != stage {
            return Err(format!("This plan is for {}; {name} is {}.", stage.group(species), actual.words(species)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::day;

    fn offer(species: &str, stage: LifeStage) -> Offer {
        Offer { species: Some(species.into()), life_stage: Some(stage), available_from: None, available_until: None }
    }

    #[test]
    fn species_age_and_window_decide_eligibility() {
        let today = day(2026, 11, 22);
        let puppy = offer("dog", LifeStage::Young);
        assert_eq!(eligible(&puppy, "Rex", "dog", Some(day(2026, 6, 22)), today), Ok(()));
        assert_eq!(
            eligible(&puppy, "Mimi", "cat", Some(day(2026, 6, 22)), today),
            Err("This plan is for dogs; Mimi is a cat.".into())
        );
        assert_eq!(
            eligible(&offer("dog", LifeStage::Senior), "Rex", "dog", Some(day(2026, 6, 22)), today),
            Err("This plan is for seniors; Rex is a puppy.".into())
        );
        assert_eq!(
            eligible(&puppy, "Bobbie", "dog", Some(day(2023, 11, 22)), today),
            Err("This plan is for puppies; Bobbie is an adult.".into())
        );
        assert_eq!(life_stage("cat", day(2016, 11, 22), today), LifeStage::Senior);
        assert_eq!(life_stage("cat", day(2016, 11, 23), today), LifeStage::Adult, "ten tomorrow");
        let seasonal =
            Offer { species: None, life_stage: None, available_from: Some(day(2027, 1, 1)), available_until: None };
        assert_eq!(eligible(&seasonal, "Rex", "dog", None, today), Err("This plan is offered from 1 Jan 2027.".into()));
        let ended = Offer { available_from: None, available_until: Some(day(2026, 10, 31)), ..seasonal };
        assert_eq!(eligible(&ended, "Rex", "dog", None, today), Err("This plan was offered until 31 Oct 2026.".into()));
    }

    #[test]
    fn ages_count_whole_months_across_leap_days() {
        assert_eq!(age_in_months(day(2024, 2, 29), day(2025, 2, 28)), 11);
        assert_eq!(age_in_months(day(2024, 2, 29), day(2025, 3, 1)), 12);
    }
}
