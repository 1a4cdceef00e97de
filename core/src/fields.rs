//! What an answer to a question must look like — the rule bot's questions and the pre-chat
//! form's fields share these kinds — and how an email address is normalised. A leaf: it
//! depends on nothing else in the crate.

use serde::{Deserialize, Serialize};

/// What an answer must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// Any text up to 200 characters.
    #[default]
    Text,
    /// An email address.
    Email,
    /// A phone number: 6 to 15 digits, with optional `+`, spaces, dashes, dots or brackets.
    Phone,
    /// Only digits, between `min` and `max` of them (order numbers).
    Digits {
        /// Fewest digits.
        min: u8,
        /// Most digits.
        max: u8,
    },
}

impl FieldKind {
    /// The answer, cleaned, or why it is refused.
    pub fn validate(self, answer: &str) -> Result<String, &'static str> {
        let answer = answer.trim();
        match self {
            FieldKind::Text if answer.is_empty() || answer.chars().count() > 200 => {
                Err("Please answer in 1 to 200 characters.")
            }
            FieldKind::Text => Ok(answer.to_string()),
            FieldKind::Email => {
                normalise_email(answer).ok_or("That doesn't look like an email address. Please check it.")
            }
            FieldKind::Phone => {
                let digits = answer.chars().filter(char::is_ascii_digit).count();
                let allowed = answer.chars().all(|c| c.is_ascii_digit() || " +-.()".contains(c));
                if allowed && (6..=15).contains(&digits) && answer.rfind('+').is_none_or(|at| at == 0) {
                    Ok(answer.to_string())
                } else {
                    Err("That doesn't look like a phone number. Please check it.")
                }
            }
            FieldKind::Digits { min, max } => {
                let digits = answer.trim_start_matches('#');
                let length = digits.chars().count();
                if digits.chars().all(|c| c.is_ascii_digit())
                    && (usize::from(min)..=usize::from(max)).contains(&length)
                {
                    Ok(digits.to_string())
                } else {
                    Err("That doesn't look right: please send the number only.")
                }
            }
        }
    }
}

/// Lowercases (ASCII letters) and trims an email address; `None` when it is not plausibly
/// one. ASCII only: full Unicode case mapping would put its tables in the widget's wasm, which
/// checks the pre-chat form's emails with this too (size-budgeted), and addresses with
/// non-ASCII capitals are vanishingly rare.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_ascii_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace);
    plausible.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_validate_what_visitors_type() {
        assert_eq!(FieldKind::Digits { min: 4, max: 8 }.validate(" #12345 "), Ok("12345".into()));
        assert!(FieldKind::Digits { min: 4, max: 8 }.validate("12a45").is_err());
        assert!(FieldKind::Phone.validate("+49 (30) 123-4567").is_ok());
        assert!(FieldKind::Phone.validate("12+34567").is_err());
        assert!(FieldKind::Text.validate("   ").is_err());
    }

    #[test]
    fn emails_are_trimmed_lowercased_and_plausible() {
        assert_eq!(normalise_email("  Ada@Example.COM "), Some("ada@example.com".into()));
        for bad in ["nobody", "@example.com", "a@example", "a@.com", "a b@example.com"] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }
}
