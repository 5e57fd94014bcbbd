//! TUF date-time values (digest 1.3, 1.5, item 40).
//!
//! Metadata writes `expires` as `YYYY-MM-DDTHH:MM:SSZ`: UTC, a literal `Z`, no fractional
//! seconds (digest 1.3). This module parses that form strictly (exactly 20 ASCII characters;
//! python-tuf's `strptime` would also accept unpadded fields, digest section 5 "expires
//! parsing"), formats it back, and compares instants for expiry checks.
//!
//! Calendar arithmetic uses Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms
//! on the proleptic Gregorian calendar. Only years 1..=9999 are representable, so every
//! [`DateTime`] formats back to exactly 20 characters.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;

/// A UTC instant with one-second resolution, between `0001-01-01T00:00:00Z` and
/// `9999-12-31T23:59:59Z` inclusive, stored as seconds since the Unix epoch.
///
/// Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    unix: i64,
}

impl DateTime {
    /// The earliest representable instant, `0001-01-01T00:00:00Z`.
    pub const MIN: DateTime = DateTime {
        unix: -62_135_596_800,
    };
    /// The latest representable instant, `9999-12-31T23:59:59Z`.
    pub const MAX: DateTime = DateTime {
        unix: 253_402_300_799,
    };

    /// Parse `YYYY-MM-DDTHH:MM:SSZ` strictly (digest 1.3, item 40).
    ///
    /// Exactly 20 ASCII characters; every field zero-padded; year 0001-9999; a real Gregorian
    /// calendar date; hour 00-23, minute 00-59, second 00-59 (no leap second); uppercase `T`
    /// and `Z`. Offsets, fractional seconds, lowercase `t`/`z`, missing padding and any other
    /// deviation give `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let b: &[u8; 20] = s.as_bytes().try_into().ok()?;
        let sep_ok = b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z';
        if !sep_ok {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let hour = digits(&b[11..13])?;
        let minute = digits(&b[14..16])?;
        let second = digits(&b[17..19])?;
        Self::from_civil(year, month, day, hour, minute, second)
    }

    /// The instant for a UTC calendar date and time of day, if every component is valid: year
    /// 1..=9999, a day that exists in that month, hour 0..=23, minute 0..=59, second 0..=59.
    pub fn from_civil(
        year: u32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        let secs = i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Some(DateTime {
            unix: days * SECONDS_PER_DAY + secs,
        })
    }

    /// The instant `unix` seconds after 1970-01-01T00:00:00Z, if it lies in years 1..=9999.
    pub fn from_unix(unix: i64) -> Option<Self> {
        (Self::MIN.unix..=Self::MAX.unix)
            .contains(&unix)
            .then_some(DateTime { unix })
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn unix(self) -> i64 {
        self.unix
    }

    /// The current system time, truncated to whole seconds (rounded down) and clamped to
    /// [`MIN`](Self::MIN)..=[`MAX`](Self::MAX).
    ///
    /// The TUF client workflow takes this once, at the start of an update, and checks every
    /// expiry against that one value (digest 5.1, item 21).
    pub fn now() -> Self {
        let unix = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => {
                // The clock is before 1970: round towards negative infinity.
                let d = e.duration();
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                let secs = if d.subsec_nanos() > 0 {
                    secs.saturating_add(1)
                } else {
                    secs
                };
                secs.saturating_neg()
            }
        };
        DateTime {
            unix: unix.clamp(Self::MIN.unix, Self::MAX.unix),
        }
    }

    /// Is metadata that expires at `self` expired at the time `reference`?
    ///
    /// True when `reference >= self`: a file is trusted only while `expires > reference`, so
    /// at the very second of expiry it is already expired (digest 1.5, item 21; python-tuf's
    /// `Signed.is_expired`). `reference` should be the fixed update start time.
    pub fn is_expired_at(self, reference: DateTime) -> bool {
        reference >= self
    }

