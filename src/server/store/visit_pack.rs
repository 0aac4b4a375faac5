//! The pack a visit holds a session of: whether it is the client's and
//! covers the service and the pet, how it stands, and a refusal in words.

use chrono::NaiveDate;

use super::payments::overdue_payments;
use super::subscriptions::client_plans_on;
use crate::domain::{HoldRefusal, PackBalance, SubscriptionStatus, pack_covers};
use crate::server::store::Conn;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::patients::PlanCard;

/// The pack a visit would hold a unit of, counted with every hold, and why
/// not: another client's pack, or one that does not cover the service or
/// the pet. Whether it may hold one more is
/// [`crate::domain::check_hold`]'s to say.
pub(crate) async fn pack_for_visit(
    conn: &mut Conn,
    client_id: i64,
    patient_id: i64,
    item: (i64, Option<i64>),
    pack_id: i64,
    on: NaiveDate,
) -> Result<(PlanCard, PackBalance), AppError> {
    let plans = client_plans_on(conn, client_id, on).await?;
    let card = plans
        .into_iter()
        .find(|p| p.subscription.id == pack_id)
        .ok_or_else(|| AppError::Invalid("That pack is not one of this client's; pick the pack again.".into()))?;
    let name = card.subscription.plan_name.clone();
    let balance = card.pack().ok_or_else(|| AppError::Invalid(format!("{name} is not a package or session pack.")))?;
    if !pack_covers(&card.subscription, item.0, item.1) {
        return Err(AppError::Invalid(format!("{name} does not cover this service; pick another pack or none.")));
    }
    if !card.subscription.applies_to(patient_id) {
        return Err(AppError::Invalid(format!("{name} is for another pet of the household.")));
    }
    Ok((card, balance))
}

/// How a pack stands for holding a booking: [`crate::domain::standing`],
/// with what it owes read from its payments.
pub(crate) async fn standing(
    conn: &mut Conn,
    clinic: &ClinicInfo,
    card: &PlanCard,
) -> Result<SubscriptionStatus, AppError> {
    let status = card.subscription.status;
    // Only an ended pack's standing turns on what it owes.
    if status != SubscriptionStatus::Expired {
        return Ok(status);
    }
    let owes = overdue_payments(conn, clinic, card.subscription.id).await? > 0;
    Ok(crate::domain::standing(status, clinic.past_due_usable, owes))
}

/// A pack's refusal to hold a session, in words: a stopped pack is refused
/// outright; one asked beyond what it allows names what a manager may
/// override.
pub(crate) fn hold_refusal_words(
    card: &PlanCard,
    balance: &PackBalance,
    refusal: HoldRefusal,
) -> Result<String, AppError> {
    let name = &card.subscription.plan_name;
    match refusal {
        // Ended, and stopped by what it owes (see [`standing`]).
        HoldRefusal::Stopped(SubscriptionStatus::PastDue)
            if card.subscription.status == SubscriptionStatus::Expired =>
        {
            Err(AppError::Conflict(format!(
                "{name} ended with a payment overdue; record the payment on the pack's page, or pick another pack."
            )))
        }
        HoldRefusal::Stopped(status) => {
            Err(AppError::Conflict(format!("{name} is {}; pick another pack.", status.label().to_lowercase())))
        }
        HoldRefusal::Beyond(refusal) => {
            let unit = card.pack_unit().unwrap_or("session");
            Ok(refusal.words(name, unit, balance.authorisation.as_ref()))
        }
    }
}
