//! Words that hold ids, laid out so that no id breaks across lines.

use leptos::prelude::*;

/// `text` with each id ("invoice PV-24105", "code WP-CHECKUP") kept whole:
/// a narrow column would otherwise break it at its hyphen. Every run of
/// words is an element of its own, so no two texts meet (hydration would read
/// neighbouring texts as one).
pub fn unbroken_ids(text: &str) -> impl IntoView + use<> {
    id_runs(text).into_iter().map(|(text, id)| view! { <span class:nowrap=id>{text}</span> }).collect_view()
}

/// `text` cut into runs, each with whether it is an id (a word holding a
/// hyphen). The spaces between words go to the plain runs, where a line may
/// break; consecutive plain words stay one run.
fn id_runs(text: &str) -> Vec<(String, bool)> {
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
    runs
}

#[cfg(test)]
mod tests {
    use super::id_runs;

    fn runs(text: &str) -> Vec<(String, bool)> {
        id_runs(text)
    }

    fn expected(runs: &[(&str, bool)]) -> Vec<(String, bool)> {
        runs.iter().map(|&(run, id)| (run.to_string(), id)).collect()
    }

    #[test]
    fn an_id_is_a_run_of_its_own_and_the_words_around_it_keep_their_spaces() {
        assert_eq!(
            runs("Rex used 1 Microchip · invoice PV-24105"),
            expected(&[("Rex used 1 Microchip · invoice ", false), ("PV-24105", true)])
        );
        assert_eq!(
            runs("The code WP-CHECKUP is not mapped to an item"),
            expected(&[("The code ", false), ("WP-CHECKUP", true), (" is not mapped to an item", false)])
        );
    }

    #[test]
    fn two_ids_side_by_side_stay_apart_with_the_space_between_them_plain() {
        assert_eq!(runs("PMS-9001 WP-DENTAL"), expected(&[("PMS-9001", true), (" ", false), ("WP-DENTAL", true)]));
    }

    #[test]
    fn text_without_ids_is_one_plain_run_and_loses_nothing() {
        assert_eq!(runs("recorded by the clinic"), expected(&[("recorded by the clinic", false)]));
        assert_eq!(runs(""), expected(&[("", false)]));
        let text = "  two  spaces and PV-1 ";
        assert_eq!(id_runs(text).into_iter().map(|(run, _)| run).collect::<String>(), text);
    }
}
