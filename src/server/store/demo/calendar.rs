//! The demo clinic's calendar: the demo is dated on the day it is where the
//! clinic is, the one its pages count from.

use chrono::{DateTime, NaiveDate, Utc};

/// The demo clinic's time zone.
pub(super) const DEMO_TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

/// The day it is at the demo clinic at `now`. Dated on UTC's day instead,
/// the demo would be a day behind between midnight in Amsterdam and midnight
/// UTC, and a plan sold "ten months ago" would end a day earlier than the
/// demo means.
pub fn demo_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&DEMO_TIME_ZONE).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_dated_on_the_clinics_calendar_not_utcs() {
        let half_past_eleven_utc = "2026-12-05T23:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(demo_today(half_past_eleven_utc), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
        let noon_utc = "2026-12-05T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(demo_today(noon_utc), NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
    }
}
