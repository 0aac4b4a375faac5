//! Checking a template as typed in the editor: every problem is named in
//! words, and the first one is reported with the field it concerns.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{Currency, LifeStage, PlanKind, Reset};
use crate::wire::error::AppError;
use crate::wire::templates::TemplateDraft;

/// What a benefit covers once resolved against the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An item by code.
    Item(String),
    /// An item group by id.
    Group(i64),
}

/// A benefit row, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidBenefit {
    pub label: String,
    pub target: Target,
    pub limit: Option<i64>,
    pub discount: Decimal,
    pub resets: Reset,
}

/// A template, checked: ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidTemplate {
    pub name: String,
    pub kind: PlanKind,
    pub species: Option<String>,
    pub life_stage: Option<String>,
    pub description: String,
    pub price: Decimal,
    pub enrollment_fee: Decimal,
    pub term_months: Option<i64>,
    pub member_discount: Option<Decimal>,
    pub multi_pet_discount: Option<Decimal>,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub billing_options: Vec<String>,
    pub benefits: Vec<ValidBenefit>,
}

const BILLING: [&str; 4] = ["monthly", "advance", "third_party", "manual"];

fn invalid<T>(message: String) -> Result<T, AppError> {
    Err(AppError::Invalid(message))
}

/// An amount; an empty optional one (a fee) is zero, an empty price is not.
fn amount(text: &str, what: &str, currency: &Currency, required: bool) -> Result<Decimal, AppError> {
    let text = text.trim();
    let text = if text.is_empty() && !required { "0" } else { text };
    match text.replace(',', ".").parse::<Decimal>() {
        Ok(d) if !d.is_sign_negative() && d.scale() <= currency.minor_digits && d < Decimal::from(1_000_000) => Ok(d),
        _ => invalid(format!("The {what} is an amount in {} such as 240.00.", currency.code)),
    }
}

fn percent(text: &str, what: &str) -> Result<Option<Decimal>, AppError> {
    let text = text.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.replace(',', ".").parse::<Decimal>() {
        Ok(p) if p > Decimal::ZERO && p <= Decimal::from(100) => Ok(Some(p.normalize())),
        _ => invalid(format!("The {what} is a percentage between 0 and 100, such as 10.")),
    }
}

fn date(text: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .or_else(|_| invalid(format!("The {what} is a date such as 2027-01-31, or empty.")))
}

