//! The Reports screen: a period (today, the last 7 or 30 days, or a range of dates, in the
//! agent's time zone) and
//! which conversations (a channel, a queue, a label), the
//! period's figures as cards (`docs/reports.md` says what each counts), opened and resolved
//! per day as an SVG bar chart (its colours from the console's theme), the team's figures,
//! and the same as a CSV file to download.

use std::rc::Rc;

use switchboard_core::reports::Narrowed;
use switchboard_protocol::api::agents_list;
use switchboard_protocol::api::reports::Figures;
use switchboard_protocol::api::site_settings::LabelDefinition;
use switchboard_protocol::channels::Channel;
use switchboard_protocol::QueueId;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::effects::settings;
use crate::report_view::{self, bars, duration, percent, PERIODS};

/// Reports properties.
#[derive(Properties, PartialEq)]
pub struct ReportsProps {
    /// Now (ms), for the periods.
    pub now: i64,
    /// The team, for agents' names and the queue filter.
    pub team: Rc<agents_list::Response>,
    /// The site's own labels, for the label filter.
    pub labels: Rc<Vec<LabelDefinition>>,
}

/// The period select's value for a range of dates the agent picks.
const CUSTOM: i64 = 0;

/// Chart geometry: the bars' height and each day's slot, in the SVG's units.
const CHART_HEIGHT: i64 = 120;
const SLOT: i64 = 24;

/// `section.sb-reports`: `select.sb-report-period`, `.sb-report-card[data-figure]` (its
/// value in `.sb-report-value`), `svg.sb-report-chart`, `table.sb-report-agents`,
/// `a.sb-report-csv`.
#[function_component(Reports)]
pub fn reports(props: &ReportsProps) -> Html {
    // How many days back from today; `CUSTOM`: the dates in `range`.
    let days = use_state_eq(|| 7i64);
    // The agent's zone: where their days start.
    let offset_minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let range = {
        let (from, to) = report_view::period(props.now, 7, offset_minutes);
        use_state_eq(|| report_view::dates_of(from, to, offset_minutes))
    };
    let narrowed = use_state_eq(Narrowed::default);
    let report = use_state(|| None::<Result<Figures, String>>);
    let period = match *days {
        CUSTOM => report_view::custom_period(&range.0, &range.1, offset_minutes),
        days => Some(report_view::period(props.now, days, offset_minutes)),
    };
    {
        let report = report.clone();
        use_effect_with((period, (*narrowed).clone()), move |(period, narrowed)| {
            report.set(None);
            let (narrowed, period) = (narrowed.clone(), *period);
            spawn_local(async move {
                let Some((from, to)) = period else { return };
                report.set(Some(settings::report(from, to, offset_minutes, &narrowed).await))
            });
        });
    }
    let onchange = {
        let days = days.clone();
        Callback::from(move |event: Event| {
            let chosen = event.target_unchecked_into::<HtmlSelectElement>().value();
            days.set(chosen.parse().unwrap_or(7));
        })
    };
    let pick_date = |last: bool| {
        let range = range.clone();
        Callback::from(move |event: Event| {
            let typed = event.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            let (mut first, mut end) = (*range).clone();
            *(if last { &mut end } else { &mut first }) = typed;
            range.set((first, end));
        })
    };
    let body = match (&*report, period) {
        (_, None) => {
            html! { <p class="sb-error" role="alert">{ "Pick a first day, and a last day on or after it." }</p> }
        }
        (None, _) => html! { <p class="sb-hint" role="status">{ "Loading the report…" }</p> },
        (Some(Err(why)), _) => html! { <p class="sb-error" role="alert">{ why.clone() }</p> },
        (Some(Ok(figures)), Some((from, to))) => figures_view(figures, from, to, offset_minutes, &props.team),
    };
    let (from, to) = period.unwrap_or_default();
    html! {
        <section class="sb-reports" aria-label="Reports">
            <div class="sb-report-head">
                <h2>{ "Reports" }</h2>
                <select class="sb-report-period" aria-label="Period" {onchange}>
                    { for PERIODS.iter().map(|(label, n)| html! {
                        <option value={n.to_string()} selected={*n == *days}>{ *label }</option>
                    }) }
                    <option value={CUSTOM.to_string()} selected={*days == CUSTOM}>{ "Custom range" }</option>
                </select>
                if *days == CUSTOM {
                    <input type="date" class="sb-report-from" aria-label="First day" value={range.0.clone()} onchange={pick_date(false)} />
                    <input type="date" class="sb-report-to" aria-label="Last day" value={range.1.clone()} onchange={pick_date(true)} />
                }
                { filters(&narrowed, &props.team.queues, &props.labels) }
                <a class="sb-secondary sb-report-csv" href={settings::report_url(from, to, offset_minutes, &narrowed, true)} download="report.csv">
                    { "Download CSV" }
                </a>
            </div>
            { body }
        </section>
    }
}

