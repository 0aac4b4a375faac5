//! Usage sync from a practice system (managers): the sync page, mappings,
//! applying exceptions again, and the over-usage review.

use leptos::prelude::*;

use super::error::AppError;
pub use crate::wire::sync::*;

/// The sync page: the run just made, the history, over-usage and exceptions.
#[server(prefix = "/api", endpoint = "sync", output = crate::api::codec::JsonText)]
pub async fn load_sync_page(
    run: Option<i64>,
    filter: OverUsageFilter,
    #[server(default)] exceptions_page: u32,
) -> Result<SyncPage, AppError> {
    use crate::domain::Permission;
    use crate::server::clinic_clock::OnClinicClock;
    use crate::server::{error::reply, state::app_state};
    use crate::wire::paging::PER_PAGE;
    reply(
        async {
            for (label, date) in [("From", &filter.from), ("Until", &filter.until)] {
                if let Some(date) = date.as_deref().filter(|d| !d.is_empty()) {
                    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
                        AppError::Invalid(format!("{label}: \"{date}\" is not a date; write it as 2026-11-23."))
                    })?;
                }
            }
            let filter = OverUsageFilter {
                from: filter.from.filter(|d| !d.is_empty()),
                until: filter.until.filter(|d| !d.is_empty()),
                ..filter
            };
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            let store = &state.store;
            let org = clinic.organisation_id;
            let zone = clinic.time_zone.as_str();
            let shown_run = match run {
                Some(id) => Some(store.sync_run(org, id).await?.on_clinic_clock(zone)),
                None => None,
            };
            let [items, plans] = store.sync_choices(org).await?;
            let (over_usage, over_usage_paging) = store.over_usage(org, clinic.id, &filter, PER_PAGE).await?;
            let (exceptions, exceptions_paging) =
                store.sync_exceptions(org, clinic.id, exceptions_page, PER_PAGE).await?;
            let (prefix, folder) = store.import_settings(clinic.id).await?;
            Ok(SyncPage {
                clinic_name: clinic.name.clone(),
                prefix,
                folder,
                max_file_mib: crate::server::import::MAX_FILE_BYTES / (1024 * 1024),
                shown_run,
                runs: store.sync_runs(org, 50).await?.on_clinic_clock(zone),
                over_usage,
                over_usage_paging,
                exceptions,
                exceptions_paging,
                items,
                plans,
                tokens: store.api_tokens(org).await?.on_clinic_clock(zone),
            })
        }
        .await,
    )
}

/// Maps a practice-system code to a catalog item.
#[server(prefix = "/api", endpoint = "sync/map-code", output = crate::api::codec::JsonText)]
pub async fn map_sync_code(code: String, item_id: i64) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            state.store.map_code(clinic.organisation_id, &code, item_id).await
        }
        .await,
    )
}

/// Maps a practice-system patient id to a patient.
#[server(prefix = "/api", endpoint = "sync/map-patient", output = crate::api::codec::JsonText)]
pub async fn map_sync_patient(pims_id: String, patient_id: i64) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            state.store.map_patient(clinic.organisation_id, &pims_id, patient_id).await
        }
        .await,
    )
}

/// Applies again every line that waited for a mapping.
#[server(prefix = "/api", endpoint = "sync/retry", output = crate::api::codec::JsonText)]
pub async fn retry_sync() -> Result<RetryOutcome, AppError> {
    use crate::domain::Permission;
    use crate::server::store::sync::Batch;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageSettings).await?;
            let batch = Batch {
                organisation_id: clinic.organisation_id,
                clinic_id: clinic.id,
                source: SyncSource::Retry,
                file_name: "",
                actor: &actor,
            };
            state.store.retry_exceptions(&batch).await
        }
        .await,
    )
}

/// Closes a line that needs a person but no mapping, with a note.
#[server(prefix = "/api", endpoint = "sync/exception/dismiss", output = crate::api::codec::JsonText)]
pub async fn dismiss_sync_exception(id: i64, note: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageSettings).await?;
            state.store.dismiss_exception((clinic.organisation_id, clinic.id), id, &note, &actor).await
        }
        .await,
    )
}

/// Marks over-usage addressed: `approve` keeps the use, `remove` gives it
/// back; both with a note.
#[server(prefix = "/api", endpoint = "sync/over-usage", output = crate::api::codec::JsonText)]
pub async fn decide_over_usage(id: i64, decision: String, note: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::store::sync_report::Decision;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let decision = match decision.as_str() {
                "approve" => Decision::Approve,
                "remove" => Decision::Remove,
                _ => return Err(AppError::Invalid("Choose approve or remove.".into())),
            };
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageSettings).await?;
            state.store.decide_over_usage(clinic.organisation_id, id, decision, &note, &actor).await
        }
        .await,
    )
}

/// Sets the folder on the server this clinic's exports are pulled from.
#[server(prefix = "/api", endpoint = "sync/folder", output = crate::api::codec::JsonText)]
pub async fn save_sync_folder(folder: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, import::folder::check_folder, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            let folder = check_folder(&folder, state.sync_root.as_deref().map(|r| r.as_path()))?;
            state.store.set_sync_folder(clinic.organisation_id, clinic.id, &folder).await
        }
        .await,
    )
}

/// Pulls the clinic's folder now rather than at the next round.
#[server(prefix = "/api", endpoint = "sync/now", output = crate::api::codec::JsonText)]
pub async fn sync_now() -> Result<Vec<SyncRun>, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, import::folder::pull, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            let (_, folder) = state.store.import_settings(clinic.id).await?;
            if folder.is_empty() {
                return Err(AppError::Invalid(
                    "Name the folder your practice system exports to first; then Sync now reads it.".into(),
                ));
            }
            pull(&state.store, clinic.organisation_id, clinic.id, std::path::Path::new(&folder)).await
        }
        .await,
    )
}

/// Makes a token for the integration API; the answer is the only time the
/// token is shown.
#[server(prefix = "/api", endpoint = "sync/token", output = crate::api::codec::JsonText)]
pub async fn create_api_token(name: String) -> Result<String, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let (clinic, actor) = state.staff(Permission::ManageSettings).await?;
            state.store.create_api_token(clinic.organisation_id, clinic.id, &name, &actor).await
        }
        .await,
    )
}

/// Revokes a token of the integration API.
#[server(prefix = "/api", endpoint = "sync/token/revoke", output = crate::api::codec::JsonText)]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            state.store.revoke_api_token(clinic.organisation_id, id).await
        }
        .await,
    )
}

/// Mappings whose code, id or name holds `search`.
#[server(prefix = "/api", endpoint = "sync/mappings", output = crate::api::codec::JsonText)]
pub async fn sync_mappings(search: String) -> Result<Mappings, AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            state.store.sync_mappings(clinic.organisation_id, &search).await
        }
        .await,
    )
}

/// Removes a code's or a patient id's mapping (`kind` is code or patient).
#[server(prefix = "/api", endpoint = "sync/unmap", output = crate::api::codec::JsonText)]
pub async fn unmap_sync(kind: String, key: String) -> Result<(), AppError> {
    use crate::domain::Permission;
    use crate::server::{error::reply, state::app_state};
    reply(
        async {
            let state = app_state()?;
            let clinic = state.staff_clinic(Permission::ManageSettings).await?;
            match kind.as_str() {
                "code" => state.store.unmap_code(clinic.organisation_id, &key).await,
                "patient" => state.store.unmap_patient(clinic.organisation_id, &key).await,
                _ => Err(AppError::Invalid("Choose code or patient.".into())),
            }
        }
        .await,
    )
}
