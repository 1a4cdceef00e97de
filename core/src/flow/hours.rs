//! Business hours: weekly opening times in an IANA time zone (daylight saving included), and
//! when the team is next back.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

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
    /// Checks the time zone and every range.
    pub fn validate(&self) -> Result<(), String> {
        self.zone()?;
        for day in
            [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun]
        {
            for range in self.ranges_text(day) {
                parse_range(range)?;
            }
        }
        Ok(())
    }

    /// Whether the team is there at `now` (ms since the Unix epoch). Hours that do not parse
    /// count as always open: a typo must not turn every visitor away.
    pub fn is_open(&self, now: i64) -> bool {
        let Ok(zone) = self.zone() else { return true };
        let Some(now) = DateTime::from_timestamp_millis(now) else { return true };
        self.openings(zone, now, 1).any(|(start, end)| start <= now && now < end)
    }

    /// When the team is next there after `now`, ms since the Unix epoch; `None` when never
    /// within a week (no hours at all).
    pub fn next_open(&self, now: i64) -> Option<i64> {
        let zone = self.zone().ok()?;
        let now = DateTime::from_timestamp_millis(now)?;
        self.openings(zone, now, 8)
            .map(|(start, _)| start)
            .filter(|start| *start > now)
            .min()
            .map(|at| at.timestamp_millis())
    }

    /// `at` in words for the visitor: "today at 09:00", "tomorrow at 09:00", "Monday at 09:00",
    /// with the zone's name.
    pub fn describe(&self, at: i64, now: i64) -> String {
        let (Ok(zone), Some(at), Some(now)) =
            (self.zone(), DateTime::from_timestamp_millis(at), DateTime::from_timestamp_millis(now))
        else {
            return "soon".into();
        };
        let (at, today) = (at.with_timezone(&zone), now.with_timezone(&zone).date_naive());
        let day = match (at.date_naive() - today).num_days() {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            _ => format!("on {}", at.format("%A")),
        };
        format!("{day} at {} ({})", at.format("%H:%M"), self.time_zone)
    }

    fn zone(&self) -> Result<Tz, String> {
        self.time_zone.parse::<Tz>().map_err(|_| format!("unknown time zone {:?}", self.time_zone))
    }

    fn ranges_text(&self, day: Weekday) -> &[String] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    /// Opening intervals (UTC) of the `days` local days starting the day before `now` (a
    /// range may run past midnight into today).
    fn openings(
        &self,
        zone: Tz,
        now: DateTime<chrono::Utc>,
        days: i64,
    ) -> impl Iterator<Item = (DateTime<Tz>, DateTime<Tz>)> + '_ {
        let today = now.with_timezone(&zone).date_naive();
        (-1..days).flat_map(move |offset| {
            let date = today + Duration::days(offset);
            self.ranges_text(date.weekday()).iter().filter_map(move |range| {
                let (start, end) = parse_range(range).ok()?;
                let end_date = if end <= start { date + Duration::days(1) } else { date };
                // Local times skipped by a daylight-saving jump resolve to the next valid one.
                let resolve = |date: chrono::NaiveDate, time: NaiveTime| {
                    let local = date.and_time(time);
                    zone.from_local_datetime(&local)
                        .earliest()
                        .or_else(|| zone.from_local_datetime(&(local + Duration::hours(1))).earliest())
                };
                Some((resolve(date, start)?, resolve(end_date, end)?))
            })
        })
    }
}

/// `"09:00-17:30"` → (09:00, 17:30). An end at or before the start runs past midnight;
/// `"00:00-24:00"` is the whole day.
fn parse_range(range: &str) -> Result<(NaiveTime, NaiveTime), String> {
    let bad = || format!("{range:?} is not a range like \"09:00-17:30\"");
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let time = |text: &str| {
        let text = text.trim();
        if text == "24:00" {
            return Some(NaiveTime::MIN);
        }
        NaiveTime::parse_from_str(text, "%H:%M").ok()
    };
    Ok((time(start).ok_or_else(bad)?, time(end).ok_or_else(bad)?))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(hours.is_open(ms("2026-12-01T08:30:00Z")));
        assert!(!hours.is_open(ms("2026-12-01T07:30:00Z")));
        // Summer: UTC+2, so 07:30 UTC is 09:30 there.
        assert!(hours.is_open(ms("2026-07-01T07:30:00Z")));
        assert!(!hours.is_open(ms("2026-12-05T12:00:00Z")), "Saturday");
    }

    #[test]
    fn next_opening_is_found_and_described() {
        let hours = berlin_weekdays();
        let friday_evening = ms("2026-12-04T18:00:00Z");
        let monday_nine = ms("2026-12-07T08:00:00Z");
        assert_eq!(hours.next_open(friday_evening), Some(monday_nine));
        assert_eq!(hours.describe(monday_nine, friday_evening), "on Monday at 09:00 (Europe/Berlin)");
        let early = ms("2026-12-01T06:00:00Z");
        assert_eq!(hours.describe(hours.next_open(early).unwrap(), early), "today at 09:00 (Europe/Berlin)");
    }

    #[test]
    fn ranges_may_cross_midnight_and_bad_ones_are_named() {
        let hours =
            BusinessHours { time_zone: "UTC".into(), fri: vec!["22:00-02:00".into()], ..Default::default() };
        assert!(hours.is_open(ms("2026-12-05T01:00:00Z")), "Saturday 01:00, from Friday's range");
        assert!(!hours.is_open(ms("2026-12-05T03:00:00Z")));
        let bad = BusinessHours { time_zone: "Mars/Olympus".into(), ..Default::default() };
        assert!(bad.validate().unwrap_err().contains("Mars/Olympus"));
        let bad = BusinessHours { time_zone: "UTC".into(), mon: vec!["9-5".into()], ..Default::default() };
        assert!(bad.validate().is_err());
        assert_eq!(BusinessHours { time_zone: "UTC".into(), ..Default::default() }.next_open(0), None);
    }
}