/// `select.sb-report-channel`, `.sb-report-queue`, `.sb-report-label`: which conversations.
fn filters(narrowed: &UseStateHandle<Narrowed>, queues: &[QueueId], labels: &[LabelDefinition]) -> Html {
    let pick = |apply: fn(&mut Narrowed, String)| {
        let narrowed = narrowed.clone();
        Callback::from(move |event: Event| {
            let mut next = (*narrowed).clone();
            apply(&mut next, event.target_unchecked_into::<HtmlSelectElement>().value());
            narrowed.set(next);
        })
    };
    let channels = [Channel::Webchat, Channel::Sms, Channel::Whatsapp, Channel::Messenger, Channel::Email];
    html! {
        <>
            <select class="sb-report-channel" aria-label="Channel" onchange={pick(|n, v| n.channel = channels_by_value(&v))}>
                <option value="">{ "All channels" }</option>
                { for channels.iter().map(|c| html! { <option value={channel_value(*c)}>{ c.label() }</option> }) }
            </select>
            if queues.len() > 1 {
                <select class="sb-report-queue" aria-label="Queue" onchange={pick(|n, v| n.queue = QueueId::parse(v).ok())}>
                    <option value="">{ "All queues" }</option>
                    { for queues.iter().map(|q| html! { <option value={q.to_string()}>{ q.to_string() }</option> }) }
                </select>
            }
            if !labels.is_empty() {
                <select class="sb-report-label" aria-label="Label" onchange={pick(|n, v| n.label = Some(v).filter(|v| !v.is_empty()))}>
                    <option value="">{ "Any label" }</option>
                    { for labels.iter().map(|l| html! { <option value={l.name.clone()}>{ l.name.clone() }</option> }) }
                </select>
            }
        </>
    }
}

