//! The client's Packs tab: every package and session pack of the household
//! with what is left, until when, and each session or day used; managers
//! carry packs over from another system and change them here.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::packs::{ClientPacks, PackRow, PackUse, client_packs_page, set_preferred_pack};
use crate::domain::{PackState, pack_badge};
use crate::ui::badges::{BenefitBadge, StatusPill};
use crate::ui::format::{date, day_and_time};
use crate::ui::pages::authorisation_form::AuthorisationPanel;
use crate::ui::pages::pack_forms::{CarryOverPanel, ChangePackForm};
use crate::ui::route::{loaded, route_id};

/// Route `/clients/:id/packs`.
#[component]
pub fn ClientPacksPage() -> impl IntoView {
    let id = route_id("A client");
    // Bumped after a carry-over or a change, to read the packs again.
    let version = RwSignal::new(0u32);
    // What the last form did: it outlives the page being read again.
    let notice = RwSignal::new(None::<String>);
    let page = Resource::new(move || (id(), version.get()), |(id, _)| async move { client_packs_page(id?).await });
    let changed = Changed { version, notice };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading packs…"</p> }>
            {move || Suspend::new(async move { loaded(page.await, move |page| view! { <PacksView page changed/> }) })}
        </Transition>
    }
}

/// How a form tells the page it changed something: the packs are read
/// again and the notice says what was done.
#[derive(Clone, Copy)]
pub struct Changed {
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
}

impl Changed {
    /// Reads the packs again and says `what` above them.
    pub fn done(&self, what: String) {
        self.notice.set(Some(what));
        self.version.update(|v| *v += 1);
    }
}

#[component]
fn PacksView(page: ClientPacks, changed: Changed) -> impl IntoView {
    let ClientPacks { clinic, client, pets, packs, templates, may_adjust, may_sell, preferred_pack } = page;
    let today = clinic.today;
    let (current, past): (Vec<PackRow>, Vec<PackRow>) = packs.into_iter().partition(|p| {
        p.card.subscription.status.is_running()
            && p.card.pack().is_none_or(|b| !matches!(b.state(today), PackState::Expired))
    });
    let sell_link = pets.first().filter(|_| may_sell).map(|pet| format!("/patients/{}/sell", pet.id));
    let contact = [client.phone.clone(), client.email.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <Title text=format!("Packs · {}", client.name)/>
        <nav class="crumbs"><a href="/">"Patients"</a>" / "<span>{client.name.clone()}</span></nav>
        <section class="page-head">
            <div>
                <p class="eyebrow">"Client"</p>
                <h1>{client.name.clone()}</h1>
                <p class="lede">{contact}</p>
            </div>
            {sell_link.map(|href| view! { <a class="button secondary" href=href data-test="sell-pack">"Sell a pack"</a> })}
        </section>
        <nav class="tabs" aria-label="Client">
            {pets.iter().map(|pet| view! {
                <a href=format!("/patients/{}", pet.id)>{pet.name.clone()}</a>
            }).collect_view()}
            <a href=format!("/clients/{}/packs", client.id) aria-current="page" data-test="packs-tab">"Packs"</a>
        </nav>
        {move || changed.notice.get().map(|n| view! { <p class="banner success" role="status" data-test="packs-notice">{n}</p> })}
        {may_sell.then(|| view! { <AuthorisationPanel client_id=client.id templates=templates.clone() pets=pets.clone() changed/> })}
        {may_adjust.then(|| view! { <CarryOverPanel client_id=client.id templates pets=pets.clone() changed/> })}
        <section class="packs">
            {current.is_empty().then(|| view! {
                <p class="panel empty">"No open package or session pack. Packs sold or carried over show here."</p>
            })}
            {current.into_iter().map(|row| {
                let preferred = preferred_pack == Some(row.card.subscription.id);
                view! { <PackPanel row today may_adjust client_id=client.id preferred changed/> }
            }).collect_view()}
        </section>
        {(!past.is_empty()).then(|| view! {
            <section class="packs past">
                <h2>"Ended packs"</h2>
                {past.into_iter().map(|row| view! { <PackPanel row today may_adjust=false client_id=client.id preferred=false changed/> }).collect_view()}
            </section>
        })}
    }
}

