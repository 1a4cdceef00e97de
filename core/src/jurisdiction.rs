//! Where a deployment keeps its data: the jurisdiction its Durable Objects are restricted
//! to (`DATA_JURISDICTION`), so every conversation, site and counter lives — and stays —
//! inside it. Cloudflare names `eu` and `fedramp`; unset or empty means anywhere.

/// The jurisdictions Cloudflare restricts Durable Objects to.
pub const KNOWN: [&str; 2] = ["eu", "fedramp"];

/// The jurisdiction `setting` names (`None`: unrestricted), or why it names none Cloudflare
/// knows — a typo must not quietly keep data anywhere.
pub fn from_setting(setting: Option<&str>) -> Result<Option<&'static str>, String> {
    match setting.map(str::trim).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(value) => {
            KNOWN.iter().find(|known| known.eq_ignore_ascii_case(value)).map(|known| Some(*known)).ok_or_else(
                || format!("DATA_JURISDICTION is {value:?}; it may be one of {KNOWN:?}, or unset"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_jurisdiction_is_taken_and_anything_else_refused() {
        assert_eq!(from_setting(None), Ok(None));
        assert_eq!(from_setting(Some(" ")), Ok(None));
        assert_eq!(from_setting(Some("EU")), Ok(Some("eu")));
        assert_eq!(from_setting(Some("fedramp")), Ok(Some("fedramp")));
        assert!(from_setting(Some("europe")).unwrap_err().contains("europe"));
    }
}
