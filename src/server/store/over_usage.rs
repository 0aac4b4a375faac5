//! Over-usage: when an invoice asks more of a plan than it has left, the
//! people the clinic named in its settings hear about it by email.

use super::outbox::queue;
use crate::domain::Coverage;
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::desk::DeskLine;
use crate::wire::error::AppError;

/// Who hears of an invoice's over-usage: the clinic's over-usage
/// recipients (a setting), read only when some line asked more of a plan
/// than it had left. Read before the invoice is numbered, so the finalizes
/// that take turns for the numbers wait for one statement fewer.
pub(crate) struct OverUsage<'a> {
    clinic: &'a ClinicInfo,
    recipients: Vec<String>,
}

impl<'a> OverUsage<'a> {
    pub(crate) async fn recipients(
        tx: &mut Conn,
        clinic: &'a ClinicInfo,
        coverage: &Coverage,
    ) -> Result<OverUsage<'a>, AppError> {
        let recipients = if coverage.over_limit().is_empty() {
            Vec::new()
        } else {
            let listed: String = sqlx::query_scalar("SELECT over_usage_emails FROM clinics WHERE id = $1")
                .bind(clinic.id)
                .fetch_one(&mut *tx)
                .await?;
            listed.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
        };
        Ok(OverUsage { clinic, recipients })
    }

    /// Emails the recipients, in the same transaction as the invoice, what
    /// the lines asked beyond their plans.
    pub(crate) async fn tell(
        &self,
        tx: &mut Conn,
        number: &str,
        lines: &[DeskLine],
        coverage: &Coverage,
    ) -> Result<(), AppError> {
        let over = coverage.over_limit();
        if over.is_empty() || self.recipients.is_empty() {
            return Ok(());
        }
        let clinic = self.clinic;
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
        for to in &self.recipients {
            queue(tx, clinic.organisation_id, to, &format!("Over-usage on invoice {number}"), &body).await?;
        }
        Ok(())
    }
}
