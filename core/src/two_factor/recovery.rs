//! Recovery codes: one-time codes for an agent who lost their authenticator app.
//!
//! A code is 12 characters of Crockford's base32 in lower case, shown in groups of four
//! (`k7f3-9qxm-2p8d`): 60 random bits. The alphabet has no `i`, `l`, `o` or `u`, and what is
//! typed is read as Crockford's decoding does (`o` as `0`, `i` and `l` as `1`), so no
//! character can be misread; case, spaces and dashes do not matter.
//!
//! Only a SHA-256 of each code is stored. A fast, unsalted hash is enough here, unlike for
//! passwords: a code is 60 bits from a CSPRNG, not something a person chose, so recovering
//! one from its hash means searching 2^60 candidates (a salt or a slow KDF defends against
//! guessing from a small space, which there is not).

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::webhook::hex;

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// Random bytes per code the caller provides; a code shows the first 60 bits of its 10.
const RANDOM_BYTES_PER_CODE: usize = 10;

/// Random bytes [`RecoveryCodes::generate`] takes.
pub const RECOVERY_RANDOM_BYTES: usize = RECOVERY_CODES * RANDOM_BYTES_PER_CODE;

/// Crockford's base32 alphabet, lower case.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Characters in a code, separators aside.
const CODE_CHARS: usize = 12;

/// Characters between dashes in a shown code.
const GROUP_CHARS: usize = 4;

/// A new set of recovery codes: the codes to show the agent once, and what to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCodes {
    /// The codes, as `k7f3-9qxm-2p8d`: shown to the agent once, then forgotten.
    pub shown: Vec<String>,
    /// For storage: each code's SHA-256 in lower-case hex, in the order of `shown`.
    pub stored: Vec<String>,
}

impl RecoveryCodes {
    /// [`RECOVERY_CODES`] new codes from `random`, bytes from the caller's CSPRNG.
    pub fn generate(random: [u8; RECOVERY_RANDOM_BYTES]) -> Self {
        let (shown, stored) = random
            .chunks_exact(RANDOM_BYTES_PER_CODE)
            .map(|chunk| {
                let mut bits = [0u8; 8];
                bits.copy_from_slice(&chunk[..8]);
                let bits = u64::from_be_bytes(bits);
                // The top 60 bits, five at a time: each index is below 32.
                let code: [u8; CODE_CHARS] =
                    std::array::from_fn(|i| ALPHABET[((bits >> (59 - 5 * i)) & 0x1f) as usize]);
                (show(&code), stored_hash(&code))
            })
            .unzip();
        Self { shown, stored }
    }
}

/// The dashed form of a code.
fn show(code: &[u8; CODE_CHARS]) -> String {
    let mut shown = String::with_capacity(CODE_CHARS + CODE_CHARS / GROUP_CHARS);
    for (i, group) in code.chunks(GROUP_CHARS).enumerate() {
        if i > 0 {
            shown.push('-');
        }
        shown.extend(group.iter().map(|&b| char::from(b)));
    }
    shown
}

fn stored_hash(code: &[u8; CODE_CHARS]) -> String {
    hex(&Sha256::digest(code))
}

/// Which entry of `stored` (from [`RecoveryCodes::stored`]) `given` is the code of, if any.
/// The caller removes that entry, so each code works once. Case, spaces and dashes in
/// `given` are ignored, and `o`, `i`, `l` read as `0`, `1`, `1`. Every entry is compared, in
/// constant time.
pub fn redeem_recovery_code(stored: &[String], given: &str) -> Option<usize> {
    let hash = stored_hash(&normalise(given)?);
    let mut found = None;
    for (i, entry) in stored.iter().enumerate() {
        let matches: bool = entry.as_bytes().ct_eq(hash.as_bytes()).into();
        if matches && found.is_none() {
            found = Some(i);
        }
    }
    found
}

/// `given` as the code's 12 alphabet characters, if it is one.
fn normalise(given: &str) -> Option<[u8; CODE_CHARS]> {
    let mut code = [0u8; CODE_CHARS];
    let mut len = 0;
    for c in given.chars().filter(|&c| c != '-' && !c.is_whitespace()) {
        let c = match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        *code.get_mut(len)? = c as u8;
        len += 1;
    }
    (len == CODE_CHARS).then_some(code)
}
