//! Who may do what: roles and the permissions they carry.
//!
//! The server asks [`allows`] before every server function and page; the
//! browser asks it only to hide buttons a person could not use anyway.

use serde::{Deserialize, Serialize};

/// A person's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Runs the clinic: templates, settings, staff, overrides.
    Manager,
    /// Writes SOAP notes and treats patients: the clinic desk only.
    Vet,
    /// Works the front desk: invoices, selling plans, payments.
    Receptionist,
    /// A pet owner on the healthcard portal.
    Owner,
}

/// Something a role may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Patients, SOAP notes, invoices, usage history, lists.
    ClinicDesk,
    /// Sell plans, record payments, hold, resume, renew, cancel.
    SellPlans,
    /// Waive a cancellation settlement the client or clinic would owe.
    OverrideSettlement,
    /// Carry packs over from another system, change what is left of one,
    /// and use a pack past its end or limit with a note.
    AdjustPacks,
    /// Create and edit plan templates.
    ManageTemplates,
    /// Organisation and clinic settings.
    ManageSettings,
    /// Invite, change and deactivate staff accounts.
    ManageStaff,
    /// See one's own pets' plans on the healthcard portal.
    OwnHealthcard,
}

impl Role {
    /// Every role, managers first.
    pub const ALL: [Role; 4] = [Role::Manager, Role::Vet, Role::Receptionist, Role::Owner];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Vet => "vet",
            Role::Receptionist => "receptionist",
            Role::Owner => "owner",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The word people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Manager => "Manager",
            Role::Vet => "Vet",
            Role::Receptionist => "Receptionist",
            Role::Owner => "Pet owner",
        }
    }

    /// Clinic staff, as opposed to pet owners.
    pub fn is_staff(self) -> bool {
        self != Role::Owner
    }
}

/// Whether `role` carries `permission`.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Manager => permission != OwnHealthcard,
        Role::Vet => permission == ClinicDesk,
        Role::Receptionist => matches!(permission, ClinicDesk | SellPlans),
        Role::Owner => permission == OwnHealthcard,
    }
}

impl Permission {
    /// Every permission, in the order the README's role table lists them.
    pub const ALL: [Permission; 8] = [
        Permission::ClinicDesk,
        Permission::SellPlans,
        Permission::ManageTemplates,
        Permission::ManageSettings,
        Permission::ManageStaff,
        Permission::OverrideSettlement,
        Permission::AdjustPacks,
        Permission::OwnHealthcard,
    ];

    /// What the permission lets a person do, in the README's words.
    pub fn summary(self) -> &'static str {
        match self {
            Permission::ClinicDesk => "the clinic desk",
            Permission::SellPlans => "selling plans and their payments, holds, renewals, cancellations and transfers",
            Permission::ManageTemplates => "templates",
            Permission::ManageSettings => "settings",
            Permission::ManageStaff => "staff",
            Permission::OverrideSettlement => "waiving settlements",
            Permission::AdjustPacks => "carrying packs over, changing them and overriding their limits",
            Permission::OwnHealthcard => "the healthcard portal",
        }
    }
}

/// What a role may do, as one sentence fragment: the README's role table
/// is checked against it, so the two cannot drift apart.
pub fn role_summary(role: Role) -> String {
    let parts: Vec<&str> = Permission::ALL.into_iter().filter(|p| allows(role, *p)).map(Permission::summary).collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_only_see_their_healthcard() {
        for p in [
            Permission::ClinicDesk,
            Permission::SellPlans,
            Permission::OverrideSettlement,
            Permission::ManageTemplates,
            Permission::ManageSettings,
            Permission::ManageStaff,
        ] {
            assert!(!allows(Role::Owner, p), "{p:?}");
        }
        assert!(allows(Role::Owner, Permission::OwnHealthcard));
    }

    #[test]
    fn only_managers_override_and_configure() {
        for p in [
            Permission::OverrideSettlement,
            Permission::AdjustPacks,
            Permission::ManageTemplates,
            Permission::ManageSettings,
        ] {
            assert!(allows(Role::Manager, p));
            assert!(!allows(Role::Receptionist, p));
            assert!(!allows(Role::Vet, p));
        }
        assert!(allows(Role::Receptionist, Permission::SellPlans));
        assert!(!allows(Role::Vet, Permission::SellPlans), "vets have the clinic desk only");
        assert!(!allows(Role::Manager, Permission::OwnHealthcard));
    }

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("admin"), None);
    }
}
