//! Lifecycle buttons on the plan page: hold, resume, renew.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::lifecycle::{hold_plan, renew_plan, resume_plan};
use crate::domain::{PlanState, Step, transition};

/// The steps this plan may take now, as the lifecycle says; a plan whose
/// next term is sold already (`renewed`) is not offered another.
#[component]
pub fn LifecyclePanel(subscription_id: i64, state: PlanState, renewed: bool, version: RwSignal<u32>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let may = |step| transition(state, step).is_ok();
    let report = move |result: Result<(), crate::api::error::AppError>| match result {
        Ok(()) => version.update(|v| *v += 1),
        Err(e) => problem.set(Some(e.to_string())),
    };
    let hold = move |_| spawn_local(async move { report(hold_plan(subscription_id, note.get_untracked()).await) });
    let resume = move |_| spawn_local(async move { report(resume_plan(subscription_id).await) });
    let renew = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match renew_plan(subscription_id, None).await {
                Ok(id) => navigate(&format!("/plans/{id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="panel lifecycle" data-test="lifecycle">
            <h3 class="panel-title">"Plan status"</h3>
            {state.held_for_death().then(|| view! {
                <p class="muted small" data-test="held-for-death">"On hold because its patient died. It is not resumed; \
                    what is left can move to another pet of the household from the pet's page."</p>
            })}
            <div class="actions">
                {may(Step::Hold).then(|| view! {
                    <input class="reason" type="text" placeholder="Why put it on hold? (required)" data-test="hold-note"
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button class="button secondary" data-test="hold" on:click=hold>"Put on hold"</button>
                })}
                {may(Step::Resume).then(|| view! { <button class="button" data-test="resume" on:click=resume>"Resume"</button> })}
                {(may(Step::Renew) && !renewed).then(|| view! { <button class="button secondary" data-test="renew" on:click=renew>"Renew for another term"</button> })}
            </div>
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
        </section>
    }
}
