//! Which field a request body's shape error is about, for the `field` of the error answered:
//! the JSON parser says where it was (`flow.queues[0].id`) and, for a missing or unknown
//! field, names it in its message.

/// The field a body's shape error is about: where the parser was (`flow.queues[0].id`), and
/// for a missing or unknown one the field it names (``missing field `name` ``).
pub fn field_at_fault(path: &str, message: &str) -> Option<String> {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|start| message.split_once(start))
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name);
    let path = path.trim_start_matches('.');
    let path = (!path.is_empty() && path != "?").then_some(path);
    match (path, named) {
        (Some(path), Some(name)) if !path.ends_with(name) => Some(format!("{path}.{name}")),
        (Some(path), _) => Some(path.to_owned()),
        (None, Some(name)) => Some(name.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::field_at_fault;

    #[test]
    fn names_the_field_a_parser_complained_about() {
        assert_eq!(field_at_fault(".", "missing field `name` at line 1 column 2").as_deref(), Some("name"));
        assert_eq!(
            field_at_fault("scopes", "unknown field `scopes`, expected one of").as_deref(),
            Some("scopes")
        );
        assert_eq!(
            field_at_fault("flow.queues[0]", "missing field `id`").as_deref(),
            Some("flow.queues[0].id")
        );
        assert_eq!(field_at_fault("role", "unknown variant `owner`").as_deref(), Some("role"));
        assert_eq!(field_at_fault(".", "expected value at line 1 column 1"), None);
    }
}
