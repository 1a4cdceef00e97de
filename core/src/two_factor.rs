//! Two-factor sign-in: authenticator-app codes (TOTP, RFC 6238) and one-time recovery codes.
//!
//! After the password, an agent enters the 6-digit code their authenticator app shows for
//! the current 30-second step; a code is accepted one step early or late (clock drift), and
//! only once: [`verify_code`] returns the step it used, the caller stores it, and a code of
//! that step or an earlier one is refused from then on (RFC 6238 §5.2). An agent who lost the
//! app signs in with one of [`RECOVERY_CODES`] recovery codes, shown once at enrolment and
//! kept only as hashes; each works once (the caller removes the entry that matched).
//!
//! Whether a site asks for the second step at all is its [`TwoFactorPolicy`]; what follows a
//! correct password is [`after_password`]. Like the rest of the crate this is sans-IO: the
//! time comes in as `now_ms` (milliseconds since the Unix epoch) and randomness as byte arrays
//! the caller fills from a CSPRNG.
//!
//! Crates: the code is HOTP's dynamic truncation (RFC 4226 §5.3) over RustCrypto's `hmac` +
//! `sha1`, with `data-encoding` for the base32 secret and `percent-encoding` for the
//! `otpauth://` URI, rather than `totp-rs`, which does build for wasm32 without its default
//! features but brings a second generation of the RustCrypto stack (hmac 0.13, sha1/sha2
//! 0.11, digest 0.11) next to the 0.12/0.10 one this crate already uses, and `url` for its
//! URI; the crates used here were already in the workspace's lock file.
//!
//! # Layout
//! - this file: the policy, the decision after a password, the error.
//! - [`totp`]: the secret, its base32 and `otpauth://` forms, codes and their verification.
//! - [`recovery`]: recovery codes: generating them, their stored hashes, redeeming one.
//! - `tests.rs`: RFC 6238's test vectors, drift, replay, recovery, policy; hostile input.

mod recovery;
mod totp;

pub use recovery::{redeem_recovery_code, RecoveryCodes, RECOVERY_CODES, RECOVERY_RANDOM_BYTES};
pub use totp::{verify_code, TotpSecret, DIGITS, SECRET_BYTES, STEP_MS};

pub use switchboard_protocol::api::two_factor::TwoFactorPolicy;
use switchboard_protocol::{ApiError, ErrorCode};

/// Why a code or a stored secret was refused. The code errors' texts are written for the
/// person signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TwoFactorError {
    /// Not 6 digits (spaces aside).
    #[error("enter the {DIGITS}-digit code from your authenticator app")]
    MalformedCode,
    /// 6 digits, but not the code of the current step or of either neighbour.
    #[error("that code is not right, or has expired")]
    WrongCode,
    /// The code of a step already used to sign in (or of an earlier one): a replay.
    #[error("that code was already used; wait for the next one")]
    CodeAlreadyUsed,
    /// A stored secret that is not base32 of [`SECRET_BYTES`] bytes.
    #[error("malformed two-factor secret")]
    MalformedSecret,
}

/// Whether `policy` requires a second step of an agent (`is_admin` for the site's admins).
pub fn required(policy: TwoFactorPolicy, is_admin: bool) -> bool {
    match policy {
        TwoFactorPolicy::Off => false,
        TwoFactorPolicy::Admins => is_admin,
        TwoFactorPolicy::Everyone => true,
    }
}

/// Whether an agent may turn their second step off: not while the site requires it of them.
pub fn may_turn_off(policy: TwoFactorPolicy, is_admin: bool) -> Result<(), ApiError> {
    if required(policy, is_admin) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "your team requires two-factor sign-in of this account; an admin can reset it instead",
        ));
    }
    Ok(())
}

/// The refusal of a sign-in's second step: `second_factor_required` without a code, and
/// `unauthorized` naming what was wrong with one.
pub fn refusal(error: Option<TwoFactorError>) -> ApiError {
    match error {
        None => ApiError::new(
            ErrorCode::SecondFactorRequired,
            "enter the code from your authenticator app, or a recovery code",
        ),
        Some(error) => ApiError::new(ErrorCode::Unauthorized, error.to_string()),
    }
}

/// Where a sign-in's second step comes from, once it was right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeUsed {
    /// The authenticator app's code of this step (store it: that step is used up).
    Totp(i64),
    /// The recovery code stored at this index (remove it: it is used up).
    Recovery(usize),
}

/// Checks `given` — an app code, or failing that a recovery code — for an account with
/// `secret`, `last_used_step` and the recovery codes' hashes `recovery`.
pub fn check_second_step(
    secret: &TotpSecret,
    recovery: &[String],
    given: &str,
    now_ms: i64,
    last_used_step: Option<i64>,
) -> Result<CodeUsed, TwoFactorError> {
    match verify_code(secret, given, now_ms, last_used_step) {
        Ok(step) => Ok(CodeUsed::Totp(step)),
        Err(TwoFactorError::MalformedCode) => {
            redeem_recovery_code(recovery, given).map(CodeUsed::Recovery).ok_or(TwoFactorError::WrongCode)
        }
        Err(error) => Err(error),
    }
}

/// What a sign-in asks for once the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondStep {
    /// Nothing: the agent is signed in.
    None,
    /// A code from the agent's authenticator app (or a recovery code).
    Code,
    /// Enrolment first: the policy requires a second step, and the agent has none set up yet.
    Enrol,
}

/// The step after a correct password: an enrolled agent is always asked for a code (whatever
/// the policy now says); one not enrolled enrols if the policy requires it, and is otherwise
/// signed in.
pub fn after_password(enrolled: bool, policy: TwoFactorPolicy, is_admin: bool) -> SecondStep {
    if enrolled {
        SecondStep::Code
    } else if required(policy, is_admin) {
        SecondStep::Enrol
    } else {
        SecondStep::None
    }
}

#[cfg(test)]
mod tests;
