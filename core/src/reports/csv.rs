//! A report as CSV (RFC 4180), for spreadsheets: each figure on a line (`figure,value`,
//! durations in seconds), then each day (`day,opened,resolved`, the day in the site's time
//! zone as `YYYY-MM-DD`), each hour of the day, each agent, then the customers' comments.

use switchboard_protocol::api::reports::{Durations, Figures};

use super::Period;
use crate::flow::hours::calendar::format_date;

const DAY_MS: i64 = 86_400_000;

/// `figures` of `period` as CSV text.
pub fn csv(figures: &Figures, period: Period) -> String {
    let mut lines = vec!["figure,value".to_owned()];
    let mut figure = |name: &str, value: String| lines.push(format!("{name},{value}"));
    figure("opened", figures.opened.to_string());
    figure("resolved", figures.resolved.to_string());
    figure("handed_over", figures.handed_over.to_string());
    figure("bot_contained", figures.bot_contained.to_string());
    figure("sla_breaches", figures.sla_breaches.to_string());
    for (name, durations) in [
        ("first_response", &figures.first_response),
        ("next_response", &figures.next_response),
        ("resolution", &figures.resolution),
        ("queue_wait", &figures.queue_wait),
    ] {
        let Durations { count, median_ms, p90_ms } = durations;
        figure(&format!("{name}_count"), count.to_string());
        figure(&format!("{name}_median_s"), seconds(*median_ms));
        figure(&format!("{name}_p90_s"), seconds(*p90_ms));
    }
    figure("csat_count", figures.ratings.count.to_string());
    figure(
        "csat_average",
        figures.ratings.average_hundredths.map(|h| format!("{}.{:02}", h / 100, h % 100)).unwrap_or_default(),
    );
    for (score, count) in figures.ratings.distribution.iter().enumerate() {
        figure(&format!("csat_{}", score + 1), count.to_string());
    }
    lines.push(String::new());
    lines.push("day,opened,resolved".into());
    let offset = i64::from(period.offset_minutes) * 60_000;
    for (start, counts) in &figures.days {
        let day = (start + offset).div_euclid(DAY_MS);
        lines.push(format!("{},{},{}", format_date(day), counts.opened, counts.resolved));
    }
    lines.push(String::new());
    lines.push("hour,opened,resolved".into());
    for (hour, counts) in figures.hours.iter().enumerate() {
        lines.push(format!("{hour:02},{},{}", counts.opened, counts.resolved));
    }
    lines.push(String::new());
    lines.push("agent,handled,resolved,first_response_median_s,online_s,away_s".into());
    for (agent, a) in &figures.agents {
        let median = seconds(a.first_response.median_ms);
        let (online, away) = (seconds(Some(a.online_ms)), seconds(Some(a.away_ms)));
        lines.push(format!("{agent},{},{},{median},{online},{away}", a.handled, a.resolved));
    }
    lines.push(String::new());
    lines.push("rating,resolved_at,comment".into());
    for said in &figures.ratings.comments {
        lines.push(format!("{},{},{}", said.score, said.resolved_at, cell(&said.comment)));
    }
    lines.join("\r\n") + "\r\n"
}

/// A customer's words as one CSV cell: quoted (quotes doubled) when they hold a comma, quote
/// or line break, and never read as a formula by a spreadsheet (`=`, `+`, `-`, `@` first get
/// an apostrophe).
fn cell(text: &str) -> String {
    let text =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Milliseconds as seconds with one decimal (empty when unmeasured).
fn seconds(ms: Option<i64>) -> String {
    ms.map(|ms| format!("{}.{}", ms / 1000, (ms % 1000) / 100)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{figures, ConversationFacts};

    #[test]
    fn a_report_reads_in_a_spreadsheet() {
        let facts = ConversationFacts {
            opened_at: Some(1_000),
            first_response_ms: Some(61_500),
            resolved_at: Some(301_000),
            resolutions: 1,
            handed_over: true,
            rating: Some(4),
            ..ConversationFacts::default()
        };
        let period = Period { from: 0, to: 86_400_000, offset_minutes: 60 };
        let text = csv(&figures([&facts], period), period);
        assert!(text.starts_with("figure,value\r\nopened,1\r\nresolved,1\r\n"), "{text}");
        assert!(text.contains("first_response_median_s,61.5\r\n"), "{text}");
        assert!(text.contains("resolution_median_s,300.0\r\n"), "{text}");
        assert!(text.contains("csat_average,4.00\r\ncsat_1,0\r\n"), "{text}");
        assert!(text.contains("day,opened,resolved\r\n1970-01-01,1,1\r\n"), "{text}");
    }

    #[test]
    fn a_customers_words_stay_one_cell_and_never_a_formula() {
        assert_eq!(cell("Quick and kind"), "Quick and kind");
        assert_eq!(cell("Slow, but \"fine\"\nthanks"), "\"Slow, but \"\"fine\"\"\nthanks\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
