//! A plan's term on the calendar: when it ends, when it renews, how a hold
//! moves the end. Months are added to the start date each time (never
//! step by step), so 31 January runs to 30 January, not drifting to the 28th.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The last day of a term of `months` starting on `start` (inclusive).
pub fn term_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))?.checked_sub_days(Days::new(1))
}

/// The first day of the term that renews a term ending on `end`.
pub fn renewal_start(end: NaiveDate) -> Option<NaiveDate> {
    end.checked_add_days(Days::new(1))
}

/// The day an automatic renewal is prepared: `days_before` the end.
pub fn renewal_due(end: NaiveDate, days_before: u32) -> Option<NaiveDate> {
    end.checked_sub_days(Days::new(u64::from(days_before)))
}

/// The years a typed or imported day may fall in. Far outside them no
/// clinic means the day, and date arithmetic near the calendar's own ends
/// (a week's Monday, an appointment's end) would overflow.
pub const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Whether `day` lies in [`CALENDAR_YEARS`].
pub fn on_calendar(day: NaiveDate) -> bool {
    CALENDAR_YEARS.contains(&day.year())
}

/// How often a benefit's limit starts again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reset {
    /// Once per term: what is used stays used until the plan renews.
    Term,
    /// Every year from the plan's start (open-ended and multi-year plans).
    Year,
}

impl Reset {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Reset::Term => "term",
            Reset::Year => "year",
        }
    }

    /// Reads a stored code (anything else counts per term).
    pub fn from_code(code: &str) -> Reset {
        if code == "year" { Reset::Year } else { Reset::Term }
    }
}

/// The first day of the plan year that contains `on`, for a plan that
/// started on `start`: the latest anniversary of the start on or before
/// `on` (the start itself before the first anniversary). Anniversaries are
/// counted from the start each time, so 29 February falls on 28 February.
pub fn plan_year_start(start: NaiveDate, on: NaiveDate) -> NaiveDate {
    if on <= start {
        return start;
    }
    let mut years = (on.year() - start.year()).max(0) as u32;
    loop {
        match start.checked_add_months(Months::new(12 * years)) {
            Some(anniversary) if anniversary <= on => return anniversary,
            _ if years == 0 => return start,
            _ => years -= 1,
        }
    }
}

/// The plan year that contains `on`: its first day and the first day of the
/// next (the next anniversary of the start, counted from the start like
/// [`plan_year_start`]). A use counts in the year with `from <= used_on <
/// until`: every reader of a yearly benefit takes both bounds from here, so
/// a use dated in a later year never counts in an earlier one.
pub fn plan_year(start: NaiveDate, on: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = plan_year_start(start, on);
    let mut years = (from.year() - start.year()).max(0) as u32 + 1;
    loop {
        match start.checked_add_months(Months::new(12 * years)) {
            Some(next) if next > from => return (from, next),
            Some(_) => years += 1,
            None => return (from, NaiveDate::MAX),
        }
    }
}

/// Why a hold was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum HoldError {
    /// The hold ends before it starts.
    #[error("A hold must end on or after the day it starts.")]
    EndsBeforeStart,
    /// Longer than the clinic allows, counting earlier holds of the term.
    #[error("Holds may last {max} days per term in total; this one would make {asked}.")]
    TooLong {
        /// The clinic's maximum, in days.
        max: u32,
        /// Days held in total with this hold.
        asked: u32,
    },
}

