//! The schedule's grid: a clinic's day in slots, a week from its Monday,
//! and whether two visits of one member of staff or one pet overlap.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

/// Minutes between two rows of the schedule.
pub const SLOT_MINUTES: u32 = 15;
/// Shortest and longest appointment a desk may book.
pub const LENGTHS: std::ops::RangeInclusive<u32> = 5..=480;

/// A stretch of time on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// When it starts, in the clinic's local time.
    pub start: NaiveDateTime,
    /// How long it lasts.
    pub minutes: u32,
}

impl Span {
    /// When it ends.
    pub fn end(&self) -> NaiveDateTime {
        self.start + TimeDelta::minutes(i64::from(self.minutes))
    }

    /// Whether the two share a minute (touching ends do not).
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end() && other.start < self.end()
    }

    /// "09:15–09:45".
    pub fn hours_text(&self) -> String {
        format!("{}–{}", clock(self.start), clock(self.end()))
    }
}

/// A time of day as the schedule writes it: "09:30". Written by hand:
/// chrono's `format` would bring its pattern reader and writer into the
/// browser's bundle for two numbers.
pub fn clock(t: impl Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A clinic's opening hours on the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    /// The first slot.
    pub opens: NaiveTime,
    /// The end of the last slot.
    pub closes: NaiveTime,
}

impl Default for Hours {
    fn default() -> Hours {
        Hours {
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(19, 0, 0).unwrap_or_default(),
        }
    }
}

impl Hours {
    /// The start of every slot of a day, in order.
    pub fn slots(&self) -> Vec<NaiveTime> {
        let mut slots = Vec::new();
        let mut at = self.opens;
        while at < self.closes {
            slots.push(at);
            at += TimeDelta::minutes(i64::from(SLOT_MINUTES));
        }
        slots
    }

    /// Which slot row a time falls in, counted from opening; `None` outside
    /// the hours.
    pub fn row_of(&self, at: NaiveTime) -> Option<usize> {
        if at < self.opens || at >= self.closes {
            return None;
        }
        usize::try_from((at - self.opens).num_minutes() / i64::from(SLOT_MINUTES)).ok()
    }

    /// Whether a visit lies within the hours on its day.
    pub fn contains(&self, span: &Span) -> bool {
        let end = span.end();
        span.start.time() >= self.opens && end.date() == span.start.date() && end.time() <= self.closes
    }
}

/// The Monday of the week `day` is in, and the seven days from it.
pub fn week_of(day: NaiveDate) -> [NaiveDate; 7] {
    let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
    std::array::from_fn(|i| monday + Days::new(i as u64))
}

/// Reads a length typed in minutes, or says what to fix.
pub fn parse_length(text: &str) -> Result<u32, String> {
    let minutes: u32 = text
        .trim()
        .parse()
        .map_err(|_| format!("Length: \u{201c}{}\u{201d} is not a number of minutes.", text.trim()))?;
    if !LENGTHS.contains(&minutes) {
        return Err(format!("Length: between {} and {} minutes.", LENGTHS.start(), LENGTHS.end()));
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn back_to_back_visits_do_not_overlap() {
        let first = Span { start: at(9, 0), minutes: 30 };
        assert!(!first.overlaps(&Span { start: at(9, 30), minutes: 30 }));
        assert!(first.overlaps(&Span { start: at(9, 15), minutes: 30 }));
        assert!(first.overlaps(&Span { start: at(8, 45), minutes: 60 }));
        assert_eq!(first.hours_text(), "09:00–09:30");
        assert_eq!(Span { start: at(9, 45), minutes: 75 }.hours_text(), "09:45–11:00");
        assert_eq!(Span { start: at(23, 50), minutes: 20 }.hours_text(), "23:50–00:10");
    }

    #[test]
    fn a_day_has_its_slots_and_a_week_starts_on_monday() {
        let hours = Hours::default();
        assert_eq!(hours.slots().len(), 44);
        assert_eq!(hours.row_of(NaiveTime::from_hms_opt(9, 20, 0).unwrap()), Some(5));
        assert!(!hours.contains(&Span { start: at(18, 45), minutes: 30 }));
        let week = week_of(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert_eq!(week[0], NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(week[6], NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
    }

    #[test]
    fn lengths_are_read_in_minutes() {
        assert_eq!(parse_length(" 45 "), Ok(45));
        assert!(parse_length("0").unwrap_err().contains("between 5 and 480"));
        assert!(parse_length("half an hour").unwrap_err().contains("not a number"));
    }
}
