//! The SOAP plan: the vet adds what they will do or dispense and sees,
//! before anything is saved, what the patient's plans cover.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::invoices::invoice_start;
use crate::api::soap::{SoapSave, SoapView, soap_load};
use crate::ui::badges::{MemberTag, PetAvatar};
use crate::ui::desk::autosave::{SaveIndicator, autosave};
use crate::ui::desk::lines::{LineColumns, LineTable, PromotionsNote};
use crate::ui::desk::open_packs::{OpenPacks, pack_hint};
use crate::ui::desk::pending::drafts_saved;
use crate::ui::desk::picker::CatalogPicker;
use crate::ui::desk::state::DeskState;
use crate::ui::desk::tracker::TrackerTable;
use crate::ui::format::date;
use crate::ui::route::{loaded, route_id};

/// Route `/soap/:id`.
#[component]
pub fn SoapPage() -> impl IntoView {
    let soap = Resource::new(route_id("A SOAP plan"), |id| async move {
        // Coming back before the last page's save finished: load what it saved.
        drafts_saved().await;
        soap_load(id?).await
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading SOAP plan…"</p> }>
            {move || Suspend::new(async move { loaded(soap.await, |view| view! { <SoapEditor view/> }) })}
        </Suspense>
    }
}

#[component]
fn SoapEditor(view: SoapView) -> impl IntoView {
    let id = view.id;
    let patient = view.patient.clone();
    let member = view.plans.iter().any(|p| p.subscription.usable_on(view.visit_date, view.clinic.past_due_usable));
    let open = view.status == "open";
    let state = DeskState::new(view.pricing(), view.lines.clone());
    let notes = RwSignal::new(view.plan_notes.clone());
    let snapshot = Memo::new(move |_| (notes.get(), state.inputs()));
    // Every save names the revision this page opened: one opened before
    // someone else's change is refused instead of overwriting it.
    let edit = view.edit.clone();
    let save =
        autosave(snapshot, move |(plan_notes, lines)| SoapSave { id, plan_notes, lines, edit: Some(edit.clone()) });
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let client_id = patient.client_id;
    let patient_id = patient.id;
    let to_invoice = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = async {
                // The invoice copies the saved plan: save what is on screen first.
                save.save_now().await?;
                invoice_start(client_id, vec![id]).await
            }
            .await;
            match result {
                Ok(invoice) => navigate(&format!("/invoices/{invoice}?pet={patient_id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let hint = {
        let (plans, date, past_due) = (view.plans.clone(), view.visit_date, view.clinic.past_due_usable);
        Callback::new(move |item: crate::domain::ItemRef| {
            pack_hint(&plans, &state, &item, patient_id, date, past_due, None)
        })
    };
    view! {
        <Title text=format!("SOAP plan · {}", patient.name)/>
        <nav class="crumbs">
            <a href="/">"Patients"</a>" / "<a href=format!("/patients/{}", patient.id)>{patient.name.clone()}</a>" / "<span>"SOAP plan"</span>
        </nav>
        <section class="page-head patient-head">
            <PetAvatar name=patient.name.clone() species=patient.species.clone() large=true/>
            <div class="grow">
                <h1>
                    {format!("{} · Plan", patient.name)}
                    {member.then(|| view! { <MemberTag label=view.clinic.member_tag_label.clone()/> })}
                </h1>
                <p class="lede">{format!("Visit {} · Owner {}", date(view.visit_date), patient.client_name)}</p>
            </div>
            <SaveIndicator status=save.status/>
        </section>
        {(!open).then(|| view! {
            <p class="banner info">
                "This plan is on an invoice; change the invoice instead. "
                {view.invoice_id.map(|i| view! { <a href=format!("/invoices/{i}")>"Open the invoice"</a> })}
            </p>
        })}
        <section class="panel desk">
            {open.then(|| view! {
                <OpenPacks state plans=view.plans.clone() date_of_draft=view.visit_date
                    past_due_usable=view.clinic.past_due_usable patient_id=Signal::stored(patient_id)/>
                <CatalogPicker state currency=view.clinic.currency.clone() patient_id=Signal::stored(patient_id) hint/>
            })}
            <LineTable state currency=view.clinic.currency.clone() columns=LineColumns { patients: vec![], discount: false }/>
            <PromotionsNote promotions=view.promotions.clone()/>
        </section>
        <section class="panel notes">
            <label class="field">
                <span>"Plan notes"</span>
                <textarea
                    rows="3"
                    data-test="plan-notes"
                    placeholder="Follow-up, instructions for the owner…"
                    prop:value=move || notes.get()
                    on:input=move |ev| notes.set(event_target_value(&ev))
                    disabled=!open
                ></textarea>
            </label>
        </section>
        <TrackerTable tracker=state.tracker currency=view.clinic.currency.clone() plans=view.plans.clone()/>
        {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
        {open.then(|| view! {
            <div class="actions">
                <button class="button" data-test="soap-to-invoice" on:click=to_invoice>"Create invoice"</button>
            </div>
        })}
    }
}
