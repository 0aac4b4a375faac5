//! Reads the shape of a SQLite database from its catalogue and pragmas.

use std::collections::BTreeMap;

use sqlx::SqliteConnection;

use super::shape::{self, Column, ForeignKey, Index, Schema, Table};

pub async fn read(conn: &mut SqliteConnection) -> Schema {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name, sql) in tables {
        let table = Table {
            columns: columns(conn, &name).await,
            primary_key: primary_key(conn, &name).await,
            foreign_keys: foreign_keys(conn, &name).await.into_iter().collect(),
            indexes: indexes(conn, &name).await.into_iter().collect(),
            checks: shape::checks_in(&sql),
        };
        schema.insert(name, table);
    }
    schema
}

async fn columns(conn: &mut SqliteConnection, table: &str) -> Vec<Column> {
    let rows: Vec<(String, String, bool, Option<String>, i64)> =
        sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(name, declared, not_null, default, pk)| Column {
            name,
            kind: shape::kind(&declared),
            // An INTEGER PRIMARY KEY is the row id: never null, though the
            // pragma does not say so.
            not_null: not_null || pk > 0,
            default: shape::default(default.as_deref()),
        })
        .collect()
}

async fn primary_key(conn: &mut SqliteConnection, table: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk")
        .bind(table)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

async fn foreign_keys(conn: &mut SqliteConnection, table: &str) -> Vec<ForeignKey> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($1) ORDER BY id, seq")
            .bind(table)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
    for (id, parent, from, to) in rows {
        let key = by_id.entry(id).or_insert_with(|| ForeignKey { columns: vec![], table: parent, references: vec![] });
        key.columns.push(from);
        key.references.push(to);
    }
    by_id.into_values().collect()
}

async fn indexes(conn: &mut SqliteConnection, table: &str) -> Vec<Index> {
    let listed: Vec<(String, bool, String, bool)> =
        sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1) WHERE origin <> 'pk'")
            .bind(table)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let mut indexes = Vec::new();
    for (name, unique, _origin, partial) in listed {
        let keys: Vec<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT name, coll FROM pragma_index_xinfo($1) WHERE key = 1 ORDER BY seqno")
                .bind(&name)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        // An expression key has no column name: it is read as written in
        // the index's statement, as PostgreSQL prints it.
        let written = if keys.iter().any(|(column, _)| column.is_none()) {
            written_keys(&index_sql(conn, &name).await)
        } else {
            Vec::new()
        };
        let keys = keys
            .into_iter()
            .enumerate()
            .map(|(n, (column, collation))| {
                let column = column
                    .or_else(|| written.get(n).cloned())
                    .unwrap_or_else(|| panic!("index {name}: its key {n} is an expression the test cannot read"));
                match collation.as_deref() {
                    Some(c) if c.eq_ignore_ascii_case("nocase") => format!("lower({column})"),
                    _ => column,
                }
            })
            .collect();
        let predicate = if partial { Some(predicate_of(conn, &name).await) } else { None };
        indexes.push(Index { unique, keys, predicate });
    }
    indexes
}

/// The statement that created an index.
async fn index_sql(conn: &mut SqliteConnection, index: &str) -> String {
    sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
        .bind(index)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// The keys between the parentheses after `ON table`, split at the commas
/// outside any inner parentheses.
fn written_keys(sql: &str) -> Vec<String> {
    let after_on = &sql[sql.to_ascii_uppercase().find(" ON ").expect("ON") + 4..];
    let open = after_on.find('(').expect("(");
    let (mut depth, mut keys, mut key) = (0, Vec::new(), String::new());
    for c in after_on[open + 1..].chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                keys.push(key.trim().to_string());
                key.clear();
                continue;
            }
            _ => {}
        }
        key.push(c);
    }
    keys.push(key.trim().to_string());
    keys
}

/// The condition of a partial index, from the statement that created it.
async fn predicate_of(conn: &mut SqliteConnection, index: &str) -> String {
    let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
        .bind(index)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat.to_ascii_uppercase().rfind(" WHERE ").unwrap_or_else(|| panic!("{index} is partial: {sql}"));
    shape::condition(&flat[at + " WHERE ".len()..])
}
