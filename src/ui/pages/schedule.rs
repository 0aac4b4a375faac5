//! The schedule: a clinic's day by member of staff, or its week by day.
//! A free slot opens the booking form at that time; a visit opens what can
//! be done with it.

use chrono::{Days, NaiveDate, NaiveDateTime, Timelike};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::schedule::{ScheduleView, VisitRow, schedule_page};
use crate::domain::{SLOT_MINUTES, VisitStatus};
use crate::ui::format::{clock, date, field_stamp, long_date, short_day};
use crate::ui::pages::booking_form::BookingPanel;
use crate::ui::pages::visit_panel::VisitPanel;
use crate::ui::route::loaded;

/// Where the booking form opens: a time, and the column's member of staff.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    /// When.
    pub start: NaiveDateTime,
    /// The column's member of staff, if the column is one.
    pub staff: Option<i64>,
}

/// What the schedule's panels share: the open slot or visit, and how to
/// read the schedule again after a change.
#[derive(Clone, Copy)]
pub struct Board {
    /// The slot the booking form is open at.
    pub slot: RwSignal<Option<Slot>>,
    /// The visit whose panel is open.
    pub selected: RwSignal<Option<VisitRow>>,
    /// What the last change did.
    pub notice: RwSignal<Option<String>>,
    version: RwSignal<u32>,
}

impl Board {
    /// Reads the schedule again, closes the panels and says `what`.
    pub fn done(&self, what: String) {
        self.notice.set(Some(what));
        self.slot.set(None);
        self.selected.set(None);
        self.version.update(|v| *v += 1);
    }
}

/// Route `/schedule` (`?day=2026-12-02&view=week`).
#[component]
pub fn SchedulePage() -> impl IntoView {
    let query = use_query_map();
    let day = move || query.read().get("day");
    let week = move || query.read().get("view").as_deref() == Some("week");
    let board = Board {
        slot: RwSignal::new(None),
        selected: RwSignal::new(None),
        notice: RwSignal::new(None),
        version: RwSignal::new(0),
    };
    let page = Resource::new(move || (day(), week(), board.version.get()), |(day, week, _)| schedule_page(day, week));
    view! {
        <Title text="Schedule"/>
        <Transition fallback=|| view! { <p class="loading">"Loading the schedule…"</p> }>
            {move || Suspend::new(async move {
                let week = week();
                loaded(page.await, move |page| view! { <ScheduleBoard page week board/> })
            })}
        </Transition>
    }
}

fn link(day: NaiveDate, week: bool) -> String {
    format!("/schedule?day={day}{}", if week { "&view=week" } else { "" })
}