fn channel_value(channel: Channel) -> String {
    serde_json::to_value(channel).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn channels_by_value(value: &str) -> Option<Channel> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

fn figures_view(
    figures: &Figures,
    from: i64,
    to: i64,
    offset_minutes: i32,
    team: &agents_list::Response,
) -> Html {
    let card = |key: &'static str, label: &'static str, value: String, note: String| {
        html! {
            <li class="sb-report-card" data-figure={key}>
                <span class="sb-report-label">{ label }</span>
                <span class="sb-report-value">{ value }</span>
                <span class="sb-report-note">{ note }</span>
            </li>
        }
    };
    let p90 = |d: &switchboard_protocol::api::reports::Durations| {
        format!("90 %: {} · {} measured", duration(d.p90_ms), d.count)
    };
    let csat = figures
        .ratings
        .average_hundredths
        .map_or("—".to_owned(), |h| format!("{}.{:02} / 5", h / 100, h % 100));
    let laid = bars(&figures.days, from, to, offset_minutes, CHART_HEIGHT, SLOT);
    let width = (laid.len() as i64 * SLOT).max(SLOT);
    let by_hour = report_view::hour_bars(&figures.hours, CHART_HEIGHT, SLOT);
    let name = |id: &switchboard_protocol::AgentId| {
        team.agents.iter().find(|a| &a.id == id).map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    html! {
        <>
            <ul class="sb-report-cards">
                { card("opened", "Conversations opened", figures.opened.to_string(), format!("{} handed to the team", figures.handed_over)) }
                { card("resolved", "Resolved", figures.resolved.to_string(), format!("{} by the bot alone ({})", figures.bot_contained, percent(figures.bot_contained, figures.resolved))) }
                { card("first_response", "First response (median)", duration(figures.first_response.median_ms), p90(&figures.first_response)) }
                { card("next_response", "Next responses (median)", duration(figures.next_response.median_ms), p90(&figures.next_response)) }
                { card("resolution", "Resolution time (median)", duration(figures.resolution.median_ms), p90(&figures.resolution)) }
                { card("queue_wait", "Queue wait (median)", duration(figures.queue_wait.median_ms), p90(&figures.queue_wait)) }
                { card("sla_breaches", "Response targets missed", figures.sla_breaches.to_string(), String::new()) }
                { card("csat", "Customer satisfaction", csat, format!("{} ratings: {}", figures.ratings.count,
                    figures.ratings.distribution.iter().enumerate().map(|(i, n)| format!("{}★ {n}", i + 1)).collect::<Vec<_>>().join(" · "))) }
            </ul>
            <figure class="sb-report-figure">
                <svg class="sb-report-chart" viewBox={format!("0 0 {width} {}", CHART_HEIGHT + 4)} role="img"
                    aria-label="Conversations opened and resolved per day">
                    { for laid.iter().map(|day| html! {
                        <g class="sb-report-day">
                            <title>{ format!("{} opened, {} resolved", day.counts.opened, day.counts.resolved) }</title>
                            <rect class="sb-report-bar sb-report-bar--opened" x={(day.x + 3).to_string()} y={(CHART_HEIGHT - day.opened).to_string()}
                                width="8" height={day.opened.max(1).to_string()} />
                            <rect class="sb-report-bar sb-report-bar--resolved" x={(day.x + 12).to_string()} y={(CHART_HEIGHT - day.resolved).to_string()}
                                width="8" height={day.resolved.max(1).to_string()} />
                        </g>
                    }) }
                </svg>
                <figcaption class="sb-report-legend">
                    <span class="sb-report-key sb-report-key--opened">{ "Opened" }</span>
                    <span class="sb-report-key sb-report-key--resolved">{ "Resolved" }</span>
                    { " per day" }
                </figcaption>
            </figure>
            if !figures.ratings.comments.is_empty() {
                <section class="sb-report-comments" aria-label="What customers said">
                    <h3>{ "What customers said" }</h3>
                    <ul>
                        { for figures.ratings.comments.iter().map(|said| html! {
                            <li class="sb-report-comment">
                                <span class="sb-report-stars" aria-label={format!("{} of 5", said.score)}>
                                    { format!("{}{}", "★".repeat(usize::from(said.score)), "☆".repeat(5 - usize::from(said.score.min(5)))) }
                                </span>
                                <span class="sb-report-said">{ said.comment.clone() }</span>
                            </li>
                        }) }
                    </ul>
                </section>
            }
            <figure class="sb-report-figure">
                <svg class="sb-report-chart sb-report-hours" viewBox={format!("0 0 {} {}", 24 * SLOT, CHART_HEIGHT + 16)} role="img"
                    aria-label="Conversations opened and resolved by hour of the day">
                    { for by_hour.iter().map(|hour| html! {
                        <g class="sb-report-day">
                            <title>{ format!("{:02}:00 — {} opened, {} resolved", hour.day, hour.counts.opened, hour.counts.resolved) }</title>
                            <rect class="sb-report-bar sb-report-bar--opened" x={(hour.x + 3).to_string()} y={(CHART_HEIGHT - hour.opened).to_string()}
                                width="8" height={hour.opened.max(1).to_string()} />
                            <rect class="sb-report-bar sb-report-bar--resolved" x={(hour.x + 12).to_string()} y={(CHART_HEIGHT - hour.resolved).to_string()}
                                width="8" height={hour.resolved.max(1).to_string()} />
                            if hour.day % 6 == 0 {
                                <text class="sb-report-tick" x={(hour.x + 2).to_string()} y={(CHART_HEIGHT + 14).to_string()}>{ format!("{:02}", hour.day) }</text>
                            }
                        </g>
                    }) }
                </svg>
                <figcaption class="sb-report-legend">{ "By hour of the day, over the period" }</figcaption>
            </figure>
            if !figures.agents.is_empty() {
                <table class="sb-report-agents">
                    <caption>{ "The team" }</caption>
                    <thead><tr><th scope="col">{ "Agent" }</th><th scope="col">{ "Handled" }</th><th scope="col">{ "Resolved" }</th><th scope="col">{ "First response (median)" }</th><th scope="col">{ "Online" }</th><th scope="col">{ "Away" }</th></tr></thead>
                    <tbody>
                        { for figures.agents.iter().map(|(id, agent)| html! {
                            <tr data-agent={id.to_string()}>
                                <th scope="row">{ name(id) }</th>
                                <td>{ agent.handled }</td>
                                <td>{ agent.resolved }</td>
                                <td>{ duration(agent.first_response.median_ms) }</td>
                                <td class="sb-report-online">{ duration(Some(agent.online_ms)) }</td>
                                <td class="sb-report-away">{ duration(Some(agent.away_ms)) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </>
    }
}
