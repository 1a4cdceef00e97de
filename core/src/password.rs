//! Password hashes: PBKDF2-HMAC-SHA256 with a random salt, stored as one string.
//!
//! Why PBKDF2 and this count: it is the password KDF the Workers runtime also offers through
//! WebCrypto, whose PBKDF2 refuses more than 100,000 iterations; staying at that count keeps
//! hashes portable between this pure-Rust implementation and WebCrypto.

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

/// Iterations for new hashes.
pub const ITERATIONS: u32 = 100_000;

/// Shortest password accepted for a new account.
pub const MIN_PASSWORD_CHARS: usize = 10;

const PREFIX: &str = "pbkdf2-sha256";

/// A stored password hash: `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    iterations: u32,
    salt: Vec<u8>,
    hash: [u8; 32],
}

/// Why a password or a stored hash was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// A new password shorter than [`MIN_PASSWORD_CHARS`].
    #[error("passwords need at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// A stored hash that is not of the expected form.
    #[error("malformed password hash")]
    Malformed,
}

impl PasswordHash {
    /// Hashes a new password with `salt` (16 random bytes from the caller).
    pub fn create(password: &str, salt: [u8; 16]) -> Result<Self, PasswordError> {
        Self::check_new(password)?;
        Ok(Self::derive(password, &salt, ITERATIONS))
    }

    fn derive(password: &str, salt: &[u8], iterations: u32) -> Self {
        let mut hash = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut hash);
        Self { iterations, salt: salt.to_vec(), hash }
    }

    /// Whether `password` is the one hashed; compares in constant time.
    pub fn verify(&self, password: &str) -> bool {
        let candidate = Self::derive(password, &self.salt, self.iterations);
        self.matches(&candidate.hash)
    }

    /// Checks a new password's length, for a caller that derives the hash itself (the edge
    /// uses the runtime's WebCrypto, which computes the same PBKDF2 natively).
    pub fn check_new(password: &str) -> Result<(), PasswordError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        Ok(())
    }

    /// A hash derived elsewhere (WebCrypto) with `salt` and `iterations`.
    pub fn from_derived(iterations: u32, salt: &[u8], derived: &[u8]) -> Result<Self, PasswordError> {
        let hash: [u8; 32] = derived.try_into().map_err(|_| PasswordError::Malformed)?;
        Ok(Self { iterations, salt: salt.to_vec(), hash })
    }

    /// Whether `derived` (PBKDF2 of a candidate with this salt and count) is this hash;
    /// compares in constant time.
    pub fn matches(&self, derived: &[u8]) -> bool {
        derived.len() == self.hash.len() && bool::from(derived.ct_eq(&self.hash))
    }

    /// The iteration count.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The salt.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// Parses the stored form.
    pub fn parse(stored: &str) -> Result<Self, PasswordError> {
        let mut parts = stored.split('$');
        let (Some(PREFIX), Some(iterations), Some(salt), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(PasswordError::Malformed);
        };
        let iterations: u32 = iterations.parse().map_err(|_| PasswordError::Malformed)?;
        let salt = STANDARD_NO_PAD.decode(salt).map_err(|_| PasswordError::Malformed)?;
        let hash = STANDARD_NO_PAD.decode(hash).map_err(|_| PasswordError::Malformed)?;
        let hash: [u8; 32] = hash.try_into().map_err(|_| PasswordError::Malformed)?;
        if iterations == 0 || salt.is_empty() {
            return Err(PasswordError::Malformed);
        }
        Ok(Self { iterations, salt, hash })
    }
}

impl std::fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{PREFIX}${}${}${}",
            self.iterations,
            STANDARD_NO_PAD.encode(&self.salt),
            STANDARD_NO_PAD.encode(self.hash)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let hash = PasswordHash::create("correct horse battery", [3; 16]).unwrap();
        let stored = PasswordHash::parse(&hash.to_string()).unwrap();
        assert!(stored.verify("correct horse battery"));
        assert!(!stored.verify("correct horse batterY"));
        assert!(stored.to_string().starts_with("pbkdf2-sha256$100000$"));
    }

    #[test]
    fn the_same_password_with_another_salt_hashes_differently() {
        let a = PasswordHash::create("correct horse battery", [1; 16]).unwrap();
        let b = PasswordHash::create("correct horse battery", [2; 16]).unwrap();
        assert_ne!(a.to_string(), b.to_string());
    }

    #[test]
    fn a_hash_derived_elsewhere_matches_the_same_way() {
        let stored = PasswordHash::create("correct horse battery", [5; 16]).unwrap();
        let mut derived = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            b"correct horse battery",
            stored.salt(),
            stored.iterations(),
            &mut derived,
        );
        assert!(stored.matches(&derived));
        assert!(!stored.matches(&derived[..31]));
        let rebuilt = PasswordHash::from_derived(stored.iterations(), stored.salt(), &derived).unwrap();
        assert_eq!(rebuilt, stored);
    }

    #[test]
    fn short_passwords_and_malformed_hashes_are_refused() {
        assert_eq!(PasswordHash::create("short", [0; 16]), Err(PasswordError::TooShort));
        for bad in ["", "pbkdf2-sha256$1$AA", "md5$1$AA$AA", "pbkdf2-sha256$0$AAAA$AAAA"] {
            assert!(PasswordHash::parse(bad).is_err(), "{bad}");
        }
    }
}
