//! Booking an appointment from a free slot: find the pet, pick the
//! service, time, length and member of staff, and the pack it draws on,
//! with the client's preferred pack chosen already. A refusal keeps every
//! field as typed.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::schedule::{
    BookingChoices, BookingForm, PackPick, PetMatch, ServiceChoice, StaffColumn, book_visit, booking_options,
};
use crate::domain::{VisitKind, may_hold, may_hold_with_override, pack_covers};
use crate::ui::format::field_stamp;
use crate::ui::pages::pet_finder::PetFinder;
use crate::ui::pages::schedule::{Board, Slot};
use crate::wire::patients::PlanCard;

/// The packs a booking may draw on for a pet and a service on a day: open
/// ones (expired and used-up packs are hidden), with what is available. A
/// manager (`with_override`) also sees the others, marked, since booking
/// beyond a pack is what an override is for.
pub fn pack_options(
    packs: &[PlanCard],
    pet: i64,
    service: Option<&ServiceChoice>,
    on: chrono::NaiveDate,
    with_override: bool,
) -> Vec<(i64, String)> {
    let Some(service) = service else { return Vec::new() };
    packs
        .iter()
        .filter(|c| c.subscription.applies_to(pet) && pack_covers(&c.subscription, service.id, service.group_id))
        .filter(|c| match with_override {
            true => may_hold_with_override(c.subscription.status, true),
            false => may_hold(c.subscription.status, true),
        })
        .filter_map(|c| {
            let open = |p: &crate::domain::PackBalance| p.is_open(on) && may_hold(c.subscription.status, true);
            let pack = c.pack().filter(|p| with_override || open(p))?;
            let closed = if open(&pack) { "" } else { OVERRIDE_ONLY };
            let unit = c.pack_unit().unwrap_or("session");
            let booked = if pack.held.0 > 0 { format!(", {} booked", pack.held.0) } else { String::new() };
            let label = format!(
                "{} — {} of {} {} available{booked}{closed}",
                c.subscription.plan_name,
                pack.available().0,
                pack.size.0,
                crate::domain::plural(unit, pack.size.0)
            );
            Some((c.subscription.id, label))
        })
        .collect()
}

/// Marks a pack only a manager's override can book.
const OVERRIDE_ONLY: &str = " — needs an override";

