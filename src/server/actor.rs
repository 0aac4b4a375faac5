//! Who is acting: recorded on every ledger entry and audit row.

/// The person behind a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Their account, once signed in.
    pub user_id: Option<i64>,
    /// Their name as the history shows it.
    pub name: String,
}

impl Actor {
    /// The shared clinic desk: every change before staff accounts exist.
    pub fn clinic_desk() -> Actor {
        Actor { user_id: None, name: "Clinic desk".to_string() }
    }
}
