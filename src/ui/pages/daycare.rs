//! The daycare day: who is booked, who is here, and checking pets in and
//! out. Checking in picks the client's daycare package (the preferred one
//! first); checking out puts the day on the client's invoice, which draws
//! it. The pack's note (a carry-over, say) shows at both.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::schedule::{
    BookingChoices, BookingForm, DaycareDay, PackPick, PetMatch, VisitRow, book_visit, booking_options, daycare_page,
};
use crate::domain::{VisitAction, VisitKind, VisitStatus};
use crate::ui::format::date;
use crate::ui::pages::booking_form::pack_options;
use crate::ui::pages::pet_finder::PetFinder;
use crate::ui::pages::visit_panel::act;
use crate::ui::route::loaded;

/// Route `/daycare` (`?day=2026-12-02`).
#[component]
pub fn DaycarePage() -> impl IntoView {
    let query = use_query_map();
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let page = Resource::new(move || (query.read().get("day"), version.get()), |(day, _)| daycare_page(day));
    view! {
        <Title text="Daycare"/>
        <Transition fallback=|| view! { <p class="loading">"Loading daycare…"</p> }>
            {move || Suspend::new(async move { loaded(page.await, move |page| view! { <DaycareView page version notice/> }) })}
        </Transition>
    }
}

