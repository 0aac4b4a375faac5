//! The lines of a finalized invoice as the server posted them, and the
//! printable invoice for the owner.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::invoice_view::{InvoiceStatus, InvoiceView};
use crate::api::invoices::invoice_load;
use crate::domain::{Coverage, Money, plural};
use crate::ui::desk::tracker::TrackerTable;
use crate::ui::format::date;
use crate::ui::route::{loaded, route_id};

/// Read-only lines with the coverage that was posted.
#[component]
pub fn FinalLines(view: InvoiceView, coverage: Coverage) -> impl IntoView {
    let currency = view.clinic.currency.clone();
    let pet = |id: i64| view.patients.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
    view! {
        <table class="table lines final" data-test="final-lines">
            <thead>
                <tr><th>"Item"</th><th>"Pet"</th><th class="right">"Quantity"</th><th class="right">"Covered"</th><th class="right">"Price"</th></tr>
            </thead>
            {view.lines.iter().zip(coverage.lines.iter()).map(|(line, result)| {
                let units = &line.item.units;
                let smallest = |n: i64| format!("{n} {}", plural(units.smallest_name(), n));
                let discounted = result.discount != Money::ZERO;
                view! {
                    <tbody class="line" data-test="line">
                        <tr>
                            <td><span class="item-name">{line.item.name.clone()}</span><span class="muted small">{format!(" {}", line.item.code)}</span></td>
                            <td>{pet(line.input.patient_id)}</td>
                            <td class="right">{smallest(result.quantity.0)}</td>
                            <td class="right" data-test="line-covered">{smallest(result.covered.0)}</td>
                            <td class="right">
                                {discounted.then(|| view! { <s class="muted small">{result.gross.format(&currency)}</s><br/> })}
                                <strong>{result.net.format(&currency)}</strong>
                            </td>
                        </tr>
                        <tr class="note-row"><td colspan="5" class="line-note" data-test="line-note">{result.explanation.clone()}</td></tr>
                    </tbody>
                }
            }).collect_view()}
        </table>
    }
}

/// Route `/invoices/:id/print`: the invoice as the owner receives it.
#[component]
pub fn InvoicePrintPage() -> impl IntoView {
    let invoice = Resource::new(route_id("An invoice"), |id| async move { invoice_load(id?).await });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading invoice…"</p> }>
            {move || Suspend::new(async move { loaded(invoice.await, |view| view! { <PrintedInvoice view/> }) })}
        </Suspense>
    }
}

#[component]
fn PrintedInvoice(view: InvoiceView) -> impl IntoView {
    let coverage = view.coverage();
    let title = view.number.clone().map_or_else(|| "Draft invoice".to_string(), |n| format!("Invoice {n}"));
    let currency = view.clinic.currency.clone();
    view! {
        <Title text=title.clone()/>
        <article class="printable" data-test="printable">
            <header class="print-head">
                <div>
                    <h1>{view.clinic.name.clone()}</h1>
                    <p class="muted">{title.clone()} " · " {date(view.invoice_date)}
                        {(view.status == InvoiceStatus::Voided).then_some(" · VOIDED")}
                        {(view.status == InvoiceStatus::Draft).then_some(" · DRAFT, not yet final")}
                    </p>
                </div>
                <div class="print-client">
                    <strong>{view.client.name.clone()}</strong>
                    {view.client.email.clone().map(|e| view! { <br/>{e} })}
                    {view.client.phone.clone().map(|p| view! { <br/>{p} })}
                </div>
            </header>
            {match coverage {
                Ok(coverage) => {
                    let total: Money = coverage.lines.iter().map(|l| l.net).sum();
                    let saved = coverage.tracker.total_discount;
                    view! {
                        <FinalLines view=view.clone() coverage=coverage.clone()/>
                        <p class="print-total">"Total " <strong data-test="print-total">{total.format(&currency)}</strong>
                            " · you saved " <strong>{saved.format(&currency)}</strong></p>
                        <TrackerTable tracker=Signal::stored(coverage.tracker.clone()) currency=currency.clone() plans=view.plans.clone()/>
                    }.into_any()
                }
                Err(problem) => view! { <p class="banner error">{format!("This draft has a line to fix before it can be printed: {problem}")}</p> }.into_any(),
            }}
            <p class="no-print actions"><button class="button" data-test="print" on:click=|_| { let _ = window().print(); }>"Print"</button>
                <a class="button secondary" href=format!("/invoices/{}", view.id)>"Back to the invoice"</a></p>
        </article>
    }
}
