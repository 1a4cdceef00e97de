//! Console accounts: names, one-time invite tokens and API keys, who may remove whom
//! (failed sign-ins are [`crate::sign_in_throttle`]'s).
//!
//! The Directory object stores what these functions decide; nothing here reads a clock or a
//! random source (both are passed in).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::invite_create::{DEFAULT_INVITE_TTL_S, MAX_INVITE_TTL_S};
use switchboard_protocol::{AgentId, ApiError, ErrorCode, SiteId};

use crate::token::AgentClaims;

/// Longest name of a person, an API key or a site, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// `typed` as a name (of `what`: "a person", "the key", "the site"), trimmed: 1 to
/// [`MAX_NAME_CHARS`] characters.
pub fn name(typed: &str, what: &str) -> Result<String, ApiError> {
    let name = typed.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("give {what} a name of 1 to {MAX_NAME_CHARS} characters"),
        )
        .at_field("name"));
    }
    Ok(name.to_owned())
}

/// Whether the signed-in account may do what only admins do (`forbidden` otherwise).
pub fn require_admin(claims: &AgentClaims) -> Result<(), ApiError> {
    if claims.role != AgentRole::Admin {
        return Err(ApiError::new(ErrorCode::Forbidden, "only admins may do this"));
    }
    Ok(())
}

/// Whether the signed-in account may act on `agent`'s account — its photo, its sessions:
/// everyone on their own, admins on anyone's of their site (the caller checks the site).
pub fn require_self_or_admin(claims: &AgentClaims, agent: &AgentId, what: &str) -> Result<(), ApiError> {
    if &claims.agent == agent || claims.role == AgentRole::Admin {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::Forbidden, format!("only admins may change another agent's {what}")))
}

/// Who owns the deployment — creates sites and invites their first admins: the account the
/// deployer named (`BOOTSTRAP_ADMIN_EMAIL`) on the first site. Named, not implied: other admins
/// of the first site run that site only, and API keys never own.
#[derive(Debug, Clone, Copy)]
pub struct DeploymentOwner<'a> {
    /// The first site.
    pub site: &'a SiteId,
    /// The owner's sign-in email.
    pub email: &'a str,
}

/// Whether the account is the deployment's owner.
pub fn is_owner(claims: &AgentClaims, owner: Option<DeploymentOwner<'_>>) -> bool {
    owner.is_some_and(|owner| {
        claims.role == AgentRole::Admin
            && *owner.site == claims.site
            && !claims.email.is_empty()
            && crate::fields::normalise_email(&claims.email) == crate::fields::normalise_email(owner.email)
    })
}

/// Whether the account may manage sites (`forbidden` unless the owner).
pub fn require_owner(claims: &AgentClaims, owner: Option<DeploymentOwner<'_>>) -> Result<(), ApiError> {
    if !is_owner(claims, owner) {
        return Err(ApiError::new(ErrorCode::Forbidden, "only the deployment's owner may manage sites"));
    }
    Ok(())
}

/// Whether admin `by` of `site` may remove `agent`, whose account belongs to `agent_site`
/// (`None`: no such account). Nobody removes themselves (a site must keep an admin who can
/// act); another site's account is reported like a missing one, so admins cannot probe
/// other sites' accounts.
pub fn check_removal(
    by: &AgentId,
    site: &SiteId,
    agent: &AgentId,
    agent_site: Option<&SiteId>,
) -> Result<(), ApiError> {
    if agent == by {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "you cannot remove your own account; ask another admin",
        ));
    }
    if agent_site != Some(site) {
        return Err(ApiError::new(ErrorCode::NotFound, "no such agent"));
    }
    Ok(())
}

