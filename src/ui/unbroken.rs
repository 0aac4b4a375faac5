//! Words that hold ids, laid out so that no id breaks across lines.

use leptos::prelude::*;

/// `text` with each id ("invoice PV-24105", "code WP-CHECKUP") kept whole:
/// a narrow column would otherwise break it at its hyphen. Every run of
/// words is an element of its own, so no two texts meet (hydration would read
/// neighbouring texts as one).
pub fn unbroken_ids(text: &str) -> impl IntoView + use<> {
    // (text, is an id); the spaces between words go to the plain runs, where
    // a line may break.
    let mut runs: Vec<(String, bool)> = Vec::new();
    let plain = |runs: &mut Vec<(String, bool)>, text: &str| match runs.last_mut() {
        Some((run, false)) => run.push_str(text),
        _ => runs.push((text.to_string(), false)),
    };
    for (n, word) in text.split(' ').enumerate() {
        if n > 0 {
            plain(&mut runs, " ");
        }
        if word.contains('-') {
            runs.push((word.to_string(), true));
        } else {
            plain(&mut runs, word);
        }
    }
    runs.into_iter().map(|(text, id)| view! { <span class:nowrap=id>{text}</span> }).collect_view()
}
