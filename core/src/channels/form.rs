//! `application/x-www-form-urlencoded` bodies (how Twilio posts webhooks and takes API
//! requests), read and written with the `form_urlencoded` crate.

/// The fields of `body`, in order (a name may repeat).
pub fn parse(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes()).into_owned().collect()
}

/// `fields` as a body.
pub fn encode<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}

/// The first value of `name` in `fields`.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_with_spaces_plus_signs_and_unicode() {
        let body = encode([("From", "+15550142"), ("Body", "hi there & café ✓")]);
        assert_eq!(body, "From=%2B15550142&Body=hi+there+%26+caf%C3%A9+%E2%9C%93");
        let fields = parse(&body);
        assert_eq!(field(&fields, "From"), Some("+15550142"));
        assert_eq!(field(&fields, "Body"), Some("hi there & café ✓"));
        assert_eq!(field(&fields, "To"), None);
    }
}
