//! Business calendars: when the business works, and the clock that counts only that time.
//!
//! A calendar is a time zone, weekly hours (several ranges a day) and dated exceptions: a
//! holiday closes a day, a working day opens one that is normally closed (China's Saturdays
//! that replace holidays). The clock converts every day's local ranges to instants in that
//! zone, so a day that loses or gains an hour to daylight saving counts the time that really
//! passed.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::DomainError;

pub mod ical;

/// Minutes in a day: the end of a range that runs to midnight.
pub const DAY_MINUTES: u16 = 24 * 60;

/// At most this many ranges in one day.
pub const MAX_RANGES_PER_DAY: usize = 6;

/// At most this many dated exceptions in one calendar.
pub const MAX_EXCEPTIONS: usize = 2_000;

/// The longest target the clock counts: a year of round-the-clock minutes.
pub const MAX_MINUTES: i64 = 366 * 24 * 60;

/// How far ahead the clock looks for working time before it gives up.
const MAX_DAYS_AHEAD: i64 = 4 * 366;

/// One range of working time in a day, in minutes after local midnight: `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hours {
    /// When work starts, minutes after midnight.
    pub start: u16,
    /// When work stops, minutes after midnight (1440 for midnight at the day's end).
    pub end: u16,
}

impl Hours {
    /// A range from `start` to `end`, both `HH:MM`.
    pub fn parse(start: &str, end: &str) -> Result<Self, DomainError> {
        Ok(Self {
            start: minute_of(start)?,
            end: minute_of(end)?,
        })
    }

    /// The range as `HH:MM` texts.
    pub fn texts(self) -> (String, String) {
        (clock_text(self.start), clock_text(self.end))
    }
}

/// `HH:MM` as minutes after midnight; `24:00` is the day's end.
pub fn minute_of(text: &str) -> Result<u16, DomainError> {
    let bad = || {
        invalid(format!(
            "`{text}` is not a time of day; write HH:MM, e.g. 09:00"
        ))
    };
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn clock_text(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn invalid(reason: String) -> DomainError {
    DomainError::InvalidCalendar(reason)
}

/// A dated exception to the weekly hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    /// The local date it applies to.
    pub date: NaiveDate,
    /// What it is, e.g. "National Day" or "Working Saturday for Spring Festival".
    pub name: String,
    /// The hours worked that day: none for a holiday or closure.
    pub hours: Vec<Hours>,
}

impl Exception {
    /// Whether the business is closed all that day.
    pub fn is_closure(&self) -> bool {
        self.hours.is_empty()
    }
}

/// A business calendar, validated: the clock can always find working time in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessCalendar {
    zone: Tz,
    week: [Vec<Hours>; 7],
    exceptions: BTreeMap<NaiveDate, Exception>,
}

/// Parses an IANA time zone name such as `Asia/Shanghai`.
pub fn zone_of(name: &str) -> Result<Tz, DomainError> {
    name.trim().parse::<Tz>().map_err(|_| {
        invalid(format!(
            "`{name}` is not a time zone; use an IANA name such as Asia/Shanghai or Europe/Berlin"
        ))
    })
}

/// Checks one day's ranges: each non-empty, within the day, in order and not overlapping.
fn check_day(what: &str, ranges: &[Hours]) -> Result<(), DomainError> {
    if ranges.len() > MAX_RANGES_PER_DAY {
        return Err(invalid(format!(
            "{what} has more than {MAX_RANGES_PER_DAY} ranges"
        )));
    }
    let mut previous_end = 0;
    for (i, range) in ranges.iter().enumerate() {
        let (start, end) = range.texts();
        if range.start >= range.end || range.end > DAY_MINUTES {
            return Err(invalid(format!(
                "{what}: {start}–{end} must start before it ends, within the day"
            )));
        }
        if i > 0 && range.start < previous_end {
            return Err(invalid(format!(
                "{what}: {start}–{end} overlaps or comes before the range before it"
            )));
        }
        previous_end = range.end;
    }
    Ok(())
}

