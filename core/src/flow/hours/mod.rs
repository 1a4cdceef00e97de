//! Business hours: weekly opening times in an IANA time zone (daylight saving included),
//! dated exceptions to them (holidays, shorter days), when the team is next back, and how
//! much open time has passed (response targets count only that).
//!
//! The zone database is the adapter's: the edge asks the Workers runtime (`Intl`, which ships
//! with every zone), tests use `chrono-tz`. Keeping a copy of the database in the worker
//! would triple its size. Calendar arithmetic is done here on plain day numbers.
//!
//! # Layout
//! - this file: the hours, their checks and the questions asked of them.
//! - [`calendar`]: dates as day numbers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod calendar;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/// How far ahead the team's return is looked for: a year and a bit, so a long closure
/// (a season) still says when it ends.
const HORIZON_DAYS: i64 = 400;
/// Most dated exceptions a site keeps (a few years of holidays).
pub const MAX_EXCEPTIONS: usize = 400;

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
    /// Dated exceptions to the week: holidays (no ranges) and days with other hours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<DayException>,
}

/// One local date whose hours differ from its weekday's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayException {
    /// The date in the hours' time zone, `YYYY-MM-DD`.
    pub date: String,
    /// That day's ranges instead of its weekday's; none: closed all day.
    #[serde(default)]
    pub hours: Vec<String>,
    /// What the day is, for admins ("Christmas Day").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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
        if self.exceptions.len() > MAX_EXCEPTIONS {
            return Err(format!("at most {MAX_EXCEPTIONS} dated exceptions"));
        }
        let mut seen = BTreeMap::new();
        for exception in &self.exceptions {
            let day = calendar::parse_date(&exception.date)
                .ok_or_else(|| format!("{:?} is not a date like \"2026-12-25\"", exception.date))?;
            if seen.insert(day, ()).is_some() {
                return Err(format!("{} has two exceptions", exception.date));
            }
            if exception.name.as_ref().is_some_and(|name| name.chars().count() > 100) {
                return Err(format!("the name of {} is longer than 100 characters", exception.date));
            }
            for range in &exception.hours {
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
    /// within [`HORIZON_DAYS`] (no hours at all, or closed for longer).
    pub fn next_open(&self, now: i64, zones: &dyn Zones) -> Option<i64> {
        // Day by day: a day's openings all come after the previous day's, so the first day
        // with one still ahead holds the answer (and a long closure costs no zone lookups).
        let today = self.local(now, zones)?.div_euclid(DAY_MS);
        let exceptions = self.exception_days();
        (today - 1..today + HORIZON_DAYS).find_map(|day| {
            self.day_openings(day, &exceptions, zones)
                .map(|(start, _)| start)
                .filter(|start| *start > now)
                .min()
        })
    }

    /// The instant at which `open_ms` of open time will have passed since `from` (response
    /// targets count only the hours the team is there); `None` when that is not within
    /// [`HORIZON_DAYS`].
    pub fn after_open_time(&self, from: i64, open_ms: i64, zones: &dyn Zones) -> Option<i64> {
        let today = self.local(from, zones)?.div_euclid(DAY_MS);
        let exceptions = self.exception_days();
        let (mut left, mut counted_to) = (open_ms.max(0), from);
        for day in today - 1..today + HORIZON_DAYS {
            let mut openings: Vec<(i64, i64)> = self.day_openings(day, &exceptions, zones).collect();
            openings.sort_unstable();
            for (start, end) in openings {
                // Overlapping ranges (and yesterday's running into today) count once.
                let start = start.max(counted_to);
                if end <= start {
                    continue;
                }
                if end - start >= left {
                    return Some(start + left);
                }
                left -= end - start;
                counted_to = end;
            }
        }
        None
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
    /// 09:00", "on Monday 2027-01-04 at 09:00" (a week or more ahead), with the zone's name.
    pub fn describe(&self, at: i64, now: i64, zones: &dyn Zones) -> String {
        let (Some(local_at), Some(local_now)) = (self.local(at, zones), self.local(now, zones)) else {
            return "soon".into();
        };
        let (at_day, now_day) = (local_at.div_euclid(DAY_MS), local_now.div_euclid(DAY_MS));
        let day = match at_day - now_day {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            2..=6 => format!("on {}", WEEKDAYS[weekday(at_day)]),
            // Past a week a weekday is ambiguous: the date says which.
            _ => format!("on {} {}", WEEKDAYS[weekday(at_day)], calendar::format_date(at_day)),
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
        let exceptions = self.exception_days();
        today.into_iter().flat_map(move |today| {
            let exceptions = exceptions.clone();
            (today - 1..today + days)
                .flat_map(move |day| self.day_openings(day, &exceptions, zones).collect::<Vec<_>>())
        })
    }

    /// Opening intervals (UTC) of the ranges of local day `day` (its exception's, if it has
    /// one, else its weekday's).
    fn day_openings<'a>(
        &'a self,
        day: i64,
        exceptions: &BTreeMap<i64, &'a [String]>,
        zones: &'a dyn Zones,
    ) -> impl Iterator<Item = (i64, i64)> + 'a {
        let ranges = exceptions.get(&day).copied().unwrap_or_else(|| self.ranges_text(weekday(day)));
        ranges.iter().filter_map(move |range| {
            let (start, end) = parse_range(range).ok()?;
            let end_day = if end <= start { day + 1 } else { day };
            let start = self.instant(day * DAY_MS + start * MINUTE_MS, zones)?;
            let end = self.instant(end_day * DAY_MS + end * MINUTE_MS, zones)?;
            Some((start, end))
        })
    }

    /// The exceptions by day number (those whose date does not parse are ignored, as
    /// validation refuses them).
    fn exception_days(&self) -> BTreeMap<i64, &[String]> {
        self.exceptions
            .iter()
            .filter_map(|exception| {
                Some((calendar::parse_date(&exception.date)?, exception.hours.as_slice()))
            })
            .collect()
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
pub(crate) mod tests;
