//! A report as the Reports screen shows it (pure, tested natively; the screen is
//! `components::reports`): the periods offered, durations in words, and the daily chart's
//! bars laid out in an SVG's coordinates.

use std::collections::BTreeMap;

use switchboard_core::flow::hours::calendar::{format_date, parse_date};
use switchboard_protocol::api::reports::DayCounts;

const DAY_MS: i64 = 86_400_000;

/// The periods the screen offers: label, and how many days back from today's end.
pub const PERIODS: [(&str, i64); 3] = [("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30)];

/// `[from, to)` of the last `days` days (today included) in a zone `offset_minutes` east of
/// UTC, at `now` (ms).
pub fn period(now: i64, days: i64, offset_minutes: i32) -> (i64, i64) {
    let offset = i64::from(offset_minutes) * 60_000;
    let today = (now + offset).div_euclid(DAY_MS) * DAY_MS - offset;
    (today - (days - 1) * DAY_MS, today + DAY_MS)
}

/// `[from, to)` of the days `first` to `last` (`YYYY-MM-DD`, both included) in a zone
/// `offset_minutes` east of UTC; `None` when either is not a date or `last` is before `first`.
pub fn custom_period(first: &str, last: &str, offset_minutes: i32) -> Option<(i64, i64)> {
    let (first, last) = (parse_date(first)?, parse_date(last)?);
    let offset = i64::from(offset_minutes) * 60_000;
    (last >= first).then(|| (first * DAY_MS - offset, (last + 1) * DAY_MS - offset))
}

/// The first and last dates (`YYYY-MM-DD`) of `[from, to)` in that zone: what the date
/// fields show for a period.
pub fn dates_of(from: i64, to: i64, offset_minutes: i32) -> (String, String) {
    let offset = i64::from(offset_minutes) * 60_000;
    let day = |at: i64| format_date((at + offset).div_euclid(DAY_MS));
    (day(from), day(to - 1))
}

/// A duration in words: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h"; "—" when unmeasured.
pub fn duration(ms: Option<i64>) -> String {
    let Some(ms) = ms else { return "—".into() };
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min {} s", s / 60, s % 60),
        3_600..=86_399 => format!("{} h {} min", s / 3_600, (s % 3_600) / 60),
        _ => format!("{} d {} h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// A share in whole percent ("40 %"), "—" of nothing.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!("{} %", (part * 100 + whole / 2) / whole)
}

/// One day's pair of bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayBars {
    /// The day's start (ms).
    pub day: i64,
    /// Left edge of the day's slot.
    pub x: i64,
    /// Heights of the opened and resolved bars.
    pub opened: i64,
    /// As above.
    pub resolved: i64,
    /// The counts.
    pub counts: DayCounts,
}

/// Every day of `[from, to)` (missing days count zero), as bars in a chart `height` high,
/// `slot` wide a day, scaled to the busiest day.
pub fn bars(
    days: &BTreeMap<i64, DayCounts>,
    from: i64,
    to: i64,
    offset_minutes: i32,
    height: i64,
    slot: i64,
) -> Vec<DayBars> {
    let (first, _) = period(from, 1, offset_minutes);
    let most = days.values().map(|d| d.opened.max(d.resolved)).max().unwrap_or(0).max(1) as i64;
    let scale = |n: u64| n as i64 * height / most;
    (0..)
        .map(|n| first + n * DAY_MS)
        .take_while(|day| *day < to)
        .enumerate()
        .map(|(n, day)| {
            let counts = days.get(&day).copied().unwrap_or_default();
            DayBars {
                day,
                x: n as i64 * slot,
                opened: scale(counts.opened),
                resolved: scale(counts.resolved),
                counts,
            }
        })
        .collect()
}

/// The 24 hours of the day as bars (`day` is the hour, 0 to 23), scaled to the busiest.
pub fn hour_bars(hours: &[DayCounts; 24], height: i64, slot: i64) -> Vec<DayBars> {
    let most = hours.iter().map(|h| h.opened.max(h.resolved)).max().unwrap_or(0).max(1) as i64;
    let scale = |n: u64| n as i64 * height / most;
    hours
        .iter()
        .enumerate()
        .map(|(hour, counts)| DayBars {
            day: hour as i64,
            x: hour as i64 * slot,
            opened: scale(counts.opened),
            resolved: scale(counts.resolved),
            counts: *counts,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hours_chart_has_every_hour_scaled_to_the_busiest() {
        let mut hours = [DayCounts::default(); 24];
        hours[9] = DayCounts { opened: 4, resolved: 2 };
        hours[23].resolved = 1;
        let bars = hour_bars(&hours, 100, 10);
        assert_eq!(bars.len(), 24);
        assert_eq!((bars[9].x, bars[9].opened, bars[9].resolved), (90, 100, 50));
        assert_eq!((bars[23].day, bars[23].resolved, bars[0].opened), (23, 25, 0));
    }

    #[test]
    fn periods_end_with_today_in_the_sites_zone() {
        // 2026-12-07 23:30 UTC is already the 8th an hour east.
        let now = 1_796_686_200_000;
        let (from, to) = period(now, 1, 60);
        assert_eq!(to - from, DAY_MS);
        assert!(from <= now && now < to);
        assert_eq!((from + 3_600_000) % DAY_MS, 0, "midnight an hour east");
        let (week, _) = period(now, 7, 60);
        assert_eq!(from - week, 6 * DAY_MS);
    }

    #[test]
    fn a_custom_range_covers_its_days_whole_in_the_agents_zone() {
        let (from, to) = custom_period("2026-12-01", "2026-12-07", 60).unwrap();
        assert_eq!(to - from, 7 * DAY_MS);
        assert_eq!((from + 3_600_000) % DAY_MS, 0, "midnight an hour east");
        assert_eq!(dates_of(from, to, 60), ("2026-12-01".into(), "2026-12-07".into()));
        let now = 1_796_686_200_000;
        let (today_from, today_to) = period(now, 1, 60);
        assert_eq!(dates_of(today_from, today_to, 60), ("2026-12-08".into(), "2026-12-08".into()));
        assert_eq!(custom_period("2026-12-07", "2026-12-01", 60), None, "backwards");
        assert_eq!(custom_period("2026-02-30", "2026-03-01", 0), None, "no such day");
        assert_eq!(custom_period("", "2026-03-01", 0), None);
    }

    #[test]
    fn durations_and_shares_read_as_words() {
        assert_eq!(duration(None), "—");
        assert_eq!(duration(Some(45_400)), "45 s");
        assert_eq!(duration(Some(200_000)), "3 min 20 s");
        assert_eq!(duration(Some(7_500_000)), "2 h 5 min");
        assert_eq!(duration(Some(3 * 86_400_000 + 4 * 3_600_000)), "3 d 4 h");
        assert_eq!((percent(1, 3), percent(0, 0)), ("33 %".to_owned(), "—".to_owned()));
    }

    #[test]
    fn every_day_gets_its_bars_scaled_to_the_busiest() {
        let (from, to) = period(10 * DAY_MS + 5, 3, 0);
        let mut days = BTreeMap::new();
        days.insert(from + DAY_MS, DayCounts { opened: 4, resolved: 2 });
        let laid = bars(&days, from, to, 0, 100, 20);
        assert_eq!(laid.len(), 3);
        assert_eq!((laid[0].opened, laid[1].opened, laid[1].resolved, laid[1].x), (0, 100, 50, 20));
    }
}
