//! Route `/settings` (managers): clinics with their own values, and the
//! plan rules the organisation works by.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::settings::{ClinicSettings, PlanRules, SaveClinic, SaveRules, load_settings};
use crate::ui::post_form::{Fields, PostForm};
use crate::ui::route::loaded;

/// Route `/settings`.
#[component]
pub fn SettingsPage() -> impl IntoView {
    // Reloaded only when a clinic is added: a rejected form must keep
    // what was typed, and saved forms already show what they hold.
    let added = RwSignal::new(0u32);
    let page = Resource::new(move || added.get(), |_| load_settings());
    view! {
        <Title text="Settings"/>
        <section class="page-head"><div>
            <p class="eyebrow">"Manager"</p>
            <h1>"Settings"</h1>
            <p class="lede">"Clinics, currency and time zone, and the rules every plan follows."</p>
        </div></section>
        <Suspense fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                loaded(page.await, move |page| view! {
                    <h2 class="section-title">{page.organisation_name.clone()}" · clinics"</h2>
                    {page.clinics.into_iter().map(|c| view! { <ClinicForm clinic=c added/> }).collect_view()}
                    <details class="panel form-panel">
                        <summary class="panel-title">"Add a clinic"</summary>
                        <ClinicFields clinic=ClinicSettings {
                            currency: "EUR".into(), time_zone: "Europe/Amsterdam".into(),
                            member_tag_label: "Plan member".into(), import_code_prefix: "WP".into(), ..Default::default()
                        } added label="Add clinic"/>
                    </details>
                    <h2 class="section-title">"Plan rules"</h2>
                    <RulesForm rules=page.rules/>
                })
            })}
        </Suspense>
    }
}

/// The last submission's outcome, as a banner.
fn outcome(
    last: impl Fn() -> Option<Result<(), String>> + Send + Sync + 'static,
    saved: &'static str,
) -> impl IntoView {
    move || match last() {
        Some(Ok(_)) => Some(view! { <p class="banner success" role="status">{saved}</p> }.into_any()),
        Some(Err(e)) => Some(view! { <p class="banner error" role="alert">{e}</p> }.into_any()),
        None => None,
    }
}

#[component]
fn ClinicForm(clinic: ClinicSettings, added: RwSignal<u32>) -> impl IntoView {
    view! {
        <section class="panel form-panel" data-test="clinic-settings">
            <h3 class="panel-title">{clinic.name.clone()}</h3>
            <ClinicFields clinic added label="Save clinic"/>
        </section>
    }
}

#[component]
fn ClinicFields(clinic: ClinicSettings, added: RwSignal<u32>, label: &'static str) -> impl IntoView {
    let action = ServerAction::<SaveClinic>::new();
    if clinic.id == 0 {
        Effect::new(move |_| {
            if let Some(Ok(_)) = action.value().get() {
                added.update(|n| *n += 1);
            }
        });
    }
    view! {
        <PostForm action read=read_clinic class="form-grid">
            <input type="hidden" name="id" value=clinic.id/>
            <label class="field wide-field"><span>"Clinic name"</span><input name="name" required maxlength="80" value=clinic.name/></label>
            <label class="field"><span>"Currency"</span><input name="currency" required maxlength="3" value=clinic.currency/></label>
            <label class="field"><span>"Time zone"</span><input name="time_zone" required maxlength="64" value=clinic.time_zone data-test="time-zone"/></label>
            <label class="field"><span>"Member tag"</span><input name="member_tag_label" required maxlength="24" value=clinic.member_tag_label data-test="member-tag"/></label>
            <label class="field"><span>"Plan code prefix"</span><input name="import_code_prefix" required maxlength="8" value=clinic.import_code_prefix title="Practice-system lines count only when their code starts with this, such as WP"/></label>
            <label class="field wide-field"><span>"Over-usage emails go to"</span>
                <input name="over_usage_emails" maxlength="500" placeholder="manager@clinic.example, desk@clinic.example" value=clinic.over_usage_emails/></label>
            <div class="actions"><button class="button" type="submit">{label}</button></div>
            {outcome(move || action.value().get().map(|r| r.map(|_| ()).map_err(|e| e.to_string())), "Clinic saved.")}
        </PostForm>
    }
}

#[component]
fn RulesForm(rules: PlanRules) -> impl IntoView {
    let action = ServerAction::<SaveRules>::new();
    view! {
        <section class="panel form-panel" data-test="plan-rules">
            <PostForm action read=read_rules class="form-grid">
                <label class="field"><span>"Cancellation fee"</span><input name="cancellation_fee" inputmode="decimal" value=rules.cancellation_fee data-test="fee"/></label>
                <label class="field"><span>"Cooling-off period (days, no fee)"</span><input name="cooling_off_days" inputmode="numeric" value=rules.cooling_off_days/></label>
                <label class="field"><span>"Longest hold per term (days)"</span><input name="max_hold_days" inputmode="numeric" value=rules.max_hold_days/></label>
                <p class="muted small wide-field" data-test="terms-as-sold">"A plan or pack keeps the cancellation fee, cooling-off period and longest hold it was sold with; a change here applies to sales from now on."</p>
                <label class="field"><span>"Grace before past due (days)"</span><input name="past_due_grace_days" inputmode="numeric" value=rules.past_due_grace_days data-test="grace"/></label>
                <label class="field"><span>"Auto-renew ahead of the end (days)"</span><input name="renewal_lead_days" inputmode="numeric" value=rules.renewal_lead_days/></label>
                <label class="check wide-field"><input type="checkbox" name="past_due_usable" value="on" checked=rules.past_due_usable/>
                    <span>"Benefits stay usable while a plan is past due"</span></label>
                <div class="actions"><button class="button" type="submit" data-test="save-rules">"Save plan rules"</button></div>
                {outcome(move || action.value().get().map(|r| r.map_err(|e| e.to_string())), "Plan rules saved.")}
            </PostForm>
        </section>
    }
}

fn read_clinic(form: &Fields) -> Option<SaveClinic> {
    Some(SaveClinic {
        id: form.number("id")?,
        name: form.text("name"),
        currency: form.text("currency"),
        time_zone: form.text("time_zone"),
        member_tag_label: form.text("member_tag_label"),
        import_code_prefix: form.text("import_code_prefix"),
        over_usage_emails: form.text("over_usage_emails"),
    })
}

fn read_rules(form: &Fields) -> Option<SaveRules> {
    Some(SaveRules {
        cancellation_fee: form.text("cancellation_fee"),
        cooling_off_days: form.text("cooling_off_days"),
        max_hold_days: form.text("max_hold_days"),
        past_due_grace_days: form.text("past_due_grace_days"),
        past_due_usable: form.optional("past_due_usable"),
        renewal_lead_days: form.text("renewal_lead_days"),
    })
}
