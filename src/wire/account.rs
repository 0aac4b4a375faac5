//! Who is signed in, and what a reset or invitation link is for.

use serde::{Deserialize, Serialize};

use crate::domain::Role;

/// Who is signed in, as the header shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The clinic they work in now (staff).
    pub clinic_id: i64,
    /// The organisation's clinics, when there are several to choose from.
    pub clinics: Vec<(i64, String)>,
}

/// What a reset or invitation link is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    /// True for an invitation, false for a password reset.
    pub invitation: bool,
    /// The account's email.
    pub email: String,
    /// The account's name.
    pub name: String,
}

/// Only local paths are followed after sign-in: never another site.
pub fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}
