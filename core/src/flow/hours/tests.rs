//! Business hours against `chrono-tz`'s zone database.

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::*;

/// The zone database for tests.
pub(crate) struct ChronoZones;

impl Zones for ChronoZones {
    fn offset_minutes(&self, zone: &str, utc_ms: i64) -> Option<i32> {
        let zone: Tz = zone.parse().ok()?;
        let at = DateTime::from_timestamp_millis(utc_ms)?;
        Some(zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc() / 60)
    }
}

fn berlin_weekdays() -> BusinessHours {
    let day = vec!["09:00-17:00".to_string()];
    BusinessHours {
        time_zone: "Europe/Berlin".into(),
        mon: day.clone(),
        tue: day.clone(),
        wed: day.clone(),
        thu: day.clone(),
        fri: day,
        ..BusinessHours::default()
    }
}

fn ms(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp_millis()
}

#[test]
fn hours_follow_the_time_zone_and_daylight_saving() {
    let hours = berlin_weekdays();
    // Winter: Berlin is UTC+1, so 08:30 UTC is 09:30 there.
    assert!(hours.is_open(ms("2026-12-01T08:30:00Z"), &ChronoZones));
    assert!(!hours.is_open(ms("2026-12-01T07:30:00Z"), &ChronoZones));
    // Summer: UTC+2, so 07:30 UTC is 09:30 there.
    assert!(hours.is_open(ms("2026-07-01T07:30:00Z"), &ChronoZones));
    assert!(!hours.is_open(ms("2026-07-01T15:30:00Z"), &ChronoZones), "17:30 in Berlin");
    assert!(!hours.is_open(ms("2026-12-05T12:00:00Z"), &ChronoZones), "Saturday");
}

#[test]
fn next_opening_is_found_and_described() {
    let hours = berlin_weekdays();
    let friday_evening = ms("2026-12-04T18:00:00Z");
    let monday_nine = ms("2026-12-07T08:00:00Z");
    assert_eq!(hours.next_open(friday_evening, &ChronoZones), Some(monday_nine));
    assert_eq!(
        hours.describe(monday_nine, friday_evening, &ChronoZones),
        "on Monday at 09:00 (Europe/Berlin)"
    );
    let early = ms("2026-12-01T06:00:00Z");
    let opens = hours.next_open(early, &ChronoZones).unwrap();
    assert_eq!(hours.describe(opens, early, &ChronoZones), "today at 09:00 (Europe/Berlin)");
    // Across the spring jump (29 March 2026, 02:00 -> 03:00): Monday 09:00 is 07:00 UTC.
    let sunday = ms("2026-03-29T12:00:00Z");
    assert_eq!(hours.next_open(sunday, &ChronoZones), Some(ms("2026-03-30T07:00:00Z")));
}

#[test]
fn times_skipped_or_repeated_by_daylight_saving_resolve_sensibly() {
    let hours = BusinessHours {
        time_zone: "Europe/Berlin".into(),
        sun: vec!["02:30-04:00".into()],
        ..Default::default()
    };
    // 02:30 does not exist on 29 March 2026 in Berlin (02:00 jumps to 03:00): it opens
    // at 03:30, as long after the jump as 02:30 would have been.
    let saturday = ms("2026-03-28T12:00:00Z");
    assert_eq!(hours.next_open(saturday, &ChronoZones), Some(ms("2026-03-29T01:30:00Z")));
    // 02:30 happens twice on 25 October 2026: the first one counts.
    let saturday = ms("2026-10-24T12:00:00Z");
    assert_eq!(hours.next_open(saturday, &ChronoZones), Some(ms("2026-10-25T00:30:00Z")));
}

