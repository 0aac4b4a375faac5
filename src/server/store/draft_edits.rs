//! Two desks on one draft: each page that opens a draft invoice or SOAP
//! plan gets the draft's revision and a mark of its own. A save or a
//! finalize from that page is refused once someone else has changed the
//! draft since, rather than overwrite their lines with the page's older
//! ones; the page's own saves (one may still be on its way when the next
//! leaves) are never another desk's change.

use rand::RngCore;

use super::Conn;
use crate::wire::desk::DraftEdit;
use crate::wire::error::AppError;

/// Which kind of draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Draft {
    Invoice,
    Soap,
}

impl Draft {
    fn table(self) -> &'static str {
        match self {
            Draft::Invoice => "invoices",
            Draft::Soap => "soap_notes",
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            Draft::Invoice => {
                "Another desk changed this invoice after this page opened it, and saving would undo their change. \
                 Reload the page to see it; what you typed stays on this screen until you do."
            }
            Draft::Soap => {
                "Someone else changed this SOAP plan after this page opened it, and saving would undo their \
                 change. Reload the page to see it; what you typed stays on this screen until you do."
            }
        }
    }
}

/// What a page opening the draft edits: its revision now and a new mark.
pub(crate) async fn open_for_edit(conn: &mut Conn, draft: Draft, id: i64) -> Result<DraftEdit, AppError> {
    let seen = revision(conn, draft, id).await?;
    let mut mark = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut mark);
    Ok(DraftEdit { seen, editor: mark.iter().map(|b| format!("{b:02x}")).collect() })
}

async fn revision(conn: &mut Conn, draft: Draft, id: i64) -> Result<i64, AppError> {
    let found: Option<i64> = sqlx::query_scalar(&format!("SELECT revision FROM {} WHERE id = $1", draft.table()))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    found.ok_or(AppError::Internal)
}

/// Refuses an edit from a page that opened the draft before someone else
/// changed it. No `edit` (a caller that does not say, such as the import):
/// nothing to compare. Returns the revision the change starts from.
pub(crate) async fn refuse_stale(
    conn: &mut Conn,
    draft: Draft,
    id: i64,
    edit: Option<&DraftEdit>,
) -> Result<i64, AppError> {
    let (now, last): (i64, Option<String>) =
        sqlx::query_as(&format!("SELECT revision, last_editor FROM {} WHERE id = $1", draft.table()))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::Internal)?;
    match edit {
        Some(edit) if now != edit.seen && last.as_deref() != Some(edit.editor.as_str()) => {
            Err(AppError::Conflict(draft.refusal().into()))
        }
        _ => Ok(now),
    }
}

/// A new revision of the draft: its lines changed, by `editor` (a page's
/// mark) or by no page (a check-out, a correction being made).
pub(crate) async fn changed(conn: &mut Conn, draft: Draft, id: i64, editor: Option<&str>) -> Result<(), AppError> {
    sqlx::query(&format!("UPDATE {} SET revision = revision + 1, last_editor = $1 WHERE id = $2", draft.table()))
        .bind(editor)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a change through the shared line writer (which marks it as no
/// page's), names the page that made it, if the revision moved.
pub(crate) async fn claim(
    conn: &mut Conn,
    draft: Draft,
    id: i64,
    from: i64,
    edit: Option<&DraftEdit>,
) -> Result<(), AppError> {
    let Some(edit) = edit else { return Ok(()) };
    sqlx::query(&format!("UPDATE {} SET last_editor = $1 WHERE id = $2 AND revision <> $3", draft.table()))
        .bind(&edit.editor)
        .bind(id)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
