//! The ledger postings a practice-system invoice made for a patient's item,
//! found by the start of their keys.

use super::ledger::{Posting, posting};
use crate::server::store::Conn;
use crate::wire::error::AppError;

/// The start of the ledger keys of what a practice-system invoice posted for
/// a patient's item. The invoice id is escaped, so an id holding a `:` can
/// never make one invoice's keys start like another's.
pub(crate) fn posting_key_prefix(organisation_id: i64, invoice_ref: &str, patient_id: i64, item_id: i64) -> String {
    let escaped;
    let invoice = if invoice_ref.contains(['%', ':']) {
        escaped = invoice_ref.replace('%', "%25").replace(':', "%3A");
        escaped.as_str()
    } else {
        invoice_ref
    };
    format!("pims:{organisation_id}:{invoice}:{patient_id}:{item_id}:")
}

/// The practice system's invoice id in a posting's key (see
/// [`posting_key_prefix`]), unescaped; `None` for any other key.
pub(crate) fn invoice_ref_of_key(key: &str) -> Option<String> {
    let mut parts = key.strip_prefix("pims:")?.split(':');
    let (_organisation, invoice) = (parts.next()?, parts.next()?);
    Some(invoice.replace("%3A", ":").replace("%25", "%"))
}

/// The postings whose key starts with `prefix` (see [`posting_key_prefix`]),
/// oldest first, with what each still holds.
pub(crate) async fn import_postings(conn: &mut Conn, prefix: &str) -> Result<Vec<Posting>, AppError> {
    // Keys starting with the prefix (which ends in `:`) sort from it up to
    // the same text ending in `;`, the next character: a range of the
    // ledger's unique key index instead of a scan of every import posting.
    let upper = format!("{};", prefix.strip_suffix(':').ok_or(AppError::Internal)?);
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM usage_ledger WHERE source_kind = 'import_line' AND reversal_of IS NULL
           AND source_key >= $1 AND source_key < $2 ORDER BY id",
    )
    .bind(prefix)
    .bind(upper)
    .fetch_all(&mut *conn)
    .await?;
    let mut postings = Vec::new();
    for id in ids {
        if let Some(found) = posting(conn, id).await? {
            postings.push(found);
        }
    }
    Ok(postings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invoice_id_reads_back_from_a_key_even_with_colons_and_percents() {
        for invoice in ["INV-1", "A:B", "50%:3A", "%3A"] {
            let key = format!("{}1:42", posting_key_prefix(7, invoice, 3, 9));
            assert_eq!(invoice_ref_of_key(&key).as_deref(), Some(invoice));
        }
        assert_eq!(invoice_ref_of_key("pims-back:12"), None);
        assert_eq!(invoice_ref_of_key("opening:3"), None);
    }
}