#[test]
fn ranges_may_cross_midnight_and_bad_ones_are_named() {
    let hours =
        BusinessHours { time_zone: "UTC".into(), fri: vec!["22:00-02:00".into()], ..Default::default() };
    assert!(hours.is_open(ms("2026-12-05T01:00:00Z"), &ChronoZones), "Saturday 01:00, from Friday's range");
    assert!(!hours.is_open(ms("2026-12-05T03:00:00Z"), &ChronoZones));
    let bad = BusinessHours { time_zone: "Mars/Olympus".into(), ..Default::default() };
    assert!(bad.validate(&ChronoZones).unwrap_err().contains("Mars/Olympus"));
    for range in ["9-5", "09:00-25:00", "09:60-10:00", "0900-1000"] {
        let bad = BusinessHours { time_zone: "UTC".into(), mon: vec![range.into()], ..Default::default() };
        assert!(bad.validate(&ChronoZones).is_err(), "{range}");
    }
    assert_eq!(
        BusinessHours { time_zone: "UTC".into(), ..Default::default() }.next_open(0, &ChronoZones),
        None
    );
}

fn exception(date: &str, hours: &[&str]) -> DayException {
    DayException { date: date.into(), hours: hours.iter().map(|h| h.to_string()).collect(), name: None }
}

#[test]
fn a_holiday_closes_its_day_and_a_shorter_day_closes_early() {
    let mut hours = berlin_weekdays();
    // Thursday 24 December: until noon; Friday 25: closed.
    hours.exceptions = vec![exception("2026-12-24", &["09:00-12:00"]), exception("2026-12-25", &[])];
    hours.validate(&ChronoZones).unwrap();
    assert!(hours.is_open(ms("2026-12-24T10:30:00Z"), &ChronoZones), "11:30 in Berlin");
    assert!(!hours.is_open(ms("2026-12-24T12:30:00Z"), &ChronoZones), "13:30 in Berlin");
    assert!(!hours.is_open(ms("2026-12-25T10:00:00Z"), &ChronoZones), "Christmas Day");
    // From Thursday afternoon the team is back on Monday the 28th, not on Friday.
    let back = hours.next_open(ms("2026-12-24T13:00:00Z"), &ChronoZones);
    assert_eq!(back, Some(ms("2026-12-28T08:00:00Z")));
    // The weekday's other dates are untouched.
    assert!(hours.is_open(ms("2026-12-18T10:00:00Z"), &ChronoZones));
}

#[test]
fn a_long_closure_says_the_date_it_ends() {
    let mut hours = berlin_weekdays();
    hours.exceptions = ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-25", "2026-12-28"]
        .iter()
        .chain(&["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"])
        .map(|date| exception(date, &[]))
        .collect();
    let friday = ms("2026-12-18T18:00:00Z");
    let back = hours.next_open(friday, &ChronoZones).unwrap();
    assert_eq!(back, ms("2027-01-04T08:00:00Z"));
    assert_eq!(hours.describe(back, friday, &ChronoZones), "on Monday 2027-01-04 at 09:00 (Europe/Berlin)");
    // Closed for good: no return within the horizon.
    let closed = BusinessHours {
        time_zone: "UTC".into(),
        exceptions: vec![exception("2026-12-01", &["09:00-10:00"])],
        ..BusinessHours::default()
    };
    assert_eq!(closed.next_open(ms("2026-12-02T00:00:00Z"), &ChronoZones), None);
}

#[test]
fn bad_exceptions_are_named() {
    let with = |exceptions: Vec<DayException>| BusinessHours { exceptions, ..berlin_weekdays() };
    let error = |hours: BusinessHours| hours.validate(&ChronoZones).unwrap_err();
    assert!(error(with(vec![exception("2026-02-30", &[])])).contains("2026-02-30"));
    assert!(error(with(vec![exception("25.12.2026", &[])])).contains("25.12.2026"));
    assert!(error(with(vec![exception("2026-12-25", &[]), exception("2026-12-25", &["09:00-10:00"])]))
        .contains("two exceptions"));
    assert!(error(with(vec![exception("2026-12-24", &["9-12"])])).contains("9-12"));
    let many =
        (0..=MAX_EXCEPTIONS as i64).map(|day| exception(&calendar::format_date(20_000 + day), &[])).collect();
    assert!(error(with(many)).contains("at most"));
}

