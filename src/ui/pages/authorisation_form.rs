//! Recording a referral or insurer authorisation on the client's Packs tab:
//! a session pack of N sessions between two dates, naming who authorised it
//! and their reference. A refusal keeps what was typed.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::desk::PatientBrief;
use crate::api::packs::{AuthorisationForm, PackTemplateChoice, record_authorisation};
use crate::domain::PlanKind;
use crate::ui::pages::client_packs::Changed;

/// The authorisation form, for the session pack templates.
#[component]
pub fn AuthorisationPanel(
    client_id: i64,
    templates: Vec<PackTemplateChoice>,
    pets: Vec<PatientBrief>,
    changed: Changed,
) -> impl IntoView {
    let packs: Vec<PackTemplateChoice> = templates.into_iter().filter(|t| t.kind == PlanKind::SessionPack).collect();
    let form = RwSignal::new(AuthorisationForm {
        template_id: packs.first().map(|t| t.id.to_string()).unwrap_or_default(),
        by: "referrer".into(),
        // A household of one pet needs no choosing.
        pet: if pets.len() == 1 { pets[0].id.to_string() } else { String::new() },
        ..Default::default()
    });
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = form.get_untracked();
        if let Err(why) = typed.parse() {
            problem.set(Some(why));
            return;
        }
        spawn_local(async move {
            match record_authorisation(client_id, typed.clone()).await {
                Ok(_) => changed.done(format!(
                    "{} sessions authorised by {} recorded.",
                    typed.sessions.trim(),
                    typed.name.trim()
                )),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    // One text field of the form, bound both ways.
    let field = move |label: &'static str,
                      test: &'static str,
                      kind: &'static str,
                      get: fn(&AuthorisationForm) -> &String,
                      set: fn(&mut AuthorisationForm, String)| {
        view! {
            <label class="field"><span>{label}</span>
                <input type=kind data-test=test prop:value=move || form.with(|f| get(f).clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)) }/>
            </label>
        }
    };
    view! {
        <details class="panel form-panel carry-over" data-test="authorise">
            <summary class="panel-title">"Record a referral or insurer authorisation"</summary>
            <form class="form-grid" on:submit=submit>
                <label class="field"><span>"Session pack"</span>
                    <select data-test="auth-template" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.template_id = v) }>
                        {packs.iter().map(|t| view! { <option value=t.id.to_string()>{t.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"For"</span>
                    <select data-test="auth-pet" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.pet = v) }>
                        <option value="" selected=move || form.with(|f| f.pet.is_empty())>"Choose the pet"</option>
                        {pets.iter().map(|p| {
                            let id = p.id.to_string();
                            let selected = { let id = id.clone(); move || form.with(|f| f.pet == id) };
                            view! { <option value=id selected=selected>{p.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"Authorised by"</span>
                    <select data-test="auth-by" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.by = v) }>
                        <option value="referrer">"A referrer"</option>
                        <option value="insurer">"An insurer"</option>
                    </select>
                </label>
                {field("Who (practice or insurer)", "auth-name", "text", |f| &f.name, |f, v| f.name = v)}
                {field("Their reference", "auth-ref", "text", |f| &f.reference, |f, v| f.reference = v)}
                {field("Sessions", "auth-sessions", "text", |f| &f.sessions, |f, v| f.sessions = v)}
                {field("From", "auth-from", "date", |f| &f.starts_on, |f, v| f.starts_on = v)}
                {field("Until", "auth-until", "date", |f| &f.ends_on, |f, v| f.ends_on = v)}
                {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="auth-problem">{p}</p> })}
                <div class="actions"><button class="button" type="submit" data-test="auth-submit">"Record authorisation"</button></div>
            </form>
        </details>
    }
}
