//! Stored moments on the clinic's own clock. The database keeps every
//! moment in UTC ("2026-12-05T21:15:00Z"); a receptionist in Brussels reads
//! "22:15", not "21:15 UTC". Pages get the clinic's local time already
//! worked out here, because time zone rules live on the server only.

use chrono::{NaiveDateTime, TimeZone};

use crate::wire::invoice_view::{InvoiceView, Stamp};
use crate::wire::plans::{LedgerRow, PlanDetail};
use crate::wire::staff::StaffMember;
use crate::wire::sync::{ApiToken, SyncRun};

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

/// A page's answer with its moments on a clinic's clock: the page server
/// functions call this and do no converting of their own.
pub trait OnClinicClock: Sized {
    /// The same answer, its moments read on `zone`'s clock.
    fn on_clinic_clock(self, zone: &str) -> Self;
}

impl<T: OnClinicClock> OnClinicClock for Vec<T> {
    fn on_clinic_clock(self, zone: &str) -> Self {
        self.into_iter().map(|item| item.on_clinic_clock(zone)).collect()
    }
}

impl<T: OnClinicClock> OnClinicClock for Option<T> {
    fn on_clinic_clock(self, zone: &str) -> Self {
        self.map(|item| item.on_clinic_clock(zone))
    }
}

impl OnClinicClock for StaffMember {
    fn on_clinic_clock(self, zone: &str) -> Self {
        StaffMember { last_sign_in_at: maybe_on_clinic_clock(self.last_sign_in_at, zone), ..self }
    }
}

impl OnClinicClock for SyncRun {
    fn on_clinic_clock(self, zone: &str) -> Self {
        SyncRun { started_at: on_clinic_clock(&self.started_at, zone), ..self }
    }
}

impl OnClinicClock for ApiToken {
    fn on_clinic_clock(self, zone: &str) -> Self {
        ApiToken {
            created_at: on_clinic_clock(&self.created_at, zone),
            last_used_at: maybe_on_clinic_clock(self.last_used_at, zone),
            revoked_at: maybe_on_clinic_clock(self.revoked_at, zone),
            ..self
        }
    }
}

impl OnClinicClock for Stamp {
    fn on_clinic_clock(self, zone: &str) -> Self {
        Stamp { at: on_clinic_clock(&self.at, zone), ..self }
    }
}

impl OnClinicClock for InvoiceView {
    fn on_clinic_clock(self, zone: &str) -> Self {
        InvoiceView {
            finalized: self.finalized.on_clinic_clock(zone),
            voided: self.voided.map(|(stamp, why)| (stamp.on_clinic_clock(zone), why)),
            ..self
        }
    }
}

impl OnClinicClock for PlanDetail {
    fn on_clinic_clock(self, zone: &str) -> Self {
        let history = self
            .history
            .into_iter()
            .map(|row| LedgerRow { created_at: on_clinic_clock(&row.created_at, zone), ..row })
            .collect();
        PlanDetail { history, ..self }
    }
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

    #[test]
    fn an_answer_has_every_moment_on_the_clinics_clock() {
        let token = ApiToken {
            id: 1,
            name: "Practice system".into(),
            shown_prefix: "cc_1234".into(),
            created_by: "Dr. Sarah Jansen".into(),
            created_at: "2026-12-05T21:15:00Z".into(),
            last_used_at: Some("2026-12-05T23:30:00Z".into()),
            revoked_at: None,
        };
        let shown = vec![token.clone()].on_clinic_clock("Europe/Brussels");
        assert_eq!(
            shown,
            vec![ApiToken {
                created_at: "2026-12-05T22:15:00".into(),
                last_used_at: Some("2026-12-06T00:30:00".into()),
                ..token
            }]
        );
    }
}
