//! Routes `/templates` (the list) and `/templates/:id` (the editor; 0 is
//! a new template), for managers.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::templates::{BenefitDraft, TemplateEditor, load_template, save_template, template_list};
use crate::domain::Billing;
use crate::ui::route::{loaded, route_id};

/// Route `/templates`.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| template_list());
    view! {
        <Title text="Plan templates"/>
        <section class="page-head">
            <div><p class="eyebrow">"Manager"</p><h1>"Plan templates"</h1>
                <p class="lede">"What the desk can sell. Editing a template never changes plans already sold."</p></div>
            <a class="button" href="/templates/0" data-test="new-template">"New template"</a>
        </section>
        <Suspense fallback=|| view! { <p class="loading">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                loaded(list.await, |rows| view! {
                    <section class="panel">
                        <table class="table" data-test="templates">
                            <thead><tr><th>"Template"</th><th>"For"</th><th class="right">"Price"</th><th>"Term"</th><th class="right">"Running"</th><th>"Status"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| view! {
                                    <tr data-test="template-row">
                                        <td><a href=format!("/templates/{}", t.id)><strong>{t.name.clone()}</strong></a>
                                            <div class="muted small">{t.kind.clone()}{t.window.clone().map(|w| format!(" · {w}"))}</div></td>
                                        <td>{t.audience.clone()}</td>
                                        <td class="right">{t.price.0.to_string()}</td>
                                        <td>{t.term_months.map_or("Open-ended".to_string(), |m| format!("{m} months"))}</td>
                                        <td class="right">{t.running}</td>
                                        <td>{if t.active { view! { <span class="pill pill-good">"On sale"</span> } } else { view! { <span class="pill pill-muted">"Withdrawn"</span> } }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// Route `/templates/:id`.
#[component]
pub fn TemplateEditorPage() -> impl IntoView {
    let editor = Resource::new(route_id("A template"), |id| async move { load_template(id?).await });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the template…"</p> }>
            {move || Suspend::new(async move { loaded(editor.await, |editor| view! { <EditorForm editor/> }) })}
        </Suspense>
    }
}

/// A text field bound to one part of the draft.
fn text_field(
    label: &'static str,
    test: &'static str,
    value: RwSignal<String>,
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label class="field"><span>{label}</span>
            <input data-test=test placeholder=placeholder prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

#[component]
fn EditorForm(editor: TemplateEditor) -> impl IntoView {
    let d = editor.draft.clone();
    let id = d.id;
    let name = RwSignal::new(d.name);
    let kind = RwSignal::new(d.kind);
    let species = RwSignal::new(d.species);
    let life_stage = RwSignal::new(d.life_stage);
    let description = RwSignal::new(d.description);
    let price = RwSignal::new(d.price);
    // The price as stored: the renewal-price choice is offered while the
    // price typed differs from it, and is made once, with the save.
    let original_price = RwSignal::new(price.get_untracked());
    let fee = RwSignal::new(d.enrollment_fee);
    let term = RwSignal::new(d.term_months);
    let auto_renew = RwSignal::new(d.auto_renew);
    let one_pet = RwSignal::new(d.one_pet);
    let no_show_draws = RwSignal::new(d.no_show_draws);
    let renews_into = RwSignal::new(d.renews_into.map(|i| i.to_string()).unwrap_or_default());
    let member = RwSignal::new(d.member_discount);
    let multi_pet = RwSignal::new(d.multi_pet_discount);
    let from = RwSignal::new(d.available_from);
    let until = RwSignal::new(d.available_until);
    let billing = RwSignal::new(d.billing_options);
    let clinic_ids = RwSignal::new(d.clinic_ids);
    let active = RwSignal::new(d.active);
    let benefits = RwSignal::new(d.benefits);
    let apply_price = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let navigate = use_navigate();
    let running = editor.running;
    let draft = move || crate::api::templates::TemplateDraft {
        id,
        name: name.get(),
        kind: kind.get(),
        species: species.get(),
        life_stage: life_stage.get(),
        description: description.get(),
        price: price.get(),
        enrollment_fee: fee.get(),
        term_months: term.get(),
        auto_renew: auto_renew.get(),
        one_pet: one_pet.get(),
        no_show_draws: no_show_draws.get(),
        renews_into: renews_into.get().parse().ok(),
        member_discount: member.get(),
        multi_pet_discount: multi_pet.get(),
        available_from: from.get(),
        available_until: until.get(),
        billing_options: billing.get(),
        clinic_ids: clinic_ids.get(),
        active: active.get(),
        benefits: benefits.get(),
    };
    // The last save's answer (what to fix, or "saved") is about the draft
    // it sent: it stands while the form holds that draft and steps aside
    // once the person edits, so a fixed price never sits under "the price
    // is…".
    let sent = RwSignal::new(None::<crate::api::templates::TemplateDraft>);
    let current = Memo::new(move |_| draft());
    let answer_stands = move || sent.with(|s| current.with(|now| s.as_ref() == Some(now)));
    let save = move |_| {
        let navigate = navigate.clone();
        let draft = draft();
        sent.set(Some(draft.clone()));
        problem.set(None);
        saved.set(false);
        spawn_local(async move {
            match save_template(draft, apply_price.get_untracked()).await {
                Ok(new_id) if new_id != id => navigate(&format!("/templates/{new_id}"), Default::default()),
                Ok(_) => {
                    original_price.set(price.get_untracked());
                    apply_price.set(false);
                    saved.set(true);
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let price_changed = move || running > 0 && price.get().trim() != original_price.get().trim();
    let targets = StoredValue::new(editor.targets);
    let choice = |value: &'static str, label: &'static str, signal: RwSignal<String>| {
        view! { <option value=value selected=move || signal.get() == value>{label}</option> }
    };
    view! {
        <Title text=if id == 0 { "New template".to_string() } else { format!("Template · {}", name.get_untracked()) }/>
        <nav class="crumbs"><a href="/templates">"Plan templates"</a>" / "<span>{move || if id == 0 { "New".to_string() } else { name.get() }}</span></nav>
        <section class="page-head"><div>
            <h1>{if id == 0 { "New plan template" } else { "Edit plan template" }}</h1>
            <p class="lede">{if running > 0 {
                format!("{running} plans sold from it are running; they keep the benefits and price they were sold with.")
            } else { "Nothing sold from it is running.".to_string() }}</p>
        </div></section>
        <section class="panel form-panel">
            <div class="form-grid">
                {text_field("Name", "t-name", name, "Puppy Plan")}
                <label class="field"><span>"What it is"</span>
                    <select data-test="t-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {choice("wellness", "Wellness plan (one pet)", kind)}
                        {choice("package", "Package (the household)", kind)}
                        {choice("session_pack", "Session pack (the household)", kind)}
                    </select></label>
                <label class="field"><span>"Species"</span>
                    <select data-test="t-species" on:change=move |ev| species.set(event_target_value(&ev))>
                        {choice("", "Any", species)}{choice("dog", "Dogs", species)}{choice("cat", "Cats", species)}
                        {choice("rabbit", "Rabbits", species)}{choice("other", "Other", species)}
                    </select></label>
                <label class="field"><span>"Life stage"</span>
                    <select data-test="t-stage" on:change=move |ev| life_stage.set(event_target_value(&ev))>
                        {choice("", "Any", life_stage)}{choice("puppy", "Puppy", life_stage)}{choice("kitten", "Kitten", life_stage)}
                        {choice("adult", "Adult", life_stage)}{choice("senior", "Senior", life_stage)}
                    </select></label>
                {text_field("Price for the term", "t-price", price, "240.00")}
                {text_field("Enrollment fee", "t-fee", fee, "0.00")}
                {text_field("Term in months (empty: open-ended)", "t-term", term, "12")}
                {text_field("Member discount on other items (%)", "t-member", member, "10")}
                {text_field("Multi-pet discount on this plan (%)", "t-multi", multi_pet, "10")}
                {text_field("On sale from (empty: always)", "t-from", from, "2027-01-01")}
                {text_field("On sale until (empty: always)", "t-until", until, "2027-03-31")}
                <label class="field"><span>"Renews into"</span>
                    <select data-test="t-renews" on:change=move |ev| renews_into.set(event_target_value(&ev))>
                        <option value="" selected=move || renews_into.get().is_empty()>"The same template"</option>
                        {editor.templates.iter().map(|t| { let v = t.value.clone(); view! {
                            <option value=t.value.clone() selected=move || renews_into.get() == v>{t.label.clone()}</option>
                        }}).collect_view()}
                    </select></label>
                <label class="field wide-field"><span>"Description"</span>
                    <textarea rows="2" maxlength="500" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea></label>
                <fieldset class="field wide-field checks"><legend>"Billing offered"</legend>
                    {Billing::ALL.into_iter().map(|b| view! {
                        <label class="check"><input type="checkbox" prop:checked=move || billing.get().iter().any(|o| o == b.code())
                            on:change=move |ev| { let on = event_target_checked(&ev); billing.update(|list| {
                                list.retain(|o| o != b.code()); if on { list.push(b.code().to_string()) } }) }/>
                            <span>{b.label()}</span></label>
                    }).collect_view()}
                </fieldset>
                <fieldset class="field wide-field checks"><legend>"Offered at (none ticked: every clinic)"</legend>
                    {editor.clinics.iter().map(|c| { let cid: i64 = c.value.parse().unwrap_or_default(); view! {
                        <label class="check"><input type="checkbox" prop:checked=move || clinic_ids.get().contains(&cid)
                            on:change=move |ev| { let on = event_target_checked(&ev); clinic_ids.update(|list| {
                                list.retain(|x| *x != cid); if on { list.push(cid) } }) }/>
                            <span>{c.label.clone()}</span></label>
                    }}).collect_view()}
                </fieldset>
                <label class="check"><input type="checkbox" prop:checked=move || auto_renew.get() on:change=move |ev| auto_renew.set(event_target_checked(&ev))/>
                    <span>{move || if kind.get() == "wellness" {
                        "Renews automatically before the end"
                    } else {
                        "Next pack made automatically when one is used up or expires"
                    }}</span></label>
                <p class="muted small wide-field" data-test="renews-as-sold">"Plans and packs already sold keep the setting they were sold with; a change applies to sales from now on."</p>
                <Show when=move || kind.get() != "wellness">
                    <label class="check"><input type="checkbox" data-test="t-one-pet" prop:checked=move || one_pet.get()
                        on:change=move |ev| one_pet.set(event_target_checked(&ev))/>
                        <span>"For one pet only (the pet it is sold for), not any pet of the household"</span></label>
                    <label class="check"><input type="checkbox" data-test="t-no-show-draws" prop:checked=move || no_show_draws.get()
                        on:change=move |ev| no_show_draws.set(event_target_checked(&ev))/>
                        <span>"A no-show uses the booked session (otherwise it goes back to the pack)"</span></label>
                </Show>
                <label class="check"><input type="checkbox" data-test="t-active" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>
                    <span>"On sale"</span></label>
            </div>
        </section>
        <section class="panel form-panel">
            <h3 class="panel-title">"Benefits"</h3>
            <p class="muted small">"Limits count in the item's smallest unit (tablets, not boxes). Empty limit: unlimited. Per plan year: the limit starts again on each anniversary of the start (wellness plans that are open-ended or run for years; a pack counts over its term). Discount 100% means free."</p>
            <table class="table benefit-editor" data-test="benefit-editor">
                <thead><tr><th>"Name"</th><th>"Covers"</th><th>"Limit"</th><th>"Counts"</th><th>"% off"</th><th></th></tr></thead>
                <tbody>
                    {move || (0..benefits.with(Vec::len)).map(|i| {
                        let get = move |f: fn(&BenefitDraft) -> String| move || benefits.with(|b| b.get(i).map(f).unwrap_or_default());
                        let set = move |f: fn(&mut BenefitDraft, String)| move |ev: leptos::ev::Event| {
                            let v = event_target_value(&ev); benefits.update(|b| if let Some(row) = b.get_mut(i) { f(row, v) })
                        };
                        view! {
                            <tr data-test="benefit-row">
                                <td><input data-test="b-label" prop:value=get(|b| b.label.clone()) on:input=set(|b, v| b.label = v)/></td>
                                <td><select data-test="b-target" on:change=set(|b, v| b.target = v)>
                                    <option value="">"Choose…"</option>
                                    {targets.get_value().into_iter().map(|t| { let v = t.value.clone(); view! {
                                        <option value=t.value.clone() selected=move || benefits.with(|b| b.get(i).is_some_and(|r| r.target == v))>{t.label.clone()}</option>
                                    }}).collect_view()}
                                </select></td>
                                <td><input class="qty" data-test="b-limit" inputmode="numeric" placeholder="Unlimited" prop:value=get(|b| b.limit.clone()) on:input=set(|b, v| b.limit = v)/></td>
                                <td><select data-test="b-resets" on:change=set(|b, v| b.resets = v)>
                                    <option value="term" selected=move || benefits.with(|b| b.get(i).is_none_or(|r| r.resets != "year"))>"Per term"</option>
                                    <option value="year" disabled=move || kind.get() != "wellness" selected=move || benefits.with(|b| b.get(i).is_some_and(|r| r.resets == "year"))>"Per plan year"</option>
                                </select></td>
                                <td><input class="qty" data-test="b-discount" inputmode="decimal" prop:value=get(|b| b.discount.clone()) on:input=set(|b, v| b.discount = v)/></td>
                                <td><button class="link-button" type="button" on:click=move |_| benefits.update(|b| { if i < b.len() { b.remove(i); } })>"Remove"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="actions"><button class="button secondary small" type="button" data-test="add-benefit"
                on:click=move |_| benefits.update(|b| b.push(BenefitDraft { discount: "100".into(), resets: "term".into(), ..Default::default() }))>"Add a benefit"</button></div>
        </section>
        <section class="panel form-panel">
            <Show when=price_changed>
                <label class="check" data-test="apply-price"><input type="checkbox" prop:checked=move || apply_price.get() on:change=move |ev| apply_price.set(event_target_checked(&ev))/>
                    <span>{format!("Running plans ({running}) renew at the new price. Unticked, each keeps its own price at renewal.")}</span></label>
            </Show>
            {move || problem.get().filter(|_| answer_stands()).map(|p| view! { <p class="banner error" role="alert" data-test="template-error">{p}</p> })}
            {move || (saved.get() && answer_stands()).then(|| view! { <p class="banner success" role="status" data-test="template-saved">"Template saved. Plans already sold are unchanged."</p> })}
            <div class="actions"><button class="button" data-test="save-template" on:click=save>"Save template"</button>
                <a href="/templates">"Back to templates"</a></div>
        </section>
    }
}