#[test]
fn open_time_skips_nights_weekends_and_holidays() {
    let mut hours = berlin_weekdays();
    // Friday 16:30 in Berlin plus an hour of open time: Monday 09:30.
    assert_eq!(
        hours.after_open_time(ms("2026-12-04T15:30:00Z"), 3_600_000, &ChronoZones),
        Some(ms("2026-12-07T08:30:00Z"))
    );
    // Within the day it is plain time; at night it starts at opening.
    assert_eq!(
        hours.after_open_time(ms("2026-12-01T09:00:00Z"), 600_000, &ChronoZones),
        Some(ms("2026-12-01T09:10:00Z"))
    );
    assert_eq!(
        hours.after_open_time(ms("2026-12-01T20:00:00Z"), 600_000, &ChronoZones),
        Some(ms("2026-12-02T08:10:00Z"))
    );
    // With Monday a holiday: Tuesday 09:30.
    hours.exceptions = vec![exception("2026-12-07", &[])];
    assert_eq!(
        hours.after_open_time(ms("2026-12-04T15:30:00Z"), 3_600_000, &ChronoZones),
        Some(ms("2026-12-08T08:30:00Z"))
    );
    // Overlapping ranges count once.
    let overlapping = BusinessHours {
        time_zone: "UTC".into(),
        mon: vec!["09:00-12:00".into(), "11:00-13:00".into()],
        ..BusinessHours::default()
    };
    assert_eq!(
        overlapping.after_open_time(ms("2026-12-07T09:00:00Z"), 4 * 3_600_000, &ChronoZones),
        Some(ms("2026-12-07T13:00:00Z")),
        "four hours are the whole of one Monday (09:00-13:00)"
    );
    assert_eq!(
        overlapping.after_open_time(ms("2026-12-07T09:00:00Z"), 5 * 3_600_000, &ChronoZones),
        Some(ms("2026-12-14T10:00:00Z")),
        "the fifth hour is the next Monday's first"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const MINUTE: i64 = 60_000;
    /// Monday 2026-12-07 00:00 UTC.
    const MONDAY: i64 = 1_796_601_600_000;

    fn range() -> impl Strategy<Value = String> {
        (0_i64..24 * 4, 1_i64..12).prop_map(|(start, quarters)| {
            let (start, end) = (start * 15, (start * 15 + quarters * 15).min(24 * 60));
            let at = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
            format!("{}-{}", at(start), if end == 24 * 60 { "24:00".into() } else { at(end) })
        })
    }

    fn hours() -> impl Strategy<Value = BusinessHours> {
        let day = || proptest::collection::vec(range(), 0..3);
        let exceptions =
            proptest::collection::btree_map(0_i64..14, proptest::collection::vec(range(), 0..2), 0..5);
        (day(), day(), day(), day(), day(), day(), day(), exceptions).prop_map(
            |(mon, tue, wed, thu, fri, sat, sun, exceptions)| BusinessHours {
                time_zone: "UTC".into(),
                mon,
                tue,
                wed,
                thu,
                fri,
                sat,
                sun,
                exceptions: exceptions
                    .into_iter()
                    .map(|(day, hours)| DayException {
                        date: calendar::format_date(MONDAY / 86_400_000 + day),
                        hours,
                        name: None,
                    })
                    .collect(),
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The open time `after_open_time` counts is exactly the minutes `is_open` says are
        /// open, and the next opening is the first open minute.
        #[test]
        fn open_time_and_next_opening_agree_with_is_open(
            hours in hours(),
            from in 0_i64..7 * 24 * 60,
            open_minutes in 0_i64..8 * 60,
        ) {
            hours.validate(&ChronoZones).unwrap();
            let from = MONDAY + from * MINUTE;
            let open = |at: i64| hours.is_open(at, &ChronoZones);
            if let Some(due) = hours.after_open_time(from, open_minutes * MINUTE, &ChronoZones) {
                let counted = (from..due).step_by(MINUTE as usize).filter(|&at| open(at)).count() as i64;
                prop_assert_eq!(counted, open_minutes);
                if open_minutes > 0 {
                    prop_assert!(open(due - MINUTE), "the last minute counted is open");
                }
            }
            if let Some(next) = hours.next_open(from, &ChronoZones) {
                prop_assert!(next > from && open(next));
                if !open(from) {
                    let first = (from..next).step_by(MINUTE as usize).find(|&at| open(at));
                    prop_assert_eq!(first, None, "open before the next opening");
                }
            }
        }
    }
}
