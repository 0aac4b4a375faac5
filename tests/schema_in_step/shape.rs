//! A schema as both databases can describe it: what the store relies on,
//! in words that mean the same on SQLite and on PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

/// Tables by name.
pub type Schema = BTreeMap<String, Table>;

/// One table.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// In the order they were declared.
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub foreign_keys: BTreeSet<ForeignKey>,
    /// Every index but the primary key's, unique constraints included.
    pub indexes: BTreeSet<Index>,
    /// How many CHECK constraints it has (their text differs by database).
    pub checks: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// `integer` or `text`, the only two the store writes.
    pub kind: String,
    pub not_null: bool,
    /// Normalised: a literal without its cast, or `now` / `now_ms` for the
    /// time a row is written.
    pub default: Option<String>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub table: String,
    pub references: Vec<String>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    pub unique: bool,
    /// Columns, or `lower(column)` for a key that ignores case.
    pub keys: Vec<String>,
    /// A partial index's condition, normalised by [`condition`].
    pub predicate: Option<String>,
}

/// The kind of a declared type.
pub fn kind(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer".into(),
        "text" => "text".into(),
        other => other.into(),
    }
}

/// A default as both databases mean it.
pub fn default(raw: Option<&str>) -> Option<String> {
    let raw = raw?.trim();
    if raw.contains("strftime(") {
        return Some(if raw.contains("%f") { "now_ms" } else { "now" }.into());
    }
    if raw.contains("carecount_now_ms()") {
        return Some("now_ms".into());
    }
    if raw.contains("carecount_now()") {
        return Some("now".into());
    }
    Some(raw.trim_start_matches('(').trim_end_matches(')').replace("::text", "").replace("::bigint", ""))
}

/// A condition in one spelling: lower case, without the brackets and casts
/// PostgreSQL adds when it prints one back.
pub fn condition(raw: &str) -> String {
    let plain = raw.to_ascii_lowercase().replace("::text", "").replace(['(', ')'], " ");
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses `FOREIGN KEY (a, b) REFERENCES t(x, y)` as PostgreSQL prints it.
pub fn foreign_key(definition: &str) -> ForeignKey {
    let list = |text: &str| text.split(',').map(|c| c.trim().trim_matches('"').to_string()).collect::<Vec<_>>();
    let after = definition.strip_prefix("FOREIGN KEY (").unwrap_or_else(|| panic!("a foreign key: {definition}"));
    let (columns, rest) = after.split_once(") REFERENCES ").unwrap_or_else(|| panic!("a foreign key: {definition}"));
    let (table, rest) = rest.split_once('(').unwrap_or_else(|| panic!("a foreign key: {definition}"));
    let references = rest.split_once(')').map(|(r, _)| r).unwrap_or(rest);
    ForeignKey { columns: list(columns), table: table.trim().to_string(), references: list(references) }
}

/// How many CHECK constraints a CREATE TABLE statement declares.
pub fn checks_in(create_table: &str) -> usize {
    let lower = create_table.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    lower
        .match_indices("check")
        .filter(|(at, _)| {
            let before_is_word = *at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
            let rest = lower[at + 5..].trim_start();
            !before_is_word && rest.starts_with('(')
        })
        .count()
}

/// What differs between two schemas, one line each; empty when they match.
pub fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    for name in sqlite.keys().chain(postgres.keys()).collect::<BTreeSet<_>>() {
        match (sqlite.get(name), postgres.get(name)) {
            (Some(_), None) => found.push(format!("table {name}: only in migrations/sqlite")),
            (None, Some(_)) => found.push(format!("table {name}: only in migrations/postgres")),
            (Some(s), Some(p)) => table_differences(name, s, p, &mut found),
            (None, None) => unreachable!(),
        }
    }
    found
}

fn table_differences(name: &str, s: &Table, p: &Table, found: &mut Vec<String>) {
    let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    if names(s) != names(p) {
        found.push(format!("{name}: columns {:?} on SQLite, {:?} on PostgreSQL", names(s), names(p)));
    }
    for column in &s.columns {
        if let Some(other) = p.columns.iter().find(|c| c.name == column.name)
            && other != column
        {
            found.push(format!("{name}.{}: {column:?} on SQLite, {other:?} on PostgreSQL", column.name));
        }
    }
    if s.primary_key != p.primary_key {
        found.push(format!("{name}: primary key {:?} on SQLite, {:?} on PostgreSQL", s.primary_key, p.primary_key));
    }
    for fk in s.foreign_keys.symmetric_difference(&p.foreign_keys) {
        let side = if s.foreign_keys.contains(fk) { "SQLite" } else { "PostgreSQL" };
        found.push(format!("{name}: foreign key {fk:?} only on {side}"));
    }
    for index in s.indexes.symmetric_difference(&p.indexes) {
        let side = if s.indexes.contains(index) { "SQLite" } else { "PostgreSQL" };
        found.push(format!("{name}: index {index:?} only on {side}"));
    }
    if s.checks != p.checks {
        found.push(format!("{name}: {} CHECK constraints on SQLite, {} on PostgreSQL", s.checks, p.checks));
    }
}
