//! Staff members, as the managers' list shows them.

use serde::{Deserialize, Serialize};

use crate::domain::Role;

/// A staff member in the managers' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// The account.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Sign-in email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Can sign in.
    pub active: bool,
    /// Invited, password not chosen yet.
    pub invited: bool,
    /// Last sign-in (UTC timestamp text), if any.
    pub last_sign_in_at: Option<String>,
    /// This is the viewer.
    pub is_me: bool,
}
