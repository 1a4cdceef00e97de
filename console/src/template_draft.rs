//! A WhatsApp template being filled in, as the agent types: the text the customer will get
//! (slots still empty shown as `{{n}}`), and what still stops it from being sent, in the
//! agent's terms (pure, tested natively; the panel is `components::template_picker`).

use switchboard_core::channels::whatsapp;
use switchboard_protocol::channels::{Template, TemplateUse};

/// Slot `n` as a template's text writes it: `{{n}}`.
pub fn slot(n: usize) -> String {
    format!("{{{{{n}}}}}")
}

/// `text` with each slot that has a value filled in (trimmed, as the edge sends it); slots
/// still empty stay `{{n}}`, so the agent sees what is left to fill. One pass: a value is
/// never read as a slot.
pub fn preview(text: &str, values: &[String]) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let n: usize = after[..end].parse().ok()?;
            let value = values.get(n.checked_sub(1)?)?.trim();
            (!value.is_empty()).then_some((value, end))
        });
        shown.push_str(&rest[..start]);
        match value {
            Some((value, end)) => {
                shown.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                shown.push_str("{{");
                rest = after;
            }
        }
    }
    shown.push_str(rest);
    shown
}

/// Why `chosen` cannot be sent yet, in the agent's terms (the slot, as they see it), or `None`:
/// the edge's own check (`whatsapp::fill`), run before the request.
pub fn problem(templates: &[Template], chosen: &TemplateUse) -> Option<String> {
    if let Some(n) = chosen.variables.iter().position(|value| value.trim().is_empty()) {
        return Some(format!("Fill in {} first.", slot(n + 1)));
    }
    let refused = whatsapp::fill(templates, chosen).err()?;
    let at = refused.field.as_deref().and_then(|field| field.strip_prefix("template.variables["));
    let at = at.and_then(|rest| rest.strip_suffix(']')).and_then(|n| n.parse::<usize>().ok());
    Some(match at {
        Some(n) => format!("{}: {}", slot(n + 1), refused.message),
        None => refused.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(list: &[&str]) -> Vec<String> {
        list.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn the_preview_fills_what_is_typed_and_shows_what_is_left() {
        let text = "Hi {{1}}, your order {{2}} has shipped.";
        assert_eq!(preview(text, &values(&[" Grace ", "AB-12"])), "Hi Grace, your order AB-12 has shipped.");
        assert_eq!(preview(text, &values(&["Grace", ""])), "Hi Grace, your order {{2}} has shipped.");
        assert_eq!(preview(text, &[]), text);
        // A value that looks like a slot is text, not another slot.
        assert_eq!(preview("{{1}} and {{2}}", &values(&["{{2}}", "b"])), "{{2}} and b");
        assert_eq!(preview("odd {{ and {{x}} {{", &values(&["a"])), "odd {{ and {{x}} {{");
    }

    #[test]
    fn a_template_with_a_slot_left_empty_or_a_bad_value_is_not_sent() {
        let templates =
            [Template { name: "order_update".into(), text: "Hi {{1}}, {{2}}".into(), content_sid: None }];
        let chosen = |list: &[&str]| TemplateUse { name: "order_update".into(), variables: values(list) };
        assert_eq!(problem(&templates, &chosen(&["Grace", "AB-12"])), None);
        assert_eq!(problem(&templates, &chosen(&["Grace", " "])).as_deref(), Some("Fill in {{2}} first."));
        let bad = problem(&templates, &chosen(&["Grace", "{{1}}"])).unwrap_or_default();
        assert!(bad.starts_with("{{2}}: "), "{bad}");
    }
}