#[component]
fn DaycareView(page: DaycareDay, version: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let done = Callback::new(move |what: String| {
        notice.set(Some(what));
        version.update(|v| *v += 1);
    });
    let here = page.visits.iter().filter(|v| v.status == VisitStatus::CheckedIn).count();
    // Cancelled days and no-shows are listed, but are not the day's pets.
    let coming =
        page.visits.iter().filter(|v| !matches!(v.status, VisitStatus::Cancelled | VisitStatus::NoShow)).count();
    let day_link = |d: chrono::NaiveDate| format!("/daycare?day={d}");
    let (before, after) = (page.day.pred_opt().map(day_link), page.day.succ_opt().map(day_link));
    // The day's service: the one named for daycare, else staff pick it.
    let daycare_item = page
        .services
        .iter()
        .find(|s| {
            let name = s.name.to_lowercase();
            name.contains("daycare") || name.contains("day care")
        })
        .or(page.services.first())
        .map(|s| s.id);
    view! {
        <section class="page-head">
            <div>
                <p class="eyebrow">{format!("Daycare · {}", page.clinic.name)}</p>
                <h1>{date(page.day)}</h1>
                <p class="lede" data-test="daycare-count">{format!("{here} here now · {coming} booked for the day")}</p>
            </div>
            <nav class="actions" aria-label="Other days">
                {before.map(|href| view! { <a class="button secondary small" data-test="daycare-day-before" href=href>"← Day before"</a> })}
                {(page.day != page.clinic.today).then(|| view! { <a class="button secondary small" data-test="daycare-today" href="/daycare">"Today"</a> })}
                {after.map(|href| view! { <a class="button secondary small" data-test="daycare-day-after" href=href>"Day after →"</a> })}
                <a class="button secondary small" href="/schedule">"Schedule"</a>
            </nav>
        </section>
        {move || notice.get().map(|n| view! { <p class="banner success" role="status" data-test="daycare-notice">{n}</p> })}
        {(page.day == page.clinic.today).then(|| daycare_item.map(|item| view! {
            <CheckInForm day=page.day item services=page.services.clone() done/>
        }))}
        <section class="panel">
            <table class="table daycare" data-test="daycare-list">
                <thead><tr><th>"Pet"</th><th>"Client"</th><th>"Package"</th><th>"Status"</th><th></th></tr></thead>
                <tbody>
                    {page.visits.into_iter().map(|v| view! { <DaycareRow visit=v today=page.clinic.today done/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn DaycareRow(visit: VisitRow, today: chrono::NaiveDate, done: Callback<String>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let open_invoice = move |invoice: i64| navigate(&format!("/invoices/{invoice}"), Default::default());
    let id = visit.id;
    let allowed = |a: VisitAction| crate::domain::next_visit_status(visit.kind, visit.status, a).is_ok();
    let next = [VisitAction::CheckIn, VisitAction::CheckOut].into_iter().find(|a| allowed(*a));
    let cancellable = allowed(VisitAction::Cancel);
    // A no-show is recorded on or after the day.
    let no_show = allowed(VisitAction::NoShow) && visit.span.start.date() <= today;
    view! {
        <tr data-test="daycare-row">
            <td><strong>{visit.patient_name.clone()}</strong></td>
            <td><a href=format!("/clients/{}/packs", visit.client_id)>{visit.client_name.clone()}</a></td>
            <td>
                {visit.pack.clone().map_or_else(|| view! { <span class="muted" title="The invoice still uses a package that covers the day, as at the desk">"No package held for this day"</span> }.into_any(), |p| view! {
                    <div data-test="daycare-pack">{p.name}" · "{p.counts}</div>
                    {(!p.use_note.is_empty()).then(|| view! { <div class="use-note" data-test="daycare-note">{p.use_note}</div> })}
                }.into_any())}
            </td>
            <td><span class=format!("pill {}", if visit.status.holds() { "active" } else { "ended" })>{visit.status.label()}</span></td>
            <td>
                <div class="actions">
                {next.map(|a| {
                    let open_invoice = open_invoice.clone();
                    view! {
                    <button class="button" type="button" data-test=if a == VisitAction::CheckIn { "daycare-check-in" } else { "daycare-check-out" }
                        on:click=move |_| act(id, a, open_invoice.clone(), move |n| done.run(n), problem)>
                        {if a == VisitAction::CheckIn { "Check in" } else { "Check out" }}
                    </button>
                }})}
                // A pet checked in by mistake, or a booked day the client
                // called off: the day goes back to the package.
                {cancellable.then(|| {
                    let open_invoice = open_invoice.clone();
                    view! {
                    <button class="button secondary small" type="button" data-test="daycare-cancel"
                        on:click=move |_| act(id, VisitAction::Cancel, open_invoice.clone(), move |n| done.run(n), problem)>
                        "Cancel day"
                    </button>
                }})}
                {no_show.then(|| view! {
                    <button class="button secondary small" type="button" data-test="daycare-no-show"
                        on:click=move |_| act(id, VisitAction::NoShow, open_invoice.clone(), move |n| done.run(n), problem)>
                        "No-show"
                    </button>
                })}
                </div>
                {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            </td>
        </tr>
    }
}

/// Checks a pet in for today, on the client's daycare package.
#[component]
fn CheckInForm(
    day: chrono::NaiveDate,
    /// The service preselected.
    item: i64,
    services: Vec<crate::api::schedule::ServiceChoice>,
    done: Callback<String>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<(PetMatch, BookingChoices)>);
    let pack = RwSignal::new("none".to_string());
    let problem = RwSignal::new(None::<String>);
    let item = RwSignal::new(item);
    let services = StoredValue::new(services);
    // The service as the catalog has it, for the packs that cover it.
    let service = move || services.with_value(|s| s.iter().find(|s| s.id == item.get()).cloned());
    let pick = Callback::new(move |m: PetMatch| {
        spawn_local(async move {
            match booking_options(m.client_id).await {
                Ok(c) => {
                    let options = pack_options(&c.packs, m.patient_id, service().as_ref(), day, false);
                    let preferred = c.preferred_pack.filter(|p| options.iter().any(|(id, _)| id == p));
                    let first = preferred.or(options.first().map(|(id, _)| *id));
                    pack.set(first.map_or_else(|| "none".into(), |id| id.to_string()));
                    chosen.set(Some((m, c)));
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    });
    let check_in = move |_| {
        let Some((m, _)) = chosen.get_untracked() else { return };
        let form = BookingForm {
            kind: VisitKind::Daycare,
            patient_id: m.patient_id,
            item_id: item.get_untracked(),
            starts_at: format!("{day}T08:00"),
            minutes: "480".into(),
            staff_id: None,
            pack: pack.get_untracked().parse().map(PackPick::Pack).unwrap_or(PackPick::NoPack),
            override_note: String::new(),
        };
        spawn_local(async move {
            match book_visit(form).await {
                Ok(_) => {
                    chosen.set(None);
                    search.set(String::new());
                    done.run(format!("{} is checked in.", m.patient_name));
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="panel form-panel" data-test="daycare-check-in-form">
            <h2 class="panel-title">"Check a pet in"</h2>
            <PetFinder search on_pick=pick problem test="daycare"/>
            {move || chosen.get().map(|(m, c)| {
                let options = pack_options(&c.packs, m.patient_id, service().as_ref(), day, false);
                // The note of the package chosen, as staff see it at every use.
                let packs = c.packs.clone();
                let note = move || {
                    let chosen: i64 = pack.get().parse().ok()?;
                    let facts = packs.iter().find(|p| p.subscription.id == chosen)?.pack_facts.as_ref()?;
                    (!facts.use_note.is_empty()).then(|| facts.use_note.clone())
                };
                view! {
                    <div class="form-row">
                        <p><strong>{m.patient_name.clone()}</strong>" · "{m.client_name.clone()}</p>
                        <label class="field"><span>"Service"</span>
                            <select data-test="daycare-service" prop:value=move || item.get().to_string()
                                on:change=move |ev| if let Ok(id) = event_target_value(&ev).parse() { item.set(id) }>
                                {services.with_value(|s| s.iter().map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> }).collect_view())}
                            </select>
                        </label>
                        <label class="field"><span>"Package"</span>
                            <select data-test="daycare-package" prop:value=move || pack.get() on:change=move |ev| pack.set(event_target_value(&ev))>
                                <option value="none">"No package: bill the day"</option>
                                {options.into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                            </select>
                        </label>
                        <button class="button" type="button" data-test="daycare-check-in-now" on:click=check_in>"Check in"</button>
                    </div>
                    {move || note().map(|n| view! { <p class="use-note" data-test="daycare-note">{n}</p> })}
                }
            })}
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="daycare-problem">{p}</p> })}
        </section>
    }
}
