//! Reads the shape of a PostgreSQL database from its catalogue.

use sqlx::PgConnection;

use super::shape::{self, Column, Index, Schema, Table};

pub async fn read(conn: &mut PgConnection) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables
         WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations' ORDER BY tablename",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in tables {
        let table = Table {
            columns: columns(conn, &name).await,
            primary_key: primary_key(conn, &name).await,
            foreign_keys: constraints(conn, &name, "f").await.iter().map(|d| shape::foreign_key(d)).collect(),
            indexes: indexes(conn, &name).await.into_iter().collect(),
            checks: constraints(conn, &name, "c").await.len(),
        };
        schema.insert(name, table);
    }
    schema
}

async fn columns(conn: &mut PgConnection, table: &str) -> Vec<Column> {
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_nullable::text, column_default::text
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(name, declared, nullable, default)| Column {
            name,
            kind: shape::kind(&declared),
            not_null: nullable == "NO",
            default: shape::default(default.as_deref()),
        })
        .collect()
}

async fn primary_key(conn: &mut PgConnection, table: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT a.attname::text
         FROM pg_constraint c
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
         WHERE c.conrelid = $1::regclass AND c.contype = 'p'
         ORDER BY k.position",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

/// The definitions of a table's constraints of one type, as PostgreSQL
/// prints them.
async fn constraints(conn: &mut PgConnection, table: &str, kind: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint
         WHERE conrelid = $1::regclass AND contype = $2::\"char\" ORDER BY conname",
    )
    .bind(table)
    .bind(kind)
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

/// The B-tree indexes, those SQLite has too: the trigram indexes of a
/// search (migrations/postgres/0004) are PostgreSQL's own.
async fn indexes(conn: &mut PgConnection, table: &str) -> Vec<Index> {
    let listed: Vec<(bool, i16, Option<String>, Vec<String>)> = sqlx::query_as(
        "SELECT i.indisunique, i.indnkeyatts, pg_get_expr(i.indpred, i.indrelid),
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k)
         FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am a ON a.oid = x.relam
         WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND a.amname = 'btree'",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    listed
        .into_iter()
        .map(|(unique, _, predicate, keys)| Index {
            unique,
            keys: keys.into_iter().map(|k| k.trim_matches('"').to_string()).collect(),
            predicate: predicate.as_deref().map(shape::condition),
        })
        .collect()
}
