//! The launcher's look for one site, as the script `GET /launcher.js?site=ID` the loader adds
//! to every page: `Switchboard("style", CSS, ICON)`, which the loader applies to its shadow
//! root (a constructed stylesheet, which a strict page CSP allows) and its icon.
//!
//! The stylesheet lives here rather than in the loader because it depends on the site's
//! settings (colour, corner, icon, text), and because every byte of the loader is paid by
//! every page view of every site, while this script is cached and revalidated by `ETag`.
//! Until it arrives the loader shows nothing (no flash of a default launcher).

use switchboard_protocol::api::site_settings::{Appearance, LauncherIcon, Position};

use switchboard_protocol::api::proactive::ProactiveMessage;
use switchboard_protocol::SiteId;

use crate::appearance::{text_on, theme_color};
use crate::proactive::OnPage;

/// The path (`viewBox 0 0 24 24`) of each launcher icon.
pub fn icon_path(icon: LauncherIcon) -> &'static str {
    match icon {
        LauncherIcon::Chat => "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z",
        LauncherIcon::Help => {
            "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 16h-2v-2h2zm1.1-6.2-.9.9c-.7.7-1.2 1.3-1.2 2.8h-2v-.5c0-1.1.5-2.1 1.2-2.8l1.2-1.3A2 2 0 1 0 10 9H8a4 4 0 1 1 6.1 2.8z"
        }
        LauncherIcon::Mail => "M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z",
        LauncherIcon::Headset => {
            "M12 2a9 9 0 0 0-9 9v7a3 3 0 0 0 3 3h2v-8H5v-2a7 7 0 0 1 14 0v2h-3v8h2a3 3 0 0 0 3-3v-7a9 9 0 0 0-9-9z"
        }
    }
}

/// The launcher and panel stylesheet for `appearance`.
pub fn stylesheet(appearance: &Appearance) -> String {
    let color = theme_color(appearance);
    let on = text_on(color);
    let side = match appearance.position {
        Position::Right => "right",
        Position::Left => "left",
    };
    // The words beside the icon come through CSS `content` (the button's accessible name
    // stays its label), hidden while the panel is open so the button shrinks to its icon.
    let words = appearance.launcher_text.as_deref().map_or(String::new(), |text| {
        format!("button::after{{content:{}}}button.open::after{{display:none}}", css_string(text))
    });
    format!(
        "[hidden]{{display:none!important}}\
         button{{position:fixed;{side}:20px;bottom:20px;box-sizing:border-box;min-width:56px;height:56px;\
         padding:0 14px;border:0;border-radius:28px;background:{color};color:{on};cursor:pointer;\
         display:flex;align-items:center;justify-content:center;gap:8px;\
         font:600 15px/1 system-ui,sans-serif;box-shadow:0 4px 14px #0004}}\
         {words}\
         svg{{width:28px;height:28px;fill:{on}}}\
         [part=badge]{{position:absolute;top:-2px;right:-2px;min-width:10px;padding:0 5px;\
         border-radius:10px;background:#d50000;color:#fff;font:700 12px/20px sans-serif;text-align:center}}\
         .panel{{position:fixed;{side}:20px;bottom:88px;width:min(380px,100vw - 40px);\
         height:min(600px,100vh - 108px);border-radius:16px;overflow:hidden;\
         box-shadow:0 8px 40px #0004;visibility:hidden}}\
         .open{{visibility:visible}}\
         iframe{{width:100%;height:100%;border:0}}\
         @media (max-width:639px){{.panel{{inset:0;width:auto;height:auto;border-radius:0}}button.open{{display:none}}}}"
    )
}

/// Hides the launcher of a page without a chat frame — one that has no conversation going
/// (the loader starts the frame at once for a visitor who has one) — for sites that hide it
/// while the team is offline. The panel comes before the button in the shadow root.
const HIDDEN_WITHOUT_CONVERSATION: &str = ".panel:not(:has(iframe))+button{display:none}";