#[component]
fn ScheduleBoard(page: ScheduleView, week: bool, board: Board) -> impl IntoView {
    let first = page.days[0];
    let step = if week { 7 } else { 1 };
    let title = if week { format!("Week of {}", date(first)) } else { long_date(first) };
    let columns: Vec<(String, Option<i64>, NaiveDate, bool)> = if week {
        page.days.iter().map(|d| (short_day(*d), None, *d, *d == page.clinic.today)).collect()
    } else {
        let mut cols: Vec<_> = page
            .staff
            .iter()
            .map(|s| (if s.me { format!("{} (you)", s.name) } else { s.name.clone() }, Some(s.id), first, s.me))
            .collect();
        cols.push(("Anyone".to_string(), None, first, false));
        cols
    };
    let slots = page.hours.slots();
    let visits = StoredValue::new(page.visits.clone());
    let staff_ids: Vec<i64> = page.staff.iter().map(|s| s.id).collect();
    let services = page.services.clone();
    let staff = StoredValue::new(page.staff.clone());
    let clinic = page.clinic.clone();
    let (may_override, may_sell) = (page.may_override, page.may_sell);
    view! {
        <section class="page-head">
            <div>
                <p class="eyebrow">{format!("Schedule · {}", clinic.name)}</p>
                <h1 data-test="schedule-title">{title}</h1>
            </div>
            <div class="toolbar">
                <a class="button secondary" href=link(first - Days::new(step), week) aria-label="Earlier">"‹"</a>
                <a class="button secondary" href=link(clinic.today, week)>"Today"</a>
                <a class="button secondary" href=link(first + Days::new(step), week) aria-label="Later">"›"</a>
                <nav class="segmented" aria-label="View">
                    <a href=link(first, false) aria-current=(!week).then_some("page") data-test="day-view">"Day"</a>
                    <a href=link(first, true) aria-current=week.then_some("page") data-test="week-view">"Week"</a>
                </nav>
                <a class="button secondary" href="/daycare">"Daycare"</a>
            </div>
        </section>
        {move || board.notice.get().map(|n| view! { <p class="banner success" role="status" data-test="schedule-notice">{n}</p> })}
        <div class="schedule-layout">
            <div class="schedule" data-test="schedule">
                <div class="schedule-times" aria-hidden="true">
                    <div class="schedule-head"></div>
                    {slots.iter().enumerate().map(|(i, t)| view! {
                        <div class=format!("schedule-time {}", row_class(i))>
                            {(t.minute() == 0).then(|| clock(*t))}
                        </div>
                    }).collect_view()}
                </div>
                {columns.into_iter().map(|(label, staff_id, day, mine)| {
                    // "Anyone" also shows visits of staff without a column.
                    let here: Vec<VisitRow> = visits.with_value(|v| v.iter().filter(|v| {
                        let column = v.staff_id.filter(|s| staff_ids.contains(s));
                        v.span.start.date() == day && (week || column == staff_id)
                    }).cloned().collect());
                    let lanes = lanes(&here);
                    let hours = page.hours;
                    view! {
                        <div class=if mine { "schedule-column mine" } else { "schedule-column" } data-test="schedule-column">
                            <div class="schedule-head">{label}</div>
                            {slots.iter().enumerate().map(|(i, t)| {
                                let start = day.and_time(*t);
                                let slot_staff = if week { None } else { staff_id };
                                view! {
                                    <button class=format!("slot {}", row_class(i)) type="button"
                                        data-test="free-slot" data-start=field_stamp(start)
                                        aria-label=format!("Book at {}", clock(start))
                                        on:click=move |_| {
                                            board.selected.set(None);
                                            board.slot.set(Some(Slot { start, staff: slot_staff.or(if week { None } else { staff_id }) }));
                                        }></button>
                                }
                            }).collect_view()}
                            {here.into_iter().zip(lanes).filter_map(|(v, lane)| {
                                let row = hours.row_of(v.span.start.time())?;
                                let span = (v.span.minutes as usize).div_ceil(SLOT_MINUTES as usize).max(1);
                                let class = format!("visit {} {} {lane} {}", row_class(row), length_class(span), match v.status {
                                    VisitStatus::Booked | VisitStatus::CheckedIn => "booked",
                                    VisitStatus::CheckedOut => "done",
                                    VisitStatus::Cancelled | VisitStatus::NoShow => "off",
                                });
                                let shown = v.clone();
                                Some(view! {
                                    <button type="button" class=class data-test="visit"
                                        on:click=move |_| { board.slot.set(None); board.selected.set(Some(shown.clone())); }>
                                        <strong>{clock(v.span.start)}" "{v.patient_name.clone()}</strong>
                                        <span>{v.service_name.clone()}</span>
                                        {v.pack.as_ref().map(|p| view! { <span class="visit-pack">{p.name.clone()}</span> })}
                                        {(week).then(|| v.staff_name.clone()).flatten().map(|s| view! { <span class="muted">{s}</span> })}
                                        {(!v.status.holds()).then(|| view! { <span class="visit-status">{v.status.label()}</span> })}
                                    </button>
                                })
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
            </div>
            {move || board.slot.get().map(|slot| view! {
                <BookingPanel at=slot services=services.clone() staff=staff.get_value() may_override may_sell board/>
            })}
            {move || board.selected.get().map(|visit| view! {
                <VisitPanel visit staff=staff.get_value() board/>
            })}
        </div>
    }
}

/// The class that puts a slot, its time or a visit on the grid row of the
/// day's `slot`-th slot (counted from 0; the grid's first row is the head).
/// `style/main.css` holds one rule per class.
fn row_class(slot: usize) -> String {
    format!("at-{}", slot + 2)
}

/// The class that makes a visit span `slots` rows.
fn length_class(slots: usize) -> String {
    format!("len-{slots}")
}

/// The lane class of each visit of a column: visits that overlap another
/// live visit share the width side by side ("half lane-0", "half lane-1"),
/// so none hides another; cancelled ones and no-shows never take a lane.
fn lanes(visits: &[VisitRow]) -> Vec<&'static str> {
    visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let live = |o: &VisitRow| o.status.holds() || o.status == VisitStatus::CheckedOut;
            if !live(v) {
                return "";
            }
            let overlapping = |o: &&VisitRow| live(o) && o.span.overlaps(&v.span);
            let before = visits[..i].iter().filter(overlapping).count();
            let after = visits[i + 1..].iter().filter(overlapping).count();
            match (before + after, before % 2) {
                (0, _) => "",
                (_, 0) => "half lane-0",
                _ => "half lane-1",
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{length_class, row_class};
    use crate::domain::Hours;

    /// The grid places rows by class only: a class the page writes that the
    /// stylesheet lacks, or breaks across two lines, leaves a free slot out
    /// of its row (so a click books another time) or draws an hour's visit
    /// a quarter high.
    #[test]
    fn every_row_and_length_the_schedule_writes_has_its_rule() {
        let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/style/main.css")).unwrap();
        let rules: std::collections::HashSet<&str> = css.lines().map(str::trim).collect();
        let slots = Hours::default().slots().len();
        for slot in 0..slots {
            let rule = format!(".{} {{ grid-row-start: {}; }}", row_class(slot), slot + 2);
            assert!(rules.contains(rule.as_str()), "style/main.css needs the line `{rule}`");
        }
        for length in 1..=slots {
            let rule = format!(".{} {{ grid-row-end: span {length}; }}", length_class(length));
            assert!(rules.contains(rule.as_str()), "style/main.css needs the line `{rule}`");
        }
    }
}
