//! Hold, resume and renew a plan.

use leptos::prelude::*;

use super::error::AppError;

/// Puts a plan on hold; a note says why.
#[server(prefix = "/api", endpoint = "plan/hold", output = crate::api::codec::JsonText)]
pub async fn hold_plan(id: i64, note: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.hold_plan(&clinic, id, &note, &actor).await
        }
        .await,
    )
}

/// Ends a hold; the term is extended by the days held.
#[server(prefix = "/api", endpoint = "plan/resume", output = crate::api::codec::JsonText)]
pub async fn resume_plan(id: i64) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.resume_plan(&clinic, id, &actor).await
        }
        .await,
    )
}

/// Renews a plan into the same template, or another; returns the new plan.
#[server(prefix = "/api", endpoint = "plan/renew", output = crate::api::codec::JsonText)]
pub async fn renew_plan(id: i64, template_id: Option<i64>) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::SellPlans).await?;
            state.store.renew_plan(&clinic, id, template_id, &actor).await
        }
        .await,
    )
}
