//! What every loaded page shares: the route's id, and showing either the
//! page or a clear error.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::error::AppError;
use crate::ui::layout::ErrorPanel;

/// The route's `:id` as a number, or a "not found" that says what an id is.
pub fn route_id(what: &'static str) -> impl Fn() -> Result<i64, AppError> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| AppError::NotFound(format!("{what} number is a whole number, such as /12.")))
    }
}

/// The page when it loaded, else the error panel.
pub fn loaded<T, V: IntoView + 'static>(result: Result<T, AppError>, page: impl FnOnce(T) -> V) -> AnyView {
    match result {
        Ok(value) => page(value).into_any(),
        Err(error) => view! { <Title text="Not found"/><ErrorPanel error/> }.into_any(),
    }
}
