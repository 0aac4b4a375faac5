//! The pager under a long list: where this page is among the rows that
//! match, and links to the pages before and after. The links are plain
//! addresses, so paging works before the page's code has loaded, and the
//! back button goes back a page.

use leptos::prelude::*;

use crate::ui::format::count;
use crate::wire::paging::Paging;

/// The pager for a page of `shown` rows; `href` gives a page's address.
/// Nothing when the page is empty (the list says why instead).
pub fn pager(paging: Paging, shown: usize, searched: bool, href: impl Fn(u32) -> String) -> Option<impl IntoView> {
    let (first, last) = paging.shown_range(shown)?;
    let place = format!(
        "{}–{} of {}{}",
        count(first),
        count(last),
        count(paging.matching),
        if searched { " matching" } else { "" }
    );
    let link = |page: u32, text: &'static str, test: &'static str| {
        view! { <a class="button secondary" href=href(page) data-test=test>{text}</a> }
    };
    let previous = (paging.page > 1).then(|| link(paging.page - 1, "← Previous", "page-previous"));
    let next = (paging.page < paging.pages()).then(|| link(paging.page + 1, "Next →", "page-next"));
    Some(view! {
        <nav class="pager" aria-label="Pages">
            <span class="pager-side">{previous}</span>
            <span class="muted" data-test="page-place">{place}</span>
            <span class="pager-side end">{next}</span>
        </nav>
    })
}

/// A value for an address's query: letters, digits and `-._~` stay, a
/// space becomes `+`, everything else is percent-encoded.
pub fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// An address with these query parameters, leaving out empty ones.
pub fn with_query(path: &str, params: &[(&str, String)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", query_value(value)))
        .collect();
    if parts.is_empty() { path.to_string() } else { format!("{path}?{}", parts.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::with_query;

    #[test]
    fn an_address_holds_only_the_parameters_given() {
        assert_eq!(with_query("/", &[("q", String::new()), ("page", String::new())]), "/");
        assert_eq!(with_query("/", &[("q", "senior cat".into())]), "/?q=senior+cat");
        assert_eq!(
            with_query("/lists", &[("status", "past_due".into()), ("page", "2".into())]),
            "/lists?status=past_due&page=2"
        );
        assert_eq!(with_query("/", &[("q", "Zoë & co".into()), ("page", "3".into())]), "/?q=Zo%C3%AB+%26+co&page=3");
    }
}
