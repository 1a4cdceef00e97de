//! The cursor of a list read newest first by `(time, id)` — contacts, webhook deliveries:
//! `<ms>.<id>`, handed out as `next_cursor` and passed back as `?cursor=`.

use switchboard_protocol::{ApiError, ErrorCode};

/// The cursor after an item changed at `at` with `id`.
pub fn encode(at: i64, id: &str) -> String {
    format!("{at}.{id}")
}

/// A cursor as [`encode`] made it (`400` naming `cursor` otherwise).
pub fn decode(cursor: &str) -> Result<(i64, String), ApiError> {
    cursor
        .split_once('.')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
        .filter(|(_, id)| !id.is_empty())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::BadRequest, "cursor: pass next_cursor as given").at_field("cursor")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        assert_eq!(decode(&encode(1_700, "ctc_ab.c")), Ok((1_700, "ctc_ab.c".to_owned())));
        for forged in ["", "abc", "12.", "x.ctc_1"] {
            assert_eq!(decode(forged).unwrap_err().field.as_deref(), Some("cursor"), "{forged}");
        }
    }
}
