//! The frame around every clinic page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::account::{SignOut, switch_clinic, who_am_i};
use crate::api::error::AppError;
use crate::domain::{Permission, Role, allows};
use crate::ui::post_form::PostForm;

/// Top bar: product mark, the signed-in person's navigation, sign-out.
#[component]
pub fn AppHeader() -> impl IntoView {
    // Asked again after each navigation: signing in or out moves to another
    // page without reloading this header.
    let location = leptos_router::hooks::use_location();
    let me = Resource::new(move || location.pathname.get(), |_| who_am_i());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✚"</span>
                <span class="brand-name">"CareCount"</span>
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| {
                        let manager = allows(me.role, Permission::ManageSettings);
                        let owner = me.role == Role::Owner;
                        view! {
                            <nav class="topnav" aria-label="Main">
                                {owner.then(|| view! { <A href="/portal">"My pets' plans"</A> })}
                                {(!owner).then(|| view! {
                                    <A href="/" exact=true>"Patients"</A>
                                    <A href="/schedule">"Schedule"</A>
                                    <A href="/daycare">"Daycare"</A>
                                    <A href="/lists">"Plans & payments"</A>
                                })}
                                {manager.then(|| view! {
                                    <A href="/templates">"Templates"</A>
                                    <A href="/staff">"Staff"</A>
                                    <A href="/sync">"Sync"</A>
                                    <A href="/settings">"Settings"</A>
                                })}
                            </nav>
                            {(!me.clinics.is_empty()).then(|| {
                                let current = me.clinic_id;
                                view! {
                                    <select class="clinic-switch" aria-label="Clinic" data-test="clinic-switch" on:change=move |ev| {
                                        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                                            leptos::task::spawn_local(async move {
                                                if switch_clinic(id).await.is_ok() {
                                                    let _ = window().location().reload();
                                                }
                                            });
                                        }
                                    }>
                                        {me.clinics.iter().map(|(id, name)| view! {
                                            <option value=id.to_string() selected=*id == current>{name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                }
                            })}
                            <div class="who">
                                <span class="who-name" data-test="signed-in-as">{me.name.clone()}</span>
                                <span class="who-role">{me.role.label()}</span>
                                <PostForm action=sign_out read=|_| Some(SignOut {}) class="sign-out">
                                    <button class="link-button plain" type="submit" data-test="sign-out">"Sign out"</button>
                                </PostForm>
                            </div>
                        }
                    })
                })}
            </Transition>
        </header>
    }
}

/// A failed load, said plainly, with the way back.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let title = match &error {
        AppError::NotFound(_) => "Not found",
        AppError::Unauthorized | AppError::Forbidden => "No access",
        _ => "Something went wrong",
    };
    view! {
        <section class="panel error-panel" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            {if error == AppError::Unauthorized {
                view! { <a class="button" href="/login">"Sign in"</a> }.into_any()
            } else {
                view! { <a class="button" href="/">"Back to patients"</a> }.into_any()
            }}
        </section>
    }
}

/// The page for an unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! { <ErrorPanel error=AppError::NotFound("There is no page at this address.".into())/> }
}
