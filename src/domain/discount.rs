//! Discounts that are not plan benefits: member, promotion, line discount.

use serde::{Deserialize, Serialize};

use super::money::Percent;

/// Where a non-plan discount comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiscountSource {
    /// A plan's member discount on items outside its benefits.
    Member,
    /// A promotion running at the clinic.
    Promotion,
    /// A discount typed on the line by staff.
    Manual,
}

impl DiscountSource {
    /// The words on an invoice.
    pub fn label(self) -> &'static str {
        match self {
            DiscountSource::Member => "member discount",
            DiscountSource::Promotion => "promotion",
            DiscountSource::Manual => "line discount",
        }
    }
}

/// A discount that is not a benefit: the best single one applies to excess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OtherDiscount {
    /// Its source.
    pub source: DiscountSource,
    /// How much.
    pub percent: Percent,
}
