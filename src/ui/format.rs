//! How dates, species and ages read on screen.
//!
//! Dates and times are written out here by hand rather than through
//! chrono's `format("%…")`: its pattern reader and writer took more of every
//! bundle than all the places that show a date.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

fn month(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

fn weekday(d: NaiveDate) -> &'static str {
    WEEKDAYS[d.weekday().num_days_from_monday() as usize]
}

/// The first three letters of a month's or a day's name ("Nov", "Tue").
fn short(name: &'static str) -> &'static str {
    &name[..3]
}

/// "3 Nov 2026".
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), short(month(d)), d.year())
}

/// "Tuesday 3 November 2026".
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {} {} {}", weekday(d), d.day(), month(d), d.year())
}

/// "Tue 3 Nov".
pub fn short_day(d: NaiveDate) -> String {
    format!("{} {} {}", short(weekday(d)), d.day(), short(month(d)))
}

/// "09:30" (the schedule's own way of writing a time).
pub use crate::domain::slots::clock;

/// "Tue 3 Nov 09:30".
pub fn day_and_time(t: NaiveDateTime) -> String {
    format!("{} {}", short_day(t.date()), clock(t))
}

/// "2026-11-03T09:30", as a `datetime-local` field holds it.
pub fn field_stamp(t: NaiveDateTime) -> String {
    format!("{}T{}", t.date(), clock(t))
}

/// "1 Sep 2026 – 31 Aug 2027", or "from 1 Sep 2026" when open-ended.
pub fn period(start: NaiveDate, end: Option<NaiveDate>) -> String {
    match end {
        Some(end) => format!("{} – {}", date(start), date(end)),
        None => format!("from {}", date(start)),
    }
}

/// A moment as people read it: on the clinic's clock as the server sends
/// it ("2026-12-05T22:15:00" reads "5 Dec 2026, 22:15"), or marked UTC when
/// it comes as stored ("…Z"). Anything unexpected is shown as it came.
pub fn stamp(sent: &str) -> String {
    let (moment, zone) = match sent.strip_suffix('Z') {
        Some(utc) => (utc, " UTC"),
        None => (sent, ""),
    };
    moment
        .parse::<NaiveDateTime>()
        .map(|t| format!("{}, {}{zone}", date(t.date()), clock(t)))
        .unwrap_or_else(|_| sent.to_string())
}

/// The first letter of a name, for an avatar, which the style sheet shows
/// in capitals (`.avatar`): upper-casing it here would bring Unicode's case
/// tables into every bundle.
pub fn initial(name: &str) -> String {
    name.chars().next().map(String::from).unwrap_or_default()
}

/// "5 months", "3 years", from a birth date to today.
pub fn age(birth: NaiveDate, today: NaiveDate) -> String {
    let whole_months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let months = (whole_months(today) - whole_months(birth) - i32::from(today.day() < birth.day())).max(0);
    match months {
        0 => "under a month".into(),
        1 => "1 month".into(),
        m if m < 24 => format!("{m} months"),
        m => format!("{} years", m / 12),
    }
}

/// A count with thousands grouped ("100,000").
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_read_as_dates_and_times() {
        assert_eq!(stamp("2026-11-22T22:41:25Z"), "22 Nov 2026, 22:41 UTC");
        assert_eq!(stamp("2026-06-23T10:29:00.123Z"), "23 Jun 2026, 10:29 UTC");
        assert_eq!(stamp("2026-12-05T22:15:00"), "5 Dec 2026, 22:15");
        assert_eq!(stamp("yesterday"), "yesterday");
    }

    #[test]
    fn dates_and_times_read_as_chrono_would_write_them() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let at = day.and_hms_opt(9, 5, 59).unwrap();
        assert_eq!(date(day), day.format("%-d %b %Y").to_string());
        assert_eq!(long_date(day), day.format("%A %-d %B %Y").to_string());
        assert_eq!(short_day(day), day.format("%a %-d %b").to_string());
        assert_eq!(clock(at), at.format("%H:%M").to_string());
        assert_eq!(day_and_time(at), at.format("%a %-d %b %H:%M").to_string());
        assert_eq!(field_stamp(at), at.format("%Y-%m-%dT%H:%M").to_string());
        // Every month and weekday, against chrono's own names.
        for offset in 0..400 {
            let d = day + chrono::Days::new(offset);
            assert_eq!(long_date(d), d.format("%A %-d %B %Y").to_string());
            assert_eq!(short_day(d), d.format("%a %-d %b").to_string());
        }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1_000), "1,000");
        assert_eq!(super::count(100_000), "100,000");
        assert_eq!(super::count(2_000_000), "2,000,000");
    }
}