/// Checks a draft; the error names the first thing to fix.
pub fn validate(draft: &TemplateDraft, currency: &Currency) -> Result<ValidTemplate, AppError> {
    let name = draft.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        return invalid("Give the template a name of at most 80 characters.".into());
    }
    let Some(kind) = PlanKind::from_code(&draft.kind) else {
        return invalid("Choose what it is: a wellness plan, a package or a session pack.".into());
    };
    let species = Some(draft.species.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(s) = &species
        && !["dog", "cat", "rabbit", "other"].contains(&s.as_str())
    {
        return invalid("Choose the species from the list, or any.".into());
    }
    let life_stage = Some(draft.life_stage.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(stage) = &life_stage
        && LifeStage::from_code(stage).is_none()
    {
        return invalid("Choose the life stage from the list, or any.".into());
    }
    let description = draft.description.trim().to_string();
    if description.chars().count() > 500 {
        return invalid("Keep the description under 500 characters.".into());
    }
    let term_months = match draft.term_months.trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(m) if (1..=60).contains(&m) => Some(m),
            _ => return invalid("The term is a number of months from 1 to 60, or empty for open-ended.".into()),
        },
    };
    let available_from = date(&draft.available_from, "first day on sale")?;
    let available_until = date(&draft.available_until, "last day on sale")?;
    if let (Some(from), Some(until)) = (available_from, available_until)
        && from > until
    {
        return invalid("The last day on sale comes before the first; swap them.".into());
    }
    let billing_options: Vec<String> =
        BILLING.iter().filter(|b| draft.billing_options.iter().any(|o| o == *b)).map(|b| b.to_string()).collect();
    if billing_options.is_empty() {
        return invalid("Tick at least one way to bill the plan.".into());
    }
    if draft.benefits.is_empty() {
        return invalid("Add at least one benefit: what the plan covers.".into());
    }
    let mut benefits = Vec::new();
    for (n, b) in draft.benefits.iter().enumerate() {
        let row = n + 1;
        let label = b.label.trim().to_string();
        if label.is_empty() || label.chars().count() > 80 {
            return invalid(format!("Benefit {row}: give it a name of at most 80 characters."));
        }
        let target = match b.target.trim() {
            "" => return invalid(format!("Benefit {row} ({label}): choose the item or group it covers.")),
            t => match t.strip_prefix("group:") {
                Some(id) => Target::Group(id.parse().or_else(|_| invalid(format!("Benefit {row}: unknown group.")))?),
                None => Target::Item(t.to_string()),
            },
        };
        let limit = match b.limit.trim() {
            "" => None,
            l => match l.parse::<i64>() {
                Ok(q) if (1..=9999).contains(&q) => Some(q),
                _ => {
                    return invalid(format!(
                        "Benefit {row} ({label}): the limit is a number from 1 to 9999, or empty for unlimited."
                    ));
                }
            },
        };
        let discount = percent(&b.discount, &format!("discount of benefit {row}"))?.unwrap_or(Decimal::from(100));
        let resets = match b.resets.as_str() {
            "" | "term" => Reset::Term,
            "year" => Reset::Year,
            _ => return invalid(format!("Benefit {row} ({label}): choose whether it resets each term or each year.")),
        };
        // A pack is counted over its term everywhere (the desk, the packs
        // tab, its renewal when used up): a yearly allowance is a wellness
        // plan's.
        if resets == Reset::Year && kind != PlanKind::WellnessPlan {
            return invalid(format!(
                "Benefit {row} ({label}): a package or session pack counts its sessions over its whole term, so \
                 it cannot reset each year; choose \"each term\", or make the template a wellness plan."
            ));
        }
        benefits.push(ValidBenefit { label, target, limit, discount, resets });
    }
    Ok(ValidTemplate {
        name,
        kind,
        species,
        life_stage,
        description,
        price: amount(&draft.price, "price", currency, true)?,
        enrollment_fee: amount(&draft.enrollment_fee, "enrollment fee", currency, false)?,
        term_months,
        member_discount: percent(&draft.member_discount, "member discount")?,
        multi_pet_discount: percent(&draft.multi_pet_discount, "multi-pet discount")?,
        available_from,
        available_until,
        billing_options,
        benefits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::templates::BenefitDraft;

    fn draft() -> TemplateDraft {
        TemplateDraft {
            name: "Puppy Plan".into(),
            kind: "wellness".into(),
            species: "dog".into(),
            life_stage: "puppy".into(),
            price: "240.00".into(),
            term_months: "12".into(),
            billing_options: vec!["monthly".into()],
            benefits: vec![BenefitDraft {
                label: "Exams".into(),
                target: "EXAM".into(),
                limit: "3".into(),
                discount: String::new(),
                resets: String::new(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_draft_passes_with_defaults_filled_in() {
        let t = validate(&draft(), &Currency::new("EUR", 2)).unwrap();
        assert_eq!(t.price, Decimal::new(24000, 2));
        assert_eq!(t.benefits[0].discount, Decimal::from(100));
        assert_eq!(t.benefits[0].limit, Some(3));
        assert_eq!(t.term_months, Some(12));
    }

    #[test]
    fn problems_are_named_with_the_row_and_what_to_type() {
        let eur = Currency::new("EUR", 2);
        let mut d = draft();
        d.price = "24.999".into();
        assert!(validate(&d, &eur).unwrap_err().to_string().contains("price is an amount in EUR"));
        let mut d = draft();
        d.price = " ".into();
        assert!(validate(&d, &eur).unwrap_err().to_string().contains("price is an amount"));
        let mut d = draft();
        d.benefits[0].limit = "0".into();
        assert!(validate(&d, &eur).unwrap_err().to_string().starts_with("Benefit 1 (Exams)"));
        let mut d = draft();
        d.available_from = "2027-02-01".into();
        d.available_until = "2027-01-01".into();
        assert!(validate(&d, &eur).unwrap_err().to_string().contains("swap them"));
        let mut d = draft();
        d.billing_options.clear();
        assert!(validate(&d, &eur).unwrap_err().to_string().contains("Tick at least one"));
        let mut d = draft();
        d.multi_pet_discount = "120".into();
        assert!(validate(&d, &eur).unwrap_err().to_string().contains("multi-pet"));
        let mut d = draft();
        d.benefits[0].resets = "year".into();
        assert!(validate(&d, &eur).is_ok(), "a wellness plan's benefit may reset yearly");
        d.kind = "session_pack".into();
        assert!(validate(&d, &eur).unwrap_err().to_string().contains("cannot reset each year"));
    }
}
