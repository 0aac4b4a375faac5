//! What the two databases spell differently, in one place. Every other
//! statement is written once for both (see [`super::Db`]).

use sqlx::{Execute, QueryBuilder};

use super::{Conn, Db};

/// The `Any` driver's arguments.
pub(crate) type Args<'q> = <Db as sqlx::Database>::Arguments<'q>;

/// True when `conn` is a PostgreSQL connection.
pub(crate) fn on_postgres(conn: &Conn) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

/// A statement from a `QueryBuilder`, for PostgreSQL with its `?`
/// placeholders numbered `$1`, `$2`, … in order: the `Any` driver's builder
/// writes `?`, which PostgreSQL does not read. SQLite keeps `?`: it looks
/// each numbered name up in a list, and a bulk insert of thousands of
/// values spent most of its time there.
pub(crate) fn numbered<'a>(
    builder: &'a mut QueryBuilder<'a, Db>,
    postgres: bool,
) -> Result<(String, Args<'a>), sqlx::Error> {
    let mut query = builder.build();
    let sql = if postgres { number_placeholders(query.sql()) } else { query.sql().to_string() };
    let args = query.take_arguments().map_err(sqlx::Error::Encode)?.unwrap_or_default();
    Ok((sql, args))
}

/// A statement written with `?` placeholders, as the backend takes it.
pub(crate) fn placeholders_for(sql: String, postgres: bool) -> String {
    if postgres { number_placeholders(&sql) } else { sql }
}

/// Adds a value to a statement's arguments.
pub(crate) fn add<'q, T>(args: &mut Args<'q>, value: T) -> Result<(), sqlx::Error>
where
    T: 'q + sqlx::Encode<'q, Db> + sqlx::Type<Db>,
{
    sqlx::Arguments::add(args, value).map_err(sqlx::Error::Encode)
}

/// `?` outside quoted text becomes `$1`, `$2`, …
fn number_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + sql.len() / 8);
    let (mut n, mut quoted) = (0, false);
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// A statement aggregating rows into one JSON array of arrays, written with
/// SQLite's `json_group_array` and `json_array`: PostgreSQL spells them
/// `json_agg` and `json_build_array` (the `ORDER BY` inside the aggregate
/// and the cast to text read alike).
pub(crate) fn json_arrays(conn: &Conn, sql: &str) -> String {
    if on_postgres(conn) {
        sql.replace("json_group_array(", "json_agg(").replace("json_array(", "json_build_array(")
    } else {
        sql.to_string()
    }
}

/// Day arithmetic for statements that make many rows at once (the demo at
/// a group's size), on days kept as `YYYY-MM-DD` text.
pub(crate) struct Days {
    postgres: bool,
}

impl Days {
    /// The spelling for `conn`'s database.
    pub(crate) fn of(conn: &Conn) -> Days {
        Days { postgres: on_postgres(conn) }
    }

    /// The day `days` (an integer expression, negative for earlier) after
    /// `day`.
    pub(crate) fn plus(&self, day: &str, days: &str) -> String {
        if self.postgres {
            format!("CAST(CAST({day} AS DATE) + CAST({days} AS INTEGER) AS TEXT)")
        } else {
            format!("date({day}, ({days}) || ' days')")
        }
    }

    /// The day `months` calendar months after `day`.
    pub(crate) fn plus_months(&self, day: &str, months: &str) -> String {
        if self.postgres {
            format!(
                "CAST(CAST(CAST({day} AS DATE) + make_interval(months => CAST({months} AS INTEGER)) AS DATE) AS TEXT)"
            )
        } else {
            format!("date({day}, ({months}) || ' months')")
        }
    }

    /// Whole days from `earlier` to `later`, at least one.
    pub(crate) fn between_at_least_one(&self, earlier: &str, later: &str) -> String {
        if self.postgres {
            format!("GREATEST(1, CAST({later} AS DATE) - CAST({earlier} AS DATE))")
        } else {
            format!("max(1, CAST(julianday({later}) - julianday({earlier}) AS INTEGER))")
        }
    }
}

/// After rows were written with explicit ids (the demo), PostgreSQL's
/// identity columns would hand out those ids again: each is moved past the
/// largest id its table holds (the next is one past it, or 1 for an empty
/// table, as SQLite hands out).
pub async fn realign_ids(conn: &mut Conn) -> Result<(), sqlx::Error> {
    if !on_postgres(conn) {
        return Ok(());
    }
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(table_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'",
    )
    .fetch_all(&mut *conn)
    .await?;
    for table in tables {
        sqlx::query(&format!(
            "SELECT CAST(setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) AS BIGINT)
             FROM {table}"
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::number_placeholders;

    #[test]
    fn placeholders_are_numbered_in_order_outside_quoted_text() {
        assert_eq!(
            number_placeholders("SELECT '?' || x FROM t WHERE a = ? AND b IN (?, ?)"),
            "SELECT '?' || x FROM t WHERE a = $1 AND b IN ($2, $3)"
        );
    }
}
