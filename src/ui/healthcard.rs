//! The healthcard overview: every plan of a household as a card that opens
//! to its counters, payments, savings and usage. Filters are links, and the
//! cards are `<details>`, so all of it works before the WASM arrives.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::portal::{HealthPlan, Healthcard};
use crate::domain::{Remaining, SubscriptionStatus, out_of_text};
use crate::ui::badges::{PetAvatar, StatusPill};
use crate::ui::format::{date, day_and_time, period};
use crate::ui::unbroken::unbroken_ids;

fn ended(status: SubscriptionStatus) -> bool {
    matches!(status, SubscriptionStatus::Expired | SubscriptionStatus::Cancelled)
}

/// The overview; `base` is the page's path, which the filter links keep.
#[component]
pub fn HealthcardView(card: Healthcard, base: String) -> impl IntoView {
    let query = use_query_map();
    let pet = move || query.read().get("pet").and_then(|p| p.parse::<i64>().ok());
    let show = move || query.read().get("show").unwrap_or_default();
    let base = StoredValue::new(base);
    let link = move |pet: Option<i64>, show: &str| {
        let base = base.get_value();
        {
            let mut parts = Vec::new();
            if let Some(p) = pet {
                parts.push(format!("pet={p}"));
            }
            if !show.is_empty() {
                parts.push(format!("show={show}"));
            }
            if parts.is_empty() { base } else { format!("{base}?{}", parts.join("&")) }
        }
    };
    let currency = card.clinic.currency.clone();
    let today = card.clinic.today;
    let plans = StoredValue::new(card.plans);
    let pets = card.pets.clone();
    let visible = move || {
        let (pet, show) = (pet(), show());
        plans.get_value().into_iter().filter(move |p| {
            let sub = &p.card.subscription;
            let for_pet = pet.is_none_or(|id| sub.patient_id.is_none_or(|own| own == id));
            let by_status = match show.as_str() {
                "current" => !ended(sub.status),
                "ended" => ended(sub.status),
                _ => true,
            };
            for_pet && by_status
        })
    };
    view! {
        <section class="healthcard" data-test="healthcard">
            <div class="hc-summary panel">
                <div><p class="eyebrow">"Saved so far"</p>
                    <p class="hc-saved" data-test="total-saved">{card.total_saved.format(&currency)}</p>
                    <p class="muted small">"What your plans took off the regular price of the care they covered, at the prices of the day."</p></div>
            </div>
            <nav class="chips hc-filter" aria-label="Filter by pet" data-test="pet-filter">
                <a class=move || if pet().is_none() { "chip on" } else { "chip" } href=move || link(None, &show())>"All pets"</a>
                {pets.into_iter().map(|p| { let l = link; view! {
                    <a class=move || if pet() == Some(p.id) { "chip on" } else { "chip" } href=move || l(Some(p.id), &show()) data-test="pet-chip">
                        <PetAvatar name=p.name.clone() species=p.species.clone() large=false/>{p.name.clone()}
                        {p.deceased_on.map(|_| " †")}</a>
                }}).collect_view()}
            </nav>
            <nav class="chips hc-filter" aria-label="Filter by status" data-test="status-filter">
                {[("", "All plans"), ("current", "Current"), ("ended", "Ended")].into_iter().map(|(code, label)| { let l = link; view! {
                    <a class=move || if show() == code { "chip on" } else { "chip" } href=move || l(pet(), code) data-test="status-chip">{label}</a>
                }}).collect_view()}
            </nav>
            {move || {
                let shown: Vec<HealthPlan> = visible().collect();
                if shown.is_empty() {
                    view! { <p class="panel empty">"No plans match this filter."</p> }.into_any()
                } else {
                    shown.into_iter().map(|p| view! { <PlanDetails plan=p currency=currency.clone() today/> }).collect_view().into_any()
                }
            }}
        </section>
    }
}

