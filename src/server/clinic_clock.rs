//! Stored moments on the clinic's own clock. The database keeps every
//! moment in UTC ("2026-12-05T21:15:00Z"); a receptionist in Brussels reads
//! "22:15", not "21:15 UTC". Pages get the clinic's local time already
//! worked out here, because time zone rules live on the server only.

use chrono::{NaiveDateTime, TimeZone};

/// `stored` (UTC, as the database keeps it) as a local time on `zone`'s
/// clock, "2026-12-05T22:15:00", with no zone mark: the pages show it as
/// the clinic's time. Anything that does not read as a stored moment, or a
/// zone that does not parse, is given back as it was, so the page shows it
/// as UTC rather than a wrong local time.
pub fn on_clinic_clock(stored: &str, zone: &str) -> String {
    let Some(utc) = stored.strip_suffix('Z') else { return stored.to_string() };
    let (Ok(at), Ok(zone)) =
        (NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S%.f"), zone.parse::<chrono_tz::Tz>())
    else {
        return stored.to_string();
    };
    zone.from_utc_datetime(&at).naive_local().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// [`on_clinic_clock`] for a moment that may be missing.
pub fn maybe_on_clinic_clock(stored: Option<String>, zone: &str) -> Option<String> {
    stored.map(|at| on_clinic_clock(&at, zone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_read_on_the_clinics_clock_winter_and_summer() {
        assert_eq!(on_clinic_clock("2026-12-05T21:15:00Z", "Europe/Brussels"), "2026-12-05T22:15:00");
        assert_eq!(on_clinic_clock("2026-06-23T10:29:00.123Z", "Europe/Amsterdam"), "2026-06-23T12:29:00");
        // Late in the evening in UTC is the next day in New Zealand.
        assert_eq!(on_clinic_clock("2026-12-05T21:15:00Z", "Pacific/Auckland"), "2026-12-06T10:15:00");
        assert_eq!(on_clinic_clock("2026-12-05T21:15:00Z", "UTC"), "2026-12-05T21:15:00");
    }

    #[test]
    fn the_night_the_clocks_go_back_reads_as_the_wall_clock_did() {
        // 25 Oct 2026, Brussels: 02:59 CEST is followed by 02:00 CET, so the
        // wall clock showed 02:30 twice, an hour apart.
        assert_eq!(on_clinic_clock("2026-10-25T00:30:00Z", "Europe/Brussels"), "2026-10-25T02:30:00");
        assert_eq!(on_clinic_clock("2026-10-25T01:30:00Z", "Europe/Brussels"), "2026-10-25T02:30:00");
        assert_eq!(on_clinic_clock("2026-10-25T02:30:00Z", "Europe/Brussels"), "2026-10-25T03:30:00");
    }

    #[test]
    fn what_does_not_read_as_a_stored_moment_is_left_as_it_was() {
        assert_eq!(on_clinic_clock("2026-12-05T21:15:00Z", "Mars/Olympus"), "2026-12-05T21:15:00Z");
        assert_eq!(on_clinic_clock("yesterday", "Europe/Brussels"), "yesterday");
        assert_eq!(on_clinic_clock("2026-12-05T21:15:00", "Europe/Brussels"), "2026-12-05T21:15:00");
        assert_eq!(maybe_on_clinic_clock(None, "Europe/Brussels"), None);
    }
}