/// A new invite token from 32 random bytes: what goes in the link, never stored.
pub fn new_invite_token(random: [u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// Whether `token` has the shape of one [`new_invite_token`] makes (43 URL-safe characters).
/// Anything else is `not_found` without looking it up.
pub fn is_invite_token_shaped(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is stored for an invite token: its SHA-256, hex. The token has 256 bits of
/// randomness, so a plain hash suffices (no salt or stretching): a leaked table of hashes does
/// not yield working links.
pub fn invite_key(token: &str) -> String {
    secret_digest(token)
}

/// A new API key secret from 32 random bytes: `sbk_` and 43 URL-safe characters.
pub fn new_api_key(random: [u8; 32]) -> String {
    format!("{}{}", switchboard_protocol::api::api_keys::KEY_PREFIX, URL_SAFE_NO_PAD.encode(random))
}

/// Whether `secret` has the shape of a key [`new_api_key`] makes: the prefix and 43 URL-safe
/// characters. Anything else is refused without looking it up.
pub fn is_api_key_shaped(secret: &str) -> bool {
    secret.strip_prefix(switchboard_protocol::api::api_keys::KEY_PREFIX).is_some_and(|rest| {
        rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// The SHA-256 (hex) stored for a random secret (invite tokens, API keys): enough for 256-bit
/// random secrets, which cannot be guessed from a leaked digest.
pub fn secret_digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest an API key may be made to last: two years (keys without an expiry last until
/// revoked, or until their maker's account is removed).
pub const MAX_KEY_TTL_S: u64 = 2 * 365 * 24 * 60 * 60;

/// When an API key made at `now` with the requested lifetime stops working (`None`: never).
pub fn key_expiry(now: i64, expires_in_s: Option<u64>) -> Result<Option<i64>, ApiError> {
    match expires_in_s {
        None => Ok(None),
        Some(ttl) if ttl == 0 || ttl > MAX_KEY_TTL_S => Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("expires_in_s must be between 1 and {MAX_KEY_TTL_S} (two years)"),
        )
        .at_field("expires_in_s")),
        Some(ttl) => Ok(Some(now + (ttl as i64) * 1000)),
    }
}

/// When an invite made at `now` with the requested lifetime stops working.
pub fn invite_expiry(now: i64, expires_in_s: Option<u64>) -> Result<i64, ApiError> {
    let ttl = expires_in_s.unwrap_or(DEFAULT_INVITE_TTL_S);
    if ttl == 0 || ttl > MAX_INVITE_TTL_S {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("expires_in_s must be between 1 and {MAX_INVITE_TTL_S} (30 days)"),
        )
        .at_field("expires_in_s"));
    }
    Ok(now + (ttl as i64) * 1000)
}

/// How often one address may look an invite up or accept one, a minute (also the burst):
/// plenty for a person opening their link, while guessing tokens (or making the directory
/// hash passwords for made-up ones) gets `429`.
pub const INVITE_ATTEMPTS_PER_ADDRESS_PER_MINUTE: u32 = 20;

/// The refusal for an address that tried too many invites.
pub fn too_many_invite_attempts(retry_after_ms: u32) -> ApiError {
    ApiError::new(
        ErrorCode::RateLimited,
        format!(
            "too many invite attempts from this address; try again in {} s",
            retry_after_ms.div_ceil(1_000)
        ),
    )
    .retry_after(retry_after_ms)
}

/// Whether a stored invite can still be used at `now`.
pub fn check_invite(expires_at: i64, used_at: Option<i64>, now: i64) -> Result<(), ApiError> {
    if used_at.is_some() {
        return Err(ApiError::new(
            ErrorCode::Gone,
            "this invite was already used; sign in, or ask an admin for a new invite",
        ));
    }
    if expires_at <= now {
        return Err(ApiError::new(ErrorCode::Gone, "this invite has expired; ask an admin for a new one"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_keys_are_stable_hashes_and_tokens_are_url_safe() {
        let token = new_invite_token([0xfb; 32]);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{token}");
        assert_eq!(invite_key(&token), invite_key(&token));
        assert_ne!(invite_key(&token), invite_key(&new_invite_token([1; 32])));
        assert_eq!(invite_key(&token).len(), 64);
    }

    #[test]
    fn names_have_1_to_80_characters_once_trimmed() {
        assert_eq!(name("  Ada Lovelace ", "a person"), Ok("Ada Lovelace".into()));
        assert_eq!(name(&"é".repeat(80), "the key").map(|n| n.chars().count()), Ok(80));
        for bad in ["", "   ", &"x".repeat(81)] {
            let error = name(bad, "the site").unwrap_err();
            assert_eq!(error.code, ErrorCode::BadRequest);
            assert!(error.message.contains("the site") && error.message.contains("1 to 80"), "{error:?}");
        }
    }

    #[test]
    fn the_owner_is_the_account_the_deployer_named_not_every_admin_of_the_first_site() {
        let (first, other) = (SiteId::parse("first").unwrap(), SiteId::parse("other").unwrap());
        let claims = |role, site: &SiteId, email: &str| AgentClaims {
            agent: AgentId::from_random([1; 16]),
            site: site.clone(),
            name: "Ada".into(),
            email: email.into(),
            role,
            ver: 0,
            setup_only: false,
            exp: 0,
        };
        let owner = Some(DeploymentOwner { site: &first, email: "Ada@Example.com" });
        assert!(require_admin(&claims(AgentRole::Admin, &other, "x@y.z")).is_ok());
        let agent = claims(AgentRole::Agent, &first, "ada@example.com");
        assert_eq!(require_admin(&agent).unwrap_err().code, ErrorCode::Forbidden);
        assert!(is_owner(&claims(AgentRole::Admin, &first, "ada@example.com"), owner));
        for (role, site, email) in [
            (AgentRole::Agent, &first, "ada@example.com"),
            (AgentRole::Admin, &other, "ada@example.com"),
            (AgentRole::Admin, &first, "bo@example.com"),
            (AgentRole::Admin, &first, ""),
        ] {
            assert!(require_owner(&claims(role, site, email), owner).is_err(), "{role:?} {site} {email}");
        }
        assert!(
            !is_owner(&claims(AgentRole::Admin, &first, "ada@example.com"), None),
            "no bootstrap: no owner"
        );
    }

    #[test]
    fn agents_act_on_their_own_account_and_admins_on_anyone_s() {
        let (ada, bo) = (AgentId::from_random([1; 16]), AgentId::from_random([2; 16]));
        let claims = |role| AgentClaims {
            agent: ada.clone(),
            site: SiteId::parse("shop").unwrap(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            role,
            ver: 0,
            setup_only: false,
            exp: 0,
        };
        assert!(require_self_or_admin(&claims(AgentRole::Agent), &ada, "photo").is_ok());
        assert!(require_self_or_admin(&claims(AgentRole::Admin), &bo, "photo").is_ok());
        let refused = require_self_or_admin(&claims(AgentRole::Agent), &bo, "sessions").unwrap_err();
        assert_eq!(refused.code, ErrorCode::Forbidden);
        assert!(refused.message.contains("sessions"), "{refused:?}");
    }

    #[test]
    fn admins_remove_others_of_their_own_site_only() {
        let (ada, bo) = (AgentId::from_random([1; 16]), AgentId::from_random([2; 16]));
        let (shop, other) = (SiteId::parse("shop").unwrap(), SiteId::parse("other").unwrap());
        assert_eq!(check_removal(&ada, &shop, &bo, Some(&shop)), Ok(()));
        assert_eq!(check_removal(&ada, &shop, &ada, Some(&shop)).unwrap_err().code, ErrorCode::Conflict);
        // Another site's account and a missing one read the same.
        let elsewhere = check_removal(&ada, &shop, &bo, Some(&other)).unwrap_err();
        assert_eq!(elsewhere, check_removal(&ada, &shop, &bo, None).unwrap_err());
        assert_eq!(elsewhere.code, ErrorCode::NotFound);
    }

    #[test]
    fn only_key_shaped_secrets_are_looked_up() {
        let key = new_api_key([7; 32]);
        assert!(is_api_key_shaped(&key), "{key}");
        for bad in [
            "",
            "sbk_",
            "sbk_short",
            &format!("{key}x"),
            &key.replace("sbk_", "sbx_"),
            &format!("{}é", &key[..46]),
        ] {
            assert!(!is_api_key_shaped(bad), "{bad}");
        }
    }

    #[test]
    fn keys_last_until_revoked_or_as_long_as_asked() {
        assert_eq!(key_expiry(1_000, None), Ok(None));
        assert_eq!(key_expiry(1_000, Some(60)), Ok(Some(61_000)));
        assert!(key_expiry(0, Some(0)).is_err() && key_expiry(0, Some(MAX_KEY_TTL_S + 1)).is_err());
    }

    #[test]
    fn only_invite_shaped_tokens_are_looked_up() {
        assert!(is_invite_token_shaped(&new_invite_token([7; 32])));
        for bad in ["", "short", &"a".repeat(44), &format!("{}!", "a".repeat(42))] {
            assert!(!is_invite_token_shaped(bad), "{bad}");
        }
    }

    #[test]
    fn invites_expire_and_are_used_once() {
        assert_eq!(invite_expiry(1_000, Some(60)), Ok(61_000));
        assert_eq!(invite_expiry(0, None), Ok(DEFAULT_INVITE_TTL_S as i64 * 1000));
        assert!(invite_expiry(0, Some(0)).is_err());
        assert!(invite_expiry(0, Some(MAX_INVITE_TTL_S + 1)).is_err());
        assert_eq!(check_invite(2_000, None, 1_999), Ok(()));
        assert_eq!(check_invite(2_000, None, 2_000).unwrap_err().code, ErrorCode::Gone);
        assert_eq!(check_invite(2_000, Some(1_500), 1_600).unwrap_err().code, ErrorCode::Gone);
    }
}
