//! Authenticator-app codes: TOTP (RFC 6238) with HMAC-SHA1, 6 digits, 30-second steps — the
//! parameters every authenticator app supports, and the only ones some of them honour.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;
use subtle::ConstantTimeEq;

use super::TwoFactorError;

/// Length of a time step, in milliseconds (RFC 6238's recommended 30 seconds).
pub const STEP_MS: i64 = 30_000;

/// Digits in a code.
pub const DIGITS: u32 = 6;

/// Bytes in a secret: 160 bits, the length of HMAC-SHA1's output that RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

/// Steps either side of the current one whose codes are still accepted (clock drift).
const DRIFT_STEPS: i64 = 1;

/// All but RFC 3986's unreserved characters are escaped in the URI's label and issuer.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// An agent's TOTP secret: shared with their authenticator app once, at enrolment, then kept
/// by the server (as [`TotpSecret::to_base32`]). Its `Debug` form does not show it.
#[derive(Clone)]
pub struct TotpSecret([u8; SECRET_BYTES]);

impl TotpSecret {
    /// A new secret from `random`, bytes from the caller's CSPRNG.
    pub fn from_random(random: [u8; SECRET_BYTES]) -> Self {
        Self(random)
    }

    /// The secret in base32 (RFC 4648, upper case, no padding): what authenticator apps take
    /// when typed in, and the form to store.
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// Reads [`TotpSecret::to_base32`]'s form back; lower case, spaces and trailing `=`
    /// padding are tolerated.
    pub fn from_base32(text: &str) -> Result<Self, TwoFactorError> {
        let cleaned: String =
            text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        let bytes = BASE32_NOPAD
            .decode(cleaned.trim_end_matches('=').as_bytes())
            .map_err(|_| TwoFactorError::MalformedSecret)?;
        bytes.try_into().map(Self).map_err(|_| TwoFactorError::MalformedSecret)
    }

    /// The `otpauth://totp/…` URI an authenticator app reads from a QR code, labelled
    /// `issuer:account` (both percent-encoded). An empty `issuer` leaves the label `account`
    /// alone and the `issuer` parameter out.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let account = utf8_percent_encode(account, URI_COMPONENT);
        let secret = self.to_base32();
        let period = STEP_MS / 1000;
        let parameters = format!("algorithm=SHA1&digits={DIGITS}&period={period}");
        if issuer.is_empty() {
            return format!("otpauth://totp/{account}?secret={secret}&{parameters}");
        }
        let issuer = utf8_percent_encode(issuer, URI_COMPONENT);
        format!("otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&{parameters}")
    }

    /// The code for the step holding `now_ms`, zero-padded to [`DIGITS`] digits, as the
    /// agent's app shows it then.
    pub fn code_at(&self, now_ms: i64) -> String {
        String::from_utf8_lossy(&self.code_for_step(step_at(now_ms))).into_owned()
    }

    fn code_for_step(&self, step: i64) -> [u8; DIGITS as usize] {
        let mut value = dynamic_truncation(&self.0, step) % 10u32.pow(DIGITS);
        let mut code = [b'0'; DIGITS as usize];
        for digit in code.iter_mut().rev() {
            // `value % 10` is below 10, so the cast keeps it whole.
            *digit = b'0' + (value % 10) as u8;
            value /= 10;
        }
        code
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

/// Constant-time, so that comparing secrets (a test, a re-enrolment) leaks nothing.
impl PartialEq for TotpSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for TotpSecret {}

/// The TOTP time step holding `now_ms`. Instants before 1970 give negative steps; no app
/// shows codes for them, but they still yield a code rather than a panic.
fn step_at(now_ms: i64) -> i64 {
    now_ms.div_euclid(STEP_MS)
}

/// HOTP's value for counter `step` before reduction to digits (RFC 4226 §5.3): HMAC-SHA1 of
/// the 8-byte big-endian counter, then 31 bits read at the offset its last nibble names.
/// A negative step's counter is its two's-complement bytes.
pub(super) fn dynamic_truncation(key: &[u8; SECRET_BYTES], step: i64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    mac.update(&step.to_be_bytes());
    let digest: [u8; 20] = mac.finalize().into_bytes().into();
    let offset = usize::from(digest[19] & 0x0f);
    let word = [digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]];
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// Checks `given` (spaces ignored) against `secret`'s codes for the step holding `now_ms` and
/// the steps either side, and returns the step it matched: the caller stores it as the
/// agent's last used step and passes it back as `last_used_step` next time. A code of that
/// step or an earlier one is refused as [`TwoFactorError::CodeAlreadyUsed`].
///
/// Codes are compared in constant time, each candidate in full.
pub fn verify_code(
    secret: &TotpSecret,
    given: &str,
    now_ms: i64,
    last_used_step: Option<i64>,
) -> Result<i64, TwoFactorError> {
    let given = parse_code(given)?;
    let now = step_at(now_ms);
    let mut accepted = None;
    let mut replayed = false;
    for step in now - DRIFT_STEPS..=now + DRIFT_STEPS {
        let matches: bool = secret.code_for_step(step).ct_eq(&given).into();
        if !matches {
            continue;
        }
        if last_used_step.is_some_and(|used| step <= used) {
            replayed = true;
        } else {
            // The latest step wins if two codes happen to be the same.
            accepted = Some(step);
        }
    }
    match accepted {
        Some(step) => Ok(step),
        None if replayed => Err(TwoFactorError::CodeAlreadyUsed),
        None => Err(TwoFactorError::WrongCode),
    }
}

/// `given` without its whitespace, if that is exactly [`DIGITS`] ASCII digits.
fn parse_code(given: &str) -> Result<[u8; DIGITS as usize], TwoFactorError> {
    let mut code = [0u8; DIGITS as usize];
    let mut len = 0;
    for c in given.chars().filter(|c| !c.is_whitespace()) {
        let slot = code.get_mut(len).ok_or(TwoFactorError::MalformedCode)?;
        if !c.is_ascii_digit() {
            return Err(TwoFactorError::MalformedCode);
        }
        // An ASCII digit is one byte.
        *slot = c as u8;
        len += 1;
    }
    if len == code.len() {
        Ok(code)
    } else {
        Err(TwoFactorError::MalformedCode)
    }
}