#[component]
fn PlanDetails(plan: HealthPlan, currency: crate::domain::Currency, today: chrono::NaiveDate) -> impl IntoView {
    let sub = plan.card.subscription.clone();
    let whose = plan.card.patient_name.clone().unwrap_or_else(|| "the whole household".into());
    let counted: Vec<_> = sub.benefits.iter().filter(|b| !matches!(b.remaining(), Remaining::Unlimited)).collect();
    let some_left = counted.iter().filter(|b| matches!(b.remaining(), Remaining::Counted(q) if q.0 > 0)).count();
    // A package or session pack reads as one counter, in the words of the
    // plans' benefits: "3 out of 10 sessions left".
    let pack = plan.card.pack().map(|pack| {
        let unit = plan.card.pack_unit().unwrap_or("session").to_string();
        let ends = match (pack.state(today), pack.ends_on) {
            (crate::domain::PackState::Expired, Some(end)) => format!("Expired on {}", date(end)),
            (_, Some(end)) => format!("Use by {}", date(end)),
            (_, None) => "No expiry".to_string(),
        };
        let class = if pack.left().0 > 0 { "counter counter-left" } else { "counter counter-out" };
        (pack.out_of_text(&unit), ends, class)
    });
    // What the owner has booked: "Next: Wed 2 Dec 15:00, Fri 4 Dec 15:00".
    let booked: Vec<_> = plan
        .card
        .pack_facts
        .as_ref()
        .map_or_else(Vec::new, |f| f.next_booked.iter().filter(|t| t.date() >= today).copied().collect());
    let next = (!booked.is_empty()).then(|| {
        let times: Vec<String> = booked.iter().take(3).map(|t| day_and_time(*t)).collect();
        format!("Booked: {}", times.join(", "))
    });
    let summary = format!("{some_left} of {} benefits with some left", counted.len());
    view! {
        <details class="panel hc-plan" data-test="hc-plan" data-plan=sub.plan_name.clone()>
            <summary>
                <div class="hc-title">
                    <h3>{sub.plan_name.clone()}</h3>
                    <p class="muted small">{format!("For {whose} · {}", period(sub.starts_on, sub.ends_on))}</p>
                </div>
                {match pack {
                    Some((left, ends, class)) => view! {
                        <div class="hc-side" data-test="hc-pack">
                            <span class=class data-test="pack-left">{left}</span>
                            <span class="small muted">{ends}</span>
                            {next.clone().map(|n| view! { <span class="small hc-next" data-test="pack-next-booked">{n}</span> })}
                        </div>
                    }.into_any(),
                    None => view! { <div class="hc-side"><StatusPill status=sub.status/><span class="small muted">{summary}</span></div> }.into_any(),
                }}
            </summary>
            <ul class="hc-benefits">
                {sub.benefits.iter().zip(plan.card.benefits.iter()).map(|(b, shown)| {
                    let left = b.remaining();
                    let class = match left {
                        Remaining::Counted(q) if q.0 <= 0 => "counter counter-out",
                        _ => "counter counter-left",
                    };
                    // "Wellness exams · Wellness exam" says it twice.
                    let covers = (!shown.named_by_label).then(|| format!(" · {}", shown.covers_name));
                    view! {
                        <li data-test="hc-benefit">
                            <span><strong>{b.label.clone()}</strong><span class="muted small">{covers}</span></span>
                            <span class=class data-test="counter">{out_of_text(b.limit, left, &shown.units)}{shown.yearly.then_some(" this plan year")}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <dl class="hc-money">
                <div><dt>"Paid"</dt><dd>{plan.paid.format(&currency)}</dd></div>
                <div><dt>"Still to pay"</dt><dd>{plan.due.format(&currency)}</dd></div>
                <div><dt>"Next payment"</dt><dd>{plan.next_due.map_or("None due".to_string(), |(on, amount)| format!("{} on {}", amount.format(&currency), date(on)))}</dd></div>
                <div><dt>"Saved"</dt><dd data-test="plan-saved">{plan.saved.format(&currency)}</dd></div>
            </dl>
            <h4>"What was used"</h4>
            {if plan.history.is_empty() {
                view! { <p class="muted small">"Nothing used yet."</p> }.into_any()
            } else {
                view! { <ul class="hc-history">{plan.history.into_iter().map(|u| view! {
                    <li><span class="muted small">{date(u.on)}</span>" "<span>{u.text}</span><span class="muted small">" · "{unbroken_ids(&u.source)}</span></li>
                }).collect_view()}</ul> }.into_any()
            }}
        </details>
    }
}