/// One pack: its counter, dates, warnings, note and history.
#[component]
fn PackPanel(
    row: PackRow,
    today: chrono::NaiveDate,
    may_adjust: bool,
    client_id: i64,
    preferred: bool,
    changed: Changed,
) -> impl IntoView {
    let PackRow { card, uses } = row;
    let sub = card.subscription.clone();
    let facts = card.pack_facts.clone().unwrap_or_default();
    let unit = card.pack_unit().unwrap_or("session").to_string();
    let Some(pack) = card.pack() else {
        return view! {
            <article class="panel pack" data-test="pack" data-pack=sub.plan_name.clone()>
                <h3>{sub.plan_name.clone()}</h3>
                <p class="muted small">"This pack counts more than one thing; its usage history shows each."</p>
                <a class="small" href=format!("/plans/{}", sub.id)>"Usage history"</a>
            </article>
        }
        .into_any();
    };
    let state = pack_badge(&pack, today);
    let counter = pack.left_text(&unit);
    let warnings: Vec<String> = pack.warnings(today).iter().map(|w| w.words(&unit)).collect();
    let whose = match (&card.patient_name, sub.patient_id) {
        (Some(name), Some(_)) => format!("for {name}"),
        _ => "for every pet of the household".to_string(),
    };
    let ends = match (pack.state(today), pack.ends_on) {
        (PackState::Expired, Some(end)) => format!("Expired {}", date(end)),
        (_, Some(end)) => format!("Until {}", date(end)),
        (_, None) => "No end date".to_string(),
    };
    let used_count = pack.used.0;
    let running = sub.status.is_running();
    let preferred_toggle = running.then(|| view! { <PreferredToggle client_id pack_id=sub.id preferred changed/> });
    let (left, ends_on) = (pack.left().0, pack.ends_on);
    view! {
        <article class="panel pack" data-test="pack" data-pack=sub.plan_name.clone()>
            <header class="plan-card-head">
                <div>
                    <h3>
                        {sub.plan_name.clone()}
                        {facts.carried_over.then(|| view! { <span class="pill pill-muted small" data-test="carried-over">"Carried over"</span> })}
                    </h3>
                    <p class="muted small">{format!("{} {whose} · from {} · {ends}", sub.kind.label(), date(sub.starts_on))}</p>
                    {facts.authorisation.clone().map(|a| view! {
                        <p class="small" data-test="authorisation">{format!("Authorised by {} ({}), ref. {}", a.name, a.by.code(), a.reference)}</p>
                    })}
                </div>
                <div class="plan-card-side">
                    <BenefitBadge state=state text=counter/>
                    <StatusPill status=sub.status/>
                </div>
            </header>
            {(!warnings.is_empty()).then(|| view! {
                <p class="banner warn" data-test="pack-warning">{warnings.join(" · ")}</p>
            })}
            {(!facts.use_note.is_empty()).then(|| view! {
                <p class="banner info small" data-test="use-note">{format!("Note at each use: {}", facts.use_note)}</p>
            })}
            <div class="pack-allocation" data-test="pack-allocation">
                <span>"Used "<b data-test="pack-used">{used_count}</b></span>
                <span>"Booked "<b data-test="pack-booked">{pack.held.0}</b></span>
                <span>"Available "<b data-test="pack-available">{pack.available().0}</b>{format!(" of {}", pack.size.0)}</span>
                {preferred_toggle}
            </div>
            {facts.next_booked.iter().any(|t| t.date() >= today).then(|| view! {
                <p class="pack-next" data-test="pack-next">{format!("Booked: {}", facts.next_booked.iter().filter(|t| t.date() >= today).take(4)
                    .map(|t| day_and_time(*t)).collect::<Vec<_>>().join(" · "))}</p>
            })}
            <UsesTable uses unit=unit.clone()/>
            {may_adjust.then(|| view! { <ChangePackForm subscription_id=sub.id name=sub.plan_name.clone() left ends_on changed/> })}
        </article>
    }
    .into_any()
}

/// Makes a pack the one the client's new appointments take, or not.
#[component]
fn PreferredToggle(client_id: i64, pack_id: i64, preferred: bool, changed: Changed) -> impl IntoView {
    let toggle = move |_| {
        let pack = (!preferred).then_some(pack_id);
        leptos::task::spawn_local(async move {
            match set_preferred_pack(client_id, pack).await {
                Ok(()) if pack.is_some() => changed.done("New appointments now take this pack.".into()),
                Ok(()) => changed.done("New appointments no longer take a pack by default.".into()),
                Err(e) => changed.done(e.to_string()),
            }
        });
    };
    view! {
        <span class="grow"></span>
        {preferred.then(|| view! { <span class="pill pill-good" data-test="preferred-pack">"Preferred for bookings"</span> })}
        <button class="button ghost small" type="button" data-test="prefer-pack" on:click=toggle>
            {if preferred { "Stop preferring" } else { "Prefer for bookings" }}
        </button>
    }
}

/// Each session or day used, given back or carried over, newest first.
#[component]
fn UsesTable(uses: Vec<PackUse>, unit: String) -> impl IntoView {
    if uses.is_empty() {
        return view! { <p class="small muted">"Nothing used yet."</p> }.into_any();
    }
    view! {
        <table class="table history pack-uses" data-test="pack-uses">
            <thead><tr><th>"Date"</th><th>"Pet"</th><th class="right">{crate::domain::plural(&unit, 2)}</th><th>"From"</th><th>"By"</th><th>"Note"</th></tr></thead>
            <tbody>
                {uses.into_iter().map(|u| {
                    let source = match u.invoice_id {
                        Some(id) => view! { <a href=format!("/invoices/{id}")>{u.source.clone()}</a> }.into_any(),
                        None => view! { <span>{u.source.clone()}</span> }.into_any(),
                    };
                    let class = if u.quantity < 0 { "reversal" } else { "" };
                    view! {
                        <tr class=class data-test="pack-use">
                            <td>{date(u.used_on)}</td>
                            <td>{u.patient_name.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="right">{if u.quantity < 0 { format!("{} back", -u.quantity) } else { u.quantity.to_string() }}</td>
                            <td>{source}</td>
                            <td class="muted">{u.actor_name.clone()}</td>
                            <td class="muted small">{u.note.clone()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
