//! How the store writes and reads days, times and flags, the same on every
//! backend.
//!
//! Both schemas keep a day as ISO-8601 text (`2026-12-03`), a time of day
//! with its day as `2026-12-03 09:30:00`, and a flag as the integer 0 or 1,
//! so values sort and compare alike on SQLite and PostgreSQL. These wrappers
//! encode and decode through the backend's own text and integer types; the
//! domain keeps using chrono's types and `bool`.
//!
//! A row struct reads a column through them with
//! `#[sqlx(try_from = "Day")]`; a statement binds `Day(day)`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Database, Decode, Encode, Type};

/// A calendar day, kept as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

/// A day that may be missing, for `Option<NaiveDate>` columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaybeDay(pub Option<NaiveDate>);

/// A day and a time of day without a zone (an appointment's start), kept as
/// `YYYY-MM-DD HH:MM:SS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DayTime(pub NaiveDateTime);

/// A moment in UTC (a link's expiry), kept as RFC 3339 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(pub DateTime<Utc>);

/// A yes or no, kept as the integer 1 or 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

const DAY: &str = "%Y-%m-%d";
const DAY_TIME: &str = "%Y-%m-%d %H:%M:%S%.f";

impl Day {
    /// The day as the schema keeps it.
    pub fn text(self) -> String {
        use chrono::Datelike;
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        if !(0..=9999).contains(&year) {
            return self.0.format(DAY).to_string();
        }
        // Written digit by digit: an import writes a day for every line, and
        // chrono's general formatter took a few per cent of its counting.
        let digits = [year / 1000, year / 100 % 10, year / 10 % 10, year % 10];
        let mut text = String::with_capacity(10);
        text.extend(digits.iter().map(|&d| char::from(b'0' + d as u8)));
        for part in [month, day] {
            text.push('-');
            text.push(char::from(b'0' + (part / 10) as u8));
            text.push(char::from(b'0' + (part % 10) as u8));
        }
        text
    }
}

/// Reads a day as written by this store or by an older SQLite driver.
fn parse_day(text: &str) -> Result<NaiveDate, BoxDynError> {
    // A day stored with a time (from `datetime()`) still names its day.
    let day = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(day, DAY).map_err(|e| format!("{text:?} is not a day: {e}").into())
}

impl DayTime {
    /// A day and time as this store writes it (or as an older driver, or a
    /// form with `T` and no seconds, did).
    pub fn parse(text: &str) -> Result<NaiveDateTime, BoxDynError> {
        parse_day_time(text)
    }
}

fn parse_day_time(text: &str) -> Result<NaiveDateTime, BoxDynError> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| format!("{text:?} is not a day and time").into())
}

fn parse_stamp(text: &str) -> Result<DateTime<Utc>, BoxDynError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    parse_day_time(text).map(|at| at.and_utc())
}

/// Implements `Type` for a wrapper through the backend's type `$inner`.
macro_rules! stored_as {
    ($wrapper:ty, $inner:ty) => {
        impl<DB: Database> Type<DB> for $wrapper
        where
            $inner: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <$inner as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <$inner as Type<DB>>::compatible(ty)
            }
        }
    };
}

/// A value kept as text: written by `$write`, read by `$read`, and handed
/// to the domain as `$value`.
macro_rules! kept_as_text {
    ($wrapper:ident, $value:ty, $write:expr, $read:expr) => {
        stored_as!($wrapper, String);

        impl<'q, DB: Database> Encode<'q, DB> for $wrapper
        where
            String: Encode<'q, DB>,
        {
            fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
                let write: fn(&$value) -> String = $write;
                write(&self.0).encode(buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $wrapper
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let read: fn(&str) -> Result<$value, BoxDynError> = $read;
                read(<&str as Decode<DB>>::decode(value)?).map($wrapper)
            }
        }

        impl From<$wrapper> for $value {
            fn from(kept: $wrapper) -> $value {
                kept.0
            }
        }
    };
}

kept_as_text!(Day, NaiveDate, |day| day.format(DAY).to_string(), parse_day);
kept_as_text!(DayTime, NaiveDateTime, |at| at.format(DAY_TIME).to_string(), parse_day_time);
kept_as_text!(Stamp, DateTime<Utc>, |at| at.to_rfc3339_opts(SecondsFormat::AutoSi, false), parse_stamp);
stored_as!(MaybeDay, String);

/// A flag is written as an integer; it is read from an integer column, or
/// from a comparison, which PostgreSQL answers as a boolean.
impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty) || <bool as Type<Any>>::compatible(ty)
    }
}

impl<'q, DB: Database> Encode<'q, DB> for MaybeDay
where
    Option<String>: Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
        self.0.map(|day| Day(day).text()).encode(buf)
    }
}

impl<'r, DB: Database> Decode<'r, DB> for MaybeDay
where
    Option<&'r str>: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        <Option<&str> as Decode<DB>>::decode(value)?.map(parse_day).transpose().map(MaybeDay)
    }
}

impl From<MaybeDay> for Option<NaiveDate> {
    fn from(day: MaybeDay) -> Option<NaiveDate> {
        day.0
    }
}

impl<'q> Encode<'q, Any> for Flag {
    fn encode_by_ref(&self, buf: &mut <Any as Database>::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<Any>>::encode(i64::from(self.0), buf)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        match <i64 as Decode<Any>>::decode(value.clone()) {
            Ok(number) => Ok(Flag(number != 0)),
            Err(_) => <bool as Decode<Any>>::decode(value).map(Flag),
        }
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_read_back_what_older_drivers_wrote() {
        assert_eq!(parse_day("2026-12-03").ok(), NaiveDate::from_ymd_opt(2026, 12, 3));
        assert_eq!(parse_day("2026-12-03 09:30:00").ok(), NaiveDate::from_ymd_opt(2026, 12, 3));
        assert!(parse_day("03-12-2026").is_err());
        let at = NaiveDate::from_ymd_opt(2026, 12, 3).and_then(|d| d.and_hms_opt(9, 30, 0));
        assert_eq!(parse_day_time("2026-12-03 09:30:00").ok(), at);
        assert_eq!(parse_day_time("2026-12-03T09:30").ok(), at);
        assert_eq!(at.map(|at| at.format(DAY_TIME).to_string()).as_deref(), Some("2026-12-03 09:30:00"));
        let stamp = at.map(|at| at.and_utc());
        assert_eq!(parse_stamp("2026-12-03T09:30:00+00:00").ok(), stamp);
        assert_eq!(parse_stamp("2026-12-03T10:30:00+01:00").ok(), stamp);
    }

    #[test]
    fn a_day_is_written_as_chrono_writes_it() {
        let days = [(2026, 12, 3), (1999, 1, 31), (5, 7, 9), (0, 1, 1), (9999, 12, 31), (10_000, 1, 1), (-3, 2, 28)];
        for (year, month, day) in days {
            let day = NaiveDate::from_ymd_opt(year, month, day).expect("a day");
            assert_eq!(Day(day).text(), day.format(DAY).to_string());
            assert_eq!(Day(day).text(), day.to_string());
        }
    }
}