/// The new end date after a hold from `from` to `until` (inclusive) when
/// holds extend the term; refuses holds beyond `max_days` in total.
pub fn extend_for_hold(
    end: NaiveDate,
    from: NaiveDate,
    until: NaiveDate,
    held_before: u32,
    max_days: u32,
) -> Result<NaiveDate, HoldError> {
    if until < from {
        return Err(HoldError::EndsBeforeStart);
    }
    let days = (until - from).num_days() as u32 + 1;
    let asked = held_before + days;
    if asked > max_days {
        return Err(HoldError::TooLong { max: max_days, asked });
    }
    Ok(end + Days::new(u64::from(days)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::day;

    #[test]
    fn plan_years_start_on_each_anniversary_even_from_a_leap_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(plan_year_start(d(2024, 2, 29), d(2025, 2, 27)), d(2024, 2, 29));
        assert_eq!(plan_year_start(d(2024, 2, 29), d(2025, 2, 28)), d(2025, 2, 28));
        assert_eq!(plan_year_start(d(2024, 2, 29), d(2028, 3, 1)), d(2028, 2, 29));
        assert_eq!(plan_year_start(d(2026, 9, 22), d(2026, 9, 21)), d(2026, 9, 22));
        assert_eq!(plan_year_start(d(2026, 9, 22), d(2029, 1, 5)), d(2028, 9, 22));
    }

    #[test]
    fn a_plan_year_ends_where_the_next_begins_even_across_a_leap_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(plan_year(d(2025, 1, 1), d(2025, 12, 20)), (d(2025, 1, 1), d(2026, 1, 1)));
        assert_eq!(plan_year(d(2025, 1, 1), d(2024, 6, 1)), (d(2025, 1, 1), d(2026, 1, 1)), "before the start");
        // From 29 February: the year from 28 February 2027 runs to 29 February 2028.
        assert_eq!(plan_year(d(2024, 2, 29), d(2027, 6, 1)), (d(2027, 2, 28), d(2028, 2, 29)));
        assert_eq!(plan_year(d(2024, 2, 29), d(2028, 2, 28)), (d(2027, 2, 28), d(2028, 2, 29)));
        assert_eq!(plan_year(d(2024, 2, 29), d(2028, 2, 29)), (d(2028, 2, 29), d(2029, 2, 28)));
    }

    proptest::proptest! {
        /// Plan years tile the calendar: each day after the start lies in
        /// exactly one, and the next year begins where this one ends.
        #[test]
        fn plan_years_tile_the_days_after_the_start(start in 0u32..4000, after in 0u32..3000) {
            let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(u64::from(start));
            let on = start + Days::new(u64::from(after));
            let (from, until) = plan_year(start, on);
            proptest::prop_assert!(from <= on && on < until, "{on} outside [{from}, {until})");
            proptest::prop_assert_eq!(plan_year(start, until).0, until);
            proptest::prop_assert_eq!(plan_year(start, until - Days::new(1)), (from, until));
        }
    }

    #[test]
    fn terms_end_the_day_before_the_same_date_a_year_on() {
        assert_eq!(term_end(day(2026, 3, 1), 12), Some(day(2027, 2, 28)));
        assert_eq!(term_end(day(2027, 3, 1), 12), Some(day(2028, 2, 29)), "2028 is a leap year");
        assert_eq!(term_end(day(2026, 1, 31), 1), Some(day(2026, 2, 27)), "31 Jan + 1 month clamps to 28 Feb");
        assert_eq!(term_end(day(2028, 2, 29), 12), Some(day(2029, 2, 27)));
        assert_eq!(renewal_start(day(2027, 2, 28)), Some(day(2027, 3, 1)));
        assert_eq!(renewal_due(day(2027, 2, 28), 30), Some(day(2027, 1, 29)));
    }

    #[test]
    fn a_hold_moves_the_end_by_its_days_within_the_maximum() {
        let end = day(2026, 12, 31);
        assert_eq!(extend_for_hold(end, day(2026, 6, 1), day(2026, 6, 30), 0, 90), Ok(day(2027, 1, 30)));
        assert_eq!(
            extend_for_hold(end, day(2026, 6, 1), day(2026, 6, 30), 70, 90),
            Err(HoldError::TooLong { max: 90, asked: 100 })
        );
        assert_eq!(extend_for_hold(end, day(2026, 6, 2), day(2026, 6, 1), 0, 90), Err(HoldError::EndsBeforeStart));
    }
}