/// The booking form beside the schedule.
#[component]
pub fn BookingPanel(
    at: Slot,
    services: Vec<ServiceChoice>,
    staff: Vec<StaffColumn>,
    may_override: bool,
    /// Templates are offered to start a new pack (staff who sell plans).
    may_sell: bool,
    board: Board,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let choices = RwSignal::new(None::<BookingChoices>);
    let pet = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let starts_at = RwSignal::new(field_stamp(at.start));
    let minutes = RwSignal::new("30".to_string());
    let staff_id = RwSignal::new(at.staff.map(|s| s.to_string()).unwrap_or_default());
    let pack = RwSignal::new("none".to_string());
    let override_note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let services = StoredValue::new(services);

    // Picking a pet reads the household's packs and chooses the preferred
    // one (and the service it covers).
    let pick = Callback::new(move |m: PetMatch| {
        search.set(format!("{} ({})", m.patient_name, m.client_name));
        pet.set(m.patient_id.to_string());
        spawn_local(async move {
            match booking_options(m.client_id).await {
                Ok(c) => {
                    let preferred = c.preferred_pack.and_then(|id| c.packs.iter().find(|p| p.subscription.id == id));
                    let covered = preferred.and_then(|p| p.benefits.iter().find_map(|b| b.item.as_ref().map(|i| i.id)));
                    if let Some(item) = covered {
                        service.set(item.to_string());
                    }
                    choices.set(Some(c));
                    choose_pack(choices, pet, service, starts_at, services, pack, may_override);
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    });
    let options = Memo::new(move |_| {
        let (Ok(pet), Some(day)) = (pet.get().parse::<i64>(), starts_at.get().get(..10).and_then(|d| d.parse().ok()))
        else {
            return Vec::new();
        };
        let id = service.get().parse::<i64>().ok();
        choices.with(|c| {
            c.as_ref().map_or_else(Vec::new, |c| {
                services
                    .with_value(|s| pack_options(&c.packs, pet, s.iter().find(|s| Some(s.id) == id), day, may_override))
            })
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let (Ok(patient_id), Ok(item_id)) = (pet.get_untracked().parse(), service.get_untracked().parse()) else {
            problem.set(Some("Find the pet and pick a service first.".into()));
            return;
        };
        let chosen = pack.get_untracked();
        let pick = match chosen.split_once(':') {
            Some(("p", id)) => id.parse().map(PackPick::Pack).unwrap_or(PackPick::NoPack),
            Some(("t", id)) => id.parse().map(PackPick::NewFrom).unwrap_or(PackPick::NoPack),
            _ => PackPick::NoPack,
        };
        let form = BookingForm {
            kind: VisitKind::Appointment,
            patient_id,
            item_id,
            starts_at: starts_at.get_untracked(),
            minutes: minutes.get_untracked(),
            staff_id: staff_id.get_untracked().parse().ok(),
            pack: pick,
            override_note: override_note.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            match book_visit(form.clone()).await {
                Ok(_) => {
                    board.done(format!("Booked {} at {}.", search.get_untracked(), form.starts_at.replace('T', " ")))
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <aside class="panel side-panel" data-test="booking">
            <div class="panel-title-row">
                <h2 class="panel-title">"New appointment"</h2>
                <button class="button ghost" type="button" on:click=move |_| board.slot.set(None)>"Close"</button>
            </div>
            <form class="form-stack" on:submit=submit>
                <div class="field"><span>"Pet or client"</span>
                    <PetFinder search on_pick=pick problem test="booking"/>
                </div>
                {move || choices.get().map(|c| view! {
                    <label class="field"><span>"Pet"</span>
                        <select data-test="booking-pet-select" prop:value=move || pet.get()
                            on:change=move |ev| { pet.set(event_target_value(&ev)); choose_pack(choices, pet, service, starts_at, services, pack, may_override); }>
                            {c.pets.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                <label class="field"><span>"Service"</span>
                    <select data-test="booking-service" prop:value=move || service.get()
                        on:change=move |ev| { service.set(event_target_value(&ev)); choose_pack(choices, pet, service, starts_at, services, pack, may_override); }>
                        <option value="">"Choose a service"</option>
                        {services.with_value(|s| s.iter().map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> }).collect_view())}
                    </select>
                </label>
                <div class="form-row">
                    <label class="field"><span>"Starts"</span>
                        <input type="datetime-local" data-test="booking-start" prop:value=starts_at
                            on:input=move |ev| starts_at.set(event_target_value(&ev))/>
                    </label>
                    <label class="field narrow"><span>"Minutes"</span>
                        <input inputmode="numeric" data-test="booking-minutes" prop:value=minutes
                            on:input=move |ev| minutes.set(event_target_value(&ev))/>
                    </label>
                </div>
                <label class="field"><span>"With"</span>
                    <select data-test="booking-staff" prop:value=move || staff_id.get() on:change=move |ev| staff_id.set(event_target_value(&ev))>
                        <option value="">"Anyone"</option>
                        {staff.iter().map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"Draws on"</span>
                    <select data-test="booking-pack" prop:value=move || pack.get() on:change=move |ev| pack.set(event_target_value(&ev))>
                        <option value="none">"No pack: bill the service"</option>
                        {move || options.get().into_iter().map(|(id, label)| view! { <option value=format!("p:{id}")>{label}</option> }).collect_view()}
                        {move || choices.get().filter(|_| may_sell).map(|c| c.templates.into_iter().map(|t| view! {
                            <option value=format!("t:{}", t.id)>{format!("New pack: {} ({} {})", t.name, t.size, crate::domain::plural(&t.unit, t.size))}</option>
                        }).collect_view())}
                    </select>
                </label>
                {move || {
                    let chosen = pack.get();
                    let id = chosen.strip_prefix("p:").and_then(|id| id.parse::<i64>().ok())?;
                    let label = options.get().into_iter().find(|(o, _)| *o == id)?.1;
                    Some(view! { <p class="small pack-detail" data-test="booking-pack-detail">{label}</p> })
                }}
                {may_override.then(|| view! {
                    <label class="field"><span>"Override note (manager)"</span>
                        <input data-test="booking-override" placeholder="Only to book beyond what the pack allows" prop:value=override_note
                            on:input=move |ev| override_note.set(event_target_value(&ev))/>
                    </label>
                })}
                {move || problem.get().map(|p| view! { <p class="banner error" role="alert" data-test="booking-problem">{p}</p> })}
                <button class="button" type="submit" data-test="book" disabled=move || busy.get()>"Book"</button>
            </form>
        </aside>
    }
}

/// Chooses the pack a booking takes: the client's preferred pack when it
/// covers the pet and service, else the first that does, else none.
fn choose_pack(
    choices: RwSignal<Option<BookingChoices>>,
    pet: RwSignal<String>,
    service: RwSignal<String>,
    starts_at: RwSignal<String>,
    services: StoredValue<Vec<ServiceChoice>>,
    pack: RwSignal<String>,
    may_override: bool,
) {
    let (Ok(pet), Some(day)) =
        (pet.get_untracked().parse::<i64>(), starts_at.get_untracked().get(..10).and_then(|d| d.parse().ok()))
    else {
        return;
    };
    let id = service.get_untracked().parse::<i64>().ok();
    choices.with_untracked(|c| {
        let Some(c) = c else { return };
        let options = services
            .with_value(|s| pack_options(&c.packs, pet, s.iter().find(|s| Some(s.id) == id), day, may_override));
        let usable: Vec<i64> =
            options.iter().filter(|(_, label)| !label.ends_with(OVERRIDE_ONLY)).map(|(id, _)| *id).collect();
        let preferred = c.preferred_pack.filter(|p| usable.contains(p));
        let chosen = preferred.or(usable.first().copied());
        pack.set(chosen.map_or_else(|| "none".to_string(), |id| format!("p:{id}")));
    });
}
