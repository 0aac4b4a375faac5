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
    /// Writes SOAP notes and treats patients.
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
        Role::Vet | Role::Receptionist => matches!(permission, ClinicDesk | SellPlans),
        Role::Owner => permission == OwnHealthcard,
    }
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
        for p in [Permission::OverrideSettlement, Permission::ManageTemplates, Permission::ManageSettings] {
            assert!(allows(Role::Manager, p));
            assert!(!allows(Role::Receptionist, p));
            assert!(!allows(Role::Vet, p));
        }
        assert!(allows(Role::Receptionist, Permission::SellPlans));
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
