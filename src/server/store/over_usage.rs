//! Over-usage: when an invoice asks more of a plan than it has left, the
//! people the clinic named in its settings hear about it by email.

use super::outbox::queue;
use crate::domain::Coverage;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::desk::DeskLine;
use crate::wire::error::AppError;

/// Emails the clinic's over-usage recipients (a setting) when lines asked
/// more of a plan than it had left, in the same transaction as the invoice.
pub(crate) async fn tell(
    tx: &mut Conn,
    clinic: &ClinicInfo,
    number: &str,
    lines: &[DeskLine],
    coverage: &Coverage,
) -> Result<(), AppError> {
    let over = coverage.over_limit();
    if over.is_empty() {
        return Ok(());
    }
    let recipients: String = sqlx::query_scalar("SELECT over_usage_emails FROM clinics WHERE id = $1")
        .bind(clinic.id)
        .fetch_one(&mut *tx)
        .await?;
    let what: Vec<String> = over
        .iter()
        .filter_map(|(i, excess)| {
            let line = lines.get(*i)?;
            Some(format!(
                "- {}: {} beyond the plan, charged at regular price",
                line.item.name,
                line.item.units.describe(*excess)
            ))
        })
        .collect();
    let body = format!(
        "Invoice {number} at {} used more than a plan had left:\n\n{}\n\nThe plan's usage history shows the details.\n",
        clinic.name,
        what.join("\n")
    );
    for to in recipients.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        queue(tx, clinic.organisation_id, to, &format!("Over-usage on invoice {number}"), &body).await?;
    }
    Ok(())
}
