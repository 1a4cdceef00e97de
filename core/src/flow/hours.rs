//! Business hours: weekly opening times in an IANA time zone (daylight saving included), and
//! when the team is next back.
//!
//! The zone database is the adapter's: the edge asks the Workers runtime (`Intl`, which ships
//! with every zone), tests use `chrono-tz`. Keeping a copy of the database in the worker
//! would triple its size. Calendar arithmetic is done here on plain day numbers.

use serde::{Deserialize, Serialize};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// UTC offsets of time zones, from whoever holds a zone database.
pub trait Zones {
    /// The offset from UTC of `zone` at the instant `utc_ms`, in minutes (`+60` for Berlin
    /// in winter); `None` for an unknown zone.
    fn offset_minutes(&self, zone: &str, utc_ms: i64) -> Option<i32>;
}

/// Weekly opening hours. Each day lists `"HH:MM-HH:MM"` ranges in local time; a day not
/// listed is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// IANA time zone name, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// Monday's ranges.
    #[serde(default)]
    pub mon: Vec<String>,
    /// Tuesday's ranges.
    #[serde(default)]
    pub tue: Vec<String>,
    /// Wednesday's ranges.
    #[serde(default)]
    pub wed: Vec<String>,
    /// Thursday's ranges.
    #[serde(default)]
    pub thu: Vec<String>,
    /// Friday's ranges.
    #[serde(default)]
    pub fri: Vec<String>,
    /// Saturday's ranges.
    #[serde(default)]
    pub sat: Vec<String>,
    /// Sunday's ranges.
    #[serde(default)]
    pub sun: Vec<String>,
}

impl BusinessHours {
    /// Checks every range, and the time zone against `zones`.
    pub fn validate(&self, zones: &dyn Zones) -> Result<(), String> {
        if zones.offset_minutes(&self.time_zone, 0).is_none() {
            return Err(format!("unknown time zone {:?}", self.time_zone));
        }
        for day in 0..7 {
            for range in self.ranges_text(day) {
                parse_range(range)?;
            }
        }
        Ok(())
    }

    /// Whether the team is there at `now` (ms since the Unix epoch). Hours that do not parse
    /// count as always open: a typo must not turn every visitor away.
    pub fn is_open(&self, now: i64, zones: &dyn Zones) -> bool {
        if zones.offset_minutes(&self.time_zone, now).is_none() {
            return true;
        }
        self.openings(now, 1, zones).any(|(start, end)| start <= now && now < end)
    }

    /// When the team is next there after `now`, ms since the Unix epoch; `None` when never
    /// within a week (no hours at all).
    pub fn next_open(&self, now: i64, zones: &dyn Zones) -> Option<i64> {
        self.openings(now, 8, zones).map(|(start, _)| start).filter(|start| *start > now).min()
    }

    /// Whether the team is there at `now`, and if not, when it next is (for the widget's
    /// header: "Away — back at 09:00").
    pub fn availability(&self, now: i64, zones: &dyn Zones) -> (bool, Option<i64>) {
        if self.is_open(now, zones) {
            (true, None)
        } else {
            (false, self.next_open(now, zones))
        }
    }

    /// `at` in words for the visitor: "today at 09:00", "tomorrow at 09:00", "on Monday at
    /// 09:00", with the zone's name.
    pub fn describe(&self, at: i64, now: i64, zones: &dyn Zones) -> String {
        let (Some(local_at), Some(local_now)) = (self.local(at, zones), self.local(now, zones)) else {
            return "soon".into();
        };
        let day = match local_at.div_euclid(DAY_MS) - local_now.div_euclid(DAY_MS) {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            _ => format!("on {}", WEEKDAYS[weekday(local_at.div_euclid(DAY_MS))]),
        };
        let minutes = local_at.rem_euclid(DAY_MS) / MINUTE_MS;
        format!("{day} at {:02}:{:02} ({})", minutes / 60, minutes % 60, self.time_zone)
    }

    /// Local wall time at the instant `utc`, as ms since the epoch of the local calendar.
    fn local(&self, utc: i64, zones: &dyn Zones) -> Option<i64> {
        Some(utc + i64::from(zones.offset_minutes(&self.time_zone, utc)?) * MINUTE_MS)
    }