    /// The UTC calendar components `(year, month, day, hour, minute, second)`.
    pub fn to_civil(self) -> (u32, u32, u32, u32, u32, u32) {
        let days = self.unix.div_euclid(SECONDS_PER_DAY);
        let secs = self.unix.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        // The invariant MIN..=MAX keeps the year in 1..=9999; every value fits in u32.
        let c = |v: i64| u32::try_from(v).unwrap_or(0);
        (
            c(y),
            c(m),
            c(d),
            c(secs / 3600),
            c(secs % 3600 / 60),
            c(secs % 60),
        )
    }
}

impl fmt::Display for DateTime {
    /// Writes `YYYY-MM-DDTHH:MM:SSZ`, the form [`DateTime::parse`] accepts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// The value of a run of ASCII decimal digits (no sign, no other characters).
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days in `month` (1..=12) of `year` in the Gregorian calendar; 0 for an invalid month.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant, `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = (m + 9) % 12; // March = 0 .. February = 11
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01
/// (Howard Hinnant, `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        DateTime::parse(s).unwrap_or_else(|| panic!("{s:?} should parse"))
    }

    #[test]
    fn known_epoch_values() {
        let rows: &[(&str, i64)] = &[
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:01Z", 1),
            ("1969-12-31T23:59:59Z", -1),
            ("2000-01-01T00:00:00Z", 946_684_800),
            ("2000-02-29T12:34:56Z", 951_827_696),
            ("2000-03-01T00:00:00Z", 951_868_800),
            ("2030-01-01T00:00:00Z", 1_893_456_000),
            ("2038-01-19T03:14:07Z", 2_147_483_647),
            ("1900-03-01T00:00:00Z", -2_203_891_200),
            ("1600-02-29T00:00:00Z", -11_670_998_400),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
            ("0001-01-01T00:00:00Z", -62_135_596_800),
        ];
        for &(s, unix) in rows {
            let t = dt(s);
            assert_eq!(t.unix(), unix, "{s}");
            assert_eq!(t.to_string(), s);
            assert_eq!(DateTime::from_unix(unix), Some(t));
        }
        assert_eq!(DateTime::MIN, dt("0001-01-01T00:00:00Z"));
        assert_eq!(DateTime::MAX, dt("9999-12-31T23:59:59Z"));
        assert_eq!(
            dt("2000-02-29T12:34:56Z").to_civil(),
            (2000, 2, 29, 12, 34, 56)
        );
    }

    #[test]
    fn round_trips() {
        for s in [
            "0001-01-01T00:00:00Z",
            "0001-12-31T23:59:59Z",
            "0004-02-29T00:00:00Z",
            "0099-01-01T00:00:00Z",
            "0400-02-29T00:00:00Z",
            "1969-07-20T20:17:40Z",
            "2024-02-29T23:59:59Z",
            "2030-01-01T00:00:00Z",
            "2100-02-28T11:11:11Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(dt(s).to_string(), s);
        }
        // Every day of some years around leap rules, and arbitrary seconds, both ways.
        for year in [1u32, 4, 100, 400, 1900, 1970, 2000, 2023, 2024, 9999] {
            let mut prev: Option<DateTime> = None;
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let s = format!("{year:04}-{month:02}-{day:02}T01:02:03Z");
                    let t = dt(&s);
                    assert_eq!(t.to_string(), s);
                    if let Some(p) = prev {
                        assert_eq!(t.unix() - p.unix(), SECONDS_PER_DAY, "{s}");
                    }
                    prev = Some(t);
                }
            }
        }
        let mut unix = DateTime::MIN.unix();
        while unix <= DateTime::MAX.unix() {
            let t = DateTime::from_unix(unix).unwrap();
            assert_eq!(DateTime::parse(&t.to_string()), Some(t));
            unix += 7_777_777; // ~90 days, lands on varied times of day
        }
    }

    #[test]
    fn rejections() {
        for s in [
            "",
            "2030-01-01",
            "2030-01-01T00:00:00",
            "2030-01-01T00:00:00z",
            "2030-01-01t00:00:00Z",
            "2030-01-01 00:00:00Z",
            "2030-01-01T00:00:00+00:00",
            "2030-01-01T00:00:00+0000",
            "2030-01-01T00:00:00.0Z",
            "2030-01-01T00:00:00.000Z",
            "2030-01-01T00:00:00ZZ",
            " 2030-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z ",
            "2030-1-1T1:2:3Z",
            "2030-01-1T00:00:00Z",
            "30-01-01T00:00:00Z",
            "+030-01-01T00:00:00Z",
            "-030-01-01T00:00:00Z",
            "20300-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "2030-00-01T00:00:00Z",
            "2030-13-01T00:00:00Z",
            "2030-01-00T00:00:00Z",
            "2030-01-32T00:00:00Z",
            "2030-02-29T00:00:00Z",
            "2030-02-30T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2030-04-31T00:00:00Z",
            "2030-01-01T24:00:00Z",
            "2030-01-01T00:60:00Z",
            "2030-01-01T00:00:60Z",
            "2030-01-01T23:59:60Z",
            "2030/01/01T00:00:00Z",
            "2030-01-01T00-00-00Z",
            "2030-01-01T0a:00:00Z",
            "2030-01-01T+1:00:00Z",
            "2030-01-01T 1:00:00Z",
            "２030-01-01T00:00:00Z",
            "2030-01-01T00:00:0éZ",
        ] {
            assert_eq!(DateTime::parse(s), None, "{s:?}");
        }
        // Leap days that do exist.
        assert!(DateTime::parse("2024-02-29T00:00:00Z").is_some());
        assert!(DateTime::parse("2000-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn from_unix_range() {
        assert_eq!(DateTime::from_unix(DateTime::MIN.unix() - 1), None);
        assert_eq!(DateTime::from_unix(DateTime::MAX.unix() + 1), None);
        assert_eq!(DateTime::from_unix(i64::MIN), None);
        assert_eq!(DateTime::from_unix(i64::MAX), None);
        assert_eq!(
            DateTime::from_unix(-62_135_596_801),
            None,
            "0000-12-31T23:59:59Z"
        );
        assert!(DateTime::from_unix(0).is_some());
    }

    #[test]
    fn from_civil_validates() {
        assert_eq!(
            DateTime::from_civil(2000, 2, 29, 12, 34, 56),
            Some(dt("2000-02-29T12:34:56Z"))
        );
        assert_eq!(DateTime::from_civil(0, 1, 1, 0, 0, 0), None);
        assert_eq!(DateTime::from_civil(10_000, 1, 1, 0, 0, 0), None);
        assert_eq!(DateTime::from_civil(2001, 2, 29, 0, 0, 0), None);
        assert_eq!(DateTime::from_civil(2001, 1, 1, 0, 0, 60), None);
        assert_eq!(
            DateTime::from_civil(u32::MAX, u32::MAX, u32::MAX, 0, 0, 0),
            None
        );
    }

    #[test]
    fn expiry_boundary() {
        let expires = dt("2030-01-01T00:00:00Z");
        // Equal time counts as expired (reference >= expires).
        assert!(expires.is_expired_at(dt("2030-01-01T00:00:00Z")));
        assert!(expires.is_expired_at(dt("2030-01-01T00:00:01Z")));
        assert!(!expires.is_expired_at(dt("2029-12-31T23:59:59Z")));
        assert!(DateTime::MIN.is_expired_at(DateTime::MIN));
        assert!(!DateTime::MAX.is_expired_at(DateTime::MIN));
    }

    #[test]
    fn ordering_is_chronological() {
        let a = dt("1999-12-31T23:59:59Z");
        let b = dt("2000-01-01T00:00:00Z");
        assert!(a < b);
        assert!(dt("0001-01-01T00:00:00Z") < dt("1970-01-01T00:00:00Z"));
        assert_eq!(a.max(b), b);
    }

    #[test]
    fn now_is_sane() {
        let now = DateTime::now();
        assert!(now > dt("2020-01-01T00:00:00Z"));
        assert!(now < DateTime::MAX);
        assert_eq!(DateTime::parse(&now.to_string()), Some(now));
    }
}
