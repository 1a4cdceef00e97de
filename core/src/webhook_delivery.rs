//! Webhook subscriptions and their deliveries: what a subscription may be, when a failed
//! delivery is tried again (exponential backoff with jitter, for at least a day), when a
//! subscription that keeps failing is turned off, and what of an answer is kept for the log.
//! Time and randomness come in as arguments.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use switchboard_protocol::api::webhooks::{CreateRequest, EventType, MAX_URL_BYTES, MAX_WEBHOOKS};
use switchboard_protocol::{ApiError, ErrorCode};

/// Prefix of every signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// The first retry's delay, by default; each next one doubles, up to [`MAX_DELAY_MS`].
pub const DEFAULT_FIRST_DELAY_MS: i64 = 10_000;

/// The longest wait between two attempts.
pub const MAX_DELAY_MS: i64 = 60 * 60 * 1000;

/// How long a subscription may fail without a single success before it is turned off.
pub const DEFAULT_GIVE_UP_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// How long one attempt may take before it counts as failed.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// The most of an answer's body kept in the log, in characters.
pub const EXCERPT_CHARS: usize = 500;

/// The most of an answer's body read at all (the rest is not waited for).
pub const MAX_READ_BYTES: usize = 4 * 1024;

/// A URL deliveries may go to: `https://`, or `http://` to this machine (development).
pub fn check_url(typed: &str) -> Result<String, ApiError> {
    let url = typed.trim();
    let bad = |why: &str| Err(ApiError::new(ErrorCode::BadRequest, format!("url: {why}")).at_field("url"));
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad(&format!("at most {MAX_URL_BYTES} bytes, no spaces"));
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("", ""));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(inside, _)| inside.trim_start_matches('['))
    } else {
        host.split(':').next().unwrap_or_default()
    };
    if host.is_empty() || authority.contains('@') {
        return bad("give a full URL with a host and no user name (https://example.com/hooks)");
    }
    let local = matches!(host, "localhost" | "127.0.0.1" | "::1");
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_owned()),
        "http" if local => Ok(url.to_owned()),
        "http" => bad("use https (plain http only to localhost, for development)"),
        _ => bad("use an https:// URL"),
    }
}

/// Checks what a new subscription asks for, given how many the site has.
pub fn check_create(request: &CreateRequest, existing: usize) -> Result<String, ApiError> {
    if existing >= MAX_WEBHOOKS {
        return Err(ApiError::new(ErrorCode::Conflict, format!("a site may have {MAX_WEBHOOKS} webhooks")));
    }
    check_events(&request.events)?;
    check_url(&request.url)
}

/// At least one event type.
pub fn check_events(events: &[EventType]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Err(
            ApiError::new(ErrorCode::BadRequest, "events: name at least one event type").at_field("events")
        );
    }
    Ok(())
}

/// A signing secret from 32 random bytes.
pub fn new_secret(random: [u8; 32]) -> String {
    format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(random))
}

/// How retries are spaced, and when a subscription is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The first retry's delay.
    pub first_delay_ms: i64,
    /// How long a subscription may fail before it is turned off.
    pub give_up_after_ms: i64,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { first_delay_ms: DEFAULT_FIRST_DELAY_MS, give_up_after_ms: DEFAULT_GIVE_UP_AFTER_MS }
    }
}

impl Schedule {
    /// When to try again after `attempts` failed attempts, at `now`; `jitter` in `[0, 1)`
    /// spreads the retries of many deliveries that failed together (±25 %).
    pub fn next_attempt(&self, attempts: u32, now: i64, jitter: f64) -> i64 {
        let doubled = self.first_delay_ms.saturating_mul(1i64 << attempts.saturating_sub(1).min(30));
        let delay = doubled.min(MAX_DELAY_MS.max(self.first_delay_ms)) as f64;
        now + (delay * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))).round() as i64
    }

    /// Whether a subscription failing since `failing_since` is given up at `now`.
    pub fn gives_up(&self, failing_since: Option<i64>, now: i64) -> bool {
        failing_since.is_some_and(|since| now - since >= self.give_up_after_ms)
    }
}

/// How long the delivery log keeps a finished delivery.
pub const LOG_KEEP_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The most finished deliveries one queue keeps in its log (the oldest go first).
pub const LOG_KEEP_ROWS: u32 = 2_000;

/// What follows an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAttempt {
    /// Delivered: the queue is healthy again.
    Delivered,
    /// Failed: try again at `next_at`; the queue has been failing since `failing_since`.
    Retry {
        /// When.
        next_at: i64,
        /// Since when every attempt of the queue failed.
        failing_since: i64,
    },
    /// Failed for too long: the subscription is turned off.
    GiveUp,
}