/// The English names of the days, Monday first, for messages.
const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl BusinessCalendar {
    /// A calendar in `zone` with `week`'s hours (Monday first) and dated `exceptions`.
    pub fn new(
        zone: Tz,
        week: [Vec<Hours>; 7],
        exceptions: Vec<Exception>,
    ) -> Result<Self, DomainError> {
        for (day, ranges) in week.iter().enumerate() {
            check_day(DAY_NAMES[day], ranges)?;
        }
        if week.iter().all(Vec::is_empty) {
            return Err(invalid(
                "a calendar needs working hours on at least one day of the week".to_owned(),
            ));
        }
        if exceptions.len() > MAX_EXCEPTIONS {
            return Err(invalid(format!(
                "a calendar holds at most {MAX_EXCEPTIONS} holidays and working days"
            )));
        }
        let mut by_date = BTreeMap::new();
        for mut exception in exceptions {
            check_day(&exception.date.to_string(), &exception.hours)?;
            exception.name = crate::text::name("holiday name", &exception.name)?;
            if by_date.insert(exception.date, exception).is_some() {
                return Err(invalid(
                    "a date is listed twice; give each date one entry".to_owned(),
                ));
            }
        }
        Ok(Self {
            zone,
            week,
            exceptions: by_date,
        })
    }

    /// Round the clock, every day, in UTC: for tickets whose targets count wall time.
    pub fn always_open() -> Self {
        let whole_day = vec![Hours {
            start: 0,
            end: DAY_MINUTES,
        }];
        Self {
            zone: Tz::UTC,
            week: std::array::from_fn(|_| whole_day.clone()),
            exceptions: BTreeMap::new(),
        }
    }

    /// The calendar's time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The weekly hours, Monday first.
    pub fn week(&self) -> &[Vec<Hours>; 7] {
        &self.week
    }

    /// The dated exceptions, in date order.
    pub fn exceptions(&self) -> impl Iterator<Item = &Exception> {
        self.exceptions.values()
    }

    /// The hours of a usual working day: the first weekday's (Monday to Friday) that has
    /// any, else the first day's of the week that has any. What a working weekend day
    /// imported without hours works.
    pub fn usual_hours(&self) -> Vec<Hours> {
        self.week[..5]
            .iter()
            .chain(self.week[5..].iter())
            .find(|day| !day.is_empty())
            .cloned()
            .unwrap_or_default()
    }

    /// The ranges worked on a local date.
    pub fn hours_on(&self, date: NaiveDate) -> &[Hours] {
        match self.exceptions.get(&date) {
            Some(exception) => &exception.hours,
            None => &self.week[date.weekday().num_days_from_monday() as usize],
        }
    }

    /// The instant a local date's minute falls on: in a gap that daylight saving skips, the
    /// first instant after the gap; where the clock repeats an hour, the first of the two.
    fn instant(&self, date: NaiveDate, minute: u16) -> DateTime<Utc> {
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        let wall = midnight + Duration::minutes(i64::from(minute));
        let mut probe: NaiveDateTime = wall;
        // Gaps are whole quarters of an hour and never longer than a day.
        for _ in 0..=96 {
            match self.zone.from_local_datetime(&probe) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                    return t.with_timezone(&Utc);
                }
                LocalResult::None => probe += Duration::minutes(15),
            }
        }
        // No zone has a day-long gap; read the wall time as UTC rather than fail.
        wall.and_utc()
    }

    /// A date's working ranges as instants, in order.
    fn intervals(&self, date: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> {
        self.hours_on(date).iter().map(move |range| {
            let start = self.instant(date, range.start);
            let end = self.instant(date, range.end).max(start);
            (start, end)
        })
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    /// Whether the business is working at `t`.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let date = self.local_date(t);
        [date.pred_opt(), Some(date)]
            .into_iter()
            .flatten()
            .any(|d| self.intervals(d).any(|(start, end)| start <= t && t < end))
    }

    /// The instant `seconds` of working time after `t`: with 0, `t` itself during working
    /// time, else the next opening. `None` when the calendar has no working time in the
    /// next four years (every day closed by exceptions).
    pub fn add_seconds(&self, t: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let mut remaining = Duration::seconds(seconds.max(0));
        let mut date = self.local_date(t).pred_opt()?;
        for _ in 0..MAX_DAYS_AHEAD {
            for (start, end) in self.intervals(date) {
                if end <= t {
                    continue;
                }
                let from = start.max(t);
                let available = end - from;
                if remaining <= available {
                    return Some(from + remaining);
                }
                remaining -= available;
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// The instant `minutes` business minutes after `t`; see [`Self::add_seconds`].
    pub fn add_minutes(&self, t: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        self.add_seconds(t, minutes.saturating_mul(60))
    }

    /// Whole working seconds between `a` and `b` (0 when `b` is not after `a`).
    pub fn seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let (Some(first), last) = (self.local_date(a).pred_opt(), self.local_date(b)) else {
            return 0;
        };
        let mut total = Duration::zero();
        let mut date = first;
        while date <= last {
            for (start, end) in self.intervals(date) {
                let (from, to) = (start.max(a), end.min(b));
                if from < to {
                    total += to - from;
                }
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        total.num_seconds()
    }

    /// Whole working minutes between `a` and `b`.
    pub fn minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.seconds_between(a, b) / 60
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn nine_to_six() -> Vec<Hours> {
        vec![
            Hours::parse("09:00", "12:00").unwrap(),
            Hours::parse("13:00", "18:00").unwrap(),
        ]
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Shanghai, Monday to Friday 09:00–12:00 and 13:00–18:00, with 2026's National Day
    /// week closed and the Saturday after it worked.
    fn shanghai() -> BusinessCalendar {
        let mut week: [Vec<Hours>; 7] = Default::default();
        for day in week.iter_mut().take(5) {
            *day = nine_to_six();
        }
        let mut exceptions: Vec<Exception> = (1..=7)
            .map(|d| Exception {
                date: NaiveDate::from_ymd_opt(2026, 10, d).unwrap(),
                name: "National Day".to_owned(),
                hours: vec![],
            })
            .collect();
        exceptions.push(Exception {
            date: date("2026-10-10"),
            name: "Working Saturday".to_owned(),
            hours: nine_to_six(),
        });
        BusinessCalendar::new(zone_of("Asia/Shanghai").unwrap(), week, exceptions).unwrap()
    }

    fn berlin() -> BusinessCalendar {
        let mut week: [Vec<Hours>; 7] = Default::default();
        for day in week.iter_mut().take(5) {
            *day = vec![Hours::parse("00:00", "24:00").unwrap()];
        }
        BusinessCalendar::new(zone_of("Europe/Berlin").unwrap(), week, vec![]).unwrap()
    }

    #[test]
    fn eight_business_hours_from_friday_afternoon_end_on_monday() {
        let cal = shanghai();
        // Friday 2026-12-04 16:00 in Shanghai is 08:00 UTC; 2 h that day, 6 h on Monday.
        let due = cal.add_minutes(at("2026-12-04T08:00:00Z"), 8 * 60).unwrap();
        // Monday 09:00–12:00 (3 h) and 13:00–16:00 (3 h): 16:00 Shanghai = 08:00 UTC.
        assert_eq!(due, at("2026-12-07T08:00:00Z"));
        assert_eq!(cal.minutes_between(at("2026-12-04T08:00:00Z"), due), 8 * 60);
    }

    #[test]
    fn holidays_close_and_working_saturdays_open() {
        let cal = shanghai();
        // Wednesday 30 September, 17:00 Shanghai: one hour left that day, then the holiday
        // week, then Thursday 8 October.
        let due = cal.add_minutes(at("2026-09-30T09:00:00Z"), 2 * 60).unwrap();
        assert_eq!(
            due,
            at("2026-10-08T02:00:00Z"),
            "10:00 after the holiday week"
        );
        // Friday 9 October, 17:00: the next hour is worked on Saturday 10 October.
        let due = cal.add_minutes(at("2026-10-09T09:00:00Z"), 2 * 60).unwrap();
        assert_eq!(
            due,
            at("2026-10-10T02:00:00Z"),
            "10:00 on the working Saturday"
        );
        assert!(
            !cal.is_open(at("2026-10-05T03:00:00Z")),
            "a holiday Monday is closed"
        );
        assert!(
            cal.is_open(at("2026-10-10T03:00:00Z")),
            "the working Saturday is open"
        );
        assert!(
            !cal.is_open(at("2026-12-05T03:00:00Z")),
            "an ordinary Saturday is closed"
        );
    }

    #[test]
    fn zero_minutes_outside_hours_is_the_next_opening() {
        let cal = shanghai();
        // Saturday 5 December, noon Shanghai: next opening is Monday 09:00 (01:00 UTC).
        let due = cal.add_minutes(at("2026-12-05T04:00:00Z"), 0).unwrap();
        assert_eq!(due, at("2026-12-07T01:00:00Z"));
        let lunch = cal.add_minutes(at("2026-12-07T04:30:00Z"), 30).unwrap();
        assert_eq!(lunch, at("2026-12-07T05:30:00Z"), "lunch does not count");
    }

    #[test]
    fn year_ends_are_crossed() {
        let cal = shanghai();
        // Thursday 31 December 2026, 17:00 Shanghai; Friday 1 January is an ordinary day
        // in this calendar (it lists only National Day).
        let due = cal.add_minutes(at("2026-12-31T09:00:00Z"), 2 * 60).unwrap();
        assert_eq!(due, at("2027-01-01T02:00:00Z"));
    }

    #[test]
    fn days_that_lose_or_gain_an_hour_count_the_time_that_passed() {
        let cal = berlin();
        // Europe/Berlin springs forward on Sunday 29 March 2026 (closed) so take the autumn
        // change on a weekday instead: calendars working weekends.
        let mut week: [Vec<Hours>; 7] = Default::default();
        for day in &mut week {
            *day = vec![Hours::parse("00:00", "24:00").unwrap()];
        }
        let every_day = BusinessCalendar::new(cal.zone(), week, vec![]).unwrap();
        // 29 March 2026 has 23 hours in Berlin; 25 October has 25.
        let march =
            every_day.seconds_between(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"));
        assert_eq!(march, 23 * 3600);
        let october =
            every_day.seconds_between(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"));
        assert_eq!(october, 25 * 3600);
        // A day of nine-to-five on the short day still counts eight hours.
        let mut short: [Vec<Hours>; 7] = Default::default();
        short[6] = vec![Hours::parse("01:00", "05:00").unwrap()];
        let early = BusinessCalendar::new(cal.zone(), short, vec![]).unwrap();
        // 01:00–02:00 CET, then 03:00–05:00 CEST: three hours passed, not four.
        let counted = early.seconds_between(at("2026-03-28T12:00:00Z"), at("2026-03-30T00:00:00Z"));
        assert_eq!(counted, 3 * 3600);
    }

    #[test]
    fn bad_calendars_are_refused_with_a_reason() {
        let zone = zone_of("Europe/Berlin").unwrap();
        let empty: [Vec<Hours>; 7] = Default::default();
        assert!(matches!(
            BusinessCalendar::new(zone, empty, vec![]),
            Err(DomainError::InvalidCalendar(_))
        ));
        let mut overlapping: [Vec<Hours>; 7] = Default::default();
        overlapping[0] = vec![
            Hours::parse("09:00", "13:00").unwrap(),
            Hours::parse("12:00", "18:00").unwrap(),
        ];
        let error = BusinessCalendar::new(zone, overlapping, vec![]).unwrap_err();
        assert!(error.to_string().contains("overlaps"), "{error}");
        assert!(Hours::parse("9", "18:00").is_err());
        assert!(Hours::parse("24:30", "18:00").is_err());
        assert!(zone_of("Mars/Olympus").is_err());
    }

    #[test]
    fn a_calendar_closed_for_ever_answers_none() {
        let mut week: [Vec<Hours>; 7] = Default::default();
        week[0] = vec![Hours::parse("09:00", "10:00").unwrap()];
        let mondays: Vec<Exception> = (0..300)
            .map(|w| Exception {
                date: date("2026-12-07") + Duration::weeks(w),
                name: "Closed".to_owned(),
                hours: vec![],
            })
            .collect();
        let cal = BusinessCalendar::new(Tz::UTC, week, mondays).unwrap();
        assert_eq!(cal.add_minutes(at("2026-12-05T00:00:00Z"), 1), None);
    }

    fn calendars() -> impl Strategy<Value = BusinessCalendar> {
        let zones = prop::sample::select(vec![
            "Asia/Shanghai",
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "UTC",
        ]);
        let day = prop::collection::btree_set(0u16..=DAY_MINUTES, 0..=6).prop_map(|points| {
            let points: Vec<u16> = points.into_iter().collect();
            points
                .chunks_exact(2)
                .map(|pair| Hours {
                    start: pair[0],
                    end: pair[1],
                })
                .collect::<Vec<_>>()
        });
        let holidays = prop::collection::btree_set(0i64..800, 0..40);
        (zones, prop::array::uniform7(day), holidays).prop_filter_map(
            "a week with working time",
            |(zone, week, holidays)| {
                let start = NaiveDate::from_ymd_opt(2025, 12, 1)?;
                let exceptions = holidays
                    .into_iter()
                    .map(|offset| Exception {
                        date: start + Duration::days(offset),
                        name: "Holiday".to_owned(),
                        hours: if offset % 5 == 0 {
                            vec![Hours {
                                start: 600,
                                end: 660,
                            }]
                        } else {
                            vec![]
                        },
                    })
                    .collect();
                BusinessCalendar::new(zone_of(zone).ok()?, week, exceptions).ok()
            },
        )
    }

    fn instants() -> impl Strategy<Value = DateTime<Utc>> {
        // From December 2025 across two years, DST changes and a year end included.
        (1_764_547_200i64..1_827_619_200)
            .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn adding_then_measuring_agrees(cal in calendars(), t in instants(), minutes in 0i64..20_000) {
            match cal.add_minutes(t, minutes) {
                Some(due) => {
                    prop_assert!(due >= t);
                    prop_assert_eq!(cal.seconds_between(t, due), minutes * 60);
                }
                // Only when the next four years hold less working time than that.
                None => prop_assert!(
                    cal.seconds_between(t, t + Duration::days(MAX_DAYS_AHEAD - 1)) < minutes * 60
                ),
            }
        }

        #[test]
        fn later_starts_and_longer_targets_never_fall_due_earlier(
            cal in calendars(), t in instants(), gap in 0i64..500_000, minutes in 0i64..5_000, more in 0i64..500,
        ) {
            let later = t + Duration::seconds(gap);
            // `None` says the four years ahead hold too little working time.
            if let (Some(a), Some(b)) = (cal.add_minutes(t, minutes), cal.add_minutes(later, minutes)) {
                prop_assert!(a <= b);
            }
            match (cal.add_minutes(t, minutes), cal.add_minutes(t, minutes + more)) {
                (Some(a), Some(b)) => prop_assert!(a <= b),
                (None, Some(_)) => prop_assert!(false, "a longer target found time a shorter did not"),
                (_, None) => {}
            }
        }

        #[test]
        fn measuring_splits_at_any_point(cal in calendars(), a in instants(), x in 0i64..900_000, y in 0i64..900_000) {
            let b = a + Duration::seconds(x.min(y));
            let c = a + Duration::seconds(x.max(y));
            prop_assert_eq!(
                cal.seconds_between(a, c),
                cal.seconds_between(a, b) + cal.seconds_between(b, c)
            );
            prop_assert!(cal.seconds_between(a, c) <= (c - a).num_seconds());
        }
    }
}
