//! Searching text typed in a box with SQL's LIKE.

/// A LIKE pattern (with `ESCAPE '\\'`) finding `search` anywhere: `%` and
/// `_` typed in the box are searched for as themselves. Control characters
/// are left out: no name holds one, and PostgreSQL refuses NUL in text.
pub(crate) fn like_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for ch in search.chars().filter(|c| !c.is_control()) {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// The database's case-blind LIKE. SQLite's LIKE already ignores the case
/// of ASCII letters (its `lower()` folds no others), so wrapping both sides
/// in `lower()` there only costs two calls a row on a search that reads
/// every patient of a group; PostgreSQL's LIKE heeds case, its ILIKE does not.
pub(crate) fn case_blind_like(backend: super::Backend) -> &'static str {
    match backend {
        super::Backend::Sqlite => "LIKE",
        super::Backend::Postgres => "ILIKE",
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn typed_wildcards_are_searched_for_as_themselves() {
        assert_eq!(like_pattern("senior cat"), "%senior cat%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(like_pattern("Rex\0\n"), "%Rex%");
    }
}
