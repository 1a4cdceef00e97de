//! The external bot a flow may start with (as Chatwoot's agent bots): where visitor messages
//! are POSTed, the secret that signs them, and the separate token the bot answers with later.
//!
//! The two secrets are apart so that what the bot holds to call us (the token) is not what
//! proves our requests to it (the signing secret): a leaked token cannot forge webhooks, and
//! rotating one leaves the other alone. Both stay with admins ([`WebhookBot::hidden`]).

use serde::{Deserialize, Serialize};

use super::FlowError;
use crate::token::same_secret;

/// The shortest secret or token accepted: 32 characters (at least 160 bits as the random
/// strings it should be).
pub const MIN_SECRET_CHARS: usize = 32;

/// What non-admins read in place of a secret.
pub const HIDDEN: &str = "(admins only)";

/// An external bot reached by webhook: each visitor message is POSTed to `url`, signed with
/// `signing_secret`; it answers in the response or later through the API with `api_token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookBot {
    /// Where visitor messages are POSTed: `https://`, or `http://` to this machine (for
    /// development: a deployed worker cannot reach it).
    pub url: String,
    /// Signs each request (HMAC-SHA256, `core::webhook`) for the bot to check. Flows written
    /// before it was split from `api_token` call it `secret`.
    #[serde(alias = "secret")]
    pub signing_secret: String,
    /// What the bot sends as `Authorization: Bearer …` to answer later; without it the bot
    /// answers only in the webhook's response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token: Option<String>,
    /// How long to wait for an answer before handing over to a human.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
}

impl WebhookBot {
    /// Checks what serde cannot: the URL's scheme, the secrets' length, the timeout.
    pub fn validate(&self) -> Result<(), FlowError> {
        if !(self.url.starts_with("https://") || is_local_http(&self.url)) {
            return Err(FlowError::WebhookUrl);
        }
        let long_enough = |secret: &str| secret.chars().count() >= MIN_SECRET_CHARS;
        if !long_enough(&self.signing_secret) {
            return Err(FlowError::WebhookSecret("webhook signing_secret must have at least 32 characters"));
        }
        if let Some(token) = &self.api_token {
            if !long_enough(token) {
                return Err(FlowError::WebhookSecret("webhook api_token must have at least 32 characters"));
            }
            if same_secret(token, &self.signing_secret) {
                return Err(FlowError::WebhookSecret(
                    "webhook api_token must differ from its signing_secret",
                ));
            }
        }
        if !(100..=30_000).contains(&self.timeout_ms) {
            return Err(FlowError::Range("webhook timeout_ms must be 100 to 30000"));
        }
        Ok(())
    }

    /// Whether an `Authorization` header carries this bot's API token (compared in constant
    /// time). Never the signing secret.
    pub fn authorises(&self, authorization: &str) -> bool {
        let presented = authorization.strip_prefix("Bearer ").unwrap_or_default();
        self.api_token.as_deref().is_some_and(|token| same_secret(token, presented))
    }

    /// The bot as non-admins see it: where it is and how long it may take, not its secrets.
    pub fn hidden(&self) -> WebhookBot {
        WebhookBot {
            signing_secret: HIDDEN.to_owned(),
            api_token: self.api_token.as_ref().map(|_| HIDDEN.to_owned()),
            ..self.clone()
        }
    }
}

/// Whether `url` is plain `http://` to this machine (localhost, 127.0.0.0/8 or `[::1]`).
fn is_local_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().map(|h| format!("[{h}]")).unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default().to_ascii_lowercase(),
    };
    let loopback_v4 = host.strip_prefix("127.").is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('.').collect();
        parts.len() == 3 && parts.iter().all(|part| part.parse::<u8>().is_ok())
    });
    host == "localhost" || host == "[::1]" || loopback_v4
}

fn default_timeout_ms() -> u32 {
    5_000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bot(url: &str, signing: &str, token: Option<&str>) -> WebhookBot {
        WebhookBot {
            url: url.into(),
            signing_secret: signing.into(),
            api_token: token.map(str::to_owned),
            timeout_ms: 5_000,
        }
    }

    const SIGNING: &str = "whsec-0123456789abcdef0123456789ab";
    const TOKEN: &str = "bot-token-0123456789abcdef01234567";

    #[test]
    fn urls_are_https_or_plain_http_to_this_machine() {
        for good in [
            "https://bot.example/hook",
            "http://127.0.0.1:9000/hook",
            "http://localhost/x",
            "http://[::1]:80",
        ] {
            assert_eq!(bot(good, SIGNING, None).validate(), Ok(()), "{good}");
        }
        for bad in [
            "http://bot.example/hook",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example/",
            "http://user@bot.example/",
            "http://127.0.0.1@evil.example/",
            "ftp://bot.example",
            "bot.example",
        ] {
            assert_eq!(bot(bad, SIGNING, None).validate(), Err(FlowError::WebhookUrl), "{bad}");
        }
    }

    #[test]
    fn secrets_are_long_and_apart() {
        assert!(bot("https://b.example", "short", None).validate().is_err());
        assert!(bot("https://b.example", SIGNING, Some("short")).validate().is_err());
        assert!(bot("https://b.example", SIGNING, Some(SIGNING)).validate().is_err());
        assert_eq!(bot("https://b.example", SIGNING, Some(TOKEN)).validate(), Ok(()));
    }

    #[test]
    fn only_the_api_token_authorises_an_answer() {
        let with_token = bot("https://b.example", SIGNING, Some(TOKEN));
        assert!(with_token.authorises(&format!("Bearer {TOKEN}")));
        assert!(!with_token.authorises(&format!("Bearer {SIGNING}")), "the signing secret is not a token");
        assert!(!with_token.authorises(TOKEN) && !with_token.authorises("Bearer "));
        assert!(!bot("https://b.example", SIGNING, None).authorises(&format!("Bearer {SIGNING}")));
    }

    #[test]
    fn non_admins_see_neither_secret_and_old_flows_still_read() {
        let hidden = bot("https://b.example", SIGNING, Some(TOKEN)).hidden();
        let text = serde_json::to_string(&hidden).unwrap();
        assert!(!text.contains(SIGNING) && !text.contains(TOKEN), "{text}");
        assert_eq!(hidden.url, "https://b.example");
        let old: WebhookBot = serde_json::from_str(r#"{"url":"https://b.example","secret":"s"}"#).unwrap();
        assert_eq!((old.signing_secret.as_str(), old.api_token), ("s", None));
    }
}
