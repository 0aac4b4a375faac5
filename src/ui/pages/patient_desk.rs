//! The desk panel on a patient page: start a SOAP plan or an invoice, and
//! see the household's open plans and invoices.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::error::AppError;
use crate::api::invoices::{DeskOverview, client_desk, invoice_start};
use crate::api::soap::soap_start;
use crate::ui::desk::pending::drafts_saved;
use crate::ui::format::date;

/// What the desk panel shows, loaded for the patient of the route.
pub type DeskResource = Resource<Result<DeskOverview, AppError>>;

/// Loads the desk panel's open SOAP plans and invoices for the route's
/// patient. The page creates it, not the panel: see `PatientPage`.
pub fn desk_resource(patient: impl Fn() -> Result<i64, AppError> + Send + Sync + 'static) -> DeskResource {
    Resource::new(patient, |id| async move {
        // Open SOAP plans and drafts as the last page left them, saves included.
        drafts_saved().await;
        client_desk(id?).await
    })
}

/// Buttons and lists for the clinic desk.
#[component]
pub fn DeskPanel(patient_id: i64, desk: DeskResource) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match desk.await {
                    Ok(desk) => view! { <DeskActions patient_id desk/> }.into_any(),
                    Err(e) => view! { <p class="banner error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeskActions(patient_id: i64, desk: DeskOverview) -> impl IntoView {
    let picked = RwSignal::new(desk.open_soaps.iter().map(|s| s.id).collect::<Vec<i64>>());
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let nav = navigate.clone();
    let start_soap = move |_| {
        let navigate = nav.clone();
        spawn_local(async move {
            match soap_start(patient_id).await {
                Ok(id) => navigate(&format!("/soap/{id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let client_id = desk.client_id;
    let start_invoice = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // The invoice copies the SOAP plans: a save still on its way goes first.
            drafts_saved().await;
            match invoice_start(client_id, picked.get_untracked()).await {
                Ok(id) => navigate(&format!("/invoices/{id}?pet={patient_id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="panel desk-panel">
            <div class="actions">
                <button class="button" data-test="new-soap" on:click=start_soap>"New SOAP plan"</button>
                {desk.may_sell.then(|| view! {
                    <a class="button secondary" data-test="sell-plan" href=format!("/patients/{patient_id}/sell")>"Sell a plan"</a>
                })}
                <button class="button secondary" data-test="new-invoice" on:click=start_invoice>
                    {move || match picked.with(Vec::len) { 0 => "New invoice".to_string(), n => format!("Invoice {n} SOAP plan{}", if n == 1 { "" } else { "s" }) }}
                </button>
            </div>
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            {(!desk.open_soaps.is_empty()).then(|| view! {
                <h3 class="panel-title">"SOAP plans to invoice"</h3>
                <ul class="plain-list">
                    {desk.open_soaps.iter().map(|s| {
                        let id = s.id;
                        view! {
                            <li>
                                <label>
                                    <input type="checkbox" checked=move || picked.with(|p| p.contains(&id))
                                        on:change=move |_| picked.update(|p| if p.contains(&id) { p.retain(|x| *x != id) } else { p.push(id) })/>
                                    <a href=format!("/soap/{id}")>{format!("{} · {} · {} line{}", s.patient_name, date(s.visit_date), s.line_count, if s.line_count == 1 { "" } else { "s" })}</a>
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!desk.invoices.is_empty()).then(|| view! {
                <h3 class="panel-title">"Invoices"</h3>
                <ul class="plain-list" data-test="invoice-list">
                    {desk.invoices.iter().map(|i| view! {
                        <li>
                            <a href=format!("/invoices/{}", i.id)>{i.number.clone().unwrap_or_else(|| format!("Draft {}", i.id))}</a>
                            {format!(" · {} · {}{}", date(i.invoice_date), i.status, if i.correction { " · correction" } else { "" })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