/// The whole script for `appearance`, with the team `offline` or not (which matters only to
/// a site that hides the launcher then), and the site's proactive messages the page may show
/// (`crate::proactive::on_page`; none while the launcher hides).
pub fn script(appearance: &Appearance, offline: bool, site: &SiteId, proactive: &[OnPage<'_>]) -> String {
    // serde_json writes valid JavaScript string literals (quotes, backslashes, controls).
    let literal = |text: &str| serde_json::Value::from(text).to_string();
    let mut css = stylesheet(appearance);
    let hidden = hides(appearance, offline);
    if hidden {
        css.push_str(HIDDEN_WITHOUT_CONVERSATION);
    }
    let icon = literal(icon_path(appearance.launcher_icon));
    if hidden || proactive.is_empty() {
        return format!("Switchboard(\"style\",{},{icon});\n", literal(&css));
    }
    css.push_str(&bubble_stylesheet(appearance));
    let list = serde_json::to_string(proactive).unwrap_or_else(|_| "[]".into());
    let hook = format!("({})({list},{})", proactive_runtime(), literal(site.as_str()));
    format!("Switchboard(\"style\",{},{icon},{hook});\n", literal(&css))
}

/// The bubble of a proactive message, above the launcher on its side; gone while the panel
/// is open (the panel comes first in the shadow root).
fn bubble_stylesheet(appearance: &Appearance) -> String {
    let color = theme_color(appearance);
    let on = text_on(color);
    let side = match appearance.position {
        Position::Right => "right",
        Position::Left => "left",
    };
    format!(
        ".bubble{{position:fixed;{side}:20px;bottom:88px;width:min(300px,100vw - 40px);\
         animation:sb-rise .3s ease-out;font:14px/1.4 system-ui,sans-serif}}\
         .panel.open~.bubble,[part=launcher][hidden]~.bubble{{display:none}}\
         .say{{display:block;width:100%;box-sizing:border-box;padding:14px 16px;border:0;border-radius:14px;\
         background:#fff;color:#1a1a1a;text-align:start;font:inherit;cursor:pointer;box-shadow:0 4px 24px #0003}}\
         .say:focus-visible,.dismiss:focus-visible{{outline:2px solid {color};outline-offset:2px}}\
         .who{{display:flex;align-items:center;gap:8px;margin-bottom:6px;font-weight:600}}\
         .face{{width:28px;height:28px;border-radius:50%;background:{color};color:{on};\
         display:flex;align-items:center;justify-content:center}}\
         .text{{display:block;white-space:pre-wrap;overflow-wrap:anywhere}}\
         .dismiss{{position:absolute;top:-10px;{side}:-6px;width:24px;height:24px;padding:0;border:0;\
         border-radius:12px;background:#555;color:#fff;font:16px/24px sans-serif;cursor:pointer}}\
         @keyframes sb-rise{{from{{opacity:0;transform:translateY(8px)}}}}\
         @media (prefers-reduced-motion:reduce){{.bubble{{animation:none}}}}"
    )
}

/// `proactive.js` without its comment lines and indentation (it is paid on every page view).
fn proactive_runtime() -> String {
    include_str!("proactive.js")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `/launcher.js` depends on whether the team is online: the site hides the launcher
/// while offline, or has proactive messages shown only while the team is online (it is then
/// revalidated on every page load rather than cached).
pub fn needs_presence(appearance: &Appearance, proactive: &[ProactiveMessage]) -> bool {
    appearance.hide_when_offline || proactive.iter().any(|message| message.only_when_online)
}

/// Whether the launcher is hidden from visitors without a conversation: the site asks for
/// it while the team is offline.
pub fn hides(appearance: &Appearance, offline: bool) -> bool {
    appearance.hide_when_offline && offline
}

/// Whether the team counts as offline for the launcher: outside business hours, or nobody
/// with the console open (the widget's header says "Away" then).
pub fn offline(presence: &switchboard_protocol::api::site_presence::Response) -> bool {
    !presence.online()
}

/// `text` as a quoted CSS string: anything but letters, digits and spaces as a hex escape,
/// so no text can end the string or the rule.
fn css_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        if c.is_alphanumeric() || c == ' ' {
            quoted.push(c);
        } else {
            quoted.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_follows_colour_corner_and_text() {
        let default = stylesheet(&Appearance::default());
        assert!(
            default.contains("right:20px;bottom:20px")
                && default.contains("background:#3d5afe;color:#ffffff")
        );
        assert!(!default.contains("::after"));
        let appearance = Appearance {
            color: "#ffd400".into(),
            position: Position::Left,
            launcher_text: Some("Need help?".into()),
            ..Appearance::default()
        };
        let css = stylesheet(&appearance);
        assert!(css.contains("left:20px;bottom:20px") && css.contains("left:20px;bottom:88px"));
        assert!(css.contains("background:#ffd400;color:#000000") && css.contains("fill:#000000"));
        assert!(css.contains("content:\"Need help\\3f \""), "{css}");
    }

    #[test]
    fn no_text_escapes_its_css_string_or_the_script() {
        for text in
            ["\"}body{display:none}", "a\\\"b", "</script><script>alert(1)</script>", "x\ny", "Ünïcødé 質問"]
        {
            let quoted = css_string(text);
            let inner = &quoted[1..quoted.len() - 1];
            assert!(!inner.contains(['"', '\n', '}', '{', ';', '<']), "{text}: {quoted}");
            let appearance = Appearance { launcher_text: Some(text.into()), ..Appearance::default() };
            let script = script(&appearance, false, &site(), &[]);
            assert!(script.starts_with("Switchboard(\"style\",\"") && script.ends_with(");\n"));
            assert!(!script.contains("</script>"), "{script}");
        }
        assert_eq!(css_string("Ünïcødé 質問"), "\"Ünïcødé 質問\"");
    }

    fn site() -> SiteId {
        SiteId::parse("shop-7").unwrap()
    }

    #[test]
    fn proactive_messages_come_with_their_bubble_unless_the_launcher_hides() {
        use switchboard_protocol::api::proactive::{ProactiveMessage, Sender, Trigger};
        let agent = switchboard_protocol::AgentId::from_random([3; 16]);
        let message = |name: &str, only_when_online| ProactiveMessage {
            name: name.into(),
            text: "Questions about </script> plans?".into(),
            from: Sender::Agent { agent_id: agent.clone(), name: "Anna".into() },
            trigger: Trigger { url: Some("*/pricing*".into()), after_seconds: 5, ..Trigger::default() },
            only_when_online,
        };
        let messages = [message("pricing", false), message("online-only", true)];
        let online = crate::proactive::on_page(&messages, false, "Sam");
        let page = script(&Appearance::default(), false, &site(), &online);
        assert!(page.contains(".bubble{") && page.contains("function (root, fired, answer)"), "{page}");
        assert!(page.contains(r#""name":"pricing""#) && page.contains(r#""from":"Anna""#));
        assert!(page.contains(r#""url":"*/pricing*","after":5"#) && page.contains(site().as_str()));
        assert!(!page.contains(agent.as_str()) && !page.contains("\n//"));
        let offline = crate::proactive::on_page(&messages, true, "Sam");
        assert_eq!(offline.len(), 1);
        assert!(
            needs_presence(&Appearance::default(), &messages)
                && !needs_presence(&Appearance::default(), &messages[..1])
        );
        assert!(needs_presence(&Appearance { hide_when_offline: true, ..Appearance::default() }, &[]));
        // A launcher hidden while the team is away shows no bubble either.
        let hiding = Appearance { hide_when_offline: true, ..Appearance::default() };
        assert!(!script(&hiding, true, &site(), &offline).contains("bubble"));
        assert!(!script(&Appearance::default(), false, &site(), &[]).contains("bubble"));
    }

    #[test]
    fn every_icon_has_a_path() {
        for icon in [LauncherIcon::Chat, LauncherIcon::Help, LauncherIcon::Mail, LauncherIcon::Headset] {
            let script =
                script(&Appearance { launcher_icon: icon, ..Appearance::default() }, false, &site(), &[]);
            assert!(script.contains(icon_path(icon)) && icon_path(icon).starts_with('M'));
        }
    }

    #[test]
    fn the_launcher_hides_only_where_asked_and_only_while_offline() {
        use switchboard_protocol::api::site_presence::Response as Presence;
        let hiding = Appearance { hide_when_offline: true, ..Appearance::default() };
        assert!(script(&hiding, true, &site(), &[]).contains(HIDDEN_WITHOUT_CONVERSATION));
        assert!(!script(&hiding, false, &site(), &[]).contains(HIDDEN_WITHOUT_CONVERSATION));
        assert!(!script(&Appearance::default(), true, &site(), &[]).contains(HIDDEN_WITHOUT_CONVERSATION));
        let presence = |agents_online, open| Presence { agents_online, open, opens_at: None };
        assert!(offline(&presence(0, true)) && offline(&presence(3, false)));
        assert!(!offline(&presence(1, true)));
    }
}
