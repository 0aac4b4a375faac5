//! How long the free text people type may be, and the checks that say so
//! in words. One place, so every note, reason and name has a limit.

/// Notes and reasons: removing a use, voiding, holding, cancelling.
pub const NOTE_MAX: usize = 500;
/// The clinical plan notes of a SOAP plan.
pub const PLAN_NOTES_MAX: usize = 5_000;
/// Names of people, pets, clinics, templates and benefits.
pub const NAME_MAX: usize = 80;

/// `text` if it has at most `max` characters, else what to fix.
pub fn within(what: &str, text: &str, max: usize) -> Result<(), String> {
    let count = text.chars().count();
    if count > max {
        return Err(format!("{what} can be at most {max} characters; this one has {count}. Shorten it."));
    }
    Ok(())
}

/// A required note, trimmed: at least three characters (a word that says
/// why) and at most [`NOTE_MAX`]. `why` completes "Write a short note
/// saying …".
pub fn required_note<'a>(note: &'a str, why: &str) -> Result<&'a str, String> {
    let note = note.trim();
    if note.chars().count() < 3 {
        return Err(format!("Write a short note saying {why}."));
    }
    within("The note", note, NOTE_MAX)?;
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_required_and_bounded_in_words() {
        assert_eq!(required_note("  moved to Mimi ", "why"), Ok("moved to Mimi"));
        assert_eq!(
            required_note(" x ", "why the plan is held").unwrap_err(),
            "Write a short note saying why the plan is held."
        );
        let long = "é".repeat(NOTE_MAX + 1);
        assert!(required_note(&long, "why").unwrap_err().contains("at most 500 characters; this one has 501"));
        assert!(required_note(&"é".repeat(NOTE_MAX), "why").is_ok());
    }
}
