//! The team's own emails (`core::email::team`): an invite and a password reset link, sent to
//! the person when the deployment sends email (`POSTMARK_SERVER_TOKEN` and a sender address:
//! the site's email address, else `EMAIL_FROM`). Whatever becomes of one, the request that
//! made the link succeeds; its answer says whether the email went (`emailed`).

use switchboard_core::email::continuity::Composed;
use switchboard_core::email::postmark::OutboundEmail;
use switchboard_protocol::SiteId;

use crate::email_send::{self, Outcome};
use crate::env::Ctx;
use crate::site_cache;

/// Sends to `to` the email `compose` writes with the name of `site` (the sender), from the
/// site's name at its sender address: `true` only when Postmark took it. `false` when the
/// deployment sends no email, and (logged) when it could not go.
pub(crate) async fn send(
    env: &Ctx<'_>,
    site: &SiteId,
    to: &str,
    compose: impl FnOnce(&str) -> Composed,
) -> bool {
    let token = env.secret("POSTMARK_SERVER_TOKEN").map(|s| s.to_string()).unwrap_or_default();
    if token.is_empty() {
        return false;
    }
    let config = match site_cache::config(env, site, env.now).await {
        Ok(config) => config,
        Err(error) => {
            worker::console_error!("team email: reading site {site}: {error:?}");
            return false;
        }
    };
    let Some(sender) = email_send::sender_address(env, &config.channels) else {
        worker::console_error!("team email: site {site} has no sender address (EMAIL_FROM)");
        return false;
    };
    let composed = compose(&config.name);
    let email = OutboundEmail {
        from: email_send::from_header(&config.name, &sender),
        to: to.to_owned(),
        reply_to: sender,
        subject: composed.subject,
        text: composed.text,
        html: Some(composed.html),
        headers: vec![],
        files: Vec::new(),
        metadata: vec![("site".into(), site.to_string())],
    };
    match email_send::send(env, &email).await {
        Outcome::Sent(_) => true,
        Outcome::Later => {
            worker::console_error!("team email of site {site}: Postmark could not be reached; not sent");
            false
        }
        Outcome::Never(why) => {
            worker::console_error!("team email of site {site}: refused: {why}");
            false
        }
    }
}
