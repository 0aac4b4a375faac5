//! A plan's lifecycle state as stored, and the one way a status is
//! written: read the state, ask the domain's `transition`, store exactly
//! what it returns. No other SQL sets a plan's status.

use chrono::NaiveDate;

use super::Store;
use crate::domain::{Change, PlanState, Step, SubscriptionStatus, transition};
use crate::server::store::Conn;
use crate::wire::error::AppError;
use crate::wire::stored::{Day, Flag};

/// An SQL list of these statuses' codes, such as `('active', 'past_due')`.
/// The codes are the domain's constants, never input, so formatting them
/// into a statement is safe.
pub(crate) fn status_list(statuses: impl IntoIterator<Item = SubscriptionStatus>) -> String {
    let codes: Vec<String> = statuses.into_iter().map(|s| format!("'{}'", s.code())).collect();
    format!("({})", codes.join(", "))
}

/// The SQL list of the statuses of a running plan, from the domain's
/// [`SubscriptionStatus::RUNNING`].
pub(crate) fn running() -> String {
    status_list(SubscriptionStatus::RUNNING)
}

/// The SQL condition "plan `alias` is in force on the day bound as
/// `day_param`" (such as `?2`): the domain's [`crate::domain::in_force`],
/// for reads that count plans across a whole organisation.
pub(crate) fn in_force_condition(alias: &str, day_param: &str, past_due_usable: bool) -> String {
    let statuses = status_list(SubscriptionStatus::usable(past_due_usable).iter().copied());
    format!(
        "({alias}.status IN {statuses} AND {alias}.starts_on <= {day_param}
          AND ({alias}.ends_on IS NULL OR {day_param} <= {alias}.ends_on))"
    )
}

/// A plan's lifecycle state; `None` when there is no such plan.
pub(crate) async fn load_state(conn: &mut Conn, id: i64) -> Result<Option<PlanState>, AppError> {
    let row: Option<(String, Option<String>, Flag)> =
        sqlx::query_as("SELECT status, hold_prior_status, held_for_death FROM subscriptions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((status, before, Flag(for_death))) = row else { return Ok(None) };
    let read = |code: &str| SubscriptionStatus::from_code(code);
    let state = read(&status).and_then(|status| match before.as_deref() {
        None => PlanState::stored(status, None, for_death),
        Some(code) => PlanState::stored(status, Some(read(code)?), for_death),
    });
    match state {
        Some(state) => Ok(Some(state)),
        None => {
            tracing::error!(plan = id, status, ?before, for_death, "a plan's stored lifecycle columns disagree");
            Err(AppError::Internal)
        }
    }
}

/// Takes `step` on plan `id`: the new state is stored and returned, or the
/// refusal in words comes back and nothing is written. A hold's start day
/// is set when a hold begins and cleared when it ends.
pub(crate) async fn take_step(
    conn: &mut Conn,
    id: i64,
    step: Step,
    today: NaiveDate,
) -> Result<Result<Change, String>, AppError> {
    let from = load_state(conn, id).await?.ok_or(AppError::Internal)?;
    let outcome = match transition(from, step) {
        Ok(outcome) => outcome,
        Err(why) => return Ok(Err(why)),
    };
    let hold = outcome.state.hold();
    sqlx::query(
        "UPDATE subscriptions SET status = $1, hold_prior_status = $2, held_for_death = $3,
                hold_from = CASE WHEN $4 = 1 THEN COALESCE(hold_from, $5) END
         WHERE id = $6",
    )
    .bind(outcome.state.status().code())
    .bind(hold.map(|h| h.before.code()))
    .bind(Flag(outcome.state.held_for_death()))
    .bind(Flag(hold.is_some()))
    .bind(Day(today))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(outcome))
}

impl Store {
    /// A plan's lifecycle state, for the plan page's buttons.
    pub async fn plan_lifecycle(&self, organisation_id: i64, id: i64) -> Result<PlanState, AppError> {
        let mut conn = self.reader().acquire().await?;
        let ours: Option<i64> =
            sqlx::query_scalar("SELECT id FROM subscriptions WHERE id = $1 AND organisation_id = $2")
                .bind(id)
                .bind(organisation_id)
                .fetch_optional(&mut *conn)
                .await?;
        let state = match ours {
            Some(_) => load_state(&mut conn, id).await?,
            None => None,
        };
        state.ok_or_else(|| AppError::NotFound(format!("There is no plan number {id} in this clinic.")))
    }
}

/// [`take_step`] where a refusal answers the request (409 with the words).
pub(crate) async fn require_step(conn: &mut Conn, id: i64, step: Step, today: NaiveDate) -> Result<Change, AppError> {
    take_step(conn, id, step, today).await?.map_err(AppError::Conflict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lists_come_from_the_domain() {
        assert_eq!(running(), "('pending', 'active', 'on_hold', 'past_due')");
        assert_eq!(status_list([SubscriptionStatus::Expired]), "('expired')");
    }
}
