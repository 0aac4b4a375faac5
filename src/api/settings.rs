//! Organisation and clinic settings (managers).

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::settings::*;

/// The settings page's data.
#[server(prefix = "/api", endpoint = "settings", output = crate::api::codec::JsonText)]
pub async fn load_settings() -> Result<SettingsPage, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            state.store.settings_page(clinic.organisation_id).await
        }
        .await,
    )
}

/// Saves a clinic's settings, or adds a clinic when `id` is 0.
#[server(prefix = "/api", endpoint = "settings/clinic", output = crate::api::codec::JsonText)]
pub async fn save_clinic(
    id: i64,
    name: String,
    currency: String,
    time_zone: String,
    member_tag_label: String,
    import_code_prefix: String,
    over_usage_emails: String,
) -> Result<i64, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageSettings).await?;
            let input = ClinicSettings {
                id,
                name,
                currency,
                time_zone,
                member_tag_label,
                import_code_prefix,
                over_usage_emails,
            };
            state.store.save_clinic(clinic.organisation_id, input, &actor).await
        }
        .await,
    )
}

/// Saves the organisation's plan rules.
#[server(prefix = "/api", endpoint = "settings/rules", output = crate::api::codec::JsonText)]
pub async fn save_rules(
    cancellation_fee: String,
    cooling_off_days: String,
    max_hold_days: String,
    past_due_grace_days: String,
    past_due_usable: Option<String>,
    renewal_lead_days: String,
) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageSettings).await?;
            let days = |text: &str, what: &str, max: i64| -> Result<i64, AppError> {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (0..=max).contains(d))
                    .ok_or_else(|| AppError::Invalid(format!("{what} is a whole number of days from 0 to {max}.")))
            };
            let rules = PlanRules {
                cancellation_fee: cancellation_fee.trim().to_string(),
                cooling_off_days: days(&cooling_off_days, "The cooling-off period", 90)?,
                max_hold_days: days(&max_hold_days, "The longest hold", 365)?,
                past_due_grace_days: days(&past_due_grace_days, "The grace period", 90)?,
                past_due_usable: past_due_usable.is_some(),
                renewal_lead_days: days(&renewal_lead_days, "The renewal lead time", 120)?,
            };
            state.store.save_rules(clinic.organisation_id, &clinic.currency, rules, &actor).await
        }
        .await,
    )
}
