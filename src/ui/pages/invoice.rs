//! The invoice: drafts count live in the browser; finalizing has the server
//! count again and post; voiding and corrections give counts back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::invoice_view::{FinalizeOutcome, InvoiceStatus, InvoiceView};
use crate::api::invoices::{InvoiceSave, invoice_correct, invoice_finalize, invoice_load, invoice_void};
use crate::domain::{Currency, LineInput, Money};
use crate::ui::desk::authorisation::AuthorisationCheck;
use crate::ui::desk::autosave::{SaveIndicator, autosave};
use crate::ui::desk::lines::{LineColumns, LineTable, PromotionsNote};
use crate::ui::desk::open_packs::{OpenPacks, pack_hint};
use crate::ui::desk::pending::drafts_saved;
use crate::ui::desk::picker::CatalogPicker;
use crate::ui::desk::state::DeskState;
use crate::ui::desk::tracker::TrackerTable;
use crate::ui::format::{date, stamp};
use crate::ui::pages::invoice_final::FinalLines;
use crate::ui::route::{loaded, route_id};

/// Route `/invoices/:id`.
#[component]
pub fn InvoicePage() -> impl IntoView {
    let id = route_id("An invoice");
    let version = RwSignal::new(0u32);
    let invoice = Resource::new(
        move || (id(), version.get()),
        |(id, _)| async move {
            // Coming back before the last page's save finished: load what it saved.
            drafts_saved().await;
            invoice_load(id?).await
        },
    );
    let outcome = RwSignal::new(None::<FinalizeOutcome>);
    // Moving from an invoice to its correction keeps this page: the banner
    // of the invoice finalized before belongs to that invoice only.
    Effect::new(move |previous: Option<Option<i64>>| {
        let current = id().ok();
        if previous.is_some_and(|p| p != current) {
            outcome.set(None);
        }
        current
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading invoice…"</p> }>
            {move || Suspend::new(async move { loaded(invoice.await, |view| view! { <InvoiceScreen view version outcome/> }) })}
        </Transition>
    }
}

#[component]
fn InvoiceScreen(
    view: InvoiceView,
    version: RwSignal<u32>,
    outcome: RwSignal<Option<FinalizeOutcome>>,
) -> impl IntoView {
    let title = view.number.clone().map_or_else(|| "Draft invoice".to_string(), |n| format!("Invoice {n}"));
    let status = view.status;
    view! {
        <Title text=title.clone()/>
        <nav class="crumbs"><a href="/">"Patients"</a>" / "<span>{view.client.name.clone()}</span>" / "<span>{title.clone()}</span></nav>
        <section class="page-head">
            <div>
                <p class="eyebrow">{view.clinic.name.clone()}</p>
                <h1>
                    {title}
                    <span class=format!("pill pill-{}", match status { InvoiceStatus::Draft => "warn", InvoiceStatus::Finalized => "good", InvoiceStatus::Voided => "muted" })
                        data-test="invoice-status">{status.label()}</span>
                </h1>
                <p class="lede">{format!("{} · {} · dated {}", view.client.name, view.patients.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", "), date(view.invoice_date))}</p>
            </div>
            <a class="button secondary" href=format!("/invoices/{}/print", view.id) target="_blank" data-test="print-link">"Printable view"</a>
        </section>
        {view.corrects.clone().map(|(id, number)| view! {
            <p class="banner info">
                "Correction of " <a href=format!("/invoices/{id}")>{number.unwrap_or_else(|| format!("invoice {id}"))}</a>
                ". A negative quantity returns units to the plan they came from; add the right lines as usual."
            </p>
        })}
        {move || outcome.get().map(|o| view! {
            <div class=if o.changes.is_empty() { "banner success" } else { "banner warn" } role="status" data-test="finalize-outcome">
                <strong>{format!("Finalized as {}.", o.number)}</strong>
                {(!o.changes.is_empty()).then(|| view! {
                    <ul>{o.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                })}
            </div>
        })}
        {match status {
            InvoiceStatus::Draft => view! { <DraftInvoice view version outcome/> }.into_any(),
            _ => view! { <FinalInvoice view version/> }.into_any(),
        }}
    }
}

#[component]
fn DraftInvoice(
    view: InvoiceView,
    version: RwSignal<u32>,
    outcome: RwSignal<Option<FinalizeOutcome>>,
) -> impl IntoView {
    let id = view.id;
    let state = DeskState::new(view.pricing(), view.lines.clone());
    let snapshot = Memo::new(move |_| state.inputs());
    // Every save and the finalize name the revision this page opened: one
    // opened before another desk's change is refused instead of overwriting it.
    let (edit, finalize_edit) = (view.edit.clone(), view.edit.clone());
    let save = autosave(snapshot, move |lines| InvoiceSave { id, lines, edit: Some(edit.clone()) });
    // New lines are for the pet whose page the invoice was started from,
    // else the pet of the last line, else the household's first pet.
    let query = use_query_map();
    let asked: Option<i64> = query.with_untracked(|q| q.get("pet").and_then(|p| p.parse().ok()));
    let default_pet = asked
        .filter(|id| view.patients.iter().any(|p| p.id == *id))
        .or_else(|| view.lines.last().map(|l| l.input.patient_id))
        .or_else(|| view.patients.first().map(|p| p.id))
        .unwrap_or(0);
    let new_line_pet = RwSignal::new(default_pet);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let override_note = RwSignal::new(String::new());
    let finalize = move |_| {
        let lines = state.inputs();
        let preview = state.preview();
        let gross_seen = state.gross_seen();
        let key = request_key(id, &lines);
        let edit = finalize_edit.clone();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let note = Some(override_note.get_untracked()).filter(|n| !n.trim().is_empty());
            match invoice_finalize(id, lines, preview, key, note, Some(edit), gross_seen).await {
                Ok(result) => {
                    // Finalizing sent these lines; the draft has nothing left to save.
                    save.discard();
                    outcome.set(Some(result));
                    version.update(|v| *v += 1);
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let currency = view.clinic.currency.clone();
    let totals = Signal::derive(move || {
        state.computed.with(|c| {
            c.lines
                .iter()
                .flatten()
                .fold((Money::ZERO, Money::ZERO, Money::ZERO), |(g, d, n), l| (g + l.gross, d + l.discount, n + l.net))
        })
    });
    let pets = view.patients.clone();
    let hint = {
        let (plans, date, past_due, invoice_id) =
            (view.plans.clone(), view.invoice_date, view.clinic.past_due_usable, view.id);
        Callback::new(move |item: crate::domain::ItemRef| {
            pack_hint(&plans, &state, &item, new_line_pet.get_untracked(), date, past_due, Some(invoice_id))
        })
    };
    view! {
        <section class="panel desk">
            <div class="desk-bar">
                <label class="inline-field">
                    <span class="muted small">"New lines for"</span>
                    <select data-test="new-line-pet" on:change=move |ev| {
                        if let Ok(pet) = event_target_value(&ev).parse() { new_line_pet.set(pet) }
                    }>
                        {pets.iter().map(|p| {
                            let id = p.id;
                            view! { <option value=id.to_string() selected=move || new_line_pet.get() == id>{p.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <SaveIndicator status=save.status/>
            </div>
            <OpenPacks state plans=view.plans.clone() date_of_draft=view.invoice_date
                past_due_usable=view.clinic.past_due_usable invoice_id=view.id patient_id=new_line_pet/>
            <CatalogPicker state currency=currency.clone() patient_id=new_line_pet hint=hint/>
            <LineTable state currency=currency.clone() columns=LineColumns { patients: view.patients.clone(), discount: true }/>
            <PromotionsNote promotions=view.promotions.clone()/>
            <Totals totals currency=currency.clone()/>
        </section>
        <TrackerTable tracker=state.tracker currency=currency.clone() plans=view.plans.clone()/>
        <AuthorisationCheck state plans=view.plans.clone() date_of_draft=view.invoice_date
            invoice_id=view.id may_override=view.may_override override_note/>
        {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="invoice-problem">{p}</p> })}
        <div class="actions">
            <button class="button" data-test="finalize" disabled=move || busy.get() on:click=finalize>
                {move || if busy.get() { "Finalizing…" } else { "Finalize invoice" }}
            </button>
            <span class="muted small">"Finalizing records the covered units on the plans. Until then nothing is counted."</span>
        </div>
    }
}

#[component]
fn FinalInvoice(view: InvoiceView, version: RwSignal<u32>) -> impl IntoView {
    let id = view.id;
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let void = move |_| {
        spawn_local(async move {
            match invoice_void(id, reason.get_untracked()).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let correct = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match invoice_correct(id).await {
                Ok(new_id) => navigate(&format!("/invoices/{new_id}"), Default::default()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let currency = view.clinic.currency.clone();
    let frozen = view.frozen.clone().unwrap_or_default();
    let totals = frozen
        .lines
        .iter()
        .fold((Money::ZERO, Money::ZERO, Money::ZERO), |(g, d, n), l| (g + l.gross, d + l.discount, n + l.net));
    let finalized = view.status == InvoiceStatus::Finalized;
    let is_correction = view.is_correction();
    let corrected_by = view.corrected_by.clone();
    let voidable = corrected_by.is_empty();
    view! {
        {view.finalized.clone().map(|s| view! { <p class="muted small">{format!("Finalized {} by {}.", stamp(&s.at), s.by)}</p> })}
        {view.voided.clone().map(|(s, why)| view! {
            <p class="banner info" data-test="voided-note">{format!("Voided {} by {}: {why}. Every plan use it recorded was given back.", stamp(&s.at), s.by)}</p>
        })}
        <section class="panel desk">
            <FinalLines view=view.clone() coverage=frozen.clone()/>
            <Totals totals=Signal::stored(totals) currency=currency.clone()/>
        </section>
        <TrackerTable tracker=Signal::stored(frozen.tracker.clone()) currency=currency.clone() plans=view.plans.clone()/>
        {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="invoice-problem">{p}</p> })}
        {finalized.then(|| view! {
            <section class="panel actions-panel">
                <h3 class="panel-title">"Fix a mistake"</h3>
                {(!is_correction).then(|| view! {
                    <div class="actions">
                        <button class="button secondary" data-test="correct" on:click=correct>"Make a correction invoice"</button>
                        <span class="muted small">"For a wrong line or the wrong pet: returns and re-books only what changes. A correction returns at most what this invoice charged, and credits what was paid for it."</span>
                    </div>
                })}
                {if voidable {
                    view! {
                        <div class="actions">
                            <input class="reason" type="text" placeholder="Why is this invoice voided?" data-test="void-reason"
                                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                            <button class="button danger" data-test="void" on:click=void>
                                {if is_correction { "Void correction" } else { "Void invoice" }}
                            </button>
                        </div>
                        {is_correction.then(|| view! {
                            <p class="muted small">"Voiding this correction counts again what it gave back, where the plan still has room."</p>
                        })}
                    }.into_any()
                } else {
                    view! {
                        <p class="banner info" data-test="void-blocked">
                            "This invoice was corrected by "
                            {corrected_by.iter().enumerate().map(|(n, (cid, number))| view! {
                                {(n > 0).then_some(", ")}
                                <a href=format!("/invoices/{cid}")>{number.clone().unwrap_or_else(|| format!("invoice {cid}"))}</a>
                            }).collect_view()}
                            ". It cannot be voided while a correction stands: that would credit the corrected lines twice. Void the correction first, or make another correction for what is still wrong."
                        </p>
                    }.into_any()
                }}
            </section>
        })}
    }
}

#[component]
fn Totals(#[prop(into)] totals: Signal<(Money, Money, Money)>, currency: Currency) -> impl IntoView {
    let currency = StoredValue::new(currency);
    let show = move |m: Money| currency.with_value(|c| m.format(c));
    view! {
        <dl class="totals invoice-totals">
            <div><dt>"Regular price"</dt><dd>{move || show(totals.get().0)}</dd></div>
            <div><dt>"Discounts"</dt><dd>{move || format!("− {}", show(totals.get().1))}</dd></div>
            <div class="grand"><dt>"To pay"</dt><dd data-test="invoice-total">{move || show(totals.get().2)}</dd></div>
        </dl>
    }
}

/// The same lines give the same key, so a retried finalize is recognised.
fn request_key(invoice_id: i64, lines: &[LineInput]) -> String {
    let text = format!("{invoice_id}:{lines:?}");
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{invoice_id}-{hash:016x}")
}
