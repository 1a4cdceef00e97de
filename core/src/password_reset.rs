//! Password reset links: an admin makes one for a teammate (a one-time token of the same
//! shape as an invite's, stored only as its hash), it works once and for
//! [`RESET_LINK_HOURS`] hours, and a newer link voids the older.

use switchboard_protocol::api::password_reset::RESET_LINK_HOURS;
use switchboard_protocol::{ApiError, ErrorCode};

/// When a link made at `now` stops working.
pub fn expiry(now: i64) -> i64 {
    now + RESET_LINK_HOURS * 60 * 60 * 1000
}

/// Whether a link stored with `expires_at` and `used_at` still works at `now`.
pub fn check(expires_at: i64, used_at: Option<i64>, now: i64) -> Result<(), ApiError> {
    if used_at.is_some() {
        return Err(ApiError::new(
            ErrorCode::Gone,
            "this reset link was already used; ask an admin for a new one",
        ));
    }
    if expires_at <= now {
        return Err(ApiError::new(
            ErrorCode::Gone,
            "this reset link has expired; ask an admin for a new one",
        ));
    }
    Ok(())
}

/// The refusal of a token that names no link.
pub fn unknown() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such reset link; check the link, or ask an admin for a new one")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_once_and_for_a_day() {
        let made = 1_000;
        let ends = expiry(made);
        assert_eq!(ends - made, 24 * 60 * 60 * 1000);
        assert!(check(ends, None, ends - 1).is_ok());
        assert_eq!(check(ends, None, ends).unwrap_err().code, ErrorCode::Gone);
        assert_eq!(check(ends, Some(made + 5), made + 10).unwrap_err().code, ErrorCode::Gone);
        assert_eq!(unknown().code, ErrorCode::NotFound);
    }
}