impl Schedule {
    /// What follows an attempt answered with `status` (`None`: no answer in time), the
    /// delivery's `attempts` counting it, in a queue failing since `failing_since`.
    pub fn after_attempt(
        &self,
        status: Option<u16>,
        attempts: u32,
        failing_since: Option<i64>,
        now: i64,
        jitter: f64,
    ) -> AfterAttempt {
        if status.is_some_and(delivered) {
            return AfterAttempt::Delivered;
        }
        let failing_since = failing_since.unwrap_or(now);
        if self.gives_up(Some(failing_since), now) {
            return AfterAttempt::GiveUp;
        }
        AfterAttempt::Retry { next_at: self.next_attempt(attempts, now, jitter), failing_since }
    }
}

/// Whether an answer with `status` is a successful delivery.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// What the log keeps of an answer's body.
pub fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(EXCERPT_CHARS).collect()
}

/// Why a subscription was turned off.
pub fn give_up_reason(give_up_after_ms: i64) -> String {
    format!("every delivery failed for {} h", (give_up_after_ms / 3_600_000).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn https_anywhere_http_only_here() {
        assert!(check_url("https://hooks.example.com/in?x=1").is_ok());
        assert!(check_url("http://127.0.0.1:9000/hooks").is_ok());
        assert!(check_url("http://localhost/hooks").is_ok());
        assert!(check_url("http://[::1]:8080/").is_ok());
        for bad in [
            "http://example.com/",
            "ftp://x",
            "https://",
            "https://user@example.com/",
            "not a url",
            "https://a b",
        ] {
            assert_eq!(check_url(bad).unwrap_err().field.as_deref(), Some("url"), "{bad}");
        }
    }

    #[test]
    fn retries_double_up_to_an_hour_and_give_up_after_a_day() {
        let schedule = Schedule::default();
        assert_eq!(schedule.next_attempt(1, 0, 0.5), 10_000);
        assert_eq!(schedule.next_attempt(2, 0, 0.5), 20_000);
        assert_eq!(schedule.next_attempt(40, 0, 0.5), MAX_DELAY_MS);
        assert!(!schedule.gives_up(None, i64::MAX));
        assert!(!schedule.gives_up(Some(0), DEFAULT_GIVE_UP_AFTER_MS - 1));
        assert!(schedule.gives_up(Some(0), DEFAULT_GIVE_UP_AFTER_MS));
    }

    #[test]
    fn an_attempt_delivers_retries_or_gives_up() {
        let schedule = Schedule::default();
        assert_eq!(schedule.after_attempt(Some(204), 3, Some(0), 100, 0.5), AfterAttempt::Delivered);
        assert_eq!(
            schedule.after_attempt(None, 1, None, 100, 0.5),
            AfterAttempt::Retry { next_at: 10_100, failing_since: 100 }
        );
        assert_eq!(
            schedule.after_attempt(Some(302), 2, Some(50), 100, 0.5),
            AfterAttempt::Retry { next_at: 20_100, failing_since: 50 }
        );
        assert_eq!(
            schedule.after_attempt(Some(500), 9, Some(0), DEFAULT_GIVE_UP_AFTER_MS, 0.5),
            AfterAttempt::GiveUp
        );
    }

    #[test]
    fn secrets_and_excerpts() {
        assert!(new_secret([7; 32]).starts_with(SECRET_PREFIX));
        assert_eq!(excerpt("é".repeat(900).as_bytes()).chars().count(), EXCERPT_CHARS);
        assert!(delivered(204) && !delivered(301) && !delivered(500));
    }

    proptest! {
        /// Retries never come sooner than 3/4 of the first delay nor later than 5/4 of an
        /// hour, and with the same jitter never come sooner after more failures.
        #[test]
        fn retries_are_bounded_and_back_off(attempts in 1u32..200, jitter in 0.0f64..1.0) {
            let schedule = Schedule::default();
            let at = schedule.next_attempt(attempts, 0, jitter);
            prop_assert!((DEFAULT_FIRST_DELAY_MS * 3 / 4..=MAX_DELAY_MS * 5 / 4).contains(&at));
            prop_assert!(schedule.next_attempt(attempts + 1, 0, jitter) >= at);
        }

        /// Over a day of failures the attempts keep coming: at least one an hour and a quarter.
        #[test]
        fn a_day_of_retries(jitter in 0.0f64..1.0) {
            let schedule = Schedule::default();
            let (mut now, mut attempts) = (0i64, 1u32);
            while now < DEFAULT_GIVE_UP_AFTER_MS {
                let next = schedule.next_attempt(attempts, now, jitter);
                prop_assert!(next - now <= MAX_DELAY_MS * 5 / 4);
                now = next;
                attempts += 1;
            }
            prop_assert!(attempts > 24);
        }
    }
}