    /// The instant a local wall time happens. A time skipped by a daylight-saving jump
    /// resolves to the instant after the jump (09:30 that does not exist is 10:30); a
    /// repeated one to its first occurrence.
    fn instant(&self, local: i64, zones: &dyn Zones) -> Option<i64> {
        let offset = |utc: i64| zones.offset_minutes(&self.time_zone, utc).map(|m| i64::from(m) * MINUTE_MS);
        // The offsets in force a day before and a day after: they differ when a jump is near.
        let (before, after) = (offset(local - DAY_MS)?, offset(local + DAY_MS)?);
        let (early, late) = (local - before, local - after);
        let fits = |utc: i64, expected: i64| offset(utc) == Some(expected);
        Some(match (fits(early, before), fits(late, after)) {
            (true, true) => early.min(late),
            (true, false) => early,
            (false, true) => late,
            // Skipped: as long after the jump as the wall time is after the last valid one.
            (false, false) => early.max(late),
        })
    }

    fn ranges_text(&self, weekday: usize) -> &[String] {
        match weekday {
            0 => &self.mon,
            1 => &self.tue,
            2 => &self.wed,
            3 => &self.thu,
            4 => &self.fri,
            5 => &self.sat,
            _ => &self.sun,
        }
    }

    /// Opening intervals (UTC) of the `days` local days starting the day before `now` (a
    /// range may run past midnight into today).
    fn openings<'a>(
        &'a self,
        now: i64,
        days: i64,
        zones: &'a dyn Zones,
    ) -> impl Iterator<Item = (i64, i64)> + 'a {
        let today = self.local(now, zones).map(|local| local.div_euclid(DAY_MS));
        today.into_iter().flat_map(move |today| {
            (today - 1..today + days).flat_map(move |day| {
                self.ranges_text(weekday(day)).iter().filter_map(move |range| {
                    let (start, end) = parse_range(range).ok()?;
                    let end_day = if end <= start { day + 1 } else { day };
                    let start = self.instant(day * DAY_MS + start * MINUTE_MS, zones)?;
                    let end = self.instant(end_day * DAY_MS + end * MINUTE_MS, zones)?;
                    Some((start, end))
                })
            })
        })
    }
}

/// Monday = 0 for a day number counted from 1970-01-01 (a Thursday).
fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// `"09:00-17:30"` → minutes after midnight (540, 1050). An end at or before the start runs
/// past midnight; `"00:00-24:00"` is the whole day.
fn parse_range(range: &str) -> Result<(i64, i64), String> {
    let bad = || format!("{range:?} is not a range like \"09:00-17:30\"");
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let minutes = |text: &str| {
        let (hours, minutes) = text.trim().split_once(':')?;
        let all_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(hours) || !all_digits(minutes) {
            return None;
        }
        let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
        match (hours, minutes) {
            (24, 0) => Some(0),
            (0..=23, 0..=59) => Some(hours * 60 + minutes),
            _ => None,
        }
    };
    Ok((minutes(start).ok_or_else(bad)?, minutes(end).ok_or_else(bad)?))
}

#[cfg(test)]
pub(crate) mod tests {
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
        assert!(
            hours.is_open(ms("2026-12-05T01:00:00Z"), &ChronoZones),
            "Saturday 01:00, from Friday's range"
        );
        assert!(!hours.is_open(ms("2026-12-05T03:00:00Z"), &ChronoZones));
        let bad = BusinessHours { time_zone: "Mars/Olympus".into(), ..Default::default() };
        assert!(bad.validate(&ChronoZones).unwrap_err().contains("Mars/Olympus"));
        for range in ["9-5", "09:00-25:00", "09:60-10:00", "0900-1000"] {
            let bad =
                BusinessHours { time_zone: "UTC".into(), mon: vec![range.into()], ..Default::default() };
            assert!(bad.validate(&ChronoZones).is_err(), "{range}");
        }
        assert_eq!(
            BusinessHours { time_zone: "UTC".into(), ..Default::default() }.next_open(0, &ChronoZones),
            None
        );
    }
}
