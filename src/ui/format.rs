//! How dates, species and ages read on screen.

use chrono::NaiveDate;

/// "3 Nov 2026".
pub fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// "1 Sep 2026 – 31 Aug 2027", or "from 1 Sep 2026" when open-ended.
pub fn period(start: NaiveDate, end: Option<NaiveDate>) -> String {
    match end {
        Some(end) => format!("{} – {}", date(start), date(end)),
        None => format!("from {}", date(start)),
    }
}

/// A stored UTC timestamp ("2026-11-22T22:41:25Z") as people read it:
/// "22 Nov 2026, 22:41 UTC". Anything unexpected is shown as stored.
pub fn stamp(stored: &str) -> String {
    let trimmed = stored.trim_end_matches('Z');
    chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|t| t.format("%-d %b %Y, %H:%M UTC").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// The first letter of a name, for an avatar, which the style sheet shows
/// in capitals (`.avatar`): upper-casing it here would bring Unicode's case
/// tables into every bundle.
pub fn initial(name: &str) -> String {
    name.chars().next().map(String::from).unwrap_or_default()
}

/// "5 months", "3 years", from a birth date to today.
pub fn age(birth: NaiveDate, today: NaiveDate) -> String {
    use chrono::Datelike;
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
        assert_eq!(stamp("yesterday"), "yesterday");
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
