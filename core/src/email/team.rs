//! The team's own emails: an invite to answer a site's conversations, and a password reset
//! link an admin made for a teammate. The edge sends them when the deployment sends email
//! (and still answers the admin the link, to pass on by hand otherwise).
//!
//! Names come from people (the site's, the inviter's, the invitee's): in the subject they are
//! one line (no header can be smuggled in), in the HTML part they are escaped.

use switchboard_protocol::api::password_reset::RESET_LINK_HOURS;
use switchboard_protocol::api::site_settings::DEFAULT_COLOR;

use super::continuity::{escape, Composed};

/// The invite to answer `site_name`'s conversations, from `inviter_name` (blank: the site
/// only) to `invitee_name`, with the link `url` that works until `expires_at_ms`.
pub fn invite(
    site_name: &str,
    inviter_name: &str,
    invitee_name: &str,
    url: &str,
    expires_at_ms: i64,
) -> Composed {
    let (site, inviter, invitee) = (one_line(site_name), one_line(inviter_name), one_line(invitee_name));
    let expires = utc_date(expires_at_ms);
    let lead = match inviter.as_str() {
        "" => format!("You are invited to answer {site}'s conversations on Switchboard"),
        inviter => format!("{inviter} invited you to answer {site}'s conversations on Switchboard"),
    };
    let hello = greeting(&invitee);
    let text = format!(
        "{hello}\n\n{lead}.\n\nChoose your password and sign in here:\n{url}\n\n\
         The link works once, until {expires}. If you did not expect this invitation, you can \
         ignore this email.\n"
    );
    let html = format!(
        "<p>{}</p><p>{}.</p>{}<p>The link works once, until {}. If you did not expect this \
         invitation, you can ignore this email.</p>",
        escape(&hello),
        escape(&lead),
        button(url, "Accept the invitation"),
        escape(&expires)
    );
    Composed { subject: lead, text, html }
}

/// The password reset link `url` an admin of `site_name` made for `person_name` (when
/// known), working once until `expires_at_ms`.
pub fn password_reset(site_name: &str, person_name: Option<&str>, url: &str, expires_at_ms: i64) -> Composed {
    let site = one_line(site_name);
    let hello = greeting(&person_name.map(one_line).unwrap_or_default());
    let expires = utc_date(expires_at_ms);
    let subject = format!("Choose a new password for {site} on Switchboard");
    let lead = format!("An admin of {site} made a link for you to choose a new password on Switchboard.");
    let lasts = format!(
        "It works once, for {RESET_LINK_HOURS} hours (until {expires}). Choosing a new password \
         signs you out everywhere else."
    );
    let ignore = "If you did not expect this, ignore this email: your password stays as it is.";
    let text = format!("{hello}\n\n{lead}\n\nChoose it here:\n{url}\n\n{lasts}\n\n{ignore}\n");
    let html = format!(
        "<p>{}</p><p>{}</p>{}<p>{}</p><p>{}</p>",
        escape(&hello),
        escape(&lead),
        button(url, "Choose a new password"),
        escape(&lasts),
        escape(ignore)
    );
    Composed { subject, text, html }
}

/// `Hello Nia,`, or `Hello,` without a name.
fn greeting(name: &str) -> String {
    match name {
        "" => "Hello,".to_owned(),
        name => format!("Hello {name},"),
    }
}

/// The link as a button, and written out for mail programs that show no buttons.
fn button(url: &str, label: &str) -> String {
    let url = escape(url);
    format!(
        "<p><a href=\"{url}\" style=\"background:{DEFAULT_COLOR};color:#fff;padding:8px 14px;\
         border-radius:6px;text-decoration:none\">{label}</a></p><p>Or open this link: \
         <a href=\"{url}\">{url}</a></p>"
    )
}

/// `name` on one line: line breaks and other control characters become spaces, runs of
/// spaces one, none at either end.
fn one_line(name: &str) -> String {
    let spaced: String = name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `7 December 2026, 10:00 UTC` for `at_ms` (ms since the Unix epoch).
pub fn utc_date(at_ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let seconds = at_ms.div_euclid(1_000);
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let month = MONTHS[(month - 1) as usize];
    format!("{day} {month} {year}, {:02}:{:02} UTC", of_day / 3_600, of_day % 3_600 / 60)
}

/// The proleptic Gregorian (year, month 1–12, day 1–31) of `days` since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
