//! The team's emails: what an invite and a reset link say, names kept in their place.

use chrono::DateTime;
use proptest::prelude::*;

use super::*;

/// 7 December 2026, 10:00 UTC.
const DEC_7_2026_10H: i64 = 1_796_637_600_000;

#[test]
fn an_invite_names_who_invited_whom_to_which_site_and_until_when() {
    let url = "https://edge.example/console/#invite=abc";
    let email = invite("Shop & Co", "Dev Agent", "Nia", url, DEC_7_2026_10H);
    assert_eq!(email.subject, "Dev Agent invited you to answer Shop & Co's conversations on Switchboard");
    assert!(email.text.starts_with("Hello Nia,\n\n"), "{}", email.text);
    assert!(email.text.contains(&format!("\n{url}\n")), "the link on a line of its own: {}", email.text);
    assert!(email.text.contains("until 7 December 2026, 10:00 UTC"), "{}", email.text);
    assert!(email.html.contains("Shop &amp; Co&#39;s conversations"), "{}", email.html);
    assert!(email.html.contains(&format!("href=\"{url}\"")), "{}", email.html);
    assert!(email.html.contains("7 December 2026, 10:00 UTC"));

    let unnamed = invite("Shop", "  ", "", url, DEC_7_2026_10H);
    assert_eq!(unnamed.subject, "You are invited to answer Shop's conversations on Switchboard");
    assert!(unnamed.text.starts_with("Hello,\n\n"), "{}", unnamed.text);
}

#[test]
fn a_reset_link_says_an_admin_made_it_once_for_a_day_and_to_ignore_it_if_unexpected() {
    let url = "https://edge.example/console/#reset=abc";
    let email = password_reset("Shop", Some("Sam"), url, DEC_7_2026_10H);
    assert_eq!(email.subject, "Choose a new password for Shop on Switchboard");
    assert!(email.text.starts_with("Hello Sam,\n\n"), "{}", email.text);
    for words in ["An admin of Shop made a link", "works once, for 24 hours", "ignore this email"] {
        assert!(email.text.contains(words), "{words:?} in {}", email.text);
        assert!(email.html.contains(words), "{words:?} in {}", email.html);
    }
    assert!(email.text.contains(&format!("\n{url}\n")) && email.html.contains(&format!("href=\"{url}\"")));
    assert!(email.text.contains("7 December 2026, 10:00 UTC"));
    assert!(password_reset("Shop", None, url, 0).text.starts_with("Hello,\n\n"));
}

#[test]
fn names_stay_on_one_line_and_out_of_the_markup() {
    let email =
        invite("Shop\r\nBcc: eve@evil.example", "<b>Eve</b>", "\"Nia\"\n", "https://x/?a=1&b=\"2\"", 0);
    assert_eq!(
        email.subject,
        "<b>Eve</b> invited you to answer Shop Bcc: eve@evil.example's conversations on Switchboard"
    );
    assert!(email.html.contains("&lt;b&gt;Eve&lt;/b&gt;") && !email.html.contains("<b>"));
    assert!(email.html.contains("Hello &quot;Nia&quot;,"));
    assert!(email.html.contains("href=\"https://x/?a=1&amp;b=&quot;2&quot;\""));
}

#[test]
fn dates_are_written_out_in_utc() {
    assert_eq!(utc_date(DEC_7_2026_10H), "7 December 2026, 10:00 UTC");
    assert_eq!(utc_date(0), "1 January 1970, 00:00 UTC");
    assert_eq!(utc_date(951_782_400_000 + 59_999), "29 February 2000, 00:00 UTC");
    assert_eq!(utc_date(-1), "31 December 1969, 23:59 UTC");
}

/// Lots of names people type, and some they should not.
fn name() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,40}", "[a-z<>\"'&\r\n \t]{0,40}", any::<String>()]
}

proptest! {
    /// Whatever the names, the HTML part has exactly the markup of an email with plain names
    /// (no `<`, `>` or `"` of theirs), shows each name escaped, and the subject is one line.
    #[test]
    fn no_name_becomes_markup_or_a_header(
        site in name(), inviter in name(), invitee in name(), at in 0i64..4_102_444_800_000,
    ) {
        let url = "https://edge.example/console/#invite=t";
        let markup = |html: &str| html.chars().filter(|c| matches!(c, '<' | '>' | '"')).count();
        let plain = invite("S", "I", "N", url, at);
        let email = invite(&site, &inviter, &invitee, url, at);
        prop_assert_eq!(markup(&email.html), markup(&plain.html));
        for name in [&site, &inviter, &invitee] {
            prop_assert!(email.html.contains(&escape(&one_line(name))));
        }
        prop_assert!(!email.subject.contains(['\r', '\n']));

        let plain = password_reset("S", Some("N"), url, at);
        let email = password_reset(&site, Some(&invitee), url, at);
        prop_assert_eq!(markup(&email.html), markup(&plain.html));
        prop_assert!(email.html.contains(&escape(&one_line(&site))));
        prop_assert!(email.html.contains(&escape(&one_line(&invitee))));
        prop_assert!(!email.subject.contains(['\r', '\n']));
    }

    /// The hand-written calendar agrees with chrono's (from the year 1000: chrono pads years to
    /// four digits).
    #[test]
    fn dates_agree_with_chrono(at in -30_610_224_000_000i64..253_402_300_799_000) {
        let expected = DateTime::from_timestamp_millis(at).unwrap().format("%-d %B %Y, %H:%M UTC").to_string();
        prop_assert_eq!(utc_date(at), expected);
    }
}
