//! Notes a person types into rows of a list that reloads when another row
//! is decided: each row's note belongs to the page, not to the row, so a
//! reload redraws the rows without wiping what was typed in them.

use std::collections::HashMap;

use leptos::prelude::*;

/// Which note: the kind of row and its id.
pub type NoteKey = (&'static str, i64);

/// The page's typed notes, one signal per row, owned by the page.
#[derive(Clone, Copy)]
pub struct TypedNotes {
    owner: StoredValue<Option<Owner>>,
    notes: StoredValue<HashMap<NoteKey, RwSignal<String>>>,
}

impl TypedNotes {
    /// Notes owned by the component that calls this (the page).
    pub fn new() -> TypedNotes {
        TypedNotes { owner: StoredValue::new(Owner::current()), notes: StoredValue::new(HashMap::new()) }
    }

    /// The note of row `key`, as typed so far (empty at first).
    pub fn note(self, key: NoteKey) -> RwSignal<String> {
        if let Some(kept) = self.notes.with_value(|notes| notes.get(&key).copied()) {
            return kept;
        }
        let made = match self.owner.get_value() {
            Some(owner) => owner.with(|| RwSignal::new(String::new())),
            None => RwSignal::new(String::new()),
        };
        self.notes.update_value(|notes| {
            notes.insert(key, made);
        });
        made
    }

    /// Lets go of a row's note once it was used (the row was decided).
    pub fn forget(self, key: NoteKey) {
        self.notes.update_value(|notes| {
            notes.remove(&key);
        });
    }
}

impl Default for TypedNotes {
    fn default() -> TypedNotes {
        TypedNotes::new()
    }
}
